//! Issue #13: `tiaokuai whatif`: what a change set, or the span between two dates, does to
//! the gaps, with the changes behind each, and `--fail-on-new` for CI gates.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn tiaokuai(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tiaokuai"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .output()
        .expect("the tiaokuai binary runs")
}

fn run(args: &[&str], code: i32) -> (String, String) {
    let o = tiaokuai(args);
    let (out, err) = (String::from_utf8(o.stdout).unwrap(), String::from_utf8(o.stderr).unwrap());
    assert_eq!(o.status.code(), Some(code), "tiaokuai {args:?}: {out}\n{err}");
    (out, err)
}

fn json(args: &[&str], code: i32) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    serde_json::from_str(&run(&all, code).0).unwrap()
}

#[test]
fn a_change_that_closes_a_gap_names_it_and_its_change() {
    let (out, _) = run(&["whatif", "tests/data/whatif-grid.json"], 0);
    assert!(
        out.starts_with(
            "what-if tests/data/whatif-grid.json (友谊路三居民区第二网格交居委会负责): 1 resolved, 0 introduced"
        ),
        "{out}"
    );
    assert!(out.contains("warning[C008 grid-unassigned] yyl-c03-g2"), "{out}");
    assert!(out.contains("by add.links[0] yyl-c03-rc -jurisdiction-> yyl-c03-g2"), "{out}");
    let v = json(&["whatif", "tests/data/whatif-grid.json"], 0);
    assert_eq!(v["resolved"].as_array().unwrap().len(), 1);
    assert_eq!(v["resolved"][0]["rule"], "C008");
    assert_eq!(v["resolved"][0]["changes"][0]["section"], "add.links");
    assert_eq!(v["introduced"].as_array().unwrap().len(), 0);
    // The sample records people and meetings: the P and M rules run on the whole models,
    // the rest only on the reach of the edit.
    assert_eq!(v["examined"]["incremental"], true);
    assert!(v["metrics_before"]["townships"].is_array());
}

#[test]
fn fail_on_new_gates_on_the_severity_of_introduced_findings() {
    // Removing a firm's own branch opens C001 (a warning) and nothing at error level.
    let v = json(&["whatif", "tests/data/whatif-open.json", "--fail-on-new", "warning"], 1);
    let rules: Vec<&str> = v["introduced"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert!(rules.contains(&"C001"), "{rules:?}");
    assert_eq!(v["introduced"][0]["changes"][0]["section"], "remove");
    run(&["whatif", "tests/data/whatif-open.json", "--fail-on-new", "error"], 0);
    run(&["whatif", "tests/data/whatif-open.json"], 0);
    // A change that only closes gaps passes the strictest gate.
    run(&["whatif", "tests/data/whatif-grid.json", "--fail-on-new", "info"], 0);
}

#[test]
fn the_2015_reform_as_dates_names_the_records_that_closed_its_gaps() {
    let v = json(&["whatif", "--from", "2014", "--to", "2015"], 0);
    let resolved: Vec<(&str, &str)> = v["resolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap(), f["subject"].as_str().unwrap()))
        .collect();
    // The sample's README: S004 3 → 1 and A004 3 → 1 in 2015. The three community working
    // committees' S004 close; the new 吴淞街道党工委 opens its own (no administrative group).
    let s004: Vec<&str> = resolved.iter().filter(|(r, _)| *r == "S004").map(|(_, s)| *s).collect();
    assert_eq!(s004, ["yyl-sqgw", "ws-sqgw", "zm-sqgw"]);
    let opened: Vec<&Value> = v["introduced"].as_array().unwrap().iter().filter(|f| f["rule"] == "S004").collect();
    assert_eq!(opened.len(), 1);
    assert_eq!(opened[0]["subject"], "ws-gw");
    assert_eq!(resolved.iter().filter(|(r, _)| *r == "A004").count(), 2, "{resolved:?}");
    for f in v["resolved"].as_array().unwrap() {
        assert!(!f["changes"].as_array().unwrap().is_empty(), "{f}");
    }
    let (out, _) = run(&["whatif", "--from", "2014", "--to", "2015"], 0);
    assert!(out.starts_with("what-if from 2014 to 2015: "), "{out}");
    assert!(out.contains("by rule: "), "{out}");
}

#[test]
fn bad_input_exits_2_naming_the_file() {
    let (_, err) = run(&["whatif", "tests/data/small.json"], 2);
    assert!(err.contains("tests/data/small.json"), "{err}");
    let (_, err) = run(&["whatif", "tests/data/no-such-change.json"], 2);
    assert!(err.contains("no-such-change.json"), "{err}");
    let (_, err) = run(&["whatif", "tests/data/whatif-grid.json", "--format", "csv"], 2);
    assert!(err.contains("not CSV"), "{err}");
}

#[test]
fn audit_suggest_writes_change_sets_that_apply_and_close_their_findings() {
    let dir = std::env::temp_dir().join(format!("tiaokuai-suggest-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("all.json");
    let (_, err) = run(&["audit", "--suggest", file.to_str().unwrap(), "--format", "json"], 0);
    assert!(err.contains("suggested change sets"), "{err}");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(doc["format"], "tiaokuai-suggestions/1");
    let n = doc["suggestions"].as_array().unwrap().len();
    assert!(n >= 6, "{n}");
    let folder = dir.join("fixes");
    run(&["audit", "--suggest", folder.to_str().unwrap()], 0);
    let mut names: Vec<String> =
        std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names.len(), n);
    let grid = names.iter().find(|n| n.contains("-C008-")).unwrap();
    let change = folder.join(grid);
    // The suggestion, applied by the what-if: closes its C008, opens nothing (a CI gate passes).
    let v = json(&["whatif", change.to_str().unwrap(), "--fail-on-new", "info"], 0);
    assert_eq!(v["resolved"][0]["rule"], "C008");
    assert_eq!(v["introduced"].as_array().unwrap().len(), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}
