//! The machinery every export shares: the panic boundary, reading inputs,
//! writing outputs, and the strings handed to C.
//!
//! Nothing here knows about models; the family modules (`model`, `audit`,
//! `query`, `scenario`) convert, call the core and map its errors.

use std::ffi::c_char;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;

use crate::error::{Failure, tiaokuai_error, tiaokuai_result};

/// Runs `body` inside the panic boundary and reports its outcome in the C way:
/// the result code, and the error object through `out_error` when the caller
/// asked for one (`NULL` on success, so a reused variable never holds a stale
/// pointer).
///
/// `body` checks its pointers and does its work; it writes its outputs only
/// after everything that can fail has succeeded.
pub(crate) fn guard(
    out_error: *mut *mut tiaokuai_error,
    body: impl FnOnce() -> Result<(), Failure>,
) -> tiaokuai_result {
    let outcome = catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|payload| Err(Failure::panic(&*payload)));
    let (code, error) = match outcome {
        Ok(()) => (tiaokuai_result::Ok, ptr::null_mut()),
        Err(failure) => (failure.code(), failure.into_raw()),
    };
    if !out_error.is_null() {
        // SAFETY: the caller passes NULL or a pointer valid for writing one pointer.
        unsafe { out_error.write(error) };
    } else if !error.is_null() {
        // SAFETY: `error` was just made by `Box::into_raw` and nobody else holds it.
        drop(unsafe { Box::from_raw(error) });
    }
    code
}

/// Runs `body` inside the panic boundary for calls that cannot report an
/// error (getters, `_free`): a panic gives `fallback`.
pub(crate) fn guard_or<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// Checks that an input pointer is not NULL.
pub(crate) fn non_null<T>(p: *const T, name: &str) -> Result<*const T, Failure> {
    if p.is_null() { Err(Failure::null(name)) } else { Ok(p) }
}

/// Checks that an output pointer is not NULL.
pub(crate) fn out_ptr<T>(p: *mut T, name: &str) -> Result<*mut T, Failure> {
    if p.is_null() { Err(Failure::null(name)) } else { Ok(p) }
}

/// Borrows the object behind a `const` handle.
///
/// # Safety
/// `p` is NULL or points to a live `T` made by this library.
pub(crate) unsafe fn borrow<'a, T>(p: *const T, name: &str) -> Result<&'a T, Failure> {
    // SAFETY: NULL is rejected; otherwise the caller's contract applies.
    Ok(unsafe { &*non_null(p, name)? })
}

/// Reads a byte buffer of `len` bytes.
///
/// # Safety
/// `p` is NULL or valid for reading `len` bytes for the duration of the call.
pub(crate) unsafe fn bytes_in<'a>(p: *const c_char, len: usize, name: &str) -> Result<&'a [u8], Failure> {
    let p = non_null(p, name)?;
    if len > isize::MAX as usize {
        return Err(Failure::invalid_argument(format!("{name}: length {len} is larger than any buffer")));
    }
    // SAFETY: not NULL, and the caller promises `len` readable bytes.
    Ok(unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len) })
}

/// Reads a UTF-8 string of `len` bytes (not NUL-terminated; a NUL byte is part of the text).
///
/// # Safety
/// As [`bytes_in`].
pub(crate) unsafe fn str_in<'a>(p: *const c_char, len: usize, name: &str) -> Result<&'a str, Failure> {
    // SAFETY: forwarded contract.
    let bytes = unsafe { bytes_in(p, len, name)? };
    std::str::from_utf8(bytes).map_err(|e| Failure::invalid_utf8(name, e.valid_up_to()))
}

/// Reads an optional UTF-8 string: `NULL` with length 0 is `None`.
///
/// # Safety
/// As [`bytes_in`].
pub(crate) unsafe fn opt_str_in<'a>(p: *const c_char, len: usize, name: &str) -> Result<Option<&'a str>, Failure> {
    if p.is_null() && len == 0 {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    unsafe { str_in(p, len, name).map(Some) }
}

/// Writes one value through a checked output pointer.
///
/// # Safety
/// `p` was checked by [`out_ptr`] and is valid for writing a `T`.
pub(crate) unsafe fn write<T>(p: *mut T, value: T) {
    // SAFETY: the caller's contract.
    unsafe { p.write(value) }
}

/// Writes an optional length.
///
/// # Safety
/// `p` is NULL or valid for writing a `usize`.
pub(crate) unsafe fn write_len(p: *mut usize, len: usize) {
    if !p.is_null() {
        // SAFETY: the caller's contract.
        unsafe { p.write(len) }
    }
}

/// Moves a value to the heap and hands the pointer to C.
pub(crate) fn into_handle<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Takes back and drops a handle made by [`into_handle`]; NULL is a no-op.
///
/// # Safety
/// `p` is NULL or a pointer from [`into_handle`] for the same `T`, not yet freed.
pub(crate) unsafe fn free_handle<T>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: the caller's contract.
        drop(unsafe { Box::from_raw(p) });
    }
}

