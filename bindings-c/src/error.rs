//! Result codes and the error object.

use std::any::Any;
use std::ffi::{c_char, c_int};

use tiaokuai::Error;

use crate::ffi::{Text, free_handle, guard_or, lend};

/// The outcome of a call. The numbers are fixed and never reused: new codes
/// are added at the end of their block.
///
/// * 0–99: the C layer itself (a NULL where a pointer is needed, a panic,
///   text that is not UTF-8, an argument out of range);
/// * 100–199: one code per kind of error of the tiaokuai library, in the
///   order of its `Error` variants (`tiaokuai_result_name` gives the same
///   snake_case name as `Error::kind()` in Rust and the error classes of the
///   Python package);
/// * 199: an error of a newer tiaokuai than this header knows.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tiaokuai_result {
    /// Success.
    Ok = 0,
    /// A pointer argument that must not be NULL was NULL.
    NullParameter = 1,
    /// The library panicked (a bug: please report it); the call had no effect.
    Panic = 2,
    /// A text argument is not valid UTF-8.
    InvalidUtf8 = 3,
    /// An argument is out of range (an unknown `enum tiaokuai_line`, a length too large).
    InvalidArgument = 4,
    /// A date argument is not a date of the form `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (`2019-13`,
    /// `20190101`, `2019-02-30`).
    InvalidDate = 5,

    /// Malformed JSON (or empty input).
    Syntax = 100,
    /// The `format` field is missing or names an unsupported version.
    Format = 101,
    /// A field has the wrong type, is missing, unknown, or has an invalid value.
    InvalidField = 102,
    /// A count (`members`, `staff` …) is not a valid count.
    InvalidCount = 103,
    /// A kind, sector, power, role or list is not part of its vocabulary.
    UnknownWord = 104,
    /// Two records share an id.
    DuplicateId = 105,
    /// A field names an id that no record has.
    DanglingReference = 106,
    /// A reference names a record of the wrong type.
    WrongEndpoint = 107,
    /// A territory's `parent` chain loops.
    TerritoryCycle = 108,
    /// The input is larger than the size limit.
    TooLarge = 109,
    /// A file or folder could not be read or written.
    Io = 110,
    /// A CSV file of a bundle is malformed.
    Csv = 111,
    /// A query named an id that is not in the model.
    UnknownId = 112,
    /// A query named a record of the wrong type.
    WrongRecordType = 113,
    /// Invalid input other than a model: an audit config, a scenario, a line name.
    Invalid = 114,
    /// A file (or a CSV bundle's folder) changed while it was being read; nothing was loaded.
    Changed = 115,
    /// A query named a record that is not in force at the date the model is read at
    /// (`tiaokuai_model_at`, or the document's `meta.as_of`).
    NotInForce = 116,
    /// An input was refused for several problems, all listed in the message (a change set
    /// that would leave the model invalid: `tiaokuai_model_apply`, `tiaokuai_whatif_json`).
    /// Nothing was changed.
    Rejected = 117,
    /// A model image (`.tkz`: `tiaokuai_model_open`, `tiaokuai_model_from_image`) cannot be
    /// read: it is not one, it is of another layout, or it is damaged or truncated (its
    /// checksum or length do not match). Nothing was loaded; rebuild the image from the
    /// model's JSON.
    Image = 118,
    /// An error of a newer tiaokuai library that this version of the C layer does not name.
    OtherError = 199,
}

use tiaokuai_result as R;

impl tiaokuai_result {
    /// Every code, in numeric order.
    pub(crate) const ALL: [tiaokuai_result; 26] = [
        R::Ok,
        R::NullParameter,
        R::Panic,
        R::InvalidUtf8,
        R::InvalidArgument,
        R::InvalidDate,
        R::Syntax,
        R::Format,
        R::InvalidField,
        R::InvalidCount,
        R::UnknownWord,
        R::DuplicateId,
        R::DanglingReference,
        R::WrongEndpoint,
        R::TerritoryCycle,
        R::TooLarge,
        R::Io,
        R::Csv,
        R::UnknownId,
        R::WrongRecordType,
        R::Invalid,
        R::Changed,
        R::NotInForce,
        R::Rejected,
        R::Image,
        R::OtherError,
    ];

    /// The code of a core error: one per variant.
    pub(crate) fn of(e: &Error) -> tiaokuai_result {
        match e {
            Error::Syntax { .. } => R::Syntax,
            Error::Format { .. } => R::Format,
            Error::InvalidField { .. } => R::InvalidField,
            Error::InvalidCount { .. } => R::InvalidCount,
            Error::UnknownWord { .. } => R::UnknownWord,
            Error::DuplicateId { .. } => R::DuplicateId,
            Error::DanglingReference { .. } => R::DanglingReference,
            Error::WrongEndpoint { .. } => R::WrongEndpoint,
            Error::TerritoryCycle { .. } => R::TerritoryCycle,
            Error::TooLarge { .. } => R::TooLarge,
            Error::Io { .. } => R::Io,
            Error::Csv { .. } => R::Csv,
            Error::UnknownId { .. } => R::UnknownId,
            Error::WrongRecordType { .. } => R::WrongRecordType,
            Error::Invalid { .. } => R::Invalid,
            Error::Changed { .. } => R::Changed,
            Error::NotInForce { .. } => R::NotInForce,
            Error::Rejected { .. } => R::Rejected,
            Error::Image { .. } => R::Image,
            _ => R::OtherError,
        }
    }

