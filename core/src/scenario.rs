//! Scenarios: models with expected answers, checked by `tiaokuai test` and by
//! every binding's test suite (like OpenFGA's model tests).
//!
//! A scenario is a JSON file:
//!
//! ```json
//! {
//!   "name": "C004: a joint branch covering six units",
//!   "description": "The 2018 Branch Work Regulations cap a joint branch at 5 units.",
//!   "model": { "format": "tiaokuai/1", "units": [ … ], "links": [ … ] },
//!   "config": { "rules": { "C003": "off" } },
//!   "expect": {
//!     "findings": [ { "rule": "C004", "subject": "jb" } ],
//!     "absent":   [ { "rule": "C002" } ],
//!     "only": true,
//!     "chains":   [ { "unit": "branch", "line": "leadership", "steps": ["branch", "street", "district", "city"] } ],
//!     "responsible": [ { "territory": "grid-1", "holders": [["gw-1"], ["rc-1", "party-1"], ["gw"], ["dw"]] } ],
//!     "dispatch": [ { "matter": "m", "territory": "grid-1", "resolved_at": "street", "leads": ["street-office"],
//!                     "cooperators": ["dept"], "problem": null } ],
//!     "metrics":  [ { "area": "street", "metric": "org_coverage", "value": 0.5 } ]
//!   }
//! }
//! ```
//!
//! - `model` is an inline document, or `model_file` a path relative to the scenario file.
//! - `findings`: each entry must match at least one finding on every field it gives
//!   (`rule` as code or name, `subject`, `territory`, `severity`); `absent`: no finding may
//!   match an entry; `only: true`: every finding must match some entry of `findings`.
//! - `chains`: the ids of the steps, in order, and optionally `cycle` (ids) and `branches` (leader ids).
//! - `responsible`: the holder ids per level, nearest first.
//! - `dispatch`: any of `resolved_at`, `leads`, `cooperators`, `supervisors` (unit ids, in order)
//!   and `problem` (`null`, `"no_lead"`, `"several_leads"`).
//! - `metrics`: an area id (township, district, city …), a metric (any rate or count of
//!   [`crate::metrics::Counts`] / [`crate::metrics::Rates`]) and its value (within 1e-9;
//!   `null` for a rate whose denominator is 0).
//!
//! - `dated`: expectations at dates, an array of blocks `{"at": "2017-05-03", …}` each holding any
//!   of the keys of `expect`, checked on the model read at that date ([`Model::at`]); each check's
//!   description starts with `at 2017-05-03: `. `expect` itself checks the model as loaded (at
//!   `meta.as_of`, else every record counting).
//! - `chains`, `responsible` and `dispatch` entries may give `uncertain`: the records (by id) and
//!   links (as `"from -kind-> to"`) the answer rests on that are only possibly in force at the
//!   date, and `error`: the kind of the error the query must give (`"not_in_force"`), compared
//!   with `null` when the query answers. A finding pattern may give `uncertain` likewise.
//!
//! A malformed scenario is an [`Error::Invalid`], never a check that silently passes: unknown
//! keys (at the top, in `expect` and in every entry), an entry of `chains`, `responsible` or
//! `dispatch` that expects nothing, a finding pattern whose `rule` names no rule, whose
//! `severity` is not `error`, `warning` or `info`, or whose values are not strings
//! (`territory` may be `null`: no street/town), an unknown metric, a metric without `value`.

use std::path::Path;

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

use crate::audit::{Config, Finding, Rule};
use crate::error::{Error, Result};
use crate::format::LoadOptions;
use crate::format::json::bare_message;
use crate::format::strict::{self, line_col};
use crate::metrics::Area;
use crate::model::{Date, Model};
use crate::query::Line;

/// One expectation checked, with what was expected and what was found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Check {
    /// What was checked (`finding {"rule":"C004"}`, `chain yyl-c01-party` …).
    pub what: String,
    /// Whether the expectation held.
    pub passed: bool,
    /// The expected value.
    pub expected: Value,
    /// The value found.
    pub actual: Value,
}

/// The result of one scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Outcome {
    /// The scenario's name.
    pub name: String,
    /// The file it came from, if any.
    pub path: Option<String>,
    /// Every check made, in the order of the file.
    pub checks: Vec<Check>,
}

impl Outcome {
    /// True when every check passed.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }

