//! C strings in and out: argument checks, owned results and `iop_string_free`.

use std::ffi::{CStr, CString, c_char};
use std::ptr;

use crate::error::{Error, Result};

/// Reads a required string argument: NULL or invalid UTF-8 is an invalid-argument error
/// naming `name`.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn arg_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a str> {
    if ptr.is_null() {
        return Err(Error::invalid_argument(name, "must not be NULL"));
    }
    // SAFETY: the caller promises a NUL-terminated string.
    unsafe { CStr::from_ptr(ptr) }.to_str().map_err(|_| Error::invalid_argument(name, "is not valid UTF-8"))
}

/// Reads an optional string argument (NULL is `None`).
///
/// # Safety
/// As [`arg_str`].
pub(crate) unsafe fn opt_str<'a>(ptr: *const c_char, name: &str) -> Result<Option<&'a str>> {
    if ptr.is_null() { Ok(None) } else { unsafe { arg_str(ptr, name) }.map(Some) }
}

/// Reads a byte-buffer argument: `len` bytes at `ptr`; NULL is allowed only with `len` 0 (no
/// bytes), anything else is an invalid-argument error naming `name`.
///
/// # Safety
/// `ptr` is NULL or has `len` readable bytes that outlive `'a`.
pub(crate) unsafe fn bytes_arg<'a>(ptr: *const u8, len: usize, name: &str) -> Result<&'a [u8]> {
    match (ptr.is_null(), len) {
        (true, 0) => Ok(&[]),
        (true, _) => Err(Error::invalid_argument(name, "is NULL but its length is not 0")),
        // SAFETY: the caller promises `len` readable bytes.
        (false, _) => Ok(unsafe { std::slice::from_raw_parts(ptr, len) }),
    }
}

/// Checks an out-pointer argument.
pub(crate) fn out_arg<T>(ptr: *mut T, name: &str) -> Result<()> {
    if ptr.is_null() { Err(Error::invalid_argument(name, "must not be NULL")) } else { Ok(()) }
}

/// A C copy of `s`, cut at the first NUL (JSON text may carry `\u0000`).
pub(crate) fn to_cstring(s: &str) -> CString {
    let bytes = s.as_bytes();
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    CString::new(&bytes[..end]).expect("no NUL before end")
}

/// An owned C copy of `s` for the caller, released with `iop_string_free`.
pub(crate) fn owned(s: &str) -> *mut c_char {
    to_cstring(s).into_raw()
}

/// A borrowed pointer to an optional cached string (NULL when absent).
pub(crate) fn borrowed(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(ptr::null(), |c| c.as_ptr())
}

/// Releases a string the library returned as owned (`char *`). NULL does nothing.
/// Never pass a borrowed (`const char *`) string or memory from elsewhere.
///
/// # Safety
/// `s` is NULL or a string returned as owned by this library, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_string_free(s: *mut c_char) {
    if !s.is_null() {
        // SAFETY: created by CString::into_raw in `owned`.
        drop(unsafe { CString::from_raw(s) });
    }
}
