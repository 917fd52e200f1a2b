//! No data lost on the way to and from disk: saving is atomic (a failed save
//! leaves the previous file whole and no temporary file behind, concurrent
//! saves never mix), and a file that changes while it is read is reported,
//! never loaded half old and half new.

use std::io::Write;
use std::path::Path;

use tiaokuai::format::write_atomic;
use tiaokuai::*;

use crate::common;
use common::TempDir;

/// The names of the entries of a folder, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// A small model whose JSON differs with `n`.
fn model(n: usize) -> Model {
    let mut b = Model::builder();
    b.territory(TerritorySpec::new("d", format!("区{n}"), TerritoryKind::District)).unwrap();
    for i in 0..n {
        b.unit(UnitSpec::new(format!("u{i}"), format!("单位{i}"), UnitKind::Enterprise).located_in("d")).unwrap();
    }
    b.build().unwrap()
}

// ---------------------------------------------------------------------------------------------
// Atomic writes

#[test]
fn a_failed_write_leaves_the_previous_file_and_no_temporary_file() {
    let dir = TempDir::new("failed-write");
    let file = dir.0.join("model.json");
    let old = model(3);
    old.save(&file).unwrap();
    let before = std::fs::read(&file).unwrap();

    // The writer fails half way through: some bytes were written to the temporary file.
    let err = write_atomic(&file, |w| {
        w.write_all(b"{\n  \"format\": \"tiaokuai/1\",\n  \"units\": [").unwrap();
        w.flush().unwrap();
        Err(Error::Io {
            path: "(output)".into(),
            message: "disk full (injected)".into(),
            io_kind: std::io::ErrorKind::StorageFull,
        })
    })
    .unwrap_err();
    assert_eq!(
        err,
        Error::Io {
            path: file.display().to_string(),
            message: "disk full (injected)".into(),
            io_kind: std::io::ErrorKind::StorageFull
        }
    );
    assert_eq!(std::fs::read(&file).unwrap(), before, "the previous file is intact");
    assert_eq!(entries(&dir.0), ["model.json"], "no temporary file is left behind");
    assert_eq!(Model::load(&file).unwrap(), old);

    // A serialisation error of another kind is passed on as it is.
    let err = write_atomic(&file, |_| Err(Error::Invalid { what: "test".into(), message: "no".into() })).unwrap_err();
    assert_eq!(err.kind(), "invalid");
    assert_eq!((std::fs::read(&file).unwrap(), entries(&dir.0)), (before, vec!["model.json".to_string()]));
}

#[test]
fn a_failed_rename_leaves_no_temporary_file() {
    // The target is a folder that is not empty: everything is written, then the rename fails.
    let dir = TempDir::new("failed-rename");
    let target = dir.0.join("taken");
    std::fs::create_dir_all(target.join("inside")).unwrap();
    let err = write_atomic(&target, |w| model(2).write_json(w)).unwrap_err();
    assert_eq!(err.kind(), "io", "{err}");
    assert!(err.to_string().starts_with(&target.display().to_string()), "{err}");
    assert_eq!(entries(&dir.0), ["taken"]);
    assert_eq!(entries(&target), ["inside"]);
}

#[test]
fn a_folder_that_disappears_during_the_write_is_an_error() {
    let dir = TempDir::new("vanishing");
    let sub = dir.0.join("sub");
    std::fs::create_dir_all(&sub).unwrap();
    let file = sub.join("model.json");
    let err = write_atomic(&file, |w| {
        std::fs::remove_dir_all(&sub).unwrap();
        model(2).write_json(w)
    })
    .unwrap_err();
    assert_eq!(err.kind(), "io", "{err}");
    assert!(!sub.exists(), "nothing is recreated");
    assert!(entries(&dir.0).is_empty());
}

#[test]
fn saving_over_a_model_replaces_it_whole() {
    let dir = TempDir::new("replace");
    let file = dir.0.join("model.json");
    model(50).save(&file).unwrap();
    model(2).save(&file).unwrap();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), model(2).to_json(), "no tail of the longer file remains");
    assert_eq!(entries(&dir.0), ["model.json"]);
}

#[test]
fn concurrent_saves_of_one_path_never_mix() {
    // Each thread saves a different model to the same path; the file ends up as one of them, whole.
    let dir = TempDir::new("concurrent");
    let file = dir.0.join("model.json");
    let models: Vec<Model> = (1..=8).map(|n| model(n * 40)).collect();
    let texts: Vec<String> = models.iter().map(Model::to_json).collect();
    std::thread::scope(|s| {
        for m in &models {
            let file = &file;
            s.spawn(move || {
                for _ in 0..5 {
                    m.save(file).unwrap();
                }
            });
        }
    });
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(texts.contains(&written), "the saved file is one model, whole ({} bytes)", written.len());
    assert_eq!(entries(&dir.0), ["model.json"], "no temporary file is left behind");
}

#[cfg(unix)]
#[test]
fn saving_keeps_the_permissions_of_the_file_it_replaces() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("mode");
    let file = dir.0.join("model.json");
    model(1).save(&file).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    model(2).save(&file).unwrap();
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o640);
}

// ---------------------------------------------------------------------------------------------
// Files that change while they are read

