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