    /// The number of failed checks.
    pub fn failures(&self) -> usize {
        self.checks.iter().filter(|c| !c.passed).count()
    }

    /// A report for people: one line for the scenario, and for each failed check
    /// the expected and actual values.
    pub fn render(&self) -> String {
        let mut s = format!(
            "{} {} ({} checks{})\n",
            if self.passed() { "ok  " } else { "FAIL" },
            self.name,
            self.checks.len(),
            if self.passed() { String::new() } else { format!(", {} failed", self.failures()) }
        );
        for c in self.checks.iter().filter(|c| !c.passed) {
            s.push_str(&format!("  - {}\n    expected: {}\n    actual:   {}\n", c.what, c.expected, c.actual));
        }
        s
    }
}

fn invalid(what: &str, message: impl Into<String>) -> Error {
    Error::Invalid { what: format!("scenario {what}"), message: message.into() }
}

/// Reads and runs a scenario file.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read, [`Error::Invalid`] for a malformed
/// scenario, and the model's loading errors. A scenario whose expectations fail
/// is not an error: see [`Outcome::passed`].
pub fn run_file(path: impl AsRef<Path>) -> Result<Outcome> {
    run_file_with(path, &LoadOptions::default())
}

/// [`run_file`] with options: the scenario file, and the model file it names
/// (`model_file`), are each read at most to [`LoadOptions::max_bytes`] (so
/// `/dev/zero` is refused at the limit), and the model is loaded with these
/// options (threads too).
///
/// # Errors
/// As [`run_file`], [`Error::TooLarge`] over the size limit and
/// [`Error::Changed`] for a file that changed while it was read.
///
/// # Example
/// ```no_run
/// let options = tiaokuai::LoadOptions::default().max_bytes(64 << 20);
/// let outcome = tiaokuai::scenario::run_file_with("tests/scenarios/c004.json", &options)?;
/// # Ok::<(), tiaokuai::Error>(())
/// ```
pub fn run_file_with(path: impl AsRef<Path>, options: &LoadOptions) -> Result<Outcome> {
    let path = path.as_ref();
    let bytes = crate::format::read_checked(path, 0, options.max_bytes, &mut |_| {})?;
    let mut outcome = run_bytes(&bytes, path.parent(), options)?;
    outcome.path = Some(path.display().to_string());
    Ok(outcome)
}

/// Runs a scenario given as JSON text; `model_file` is resolved against `base`.
///
/// The scenario is read by the rules of every JSON input (`docs/format.md`):
/// a byte-order mark at the start is skipped, a key given twice in one object
/// and nesting deeper than 127 levels are errors naming the line and column.
/// An inline `model` is read by the model reader from its own text, exactly
/// as a model file is: the same errors (positions are in the scenario), its
/// attrs kept exactly as written.
///
/// # Errors
/// As [`run_file`].
///
/// # Example
/// ```
/// let outcome = tiaokuai::scenario::run_str(r#"{
///   "name": "a firm with 4 members and no branch",
///   "model": {"format": "tiaokuai/1",
///             "units": [{"id": "acme", "name": "Acme", "kind": "enterprise", "sector": "private", "members": 4}]},
///   "expect": {"findings": [{"rule": "C001", "subject": "acme"}]}
/// }"#, None).unwrap();
/// assert!(outcome.passed(), "{}", outcome.render());
///
/// // The inline model follows the model's rules: a field given twice is refused.
/// let err = tiaokuai::scenario::run_str(r#"{"model": {"format": "tiaokuai/1",
///   "units": [{"id": "a", "name": "A", "kind": "enterprise", "members": -1, "members": 3}]}}"#, None).unwrap_err();
/// assert!(err.to_string().contains("duplicate field `members`"), "{err}");
/// ```
pub fn run_str(text: &str, base: Option<&Path>) -> Result<Outcome> {
    run_str_with(text, base, &LoadOptions::default())
}

/// [`run_str`] with options: text longer than [`LoadOptions::max_bytes`] is
/// refused, and the model (inline or from `model_file`) is loaded with them.
///
/// # Errors
/// As [`run_file_with`].
pub fn run_str_with(text: &str, base: Option<&Path>, options: &LoadOptions) -> Result<Outcome> {
    run_bytes(text.as_bytes(), base, options)
}

