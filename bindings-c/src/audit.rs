//! Where is nobody: the coverage audit and the balance metrics.

use std::ffi::c_char;
use std::ptr;

use tiaokuai::{Config, LoadOptions, Report, Severity};

use crate::error::{Failure, tiaokuai_error, tiaokuai_result};
use crate::ffi::{Text, borrow, free_handle, guard, guard_or, lend, opt_str_in, out_ptr, write, write_string};
use crate::model::tiaokuai_model;

/// One finding of the audit: the rule, the record it is about, where, and
/// what is wrong. Borrowed from its report.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct tiaokuai_finding {
    rule: Text,
    name: Text,
    severity: Text,
    subject: Text,
    territory: Option<Text>,
    message: Text,
}

/// The result of `tiaokuai_model_audit`: the findings (walk them with
/// `tiaokuai_report_len` and `tiaokuai_report_finding`), their counts by
/// severity, and the whole report (summary, findings with their evidence,
/// metrics) as JSON. Owned by the caller, freed with `tiaokuai_report_free`;
/// immutable, so any thread may read it.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct tiaokuai_report {
    report: Report,
    findings: Vec<tiaokuai_finding>,
}

/// The number of findings of a report at each severity.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct tiaokuai_summary {
    /// Findings of severity `"error"`: breaks in the structure.
    pub errors: usize,
    /// Findings of severity `"warning"`: coverage gaps and mismatches.
    pub warnings: usize,
    /// Findings of severity `"info"`: worth a look.
    pub infos: usize,
}

impl tiaokuai_report {
    pub(crate) fn new(report: Report) -> Self {
        let findings = report
            .findings
            .iter()
            .map(|f| tiaokuai_finding {
                rule: f.rule.into(),
                name: f.name.into(),
                severity: f.severity.as_str().into(),
                subject: f.subject.as_str().into(),
                territory: f.territory.as_deref().map(Text::from),
                message: f.message.as_str().into(),
            })
            .collect();
        tiaokuai_report { report, findings }
    }
}

/// Reads the optional audit config: NULL with length 0 is the default config;
/// text is read by the model's JSON rules within `options`' size limit.
///
/// # Safety
/// `config_json` is NULL or valid for reading `config_len` bytes.
pub(crate) unsafe fn config_in(
    config_json: *const c_char,
    config_len: usize,
    options: &LoadOptions,
) -> Result<Config, Failure> {
    // SAFETY: forwarded contract.
    match unsafe { opt_str_in(config_json, config_len, "config_json")? } {
        None => Ok(Config::default()),
        Some(text) => Ok(Config::from_json_str_with(text, options)?),
    }
}

/// Runs the coverage audit: every rule the config enables, over the whole model.
///
/// `config_json` is an audit config as JSON text (`config_len` bytes of
/// UTF-8: `{"rules": {"C001": {"severity": "error"}, "C004": {"enabled":
/// false}}, "thresholds": {…}, "profiles": {"shanghai": true}}`), or NULL with
/// `config_len` 0 for the defaults; a bad config gives `TIAOKUAI_RESULT_INVALID`
/// naming the key.
///
/// On success writes a new report to `*out_report`, owned by the caller (free
/// it with `tiaokuai_report_free`). Findings come in a stable order: by rule
/// code, then the subject's document order.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_audit(
    model: *const tiaokuai_model,
    config_json: *const c_char,
    config_len: usize,
    out_report: *mut *mut tiaokuai_report,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    // SAFETY: forwarded contract; NULL options are the defaults.
    unsafe {
        crate::options::tiaokuai_model_audit_with_options(
            model,
            config_json,
            config_len,
            ptr::null(),
            out_report,
            out_error,
        )
    }
}

/// The balance metrics as pretty-printed JSON: per street/town, rolled up per
/// district, city, province and country, and the urban/rural comparison
/// (organisational and work coverage, dual registration, strip/block balance,
/// matter coverage). The config (as for `tiaokuai_model_audit`, NULL for the
/// defaults) sets the thresholds the metrics use.
///
/// On success writes a new string owned by the caller to `*out_json` (free it
/// with `tiaokuai_string_free`), and its length to `*out_len` when not NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_metrics_json(
    model: *const tiaokuai_model,
    config_json: *const c_char,
    config_len: usize,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_json = out_ptr(out_json, "out_json")?;
        // SAFETY: inputs as documented; outputs checked or optional.
        unsafe {
            let model = &borrow(model, "model")?.model;
            let config = config_in(config_json, config_len, &LoadOptions::default())?;
            let json = serde_json::to_string_pretty(&model.metrics(&config))
                .expect("metrics serialise: numbers and strings only");
            write_string(out_json, out_len, &json);
        }
        Ok(())
    })
}

