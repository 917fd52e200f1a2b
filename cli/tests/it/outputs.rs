//! Options checked at parse time, outputs written atomically and never through
//! a link or onto a device, FIFO or foreign folder, and table output that a
//! terminal cannot be driven by (issue #20).
//!
//! Each test runs the binary in its own temporary folder, so that a regression
//! (writing a file named `-`, replacing a link) never touches the workspace.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

fn sample() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/samples/baoshan.json").display().to_string()
}

/// A fresh folder under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("tiaokuai-outputs-{}-{n}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temp dir");
        TempDir(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// Runs tiaokuai in this folder.
    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_tiaokuai")).args(args).current_dir(&self.0).output().expect("tiaokuai runs")
    }

    /// Runs tiaokuai in this folder with a file size limit of `kib` KiB: the
    /// process is killed by SIGXFSZ when it writes past it, as a write is
    /// killed half way.
    #[cfg(unix)]
    fn run_limited(&self, kib: u32, args: &[&str]) -> Output {
        Command::new("sh")
            .arg("-c")
            .arg(format!("ulimit -f {kib} && exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_tiaokuai"))
            .args(args)
            .current_dir(&self.0)
            .output()
            .expect("sh runs")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts a usage error (exit 2) whose message contains every one of `words`.
fn usage_error(o: &Output, words: &[&str]) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    for w in words {
        assert!(err.contains(w), "{w:?} not in {err}");
    }
}

/// The names in a folder, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn threads_and_max_bytes_are_checked_at_parse_time() {
    let dir = TempDir::new("options");
    // A huge --threads panicked ("capacity overflow", exit 101).
    for n in ["18446744073709551615", "257", "many"] {
        usage_error(&dir.run(&["--threads", n, "stats"]), &["--threads", "from 0 (one per core) to 256"]);
    }
    for n in ["0", "1", "256"] {
        let o = dir.run(&["--threads", n, "stats"]);
        assert_eq!(o.status.code(), Some(0), "--threads {n}: {}", stderr(&o));
    }
    usage_error(&dir.run(&["--max-bytes", "0", "stats"]), &["--max-bytes", "at least 1 byte"]);
    usage_error(&dir.run(&["--max-bytes", "99999999999999G", "stats"]), &["--max-bytes", "too large"]);
    usage_error(&dir.run(&["--max-bytes", "5X", "stats"]), &["--max-bytes", "K, M or G"]);
    assert_eq!(dir.run(&["--max-bytes", "1", "stats"]).status.code(), Some(0), "the embedded sample is not read");
}

