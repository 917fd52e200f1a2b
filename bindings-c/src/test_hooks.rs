//! Test-only exports, compiled with the cargo feature `test-hooks` (the C
//! tests' library is built with it; `make install` and every other build are
//! not). They panic on purpose inside the same boundaries every export uses,
//! so `tests/test_panic.c` can prove that a panic becomes
//! `TIAOKUAI_RESULT_PANIC` (or a getter's fallback) and never reaches C.
//!
//! They are not part of the API: `cbindgen.toml` keeps them out of
//! `include/tiaokuai.h`, and the C test declares them itself.

use std::ffi::c_int;

use crate::error::{tiaokuai_error, tiaokuai_result};
use crate::ffi::{guard, guard_or};

/// Panics in the way `how` names, inside the body of a fallible call:
///
/// * 0: `panic!` with a static message (`"tiaokuai_test_panic: on purpose"`);
/// * 1: `panic!` with a formatted message (`"tiaokuai_test_panic: on purpose, 1"`);
/// * 2: a payload that is not text (`std::panic::panic_any(42)`);
/// * 3: a slice indexed out of bounds, the way a bug would panic;
/// * anything else: no panic, `TIAOKUAI_RESULT_OK`.
///
/// Returns `TIAOKUAI_RESULT_PANIC` and, when `out_error` is not NULL, an error
/// object whose message starts `internal error (please report it): `.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tiaokuai_test_panic(how: c_int, out_error: *mut *mut tiaokuai_error) -> tiaokuai_result {
    guard(out_error, || {
        panic_as(how);
        Ok(())
    })
}

/// Panics as [`tiaokuai_test_panic`] does, inside a call that cannot report an
/// error (a getter): returns `fallback` when it panicked, `fallback + 1` when
/// `how` names no panic.
#[unsafe(no_mangle)]
pub extern "C" fn tiaokuai_test_panic_getter(how: c_int, fallback: usize) -> usize {
    guard_or(fallback, || {
        panic_as(how);
        fallback.wrapping_add(1)
    })
}

fn panic_as(how: c_int) {
    match how {
        0 => panic!("tiaokuai_test_panic: on purpose"),
        1 => panic!("tiaokuai_test_panic: on purpose, {how}"),
        2 => std::panic::panic_any(42_i32),
        3 => {
            let empty: &[u8] = &[];
            let index = usize::try_from(how).unwrap_or(0);
            std::hint::black_box(empty[std::hint::black_box(index)]);
        }
        _ => {}
    }
}
