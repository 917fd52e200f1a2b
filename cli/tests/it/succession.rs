//! Issue #12: the CLI follows a superseded id to its successors and says so; `history`.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// A merge of two streets on 2020-06-01 and the rename of the street's committee, read at
/// `meta.as_of` 2021-01-01.
const FIXTURE: &str = "tests/succession.json";

fn tiaokuai(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tiaokuai"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .output()
        .expect("the tiaokuai binary runs")
}

fn run(args: &[&str]) -> (String, String) {
    let o = tiaokuai(args);
    let (out, err) = (String::from_utf8(o.stdout).unwrap(), String::from_utf8(o.stderr).unwrap());
    assert_eq!(o.status.code(), Some(0), "tiaokuai {args:?}: {err}");
    (out, err)
}

#[test]
fn responsible_for_a_merged_street_answers_for_its_successor_with_a_note() {
    let (out, err) = run(&["responsible", FIXTURE, "310113003"]);
    assert_eq!(err, "note: 310113003 was merged into 310113099 on 2020-06-01; answering for 310113099\n");
    assert!(out.starts_with("block chain of 新街道 (310113099)"), "{out}");
    let (out, _) = run(&["responsible", FIXTURE, "310113003", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["resolved_from"]["id"], "310113003");
    assert_eq!(v["resolved_from"]["via"][0]["event"], "merge");
    // At a date when it was in force: answered as asked, silently, no resolved_from.
    let (out, err) = run(&["--at", "2019", "responsible", FIXTURE, "310113003", "--format", "json"]);
    assert_eq!(err, "");
    assert!(serde_json::from_str::<Value>(&out).unwrap().get("resolved_from").is_none());
}

#[test]
fn chain_and_dispatch_follow_successions_too() {
    let (out, err) = run(&["chain", FIXTURE, "yyl-gw", "--format", "json"]);
    assert_eq!(err, "note: yyl-gw was renamed new-gw on 2020-06-01; answering for new-gw\n");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["unit"], "new-gw");
    assert_eq!(v["resolved_from"]["id"], "yyl-gw");
    // dispatch: the place is followed (the matter does not exist: the error is about the matter).
    let o = tiaokuai(&["dispatch", FIXTURE, "no-such-matter", "310113003"]);
    assert_ne!(o.status.code(), Some(0));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("note: 310113003 was merged into 310113099") && err.contains("no-such-matter"), "{err}");
}

#[test]
fn history_prints_dates_changes_and_successions() {
    let (out, _) = run(&["history", FIXTURE, "yyl-gw"]);
    assert!(out.contains("2015  gained  bs-dw -leads-> yyl-gw"), "{out}");
    assert!(out.contains("2020-05-31  lost    bs-dw -leads-> yyl-gw (last day)"), "{out}");
    assert!(out.contains("yyl-gw was renamed new-gw on 2020-06-01"), "{out}");
    let (out, _) = run(&["history", FIXTURE, "310113099", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["predecessors"].as_array().unwrap().len(), 2);
    assert_eq!(v["since"], "2020-06-01");
    let o = tiaokuai(&["history", FIXTURE, "nope"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(String::from_utf8(o.stderr).unwrap().contains("\"nope\""));
}
