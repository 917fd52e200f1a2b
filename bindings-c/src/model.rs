//! The model: loading, writing, counting and looking up records.

use std::ffi::c_char;
use std::ptr;

use tiaokuai::{Model, RecordType};

use crate::error::{Failure, tiaokuai_error, tiaokuai_result};
use crate::ffi::{
    borrow, free_handle, guard, guard_or, into_handle, out_ptr, str_in, write, write_bytes, write_string,
};

/// A loaded governance model. Immutable: every function taking a
/// `const struct tiaokuai_model *` only reads it, so one model may be shared
/// by any number of threads without locks. Freed with `tiaokuai_model_free`
/// (after every thread is done with it).
#[allow(non_camel_case_types)]
pub struct tiaokuai_model {
    pub(crate) model: Model,
}

/// The four record types of a model.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tiaokuai_record_type {
    /// A place: city, district, street, community, grid …
    Territory = 0,
    /// An organisation: a Party organisation, a government body, an enterprise …
    Unit = 1,
    /// An administrative matter on a duty list.
    Matter = 2,
    /// A need, resource or project.
    Item = 3,
    /// A person, who holds posts in units.
    Person = 4,
}

impl From<RecordType> for tiaokuai_record_type {
    fn from(t: RecordType) -> Self {
        match t {
            RecordType::Territory => tiaokuai_record_type::Territory,
            RecordType::Unit => tiaokuai_record_type::Unit,
            RecordType::Matter => tiaokuai_record_type::Matter,
            RecordType::Item => tiaokuai_record_type::Item,
            RecordType::Person => tiaokuai_record_type::Person,
        }
    }
}

/// How many records of each type, and links, a model holds.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct tiaokuai_counts {
    /// Territories.
    pub territories: usize,
    /// Units.
    pub units: usize,
    /// Matters.
    pub matters: usize,
    /// Items.
    pub items: usize,
    /// Links.
    pub links: usize,
}

/// Hands a loaded model to C, or maps the loading error.
///
/// # Safety
/// `out_model` was checked and is valid for writing a pointer.
pub(crate) unsafe fn deliver(
    out_model: *mut *mut tiaokuai_model,
    loaded: tiaokuai::Result<Model>,
) -> Result<(), Failure> {
    let model = loaded?;
    // SAFETY: forwarded contract.
    unsafe { write(out_model, into_handle(tiaokuai_model { model })) };
    Ok(())
}

/// Loads a model from `tiaokuai/1` JSON text: `json` points to `json_len`
/// bytes of UTF-8 (a byte-order mark is allowed; no NUL terminator needed).
///
/// On success writes a new model to `*out_model`, owned by the caller (free
/// it with `tiaokuai_model_free`). On failure returns the code of the first
/// problem (`TIAOKUAI_RESULT_SYNTAX`, `_FORMAT`, `_INVALID_FIELD`,
/// `_DANGLING_REFERENCE` …) and leaves `*out_model` untouched.
///
/// `out_error` may be NULL; when it is not, it receives NULL on success and a
/// new `struct tiaokuai_error` (naming the record, field and id) on failure.
/// The same holds for every function taking an `out_error`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_from_json(
    json: *const c_char,
    json_len: usize,
    out_model: *mut *mut tiaokuai_model,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    // SAFETY: forwarded contract; NULL options are the defaults.
    unsafe { crate::options::tiaokuai_model_from_json_with_options(json, json_len, ptr::null(), out_model, out_error) }
}

/// Loads a model from a path (`path_len` bytes of UTF-8, no NUL terminator
/// needed): a `tiaokuai/1` JSON file, a model image (known by its first bytes,
/// as `tiaokuai_model_open` reads it), or a folder holding a CSV bundle.
/// `TIAOKUAI_RESULT_IO` when it cannot be read. Ownership and errors as for
/// `tiaokuai_model_from_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_load(
    path: *const c_char,
    path_len: usize,
    out_model: *mut *mut tiaokuai_model,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    // SAFETY: forwarded contract; NULL options are the defaults.
    unsafe { crate::options::tiaokuai_model_load_with_options(path, path_len, ptr::null(), out_model, out_error) }
}

