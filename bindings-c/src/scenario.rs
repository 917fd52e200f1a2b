//! Scenarios: models with expected answers (`tests/scenarios/*.json`), run by
//! every binding's test suite and by `tiaokuai test`.

use std::ffi::c_char;
use std::ptr;

use tiaokuai::scenario::Outcome;

use crate::error::{tiaokuai_error, tiaokuai_result};
use crate::ffi::{Text, borrow, free_handle, guard, guard_or, lend, out_ptr, write_string};

/// One expectation of a scenario, checked. Borrowed from its scenario.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct tiaokuai_check {
    what: Text,
    passed: bool,
    expected: Text,
    actual: Text,
}

/// The outcome of running one scenario: its name, whether every expectation
/// held, each check, and a report for people. Owned by the caller, freed with
/// `tiaokuai_scenario_free`; immutable, so any thread may read it.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct tiaokuai_scenario {
    outcome: Outcome,
    name: Text,
    report: Text,
    checks: Vec<tiaokuai_check>,
}

impl tiaokuai_scenario {
    pub(crate) fn new(outcome: Outcome) -> Self {
        let checks = outcome
            .checks
            .iter()
            .map(|c| tiaokuai_check {
                what: c.what.as_str().into(),
                passed: c.passed,
                expected: c.expected.to_string().into(),
                actual: c.actual.to_string().into(),
            })
            .collect();
        tiaokuai_scenario { name: outcome.name.as_str().into(), report: outcome.render().into(), checks, outcome }
    }
}

/// Reads and runs the scenario file at `path` (`path_len` bytes of UTF-8).
///
/// A scenario whose expectations fail is not an error: the call succeeds and
/// `tiaokuai_scenario_passed` is false. Errors are for scenarios that cannot
/// be run: `TIAOKUAI_RESULT_IO` (unreadable), `TIAOKUAI_RESULT_INVALID`
/// (malformed scenario), the model's loading errors, and the query errors of
/// an expectation naming an unknown id.
///
/// On success writes a new scenario outcome to `*out_scenario`, owned by the
/// caller (free it with `tiaokuai_scenario_free`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_scenario_run_file(
    path: *const c_char,
    path_len: usize,
    out_scenario: *mut *mut tiaokuai_scenario,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    // SAFETY: forwarded contract; NULL options are the defaults.
    unsafe {
        crate::options::tiaokuai_scenario_run_file_with_options(path, path_len, ptr::null(), out_scenario, out_error)
    }
}

/// Runs a scenario given as JSON text (`json_len` bytes of UTF-8). A
/// `"model_file"` in it is resolved against the folder `base_dir`
/// (`base_len` bytes), or against the working directory when `base_dir` is
/// NULL and `base_len` 0. Results and ownership as for `tiaokuai_scenario_run_file`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_scenario_run_json(
    json: *const c_char,
    json_len: usize,
    base_dir: *const c_char,
    base_len: usize,
    out_scenario: *mut *mut tiaokuai_scenario,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    // SAFETY: forwarded contract; NULL options are the defaults.
    unsafe {
        crate::options::tiaokuai_scenario_run_json_with_options(
            json,
            json_len,
            base_dir,
            base_len,
            ptr::null(),
            out_scenario,
            out_error,
        )
    }
}

/// True when every expectation of the scenario held; false when one failed
/// (or `scenario` is NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_scenario_passed(scenario: *const tiaokuai_scenario) -> bool {
    // SAFETY: NULL or a live scenario.
    guard_or(false, || unsafe { scenario.as_ref() }.is_some_and(|s| s.outcome.passed()))
}

/// The scenario's name (its `"name"`), borrowed from the scenario (valid until
/// `tiaokuai_scenario_free`); its length to `*out_len` when not NULL. NULL
/// when `scenario` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_scenario_name(
    scenario: *const tiaokuai_scenario,
    out_len: *mut usize,
) -> *const c_char {
    // SAFETY: NULL or a live scenario; out_len NULL or writable.
    guard_or(std::ptr::null(), || unsafe { lend(scenario.as_ref().map(|s| &s.name), out_len) })
}

