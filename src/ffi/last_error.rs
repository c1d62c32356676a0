//! The thread-local record of the last failure, read through `iop_last_error_*`.

use std::cell::RefCell;
use std::ffi::{CString, c_char};
use std::ptr;

use super::guard;
use super::status::IopStatus;
use super::strings::to_cstring;
use crate::error::Error;

struct LastError {
    status: IopStatus,
    message: CString,
    code: Option<CString>,
    error_type: Option<CString>,
    sub_code: Option<CString>,
    sub_message: Option<CString>,
    request_id: Option<CString>,
    http_status: i32,
    retry_after_ms: i64,
}

thread_local! {
    static LAST: RefCell<Option<LastError>> = const { RefCell::new(None) };
}

/// Forgets the previous failure (every status-returning function starts with this).
pub(crate) fn clear() {
    LAST.with(|l| *l.borrow_mut() = None);
}

/// Records `error` as this thread's last failure and returns its status.
pub(crate) fn set(error: Error) -> IopStatus {
    let status = IopStatus::of(&error);
    let platform = error.platform_error();
    let record = LastError {
        status,
        message: to_cstring(error.message()),
        code: platform.map(|p| to_cstring(&p.code)),
        error_type: platform.and_then(|p| p.error_type.as_deref()).map(to_cstring),
        sub_code: platform.and_then(|p| p.sub_code.as_deref()).map(to_cstring),
        sub_message: platform.and_then(|p| p.sub_message.as_deref()).map(to_cstring),
        request_id: platform.and_then(|p| p.request_id.as_deref()).map(to_cstring),
        http_status: error.http_status().map_or(0, i32::from),
        retry_after_ms: retry_after_ms(error.retry_after()),
    };
    LAST.with(|l| *l.borrow_mut() = Some(record));
    status
}

/// A wait in whole milliseconds for C, -1 for none.
pub(crate) fn retry_after_ms(wait: Option<std::time::Duration>) -> i64 {
    wait.map_or(-1, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn read<T>(f: impl FnOnce(&LastError) -> T, none: T) -> T {
    LAST.with(|l| l.borrow().as_ref().map_or(none, f))
}

fn opt_ptr(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(ptr::null(), |c| c.as_ptr())
}

/// Status of the last failed call on this thread, or `IOP_OK` if the last status-returning
/// call succeeded.
#[unsafe(no_mangle)]
pub extern "C" fn iop_last_error_status() -> IopStatus {
    read(|e| e.status, IopStatus::IOP_OK)
}

/// Message of the last failure on this thread (never contains secrets), or NULL.
/// Borrowed: valid until the next status-returning `iop_*` call on this thread.
#[unsafe(no_mangle)]
pub extern "C" fn iop_last_error_message() -> *const c_char {
    read(|e| e.message.as_ptr(), ptr::null())
}

/// Platform error `code` of the last failure (`IOP_ERR_PLATFORM` and `IOP_ERR_TOKEN_EXPIRED`;
/// EnOS statuses as decimal text, e.g. `"1203"`; for `IOP_ERR_PUSH_REJECTED` the reason:
/// `"MissingAuthorization"`, `"MalformedAuthorization"`, `"SignatureMismatch"`,
/// `"MalformedBody"`), or NULL.
/// Borrowed: valid until the next status-returning `iop_*` call on this thread.
#[unsafe(no_mangle)]
pub extern "C" fn iop_last_error_code() -> *const c_char {
    read(|e| opt_ptr(&e.code), ptr::null())
}

/// Platform error `type` (`ISV`, `ISP`, `SYSTEM`) of the last failure, or NULL.
/// Borrowed: valid until the next status-returning `iop_*` call on this thread.
#[unsafe(no_mangle)]
pub extern "C" fn iop_last_error_type() -> *const c_char {
    read(|e| opt_ptr(&e.error_type), ptr::null())
}

/// Platform error `sub_code` of the last failure, or NULL.
/// Borrowed: valid until the next status-returning `iop_*` call on this thread.
#[unsafe(no_mangle)]
pub extern "C" fn iop_last_error_sub_code() -> *const c_char {
    read(|e| opt_ptr(&e.sub_code), ptr::null())
}

/// Platform error `sub_msg` of the last failure (a human-readable detail), or NULL.
/// Borrowed: valid until the next status-returning `iop_*` call on this thread.
#[unsafe(no_mangle)]
pub extern "C" fn iop_last_error_sub_message() -> *const c_char {
    read(|e| opt_ptr(&e.sub_message), ptr::null())
}

/// Platform `request_id` of the last failure, or NULL.
/// Borrowed: valid until the next status-returning `iop_*` call on this thread.
#[unsafe(no_mangle)]
pub extern "C" fn iop_last_error_request_id() -> *const c_char {
    read(|e| opt_ptr(&e.request_id), ptr::null())
}

/// HTTP status of the response that carried the last failure, or 0 when there was none.
#[unsafe(no_mangle)]
pub extern "C" fn iop_last_error_http_status() -> i32 {
    read(|e| e.http_status, 0)
}

/// For a throttling failure (`IOP_ERR_PLATFORM` with code `ApiCallLimit` or `AppCallLimit`):
/// how long the platform says the ban lasts ("ban will last N seconds"), in milliseconds; for
/// `IOP_ERR_RATE_LIMITED` when to try again, for `IOP_ERR_QUOTA_EXCEEDED` the time until the
/// quota resets; -1 when the last failure is none of these or gives no duration, or the last
/// call succeeded. Without a rate limiter the library never waits on its own. Reads this thread's last error only.
#[unsafe(no_mangle)]
pub extern "C" fn iop_last_error_retry_after_ms() -> i64 {
    guard::value(-1, || Some(read(|e| e.retry_after_ms, -1)))
}
