//! `IopEnosClient` and `IopEnosToken`: the EnOS token service and `apim-*` signed calls from C.

use std::ffi::{CString, c_char};
use std::ptr;
use std::sync::Arc;

use super::config::{IOP_USE_DEFAULT, IopConfig, configure, new_client};
use super::guard::{self, handle, handle_type};
use super::response::IopResponse;
use super::status::IopStatus;
use super::strings::{arg_str, bytes_arg, out_arg, owned, to_cstring};
use crate::enos::{EnosClient, EnosToken};
use crate::error::Result;

/// A client for one EnOS API gateway and app: connection pool, settings, app secret. Opaque.
/// Thread-safe: one client may be used by any number of threads at once, setters included.
#[repr(C)]
pub struct IopEnosClient {
    tag: u64,
    pub(crate) client: Arc<EnosClient>,
}
handle_type!(IopEnosClient, 0x494f_5045_4e43_0005);

/// An EnOS access token and its absolute expiry. Opaque, immutable, shareable between
/// threads. Contains a secret: free it promptly.
#[repr(C)]
pub struct IopEnosToken {
    tag: u64,
    token: EnosToken,
    access_token: CString,
}
handle_type!(IopEnosToken, 0x494f_5045_4e54_0006);

/// Creates an EnOS client for `gateway_url` (`https://{apigw-address}`, no path needed).
/// `config` NULL means every default (its partner id is not used by EnOS); it is copied. All
/// strings are copied. On `IOP_OK` writes `*out_client`: owned, release with
/// `iop_enos_client_free`.
///
/// # Safety
/// String arguments are NULL or NUL-terminated; `config` is NULL or live; `out_client` is
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_enos_client_new(
    gateway_url: *const c_char,
    app_key: *const c_char,
    app_secret: *const c_char,
    config: *const IopConfig,
    out_client: *mut *mut IopEnosClient,
) -> IopStatus {
    unsafe {
        new_client(
            (gateway_url, "gateway_url"),
            app_key,
            app_secret,
            config,
            out_client,
            EnosClient::with_config,
            |c| IopEnosClient { tag: <IopEnosClient as guard::Handle>::TAG, client: Arc::new(c) },
        )
    }
}

/// Frees an EnOS client. NULL does nothing. No other thread may be using it.
///
/// # Safety
/// `client` is NULL or from `iop_enos_client_new`, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_enos_client_free(client: *mut IopEnosClient) {
    unsafe { guard::free_handle(client) }
}

/// Replaces the EnOS client's settings with a copy of `config` (NULL: every default), as
/// `iop_client_configure`.
///
/// # Safety
/// `client` is NULL or live; `config` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_enos_client_configure(
    client: *const IopEnosClient,
    config: *const IopConfig,
) -> IopStatus {
    unsafe { configure(client, config, |c, settings| c.client.configure(|cfg| *cfg = settings)) }
}

unsafe fn write_token(out_token: *mut *mut IopEnosToken, token: EnosToken) {
    let access_token = to_cstring(token.access_token.expose());
    let tag = <IopEnosToken as guard::Handle>::TAG;
    unsafe { *out_token = guard::into_handle(IopEnosToken { tag, token, access_token }) };
}

/// Gets the app's access token (`/apim-token-service/v2.0/token/get`); the service returns
/// the same token while it is valid. A status other than 0 is `IOP_ERR_PLATFORM` with the
/// status as `iop_last_error_code` (e.g. `"1003"` invalid encryption); a replay rejection
/// (1001) is retried once with a new timestamp. On `IOP_OK` writes `*out_token`: owned,
/// release with `iop_enos_token_free`.
///
/// # Safety
/// `client` is NULL or a live EnOS client; `out_token` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_enos_token_get(
    client: *const IopEnosClient,
    out_token: *mut *mut IopEnosToken,
) -> IopStatus {
    guard::status(|| {
        out_arg(out_token, "out_token")?;
        let token = unsafe { handle(client, "client") }?.client.get_token()?;
        unsafe { write_token(out_token, token) };
        Ok(())
    })
}

/// Refreshes `access_token` (`/apim-token-service/v2.0/token/refresh`), giving the token to
/// use from now on. An expired token is `IOP_ERR_TOKEN_EXPIRED` (code `"1203"`): call
/// `iop_enos_token_get` instead. Other failures as `iop_enos_token_get`. On `IOP_OK` writes
/// `*out_token`: owned, release with `iop_enos_token_free`.
///
/// # Safety
/// `client` is NULL or a live EnOS client; `access_token` is NULL or NUL-terminated;
/// `out_token` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_enos_token_refresh(
    client: *const IopEnosClient,
    access_token: *const c_char,
    out_token: *mut *mut IopEnosToken,
) -> IopStatus {
    guard::status(|| {
        out_arg(out_token, "out_token")?;
        let c = unsafe { handle(client, "client") }?;
        let token = c.client.refresh_token(unsafe { arg_str(access_token, "access_token") }?)?;
        unsafe { write_token(out_token, token) };
        Ok(())
    })
}