/// A UTF-8 string with a NUL byte after it, kept inside an object and lent to C.
///
/// The text may itself hold NUL bytes (JSON allows `\u0000`), which is why
/// every getter also gives the length.
#[derive(Debug, Clone)]
pub(crate) struct Text(Box<[u8]>);

impl Text {
    pub(crate) fn new(s: &str) -> Text {
        let mut v = Vec::with_capacity(s.len() + 1);
        v.extend_from_slice(s.as_bytes());
        v.push(0);
        Text(v.into_boxed_slice())
    }

    /// The text's length in bytes, without the NUL.
    pub(crate) fn len(&self) -> usize {
        self.0.len() - 1
    }

    pub(crate) fn as_ptr(&self) -> *const c_char {
        self.0.as_ptr().cast()
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::new(s)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text::new(&s)
    }
}

/// Lends a text to C: its pointer, and its length through `out_len` when not NULL.
/// `None` gives NULL and leaves `out_len` alone.
///
/// # Safety
/// `out_len` is NULL or valid for writing a `usize`.
pub(crate) unsafe fn lend(text: Option<&Text>, out_len: *mut usize) -> *const c_char {
    match text {
        None => ptr::null(),
        Some(t) => {
            // SAFETY: forwarded contract.
            unsafe { write_len(out_len, t.len()) };
            t.as_ptr()
        }
    }
}

/// The bytes kept before every string handed to C, holding its length so
/// `tiaokuai_string_free` can give the memory back without searching for a NUL.
const PREFIX: usize = std::mem::size_of::<usize>();

/// Copies `bytes` into a new buffer owned by the caller: its length, the
/// bytes, then a NUL. Returns the pointer to the bytes (past the length).
fn new_buffer(bytes: &[u8]) -> *mut u8 {
    let mut v = Vec::with_capacity(PREFIX + bytes.len() + 1);
    v.extend_from_slice(&bytes.len().to_ne_bytes());
    v.extend_from_slice(bytes);
    v.push(0);
    let raw = Box::into_raw(v.into_boxed_slice()).cast::<u8>();
    // SAFETY: the allocation is PREFIX + len + 1 bytes long.
    unsafe { raw.add(PREFIX) }
}

/// Frees a buffer made by [`new_buffer`]; NULL is a no-op.
///
/// # Safety
/// `p` is NULL or a pointer from [`new_buffer`], not yet freed.
unsafe fn free_buffer(p: *mut u8) {
    if p.is_null() {
        return;
    }
    // SAFETY: `p` is PREFIX bytes into an allocation made by `new_buffer`,
    // whose first PREFIX bytes hold the length of what follows them.
    unsafe {
        let start = p.sub(PREFIX);
        let len = usize::from_ne_bytes(start.cast::<[u8; PREFIX]>().read_unaligned());
        drop(Box::from_raw(ptr::slice_from_raw_parts_mut(start, PREFIX + len + 1)));
    }
}

/// Copies `s` into a new C string owned by the caller (freed with
/// `tiaokuai_string_free`): NUL-terminated, its length returned too.
pub(crate) fn new_string(s: &str) -> (*mut c_char, usize) {
    (new_buffer(s.as_bytes()).cast::<c_char>(), s.len())
}

/// Frees a string made by [`new_string`]; NULL is a no-op.
///
/// # Safety
/// `p` is NULL or a pointer from [`new_string`], not yet freed.
pub(crate) unsafe fn free_string(p: *mut c_char) {
    // SAFETY: a string is a buffer of its bytes (forwarded contract).
    unsafe { free_buffer(p.cast::<u8>()) }
}

/// Copies `bytes` into a new byte buffer owned by the caller (freed with
/// `tiaokuai_bytes_free`), laid out as a string is: its length is kept before
/// it, so the free needs only the pointer.
pub(crate) fn new_bytes(bytes: &[u8]) -> (*mut u8, usize) {
    (new_buffer(bytes), bytes.len())
}

/// Frees a byte buffer made by [`new_bytes`]; NULL is a no-op.
///
/// # Safety
/// `p` is NULL or a pointer from [`new_bytes`], not yet freed.
pub(crate) unsafe fn free_bytes(p: *mut u8) {
    // SAFETY: forwarded contract.
    unsafe { free_buffer(p) }
}

/// Hands `s` to C through `out_str` / `out_len` (both checked beforehand).
///
/// # Safety
/// `out_str` is valid for writing a pointer; `out_len` is NULL or valid for writing a `usize`.
pub(crate) unsafe fn write_string(out_str: *mut *mut c_char, out_len: *mut usize, s: &str) {
    let (p, len) = new_string(s);
    // SAFETY: forwarded contract.
    unsafe {
        write(out_str, p);
        write_len(out_len, len);
    }
}

