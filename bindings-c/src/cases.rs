//! Case logs against the model (issue #15): `tiaokuai_cases_json`.

use std::ffi::c_char;

use tiaokuai::LoadOptions;

use crate::error::{tiaokuai_error, tiaokuai_result};
use crate::ffi::{borrow, guard, opt_str_in, out_ptr, str_in, write_string};
use crate::model::tiaokuai_model;

/// The options of `tiaokuai_cases_json`: `on_time`, `keep_cases`, `config`.
#[derive(Default)]
struct CaseOptions {
    on_time: Option<f64>,
    keep_cases: Option<bool>,
    config: Option<serde_json::Value>,
}

fn invalid(message: String) -> tiaokuai::Error {
    tiaokuai::Error::Invalid { what: "options_json".into(), message }
}

fn case_options(text: &str) -> Result<CaseOptions, tiaokuai::Error> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
    let serde_json::Value::Object(map) = value else {
        return Err(invalid("expected a JSON object".into()));
    };
    let mut o = CaseOptions::default();
    for (k, v) in map {
        match k.as_str() {
            "on_time" => o.on_time = Some(v.as_f64().ok_or_else(|| invalid(format!("on_time: {v} is not a number")))?),
            "keep_cases" => {
                o.keep_cases =
                    Some(v.as_bool().ok_or_else(|| invalid(format!("keep_cases: {v} is not true or false")))?)
            }
            "config" => o.config = Some(v),
            other => return Err(invalid(format!("unknown key {other:?}: use on_time, keep_cases, config"))),
        }
    }
    Ok(o)
}

/// Replays a case log (CSV with one event per row or one row per case, or JSON
/// Lines) against the model, each case at its report date: see docs/cases.md.
///
/// `log_path` is `log_path_len` bytes of UTF-8 (no NUL terminator needed).
/// `options_json` is NULL with `options_len` 0 for the defaults, or JSON text:
/// `{"on_time": 15, "keep_cases": false, "config": {…an audit config…}}`
/// (every key optional; `keep_cases` adds the one-row-per-case table).
///
/// On success writes a new string owned by the caller to `*out_json` (free it
/// with `tiaokuai_string_free`), and its length to `*out_len` when not NULL:
/// `{"summary": {…}, "tables": {"territory": [rows…], "unit", "matter",
/// "month", "findings", "problems", "cases"?}}`. Bad rows of the log are rows of
/// the `problems` table, not errors; `TIAOKUAI_RESULT_IO` when the log cannot be
/// read, `TIAOKUAI_RESULT_CSV` when its header lacks the required columns,
/// `TIAOKUAI_RESULT_INVALID` for bad options.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_cases_json(
    model: *const tiaokuai_model,
    log_path: *const c_char,
    log_path_len: usize,
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
            let path = str_in(log_path, log_path_len, "log_path")?;
            let parsed: CaseOptions = match opt_str_in(options_json, options_len, "options_json")? {
                None => CaseOptions::default(),
                Some(text) => case_options(text)?,
            };
            let mut options = tiaokuai::cases::Options::default();
            if let Some(days) = parsed.on_time {
                if !(days.is_finite() && days >= 0.0) {
                    return Err(invalid(format!("on_time {days}: use a number of days, 0 or more")).into());
                }
                options = options.on_time(days);
            }
            options = options.keep_cases(parsed.keep_cases.unwrap_or(false));
            if let Some(config) = parsed.config {
                options.config = tiaokuai::Config::from_json_str_with(&config.to_string(), &LoadOptions::default())?;
            }
            let result = tiaokuai::cases::analyse_path(model, path, &options)?;
            let json = serde_json::to_string_pretty(&result.to_json()).expect("numbers and strings only");
            write_string(out_json, out_len, &json);
        }
        Ok(())
    })
}

/// The options of `tiaokuai_generate_cases`: `seed`, `days`, `start`.
fn generate_options(cases: u64, text: Option<&str>) -> Result<tiaokuai::cases::GenerateOptions, tiaokuai::Error> {
    let mut o = tiaokuai::cases::GenerateOptions::new(cases, 1);
    let Some(text) = text else { return Ok(o) };
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
    let serde_json::Value::Object(map) = value else {
        return Err(invalid("expected a JSON object".into()));
    };
    for (k, v) in map {
        match k.as_str() {
            "seed" => {
                o.seed = v.as_u64().ok_or_else(|| invalid(format!("seed: {v} is not a whole number 0 or more")))?
            }
            "days" => {
                o.days = v
                    .as_u64()
                    .and_then(|d| u32::try_from(d).ok())
                    .filter(|&d| d > 0)
                    .ok_or_else(|| invalid(format!("days: {v} is not a whole number of days, 1 or more")))?
            }
            "start" => {
                let date: tiaokuai::Date = v
                    .as_str()
                    .ok_or_else(|| invalid(format!("start: {v} is not a date")))?
                    .parse()
                    .map_err(|e| invalid(format!("start: {e}")))?;
                o.start = date.first_day();
            }
            other => return Err(invalid(format!("unknown key {other:?}: use seed, days, start"))),
        }
    }
    Ok(o)
}

/// Writes a synthetic case log for the model to `log_path` (CSV, one event per
/// row, in time order, as `tiaokuai generate-cases` does): `cases` cases with known
/// shares of gaps, misrouted, returned and A→B→A cases, and, when `key_path` is not
/// NULL, its answer key there (CSV: `case, class, leads, unit, returns, cycle,
/// closed`): what `tiaokuai_cases_json` must find. Both files are written
/// atomically (never half-written, never through a symbolic link or onto a device).
///
/// Paths are `*_len` bytes of UTF-8 (no NUL terminator needed); `key_path` is NULL
/// with `key_path_len` 0 for no key. `options_json` is NULL with `options_len` 0 for
/// the defaults, or JSON text: `{"seed": 1, "days": 365, "start": "2024-01-01"}`
/// (every key optional; the same model, options and seed give the same log).
///
/// On success writes a new string owned by the caller to `*out_json` (free it with
/// `tiaokuai_string_free`), and its length to `*out_len` when not NULL: the counts
/// written, `{"cases", "events", "returns", "cycles", "open", "right",
/// "misrouted", …one per class}`. `TIAOKUAI_RESULT_INVALID` for bad options or a
/// model without matters, territories or units; `TIAOKUAI_RESULT_IO` when a file
/// cannot be written.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)] // the C ABI's (pointer, length) pairs
pub unsafe extern "C" fn tiaokuai_generate_cases(
    model: *const tiaokuai_model,
    log_path: *const c_char,
    log_path_len: usize,
    key_path: *const c_char,
    key_path_len: usize,
    cases: u64,
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
            let log = str_in(log_path, log_path_len, "log_path")?;
            let key = opt_str_in(key_path, key_path_len, "key_path")?;
            let options = generate_options(cases, opt_str_in(options_json, options_len, "options_json")?)?;
            let made = tiaokuai::cases::generate_to(
                model,
                &options,
                std::path::Path::new(log),
                key.map(std::path::Path::new),
            )?;
            let json = serde_json::to_string(&made.to_json()).expect("numbers only");
            write_string(out_json, out_len, &json);
        }
        Ok(())
    })
}