#[test]
fn enumerated_options_take_only_their_values() {
    let dir = TempDir::new("enums");
    let s = sample();
    for (args, value) in [
        (&["generate", "--scale", "galaxy"][..], "district, city, national"),
        (&["chain", &s, "yyl-c01-party", "--line", "up"], "leadership, strip, all"),
        (&["export", &s, "--to", "dot", "--render", "gif"], "svg, png, pdf"),
    ] {
        usage_error(&dir.run(args), &["possible values", value]);
    }
    assert!(listing(&dir.0).is_empty());
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_as_output_is_refused_and_its_target_untouched() {
    let dir = TempDir::new("symlink");
    let s = sample();
    std::fs::write(dir.path("target.txt"), "precious").unwrap();
    std::os::unix::fs::symlink("target.txt", dir.path("link")).unwrap();
    let mut cases = vec![
        vec!["convert", &s, "--to", "json", "-o", "link"],
        vec!["export", &s, "--to", "graphml", "-o", "link"],
        vec!["export", &s, "--to", "dot", "-o", "link"],
        vec!["import-divisions", "--code", "310113", "-o", "link"],
        vec!["generate", "--scale", "district", "-o", "link"],
    ];
    if Command::new("dot").arg("-V").output().is_ok_and(|o| o.status.success()) {
        cases.push(vec!["export", &s, "--to", "dot", "--focus", "yyl-c01", "--render", "svg", "-o", "link"]);
    }
    for args in &cases {
        usage_error(&dir.run(args), &["link", "is a symbolic link", "refusing"]);
        assert_eq!(std::fs::read_to_string(dir.path("target.txt")).unwrap(), "precious", "{args:?}");
        assert!(std::fs::symlink_metadata(dir.path("link")).unwrap().is_symlink(), "{args:?}");
    }
    // A link to a folder, for folder outputs: the folder it points to is not written into.
    std::fs::create_dir(dir.path("real")).unwrap();
    std::os::unix::fs::symlink("real", dir.path("dirlink")).unwrap();
    for args in [
        &["convert", &s, "--to", "csv", "-o", "dirlink"][..],
        &["export", &s, "--to", "neo4j", "-o", "dirlink"],
        &["export", &s, "--to", "edgelist", "-o", "dirlink"],
        &["generate", "--scale", "district", "-o", "dirlink/"],
    ] {
        usage_error(&dir.run(args), &["dirlink", "is a symbolic link"]);
        assert!(listing(&dir.path("real")).is_empty(), "{args:?}");
    }
    assert_eq!(listing(&dir.0), ["dirlink", "link", "real", "target.txt"], "no temporary file left behind");
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_device_as_output_is_refused_and_left_alone() {
    use std::os::unix::fs::FileTypeExt;
    let dir = TempDir::new("fifo");
    let s = sample();
    let made = Command::new("mkfifo").arg(dir.path("pipe")).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    for args in [
        &["convert", &s, "--to", "json", "-o", "pipe"][..],
        &["generate", "--scale", "district", "-o", "pipe"],
        &["export", &s, "--to", "neo4j", "-o", "pipe"],
    ] {
        let o = dir.run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("pipe: is a FIFO") || stderr(&o).contains("is a FIFO (named pipe), not a folder"));
        assert!(std::fs::symlink_metadata(dir.path("pipe")).unwrap().file_type().is_fifo(), "{args:?}");
    }
    // Writing into /dev/null in place is harmless, but tiaokuai never writes onto a device:
    // `-o -` and a shell redirection are the way to a device.
    for args in
        [&["export", &s, "--to", "graphml", "-o", "/dev/null"][..], &["export", &s, "--to", "dot", "-o", "/dev/null"]]
    {
        usage_error(&dir.run(args), &["/dev/null: is a device"]);
    }
    assert!(std::fs::symlink_metadata("/dev/null").unwrap().file_type().is_char_device());
    assert_eq!(listing(&dir.0), ["pipe"]);
}

#[test]
fn the_format_follows_the_flag_never_the_folder() {
    let dir = TempDir::new("json-folder");
    let s = sample();
    std::fs::create_dir(dir.path("out")).unwrap();
    // Asked for JSON into an existing folder: a CSV bundle was written there, exit 0.
    for args in [
        &["convert", &s, "--to", "json", "-o", "out"][..],
        &["export", &s, "--to", "graphml", "-o", "out"],
        &["generate", "--scale", "district", "-o", "out"],
    ] {
        usage_error(&dir.run(args), &["out: is a folder"]);
        assert!(listing(&dir.path("out")).is_empty(), "{args:?}");
    }
    // `-o -` is standard output, not a file named "-".
    let o = dir.run(&["convert", &s, "--to", "json", "-o", "-"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let plain = dir.run(&["convert", &s, "--to", "json"]);
    assert!(o.stdout == plain.stdout && o.stdout.starts_with(b"{"));
    let o = dir.run(&["export", &s, "--to", "dot", "--focus", "yyl-c01", "-o", "-"]);
    assert!(o.status.success() && o.stdout.starts_with(b"digraph"), "{}", stderr(&o));
    usage_error(&dir.run(&["export", &s, "--to", "edgelist", "-o", "-"]), &["not standard output"]);
    assert_eq!(listing(&dir.0), ["out"]);
}

#[test]
fn folder_outputs_replace_only_a_previous_output_of_their_kind() {
    let dir = TempDir::new("folders");
    let s = sample();
    // A folder holding the user's own files is not written into.
    std::fs::create_dir(dir.path("mine")).unwrap();
    std::fs::write(dir.path("mine/notes.txt"), "keep").unwrap();
    for args in [
        &["export", &s, "--to", "neo4j", "-o", "mine"][..],
        &["export", &s, "--to", "edgelist", "-o", "mine"],
        &["convert", &s, "--to", "csv", "-o", "mine"],
        &["generate", "--scale", "district", "-o", "mine/"],
    ] {
        usage_error(&dir.run(args), &["mine", "\"notes.txt\"", "not part of a previous"]);
        assert_eq!(listing(&dir.path("mine")), ["notes.txt"], "{args:?}");
    }
    // A file where a folder is written.
    std::fs::write(dir.path("file"), "data").unwrap();
    usage_error(&dir.run(&["export", &s, "--to", "neo4j", "-o", "file"]), &["file: is a file, not a folder"]);
    assert_eq!(std::fs::read_to_string(dir.path("file")).unwrap(), "data");

    // A previous export of the same kind is replaced whole; one of another kind is not.
    let neo4j = ["README.md", "import.sh", "load.cypher", "nodes.csv", "relationships.csv"];
    for _ in 0..2 {
        let o = dir.run(&["export", &s, "--to", "neo4j", "-o", "n"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(listing(&dir.path("n")), neo4j);
    }
    usage_error(&dir.run(&["export", &s, "--to", "edgelist", "-o", "n"]), &["not part of a previous edge-list export"]);
    assert_eq!(listing(&dir.path("n")), neo4j);
    // A focused export replaces the whole one: nothing of the old rows is left.
    let o = dir.run(&["export", &s, "--to", "neo4j", "--focus", "yyl-c01", "-o", "n"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let nodes = std::fs::read_to_string(dir.path("n/nodes.csv")).unwrap();
    assert!(nodes.lines().count() < 100, "{} rows", nodes.lines().count());
    // An empty folder takes any output; a CSV bundle replaces a bundle.
    std::fs::create_dir(dir.path("empty")).unwrap();
    for _ in 0..2 {
        let o = dir.run(&["convert", &s, "--to", "csv", "-o", "empty"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    assert!(listing(&dir.path("empty")).contains(&"units.csv".to_string()));
    assert_eq!(listing(&dir.0), ["empty", "file", "mine", "n"], "no temporary folder left behind");
}

/// A write killed half way (here by the file size limit) leaves the previous
/// output whole: `export -o` wrote in place and left a truncated file.
#[cfg(target_os = "linux")]
#[test]
fn a_killed_write_leaves_the_previous_output_whole() {
    let dir = TempDir::new("killed");
    let s = sample();
    for (to, name) in [("graphml", "g.graphml"), ("dot", "g.dot")] {
        let o = dir.run(&["export", &s, "--to", to, "--focus", "yyl-c01", "-o", name]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let before = std::fs::read(dir.path(name)).unwrap();
        assert!(before.len() < 64 << 10, "{} bytes: the limit below must be above this", before.len());
        // The whole model is far larger than 64 KiB: the write is killed.
        let o = dir.run_limited(64, &["export", &s, "--to", to, "-o", name]);
        assert!(!o.status.success(), "the write should have been killed");
        assert_eq!(std::fs::read(dir.path(name)).unwrap(), before, "{name} is whole");
    }
    let o = dir.run(&["convert", &s, "--to", "json", "-o", "m.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let before = std::fs::read(dir.path("m.json")).unwrap();
    std::fs::write(dir.path("m.json"), &before[..100]).unwrap();
    let small = std::fs::read(dir.path("m.json")).unwrap();
    let o = dir.run_limited(64, &["convert", &s, "--to", "json", "-o", "m.json"]);
    assert!(!o.status.success());
    assert_eq!(std::fs::read(dir.path("m.json")).unwrap(), small);
    // A folder export killed half way leaves the previous folder as it was.
    let o = dir.run(&["export", &s, "--to", "edgelist", "--focus", "yyl-c01", "-o", "e"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let edges = std::fs::read(dir.path("e/edges.csv")).unwrap();
    let o = dir.run_limited(64, &["export", &s, "--to", "edgelist", "-o", "e"]);
    assert!(!o.status.success());
    assert_eq!(std::fs::read(dir.path("e/edges.csv")).unwrap(), edges);
    assert_eq!(listing(&dir.path("e")), ["README.md", "edges.csv", "vertices.csv"]);
}

/// A model whose names and ids hold terminal escape sequences and a bidi override.
const EVIL: &str = r#"{"format": "tiaokuai/1", "meta": {"name": "evil\u001b]0;pwned\u0007"},
  "territories": [{"id": "d", "name": "D\u202e", "kind": "district"}],
  "units": [{"id": "a\u001b[31m", "name": "A\u001b[2J", "kind": "enterprise"},
            {"id": "b", "name": "B\u2066x\u2069", "kind": "government"}],
  "links": [{"from": "b", "to": "a\u001b[31m", "kind": "leads"}]}"#;

#[test]
fn table_output_escapes_control_characters_and_json_keeps_them() {
    let dir = TempDir::new("escapes");
    std::fs::write(dir.path("evil.json"), EVIL).unwrap();
    let bidi = |text: &str| text.chars().any(|c| matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'));
    for args in [
        &["chain", "evil.json", "a\x1b[31m"][..],
        &["stats", "evil.json"],
        &["audit", "evil.json"],
        &["responsible", "evil.json", "d"],
        &["validate", "evil.json"],
        &["stats", "evil.json", "--format", "csv"],
        &["validate", "evil.json", "--format", "csv"],
    ] {
        let o = dir.run(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        let text = String::from_utf8(o.stdout).unwrap();
        assert!(!text.contains('\x1b') && !text.contains('\x07') && !bidi(&text), "{args:?}: {text:?}");
    }
    let chain = String::from_utf8(dir.run(&["chain", "evil.json", "a\x1b[31m"]).stdout).unwrap();
    assert!(chain.contains("A\\e[2J (a\\e[31m)"), "{chain}");
    assert!(chain.contains("B\\u{2066}x\\u{2069}"), "{chain}");
    let stats = String::from_utf8(dir.run(&["stats", "evil.json"]).stdout).unwrap();
    assert!(stats.starts_with("evil\\e]0;pwned\\u{7}: "), "{stats}");
    // An error message naming such an id: escaped on stderr too.
    let o = dir.run(&["chain", "evil.json", "zz\x1b[31m"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!stderr(&o).contains('\x1b') && stderr(&o).contains("zz\\u{1b}[31m"), "{}", stderr(&o));
    // JSON keeps the names exactly.
    let o = dir.run(&["chain", "evil.json", "a\x1b[31m", "--format", "json"]);
    let chain: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(chain["steps"][0]["name"], "A\x1b[2J");
    assert_eq!(chain["steps"][1]["name"], "B\u{2066}x\u{2069}");
}
