//! The shared scenarios of `tests/scenarios/` (the files `tiaokuai test` and every
//! binding run), and the scenario runner itself: a wrong expectation fails with a
//! useful report, and a malformed scenario is an error, never a check that passes.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use tiaokuai::scenario::{run_file, run_str};

use crate::common;
use common::scenario_error;

fn scenario_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios")
}

/// Every `*.json` file of `tests/scenarios/`, sorted.
fn scenario_files() -> Vec<PathBuf> {
    let dir = scenario_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_shared_scenario_passes() {
    let files = scenario_files();
    assert!(files.len() >= 12, "expected at least 12 scenarios in tests/scenarios, found {}", files.len());
    let mut report = String::new();
    for path in &files {
        match run_file(path) {
            Ok(outcome) => {
                assert!(!outcome.checks.is_empty(), "{} checks nothing", path.display());
                assert_eq!(outcome.path.as_deref(), Some(path.display().to_string().as_str()));
                if !outcome.passed() {
                    report.push_str(&format!("{}:\n{}", path.display(), outcome.render()));
                }
            }
            Err(e) => report.push_str(&format!("{}: cannot run: {e}\n", path.display())),
        }
    }
    assert!(report.is_empty(), "failing scenarios:\n{report}");
}

#[test]
fn every_shared_scenario_is_named_and_described() {
    let mut names = Vec::new();
    for path in scenario_files() {
        let doc = read_json(&path);
        let name = doc["name"].as_str().unwrap_or_else(|| panic!("{} has no name", path.display()));
        let description =
            doc["description"].as_str().unwrap_or_else(|| panic!("{} has no description", path.display()));
        assert!(!name.trim().is_empty() && description.len() > 40, "{}: name or description too short", path.display());
        assert!(!names.contains(&name.to_string()), "two scenarios are named {name:?}");
        names.push(name.to_string());
    }
}

/// The rule families every shared scenario set must exercise, and the query kinds.
#[test]
fn the_shared_scenarios_cover_every_family_and_question() {
    let mut rules = String::new();
    let mut sections = Vec::new();
    for path in scenario_files() {
        let doc = read_json(&path);
        for (key, value) in doc["expect"].as_object().expect("expect is an object") {
            sections.push(key.clone());
            for entry in value.as_array().into_iter().flatten() {
                if let Some(rule) = entry["rule"].as_str() {
                    rules.push_str(tiaokuai::Rule::find(rule).expect("a known rule").code);
                }
            }
        }
        sections.extend(doc.get("config").map(|_| "config".to_string()));
    }
    for family in ["S", "C", "D", "A", "B", "L"] {
        assert!(rules.contains(family), "no scenario expects a finding of family {family}");
    }
    for code in tiaokuai::RULES.iter().map(|r| r.code) {
        assert!(rules.contains(code), "no scenario mentions rule {code}");
    }
    for section in ["findings", "absent", "only", "chains", "responsible", "dispatch", "metrics", "config"] {
        assert!(sections.iter().any(|s| s == section), "no scenario uses {section:?}");
    }
}

/// Each shared scenario's finding expectations can fail: a present finding moved to
/// `absent`, or an absent one moved to `findings`, makes the scenario fail.
#[test]
fn every_finding_expectation_can_fail() {
    for path in scenario_files() {
        let doc = read_json(&path);
        let base = path.parent();
        let flip = |from: &str, to: &str, i: usize| {
            let mut d = doc.clone();
            let entry = d["expect"][from].as_array_mut().expect("an array").remove(i);
            let target = d["expect"].as_object_mut().expect("an object").entry(to).or_insert_with(|| json!([]));
            target.as_array_mut().expect("an array").push(entry.clone());
            let outcome = run_str(&d.to_string(), base).expect("the mutated scenario runs");
            assert!(!outcome.passed(), "{}: moving {entry} from {from:?} to {to:?} still passes", path.display());
        };
        for (from, to) in [("findings", "absent"), ("absent", "findings")] {
            let n = doc["expect"][from].as_array().map_or(0, Vec::len);
            for i in 0..n {
                flip(from, to, i);
            }
        }
    }
}

const TINY: &str = r#"{"format": "tiaokuai/1",
  "territories": [{"id": "d", "name": "District", "kind": "district"},
                  {"id": "s", "name": "Town", "kind": "town", "parent": "d"}],
  "units": [{"id": "dw", "name": "District committee", "kind": "party_committee"},
            {"id": "gw", "name": "Town committee", "kind": "party_committee"},
            {"id": "acme", "name": "Acme", "kind": "enterprise", "sector": "private", "located_in": "s", "members": 4}],
  "matters": [{"id": "m", "name": "Vending", "list": "basic"}],
  "links": [{"from": "dw", "to": "d", "kind": "jurisdiction"},
            {"from": "gw", "to": "s", "kind": "jurisdiction"},
            {"from": "dw", "to": "gw", "kind": "leads"},
            {"from": "gw", "to": "m", "kind": "responsible", "role": "lead"}]}"#;

