//! `IopRequest`: building an API call from C.

use std::ffi::c_char;

use super::guard::{self, handle_mut, handle_type};
use super::status::{IopHttpMethod, IopStatus};
use super::strings::{arg_str, bytes_arg, opt_str, out_arg};
use crate::error::Error;
use crate::request::{HttpMethod, Request};

/// An API call being built: name, parameters, files, headers, HTTP method. Opaque.
/// Not for concurrent mutation; once built it may be executed from several threads at once.
#[repr(C)]
pub struct IopRequest {
    tag: u64,
    pub(crate) request: Request,
}
handle_type!(IopRequest, 0x494f_5052_4551_0001);

/// Creates a request for `api_name` (`/auth/token/create` or `aliexpress.ds.category.get`).
/// On success writes `*out_request`: owned, release with `iop_request_free`.
///
/// # Safety
/// `api_name` is a NUL-terminated string; `out_request` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_request_new(api_name: *const c_char, out_request: *mut *mut IopRequest) -> IopStatus {
    guard::status(|| {
        out_arg(out_request, "out_request")?;
        let request = Request::new(unsafe { arg_str(api_name, "api_name") }?)?;
        unsafe { *out_request = guard::into_handle(IopRequest { tag: <IopRequest as guard::Handle>::TAG, request }) };
        Ok(())
    })
}

/// Frees a request. NULL does nothing.
///
/// # Safety
/// `request` is NULL or from `iop_request_new`, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_request_free(request: *mut IopRequest) {
    unsafe { guard::free_handle(request) }
}

/// Replaces the API name (the official SDKs' `setApiName`).
///
/// # Safety
/// Pointers are NULL or valid; `request` is not used by another thread meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_request_set_api_name(request: *mut IopRequest, api_name: *const c_char) -> IopStatus {
    guard::status(|| {
        let r = unsafe { handle_mut(request, "request") }?;
        r.request.set_api_name(unsafe { arg_str(api_name, "api_name") }?)
    })
}

/// Adds (or replaces) a business parameter; both strings are copied. The value is signed and
/// sent exactly as given (an empty value included). `sign` is reserved.
///
/// # Safety
/// Pointers are NULL or valid; `request` is not used by another thread meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_request_add_param(
    request: *mut IopRequest,
    key: *const c_char,
    value: *const c_char,
) -> IopStatus {
    guard::status(|| {
        let r = unsafe { handle_mut(request, "request") }?;
        r.request.add_param(unsafe { arg_str(key, "key") }?, unsafe { arg_str(value, "value") }?)
    })
}

/// Attaches a file as a multipart part (never signed). `content_type` is a MIME type such as
/// `image/png`, or NULL for `application/octet-stream`. `data` (copied) may be NULL only when
/// `len` is 0. All strings are copied.
///
/// # Safety
/// `data` points to `len` readable bytes; other pointers are NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_request_add_file(
    request: *mut IopRequest,
    name: *const c_char,
    file_name: *const c_char,
    content_type: *const c_char,
    data: *const u8,
    len: usize,
) -> IopStatus {
    guard::status(|| {
        let r = unsafe { handle_mut(request, "request") }?;
        let bytes = unsafe { bytes_arg(data, len, "data") }?;
        r.request.add_file(
            unsafe { arg_str(name, "name") }?,
            unsafe { arg_str(file_name, "file_name") }?,
            unsafe { opt_str(content_type, "content_type") }?,
            bytes,
        )
    })
}

/// Adds an HTTP header sent with the request (not signed); copied.
///
/// # Safety
/// Pointers are NULL or valid; `request` is not used by another thread meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_request_add_header(
    request: *mut IopRequest,
    name: *const c_char,
    value: *const c_char,
) -> IopStatus {
    guard::status(|| {
        let r = unsafe { handle_mut(request, "request") }?;
        r.request.add_header(unsafe { arg_str(name, "name") }?, unsafe { arg_str(value, "value") }?)
    })
}

/// Sets the HTTP method: an `IopHttpMethod` value (`IOP_HTTP_POST`, `IOP_HTTP_GET`).
///
/// # Safety
/// `request` is NULL or valid and not used by another thread meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_request_set_http_method(request: *mut IopRequest, method: i32) -> IopStatus {
    guard::status(|| {
        let r = unsafe { handle_mut(request, "request") }?;
        let method = match method {
            m if m == IopHttpMethod::IOP_HTTP_POST as i32 => HttpMethod::Post,
            m if m == IopHttpMethod::IOP_HTTP_GET as i32 => HttpMethod::Get,
            _ => return Err(Error::invalid_argument("method", "must be IOP_HTTP_POST or IOP_HTTP_GET")),
        };
        r.request.set_http_method(method);
        Ok(())
    })
}