    /// The stable snake_case name of the code (the core's `Error::kind()` for
    /// 100–198), with a NUL after it for C.
    fn c_name(self) -> &'static [u8] {
        match self {
            R::Ok => b"ok\0",
            R::NullParameter => b"null_parameter\0",
            R::Panic => b"panic\0",
            R::InvalidUtf8 => b"invalid_utf8\0",
            R::InvalidArgument => b"invalid_argument\0",
            R::InvalidDate => b"invalid_date\0",
            R::Syntax => b"syntax\0",
            R::Format => b"format\0",
            R::InvalidField => b"invalid_field\0",
            R::InvalidCount => b"invalid_count\0",
            R::UnknownWord => b"unknown_word\0",
            R::DuplicateId => b"duplicate_id\0",
            R::DanglingReference => b"dangling_reference\0",
            R::WrongEndpoint => b"wrong_endpoint\0",
            R::TerritoryCycle => b"territory_cycle\0",
            R::TooLarge => b"too_large\0",
            R::Io => b"io\0",
            R::Csv => b"csv\0",
            R::UnknownId => b"unknown_id\0",
            R::WrongRecordType => b"wrong_record_type\0",
            R::Invalid => b"invalid\0",
            R::Changed => b"changed\0",
            R::NotInForce => b"not_in_force\0",
            R::Rejected => b"rejected\0",
            R::Image => b"image\0",
            R::OtherError => b"other_error\0",
        }
    }
}

/// The details of a failed call: its code, a message for people, and — for
/// errors about a record — which record, field and id.
///
/// Made by fallible calls when the caller passes a non-NULL `out_error`;
/// owned by the caller, freed with `tiaokuai_error_free`. Immutable: may be
/// read from any thread.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct tiaokuai_error {
    code: tiaokuai_result,
    message: Text,
    record: Option<Text>,
    field: Option<Text>,
    id: Option<Text>,
}

/// The error a failing export reports (before it is handed to C).
pub(crate) type Failure = tiaokuai_error;

impl tiaokuai_error {
    fn plain(code: tiaokuai_result, message: String) -> Self {
        tiaokuai_error { code, message: message.into(), record: None, field: None, id: None }
    }

    /// A NULL pointer where one is needed.
    pub(crate) fn null(name: &str) -> Self {
        Self::plain(R::NullParameter, format!("{name} is NULL"))
    }

    /// Text that is not UTF-8.
    pub(crate) fn invalid_utf8(name: &str, valid_up_to: usize) -> Self {
        Self::plain(R::InvalidUtf8, format!("{name} is not valid UTF-8 (at byte {valid_up_to})"))
    }

    /// An argument out of range.
    pub(crate) fn invalid_argument(message: String) -> Self {
        Self::plain(R::InvalidArgument, message)
    }

    /// A malformed date argument (`name` names it).
    pub(crate) fn invalid_date(name: &str, message: &str) -> Self {
        Self::plain(R::InvalidDate, format!("{name}: {message}"))
    }

    /// A panic caught at the boundary.
    pub(crate) fn panic(payload: &(dyn Any + Send)) -> Self {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        Self::plain(R::Panic, format!("internal error (please report it): {what}"))
    }

    pub(crate) fn code(&self) -> tiaokuai_result {
        self.code
    }

    pub(crate) fn into_raw(self) -> *mut tiaokuai_error {
        crate::ffi::into_handle(self)
    }
}

impl From<Error> for tiaokuai_error {
    fn from(e: Error) -> Self {
        tiaokuai_error {
            code: tiaokuai_result::of(&e),
            message: e.to_string().into(),
            record: e.position().map(|p| p.to_string().into()),
            field: e.field().map(Text::from),
            id: e.id().map(Text::from),
        }
    }
}

/// The name of a result code: `"ok"`, `"null_parameter"`, `"unknown_id"` …
/// (for 100–198 the same word as the Rust library's `Error::kind()`).
///
/// Returns a static NUL-terminated string, never NULL: `"unknown"` for a
/// number that is not a code. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn tiaokuai_result_name(result: c_int) -> *const c_char {
    let known = tiaokuai_result::ALL.iter().find(|r| **r as c_int == result);
    known.map_or(b"unknown\0".as_slice(), |r| r.c_name()).as_ptr().cast()
}

/// The code of an error object (the value its call returned);
/// `TIAOKUAI_RESULT_NULL_PARAMETER` when `error` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_error_code(error: *const tiaokuai_error) -> tiaokuai_result {
    // SAFETY: NULL or an error made by this library.
    guard_or(R::Panic, || unsafe { error.as_ref() }.map_or(R::NullParameter, |e| e.code))
}