/// A scenario on [`TINY`] with these expectations.
fn tiny(expect: Value) -> String {
    format!(r#"{{"name": "tiny", "model": {TINY}, "expect": {expect}}}"#)
}

#[test]
fn a_scenario_on_tiny_passes() {
    let outcome = run_str(
        &tiny(json!({
            "findings": [{"rule": "C001", "subject": "acme", "territory": "s", "severity": "warning"},
                         {"rule": "no-work-coverage", "subject": "acme"}],
            "absent": [{"rule": "C006"}, {"rule": "A001"}],
            "chains": [{"unit": "gw", "steps": ["gw", "dw"], "cycle": null, "branches": []}],
            "responsible": [{"territory": "s", "holders": [["gw"], ["dw"]]}],
            "dispatch": [{"matter": "m", "territory": "s", "resolved_at": "s", "leads": ["gw"], "cooperators": [],
                          "supervisors": [], "problem": null}],
            "metrics": [{"area": "s", "metric": "units", "value": 1}, {"area": "d", "metric": "org_coverage", "value": 0.0}]
        })),
        None,
    )
    .unwrap();
    assert!(outcome.passed(), "{}", outcome.render());
    assert_eq!(outcome.checks.len(), 9);
    assert_eq!(outcome.failures(), 0);
    assert_eq!(outcome.name, "tiny");
    assert_eq!(outcome.path, None);
    assert!(outcome.render().starts_with("ok   tiny (9 checks)"), "{}", outcome.render());
}

#[test]
fn a_wrong_expectation_fails_with_expected_and_actual() {
    let outcome = run_str(
        &tiny(json!({
            "findings": [{"rule": "C001", "subject": "acme"}, {"rule": "C002", "subject": "acme"}],
            "chains": [{"unit": "gw", "steps": ["gw", "sw"]}],
            "dispatch": [{"matter": "m", "territory": "s", "problem": "no_lead"}],
            "metrics": [{"area": "s", "metric": "org_coverage", "value": 0.5}]
        })),
        None,
    )
    .unwrap();
    assert!(!outcome.passed());
    assert_eq!(outcome.failures(), 4);
    let failed: Vec<&str> = outcome.checks.iter().filter(|c| !c.passed).map(|c| c.what.as_str()).collect();
    assert_eq!(
        failed,
        [
            r#"finding {"rule":"C002","subject":"acme"}"#,
            "chain gw (leadership)",
            "dispatch m @ s",
            "metric org_coverage of s"
        ]
    );
    let chain = outcome.checks.iter().find(|c| c.what.starts_with("chain")).unwrap();
    assert_eq!(chain.expected, json!({"steps": ["gw", "sw"]}));
    assert_eq!(chain.actual, json!({"steps": ["gw", "dw"]}));
    let dispatch = outcome.checks.iter().find(|c| c.what.starts_with("dispatch")).unwrap();
    assert_eq!(dispatch.actual, json!({"problem": null}));
    let metric = outcome.checks.iter().find(|c| c.what.starts_with("metric")).unwrap();
    assert_eq!(metric.actual, json!(0.0));

    let text = outcome.render();
    assert!(text.starts_with("FAIL tiny (5 checks, 4 failed)\n"), "{text}");
    assert!(text.contains("  - chain gw (leadership)\n    expected: {\"steps\":[\"gw\",\"sw\"]}\n    actual:   {\"steps\":[\"gw\",\"dw\"]}\n"), "{text}");
    assert!(text.contains("actual:   \"no such finding\""), "{text}");
    assert!(!text.contains("C001"), "passed checks are not listed: {text}");
}

#[test]
fn absent_and_only_report_the_findings_they_did_not_want() {
    let outcome = run_str(&tiny(json!({"absent": [{"rule": "C003"}], "only": true})), None).unwrap();
    assert_eq!(outcome.failures(), 2);
    let absent = &outcome.checks[0];
    assert_eq!(absent.what, r#"no finding {"rule":"C003"}"#);
    assert_eq!(absent.expected, json!("none"));
    assert_eq!(absent.actual, json!([{"rule": "C003", "subject": "acme", "territory": "s", "severity": "warning"}]));
    // `only` with no `findings` means: no findings at all.
    let only = &outcome.checks[1];
    assert_eq!(only.what, "no findings beyond those listed");
    let extra: Vec<&str> = only.actual.as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert_eq!(extra, ["C001", "C003"]);
}

#[test]
fn a_null_territory_matches_findings_placed_nowhere() {
    let text = r#"{"name": "unplaced", "model": {"format": "tiaokuai/1",
        "units": [{"id": "acme", "name": "Acme", "kind": "enterprise", "members": 4}]},
        "expect": {"findings": [{"rule": "C001", "subject": "acme", "territory": null}],
                   "absent": [{"rule": "C001", "territory": "s"}], "only": true}}"#;
    let outcome = run_str(text, None).unwrap();
    assert!(outcome.passed(), "{}", outcome.render());
}