/// Hands `bytes` to C through `out_bytes` / `out_len` (both checked beforehand).
///
/// # Safety
/// `out_bytes` is valid for writing a pointer, `out_len` for writing a `usize`.
pub(crate) unsafe fn write_bytes(out_bytes: *mut *mut u8, out_len: *mut usize, bytes: &[u8]) {
    let (p, len) = new_bytes(bytes);
    // SAFETY: forwarded contract.
    unsafe {
        write(out_bytes, p);
        write(out_len, len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_buffers_round_trip() {
        for b in [&b""[..], b"\x89TKZ\0\xff", &[0u8; 1000][..]] {
            let (p, len) = new_bytes(b);
            assert_eq!(len, b.len());
            // SAFETY: p holds len bytes.
            assert_eq!(unsafe { std::slice::from_raw_parts(p, len) }, b);
            // SAFETY: made by new_bytes above.
            unsafe { free_bytes(p) };
        }
        // SAFETY: NULL is a no-op.
        unsafe { free_bytes(ptr::null_mut()) };
    }

    #[test]
    fn strings_round_trip_with_inner_nul() {
        for s in ["", "abc", "宝山区", "a\0b"] {
            let (p, len) = new_string(s);
            assert_eq!(len, s.len());
            // SAFETY: p holds len + 1 bytes.
            let back = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len + 1) };
            assert_eq!(&back[..len], s.as_bytes());
            assert_eq!(back[len], 0);
            // SAFETY: made by new_string above.
            unsafe { free_string(p) };
        }
        // SAFETY: NULL is a no-op.
        unsafe { free_string(ptr::null_mut()) };
    }

    #[test]
    fn guard_turns_a_panic_into_a_result_and_an_error() {
        let mut out = 7;
        let mut error: *mut tiaokuai_error = ptr::null_mut();
        let rc = guard(&mut error, || {
            if out == 7 {
                panic!("boom");
            }
            out = 8;
            Ok(())
        });
        assert_eq!(rc, tiaokuai_result::Panic);
        assert_eq!(out, 7);
        assert!(!error.is_null());
        // SAFETY: made by guard just above; read, then freed once.
        unsafe {
            let message = std::ffi::CStr::from_ptr(crate::error::tiaokuai_error_message(error, ptr::null_mut()));
            assert_eq!(message.to_str().unwrap(), "internal error (please report it): boom");
            crate::error::tiaokuai_error_free(error);
        }
        // Without an error object, the code alone.
        assert_eq!(guard(ptr::null_mut(), || panic!("{}", String::from("again"))), tiaokuai_result::Panic);
    }

    #[test]
    fn guard_writes_null_on_success_and_the_failure_otherwise() {
        let mut error: *mut tiaokuai_error = ptr::dangling_mut();
        assert_eq!(guard(&mut error, || Ok(())), tiaokuai_result::Ok);
        assert!(error.is_null());
        assert_eq!(guard(&mut error, || Err(Failure::null("x"))), tiaokuai_result::NullParameter);
        // SAFETY: made by guard just above.
        unsafe {
            assert_eq!(crate::error::tiaokuai_error_code(error), tiaokuai_result::NullParameter);
            crate::error::tiaokuai_error_free(error);
        }
        assert_eq!(guard_or(5, || panic!("quiet")), 5);
    }

    #[test]
    fn inputs_are_checked() {
        // SAFETY: NULL and valid buffers only.
        unsafe {
            assert_eq!(str_in(ptr::null(), 0, "id").unwrap_err().code(), tiaokuai_result::NullParameter);
            assert_eq!(str_in(b"\xff".as_ptr().cast(), 1, "id").unwrap_err().code(), tiaokuai_result::InvalidUtf8);
            assert_eq!(str_in(b"ab".as_ptr().cast(), 1, "id").unwrap(), "a");
            assert_eq!(
                bytes_in(b"a".as_ptr().cast(), usize::MAX, "id").unwrap_err().code(),
                tiaokuai_result::InvalidArgument
            );
            assert_eq!(opt_str_in(ptr::null(), 0, "config").unwrap(), None);
            assert_eq!(opt_str_in(ptr::null(), 2, "config").unwrap_err().code(), tiaokuai_result::NullParameter);
            assert_eq!(opt_str_in(b"{}".as_ptr().cast(), 2, "config").unwrap(), Some("{}"));
        }
    }

    #[test]
    fn text_keeps_its_length() {
        let t = Text::new("a\0b");
        assert_eq!(t.len(), 3);
        let mut len = 0;
        // SAFETY: len is a valid usize.
        let p = unsafe { lend(Some(&t), &mut len) };
        assert_eq!(p, t.as_ptr());
        assert_eq!(len, 3);
    }
}