/// The options of `tiaokuai_model_timeline_json`: the dates, the config, the thread count.
struct TimelineOptions {
    dates: Vec<tiaokuai::Date>,
    config: Config,
    threads: usize,
}

/// Reads the options of `tiaokuai_model_timeline_json`: the dates, then the config.
fn timeline_options(model: &tiaokuai::Model, text: Option<&str>) -> Result<TimelineOptions, Failure> {
    use tiaokuai::time::{Every, timeline_dates};
    let bad = |message: String| Failure::invalid_argument(format!("options_json: {message}"));
    let map = match text {
        None => serde_json::Map::new(),
        Some(text) => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Object(map)) => map,
            Ok(_) => return Err(bad("must be a JSON object".to_string())),
            Err(e) => return Err(bad(e.to_string())),
        },
    };
    let mut dates = [None, None];
    let mut every = None;
    let mut config = Config::default();
    let mut threads = 0;
    for (key, value) in &map {
        match (key.as_str(), value) {
            (_, serde_json::Value::Null) => {}
            (k @ ("from" | "to"), serde_json::Value::String(d)) => {
                let date =
                    d.parse::<tiaokuai::Date>().map_err(|e| Failure::invalid_date(&format!("options_json.{k}"), &e))?;
                dates[usize::from(k == "to")] = Some(date);
            }
            ("every", serde_json::Value::String(e)) => {
                every = Some(match e.as_str() {
                    "year" => Every::Year,
                    "quarter" => Every::Quarter,
                    "month" => Every::Month,
                    other => return Err(bad(format!("every: {other:?}; expected \"year\", \"quarter\" or \"month\""))),
                });
            }
            ("threads", serde_json::Value::Number(n)) => {
                threads = n
                    .as_u64()
                    .and_then(|n| usize::try_from(n).ok())
                    .ok_or_else(|| bad(format!("threads must be a whole number, 0 or more, not {n}")))?;
            }
            ("threads", other) => return Err(bad(format!("threads must be a number, not {other}"))),
            ("config", serde_json::Value::Object(_)) => {
                config = Config::from_json_str_with(&value.to_string(), &LoadOptions::default())?;
            }
            (k @ ("from" | "to" | "every"), other) => return Err(bad(format!("{k} must be a string, not {other}"))),
            ("config", other) => return Err(bad(format!("config must be an object, not {other}"))),
            (other, _) => {
                return Err(bad(format!("unknown key {other:?} (expected from, to, every, config, threads)")));
            }
        }
    }
    Ok(TimelineOptions { dates: timeline_dates(model, &config, dates[0], dates[1], every)?, config, threads })
}

/// The timeline: the metrics and the findings counted by rule at a series of
/// dates, as pretty-printed JSON `{"rules": ["C001", …], "rows": [{"date",
/// "day", "errors", "warnings", "infos", "findings": {"C001": n, …},
/// "counts": {…}, "rates": {…}}]}` (the JSON of `tiaokuai timeline --format
/// json` and of the Rust `Timeline::to_json`). `rules` lists the rules that
/// give a finding at some date; a year or month is read as its last day.
///
/// `options_json` (`options_len` bytes of UTF-8, or NULL with 0 for the
/// defaults) is an object with any of: `"from"` and `"to"` (dates, `YYYY`,
/// `YYYY-MM` or `YYYY-MM-DD`), `"every"` (`"year"`, `"quarter"` or
/// `"month"`: each period end from `from` to `to`, both then needed; without
/// it, every day on which some record or link starts or ends, within
/// `from`…`to` when given) and `"config"` (an audit config object, as for
/// `tiaokuai_model_audit`) and `"threads"` (how many threads the dates are
/// shared out between: 0, the default, one per core, at most 8, for a model
/// of 100,000 records or more, else 1; 1 the caller's only; the rows are the
/// same whatever the count). E.g. `{"from": "2014", "to": "2024", "every":
/// "year", "threads": 1}`. A malformed date gives
/// `TIAOKUAI_RESULT_INVALID_DATE`; an unknown key, a value of the wrong type,
/// a negative or fractional `threads` or a bad `every` gives
/// `TIAOKUAI_RESULT_INVALID_ARGUMENT`; `to` before `from`, `every` without
/// both, more than 10,000 dates or a bad config give `TIAOKUAI_RESULT_INVALID`.
/// Each date costs about one audit.
///
/// On success writes a new string owned by the caller to `*out_json` (free it
/// with `tiaokuai_string_free`), and its length to `*out_len` when not NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_timeline_json(
    model: *const tiaokuai_model,
    options_json: *const c_char,
    options_len: usize,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_json = out_ptr(out_json, "out_json")?;
        // SAFETY: inputs as documented; outputs checked or optional.
        unsafe {
            let model = &borrow(model, "model")?.model;
            let text = opt_str_in(options_json, options_len, "options_json")?;
            let o = timeline_options(model, text)?;
            let threads = tiaokuai::audit::threads_for(model, o.threads);
            write_string(out_json, out_len, &tiaokuai::time::timeline(model, &o.config, &o.dates, threads).to_json());
        }
        Ok(())
    })
}