#[test]
fn metrics_compare_within_1e_9_and_null_is_a_rate_without_denominator() {
    let run = |value: Value| {
        run_str(&tiny(json!({"metrics": [{"area": "s", "metric": "org_coverage", "value": value}]})), None).unwrap()
    };
    assert!(run(json!(0.0)).passed());
    assert!(run(json!(1e-12)).passed());
    assert!(!run(json!(1e-6)).passed());
    assert!(!run(json!(null)).passed());
    let outcome =
        run_str(&tiny(json!({"metrics": [{"area": "s", "metric": "block_power", "value": null}]})), None).unwrap();
    assert!(outcome.passed(), "{}", outcome.render());
    let outcome =
        run_str(&tiny(json!({"metrics": [{"area": "nowhere", "metric": "units", "value": 0}]})), None).unwrap();
    assert_eq!(outcome.checks[0].actual, json!("no area \"nowhere\""));
}

#[test]
fn model_file_is_relative_to_the_scenario_file() {
    let dir = std::env::temp_dir().join(format!("tiaokuai-scenarios-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("models")).unwrap();
    std::fs::write(dir.join("models/tiny.json"), TINY).unwrap();
    let path = dir.join("s.json");
    std::fs::write(
        &path,
        r#"{"name": "from a file", "model_file": "models/tiny.json",
            "expect": {"chains": [{"unit": "gw", "steps": ["gw", "dw"]}]}}"#,
    )
    .unwrap();
    let outcome = run_file(&path);
    let missing = run_file(dir.join("missing.json"));
    std::fs::remove_dir_all(&dir).unwrap();
    let outcome = outcome.unwrap();
    assert!(outcome.passed(), "{}", outcome.render());
    assert_eq!(outcome.path.as_deref(), Some(path.display().to_string().as_str()));
    assert_eq!(missing.unwrap_err().kind(), "io");
}

#[test]
fn malformed_scenarios_are_invalid_with_clear_messages() {
    let model = r#"{"format": "tiaokuai/1"}"#;
    let cases: Vec<(String, &str)> = vec![
        ("{\"name\": ".into(), "malformed JSON"),
        ("[1, 2]".into(), "a scenario is a JSON object"),
        (format!(r#"{{"name": "x", "modle": {model}}}"#), r#"unknown key "modle""#),
        (format!(r#"{{"name": "x", "model": {model}, "model_file": "m.json"}}"#), "exactly one of \"model\""),
        (r#"{"name": "x"}"#.into(), "exactly one of \"model\""),
        (r#"{"name": "x", "model_file": 3}"#.into(), "\"model_file\" must be a string"),
        (format!(r#"{{"model": {model}, "expect": []}}"#), "\"expect\" must be an object"),
        (format!(r#"{{"model": {model}, "expect": {{"finding": []}}}}"#), r#"unknown expectation "finding""#),
        (format!(r#"{{"model": {model}, "expect": {{"findings": {{}}}}}}"#), r#""findings" must be an array"#),
        (format!(r#"{{"model": {model}, "expect": {{"absent": [3]}}}}"#), r#"each entry of "absent" is an object"#),
        (format!(r#"{{"model": {model}, "expect": {{"only": "yes"}}}}"#), "\"only\" must be true or false"),
        (format!(r#"{{"model": {model}, "expect": {{"findings": [{{"rule": "C999"}}]}}}}"#), r#"no rule "C999""#),
        (
            format!(r#"{{"model": {model}, "expect": {{"absent": [{{"rule": "no-such-rule"}}]}}}}"#),
            r#"no rule "no-such-rule""#,
        ),
        (format!(r#"{{"model": {model}, "expect": {{"findings": [{{"rul": "C001"}}]}}}}"#), r#"unknown field "rul""#),
        (format!(r#"{{"model": {model}, "expect": {{"absent": [{{"rule": 1}}]}}}}"#), r#""rule" must be a string"#),
        (
            format!(r#"{{"model": {model}, "expect": {{"absent": [{{"severity": "warn"}}]}}}}"#),
            r#"unknown severity "warn""#,
        ),
        (
            format!(r#"{{"model": {model}, "expect": {{"chains": [{{"unit": "u", "step": []}}]}}}}"#),
            r#"unknown field "step""#,
        ),
        (format!(r#"{{"model": {model}, "expect": {{"chains": [{{"unit": "u"}}]}}}}"#), "expects nothing"),
        (
            format!(r#"{{"model": {model}, "expect": {{"chains": [{{"steps": []}}]}}}}"#),
            r#"lacks the string field "unit""#,
        ),
        (
            format!(r#"{{"model": {model}, "expect": {{"dispatch": [{{"matter": "m", "territory": "t"}}]}}}}"#),
            "expects nothing",
        ),
        (
            format!(r#"{{"model": {model}, "expect": {{"responsible": [{{"territory": "t", "holder": []}}]}}}}"#),
            r#"unknown field "holder""#,
        ),
        (
            format!(
                r#"{{"model": {model}, "expect": {{"metrics": [{{"area": "s", "metric": "coverage", "value": 1}}]}}}}"#
            ),
            r#"unknown metric "coverage""#,
        ),
        (
            format!(r#"{{"model": {model}, "expect": {{"metrics": [{{"area": "s", "metric": "units"}}]}}}}"#),
            "expects nothing",
        ),
    ];
    for (text, wanted) in cases {
        let message = scenario_error(&text);
        assert!(message.contains(wanted), "{text}\n  gave {message:?}\n  wanted it to contain {wanted:?}");
    }
    // An unknown metric's message lists the metrics there are.
    let message = scenario_error(&format!(
        r#"{{"model": {model}, "expect": {{"metrics": [{{"area": "s", "metric": "x", "value": 1}}]}}}}"#
    ));
    assert!(message.contains("org_coverage") && message.contains("dual_registration"), "{message}");
}

#[test]
fn errors_of_the_model_config_and_queries_come_through() {
    let e = run_str(r#"{"model": {"format": "tiaokuai/2"}}"#, None).unwrap_err();
    assert_eq!(e.kind(), "format");
    let e = run_str(r#"{"model": {"format": "tiaokuai/1"}, "config": {"rules": {"C999": "off"}}}"#, None).unwrap_err();
    assert_eq!(e.kind(), "invalid");
    assert!(e.to_string().contains("C999"), "{e}");
    let e = run_str(&tiny(json!({"chains": [{"unit": "ghost", "steps": []}]})), None).unwrap_err();
    assert_eq!(e.kind(), "unknown_id");
    assert!(e.to_string().contains("ghost"), "{e}");
    let e = run_str(&tiny(json!({"chains": [{"unit": "gw", "line": "sideways", "steps": []}]})), None).unwrap_err();
    assert!(e.to_string().contains("sideways"), "{e}");
    let e = run_str(&tiny(json!({"dispatch": [{"matter": "s", "territory": "s", "leads": []}]})), None).unwrap_err();
    assert_eq!(e.kind(), "wrong_record_type");
}

/// A small dated model: `old` leads `b` until 2020-05-31, `new` from 2020-06-01; `new` is led by
/// `top` from some day of 2020 (possibly in force in the second half of 2020).
const DATED: &str = r#"{"format": "tiaokuai/1",
  "units": [{"id": "top", "name": "区委", "kind": "party_committee"},
            {"id": "old", "name": "旧党工委", "kind": "party_working_committee", "until": "2020-05-31"},
            {"id": "new", "name": "新党工委", "kind": "party_working_committee", "since": "2020-06-01"},
            {"id": "b", "name": "支部", "kind": "party_branch"}],
  "links": [{"from": "top", "to": "old", "kind": "leads"},
            {"from": "top", "to": "new", "kind": "leads", "since": "2020"},
            {"from": "old", "to": "b", "kind": "leads", "until": "2020-05-31"},
            {"from": "new", "to": "b", "kind": "leads", "since": "2020-06-01"}]}"#;

fn dated(blocks: Value) -> String {
    format!(r#"{{"name": "dated", "model": {DATED}, "dated": {blocks}}}"#)
}

#[test]
fn dated_blocks_check_the_view_at_each_date() {
    let outcome = run_str(
        &dated(json!([
            {"at": "2019-05-03", "chains": [{"unit": "b", "steps": ["b", "old", "top"], "uncertain": []},
                                            {"unit": "new", "error": "not_in_force"}],
             "absent": [{"rule": "S002"}]},
            {"at": "2020-08", "chains": [{"unit": "b", "steps": ["b", "new", "top"], "uncertain": ["top -leads-> new"]}]},
            {"at": "2021", "chains": [{"unit": "b", "steps": ["b", "new", "top"], "uncertain": []},
                                      {"unit": "old", "error": "not_in_force"}]}
        ])),
        None,
    )
    .unwrap();
    assert!(outcome.passed(), "{}", outcome.render());
    assert_eq!(outcome.checks.len(), 6);
    assert!(outcome.checks[0].what.starts_with("at 2019-05-03: "), "{:?}", outcome.checks[0].what);
    assert!(outcome.checks[3].what.starts_with("at 2020-08: "), "{:?}", outcome.checks[3].what);

    // The same expectations at the wrong dates fail, saying which date and what differs.
    let outcome = run_str(
        &dated(json!([
            {"at": "2021", "chains": [{"unit": "b", "steps": ["b", "old", "top"]}]},
            {"at": "2020-08", "chains": [{"unit": "b", "uncertain": []}]},
            {"at": "2019", "chains": [{"unit": "old", "error": "not_in_force"}]}
        ])),
        None,
    )
    .unwrap();
    assert_eq!(outcome.failures(), 3, "{}", outcome.render());
    let report = outcome.render();
    assert!(report.contains("at 2021: chain b (leadership)"), "{report}");
    assert!(report.contains(r#"actual:   {"uncertain":["top -leads-> new"]}"#), "{report}");
    assert!(report.contains(r#"actual:   {"error":null}"#), "{report}");
}

#[test]
fn a_query_error_without_an_error_expectation_is_an_error() {
    let err =
        run_str(&dated(json!([{"at": "2021", "chains": [{"unit": "old", "steps": ["old"]}]}])), None).unwrap_err();
    assert_eq!(err.kind(), "not_in_force", "{err}");
}

#[test]
fn malformed_dated_blocks_are_invalid() {
    let cases = [
        (json!({"at": "2021"}), "not an array"),
        (json!([3]), "dated[0] must be an object"),
        (json!([{"chains": [{"unit": "b", "steps": []}]}]), "dated[0] lacks \"at\""),
        (json!([{"at": "2019-13", "chains": [{"unit": "b", "steps": []}]}]), "dated[0].at: \"2019-13\" is not a date"),
        (
            json!([{"at": "20190101", "chains": [{"unit": "b", "steps": []}]}]),
            "dated[0].at: \"20190101\" is not a date",
        ),
        (json!([{"at": "2019"}]), "dated[0] (at 2019) expects nothing"),
        (json!([{"at": "2019", "chain": []}]), "unknown expectation \"chain\""),
        (json!([{"at": "2019", "findings": [{"rule": "S002", "uncertain": "top"}]}]), "must be an array of ids"),
    ];
    for (blocks, want) in cases {
        let text = dated(blocks.clone());
        let err = run_str(&text, None).unwrap_err();
        let shown = err.to_string();
        let want = if want == "not an array" { "\"dated\" must be an array" } else { want };
        assert!(shown.contains(want), "{blocks}: {shown}");
        assert_eq!(err.kind(), "invalid", "{blocks}: {shown}");
    }
}