/// Opens a model image file (`.tkz`: written by `tiaokuai_model_save` to a path
/// ending in `.tkz`, by `tiaokuai_model_to_image`, or by `tiaokuai convert MODEL
/// --to image`), a cache of the model's JSON that opens without parsing it. The
/// path is `path_len` bytes of UTF-8. `tiaokuai_model_load` opens images too;
/// this refuses anything else.
///
/// `TIAOKUAI_RESULT_IMAGE` for a file that is not an image (a JSON model
/// among them), an image of another layout, or a damaged or truncated one;
/// `TIAOKUAI_RESULT_IO` when it cannot be read, `TIAOKUAI_RESULT_CHANGED` when
/// it changed while it was read. Ownership and errors as for
/// `tiaokuai_model_from_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_open(
    path: *const c_char,
    path_len: usize,
    out_model: *mut *mut tiaokuai_model,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    // SAFETY: forwarded contract; NULL options are the defaults.
    unsafe { crate::options::tiaokuai_model_open_with_options(path, path_len, ptr::null(), out_model, out_error) }
}

/// Reads a model image from memory: `image` points to `image_len` bytes, as
/// `tiaokuai_model_to_image` wrote them. The checksum is checked before
/// anything is decoded, so a damaged or truncated image gives
/// `TIAOKUAI_RESULT_IMAGE`, never a wrong model (as do bytes that are not an
/// image, and an image of another layout); a well-formed image whose document
/// a JSON load would refuse gives the same code as that JSON. Ownership and
/// errors as for `tiaokuai_model_from_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_from_image(
    image: *const u8,
    image_len: usize,
    out_model: *mut *mut tiaokuai_model,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    // SAFETY: forwarded contract; NULL options are the defaults.
    unsafe {
        crate::options::tiaokuai_model_from_image_with_options(image, image_len, ptr::null(), out_model, out_error)
    }
}

/// Loads a model from a folder holding a CSV bundle (`territories.csv`,
/// `units.csv`, `links.csv` …). Errors name the file and line
/// (`TIAOKUAI_RESULT_CSV`, or the record errors with a `units.csv line 4`
/// position). Ownership and errors as for `tiaokuai_model_from_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_from_csv_dir(
    path: *const c_char,
    path_len: usize,
    out_model: *mut *mut tiaokuai_model,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_model = out_ptr(out_model, "out_model")?;
        // SAFETY: as tiaokuai_model_from_json.
        unsafe {
            let path = str_in(path, path_len, "path")?;
            deliver(out_model, Model::from_csv_dir(path))
        }
    })
}

/// The embedded sample model (Baoshan district, Shanghai; real divisions,
/// synthetic structure with deliberate gaps). Ownership as for
/// `tiaokuai_model_from_json`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_sample(
    out_model: *mut *mut tiaokuai_model,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_model = out_ptr(out_model, "out_model")?;
        // SAFETY: out_model checked.
        unsafe { deliver(out_model, Model::from_json(tiaokuai::SAMPLE_JSON)) }
    })
}

/// Frees a model. NULL is a no-op. No other thread may use the model any more.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_free(model: *mut tiaokuai_model) {
    // SAFETY: NULL or a model made by this library, not yet freed.
    guard_or((), || unsafe { free_handle(model) })
}

/// Writes the model as `tiaokuai/1` JSON text (the same document
/// `tiaokuai_model_from_json` reads back into an equal model).
///
/// On success writes a new NUL-terminated UTF-8 string to `*out_json`, owned
/// by the caller (free it with `tiaokuai_string_free`), and its length in
/// bytes (without the NUL) to `*out_len` when `out_len` is not NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_to_json(
    model: *const tiaokuai_model,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_json = out_ptr(out_json, "out_json")?;
        // SAFETY: model is NULL or live; outputs checked or optional.
        unsafe {
            let model = borrow(model, "model")?;
            write_string(out_json, out_len, &model.model.to_json());
        }
        Ok(())
    })
}