/// Frees an EnOS token. NULL does nothing.
///
/// # Safety
/// `token` is NULL or from this library, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_enos_token_free(token: *mut IopEnosToken) {
    unsafe { guard::free_handle(token) }
}

/// The access token (borrowed, valid until `iop_enos_token_free`), or NULL when `token` is
/// NULL or invalid.
///
/// # Safety
/// `token` is NULL or a live EnOS token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_enos_token_access_token(token: *const IopEnosToken) -> *const c_char {
    guard::value(ptr::null(), || unsafe { handle(token, "token") }.ok().map(|t| t.access_token.as_ptr()))
}

/// Absolute expiry, epoch milliseconds (time received + `expire`), or -1 when `token` is
/// NULL or invalid.
///
/// # Safety
/// `token` is NULL or a live EnOS token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_enos_token_expires_at_ms(token: *const IopEnosToken) -> i64 {
    guard::value(-1, || unsafe { handle(token, "token") }.ok().map(|t| t.token.expires_at_ms))
}

/// Reads an optional body: NULL is none (then `body_len` must be 0).
///
/// # Safety
/// As [`bytes_arg`].
unsafe fn opt_body<'a>(body: *const u8, body_len: usize) -> Result<Option<&'a [u8]>> {
    let bytes = unsafe { bytes_arg(body, body_len, "body") }?;
    Ok(if body.is_null() { None } else { Some(bytes) })
}

/// Computes the `apim-*` headers of a call: send `apim-accesstoken: <access_token>`,
/// `apim-timestamp: <*out_timestamp_ms>` and `apim-signature: <*out_signature>`.
/// `path_and_query` is the path (or full URL) with the query; `body` the exact bytes to send
/// (NULL with `body_len` 0 for none). `timestamp_ms`: epoch milliseconds, or `IOP_USE_DEFAULT`
/// for a fresh, never-repeated one.
/// On `IOP_OK` writes `*out_timestamp_ms` (the value to send) and `*out_signature`: owned,
/// release with `iop_string_free`.
///
/// # Safety
/// `client` is NULL or a live EnOS client; strings are NULL or NUL-terminated; `body` is
/// NULL or has `body_len` readable bytes; out-pointers are writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_enos_client_sign(
    client: *const IopEnosClient,
    access_token: *const c_char,
    path_and_query: *const c_char,
    body: *const u8,
    body_len: usize,
    timestamp_ms: i64,
    out_timestamp_ms: *mut i64,
    out_signature: *mut *mut c_char,
) -> IopStatus {
    guard::status(|| {
        out_arg(out_timestamp_ms, "out_timestamp_ms")?;
        out_arg(out_signature, "out_signature")?;
        let c = unsafe { handle(client, "client") }?;
        let token = unsafe { arg_str(access_token, "access_token") }?;
        let path = unsafe { arg_str(path_and_query, "path_and_query") }?;
        let body = unsafe { opt_body(body, body_len) }?.unwrap_or_default();
        let when = if timestamp_ms == IOP_USE_DEFAULT { None } else { Some(timestamp_ms) };
        let headers = c.client.sign(path, body, token, when)?;
        unsafe {
            *out_timestamp_ms = headers.timestamp_ms;
            *out_signature = owned(&headers.signature);
        }
        Ok(())
    })
}

/// Signs (fresh timestamp) and sends an API call: `method` (`GET`, `POST`, `PUT`, `PATCH`,
/// `DELETE`) to `path_and_query` on the gateway, with `body` sent byte for byte as JSON
/// (NULL with `body_len` 0 for none; GET and DELETE take none). Any JSON answer is `IOP_OK`
/// (check `iop_response_is_success`: `code` 0); transport failures and bodies that are not
/// JSON objects are errors. On `IOP_OK` writes `*out_response`: owned, release with
/// `iop_response_free`.
///
/// # Safety
/// `client` is NULL or a live EnOS client; strings are NULL or NUL-terminated; `body` is
/// NULL or has `body_len` readable bytes; `out_response` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_enos_client_execute(
    client: *const IopEnosClient,
    access_token: *const c_char,
    method: *const c_char,
    path_and_query: *const c_char,
    body: *const u8,
    body_len: usize,
    out_response: *mut *mut IopResponse,
) -> IopStatus {
    guard::status(|| {
        out_arg(out_response, "out_response")?;
        let c = unsafe { handle(client, "client") }?;
        let token = unsafe { arg_str(access_token, "access_token") }?;
        let method = unsafe { arg_str(method, "method") }?;
        let path = unsafe { arg_str(path_and_query, "path_and_query") }?;
        let body = unsafe { opt_body(body, body_len) }?;
        let response = c.client.call(method, path, body, token)?;
        unsafe { *out_response = guard::into_handle(IopResponse::new(response)) };
        Ok(())
    })
}
