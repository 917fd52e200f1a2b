//! The C ABI of tiaokuai (条块): `libtiaokuai.so`, `libtiaokuai.a` and
//! `include/tiaokuai.h`.
//!
//! This crate only converts arguments, calls the `tiaokuai` crate and maps its
//! errors; the conventions (prefix, handles, ownership, result codes, error
//! objects, threads) are written in `bindings-c/README.md` and at the top of
//! the header. Modules mirror the core's families: `model`, `audit`, `query`,
//! `scenario`; `error` holds the result codes and the error object, `ffi` the
//! panic boundary and the string helpers.
//!
//! # Safety
//! Every export is an `unsafe extern "C" fn` with one contract, stated once
//! here and in the header: each pointer argument is NULL or valid for what its
//! documentation says (a buffer of the given length, a live object made by this
//! library, a place to write one value); NULL is checked and reported, anything
//! else is the caller's promise.
#![allow(clippy::missing_safety_doc)]

// The header lists the modules' functions in this order (cbindgen follows the
// declarations), so the groups below are kept apart from rustfmt's sorting.
mod ffi;

mod error;

mod model;

mod query;

mod audit;

mod scenario;

mod options;

mod cases;

mod meetings;

mod people;

#[cfg(feature = "test-hooks")]
mod test_hooks;

pub use audit::*;
pub use cases::*;
pub use error::*;
pub use meetings::*;
pub use model::*;
pub use options::*;
pub use people::*;
pub use query::*;
pub use scenario::*;
#[cfg(feature = "test-hooks")]
pub use test_hooks::*;

use std::ffi::c_char;

/// The version of the library, e.g. `"0.1.0"`: a static NUL-terminated
/// string, never NULL, never freed. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn tiaokuai_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// Frees a string this library returned through an `out_…` string
/// parameter (`tiaokuai_model_to_json`, `tiaokuai_model_record_name` …).
/// NULL is a no-op. Never pass it a string borrowed from an object (those
/// returned as `const char *`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_string_free(s: *mut c_char) {
    // SAFETY: NULL or a string made by ffi::new_string, not yet freed.
    ffi::guard_or((), || unsafe { ffi::free_string(s) })
}

/// Frees a byte buffer this library returned through a `uint8_t **`
/// parameter (`tiaokuai_model_to_image`). NULL is a no-op. The buffer keeps
/// its own length, so only the pointer is needed; never pass it anything else.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_bytes_free(bytes: *mut u8) {
    // SAFETY: NULL or a buffer made by ffi::new_bytes, not yet freed.
    ffi::guard_or((), || unsafe { ffi::free_bytes(bytes) })
}