/// Writes the model as a model image (the bytes of a `.tkz` file): the whole
/// document, history, people and meetings included, which
/// `tiaokuai_model_from_image` reads back into an equal model (whose
/// `tiaokuai_model_to_json` gives the same text as this one's).
///
/// On success writes a new buffer to `*out_image`, owned by the caller (free it
/// with `tiaokuai_bytes_free`), and its length in bytes to `*out_len`. An image
/// is binary: it holds NUL bytes, so `out_len` is required.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_to_image(
    model: *const tiaokuai_model,
    out_image: *mut *mut u8,
    out_len: *mut usize,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_image = out_ptr(out_image, "out_image")?;
        let out_len = out_ptr(out_len, "out_len")?;
        // SAFETY: model is NULL or live; outputs checked.
        unsafe {
            let model = borrow(model, "model")?;
            write_bytes(out_image, out_len, &model.model.to_image());
        }
        Ok(())
    })
}

/// Saves the model to a path (`path_len` bytes of UTF-8): as a JSON file, as a
/// model image when the path ends in `.tkz` (what `tiaokuai_model_open` reads),
/// or as a CSV bundle when the path is an existing folder or ends with `/`. The
/// file is written beside its target and renamed into place, so a failed call
/// never leaves a half-written model. `TIAOKUAI_RESULT_IO` when it cannot be written.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_save(
    model: *const tiaokuai_model,
    path: *const c_char,
    path_len: usize,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        // SAFETY: model is NULL or live; path gives path_len readable bytes.
        unsafe {
            let model = borrow(model, "model")?;
            let path = str_in(path, path_len, "path")?;
            model.model.save(path)?;
        }
        Ok(())
    })
}

/// The model as it stood on a date: `date` points to `date_len` bytes of UTF-8,
/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a reduced date spans its year or month).
/// Records and links out of force at that date are left out of every lookup,
/// count, query, audit and metric; those only possibly in force stay, and the
/// JSON answers resting on them list them under `"uncertain"`.
///
/// On success writes a new model handle to `*out_model`, owned by the caller
/// and freed with `tiaokuai_model_free` (independently of `model`: the two
/// share the document, which lives as long as either). Cheap: nothing is
/// copied. `TIAOKUAI_RESULT_INVALID_DATE` for a malformed date (`2019-13`,
/// `20190101`, `2019-02-30`). Queries naming a record out of force at the
/// date give `TIAOKUAI_RESULT_NOT_IN_FORCE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_at(
    model: *const tiaokuai_model,
    date: *const c_char,
    date_len: usize,
    out_model: *mut *mut tiaokuai_model,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_model = out_ptr(out_model, "out_model")?;
        // SAFETY: model is NULL or live; date gives date_len readable bytes; out_model checked.
        unsafe {
            let m = &borrow(model, "model")?.model;
            let date = str_in(date, date_len, "date")?;
            let d = date.parse::<tiaokuai::Date>().map_err(|e| Failure::invalid_date("date", &e))?;
            deliver(out_model, Ok(m.at(d)))
        }
    })
}

/// Applies a change set (issue #13, `docs/change.md`): `change_json` points to
/// `change_len` bytes of UTF-8, a `tiaokuai-change/1` document. The model is never
/// changed: on success writes a new model handle (the model with the change applied,
/// validated as a loaded one is) to `*out_model`, owned by the caller and freed with
/// `tiaokuai_model_free`.
///
/// A change set that cannot be read gives `TIAOKUAI_RESULT_SYNTAX`,
/// `TIAOKUAI_RESULT_INVALID` … naming the section, index and field; one that does not
/// apply (an id to remove that is not there, an id added twice, a result that is not a
/// valid model) gives `TIAOKUAI_RESULT_REJECTED`, whose message names every problem.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_apply(
    model: *const tiaokuai_model,
    change_json: *const c_char,
    change_len: usize,
    out_model: *mut *mut tiaokuai_model,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_model = out_ptr(out_model, "out_model")?;
        // SAFETY: model is NULL or live; change_json gives change_len readable bytes; out_model checked.
        unsafe {
            let m = &borrow(model, "model")?.model;
            let change = str_in(change_json, change_len, "change_json")?;
            let change = tiaokuai::change::ChangeSet::from_json(change)?;
            deliver(out_model, m.apply(&change))
        }
    })
}

