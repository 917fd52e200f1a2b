//! `tiaokuai audit` as a linter: snapshots of the outputs for people, colour, the machine
//! formats (SARIF validated against the SARIF 2.1.0 JSON schema, JSON lines, GitHub
//! annotations) and baselines of accepted findings.
//!
//! The fixture `cli/tests/data/small.json` (`tests/data/small.json` from the crate's folder, where the tests run) has five findings (C001, C003, two C006, L001).
//! Snapshots are in `cli/tests/snapshots/`; after a deliberate change of the output,
//! regenerate them with `TIAOKUAI_BLESS=1 cargo test -p tiaokuai-cli --test audit_formats`
//! and review the diff.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

const SMALL: &str = "tests/data/small.json";

/// The crate's folder: the tests run there, in the repository and in the packaged crate
/// (whose `docs` and `data` the repository provides through links).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn run_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tiaokuai"));
    c.args(args).current_dir(root()).env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("the tiaokuai binary runs")
}

fn run(args: &[&str]) -> Output {
    run_env(args, &[])
}

fn text(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8")
}

fn err(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("UTF-8")
}

/// Compares `actual` with a committed snapshot (rewritten when `TIAOKUAI_BLESS=1`).
fn snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots").join(name);
    if std::env::var_os("TIAOKUAI_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(actual, expected, "snapshot {name} differs (TIAOKUAI_BLESS=1 rewrites it)");
}

/// A fresh folder with a copy of the fixture, removed when dropped.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("tiaokuai-audit-{}-{n}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(root().join(SMALL), dir.join("model.json")).unwrap();
        Dir(dir)
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn outputs_for_people_match_their_snapshots() {
    for (format, file) in [("concise", "audit-small.concise.txt"), ("table", "audit-small.table.txt")] {
        let o = run(&["audit", SMALL, "--format", format, "--color", "never"]);
        assert_eq!(o.status.code(), Some(0), "{}", err(&o));
        snapshot(file, &text(&o));
    }
    let o = run(&["audit", SMALL, "--format", "github"]);
    snapshot("audit-small.github.txt", &text(&o));
    // Concise is the default, one line per finding with the file and the record's line.
    let concise = text(&run(&["audit", SMALL]));
    assert!(concise.starts_with("tests/data/small.json:9: warning[C001 no-party-org] acme @s1: "), "{concise}");
}

#[test]
fn colour_follows_color_and_no_color() {
    let coloured = text(&run(&["audit", SMALL, "--color", "always"]));
    snapshot("audit-small.concise-color.txt", &coloured);
    assert!(coloured.contains("\x1b[33mwarning\x1b[0m"), "{coloured:?}");
    assert!(coloured.contains("\x1b[36minfo\x1b[0m"), "{coloured:?}");
    let table = text(&run(&["audit", SMALL, "--format", "table", "--color", "always"]));
    assert!(table.lines().any(|l| l.starts_with("\x1b[1m\x1b[33mwarning\x1b[0m   C001")), "{table:?}");
    // Into a pipe (auto), with --color never, or NO_COLOR set: plain text.
    let plain = text(&run(&["audit", SMALL, "--color", "never"]));
    assert!(!plain.contains('\x1b'));
    assert_eq!(text(&run(&["audit", SMALL])), plain);
    assert_eq!(text(&run_env(&["audit", SMALL, "--color", "auto"], &[("NO_COLOR", "1")])), plain);
    // Escape sequences stripped are exactly the ones added.
    let stripped: String = {
        let mut s = coloured.clone();
        for code in ["\x1b[1m", "\x1b[33m", "\x1b[36m", "\x1b[0m"] {
            s = s.replace(code, "");
        }
        s
    };
    assert_eq!(stripped, plain);
    // An unknown choice is a usage error.
    assert_eq!(run(&["audit", "--color", "sometimes"]).status.code(), Some(2));
}

/// Validates a SARIF document against the vendored SARIF 2.1.0 schema with Python's
/// `jsonschema`; `None` when Python or the package is missing (a failure in CI).
fn sarif_schema_errors(doc: &str) -> Option<Vec<String>> {
    schema_errors("tests/data/sarif-schema-2.1.0.json", "Draft4Validator", doc)
}

