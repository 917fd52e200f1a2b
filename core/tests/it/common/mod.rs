//! Helpers shared by the integration tests (`mod common;` in each). Each test file
//! uses some of them, so the others would be dead code there.
#![allow(dead_code)]

pub mod people_changes;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh, empty temporary folder, removed when dropped. The name joins the
/// test file's `tag`, the process id and a counter, so tests running in
/// parallel (and several runs of the suite) never share one.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("tiaokuai-test-{}-{tag}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The message of the `Error::Invalid` an audit config gives (panics on anything else).
pub fn config_error(result: Result<tiaokuai::Config, tiaokuai::Error>) -> String {
    match result {
        Err(tiaokuai::Error::Invalid { what, message }) => {
            assert_eq!(what, "audit config");
            message
        }
        other => panic!("expected an invalid-config error, got {other:?}"),
    }
}

/// The message of the `Error::Invalid` a malformed scenario gives (panics on anything else).
pub fn scenario_error(text: &str) -> String {
    match tiaokuai::scenario::run_str(text, None) {
        Err(tiaokuai::Error::Invalid { what, message }) => {
            assert!(what.starts_with("scenario"), "{what}");
            message
        }
        Err(other) => panic!("expected Error::Invalid, got {other:?}"),
        Ok(outcome) => panic!("expected Error::Invalid, got an outcome:\n{}", outcome.render()),
    }
}

/// The embedded sample without its people, `holds` links and meetings: a realistic model
/// of the kind written before people and meetings were recorded (the sample has both
/// since issues #14 and #15), for tests of what such a model reads and writes.
pub fn sample_without_people_or_meetings() -> tiaokuai::Model {
    let mut doc: serde_json::Value = serde_json::from_str(&tiaokuai::Model::sample().to_json()).unwrap();
    let doc_map = doc.as_object_mut().unwrap();
    assert!(doc_map.remove("people").is_some() && doc_map.remove("meetings").is_some(), "the sample has both");
    doc_map["links"].as_array_mut().unwrap().retain(|l| l["kind"] != "holds");
    tiaokuai::Model::from_json(&doc.to_string()).unwrap()
}

/// A small deterministic generator (xorshift64*), so a failing random case can be replayed
/// from its seed (the what-if and apply-in-place differential tests).
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// A number below `n` (0 for `n` = 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}