/// The change set that turns model `a` into model `b` (issue #13, `docs/change.md`):
/// applying it to `a` gives a model equal to `b`. Neither model is changed.
///
/// On success writes a new `tiaokuai-change/1` JSON string owned by the caller to
/// `*out_json` (free it with `tiaokuai_string_free`), and its length in bytes
/// (without the NUL) to `*out_len` when `out_len` is not NULL. Two equal models give
/// a change set with no changes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_diff_json(
    a: *const tiaokuai_model,
    b: *const tiaokuai_model,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_json = out_ptr(out_json, "out_json")?;
        // SAFETY: a and b are NULL or live; outputs checked or optional.
        unsafe {
            let a = &borrow(a, "a")?.model;
            let b = &borrow(b, "b")?.model;
            write_string(out_json, out_len, &tiaokuai::change::diff(a, b).to_json());
        }
        Ok(())
    })
}

/// The model with every record and link counting, whatever their dates (the
/// reading of a document without `meta.as_of`). Ownership as for `tiaokuai_model_at`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_whole(
    model: *const tiaokuai_model,
    out_model: *mut *mut tiaokuai_model,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_model = out_ptr(out_model, "out_model")?;
        // SAFETY: model is NULL or live; out_model checked.
        unsafe { deliver(out_model, Ok(borrow(model, "model")?.model.whole())) }
    })
}

/// The model at its date as a document of its own: the records and links in
/// force (or possibly in force) at its date, with `meta.as_of` set to it, so
/// `tiaokuai_model_to_json` on it writes only those. Ownership as for `tiaokuai_model_at`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_snapshot(
    model: *const tiaokuai_model,
    out_model: *mut *mut tiaokuai_model,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_model = out_ptr(out_model, "out_model")?;
        // SAFETY: model is NULL or live; out_model checked.
        unsafe { deliver(out_model, borrow(model, "model")?.model.snapshot()) }
    })
}

/// Writes a date as a new string, or NULL (length 0) when there is none.
///
/// # Safety
/// `out` is valid for writing a pointer; `out_len` NULL or writable.
unsafe fn write_date(out: *mut *mut c_char, out_len: *mut usize, date: Option<tiaokuai::Date>) {
    // SAFETY: forwarded contract.
    unsafe {
        match date {
            Some(d) => write_string(out, out_len, &d.to_string()),
            None => {
                write(out, ptr::null_mut());
                if !out_len.is_null() {
                    write(out_len, 0);
                }
            }
        }
    }
}

/// The date the model is read at, as written (`"2017-05-03"`, `"2015"`): the one
/// given to `tiaokuai_model_at`, else the document's `meta.as_of`. Writes a new
/// string owned by the caller (free it with `tiaokuai_string_free`) to `*out_date`,
/// or NULL when every record counts; its length to `*out_len` when `out_len` is not NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_date(
    model: *const tiaokuai_model,
    out_date: *mut *mut c_char,
    out_len: *mut usize,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_date = out_ptr(out_date, "out_date")?;
        // SAFETY: model is NULL or live; outputs checked or optional.
        unsafe { write_date(out_date, out_len, borrow(model, "model")?.model.date()) };
        Ok(())
    })
}

/// The document's `meta.as_of` when it is a date (the date a loaded model is
/// read at), else NULL. Ownership as for `tiaokuai_model_date`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_as_of(
    model: *const tiaokuai_model,
    out_date: *mut *mut c_char,
    out_len: *mut usize,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_date = out_ptr(out_date, "out_date")?;
        // SAFETY: model is NULL or live; outputs checked or optional.
        unsafe { write_date(out_date, out_len, borrow(model, "model")?.model.as_of()) };
        Ok(())
    })
}

