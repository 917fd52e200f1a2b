//! The CSV bundle loader on arbitrary files. The input is split on 0xFF bytes
//! (never valid UTF-8, so no loss) into territories.csv, units.csv,
//! matters.csv, items.csv, links.csv and meta.json; an empty part is a missing
//! file. Whatever loads must round-trip through JSON (identical bytes) and
//! through a CSV bundle written back (the same model).
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tiaokuai::Model;

const FILES: [&str; 6] = ["territories.csv", "units.csv", "matters.csv", "items.csv", "links.csv", "meta.json"];

/// A folder of this process's own (libFuzzer may run several jobs at once).
fn scratch(name: &str) -> &'static Path {
    static DIRS: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    let (input, output) = DIRS.get_or_init(|| {
        // A RAM-backed folder where there is one: the loader reads real files.
        let shm = Path::new("/dev/shm");
        let tmp = if shm.is_dir() { shm.to_path_buf() } else { std::env::temp_dir() };
        remove_stale(&tmp);
        let base = tmp.join(format!("{PREFIX}{}", std::process::id()));
        let dirs = (base.join("in"), base.join("out"));
        std::fs::create_dir_all(&dirs.0).expect("create the scratch folder");
        std::fs::create_dir_all(&dirs.1).expect("create the scratch folder");
        dirs
    });
    if name == "in" { input } else { output }
}

const PREFIX: &str = "tiaokuai-fuzz-csv-";

/// Removes the scratch folders of earlier runs whose process is gone
/// (libFuzzer exits without running destructors).
fn remove_stale(tmp: &Path) {
    let Ok(entries) = std::fs::read_dir(tmp) else { return };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix(PREFIX)) else { continue };
        if pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

fn clear(dir: &Path) {
    for f in FILES {
        let _ = std::fs::remove_file(dir.join(f));
    }
}

fuzz_target!(|data: &[u8]| {
    let dir = scratch("in");
    clear(dir);
    for (file, part) in FILES.iter().zip(data.split(|&b| b == 0xFF)) {
        if !part.is_empty() {
            std::fs::write(dir.join(file), part).expect("write a scratch file");
        }
    }
    let Ok(model) = Model::from_csv_dir(dir) else { return };

    let first = model.to_json();
    let again = Model::from_json(&first).unwrap_or_else(|e| panic!("written JSON does not reload: {e}\n{first}"));
    assert!(again == model, "the JSON-reloaded model differs from the CSV-loaded one\n{first}");
    assert_eq!(first, again.to_json(), "JSON round trip is not byte-identical");

    let out = scratch("out");
    clear(out);
    model.write_csv_dir(out).expect("write the CSV bundle");
    let back = Model::from_csv_dir(out).unwrap_or_else(|e| panic!("written CSV bundle does not reload: {e}\n{first}"));
    assert_eq!(first, back.to_json(), "CSV round trip changed the model");
});