/// The message of an error, for people: lower-case, naming the record, field
/// and id where there are some (`units[3] (id "acme"): field "members": …`).
///
/// Returns a NUL-terminated UTF-8 string owned by `error` (valid until
/// `tiaokuai_error_free`) and writes its length in bytes to `out_len` when
/// `out_len` is not NULL. Returns NULL when `error` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_error_message(error: *const tiaokuai_error, out_len: *mut usize) -> *const c_char {
    // SAFETY: NULL or an error made by this library; out_len NULL or writable.
    guard_or(std::ptr::null(), || unsafe { lend(error.as_ref().map(|e| &e.message), out_len) })
}

/// Where the record the error is about stands in the document, for loading
/// errors: `units[3] (id "acme")`, `links[17] (from "s1-gw")`,
/// `units.csv line 4`. NULL when the error is not about one record (or
/// `error` is NULL). Ownership and `out_len` as for `tiaokuai_error_message`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_error_record(error: *const tiaokuai_error, out_len: *mut usize) -> *const c_char {
    // SAFETY: as tiaokuai_error_message.
    guard_or(std::ptr::null(), || unsafe { lend(error.as_ref().and_then(|e| e.record.as_ref()), out_len) })
}

/// The field the error is about (`"members"`, `"parent"`, `"format"` …), or
/// NULL. Ownership and `out_len` as for `tiaokuai_error_message`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_error_field(error: *const tiaokuai_error, out_len: *mut usize) -> *const c_char {
    // SAFETY: as tiaokuai_error_message.
    guard_or(std::ptr::null(), || unsafe { lend(error.as_ref().and_then(|e| e.field.as_ref()), out_len) })
}

/// The id the error is about: the id asked for (`TIAOKUAI_RESULT_UNKNOWN_ID`),
/// the id a reference names, a duplicated id, or else the record's own id;
/// NULL when there is none. Ownership and `out_len` as for `tiaokuai_error_message`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_error_id(error: *const tiaokuai_error, out_len: *mut usize) -> *const c_char {
    // SAFETY: as tiaokuai_error_message.
    guard_or(std::ptr::null(), || unsafe { lend(error.as_ref().and_then(|e| e.id.as_ref()), out_len) })
}

/// Frees an error object. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_error_free(error: *mut tiaokuai_error) {
    // SAFETY: NULL or an error made by this library, not yet freed.
    guard_or((), || unsafe { free_handle(error) })
}

#[cfg(test)]
mod tests {
    use tiaokuai::{Position, RecordType};

    use super::*;

    #[test]
    fn codes_are_fixed_and_names_match_the_core() {
        let numbers: Vec<i32> = tiaokuai_result::ALL.iter().map(|r| *r as i32).collect();
        assert_eq!(
            numbers,
            [
                0, 1, 2, 3, 4, 5, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116,
                117, 118, 199
            ]
        );
        for r in tiaokuai_result::ALL {
            assert_eq!(r.c_name().iter().filter(|&&b| b == 0).count(), 1);
            assert_eq!(r.c_name().last(), Some(&0));
        }
    }

    #[test]
    fn every_core_error_kind_has_its_own_code() {
        let at = || Position::record("units", 0, Some("a"));
        // One error of each kind the core names; the C code must carry the same name.
        let errors = [
            Error::Syntax { message: "m".into(), line: 1, column: 1 },
            Error::Format { found: None },
            Error::TooLarge { size: 2, limit: 1 },
            Error::Io { path: "p".into(), message: "m".into(), io_kind: std::io::ErrorKind::Other },
            Error::Csv { file: "f".into(), line: 1, message: "m".into() },
            Error::UnknownId { id: "x".into() },
            Error::Invalid { what: "w".into(), message: "m".into() },
            Error::Changed { path: "p".into() },
            Error::NotInForce { id: "x".into(), date: "2017".into(), validity: "2018 to …".into() },
            Error::InvalidField { at: at(), field: "f".into(), message: "m".into() },
            Error::InvalidCount { at: at(), field: "f".into(), value: "-1".into(), reason: "r".into() },
            Error::DuplicateId { id: "a".into(), at: at(), first: at() },
            Error::DanglingReference { at: at(), field: "parent".into(), id: "x".into() },
            Error::WrongEndpoint {
                at: at(),
                field: "to".into(),
                id: "x".into(),
                expected: RecordType::Unit,
                found: RecordType::Item,
                context: "c".into(),
            },
            Error::TerritoryCycle { at: at(), cycle: vec!["a".into(), "a".into()] },
            Error::WrongRecordType {
                id: "x".into(),
                expected: RecordType::Unit,
                found: RecordType::Item,
                context: "chain".into(),
            },
            Error::Rejected { what: "change set".into(), problems: vec![Error::UnknownId { id: "x".into() }] },
            Error::Image { message: "m".into() },
        ];
        for e in errors {
            let name = tiaokuai_result::of(&e).c_name();
            assert_eq!(&name[..name.len() - 1], e.kind().as_bytes());
        }
    }
}