/// A report for people: `ok   <name> (N checks)`, or `FAIL <name> …` followed
/// by each failed check with its expected and actual values. Borrowed as for
/// `tiaokuai_scenario_name`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_scenario_report(
    scenario: *const tiaokuai_scenario,
    out_len: *mut usize,
) -> *const c_char {
    // SAFETY: NULL or a live scenario; out_len NULL or writable.
    guard_or(std::ptr::null(), || unsafe { lend(scenario.as_ref().map(|s| &s.report), out_len) })
}

/// The number of checks the scenario made; 0 when `scenario` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_scenario_len(scenario: *const tiaokuai_scenario) -> usize {
    // SAFETY: NULL or a live scenario.
    guard_or(0, || unsafe { scenario.as_ref() }.map_or(0, |s| s.checks.len()))
}

/// The check at `index` (0-based, in the order of the file), borrowed from the
/// scenario; NULL when `scenario` is NULL or `index` is not below
/// `tiaokuai_scenario_len`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_scenario_check(
    scenario: *const tiaokuai_scenario,
    index: usize,
) -> *const tiaokuai_check {
    // SAFETY: NULL or a live scenario.
    guard_or(std::ptr::null(), || {
        unsafe { scenario.as_ref() }.and_then(|s| s.checks.get(index)).map_or(std::ptr::null(), |c| c as *const _)
    })
}

/// The whole outcome as pretty-printed JSON (`{"name", "path", "checks": [{"what",
/// "passed", "expected", "actual"}]}`). A new string owned by the caller (free
/// it with `tiaokuai_string_free`); its length to `*out_len` when not NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_scenario_to_json(
    scenario: *const tiaokuai_scenario,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_json = out_ptr(out_json, "out_json")?;
        // SAFETY: scenario NULL or live; outputs checked or optional.
        unsafe {
            let s = borrow(scenario, "scenario")?;
            let json = serde_json::to_string_pretty(&s.outcome).expect("outcomes serialise: JSON values only");
            write_string(out_json, out_len, &json);
        }
        Ok(())
    })
}

/// Frees a scenario outcome and its checks. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_scenario_free(scenario: *mut tiaokuai_scenario) {
    // SAFETY: NULL or a scenario made by this library, not yet freed.
    guard_or((), || unsafe { free_handle(scenario) })
}

/// Lends one text field of a check.
///
/// # Safety
/// `check` is NULL or a live check; `out_len` NULL or writable.
unsafe fn check_text(
    check: *const tiaokuai_check,
    out_len: *mut usize,
    field: fn(&tiaokuai_check) -> &Text,
) -> *const c_char {
    // SAFETY: forwarded contract.
    guard_or(std::ptr::null(), || unsafe { lend(check.as_ref().map(field), out_len) })
}

/// What the check was (`finding {"rule":"C004"}`, `chain br (leadership)` …).
/// Borrowed from the scenario, NUL-terminated; its length to `*out_len` when
/// not NULL. NULL when `check` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_check_what(check: *const tiaokuai_check, out_len: *mut usize) -> *const c_char {
    // SAFETY: NULL or a live check; out_len NULL or writable.
    unsafe { check_text(check, out_len, |c| &c.what) }
}

/// True when the check's expectation held; false when it failed (or `check` is NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_check_passed(check: *const tiaokuai_check) -> bool {
    // SAFETY: NULL or a live check.
    guard_or(false, || unsafe { check.as_ref() }.is_some_and(|c| c.passed))
}

/// The expected value, as compact JSON text. Borrowed as for `tiaokuai_check_what`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_check_expected(check: *const tiaokuai_check, out_len: *mut usize) -> *const c_char {
    // SAFETY: NULL or a live check; out_len NULL or writable.
    unsafe { check_text(check, out_len, |c| &c.expected) }
}

/// The value found, as compact JSON text. Borrowed as for `tiaokuai_check_what`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_check_actual(check: *const tiaokuai_check, out_len: *mut usize) -> *const c_char {
    // SAFETY: NULL or a live check; out_len NULL or writable.
    unsafe { check_text(check, out_len, |c| &c.actual) }
}
