//! The `tiaokuai` binary end to end: exit codes, output formats, error messages.
//!
//! Every command runs from the crate's folder, where `data/` and `tests/scenarios/`
//! link to the workspace's (and are real folders in the packaged crate), so relative
//! paths such as `data/samples/baoshan.json` and `tests/scenarios/*.json` work as in the docs.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

const SAMPLE: &str = "data/samples/baoshan.json";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tiaokuai(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tiaokuai"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the tiaokuai binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

/// Runs a command that must succeed and returns its standard output.
fn ok(args: &[&str]) -> String {
    let o = tiaokuai(args);
    assert_eq!(o.status.code(), Some(0), "tiaokuai {args:?} failed:\n{}", stderr(&o));
    stdout(&o)
}

/// Runs a command that must succeed and parses its standard output as JSON.
fn json(args: &[&str]) -> Value {
    let out = ok(args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("tiaokuai {args:?} printed invalid JSON ({e}):\n{out}"))
}

/// A fresh folder under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("tiaokuai-cli-{}-{n}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temp dir");
        TempDir(dir)
    }

    fn file(&self, name: &str, text: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, text).expect("a temp file");
        path.display().to_string()
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The sample's audit as JSON, and the three severity counts of its summary.
fn sample_audit() -> (Value, [u64; 3]) {
    let report = json(&["audit", "--format", "json"]);
    let s = &report["summary"];
    let counts = [s["errors"].as_u64().unwrap(), s["warnings"].as_u64().unwrap(), s["infos"].as_u64().unwrap()];
    (report, counts)
}

#[test]
fn audit_of_the_embedded_sample() {
    let (report, [errors, warnings, infos]) = sample_audit();
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 38, "data/samples/README.md lists 38 deliberate gaps");
    assert_eq!(errors + warnings + infos, 38);
    for (severity, n) in [("error", errors), ("warning", warnings), ("info", infos)] {
        assert_eq!(findings.iter().filter(|f| f["severity"] == severity).count() as u64, n);
    }
    let per_rule: u64 =
        report["summary"]["rules"].as_array().unwrap().iter().map(|r| r["findings"].as_u64().unwrap()).sum();
    assert_eq!(per_rule, 38);
    assert!(report["metrics"]["townships"].as_array().is_some_and(|t| t.len() == 13));

    // The table for people: a heading, the findings, the summary line with the same counts,
    // and the metrics summary the command's help promises.
    let summary = format!("38 findings: {errors} errors, {warnings} warnings, {infos} infos");
    let text = ok(&["audit", "--format", "table"]);
    assert!(text.starts_with("Audit of "), "{text}");
    assert!(text.lines().any(|l| l == summary), "{text}");
    assert!(text.contains("上海市 (city, 31): org coverage 30.7% (103/335)"), "{text}");
    for f in findings {
        assert!(text.contains(f["subject"].as_str().unwrap()), "the table names {}", f["subject"]);
    }
    // The default: one line per finding, the same counts, the same metrics.
    let text = ok(&["audit"]);
    assert_eq!(text.lines().take_while(|l| !l.is_empty()).count(), 38, "{text}");
    assert!(text.lines().any(|l| l == summary), "{text}");
    assert!(text.contains("上海市 (city, 31): org coverage 30.7% (103/335)"), "{text}");
    // Naming the sample file gives the same report as the embedded sample.
    assert_eq!(json(&["audit", SAMPLE, "--format", "json"]), report);
}

