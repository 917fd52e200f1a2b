//! Outputs of the library (issue #20): every file and folder written
//! atomically, never through a symbolic link or onto a FIFO, a device or a
//! folder holding other files; and no thread count can abort a load.

use std::path::Path;

use tiaokuai::export::{Subgraph, write_edgelist, write_neo4j};
use tiaokuai::format::{write_atomic, write_dir_atomic};
use tiaokuai::{Error, LoadOptions, Model};

use crate::common;
use common::TempDir;

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

fn refused(err: Error, path: &Path, what: &str) {
    assert_eq!(err.kind(), "io", "{err}");
    let text = err.to_string();
    assert!(text.contains(&path.display().to_string()) && text.contains(what), "{text}");
}

#[cfg(unix)]
#[test]
fn saving_through_a_link_is_refused_and_the_target_kept() {
    let dir = TempDir::new("links");
    let model = Model::sample();
    let target = dir.0.join("target.json");
    std::fs::write(&target, "precious").unwrap();
    let link = dir.0.join("link.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    refused(model.save(&link).unwrap_err(), &link, "is a symbolic link");
    refused(write_atomic(&link, |_| Ok(())).unwrap_err(), &link, "is a symbolic link");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    // A link to a folder: `save` took it for a folder and wrote a bundle into its target.
    let real = dir.0.join("real");
    std::fs::create_dir(&real).unwrap();
    let dirlink = dir.0.join("dirlink");
    std::os::unix::fs::symlink(&real, &dirlink).unwrap();
    refused(model.save(&dirlink).unwrap_err(), &dirlink, "is a symbolic link");
    refused(model.write_csv_dir(&dirlink).unwrap_err(), &dirlink, "is a symbolic link");
    refused(model.write_csv_dir(format!("{}/", dirlink.display())).unwrap_err(), &dirlink, "is a symbolic link");
    refused(write_neo4j(&model, &Subgraph::whole(&model), &dirlink).unwrap_err(), &dirlink, "is a symbolic link");
    assert!(listing(&real).is_empty());
    assert_eq!(listing(&dir.0), ["dirlink", "link.json", "real", "target.json"]);
}

#[cfg(target_os = "linux")]
#[test]
fn a_fifo_is_not_replaced_by_a_file() {
    use std::os::unix::fs::FileTypeExt;
    let dir = TempDir::new("fifo");
    let fifo = dir.0.join("model.json");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success()));
    refused(Model::sample().save(&fifo).unwrap_err(), &fifo, "is a FIFO");
    refused(Model::sample().write_csv_dir(&fifo).unwrap_err(), &fifo, "is a FIFO");
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(listing(&dir.0), ["model.json"]);
}

#[test]
fn a_folder_holding_other_files_is_not_written_into() {
    let dir = TempDir::new("foreign");
    let model = Model::sample();
    std::fs::write(dir.0.join("notes.txt"), "mine").unwrap();
    // A CSV bundle was written among the user's files (and a later bundle would be mixed with them).
    refused(model.write_csv_dir(&dir.0).unwrap_err(), &dir.0, "\"notes.txt\"");
    refused(model.save(&dir.0).unwrap_err(), &dir.0, "not part of a previous CSV bundle");
    refused(write_edgelist(&model, &Subgraph::whole(&model), &dir.0).unwrap_err(), &dir.0, "edge-list export");
    assert_eq!(listing(&dir.0), ["notes.txt"]);
    // A previous bundle is replaced whole: a file the new bundle does not have is gone.
    let bundle = dir.0.join("bundle");
    model.write_csv_dir(&bundle).unwrap();
    assert!(bundle.join("meta.json").exists(), "the sample has meta");
    let plain =
        Model::from_json(r#"{"format": "tiaokuai/1", "territories": [{"id": "d", "name": "D", "kind": "district"}]}"#)
            .unwrap();
    plain.write_csv_dir(&bundle).unwrap();
    assert_eq!(Model::load(&bundle).unwrap(), plain);
    assert!(!bundle.join("meta.json").exists());
    assert_eq!(listing(&dir.0), ["bundle", "notes.txt"], "no temporary folder left");
}

#[test]
fn a_failed_folder_write_leaves_the_previous_folder_whole() {
    let dir = TempDir::new("failed");
    let model = Model::sample();
    let out = dir.0.join("edges");
    let whole = write_edgelist(&model, &Subgraph::whole(&model), &out).unwrap();
    assert_eq!(whole.files, [out.join("vertices.csv"), out.join("edges.csv"), out.join("README.md")]);
    let before = std::fs::read(out.join("edges.csv")).unwrap();
    let err = write_dir_atomic(&out, "edge-list export", &tiaokuai::export::EDGELIST_FILES, |tmp| {
        std::fs::write(tmp.join("edges.csv"), "half").unwrap();
        Err::<(), _>(Error::Io {
            path: tmp.join("vertices.csv").display().to_string(),
            message: "disk full".into(),
            io_kind: std::io::ErrorKind::StorageFull,
        })
    })
    .unwrap_err();
    // The error names the file inside the output folder, not the temporary one.
    assert_eq!(
        err,
        Error::Io {
            path: out.join("vertices.csv").display().to_string(),
            message: "disk full".into(),
            io_kind: std::io::ErrorKind::StorageFull
        }
    );
    assert_eq!(std::fs::read(out.join("edges.csv")).unwrap(), before);
    assert_eq!(listing(&dir.0), ["edges"], "the temporary folder is removed");
    // A JSON file likewise.
    let file = dir.0.join("m.json");
    model.save(&file).unwrap();
    let err = write_atomic(&file, |w| {
        use std::io::Write;
        w.write_all(b"{\"half").unwrap();
        Err(Error::Invalid { what: "test".into(), message: "failed".into() })
    })
    .unwrap_err();
    assert!(matches!(err, Error::Invalid { .. }));
    assert_eq!(Model::load(&file).unwrap(), model);
    assert_eq!(listing(&dir.0), ["edges", "m.json"]);
}

/// `threads(usize::MAX)` panicked with "capacity overflow" (and a few
/// thousand threads could exhaust the system): it is capped at `MAX_THREADS`.
#[test]
fn no_thread_count_aborts_a_load() {
    let model = tiaokuai::generate::generate(tiaokuai::generate::Scale::District, 1).unwrap();
    let json = model.to_json();
    let dir = TempDir::new("threads");
    model.write_csv_dir(dir.0.join("bundle")).unwrap();
    for threads in [usize::MAX, tiaokuai::format::MAX_THREADS + 1, 1000] {
        let options = LoadOptions::default().threads(threads);
        assert_eq!(Model::from_json_bytes_with(json.as_bytes(), &options).unwrap(), model, "{threads}");
        assert_eq!(Model::load_with(dir.0.join("bundle"), &options).unwrap(), model, "{threads}");
    }
}