/// Maps a model error's line and column, counted in the inline model's text,
/// to the scenario's (the model's text starts at `offset` in `text`).
fn shift(e: Error, text: &str, offset: usize) -> Error {
    match e {
        Error::Syntax { message, line, column } => {
            let (line0, column0) = line_col(text.as_bytes(), offset);
            let (line, column) = if line == 1 { (line0, column0 + column - 1) } else { (line0 + line - 1, column) };
            Error::Syntax { message, line, column }
        }
        other => other,
    }
}

fn run_bytes(bytes: &[u8], base: Option<&Path>, options: &LoadOptions) -> Result<Outcome> {
    let malformed = |message: String| invalid("file", message);
    let text = strict::decode(bytes, options.max_bytes).map_err(|e| match e {
        Error::Syntax { message, line, column } => malformed(strict::malformed_at(&message, line, column)),
        other => other,
    })?;
    let whole = strict::parse_document(text).map_err(malformed)?;
    if !whole.get().starts_with('{') {
        return Err(malformed("a scenario is a JSON object".into()));
    }
    let entries =
        serde_json::from_str::<strict::Entries<'_>>(text).map_err(|e| malformed(format!("malformed JSON: {e}")))?.0;
    let offset_of = |raw: &RawValue| raw.get().as_ptr() as usize - text.as_ptr() as usize;
    let model_raw = entries.iter().find(|(k, _)| k == "model").map(|(_, v)| *v);
    // Depth and duplicate keys in all but the inline model, which the model reader checks.
    let skip = model_raw.map(|m| offset_of(m)..offset_of(m) + m.get().len());
    strict::check_depth_and_keys(text, skip).map_err(malformed)?;
    let mut doc = Map::new();
    let mut config_raw = None;
    for (key, raw) in &entries {
        if !["name", "description", "model", "model_file", "config", "expect", "dated"].contains(&key.as_str()) {
            return Err(malformed(format!("unknown key {key:?}")));
        }
        match key.as_str() {
            "model" => {}
            "config" => config_raw = Some(*raw),
            _ => {
                // Numbers beyond f64 (1e400) cannot be compared with any answer: refused, naming the key.
                let value: Value = serde_json::from_str(raw.get()).map_err(|e| {
                    let (line, column) = line_col(text.as_bytes(), offset_of(raw));
                    let (line, column) =
                        if e.line() == 1 { (line, column + e.column() - 1) } else { (line + e.line() - 1, e.column()) };
                    let m = bare_message(&e);
                    malformed(format!("{key:?}: {m} at line {line} column {column}"))
                })?;
                doc.insert(key.clone(), value);
            }
        }
    }
    let name = doc.get("name").and_then(Value::as_str).unwrap_or("(unnamed scenario)").to_string();
    let model = match (model_raw, doc.get("model_file")) {
        (Some(m), None) => {
            Model::from_json_bytes_with(m.get().as_bytes(), options).map_err(|e| shift(e, text, offset_of(m)))?
        }
        (None, Some(Value::String(f))) => {
            let path = base.map(|b| b.join(f)).unwrap_or_else(|| f.into());
            Model::load_with(&path, options)?
        }
        (None, Some(_)) => {
            return Err(invalid(&name, "\"model_file\" must be a string: a path relative to the scenario"));
        }
        _ => return Err(invalid(&name, "give exactly one of \"model\" (inline) or \"model_file\" (a path)")),
    };
    let config = match config_raw {
        None => Config::default(),
        Some(v) => Config::from_raw(v)?,
    };
    let empty = Map::new();
    let expect = match doc.get("expect") {
        None => &empty,
        Some(Value::Object(m)) => m,
        Some(_) => return Err(invalid(&name, "\"expect\" must be an object")),
    };
    let mut checks = Vec::new();
    run_expect(&name, &model, &config, expect, "", &mut checks)?;
    match doc.get("dated") {
        None => {}
        Some(Value::Array(blocks)) => {
            for (i, block) in blocks.iter().enumerate() {
                let Some(block) = block.as_object() else {
                    return Err(invalid(&name, format!("dated[{i}] must be an object")));
                };
                let date = match block.get("at") {
                    Some(Value::String(d)) => {
                        d.parse::<Date>().map_err(|e| invalid(&name, format!("dated[{i}].at: {e}")))?
                    }
                    _ => {
                        return Err(invalid(
                            &name,
                            format!("dated[{i}] lacks \"at\": a date YYYY, YYYY-MM or YYYY-MM-DD"),
                        ));
                    }
                };
                let mut rest = block.clone();
                rest.remove("at");
                if rest.is_empty() {
                    return Err(invalid(&name, format!("dated[{i}] (at {date}) expects nothing")));
                }
                let view = model.at(date);
                run_expect(&name, &view, &config, &rest, &format!("at {date}: "), &mut checks)?;
            }
        }
        Some(_) => return Err(invalid(&name, "\"dated\" must be an array of objects, each with \"at\"")),
    }
    Ok(Outcome { name, path: None, checks })
}