#[test]
fn a_json_file_that_grows_while_it_is_read_is_reported() {
    let dir = TempDir::new("grows");
    let file = dir.0.join("model.json");
    model(3).save(&file).unwrap();
    let mut calls = 0;
    let err = Model::load_with_hook(&file, &LoadOptions::default(), &mut |path| {
        calls += 1;
        assert_eq!(path, file);
        // Another program appends (whitespace keeps the document valid, so only the check can tell).
        std::fs::OpenOptions::new().append(true).open(path).unwrap().write_all(b"\n\n").unwrap();
    })
    .unwrap_err();
    assert_eq!(calls, 1);
    assert_eq!(err, Error::Changed { path: file.display().to_string() });
    assert_eq!(err.kind(), "changed");
    assert_eq!((err.position(), err.field(), err.id()), (None, None, None));
    assert_eq!(
        err.to_string(),
        format!("{}: the file changed while it was being read; nothing was loaded, try again", file.display())
    );
    // Read again once the writer is done: it loads.
    assert_eq!(Model::load(&file).unwrap(), model(3));
}

#[test]
fn a_json_file_rewritten_in_place_with_the_same_length_is_reported() {
    let dir = TempDir::new("same-length");
    let file = dir.0.join("model.json");
    model(3).save(&file).unwrap();
    let err = Model::load_with_hook(&file, &LoadOptions::default(), &mut |path| {
        // Same bytes count, another modification time: the length alone cannot tell.
        let bytes = std::fs::read(path).unwrap();
        let f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
        (&f).write_all(&bytes).unwrap();
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
        f.set_modified(later).unwrap();
    })
    .unwrap_err();
    assert_eq!(err.kind(), "changed", "{err}");
}

#[test]
fn a_file_replaced_by_a_rename_while_it_is_read_is_read_whole_as_it_was() {
    // A writer that saves atomically replaces the file: the reader keeps the file it opened.
    let dir = TempDir::new("renamed");
    let file = dir.0.join("model.json");
    model(3).save(&file).unwrap();
    let loaded =
        Model::load_with_hook(&file, &LoadOptions::default(), &mut |path| model(7).save(path).unwrap()).unwrap();
    assert_eq!(loaded, model(3));
    assert_eq!(Model::load(&file).unwrap(), model(7));
}

#[test]
fn a_csv_bundle_that_changes_while_it_is_read_is_reported() {
    let dir = TempDir::new("csv-changes");
    model(5).write_csv_dir(&dir.0).unwrap();
    // A file written in place.
    let units = dir.0.join("units.csv");
    let err = Model::load_with_hook(&dir.0, &LoadOptions::default(), &mut |path| {
        if path == units {
            std::fs::OpenOptions::new()
                .append(true)
                .open(path)
                .unwrap()
                .write_all(b"u99,X,enterprise,,,,,,,,\n")
                .unwrap();
        }
    })
    .unwrap_err();
    assert_eq!(err, Error::Changed { path: units.display().to_string() });

    // A file renamed into the folder once read (a writer saving the bundle file by file).
    let dir = TempDir::new("csv-renamed");
    model(5).write_csv_dir(&dir.0).unwrap();
    let links = dir.0.join("links.csv");
    // File times tick coarsely (a few milliseconds): start from a time well in the past.
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    std::fs::File::open(&dir.0).unwrap().set_modified(past).unwrap();
    let err = Model::load_with_hook(&dir.0, &LoadOptions::default(), &mut |path| {
        if path == links {
            model(6).write_csv_dir(path.parent().unwrap()).unwrap();
        }
    })
    .unwrap_err();
    assert_eq!(err, Error::Changed { path: dir.0.display().to_string() });
    assert_eq!(Model::load(&dir.0).unwrap(), model(6));

    // The hook sees every file, meta.json included.
    let mut seen = Vec::new();
    let mut with_meta = Model::builder();
    with_meta.territory(TerritorySpec::new("d", "D", TerritoryKind::District)).unwrap();
    with_meta.meta(Attrs::from_json(r#"{"name": "m"}"#).unwrap());
    let with_meta = with_meta.build().unwrap();
    let dir = TempDir::new("csv-seen");
    with_meta.write_csv_dir(&dir.0).unwrap();
    let loaded = Model::load_with_hook(&dir.0, &LoadOptions::default(), &mut |p| {
        seen.push(p.file_name().unwrap().to_string_lossy().into_owned())
    })
    .unwrap();
    assert_eq!(loaded, with_meta);
    assert_eq!(seen, ["territories.csv", "units.csv", "matters.csv", "items.csv", "links.csv", "meta.json"]);
}

#[cfg(target_os = "linux")]
#[test]
fn a_pipe_is_read_without_a_false_change() {
    // Pipes have no length: the check applies to regular files only.
    let dir = TempDir::new("fifo");
    let fifo = dir.0.join("model.json");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !matches!(made, Ok(s) if s.success()) {
        eprintln!("mkfifo is not available: skipped");
        return;
    }
    let text = model(4).to_json();
    let writer = {
        let (fifo, text) = (fifo.clone(), text.clone());
        std::thread::spawn(move || std::fs::write(fifo, text).unwrap())
    };
    assert_eq!(Model::load(&fifo).unwrap(), model(4));
    writer.join().unwrap();
    // And the size limit still holds for a pipe.
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            // The reader stops at the limit and closes the pipe: a broken pipe here is expected.
            let _ = std::fs::OpenOptions::new().write(true).open(fifo).and_then(|mut f| f.write_all(text.as_bytes()));
        })
    };
    let err = Model::load_with(&fifo, &LoadOptions::default().max_bytes(100)).unwrap_err();
    assert!(matches!(err, Error::TooLarge { size: 101, limit: 100 }), "{err}");
    writer.join().unwrap();
}
