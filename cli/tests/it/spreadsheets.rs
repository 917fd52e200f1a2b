//! `convert --to xlsx`, `convert --to csv --excel`, `--encoding gb18030`, `convert --to image`
//! and `convert --at` end to end.

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

#[test]
fn a_model_image_answers_as_its_json_does() {
    let dir = temp("image");
    let image = dir.join("baoshan.tkz");
    let path = image.to_str().unwrap();
    ok(&["convert", "data/samples/baoshan.json", "--to", "image", "-o", path]);
    assert!(std::fs::read(&image).unwrap().starts_with(&tiaokuai::format::IMAGE_MAGIC));
    let json = ok(&["convert", "data/samples/baoshan.json", "--to", "json"]);
    assert_eq!(ok(&["convert", path, "--to", "json"]), json, "JSON → image → JSON is byte-identical");
    for args in [&["audit"][..], &["stats"], &["chain", "yyl-c01-party"], &["metrics", "--level", "street"]] {
        let with = |file: &str| String::from_utf8(ok(&[&args[..1], &[file], &args[1..]].concat())).unwrap();
        // The audit of a JSON file names each finding's line in it ("baoshan.json:785: "); an
        // image has no lines to name.
        let json = with("data/samples/baoshan.json").replace("data/samples/baoshan.json:", "");
        let json: String = json
            .lines()
            .map(|l| {
                l.split_once(": ").filter(|(n, _)| n.parse::<u32>().is_ok()).map_or(l, |(_, rest)| rest).to_string()
                    + "\n"
            })
            .collect();
        assert_eq!(with(path), json, "tiaokuai {args:?}");
    }
    // A cut image is an input error naming what is wrong, not a crash.
    let bytes = std::fs::read(&image).unwrap();
    std::fs::write(&image, &bytes[..bytes.len() / 2]).unwrap();
    let o = run(&["stats", path]);
    assert_eq!(o.status.code(), Some(2), "an input error");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("model image: truncated or damaged"), "{err}");
    // An image goes to a file, not to standard output.
    let o = run(&["convert", "data/samples/baoshan.json", "--to", "image"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("use -o FILE.tkz"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A model with history: a street ended before 2021 and its successor, and a post held
/// until 2019 beside one held since.
const DATED: &str = r#"{"format": "tiaokuai/1",
  "territories": [
    {"id": "old-street", "name": "旧街道", "kind": "street", "until": "2020-05-31"},
    {"id": "new-street", "name": "新街道", "kind": "street", "since": "2020-06-01"}],
  "units": [{"id": "jwh", "name": "某居委会", "kind": "residents_committee"}],
  "people": [{"id": "p-0001", "name": "张三"}, {"id": "p-0002", "name": "李四"}],
  "links": [
    {"from": "p-0001", "to": "jwh", "kind": "holds", "post": "director", "until": "2019-12-31"},
    {"from": "p-0002", "to": "jwh", "kind": "holds", "post": "director", "since": "2020-01-01"}]}"#;

/// `convert --at DATE` writes the view at the date to every target, the spreadsheet ones
/// too (the workbook used to hold the whole document): what each target holds reads back
/// as the JSON snapshot, with and without `--redact-people`.
#[test]
fn convert_at_writes_the_view_at_the_date_to_every_target() {
    let dir = temp("at");
    let model = dir.join("dated.json");
    std::fs::write(&model, DATED).unwrap();
    let model = model.to_str().unwrap();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    // What a written file or folder holds, as JSON.
    let back = |path: &Path| text(ok(&["convert", path.to_str().unwrap(), "--to", "json"]));
    for redact in [&[][..], &["--redact-people", "--redact-key", "k1"]] {
        let convert = |at: &[&str], to: &str, out: Option<&Path>| {
            let mut args = [at, &["convert", model, "--to", to], redact].concat();
            if let Some(out) = out {
                args.extend(["-o", out.to_str().unwrap()]);
            }
            text(ok(&args))
        };
        let snapshot = convert(&["--at", "2021"], "json", None);
        assert!(!snapshot.contains("old-street") && snapshot.contains("new-street"), "{snapshot}");
        assert!(!snapshot.contains("\"until\":\"2019-12-31\""), "the ended post is left out: {snapshot}");
        assert_eq!(snapshot.contains("张三"), redact.is_empty(), "{snapshot}");
        let whole = convert(&[], "json", None);
        assert!(whole.contains("old-street"), "{whole}");
        for (to, name) in [("xlsx", "book.xlsx"), ("csv", "bundle"), ("image", "model.tkz")] {
            let out = dir.join(name);
            convert(&["--at", "2021"], to, Some(&out));
            let written = back(&out);
            assert!(!written.contains("old-street"), "--to {to} --at 2021 {redact:?}: {written}");
            assert_eq!(written, snapshot, "--to {to} --at 2021 {redact:?}");
            // Without --at the whole document, the ended street with it.
            convert(&[], to, Some(&out));
            assert_eq!(back(&out), whole, "--to {to} {redact:?}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
