//! One strict JSON reader (issue #20): every reader treats a JSON text the
//! same way. On arbitrary text:
//!
//! - a text holding a key twice in one object (found by an independent check
//!   here) is accepted by no reader: not as a model, an audit config, a
//!   scenario, nor as a record's `attrs`;
//! - a byte-order mark in front changes nothing, for any reader;
//! - the same text embedded as a scenario's inline model is accepted exactly
//!   when it loads as a model file, with the same kind of error otherwise;
//! - the same text embedded as a scenario's `config` is accepted exactly when
//!   it reads as a config file.
//!
//! Scenarios naming a `model_file` are skipped (the fuzzer could name /dev/zero).
#![no_main]

use std::collections::HashSet;
use std::fmt;

use libfuzzer_sys::fuzz_target;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use tiaokuai::{Config, Model};

/// An independent duplicate-key check: serde_json's own parser, a hash set per object.
/// `Some(true)` when a key repeats, `Some(false)` when none does, `None` when serde_json
/// cannot tell (not JSON, or nested past its recursion limit).
fn has_duplicate(text: &str) -> Option<bool> {
    struct Dup<'a>(&'a mut bool);
    impl<'de> DeserializeSeed<'de> for Dup<'_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }
    impl<'de> Visitor<'de> for Dup<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("JSON")
        }
        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> Result<(), E> {
            Ok(())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while seq.next_element_seed(Dup(&mut *self.0))?.is_some() {}
            Ok(())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let mut keys = HashSet::new();
            while let Some(key) = map.next_key::<String>()? {
                if !keys.insert(key) {
                    *self.0 = true;
                }
                map.next_value_seed(Dup(&mut *self.0))?;
            }
            Ok(())
        }
    }
    // Numbers beyond f64 (1e400) make serde_json fail here: then only syntax is known.
    let mut found = false;
    let mut de = serde_json::Deserializer::from_str(text);
    match Dup(&mut found).deserialize(&mut de).and_then(|()| de.end()) {
        Ok(()) => Some(found),
        Err(_) => None,
    }
}

/// Valid JSON at any depth (a raw value is read without recursion).
fn is_json(text: &str) -> bool {
    serde_json::from_str::<Box<serde_json::value::RawValue>>(text).is_ok()
}

/// How deep arrays and objects nest (strings skipped).
fn depth(text: &str) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

fn names_a_model_file(text: &str) -> bool {
    text.contains("model_file")
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let model = Model::from_json(text);
    let config = Config::from_json_str(text);
    let scenario = (!names_a_model_file(text)).then(|| tiaokuai::scenario::run_str(text, None));

    // A key given twice is accepted by no reader.
    if has_duplicate(text) == Some(true) {
        assert!(model.is_err(), "a model with a duplicate key loaded: {text}");
        assert!(config.is_err(), "a config with a duplicate key was read: {text}");
        if let Some(s) = &scenario {
            assert!(s.is_err(), "a scenario with a duplicate key ran: {text}");
        }
        if text.trim_start().starts_with('{') {
            let attrs = format!(
                r#"{{"format": "tiaokuai/1", "units": [{{"id": "a", "name": "A", "kind": "enterprise", "attrs": {text}}}]}}"#
            );
            assert!(Model::from_json(&attrs).is_err(), "attrs with a duplicate key loaded: {text}");
        }
    }

    // A byte-order mark in front changes nothing.
    if !text.starts_with('\u{feff}') {
        let bom = format!("\u{feff}{text}");
        assert_eq!(Model::from_json(&bom).is_ok(), model.is_ok(), "BOM changed the model reader: {text}");
        assert_eq!(Config::from_json_str(&bom).is_ok(), config.is_ok(), "BOM changed the config reader: {text}");
        if let Some(s) = &scenario {
            let with_bom = tiaokuai::scenario::run_str(&bom, None);
            assert_eq!(with_bom.is_ok(), s.is_ok(), "BOM changed the scenario reader: {text}");
        }
    }

    // Embedded in a scenario, the text is read by the same reader as on its own.
    if is_json(text) && !names_a_model_file(text) {
        let inline = tiaokuai::scenario::run_str(&format!("{{\"name\": \"fuzz\", \"model\": {text}}}"), None);
        match (&model, &inline) {
            (Ok(_), Ok(_)) => {}
            (Err(a), Err(b)) => assert_eq!(a.kind(), b.kind(), "inline model: {a} / {b}\n{text}"),
            (a, b) => panic!("an inline model and a model file differ: {:?} / {:?}\n{text}", a.as_ref().err(), b.as_ref().err()),
        }
        let with_config = tiaokuai::scenario::run_str(
            &format!("{{\"name\": \"fuzz\", \"model\": {{\"format\": \"tiaokuai/1\"}}, \"config\": {text}}}"),
            None,
        );
        // The scenario is one level deeper: a text at the depth limit fits alone but not inside.
        if depth(text) < 127 {
            assert_eq!(with_config.is_ok(), config.is_ok(), "a scenario's config and a config file differ: {text}");
        }
    }
});
