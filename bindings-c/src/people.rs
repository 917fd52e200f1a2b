//! People and posts (issue #14): who holds which post in a unit, every post of a
//! person, tenure, each at the model's date or another, as JSON; and the redaction
//! of people (names dropped, ids replaced by keyed pseudonyms).

use std::ffi::c_char;

use tiaokuai::Model;

use crate::error::{Failure, tiaokuai_error, tiaokuai_result};
use crate::ffi::{borrow, guard, opt_str_in, out_ptr, str_in, write_string};
use crate::model::{deliver, tiaokuai_model};

/// The model at `date` when one is given (`NULL` with 0: the model's own date).
///
/// # Safety
/// `date` is NULL with 0, or valid for reading `date_len` bytes.
unsafe fn dated(model: &Model, date: *const c_char, date_len: usize) -> Result<Option<Model>, Failure> {
    // SAFETY: forwarded contract.
    let Some(text) = (unsafe { opt_str_in(date, date_len, "date")? }) else { return Ok(None) };
    let d = text.parse::<tiaokuai::Date>().map_err(|e| Failure::invalid_date("date", &e))?;
    Ok(Some(model.at(d)))
}

/// Writes the JSON `answer` gives of the model at `date` (its own date with NULL and 0)
/// to `*out_json` / `*out_len`: the shape every query here shares.
///
/// # Safety
/// `model` a live handle or NULL; `date` as for [`dated`]; `out_json` checked by the caller.
unsafe fn dated_json(
    model: *const tiaokuai_model,
    date: *const c_char,
    date_len: usize,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
    answer: impl FnOnce(&Model) -> Result<String, Failure>,
) -> Result<(), Failure> {
    // SAFETY: forwarded contract.
    unsafe {
        let model = &borrow(model, "model")?.model;
        let at = dated(model, date, date_len)?;
        write_string(out_json, out_len, &answer(at.as_ref().unwrap_or(model))?);
    }
    Ok(())
}

/// An answer as pretty-printed JSON.
fn pretty(answer: &impl serde::Serialize) -> Result<String, Failure> {
    Ok(serde_json::to_string_pretty(answer).expect("answers serialise"))
}

/// Who holds which post in a unit: `unit` points to `unit_len` bytes of UTF-8, the
/// unit's id; `date` (`date_len` bytes, `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, or NULL
/// with 0 for the model's own date) is the day asked about, as `tiaokuai holders
/// --at`. Writes pretty-printed JSON, the array `tiaokuai holders --format json`
/// prints: one object per post held (`person`, `person_name`, `unit`, `unit_name`,
/// `post`, `principal`, `band`, `grade`, `channel`, `since`, `until`, `link`,
/// `uncertain`; absent keys were not given); `[]` for a unit nobody holds a post in.
///
/// `TIAOKUAI_RESULT_UNKNOWN_ID` for an unknown id, `TIAOKUAI_RESULT_WRONG_RECORD_TYPE`
/// when it is not a unit, `TIAOKUAI_RESULT_NOT_IN_FORCE` when the unit is out of force
/// at the date, `TIAOKUAI_RESULT_INVALID_DATE` for a malformed date.
///
/// On success writes a new string owned by the caller to `*out_json` (free it
/// with `tiaokuai_string_free`), and its length to `*out_len` when not NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_holders_json(
    model: *const tiaokuai_model,
    unit: *const c_char,
    unit_len: usize,
    date: *const c_char,
    date_len: usize,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_json = out_ptr(out_json, "out_json")?;
        // SAFETY: inputs as documented; outputs checked or optional.
        unsafe {
            let unit = str_in(unit, unit_len, "unit")?;
            dated_json(model, date, date_len, out_json, out_len, |m| pretty(&m.holders(unit)?))
        }
    })
}

/// Every post a person holds at the date (concurrent posts included), as
/// `tiaokuai posts --format json` prints them: `person` is the person's id (`person_len`
/// bytes of UTF-8); `date` and the JSON as for `tiaokuai_model_holders_json`.
///
/// `TIAOKUAI_RESULT_UNKNOWN_ID`, `TIAOKUAI_RESULT_WRONG_RECORD_TYPE` when it is not a
/// person, `TIAOKUAI_RESULT_NOT_IN_FORCE`, `TIAOKUAI_RESULT_INVALID_DATE`. Ownership as
/// for `tiaokuai_model_holders_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_posts_json(
    model: *const tiaokuai_model,
    person: *const c_char,
    person_len: usize,
    date: *const c_char,
    date_len: usize,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_json = out_ptr(out_json, "out_json")?;
        // SAFETY: inputs as documented; outputs checked or optional.
        unsafe {
            let person = str_in(person, person_len, "person")?;
            dated_json(model, date, date_len, out_json, out_len, |m| pretty(&m.posts(person)?))
        }
    })
}

/// Tenure up to the date, per person, unit and post, as `tiaokuai tenure --format json`
/// prints it: objects with `person`, `unit`, `unit_name`, `post`, `terms`, `days`
/// (`null` when unknown), `years`, `since`, `current`. `person` and `unit` (ids,
/// `_len` bytes of UTF-8, or NULL with 0) restrict it to one person and/or one unit;
/// both NULL give every term of the model. `date` as for `tiaokuai_model_holders_json`.
///
/// `TIAOKUAI_RESULT_UNKNOWN_ID` or `TIAOKUAI_RESULT_WRONG_RECORD_TYPE` for an id naming
/// no person (no unit), `TIAOKUAI_RESULT_INVALID_DATE`. Ownership as for
/// `tiaokuai_model_holders_json`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn tiaokuai_model_tenure_json(
    model: *const tiaokuai_model,
    person: *const c_char,
    person_len: usize,
    unit: *const c_char,
    unit_len: usize,
    date: *const c_char,
    date_len: usize,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_json = out_ptr(out_json, "out_json")?;
        // SAFETY: inputs as documented; outputs checked or optional.
        unsafe {
            let person = opt_str_in(person, person_len, "person")?;
            let unit = opt_str_in(unit, unit_len, "unit")?;
            dated_json(model, date, date_len, out_json, out_len, |m| pretty(&m.tenure(person, unit)?))
        }
    })
}

/// The model with its people redacted (`tiaokuai convert --redact-people`): every
/// person's `name` dropped and every person's id replaced by `p-` and the first 16
/// hex digits of HMAC-SHA256(key, id), in the people records and in every link naming
/// them, so files redacted with the same key still join. `key` points to `key_len`
/// bytes (any bytes; keep it as secret as the names). The model is not changed.
///
/// On success writes a new model handle to `*out_model`, owned by the caller and
/// freed with `tiaokuai_model_free`. `TIAOKUAI_RESULT_INVALID` for an empty key (an
/// unkeyed hash of a short id is reversible by enumeration).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_redact_people(
    model: *const tiaokuai_model,
    key: *const c_char,
    key_len: usize,
    out_model: *mut *mut tiaokuai_model,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_model = out_ptr(out_model, "out_model")?;
        // SAFETY: inputs as documented; out_model checked.
        unsafe {
            let model = &borrow(model, "model")?.model;
            let key = crate::ffi::bytes_in(key, key_len, "key")?;
            deliver(out_model, model.redact_people(key))
        }
    })
}
