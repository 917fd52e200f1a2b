//! Meetings (三会, issue #15): `tiaokuai_model_meetings_json` and
//! `tiaokuai_model_meetings_table_json`.

use std::ffi::c_char;

use crate::error::{tiaokuai_error, tiaokuai_result};
use crate::ffi::{borrow, guard, opt_str_in, out_ptr, write_string};
use crate::model::tiaokuai_model;

/// The model's meetings (hearings, coordination and evaluation meetings,
/// consultations) as a JSON array, in document order, one object per meeting
/// with the format's fields: `id`, `kind`, `territory`, `date` (as written), and
/// `convener`, `topics` and `attrs` when given. Every meeting of the document,
/// whatever date the model is read at; `[]` for a model without meetings.
///
/// On success writes a new string owned by the caller to `*out_json` (free it
/// with `tiaokuai_string_free`), and its length to `*out_len` when not NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_meetings_json(
    model: *const tiaokuai_model,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_json = out_ptr(out_json, "out_json")?;
        // SAFETY: inputs as documented; outputs checked or optional.
        unsafe {
            let model = &borrow(model, "model")?.model;
            write_string(out_json, out_len, &model.meetings_json());
        }
        Ok(())
    })
}

/// Meetings held per community (`by` "community") or street (`by` "street") per
/// year, as `tiaokuai meetings --format json` prints them: a JSON array of rows
/// (`territory`, `territory_name`, `year`, `hearing`, `coordination`,
/// `evaluation`, `consultation`, `other`, `meetings`, `projects_heard`,
/// `projects_evaluated`), one per place and year with any meeting. Meetings dated
/// after the model's date are left out.
///
/// `by` is `by_len` bytes of UTF-8, or NULL with 0 for "community"; `year` keeps
/// one year, 0 for every year.
///
/// On success writes a new string owned by the caller to `*out_json` (free it
/// with `tiaokuai_string_free`), and its length to `*out_len` when not NULL.
/// `TIAOKUAI_RESULT_INVALID` for a `by` other than "community" or "street".
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_meetings_table_json(
    model: *const tiaokuai_model,
    by: *const c_char,
    by_len: usize,
    year: u32,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_json = out_ptr(out_json, "out_json")?;
        // SAFETY: inputs as documented; outputs checked or optional.
        unsafe {
            let model = &borrow(model, "model")?.model;
            let by: tiaokuai::meetings::MeetingsBy = opt_str_in(by, by_len, "by")?.unwrap_or("community").parse()?;
            let table = tiaokuai::meetings::meetings_table(model, by, (year != 0).then_some(year));
            let json = serde_json::to_string_pretty(&table.to_json_rows()).expect("numbers and strings only");
            write_string(out_json, out_len, &json);
        }
        Ok(())
    })
}