/// Checks one set of expectations (`expect`, or a block of `dated`) against a model (or a view
/// of it at a date), prefixing each check's description with `prefix`.
fn run_expect(
    name: &str,
    model: &Model,
    config: &Config,
    expect: &Map<String, Value>,
    prefix: &str,
    checks: &mut Vec<Check>,
) -> Result<()> {
    let name = name.to_string();
    for key in expect.keys() {
        if !["findings", "absent", "only", "chains", "responsible", "dispatch", "metrics"].contains(&key.as_str()) {
            return Err(invalid(&name, format!("unknown expectation {key:?}")));
        }
    }
    let first = checks.len();
    let list = |key: &str| -> Result<Vec<&Map<String, Value>>> {
        match expect.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| v.as_object().ok_or_else(|| invalid(&name, format!("each entry of {key:?} is an object"))))
                .collect(),
            Some(_) => Err(invalid(&name, format!("{key:?} must be an array"))),
        }
    };
    let wants_findings = ["findings", "absent", "only"].iter().any(|k| expect.contains_key(*k));
    let needs_audit = wants_findings || expect.contains_key("metrics");
    let report = needs_audit.then(|| model.audit(config));
    if let Some(report) = &report {
        check_findings(&name, &report.findings, &list("findings")?, &list("absent")?, expect.get("only"), checks)?;
    }
    // A query's error is an answer when the entry expects one (`"error": "not_in_force"`).
    let failed = |e: &Map<String, Value>, err: Error| -> Result<Value> {
        if e.contains_key("error") { Ok(json!({ "error": err.kind() })) } else { Err(err) }
    };
    for e in list("chains")? {
        let fields = ["steps", "cycle", "branches", "uncertain", "error"];
        entry_keys(&name, "chains", e, &["unit", "line"], &fields)?;
        let unit = str_field(&name, e, "unit")?;
        let line: Line = e.get("line").and_then(Value::as_str).unwrap_or("leadership").parse()?;
        let actual = match model.chain(unit, line) {
            Ok(chain) => json!({
                "steps": chain.steps.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
                "cycle": chain.cycle,
                "branches": chain.branches.iter().map(|b| b.leader.clone()).collect::<Vec<_>>(),
                "uncertain": doubt(&chain.uncertain),
                "error": null,
            }),
            Err(err) => failed(e, err)?,
        };
        compare(checks, format!("chain {unit} ({line})"), e, &actual, &fields);
    }
    for e in list("responsible")? {
        let fields = ["holders", "uncertain", "error"];
        entry_keys(&name, "responsible", e, &["territory"], &fields)?;
        let territory = str_field(&name, e, "territory")?;
        let actual = match model.responsible_for(territory) {
            Ok(r) => {
                let holders: Vec<Vec<String>> =
                    r.blocks.iter().map(|b| b.holders.iter().map(|h| h.id.to_string()).collect()).collect();
                json!({ "holders": holders, "uncertain": doubt(&r.uncertain), "error": null })
            }
            Err(err) => failed(e, err)?,
        };
        compare(checks, format!("responsible {territory}"), e, &actual, &fields);
    }
    for e in list("dispatch")? {
        let fields = ["resolved_at", "leads", "cooperators", "supervisors", "problem", "uncertain", "error"];
        entry_keys(&name, "dispatch", e, &["matter", "territory"], &fields)?;
        let matter = str_field(&name, e, "matter")?;
        let territory = str_field(&name, e, "territory")?;
        let ids = |a: &[crate::query::Assignment<'_>]| a.iter().map(|x| x.unit.to_string()).collect::<Vec<_>>();
        let actual = match model.dispatch(matter, territory) {
            Ok(d) => json!({
                "resolved_at": d.resolved_at,
                "leads": ids(&d.leads),
                "cooperators": ids(&d.cooperators),
                "supervisors": ids(&d.supervisors),
                "problem": d.problem.map(|p| p.to_string()),
                "uncertain": doubt(&d.uncertain),
                "error": null,
            }),
            Err(err) => failed(e, err)?,
        };
        compare(checks, format!("dispatch {matter} @ {territory}"), e, &actual, &fields);
    }
    let metric_entries = list("metrics")?;
    for e in &metric_entries {
        entry_keys(&name, "metrics", e, &["area", "metric"], &["value"])?;
        let metric = str_field(&name, e, "metric")?;
        if !metric_names().iter().any(|m| m == metric) {
            return Err(invalid(
                &name,
                format!("unknown metric {metric:?}; expected one of {}", metric_names().join(", ")),
            ));
        }
    }
    if let (Some(report), false) = (&report, metric_entries.is_empty()) {
        let m = &report.metrics;
        let areas: Vec<&Area> = [&m.townships, &m.districts, &m.cities, &m.provinces, &m.countries, &m.comparison]
            .into_iter()
            .flatten()
            .collect();
        for e in metric_entries {
            let area_id = str_field(&name, e, "area")?;
            let metric = str_field(&name, e, "metric")?;
            let expected = e.get("value").cloned().unwrap_or(Value::Null);
            let actual = areas.iter().find(|a| a.id == area_id).map(|a| {
                let counts = serde_json::to_value(a.counts).unwrap_or_default();
                let rates = serde_json::to_value(a.rates).unwrap_or_default();
                counts.get(metric).or_else(|| rates.get(metric)).cloned().unwrap_or(Value::Null)
            });
            let actual = actual.unwrap_or_else(|| json!(format!("no area {area_id:?}")));
            let passed = match (expected.as_f64(), actual.as_f64()) {
                (Some(x), Some(y)) => (x - y).abs() < 1e-9,
                _ => expected == actual,
            };
            checks.push(Check { what: format!("metric {metric} of {area_id}"), passed, expected, actual });
        }
    }
    for c in &mut checks[first..] {
        c.what.insert_str(0, prefix);
    }
    Ok(())
}