/// The number of findings; 0 when `report` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_report_len(report: *const tiaokuai_report) -> usize {
    // SAFETY: NULL or a live report.
    guard_or(0, || unsafe { report.as_ref() }.map_or(0, |r| r.findings.len()))
}

/// The finding at `index` (0-based), borrowed from the report (valid until
/// `tiaokuai_report_free`); NULL when `report` is NULL or `index` is not
/// below `tiaokuai_report_len`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_report_finding(
    report: *const tiaokuai_report,
    index: usize,
) -> *const tiaokuai_finding {
    // SAFETY: NULL or a live report.
    guard_or(std::ptr::null(), || {
        unsafe { report.as_ref() }.and_then(|r| r.findings.get(index)).map_or(std::ptr::null(), |f| f as *const _)
    })
}

/// Counts the report's findings by severity into `*out_summary`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_report_summary(
    report: *const tiaokuai_report,
    out_summary: *mut tiaokuai_summary,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_summary = out_ptr(out_summary, "out_summary")?;
        // SAFETY: report NULL or live; out_summary checked.
        unsafe {
            let r = &borrow(report, "report")?.report;
            write(
                out_summary,
                tiaokuai_summary {
                    errors: r.count(Severity::Error),
                    warnings: r.count(Severity::Warning),
                    infos: r.count(Severity::Info),
                },
            );
        }
        Ok(())
    })
}

/// The whole report as pretty-printed JSON: `{"summary": …, "findings": […],
/// "metrics": …}`, each finding with its evidence (the links and fields it
/// rests on, and the links looked for and not found). A new string owned by
/// the caller (free it with `tiaokuai_string_free`); its length to `*out_len`
/// when `out_len` is not NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_report_to_json(
    report: *const tiaokuai_report,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_json = out_ptr(out_json, "out_json")?;
        // SAFETY: report NULL or live; outputs checked or optional.
        unsafe {
            let r = &borrow(report, "report")?.report;
            write_string(out_json, out_len, &r.to_json());
        }
        Ok(())
    })
}

/// Frees a report and its findings. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_report_free(report: *mut tiaokuai_report) {
    // SAFETY: NULL or a report made by this library, not yet freed.
    guard_or((), || unsafe { free_handle(report) })
}

/// Lends one text field of a finding.
///
/// # Safety
/// `finding` is NULL or a live finding; `out_len` NULL or writable.
unsafe fn finding_text(
    finding: *const tiaokuai_finding,
    out_len: *mut usize,
    field: fn(&tiaokuai_finding) -> Option<&Text>,
) -> *const c_char {
    // SAFETY: forwarded contract.
    guard_or(std::ptr::null(), || unsafe { lend(finding.as_ref().and_then(field), out_len) })
}

/// The rule's code, e.g. `"C001"`.
///
/// Borrowed from the report (valid until `tiaokuai_report_free`),
/// NUL-terminated; its length in bytes to `*out_len` when `out_len` is not
/// NULL. NULL when `finding` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_finding_rule(finding: *const tiaokuai_finding, out_len: *mut usize) -> *const c_char {
    // SAFETY: NULL or a live finding; out_len NULL or writable.
    unsafe { finding_text(finding, out_len, |f| Some(&f.rule)) }
}

