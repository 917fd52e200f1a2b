//! `convert --to xlsx`, `convert --to csv --excel` and `--encoding gb18030` end to end.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tiaokuai")).args(args).current_dir(root()).output().unwrap()
}

fn ok(args: &[&str]) -> Vec<u8> {
    let o = run(args);
    assert_eq!(o.status.code(), Some(0), "tiaokuai {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    o.stdout
}

fn temp(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tiaokuai-cli-sheets-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn xlsx_and_excel_bundles_convert_back_to_the_same_json() {
    let dir = temp("xlsx");
    let json = ok(&["convert", "data/samples/baoshan.json", "--to", "json"]);
    let book = dir.join("baoshan.xlsx");
    ok(&["convert", "data/samples/baoshan.json", "--to", "xlsx", "-o", book.to_str().unwrap()]);
    assert_eq!(ok(&["convert", book.to_str().unwrap(), "--to", "json"]), json);

    let bundle = dir.join("excel");
    ok(&["convert", "data/samples/baoshan.json", "--to", "csv", "--excel", "-o", bundle.to_str().unwrap()]);
    assert!(std::fs::read(bundle.join("units.csv")).unwrap().starts_with(b"\xEF\xBB\xBFid,name,kind"));
    assert_eq!(ok(&["convert", bundle.to_str().unwrap(), "--to", "json"]), json);

    // The same bundle as Excel in China saves it: GB18030, no mark.
    for file in ["territories.csv", "units.csv", "matters.csv", "items.csv", "links.csv"] {
        let text = std::fs::read_to_string(bundle.join(file)).unwrap();
        let text = text.trim_start_matches('\u{feff}');
        std::fs::write(bundle.join(file), gb18030(text)).unwrap();
    }
    let o = run(&["stats", bundle.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "an input error");
    assert!(String::from_utf8_lossy(&o.stderr).contains("--encoding gb18030"));
    assert_eq!(ok(&["convert", bundle.to_str().unwrap(), "--encoding", "gbk", "--to", "json"]), json);
    let _ = std::fs::remove_dir_all(&dir);
}

/// GB18030 bytes of `text`, by way of Python's codec (the CLI crate does not depend on
/// encoding_rs; python3 is on every machine that runs the suite).
fn gb18030(text: &str) -> Vec<u8> {
    let mut child = Command::new("python3")
        .args(["-c", "import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().decode('utf-8').encode('gb18030'))"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), text.as_bytes()).unwrap();
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    out.stdout
}

#[test]
fn spreadsheet_options_out_of_place_are_usage_errors() {
    let o = run(&["convert", "data/samples/baoshan.json", "--to", "xlsx"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("use -o FILE.xlsx"));
    let o = run(&["convert", "data/samples/baoshan.json", "--to", "json", "--excel"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["stats", "--encoding", "latin1"]);
    assert_eq!(o.status.code(), Some(2));
}