/// The records and links an answer's `uncertain` names, as a scenario writes them: a record
/// by its id (once), a link as `from -kind-> to`.
fn doubt(facts: &[crate::evidence::Fact<'_>]) -> Vec<String> {
    use crate::evidence::Fact;
    let mut out: Vec<String> = Vec::new();
    for f in facts {
        let s = match f {
            Fact::Link { from, kind, to, .. } => format!("{from} -{kind}-> {to}"),
            Fact::Field { record, .. } | Fact::Missing { record, .. } => record.to_string(),
        };
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

fn str_field<'a>(name: &str, e: &'a Map<String, Value>, key: &str) -> Result<&'a str> {
    e.get(key).and_then(Value::as_str).ok_or_else(|| invalid(name, format!("an entry lacks the string field {key:?}")))
}

/// Checks an entry of `chains`, `responsible`, `dispatch` or `metrics`: no unknown key, and at
/// least one of the `expected` fields (an entry expecting nothing would always pass).
fn entry_keys(name: &str, section: &str, e: &Map<String, Value>, given: &[&str], expected: &[&str]) -> Result<()> {
    for key in e.keys() {
        if !given.contains(&key.as_str()) && !expected.contains(&key.as_str()) {
            let all: Vec<&str> = given.iter().chain(expected).copied().collect();
            return Err(invalid(
                name,
                format!("an entry of {section:?} has unknown field {key:?}; expected {}", all.join(", ")),
            ));
        }
    }
    if !expected.iter().any(|k| e.contains_key(*k)) {
        return Err(invalid(
            name,
            format!("an entry of {section:?} expects nothing; give at least one of {}", expected.join(", ")),
        ));
    }
    Ok(())
}

/// The names a `metrics` entry may give: every field of [`crate::metrics::Counts`] and [`crate::metrics::Rates`].
fn metric_names() -> Vec<String> {
    let mut names = Vec::new();
    for v in [
        serde_json::to_value(crate::metrics::Counts::default()).unwrap_or_default(),
        serde_json::to_value(crate::metrics::Rates::default()).unwrap_or_default(),
    ] {
        if let Value::Object(m) = v {
            names.extend(m.keys().cloned());
        }
    }
    names
}

/// Compares the fields an expectation gives with the actual answer.
fn compare(checks: &mut Vec<Check>, what: String, expected: &Map<String, Value>, actual: &Value, fields: &[&str]) {
    let mut exp = Map::new();
    let mut act = Map::new();
    for f in fields {
        if let Some(v) = expected.get(*f) {
            exp.insert(f.to_string(), v.clone());
            act.insert(f.to_string(), actual.get(*f).cloned().unwrap_or(Value::Null));
        }
    }
    let passed = exp == act;
    checks.push(Check { what, passed, expected: Value::Object(exp), actual: Value::Object(act) });
}

fn matches(f: &Finding, pattern: &Map<String, Value>) -> bool {
    pattern.iter().all(|(k, v)| {
        let want = v.as_str();
        match k.as_str() {
            "rule" => want.is_some_and(|w| Rule::find(w).is_some_and(|r| r.code == f.rule)),
            "subject" => want == Some(f.subject.as_str()),
            "territory" => want == f.territory.as_deref(),
            "severity" => want == Some(f.severity.as_str()),
            "uncertain" => v == &json!(doubt(&f.uncertain)),
            _ => false,
        }
    })
}

fn brief(f: &Finding) -> Value {
    let mut b =
        json!({"rule": f.rule, "subject": f.subject, "territory": f.territory, "severity": f.severity.as_str()});
    if !f.uncertain.is_empty() {
        b["uncertain"] = json!(doubt(&f.uncertain));
    }
    b
}

fn check_findings(
    name: &str,
    findings: &[Finding],
    want: &[&Map<String, Value>],
    absent: &[&Map<String, Value>],
    only: Option<&Value>,
    checks: &mut Vec<Check>,
) -> Result<()> {
    for pattern in want.iter().chain(absent) {
        for key in pattern.keys() {
            if !["rule", "subject", "territory", "severity", "uncertain"].contains(&key.as_str()) {
                return Err(invalid(name, format!("a finding pattern has unknown field {key:?}")));
            }
        }
        for (key, value) in pattern.iter() {
            match value {
                Value::String(_) if key != "uncertain" => {}
                Value::Null if key == "territory" => {}
                Value::Array(ids) if key == "uncertain" && ids.iter().all(Value::is_string) => {}
                other => {
                    return Err(invalid(
                        name,
                        format!(
                            "a finding pattern's {key:?} must be {}, not {other}",
                            match key.as_str() {
                                "territory" => "a string or null",
                                "uncertain" => "an array of ids (records, and links as \"from -kind-> to\")",
                                _ => "a string",
                            }
                        ),
                    ));
                }
            }
        }
        if let Some(rule) = pattern.get("rule").and_then(Value::as_str)
            && Rule::find(rule).is_none()
        {
            return Err(invalid(
                name,
                format!("no rule {rule:?}; expected a code S001 … M004 or a name such as \"no-party-org\""),
            ));
        }
        if let Some(sev) = pattern.get("severity").and_then(Value::as_str)
            && !["error", "warning", "info"].contains(&sev)
        {
            return Err(invalid(name, format!("unknown severity {sev:?}; expected error, warning or info")));
        }
    }
    for pattern in want {
        let found: Vec<Value> = findings.iter().filter(|f| matches(f, pattern)).map(brief).collect();
        checks.push(Check {
            what: format!("finding {}", Value::Object((*pattern).clone())),
            passed: !found.is_empty(),
            expected: Value::Object((*pattern).clone()),
            actual: if found.is_empty() { json!("no such finding") } else { Value::Array(found) },
        });
    }
    for pattern in absent {
        let found: Vec<Value> = findings.iter().filter(|f| matches(f, pattern)).map(brief).collect();
        checks.push(Check {
            what: format!("no finding {}", Value::Object((*pattern).clone())),
            passed: found.is_empty(),
            expected: json!("none"),
            actual: Value::Array(found),
        });
    }
    match only {
        None | Some(Value::Bool(false)) => {}
        Some(Value::Bool(true)) => {
            let extra: Vec<Value> =
                findings.iter().filter(|f| !want.iter().any(|p| matches(f, p))).map(brief).collect();
            checks.push(Check {
                what: "no findings beyond those listed".into(),
                passed: extra.is_empty(),
                expected: json!([]),
                actual: Value::Array(extra),
            });
        }
        Some(_) => return Err(invalid(name, "\"only\" must be true or false")),
    }
    Ok(())
}
