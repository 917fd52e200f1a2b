//! Issue #13: `tiaokuai apply` and `tiaokuai diff`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const SAMPLE: &str = "data/samples/baoshan.json";
const REFORM: &str = "tests/changes/reform-2020.json";
/// The design's example: valid, but names records the sample lacks.
const MERGE: &str = "tests/changes/merge.json";

fn tiaokuai(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tiaokuai"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .output()
        .expect("the tiaokuai binary runs")
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tk-cli-change-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn apply_writes_the_new_model_and_diff_gives_the_change_back() {
    let out = temp("after.json");
    let o = tiaokuai(&["apply", SAMPLE, REFORM, "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let after = tiaokuai::Model::load(&out).unwrap();
    assert_eq!(after.get("yyl-gw").unwrap().name(), "友谊路街道党工委(新)");
    assert!(after.find("new-firm").is_some());
    // diff --format json is a change set that turns the sample into the result.
    let o = tiaokuai(&["diff", SAMPLE, out.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let change = tiaokuai::change::ChangeSet::from_json(&String::from_utf8(o.stdout).unwrap()).unwrap();
    assert_eq!(tiaokuai::Model::sample().apply(&change).unwrap().to_json(), after.to_json());
    // For people: the stat line and the groups with names.
    let o = tiaokuai(&["diff", SAMPLE, out.to_str().unwrap()]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("records: 1 added, 0 ended, 0 removed, 1 changed; links: 1 added, 1 ended, 0 removed"),
        "{text}"
    );
    assert!(text.contains("+ unit      new-firm       某新公司"), "{text}");
    assert!(text.contains("name: \"友谊路街道党工委\" -> \"友谊路街道党工委(新)\""), "{text}");
    assert!(
        text.contains("] leads          bs-dw 中共宝山区委 -> yyl-gw 友谊路街道党工委(新)  (until 2020-05-31)"),
        "{text}"
    );
}

#[test]
fn a_refused_change_exits_2_names_every_problem_and_writes_nothing() {
    let out = temp("refused.json");
    std::fs::write(&out, "previous").unwrap();
    let o = tiaokuai(&["apply", SAMPLE, MERGE, "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(lines[0].contains("not applied, 2 problem(s)"), "{err}");
    assert!(lines[1].contains(r#"remove[0] (id "typo-unit"): field "id""#), "{err}");
    assert!(lines[2].contains(r#"remove[1] (id "a"): field "link""#), "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous", "nothing written");
    // A change set that does not read: exit 2, its section and index named.
    let bad = temp("bad.json");
    std::fs::write(&bad, r#"{"format": "tiaokuai-change/1", "update": [{"id": "x", "set": {"colour": 1}}]}"#).unwrap();
    let o = tiaokuai(&["apply", SAMPLE, bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains(r#"update[0] (id "x"): field "set.colour""#));
}

#[test]
fn diff_of_one_model_at_two_dates() {
    let o = tiaokuai(&["--at", "2014", "diff", SAMPLE, "--to", "2016"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.starts_with("--- data/samples/baoshan.json at 2014\n+++ data/samples/baoshan.json at 2016\n"),
        "{text}"
    );
    assert!(text.contains("+ unit      yyl-gw         友谊路街道党工委"), "{text}");
    assert!(text.contains("] unit      yyl-sqgw       友谊路社区党工委  (until 2014-12-31)"), "{text}");
    let o = tiaokuai(&["--at", "2014", "diff", SAMPLE, "--to", "2016", "--format", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["format"], "tiaokuai-change/1");
    let o = tiaokuai(&["diff", SAMPLE]);
    assert_eq!(o.status.code(), Some(2), "a second model or --to is needed");
}

#[test]
fn schema_change_prints_the_change_set_schema() {
    let o = tiaokuai(&["schema", "--change"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["properties"]["format"]["const"], "tiaokuai-change/1");
}

#[test]
fn apply_and_diff_carry_meetings() {
    // The sample with one hearing; a change set adds an evaluation and moves the hearing.
    let mut doc: Value =
        serde_json::from_str(&std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(SAMPLE)).unwrap())
            .unwrap();
    doc["meetings"] =
        serde_json::json!([{"id": "m1", "kind": "hearing", "territory": "310113003", "date": "2023-03-02"}]);
    let before = temp("met-before.json");
    std::fs::write(&before, doc.to_string()).unwrap();
    let change = temp("met-change.json");
    std::fs::write(
        &change,
        r#"{"format": "tiaokuai-change/1",
            "add": {"meetings": [{"id": "m2", "kind": "evaluation", "territory": "310113003", "date": "2023-12-01"}]},
            "update": [{"id": "m1", "set": {"date": "2023-03-09"}}]}"#,
    )
    .unwrap();
    let after = temp("met-after.json");
    let o = tiaokuai(&["apply", before.to_str().unwrap(), change.to_str().unwrap(), "-o", after.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let o = tiaokuai(&["diff", before.to_str().unwrap(), after.to_str().unwrap()]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("records: 0 added, 0 ended, 0 removed, 0 changed; links: 0 added, 0 ended, 0 removed"),
        "{text}"
    );
    assert!(text.contains("meetings: 1 added, 0 removed, 1 changed"), "{text}");
    assert!(text.contains("+ evaluation    m2"), "{text}");
    assert!(text.contains("date: \"2023-03-02\" -> \"2023-03-09\""), "{text}");
    // The JSON diff applies back to the first model and gives the second.
    let o = tiaokuai(&["diff", before.to_str().unwrap(), after.to_str().unwrap(), "--format", "json"]);
    let d = tiaokuai::change::ChangeSet::from_json(&String::from_utf8(o.stdout).unwrap()).unwrap();
    let a = tiaokuai::Model::load(&before).unwrap();
    assert_eq!(a.apply(&d).unwrap().to_json(), tiaokuai::Model::load(&after).unwrap().to_json());
    // Ending a meeting is refused with exit 2.
    std::fs::write(&change, r#"{"format": "tiaokuai-change/1", "end": [{"id": "m1", "on": "2024-01-01"}]}"#).unwrap();
    let o = tiaokuai(&["apply", before.to_str().unwrap(), change.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains(r#"end[0] (id "m1"): field "id": "m1" is a meeting"#));
}