/// The bytes of the model's tables that point into a mapped model image
/// (`tiaokuai_model_open`), shared with every process that maps the same file:
/// 0 for a model read from JSON, CSV, .xlsx or memory, opened with mapping off
/// (`tiaokuai_load_options_set_map`), or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_mapped_bytes(model: *const tiaokuai_model) -> usize {
    // SAFETY: NULL or a live model.
    guard_or(0, || unsafe { model.as_ref() }.map_or(0, |m| m.model.mapped_bytes()))
}

/// Counts the model's records of each type and its links into `*out_counts`
/// (those of its view: at its date, the records and links in force or possibly in force).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_counts(
    model: *const tiaokuai_model,
    out_counts: *mut tiaokuai_counts,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_counts = out_ptr(out_counts, "out_counts")?;
        // SAFETY: model is NULL or live; out_counts checked.
        unsafe {
            let m = &borrow(model, "model")?.model;
            write(
                out_counts,
                tiaokuai_counts {
                    territories: m.count(RecordType::Territory),
                    units: m.count(RecordType::Unit),
                    matters: m.count(RecordType::Matter),
                    items: m.count(RecordType::Item),
                    links: m.count_links(),
                },
            );
        }
        Ok(())
    })
}

/// Looks up a record by id (`id_len` bytes of UTF-8); `TIAOKUAI_RESULT_UNKNOWN_ID` when none has it.
///
/// # Safety
/// As the exports calling it.
unsafe fn lookup<'m>(
    model: *const tiaokuai_model,
    id: *const c_char,
    id_len: usize,
) -> Result<tiaokuai::RecordRef<'m>, Failure> {
    // SAFETY: forwarded contract.
    let (model, id) = unsafe { (&borrow(model, "model")?.model, str_in(id, id_len, "id")?) };
    model.get(id).ok_or_else(|| tiaokuai::Error::UnknownId { id: id.to_string() }.into())
}

/// The type of the record with this id (`id_len` bytes of UTF-8) into
/// `*out_type`; `TIAOKUAI_RESULT_UNKNOWN_ID` when no record has it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_record_type(
    model: *const tiaokuai_model,
    id: *const c_char,
    id_len: usize,
    out_type: *mut tiaokuai_record_type,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_type = out_ptr(out_type, "out_type")?;
        // SAFETY: inputs as documented; out_type checked.
        unsafe {
            let record = lookup(model, id, id_len)?;
            write(out_type, record.record_type().into());
        }
        Ok(())
    })
}

/// The name of the record with this id, as a new string owned by the caller
/// (free it with `tiaokuai_string_free`); its length to `*out_len` when
/// `out_len` is not NULL. `TIAOKUAI_RESULT_UNKNOWN_ID` when no record has the id.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_record_name(
    model: *const tiaokuai_model,
    id: *const c_char,
    id_len: usize,
    out_name: *mut *mut c_char,
    out_len: *mut usize,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_name = out_ptr(out_name, "out_name")?;
        // SAFETY: inputs as documented; outputs checked or optional.
        unsafe {
            let record = lookup(model, id, id_len)?;
            write_string(out_name, out_len, record.name());
        }
        Ok(())
    })
}

/// The kind of the record with this id as written in the format
/// (`"street"`, `"party_committee"`; for matters and items their list:
/// `"basic"`, `"need"` …). Ownership and errors as for `tiaokuai_model_record_name`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_model_record_kind(
    model: *const tiaokuai_model,
    id: *const c_char,
    id_len: usize,
    out_kind: *mut *mut c_char,
    out_len: *mut usize,
    out_error: *mut *mut tiaokuai_error,
) -> tiaokuai_result {
    guard(out_error, || {
        let out_kind = out_ptr(out_kind, "out_kind")?;
        // SAFETY: inputs as documented; outputs checked or optional.
        unsafe {
            let record = lookup(model, id, id_len)?;
            write_string(out_kind, out_len, record.kind_str());
        }
        Ok(())
    })
}