/// Validates a JSON document against a schema file (relative to the workspace) with the
/// named validator class of Python's `jsonschema`.
fn schema_errors(schema: &str, validator: &str, doc: &str) -> Option<Vec<String>> {
    let schema = root().join(schema);
    let script = format!(
        "import json, sys\nimport jsonschema\nschema = json.load(open(sys.argv[1], encoding='utf-8'))\n\
         doc = json.load(sys.stdin)\nv = jsonschema.{validator}(schema)\n\
         print(json.dumps([f\"{{list(e.absolute_path)}}: {{e.message}}\" for e in v.iter_errors(doc)]))"
    );
    let child = Command::new("python3")
        .args(["-c", &script])
        .arg(&schema)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let message = "python3 with jsonschema is needed to validate SARIF (pip install jsonschema)";
    let Ok(mut child) = child else { return missing(message) };
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), doc.as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    if !o.status.success() {
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(e.contains("No module named 'jsonschema'"), "the validator failed: {e}");
        return missing(message);
    }
    Some(serde_json::from_slice(&o.stdout).unwrap())
}

fn missing<T>(message: &str) -> Option<T> {
    assert!(std::env::var_os("TIAOKUAI_REQUIRE_TOOLS").is_none_or(|v| v != "1"), "{message}");
    eprintln!("skipped: {message}");
    None
}