#[test]
fn audit_as_csv() {
    let out = ok(&["audit", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, ["rule", "name", "severity", "subject", "territory", "message", "suppressed"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a CSV row")).collect();
    assert_eq!(rows.len(), 38);
    assert_eq!(&rows[0][0], "S001");
    assert!(rows.iter().any(|r| &r[0] == "A002" && &r[3] == "noise" && &r[4] == "310113003"));
}

#[test]
fn fail_on_sets_the_exit_status() {
    let (_, [errors, warnings, _]) = sample_audit();
    assert!(errors > 0 && warnings > 0);
    assert_eq!(tiaokuai(&["audit", "--fail-on", "error"]).status.code(), Some(1));
    assert_eq!(tiaokuai(&["audit", "--fail-on", "warning"]).status.code(), Some(1));
    assert_eq!(tiaokuai(&["audit", "--fail-on", "never"]).status.code(), Some(0));
    // The report is still printed when the status is 1.
    let o = tiaokuai(&["audit", "--fail-on", "error", "--format", "json"]);
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["findings"].as_array().unwrap().len(), 38);
}

#[test]
fn a_config_file_changes_the_audit() {
    let (report, [errors, _, _]) = sample_audit();
    let error_rules: Vec<String> = report["summary"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["severity"] == "error")
        .map(|r| r["code"].as_str().unwrap().to_string())
        .collect();
    assert!(error_rules.contains(&"S001".to_string()) && error_rules.contains(&"A001".to_string()));
    let dir = TempDir::new("config");
    // Every rule graded error switched off (TOML), so --fail-on error passes.
    let toml: String = std::iter::once("[rules]\n".to_string())
        .chain(error_rules.iter().map(|r| format!("{r} = \"off\"\n")))
        .collect();
    let toml = dir.file("audit.toml", &toml);
    let quiet = json(&["audit", "--config", &toml, "--format", "json"]);
    assert_eq!(quiet["summary"]["errors"], 0);
    assert_eq!(quiet["findings"].as_array().unwrap().len() as u64, 38 - errors);
    assert_eq!(tiaokuai(&["audit", "--config", &toml, "--fail-on", "error"]).status.code(), Some(0));
    let s001 = quiet["summary"]["rules"].as_array().unwrap().iter().find(|r| r["code"] == "S001").unwrap();
    assert_eq!(s001["severity"], Value::Null);

    // JSON: one rule off, one re-graded by name, a threshold changed.
    let config = dir.file(
        "audit.json",
        r#"{"rules": {"L001": "off", "idle-resource": "error"}, "thresholds": {"joint_branch_max_units": 6}}"#,
    );
    let changed = json(&["audit", "--config", &config, "--format", "json"]);
    let rules: Vec<&str> =
        changed["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert!(!rules.contains(&"L001"), "L001 is off");
    assert!(!rules.contains(&"C004"), "the 6-unit joint branch is within a limit of 6");
    let l002 = changed["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "L002").unwrap();
    assert_eq!(l002["severity"], "error");
    assert_eq!(rules.len(), 36);

    // A config naming no rule is refused, with the key.
    let bad = dir.file("bad.toml", "[rules]\nC999 = \"off\"\n");
    let o = tiaokuai(&["audit", "--config", &bad]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("C999") && stderr(&o).contains("bad.toml"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}

#[test]
fn chain_as_table_and_json() {
    let text = ok(&["chain", SAMPLE, "yyl-c01-party"]);
    assert!(text.starts_with("leadership chain of "), "{text}");
    for id in ["yyl-c01-party", "yyl-sqdw", "yyl-gw", "bs-dw", "sh-sw"] {
        assert!(text.contains(id), "{text}");
    }
    assert!(text.contains("top: ") && text.contains("(sh-sw)"), "{text}");

    let chain = json(&["chain", SAMPLE, "zm-scjgs", "--format", "json"]);
    let ids: Vec<&str> = chain["steps"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["zm-scjgs", "bs-scjgj", "bs-gov", "sh-gov"]);
    assert_eq!(chain["line"], "leadership");
    assert_eq!(chain["branches"][0]["leader"], "zm-gov");
    assert_eq!(chain["ambiguous"], serde_json::json!(["zm-scjgs"]));

    let strip = json(&["chain", SAMPLE, "zm-scjgs", "--line", "strip", "--format", "json"]);
    assert_eq!(strip["line"], "strip");
    assert_eq!(strip["steps"][1]["id"], "bs-scjgj");
    assert_eq!(strip["steps"][1]["via"], "dispatches");

    let cycle = json(&["chain", SAMPLE, "gc-c03-wy", "--format", "json"]);
    assert_eq!(cycle["cycle"], serde_json::json!(["gc-c03-wy", "gc-c03-ywh", "gc-c03-wy"]));
}

#[test]
fn responsible_as_table_and_json() {
    let text = ok(&["responsible", SAMPLE, "yyl-c03-g2"]);
    assert!(text.contains("(nobody)"), "the grid nobody holds: {text}");
    let r = json(&["responsible", SAMPLE, "yyl-c03-g2", "--format", "json"]);
    let blocks = r["blocks"].as_array().unwrap();
    let territories: Vec<&str> = blocks.iter().map(|b| b["territory"].as_str().unwrap()).collect();
    assert_eq!(territories, ["yyl-c03-g2", "yyl-c03", "310113003", "310113", "31"]);
    assert_eq!(blocks[0]["holders"], serde_json::json!([]));
    assert_eq!(blocks[4]["grade"], "overall");
}

#[test]
fn dispatch_as_table_and_json() {
    let text = ok(&["dispatch", SAMPLE, "noise", "310113003"]);
    assert!(text.contains("bs-sthjj") && text.contains("bs-gaj"), "{text}");
    let d = json(&["dispatch", SAMPLE, "noise", "310113003", "--format", "json"]);
    assert_eq!(d["problem"], "several_leads");
    let leads: Vec<&str> = d["leads"].as_array().unwrap().iter().map(|a| a["unit"].as_str().unwrap()).collect();
    assert_eq!(leads, ["bs-sthjj", "bs-gaj"]);
    let none = json(&["dispatch", SAMPLE, "group-rental", "310113102", "--format", "json"]);
    assert_eq!(none["problem"], "no_lead");
    assert_eq!(none["resolved_at"], Value::Null);
    // CSV is for audit and metrics.
    let o = tiaokuai(&["dispatch", SAMPLE, "noise", "310113003", "--format", "csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("csv"), "{}", stderr(&o));
}

#[test]
fn an_unknown_id_is_one_line_on_stderr_naming_it() {
    for args in [
        &["chain", SAMPLE, "no-such-unit"][..],
        &["responsible", SAMPLE, "no-such-unit"],
        &["dispatch", SAMPLE, "noise", "no-such-unit"],
        &["export", SAMPLE, "--to", "dot", "--focus", "no-such-unit"],
    ] {
        let o = tiaokuai(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("error: ") && err.contains("\"no-such-unit\""), "{args:?}: {err}");
        assert!(o.stdout.is_empty(), "{args:?}");
    }
    // An id of the wrong record type says what it is.
    let o = tiaokuai(&["chain", SAMPLE, "310113"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "error: \"310113\" is a territory, but `tiaokuai chain` needs a unit\n");
    // Messages name the command typed, never the library function behind it.
    let o = tiaokuai(&["responsible", "bs-dw"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "error: \"bs-dw\" is a unit, but `tiaokuai responsible` needs a territory\n");
}

#[test]
fn queries_and_export_fall_back_to_the_sample_like_every_command() {
    // FILE is optional everywhere the help says so: the same answers with and without it.
    for (with, without) in [
        (
            vec!["chain", SAMPLE, "yyl-c01-party", "--format", "json"],
            vec!["chain", "yyl-c01-party", "--format", "json"],
        ),
        (
            vec!["responsible", SAMPLE, "yyl-c01", "--format", "json"],
            vec!["responsible", "yyl-c01", "--format", "json"],
        ),
        (
            vec!["dispatch", SAMPLE, "noise", "310113003", "--format", "json"],
            vec!["dispatch", "noise", "310113003", "--format", "json"],
        ),
        (
            vec!["export", SAMPLE, "--to", "dot", "--focus", "yyl-c01"],
            vec!["export", "--to", "dot", "--focus", "yyl-c01"],
        ),
    ] {
        assert_eq!(ok(&with), ok(&without), "{without:?}");
    }
    // Too few or too many ids is a usage error.
    for args in
        [&["chain"][..], &["dispatch", "noise"], &["chain", SAMPLE, "a", "b"], &["dispatch", SAMPLE, "a", "b", "c"]]
    {
        assert_eq!(tiaokuai(args).status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn validate_names_the_record_field_and_id() {
    let good = ok(&["validate", SAMPLE]);
    assert!(good.contains("valid (1270 records, 2619 links)"), "{good}");
    let dir = TempDir::new("validate");
    let bad = dir.file(
        "bad.json",
        r#"{"format": "tiaokuai/1", "units": [{"id": "ok", "name": "OK", "kind": "enterprise"},
            {"id": "acme", "name": "Acme", "kind": "enterprise", "members": -3}]}"#,
    );
    let o = tiaokuai(&["validate", &bad]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 2, "{err}");
    assert!(err.ends_with("bad.json: 1 problem\n"), "{err}");
    for part in ["bad.json", "units[1]", "\"acme\"", "\"members\"", "-3"] {
        assert!(err.contains(part), "{err} lacks {part}");
    }
    // As JSON the verdict goes to stdout.
    let o = tiaokuai(&["validate", &bad, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert!(v["error"].as_str().unwrap().contains("units[1] (id \"acme\")"), "{v}");

    let dangling = dir.file(
        "dangling.json",
        r#"{"format": "tiaokuai/1", "units": [{"id": "gw", "name": "GW", "kind": "party_committee"}],
            "links": [{"from": "gw", "to": "ghost", "kind": "leads"}]}"#,
    );
    let o = tiaokuai(&["validate", &dangling]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("links[0] (from \"gw\"): \"to\" names \"ghost\""), "{}", stderr(&o));
    // Every problem in one run, each with its record, field and id.
    let several = dir.file(
        "several.json",
        r#"{"format": "tiaokuai/1", "units": [{"id": "ok", "name": "OK", "kind": "enterprise"},
            {"id": "acme", "name": "Acme", "kind": "enterprise", "members": -3},
            {"id": "b", "name": "B", "kind": "nokind"}],
            "links": [{"from": "ok", "to": "ghost", "kind": "leads"}, {"from": "acme", "to": "ok", "kind": "leads"}]}"#,
    );
    let o = tiaokuai(&["validate", &several]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).ends_with("several.json: 3 problems\n"), "{}", stderr(&o));
    let o = tiaokuai(&["validate", &several, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let got: Vec<(&str, &str, &str)> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["record"].as_str().unwrap(), p["field"].as_str().unwrap(), p["id"].as_str().unwrap()))
        .collect();
    assert_eq!(got, [("units[1]", "members", "acme"), ("units[2]", "kind", "b"), ("links[0]", "to", "ghost")]);

    // A CSV bundle too: every row with a problem, by file and line.
    let bundle = dir.path("bundle");
    std::fs::create_dir_all(&bundle).unwrap();
    std::fs::write(
        format!("{bundle}/units.csv"),
        "id,name,kind,members\nok,OK,enterprise,\nacme,Acme,enterprise,-3\nb,B,nokind,\n",
    )
    .unwrap();
    std::fs::write(format!("{bundle}/links.csv"), "from,to,kind\nok,ghost,leads\nacme,ok,leads\n").unwrap();
    let o = tiaokuai(&["validate", &bundle, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let got: Vec<(&str, &str, &str)> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["record"].as_str().unwrap(), p["field"].as_str().unwrap(), p["id"].as_str().unwrap()))
        .collect();
    assert_eq!(got.len(), 3, "{v}");
    assert_eq!((got[0].1, got[0].2), ("members", "acme"), "{v}");
    assert_eq!((got[1].1, got[1].2), ("kind", "b"), "{v}");
    assert_eq!((got[2].1, got[2].2), ("to", "ghost"), "{v}");
    assert!(got[0].0.contains("units.csv") && got[2].0.contains("links.csv"), "{v}");

    let missing = dir.path("missing.json");
    let o = tiaokuai(&["validate", &missing]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing.json"), "{}", stderr(&o));
}

#[test]
fn usage_errors_exit_2() {
    for args in
        [&["frobnicate"][..], &["audit", "--format", "xml"], &["chain", SAMPLE], &["export", SAMPLE], &["test"], &[]]
    {
        let o = tiaokuai(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).is_empty(), "{args:?}");
    }
    assert_eq!(tiaokuai(&["--help"]).status.code(), Some(0));
    assert!(ok(&["--version"]).starts_with("tiaokuai "));
}

#[test]
fn stats_as_json() {
    let s = json(&["stats", "--format", "json"]);
    assert_eq!(s["records"], 1264, "people count as records, as validate counts them");
    assert_eq!(s["links"], 1957);
    assert_eq!(
        s["by_type"],
        serde_json::json!({"items": 20, "matters": 14, "people": 483, "territories": 215, "units": 532})
    );
    let by_kind: u64 = s["units_by_kind"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(by_kind, 532);
    let by_level: u64 = s["units_by_level"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(by_level, 532);
    assert_eq!(s["territories_by_kind"]["town"], 9);
    assert!(ok(&["stats"]).contains("1264 records, 1957 links"));
}

#[test]
fn convert_to_csv_and_back() {
    let dir = TempDir::new("convert");
    let bundle = dir.path("bundle");
    ok(&["convert", SAMPLE, "--to", "csv", "-o", &bundle]);
    for file in ["territories.csv", "units.csv", "matters.csv", "items.csv", "links.csv"] {
        assert!(Path::new(&bundle).join(file).is_file(), "{file} written");
    }
    let v = ok(&["validate", &bundle]);
    assert!(v.contains("valid (1270 records, 2619 links)"), "{v}");
    // The bundle audits like the JSON, and converts back to the same document.
    assert_eq!(
        json(&["audit", &bundle, "--format", "json"])["findings"],
        json(&["audit", "--format", "json"])["findings"]
    );
    let back = dir.path("back.json");
    ok(&["convert", &bundle, "--to", "json", "-o", &back]);
    let original = ok(&["convert", SAMPLE, "--to", "json"]);
    assert_eq!(std::fs::read_to_string(&back).unwrap(), original);
    // CSV needs a folder.
    let o = tiaokuai(&["convert", SAMPLE, "--to", "csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("-o"), "{}", stderr(&o));
}

#[test]
fn import_divisions_of_baoshan() {
    let model = json(&["import-divisions", "--code", "310113"]);
    let territories = model["territories"].as_array().unwrap();
    let township = |t: &&Value| ["street", "town", "township", "zone"].contains(&t["kind"].as_str().unwrap());
    let ids: Vec<&str> = territories.iter().filter(township).map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 13, "{ids:?}");
    assert!(ids.iter().all(|id| id.starts_with("310113") && id.len() == 9), "{ids:?}");
    assert!(territories.iter().any(|t| t["id"] == "310113" && t["kind"] == "district"));
    let o = tiaokuai(&["import-divisions", "--code", "99"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("99"), "{}", stderr(&o));
}

#[test]
fn import_divisions_records_changes_since_a_previous_list() {
    let (old, new) = ("tests/core-data/divisions-old", "tests/core-data/divisions-new");
    let args =
        ["import-divisions", "--code", "310199", "--tables", new, "--previous", old, "--changed-on", "2021-06-01"];
    let o = tiaokuai(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("1 recode, 2 merge and 2 split links"), "{err}");
    assert!(err.contains("ended without a successor: 310199105"), "{err}");
    assert!(err.contains("ambiguous, not linked: 310199104, 310199202 → 310199004, 310199109"), "{err}");
    let model: Value = serde_json::from_slice(&o.stdout).unwrap();
    let links = model["links"].as_array().unwrap();
    assert_eq!(links.len(), 5);
    assert!(links.iter().any(|l| l["from"] == "310199101" && l["to"] == "310199106" && l["event"] == "recode"));
    let record = |id: &str| model["territories"].as_array().unwrap().iter().find(|t| t["id"] == id).unwrap().clone();
    assert_eq!(record("310199101")["until"], "2021-05-31");
    assert_eq!(record("310199106")["since"], "2021-06-01");
    assert_eq!(model["meta"]["changed_on"], "2021-06-01");
    // The two flags go together; a malformed date is a usage error naming it.
    for (bad, says) in [
        (vec!["--previous", old], "--previous needs --changed-on"),
        (vec!["--changed-on", "2021-06-01"], "--changed-on needs --previous"),
        (vec!["--previous", old, "--changed-on", "2021-13"], "2021-13"),
    ] {
        let o = tiaokuai(&[&["import-divisions", "--code", "310199", "--tables", new][..], &bad[..]].concat());
        assert_eq!(o.status.code(), Some(2), "{bad:?}");
        assert!(stderr(&o).contains(says), "{bad:?}: {}", stderr(&o));
    }
    // Without --tables the new list is the embedded one, which has no 310199.
    let o = tiaokuai(&["import-divisions", "--code", "310199", "--previous", old, "--changed-on", "2021"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("310199"), "{}", stderr(&o));
}

#[test]
fn generate_is_deterministic() {
    let a = tiaokuai(&["generate", "--scale", "district", "--seed", "1"]);
    let b = tiaokuai(&["generate", "--scale", "district", "--seed", "1"]);
    assert_eq!(a.status.code(), Some(0), "{}", stderr(&a));
    assert!(a.stdout == b.stdout, "two runs with seed 1 differ");
    let model: Value = serde_json::from_slice(&a.stdout).unwrap();
    assert_eq!(model["format"], "tiaokuai/1");
    assert!(model["units"].as_array().unwrap().len() > 100);
    let c = tiaokuai(&["generate", "--scale", "district", "--seed", "2"]);
    assert!(c.stdout != a.stdout, "another seed gives another model");
    let o = tiaokuai(&["generate", "--scale", "galaxy"]);
    assert_eq!(o.status.code(), Some(2), "an unknown scale is a usage error");
    assert!(stderr(&o).contains("galaxy"), "{}", stderr(&o));
}

#[test]
fn schema_is_json_schema() {
    let schema = json(&["schema"]);
    assert!(schema["$schema"].as_str().unwrap().contains("2020-12"), "{}", schema["$schema"]);
    assert!(schema.to_string().contains("tiaokuai/1"));
}

#[test]
fn export_graphml_and_dot() {
    let graphml = ok(&["export", SAMPLE, "--to", "graphml"]);
    assert!(graphml.starts_with("<?xml"), "{}", &graphml[..100]);
    assert!(graphml.contains("<graphml") && graphml.trim_end().ends_with("</graphml>"));
    assert!(graphml.contains("<node id=\"yyl-gw\""));
    let dot = ok(&["export", SAMPLE, "--to", "dot"]);
    assert!(dot.starts_with("digraph"), "{}", &dot[..100]);
    assert!(dot.trim_end().ends_with('}'));
    // A focus keeps only the part around one record.
    let focus = ok(&["export", SAMPLE, "--to", "dot", "--focus", "yyl-c01"]);
    assert!(focus.len() < dot.len() / 10 && focus.contains("yyl-c01-rc"), "{focus}");
    let dir = TempDir::new("export");
    let out = dir.path("g.graphml");
    ok(&["export", SAMPLE, "--to", "graphml", "-o", &out]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), graphml);
    // --render needs dot, and Graphviz.
    assert_eq!(tiaokuai(&["export", SAMPLE, "--to", "graphml", "--render", "svg"]).status.code(), Some(2));
    let has_dot = Command::new("dot").arg("-V").stderr(Stdio::null()).status().is_ok_and(|s| s.success());
    let svg = tiaokuai(&["export", SAMPLE, "--to", "dot", "--focus", "yyl-c01", "--render", "svg"]);
    if has_dot {
        assert_eq!(svg.status.code(), Some(0), "{}", stderr(&svg));
        assert!(stdout(&svg).contains("<svg"));
    } else {
        assert_eq!(svg.status.code(), Some(2));
        assert!(stderr(&svg).contains("dot"), "{}", stderr(&svg));
    }
}

fn shared_scenarios() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(root().join("tests/scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| format!("tests/scenarios/{}", p.file_name().unwrap().to_str().unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn test_runs_the_shared_scenarios() {
    let files = shared_scenarios();
    assert!(files.len() >= 12);
    let mut args = vec!["test"];
    args.extend(files.iter().map(String::as_str));
    let out = ok(&args);
    assert!(out.contains(&format!("scenarios: {} passed, 0 failed", files.len())), "{out}");
    assert!(!out.contains("FAIL"), "{out}");
    args.extend(["--format", "json"]);
    let outcomes = json(&args);
    assert_eq!(outcomes.as_array().unwrap().len(), files.len());
}

#[test]
fn a_failing_scenario_exits_1_with_the_diff() {
    let dir = TempDir::new("scenario");
    let failing = dir.file(
        "failing.json",
        r#"{"name": "expects the wrong chain",
            "model_file": "../../does-not-matter.json",
            "expect": {}}"#,
    );
    // A scenario that cannot run is an error naming the file.
    let o = tiaokuai(&["test", &failing]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("failing.json"), "{}", stderr(&o));

    let sample = root().join(SAMPLE).canonicalize().unwrap();
    let failing = dir.file(
        "failing.json",
        &format!(
            r#"{{"name": "expects the wrong chain", "model_file": {},
                "expect": {{"chains": [{{"unit": "yyl-c01-party", "steps": ["yyl-c01-party", "sh-sw"]}}],
                           "absent": [{{"rule": "C008"}}]}}}}"#,
            Value::from(sample.display().to_string())
        ),
    );
    let o = tiaokuai(&["test", &failing, "tests/scenarios/l-three-lists.json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("FAIL expects the wrong chain (2 checks, 2 failed)"), "{out}");
    assert!(out.contains("expected: {\"steps\":[\"yyl-c01-party\",\"sh-sw\"]}"), "{out}");
    assert!(
        out.contains("actual:   {\"steps\":[\"yyl-c01-party\",\"yyl-sqdw\",\"yyl-gw\",\"bs-dw\",\"sh-sw\"]}"),
        "{out}"
    );
    assert!(out.contains("yyl-c03-g2"), "the unwanted C008 finding is shown: {out}");
    assert!(out.contains("scenarios: 1 passed, 1 failed"), "{out}");
    let o = tiaokuai(&["test", &failing, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let outcomes: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(outcomes[0]["checks"][0]["passed"], false);
}

/// `tiaokuai … | head -1`: the reader goes away after one line; the command stops quietly.
#[test]
fn a_closed_pipe_is_not_a_panic() {
    for args in [
        &["audit"][..],
        &["export", SAMPLE, "--to", "graphml"],
        &["convert", SAMPLE, "--to", "json"],
        &["audit", "--format", "json"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tiaokuai"))
            .args(args)
            .current_dir(root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        {
            let mut reader = BufReader::new(child.stdout.take().unwrap());
            reader.read_line(&mut first).unwrap();
        } // the pipe is closed here
        let mut err = String::new();
        child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        let status = child.wait().unwrap();
        assert!(!first.is_empty(), "{args:?}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!err.contains("Broken pipe"), "{args:?}: {err}");
        assert_eq!(status.code(), Some(0), "{args:?}: {err}");
    }
}

/// Counts the data rows of a CSV file with the csv crate (quoted line breaks included).
fn csv_rows(path: &str) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    reader.records().map(|r| r.unwrap_or_else(|e| panic!("{path}: {e}"))).collect()
}

#[test]
fn export_neo4j_and_edgelist_folders() {
    let model = tiaokuai::Model::load(root().join(SAMPLE)).unwrap();
    // Exports hold the model as read at its as_of (the sample has history out of force then).
    let in_view = model.records().count();
    assert!(in_view < model.len());
    let dir = TempDir::new("export-folders");
    let neo4j = dir.path("neo4j");
    let o = tiaokuai(&["export", SAMPLE, "--to", "neo4j", "-o", &neo4j]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    assert!(stderr(&o).contains(&format!("wrote {in_view} nodes")), "{}", stderr(&o));
    for file in ["nodes.csv", "relationships.csv", "import.sh", "load.cypher", "README.md"] {
        assert!(Path::new(&neo4j).join(file).is_file(), "{file}");
    }
    let nodes = csv_rows(&format!("{neo4j}/nodes.csv"));
    assert_eq!(nodes.len(), in_view);
    let rels = csv_rows(&format!("{neo4j}/relationships.csv"));
    assert_eq!(rels.iter().filter(|r| !r[4].is_empty()).count(), model.count_links(), "rows with a link index");
    let edgelist = dir.path("edges");
    ok(&["export", SAMPLE, "--to", "edgelist", "-o", &edgelist]);
    assert_eq!(csv_rows(&format!("{edgelist}/vertices.csv")).len(), in_view);
    let edges = csv_rows(&format!("{edgelist}/edges.csv"));
    assert_eq!(edges.iter().filter(|r| !r[3].is_empty()).count(), model.count_links());
    assert_eq!(edges.len(), rels.len());
    // A focus writes only the part around one record.
    let part = dir.path("part");
    ok(&["export", SAMPLE, "--to", "edgelist", "--focus", "yyl-c01", "-o", &part]);
    let vertices = csv_rows(&format!("{part}/vertices.csv"));
    assert!(vertices.len() < model.len() / 10 && vertices.iter().any(|v| &v[0] == "yyl-c01"), "{}", vertices.len());
    // A folder is required; --render is for dot; an unknown focus names the id.
    let ghost = dir.path("ghost");
    for (args, message) in [
        (&["export", SAMPLE, "--to", "neo4j"][..], "--to neo4j needs -o FOLDER"),
        (&["export", SAMPLE, "--to", "edgelist", "--render", "svg", "-o", &part], "--render needs --to dot"),
        (&["export", SAMPLE, "--to", "neo4j", "--focus", "ghost", "-o", &ghost], "ghost"),
    ] {
        let o = tiaokuai(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(message), "{args:?}: {}", stderr(&o));
    }
    // An unwritable folder is named.
    let blocker = dir.file("blocker", "a file");
    let o = tiaokuai(&["export", SAMPLE, "--to", "neo4j", "-o", &format!("{blocker}/out")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("blocker"), "{}", stderr(&o));
}

#[test]
fn max_bytes_limits_what_is_read() {
    let size = std::fs::metadata(root().join(SAMPLE)).unwrap().len();
    // A file over the limit: one line naming the limit, exit 1; at the limit it loads.
    let limit = (size - 1).to_string();
    for command in
        [&["stats", SAMPLE][..], &["validate", SAMPLE], &["audit", SAMPLE], &["chain", SAMPLE, "yyl-c01-party"]]
    {
        let args: Vec<&str> = command.iter().copied().chain(["--max-bytes", &limit]).collect();
        let o = tiaokuai(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(
            err.contains(&format!("input of {size} bytes is larger than the limit of {limit} bytes")),
            "{args:?}: {err}"
        );
    }
    ok(&["stats", SAMPLE, "--max-bytes", &size.to_string()]);
    // The flag goes anywhere on the line, with K, M or G.
    ok(&["--max-bytes", "10M", "stats", SAMPLE]);
    let o = tiaokuai(&["stats", SAMPLE, "--max-bytes", "1K"]);
    assert!(stderr(&o).contains("larger than the limit of 1024 bytes"), "{}", stderr(&o));
    // A CSV bundle counts all its files.
    let dir = TempDir::new("max-bytes");
    let bundle = dir.path("bundle");
    ok(&["convert", SAMPLE, "--to", "csv", "-o", &bundle]);
    let o = tiaokuai(&["validate", &bundle, "--max-bytes", "100K"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is larger than the limit of 102400 bytes"), "{}", stderr(&o));
    // Standard input is never read past the limit.
    let mut child = Command::new(env!("CARGO_BIN_EXE_tiaokuai"))
        .args(["stats", "-", "--max-bytes", "1000"])
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let text = std::fs::read(root().join(SAMPLE)).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // The reader stops early and closes the pipe: a broken pipe here is expected.
    let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, &text));
    let o = child.wait_with_output().unwrap();
    let _ = writer.join();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is larger than the limit of 1000 bytes"), "{}", stderr(&o));
    // Not a size: a usage error.
    for bad in ["12X", "-1", "lots", "99999999999G"] {
        assert_eq!(tiaokuai(&["stats", SAMPLE, "--max-bytes", bad]).status.code(), Some(2), "{bad}");
    }
}

/// `--max-bytes` bounds every input, not only models: the audit config, each scenario file and
/// the model file a scenario names. An endless device is refused at the limit (it used to be
/// read until the memory ran out).
#[cfg(unix)]
#[test]
fn max_bytes_bounds_configs_scenarios_and_their_model_files() {
    let dir = TempDir::new("max-bytes-inputs");
    let zero = dir.path("zero.json");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let o = tiaokuai(&["audit", "--config", &zero, "--max-bytes", "1M"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "error: {zero}: input of 1048577 bytes is larger than the limit of 1048576 bytes (raise it with the size limit option)\n"
        )
    );
    let scenario = dir.file("s.json", r#"{"name": "zero", "model_file": "/dev/zero"}"#);
    let o = tiaokuai(&["test", &scenario, "--max-bytes", "1M"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("input of 1048577 bytes is larger than the limit of 1048576 bytes"), "{}", stderr(&o));
    let o = tiaokuai(&["test", &zero, "--max-bytes", "1M"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("larger than the limit of 1048576 bytes"), "{}", stderr(&o));
    // Regular files: a config or scenario over the limit is refused, at the limit it is read.
    let config = dir.file("audit.json", r#"{"rules": {"C003": "off"}}"#);
    let o = tiaokuai(&["audit", "--config", &config, "--max-bytes", "10"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("input of 26 bytes is larger than the limit of 10 bytes"), "{}", stderr(&o));
    let small = dir.file("m.json", r#"{"format": "tiaokuai/1"}"#);
    let scenario = dir.file("t.json", &format!(r#"{{"name": "t", "model_file": {small:?}}}"#));
    ok(&["test", &scenario, "--max-bytes", "200"]);
    let o = tiaokuai(&["test", &scenario, "--max-bytes", "30"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

/// Configs and scenarios follow the model's strictness: a key given twice is an error naming it.
#[test]
fn duplicate_keys_in_configs_and_scenarios_are_errors() {
    let dir = TempDir::new("strict-inputs");
    let config = dir.file("audit.json", "{\"rules\": {\"C003\": \"off\", \"C003\": \"on\"}}");
    let o = tiaokuai(&["audit", "--config", &config]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "error: audit config: {config}: duplicate key \"C003\" in rules at line 1 column 27: each key may appear once \
             in an object\n"
        )
    );
    let scenario = dir.file(
        "s.json",
        r#"{"name": "dup", "model": {"format": "tiaokuai/1",
            "units": [{"id": "a", "name": "A", "kind": "enterprise", "members": -1, "members": 3}]}}"#,
    );
    let o = tiaokuai(&["test", &scenario]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("duplicate field `members`"), "{}", stderr(&o));
}

#[test]
fn threads_change_nothing_but_speed() {
    // A district model is big enough for a parallel load (thousands of records, megabytes).
    let dir = TempDir::new("threads");
    let file = dir.path("district.json");
    ok(&["generate", "--scale", "district", "--seed", "3", "-o", &file]);
    let run = |threads: &str, command: &str| {
        let o = tiaokuai(&["--threads", threads, command, &file, "--format", "json"]);
        assert!(o.status.success() || command == "audit", "{threads} {command}: {}", stderr(&o));
        o.stdout
    };
    for command in ["stats", "audit"] {
        let one = run("1", command);
        assert!(one.len() > 1000, "{command} printed its answer");
        assert_eq!(run("2", command), one, "{command}: 2 threads");
        assert_eq!(run("4", command), one, "{command}: 4 threads");
        assert_eq!(run("0", command), one, "{command}: one per core");
    }
    // The timeline of a model with history, on 1, 2 and 4 threads.
    let history = dir.path("history.json");
    ok(&["generate", "--scale", "district", "--seed", "4", "--history", "-o", &history]);
    let timeline = |threads: &str| {
        ok(&[
            "--threads",
            threads,
            "timeline",
            &history,
            "--from",
            "2014",
            "--to",
            "2024",
            "--every",
            "year",
            "--format",
            "json",
        ])
    };
    let one = timeline("1");
    assert!(one.contains("\"2024\""), "{one}");
    assert_eq!(timeline("2"), one, "timeline: 2 threads");
    assert_eq!(timeline("4"), one, "timeline: 4 threads");
    assert_eq!(tiaokuai(&["stats", SAMPLE, "--threads", "many"]).status.code(), Some(2));
}

/// A model whose ids and names begin like spreadsheet formulas.
const FORMULA_MODEL: &str = r#"{"format": "tiaokuai/1",
 "territories": [{"id": "=d", "name": "=HYPERLINK(\"http://x\")", "kind": "district"},
                 {"id": "-s", "name": "-街道", "kind": "street", "parent": "=d"}],
 "units": [{"id": "=A", "name": "@SUM(1)", "kind": "party_working_committee", "members": 3},
           {"id": "-B", "name": "+y", "kind": "government", "located_in": "-s"}],
 "links": [{"from": "=A", "to": "-B", "kind": "leads"}, {"from": "-B", "to": "=A", "kind": "leads"},
           {"from": "=A", "to": "-s", "kind": "jurisdiction"}]}"#;

/// The rows of CSV text as Python's csv module reads them.
fn python_csv(text: &[u8]) -> Vec<Vec<String>> {
    let mut child = Command::new("python3")
        .args([
            "-c",
            "import csv, io, json, sys\nprint(json.dumps(list(csv.reader(io.StringIO(sys.stdin.read(), newline='')))))",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), text).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn csv_outputs_neutralise_formulas_unless_kept() {
    let dir = TempDir::new("formulas");
    let model = dir.path("model.json");
    std::fs::write(&model, FORMULA_MODEL).unwrap();
    let formula = |cell: &str| cell.starts_with(['=', '+', '-', '@', '\t', '\r']);

    // Audit CSV: ids and territories guarded; the messages start with words.
    let o = tiaokuai(&["audit", &model, "--format", "csv"]);
    let rows = python_csv(&o.stdout);
    assert_eq!(rows[0], ["rule", "name", "severity", "subject", "territory", "message", "suppressed"]);
    assert_eq!(rows[1][..5], ["S001", "leadership-cycle", "error", "'-B", "'-s"]);
    assert!(rows.iter().flatten().all(|c| !formula(c)), "{rows:?}");
    let o = tiaokuai(&["audit", &model, "--format", "csv", "--csv-formulas", "keep"]);
    assert_eq!(python_csv(&o.stdout)[1][..5], ["S001", "leadership-cycle", "error", "-B", "-s"]);

    // Metrics CSV: text cells guarded, numbers as they are.
    let rows = python_csv(ok(&["metrics", &model, "--format", "csv"]).as_bytes());
    assert_eq!(rows[1][..5], ["'-s", "'-街道", "street", "'=d", "1"]);
    assert!(rows.iter().flatten().all(|c| !formula(c)), "{rows:?}");
    let column = rows[0].iter().position(|h| h == "counts.units").unwrap();
    assert_eq!(rows[1][column], "1");
    let kept = python_csv(ok(&["metrics", &model, "--format", "csv", "--csv-formulas", "keep"]).as_bytes());
    assert_eq!(kept[1][..4], ["-s", "-街道", "street", "=d"]);
    assert_eq!(kept[1][4..], rows[1][4..], "only the text cells differ");

    // Edge list and Neo4j files.
    let edges = dir.path("edges");
    ok(&["export", &model, "--to", "edgelist", "-o", &edges]);
    let vertices = python_csv(&std::fs::read(Path::new(&edges).join("vertices.csv")).unwrap());
    let ids: Vec<&str> = vertices[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, ["'=d", "'-s", "'=A", "'-B"]);
    assert!(vertices.iter().flatten().all(|c| !formula(c)), "{vertices:?}");
    let neo4j = dir.path("neo4j");
    ok(&["export", &model, "--to", "neo4j", "-o", &neo4j, "--csv-formulas", "keep"]);
    let nodes = python_csv(&std::fs::read(Path::new(&neo4j).join("nodes.csv")).unwrap());
    assert_eq!(nodes[1][..3], ["=d", "Territory;Record", "=HYPERLINK(\"http://x\")"]);
    // Not a setting: a usage error.
    assert_eq!(tiaokuai(&["audit", &model, "--format", "csv", "--csv-formulas", "maybe"]).status.code(), Some(2));
}

// --- Time (issue #12): timeline and audit over a span -------------------------------------

#[test]
fn timeline_yearly_in_json_csv_and_table() {
    let v = json(&["timeline", "--from", "2014", "--to", "2024", "--every", "year", "--format", "json"]);
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 11);
    assert_eq!((rows[0]["date"].as_str(), rows[0]["day"].as_str()), (Some("2014"), Some("2014-12-31")));
    let cov = |r: &Value| r["rates"]["org_coverage"].as_f64().unwrap();
    assert!(cov(&rows[10]) > cov(&rows[0]));
    // The counts are those of `audit --at` at the same date.
    let audit = json(&["--at", "2017", "audit", "--format", "json"]);
    assert_eq!(rows[3]["warnings"], audit["summary"]["warnings"]);
    let csv = ok(&["timeline", "--from", "2014", "--to", "2016", "--every", "year", "--format", "csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4);
    assert!(lines[0].starts_with("date,day,errors,warnings,infos,"), "{}", lines[0]);
    assert!(lines[1].starts_with("2014,2014-12-31,"), "{}", lines[1]);
    let table = ok(&["timeline", "--from", "2014", "--to", "2015", "--every", "year", "--threads", "2"]);
    assert!(table.contains("org_coverage") && table.contains("2015-12-31"), "{table}");
}

#[test]
fn timeline_and_spans_refuse_bad_dates_and_at() {
    for args in [
        &["timeline", "--every", "year"][..],
        &["timeline", "--from", "2020", "--to", "2019", "--every", "year"],
        &["audit", "--from", "2020", "--to", "2019"],
    ] {
        let o = tiaokuai(args);
        assert_eq!(o.status.code(), Some(2), "an input error: {args:?}");
        assert!(stderr(&o).contains("error:"), "{args:?}");
    }
    let o = tiaokuai(&["timeline", "--from", "2019-13"]);
    assert_eq!(o.status.code(), Some(2));
    let o = tiaokuai(&["--at", "2019", "timeline"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--from/--to"), "{}", stderr(&o));
}

#[test]
fn audit_over_a_span_gives_each_finding_once_with_periods() {
    let v = json(&["audit", "--from", "2014", "--to", "2024", "--format", "json"]);
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    let mut keys = std::collections::BTreeSet::new();
    for f in findings {
        assert!(keys.insert((f["rule"].to_string(), f["subject"].to_string(), f["territory"].to_string())), "{f}");
        assert!(!f["periods"].as_array().unwrap().is_empty(), "{f}");
    }
    // A finding that ended within the span has a closed period.
    assert!(findings.iter().any(|f| f["periods"][0]["to"].is_string()));
    let table = ok(&["audit", "--from", "2014", "--to", "2024"]);
    assert!(table.contains("periods") && table.contains(" to "), "{table}");
}

/// `tiaokuai meetings` (issue #15): meetings per community or street per year.
#[test]
fn meetings_are_counted_per_community_and_street() {
    let fixture = "tests/core-data/meetings.json";
    let rows = json(&["meetings", fixture, "--format", "json"]);
    let rows = rows.as_array().unwrap();
    let ids: Vec<&str> = rows.iter().map(|r| r["territory"].as_str().unwrap()).collect();
    assert_eq!(ids, ["c1", "c1", "c2", "c3"]);
    assert_eq!(
        (rows[0]["year"].as_i64(), rows[0]["hearing"].as_i64(), rows[0]["projects_heard"].as_i64()),
        (Some(2022), Some(1), Some(4))
    );
    let csv = ok(&["meetings", fixture, "--by", "street", "--year", "2023", "--format", "csv"]);
    assert_eq!(
        csv,
        "territory,territory_name,year,hearing,coordination,evaluation,consultation,other,meetings,projects_heard,\
         projects_evaluated\ns,友谊路街道,2023,1,0,1,1,0,3,1,1\n"
    );
    // Read at an earlier date, later meetings have not happened.
    let early = json(&["--at", "2022-12-31", "meetings", fixture, "--by", "street", "--format", "json"]);
    assert_eq!(early.as_array().unwrap().len(), 1);
    let table = ok(&["meetings", fixture]);
    assert!(table.starts_with("territory  territory_name  year"), "{table}");
    // The sample records meetings from 2022 in every street and town; a model without any says so.
    let by_street = json(&["meetings", SAMPLE, "--by", "street", "--year", "2023", "--format", "json"]);
    assert_eq!(by_street.as_array().unwrap().len(), 13);
    let dir = TempDir::new("no-meetings");
    let bare = dir.file(
        "bare.json",
        r#"{"format": "tiaokuai/1", "territories": [{"id": "c", "name": "甲", "kind": "community"}]}"#,
    );
    assert!(ok(&["meetings", &bare]).contains("no meetings"));
    // The M rules come with the audit.
    let audit = json(&["audit", fixture, "--format", "json"]);
    let codes: Vec<&str> = audit["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str().filter(|r| r.starts_with('M')))
        .collect();
    assert_eq!(codes, ["M001", "M001", "M002", "M003", "M004"]);
    let bad = tiaokuai(&["meetings", fixture, "--by", "city"]);
    assert_eq!(bad.status.code(), Some(2));
}
