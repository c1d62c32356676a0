//! `IopResponse`: what a call returned, read from C.

use std::ffi::{CString, c_char};
use std::ptr;

use super::guard::{self, handle, handle_type};
use super::strings::{borrowed, to_cstring};
use crate::response::Response;

/// A response: body, HTTP status and envelope fields. Opaque, immutable, shareable
/// between threads. Every string accessor returns a borrowed pointer valid until
/// `iop_response_free`, or NULL when the field is absent or `response` is NULL/invalid.
#[repr(C)]
pub struct IopResponse {
    tag: u64,
    http_status: i32,
    is_success: bool,
    body: CString,
    body_len: usize,
    error_type: Option<CString>,
    code: Option<CString>,
    message: Option<CString>,
    sub_code: Option<CString>,
    sub_message: Option<CString>,
    request_id: Option<CString>,
    retry_after_ms: i64,
}
handle_type!(IopResponse, 0x494f_5052_4553_0002);

impl IopResponse {
    pub(crate) fn new(response: Response) -> IopResponse {
        let c = |s: Option<&str>| s.map(to_cstring);
        let mut out = IopResponse {
            tag: <IopResponse as guard::Handle>::TAG,
            http_status: i32::from(response.http_status()),
            is_success: response.is_success(),
            body: CString::default(),
            body_len: 0,
            error_type: c(response.error_type()),
            code: c(response.code()),
            message: c(response.message()),
            sub_code: c(response.sub_code()),
            sub_message: c(response.sub_message()),
            request_id: c(response.request_id()),
            retry_after_ms: super::last_error::retry_after_ms(response.retry_after()),
        };
        let body = response.into_body();
        out.body_len = body.len();
        // A JSON text holds no raw NUL byte.
        out.body = CString::new(body).unwrap_or_default();
        out
    }
}

unsafe fn field(response: *const IopResponse, pick: impl FnOnce(&IopResponse) -> *const c_char) -> *const c_char {
    guard::value(ptr::null(), || unsafe { handle(response, "response") }.ok().map(pick))
}

/// Frees a response. NULL does nothing.
///
/// # Safety
/// `response` is NULL or from this library, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_response_free(response: *mut IopResponse) {
    unsafe { guard::free_handle(response) }
}

/// The body exactly as received (UTF-8 JSON), borrowed; NULL if `response` is invalid.
///
/// # Safety
/// `response` is NULL or a live response.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_response_body(response: *const IopResponse) -> *const c_char {
    unsafe { field(response, |r| r.body.as_ptr()) }
}

/// The body's length in bytes; 0 if `response` is invalid.
///
/// # Safety
/// `response` is NULL or a live response.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_response_body_len(response: *const IopResponse) -> usize {
    guard::value(0, || unsafe { handle(response, "response") }.ok().map(|r| r.body_len))
}

/// The HTTP status (e.g. 200, 400); 0 if `response` is invalid.
///
/// # Safety
/// `response` is NULL or a live response.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_response_http_status(response: *const IopResponse) -> i32 {
    guard::value(0, || unsafe { handle(response, "response") }.ok().map(|r| r.http_status))
}

/// True when there is no `error_response` and `code` is absent, `""` or `"0"`.
///
/// # Safety
/// `response` is NULL or a live response.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_response_is_success(response: *const IopResponse) -> bool {
    guard::value(false, || unsafe { handle(response, "response") }.ok().map(|r| r.is_success))
}

/// `type` (`ISV`, `ISP`, `SYSTEM`), borrowed, or NULL.
///
/// # Safety
/// `response` is NULL or a live response.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_response_type(response: *const IopResponse) -> *const c_char {
    unsafe { field(response, |r| borrowed(&r.error_type)) }
}

/// `code` as text (`"0"` on success, numeric codes as digits), borrowed, or NULL.
///
/// # Safety
/// `response` is NULL or a live response.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_response_code(response: *const IopResponse) -> *const c_char {
    unsafe { field(response, |r| borrowed(&r.code)) }
}

/// `message` (flat envelope) or `msg` (wrapped `error_response`), borrowed, or NULL.
///
/// # Safety
/// `response` is NULL or a live response.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_response_message(response: *const IopResponse) -> *const c_char {
    unsafe { field(response, |r| borrowed(&r.message)) }
}

/// `sub_code`, borrowed, or NULL.
///
/// # Safety
/// `response` is NULL or a live response.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_response_sub_code(response: *const IopResponse) -> *const c_char {
    unsafe { field(response, |r| borrowed(&r.sub_code)) }
}

/// `sub_msg`, borrowed, or NULL.
///
/// # Safety
/// `response` is NULL or a live response.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_response_sub_message(response: *const IopResponse) -> *const c_char {
    unsafe { field(response, |r| borrowed(&r.sub_message)) }
}

/// `request_id` (from the envelope or the wrapped `…_response` object), borrowed, or NULL.
///
/// # Safety
/// `response` is NULL or a live response.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_response_request_id(response: *const IopResponse) -> *const c_char {
    unsafe { field(response, |r| borrowed(&r.request_id)) }
}

/// For a throttling error (`code` `ApiCallLimit` or `AppCallLimit`): how long the platform says
/// the ban lasts ("ban will last N seconds"), in milliseconds; -1 for any other response, when
/// no duration is given, or if `response` is NULL/invalid. Nothing is retried automatically.
///
/// # Safety
/// `response` is NULL or a live response.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_response_retry_after_ms(response: *const IopResponse) -> i64 {
    guard::value(-1, || unsafe { handle(response, "response") }.ok().map(|r| r.retry_after_ms))
}