#[test]
fn sarif_is_valid_sarif_2_1_0_with_rules_levels_and_locations() {
    let dir = Dir::new("sarif");
    // One accepted finding, so that a suppression is validated too.
    let base = dir.path("tiaokuai-baseline.json");
    std::fs::write(
        &base,
        r#"{"format": "tiaokuai-baseline/1", "entries": [
            {"rule": "L001", "subject": "need-lift", "territory": "s1", "reason": "lift planned for 2027",
             "accepted_by": "街道党建办"}]}"#,
    )
    .unwrap();
    let model = dir.path("model.json");
    let o = run(&["audit", &model, "--format", "sarif", "--fail-on", "warning"]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let doc = text(&o);
    let sarif: Value = serde_json::from_str(&doc).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run0 = &sarif["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), tiaokuai::RULES.len(), "the whole catalogue");
    assert_eq!(rules.len(), 34);
    assert_eq!(rules[4]["id"], "C001");
    assert_eq!(rules[4]["defaultConfiguration"]["level"], "warning");
    assert!(rules[4]["fullDescription"]["text"].as_str().unwrap().contains("Party Constitution art. 30"));
    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), 5, "suppressed findings stay, marked");
    let c001 = &results[0];
    assert_eq!(
        (c001["ruleId"].as_str(), c001["ruleIndex"].as_u64(), c001["level"].as_str()),
        (Some("C001"), Some(4), Some("warning"))
    );
    let loc = &c001["locations"][0];
    assert_eq!(loc["physicalLocation"]["region"]["startLine"], 9);
    assert!(loc["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap().ends_with("model.json"));
    let logical: Vec<(&str, &str)> = loc["logicalLocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["kind"].as_str().unwrap(), l["fullyQualifiedName"].as_str().unwrap()))
        .collect();
    assert_eq!(
        logical,
        [
            ("city", "31"),
            ("district", "31/310113"),
            ("street", "31/310113/s1"),
            ("community", "31/310113/s1/c1"),
            ("unit", "31/310113/s1/c1/acme")
        ]
    );
    let l001 = &results[4];
    assert_eq!(l001["level"], "note");
    assert_eq!(l001["suppressions"][0]["kind"], "external");
    assert!(l001["suppressions"][0]["justification"].as_str().unwrap().contains("lift planned for 2027"));
    assert_eq!(run0["properties"]["counts"]["suppressed"], 1);

    let Some(errors) = sarif_schema_errors(&doc) else { return };
    assert!(errors.is_empty(), "{errors:#?}");
    // The validator does reject a broken document (this test can fail).
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    let errors = sarif_schema_errors(&broken.to_string()).unwrap();
    assert!(errors.iter().any(|e| e.contains("fatal")), "{errors:?}");
    // The sample (no file: logical locations only) is valid too.
    let sample = text(&run(&["audit", "--format", "sarif"]));
    assert_eq!(sarif_schema_errors(&sample).unwrap(), Vec::<String>::new());
}

#[test]
fn json_lines_has_one_finding_per_line_from_the_finding_itself() {
    let o = run(&["audit", SMALL, "--format", "json-lines"]);
    let lines: Vec<Value> = text(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let report: Value = serde_json::from_slice(&run(&["audit", SMALL, "--format", "json"]).stdout).unwrap();
    assert_eq!(Value::Array(lines), report["findings"], "the same objects as the JSON report's findings");
}

#[test]
fn github_annotations_escape_what_workflow_commands_parse() {
    let dir = Dir::new("github");
    let model = dir.path("model.json");
    let json = std::fs::read_to_string(&model).unwrap().replace("Acme 有限公司", "Acme, 100%:\\nLtd");
    std::fs::write(&model, json).unwrap();
    let out = text(&run(&["audit", &model, "--format", "github"]));
    let first = out.lines().next().unwrap();
    assert!(first.starts_with("::warning file="), "{first}");
    assert!(first.contains(",line=9,title=C001 no-party-org (acme)::"), "{first}");
    assert!(first.contains("(Acme, 100%25:%0ALtd)"), "{first}");
    assert_eq!(out.lines().count(), 6, "5 findings and the counts: {out}");
}

#[test]
fn a_baseline_accepts_known_findings_so_only_new_ones_fail() {
    let dir = Dir::new("baseline");
    let model = dir.path("model.json");
    let base = dir.path("tiaokuai-baseline.json");
    // Without a baseline, the warnings fail the run.
    assert_eq!(run(&["audit", &model, "--fail-on", "warning"]).status.code(), Some(1));
    // Accept them all, beside the model.
    let o = run(&[
        "audit",
        &model,
        "--write-baseline",
        "--reason",
        "known, planned",
        "--accepted-by",
        "王",
        "--fail-on",
        "warning",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(err(&o).contains("wrote 5 accepted findings"), "{}", err(&o));
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&base).unwrap()).unwrap();
    assert_eq!(written["format"], "tiaokuai-baseline/1");
    assert_eq!(written["entries"][0]["rule"], "C001");
    assert_eq!(written["entries"][0]["accepted_by"], "王");
    let schema = "docs/tiaokuai-baseline-1.schema.json";
    if let Some(errors) = schema_errors(schema, "Draft7Validator", &written.to_string()) {
        assert!(errors.is_empty(), "the written baseline follows its documented schema: {errors:?}");
        let mut bad = written.clone();
        bad["entries"][0]["expires"] = "soon".into();
        assert_eq!(schema_errors(schema, "Draft7Validator", &bad.to_string()).unwrap().len(), 1);
    }
    // Read by default: nothing new, the suppressed findings counted in every output.
    let o = run(&["audit", &model, "--fail-on", "warning"]);
    assert_eq!(o.status.code(), Some(0));
    let out = text(&o);
    assert!(out.starts_with("no new findings\n"), "{out}");
    assert!(out.contains("5 suppressed by the baseline"), "{out}");
    let report: Value = serde_json::from_slice(&run(&["audit", &model, "--format", "json"]).stdout).unwrap();
    assert_eq!(report["findings"].as_array().unwrap().len(), 0);
    assert_eq!(report["suppressed"].as_array().unwrap().len(), 5);
    assert_eq!(report["summary"]["warnings"], 0);
    assert_eq!(report["baseline"]["suppressed"], 5);
    assert_eq!(report["suppressed"][0]["suppressed"]["reason"], "known, planned");
    let csv = text(&run(&["audit", &model, "--format", "csv"]));
    assert_eq!(csv.lines().filter(|l| l.ends_with(",\"known, planned\"")).count(), 5, "{csv}");
    // A new gap fails the run, and only it is listed.
    let json = std::fs::read_to_string(&model).unwrap().replace(
        r#"  {"id": "rc","#,
        r#"  {"id": "shop", "name": "Shop", "kind": "enterprise", "members": 4, "located_in": "c1"},
  {"id": "rc","#,
    );
    std::fs::write(&model, json).unwrap();
    let o = run(&["audit", &model, "--fail-on", "warning"]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o);
    let listed: Vec<&str> = out.lines().take_while(|l| !l.is_empty()).collect();
    assert_eq!(listed.len(), 1, "C001 of the new unit: {out}");
    assert!(listed.iter().all(|l| l.contains(" shop @s1: ")), "{out}");
    // --no-baseline: everything is new again.
    let out = text(&run(&["audit", &model, "--no-baseline"]));
    assert_eq!(out.lines().take_while(|l| !l.is_empty()).count(), 6, "{out}");
}

#[test]
fn expired_and_unused_entries_are_reported_and_suppress_nothing() {
    let dir = Dir::new("expiry");
    let model = dir.path("model.json");
    let base = dir.path("accepted.json");
    std::fs::write(
        &base,
        r#"{"format": "tiaokuai-baseline/1", "entries": [
            {"rule": "C001", "subject": "acme", "territory": "s1", "reason": "until the branch is set up",
             "accepted_by": "李", "expires": "2001-01-01"},
            {"rule": "C003", "subject": "acme", "territory": "s1", "reason": "r", "accepted_by": "李", "expires": "2999-12-31"},
            {"rule": "C008", "subject": "gone", "reason": "closed since", "accepted_by": "李"}]}"#,
    )
    .unwrap();
    let o = run(&["audit", &model, "--baseline", &base, "--fail-on", "warning"]);
    assert_eq!(o.status.code(), Some(1), "the expired C001 counts again");
    let out = text(&o);
    assert!(out.contains("warning[C001 no-party-org] acme"), "{out}");
    assert!(!out.contains("[C003"), "{out}");
    assert!(
        out.contains(
            "baseline entry expired on 2001-01-01: C001 acme @s1 (accepted by 李: until the branch is set up)"
        ),
        "{out}"
    );
    assert!(out.contains("1 baseline entries match no finding any more"), "{out}");
    let o = run(&["audit", &model, "--baseline", &base, "--format", "json"]);
    assert!(err(&o).contains("baseline entry C001 acme expired on 2001-01-01"), "{}", err(&o));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["baseline"]["expired"][0]["rule"], "C001");
    assert_eq!(report["baseline"]["unused"][0]["subject"], "gone");
    let gh = text(&run(&["audit", &model, "--baseline", &base, "--format", "github"]));
    assert!(gh.contains("::warning title=tiaokuai baseline::entry C001 acme expired on 2001-01-01"), "{gh}");
}

#[test]
fn a_bad_baseline_is_an_input_error_naming_the_file_and_entry() {
    let dir = Dir::new("bad-baseline");
    let model = dir.path("model.json");
    for (body, part) in [
        (
            r#"{"format": "tiaokuai-baseline/1", "entries": [{"rule": "C999", "subject": "a", "reason": "r", "accepted_by": "b"}]}"#,
            "entries[0].rule: unknown rule \"C999\"",
        ),
        (
            r#"{"format": "tiaokuai-baseline/1", "entries": [{"rule": "C001", "subject": "a", "reason": "r", "accepted_by": "b", "expires": "2024-02-30"}]}"#,
            "entries[0].expires",
        ),
        (
            r#"{"format": "tiaokuai-baseline/1", "entries": [{"rule": "C001", "subject": "a", "reason": "r"}]}"#,
            "accepted_by",
        ),
        (
            r#"{"format": "tiaokuai-baseline/1", "entries": [{"rule": "C001", "subject": "a", "reason": "r", "accepted_by": "b", "note": 1}]}"#,
            "note",
        ),
        (r#"{"format": "other/1", "entries": []}"#, "expected \"tiaokuai-baseline/1\""),
        ("{\"format\": \"tiaokuai-baseline/1\",\n \"entries\": [", "line 2"),
    ] {
        let base = dir.path("tiaokuai-baseline.json");
        std::fs::write(&base, body).unwrap();
        let o = run(&["audit", &model]);
        assert_eq!(o.status.code(), Some(2), "{body}");
        let e = err(&o);
        assert!(e.contains("tiaokuai-baseline.json") && e.contains(part), "{body}: {e}");
        assert!(o.stdout.is_empty());
    }
    // A baseline named with --baseline must exist; the default one may be absent.
    let o = run(&["audit", &model, "--baseline", &dir.path("nope.json")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("nope.json"), "{}", err(&o));
    std::fs::remove_file(dir.path("tiaokuai-baseline.json")).unwrap();
    assert_eq!(run(&["audit", &model]).status.code(), Some(0));
    // Usage: --reason without --write-baseline, a date that is not one.
    assert_eq!(run(&["audit", &model, "--reason", "x"]).status.code(), Some(2));
    assert_eq!(run(&["audit", &model, "--write-baseline", "--expires", "soon"]).status.code(), Some(2));
    assert!(!Path::new(&dir.path("tiaokuai-baseline.json")).exists(), "nothing written on a usage error");
}

/// On a terminal, concise lines fit its width (a pseudo-terminal from util-linux `script`);
/// through a pipe the same lines are whole.
#[test]
fn concise_lines_fit_a_terminal_and_stay_whole_in_a_pipe() {
    if Command::new("script").arg("--version").output().is_err() {
        assert!(std::env::var_os("TIAOKUAI_REQUIRE_TOOLS").is_none(), "util-linux script is required in CI");
        eprintln!("skipped: util-linux `script` is not installed");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_tiaokuai");
    let o = Command::new("script")
        .args(["-qec", &format!("{bin} audit --color never"), "/dev/null"])
        .current_dir(root())
        .env("COLUMNS", "100")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&o.stdout).replace('\r', "");
    let lines: Vec<&str> = shown.lines().filter(|l| l.contains('[') && l.contains("]")).collect();
    assert!(lines.len() >= 20, "{shown}");
    for l in &lines {
        assert!(unicode_width::UnicodeWidthStr::width(*l) <= 100, "wider than 100 columns: {l}");
    }
    assert!(lines.iter().any(|l| l.ends_with('…')), "some message is cut: {shown}");
    let piped = text(&run(&["audit", "--color", "never"]));
    assert!(piped.lines().any(|l| unicode_width::UnicodeWidthStr::width(l) > 100), "a pipe gets whole lines");
}