/// The rule's name, e.g. `"no-party-org"`.
///
/// Borrowed from the report (valid until `tiaokuai_report_free`),
/// NUL-terminated; its length in bytes to `*out_len` when `out_len` is not
/// NULL. NULL when `finding` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_finding_name(finding: *const tiaokuai_finding, out_len: *mut usize) -> *const c_char {
    // SAFETY: NULL or a live finding; out_len NULL or writable.
    unsafe { finding_text(finding, out_len, |f| Some(&f.name)) }
}

/// The severity: `"error"`, `"warning"` or `"info"`.
///
/// Borrowed from the report (valid until `tiaokuai_report_free`),
/// NUL-terminated; its length in bytes to `*out_len` when `out_len` is not
/// NULL. NULL when `finding` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_finding_severity(
    finding: *const tiaokuai_finding,
    out_len: *mut usize,
) -> *const c_char {
    // SAFETY: NULL or a live finding; out_len NULL or writable.
    unsafe { finding_text(finding, out_len, |f| Some(&f.severity)) }
}

/// The id of the record the finding is about (for matter rules, the matter).
///
/// Borrowed from the report (valid until `tiaokuai_report_free`),
/// NUL-terminated; its length in bytes to `*out_len` when `out_len` is not
/// NULL. NULL when `finding` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_finding_subject(
    finding: *const tiaokuai_finding,
    out_len: *mut usize,
) -> *const c_char {
    // SAFETY: NULL or a live finding; out_len NULL or writable.
    unsafe { finding_text(finding, out_len, |f| Some(&f.subject)) }
}

/// The id of the street/town the subject belongs to; NULL when it cannot be told.
///
/// Borrowed from the report (valid until `tiaokuai_report_free`),
/// NUL-terminated; its length in bytes to `*out_len` when `out_len` is not
/// NULL. NULL when `finding` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_finding_territory(
    finding: *const tiaokuai_finding,
    out_len: *mut usize,
) -> *const c_char {
    // SAFETY: NULL or a live finding; out_len NULL or writable.
    unsafe { finding_text(finding, out_len, |f| f.territory.as_ref()) }
}

/// What is wrong, in plain English, naming ids and names.
///
/// Borrowed from the report (valid until `tiaokuai_report_free`),
/// NUL-terminated; its length in bytes to `*out_len` when `out_len` is not
/// NULL. NULL when `finding` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_finding_message(
    finding: *const tiaokuai_finding,
    out_len: *mut usize,
) -> *const c_char {
    // SAFETY: NULL or a live finding; out_len NULL or writable.
    unsafe { finding_text(finding, out_len, |f| Some(&f.message)) }
}

/// What an edit does to the gaps, without changing the model (issue #13): applies the
/// change set `change_json` (`change_len` bytes of UTF-8, a `tiaokuai-change/1`
/// document) to a copy of the model and writes, as pretty-printed JSON, the findings it
/// resolves, introduces and leaves (each resolved or introduced finding with
/// `"changes"`: the section, index and id of the changes that caused it), the metrics
/// before and after, and how it was examined (`docs/whatif.md`). The config is as for
/// `tiaokuai_model_audit` (NULL with length 0 for the defaults).
///
/// A change set that cannot be read gives `TIAOKUAI_RESULT_INVALID` (or the parse
/// error) naming the section, index and field; one that does not apply gives the error
/// of `tiaokuai_model_apply`, naming every problem. The model is never changed.
///
/// On success writes a new string owned by the caller to `*out_json` (free it with
/// `tiaokuai_string_free`), and its length to `*out_len` when not NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_whatif_json(
    model: *const tiaokuai_model,
    change_json: *const c_char,
    change_len: usize,
    config_json: *const c_char,
    config_len: usize,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_json = out_ptr(out_json, "out_json")?;
        // SAFETY: inputs as documented; outputs checked or optional.
        unsafe {
            let model = &borrow(model, "model")?.model;
            let change = crate::ffi::str_in(change_json, change_len, "change_json")?;
            let config = config_in(config_json, config_len, &LoadOptions::default())?;
            let change = tiaokuai::change::ChangeSet::from_json(change)?;
            let w = tiaokuai::whatif::whatif_change(model, &change, &config)?;
            write_string(out_json, out_len, &w.to_json());
        }
        Ok(())
    })
}
