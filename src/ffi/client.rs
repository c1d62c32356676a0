//! `IopClient`: creating, configuring and calling through a client from C.

use std::ffi::c_char;
use std::sync::Arc;

use super::config::{IopConfig, configure, new_client, time_arg};
use super::guard::{self, handle, handle_type};
use super::request::IopRequest;
use super::response::IopResponse;
use super::status::{IopProtocol, IopStatus};
use super::strings::{opt_str, out_arg, owned};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::protocol::Protocol;

/// A client for one gateway and app: connection pool, settings, app secret. Opaque.
/// Thread-safe: one client may be used by any number of threads at once, setters included
/// (a call already running keeps the settings it started with).
#[repr(C)]
pub struct IopClient {
    tag: u64,
    pub(crate) client: Arc<Client>,
}
handle_type!(IopClient, 0x494f_5043_4c49_0003);

/// Creates a client. `server_url` ends in `/rest` (`https://api.taobao.tw/rest`) or is a bare
/// host (`https://api-sg.aliexpress.com`). `config` NULL means every default; it is copied. All
/// strings are copied. On `IOP_OK` writes `*out_client`: owned, release with `iop_client_free`.
///
/// # Safety
/// String arguments are NULL or NUL-terminated; `config` is NULL or live; `out_client` is
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_client_new(
    server_url: *const c_char,
    app_key: *const c_char,
    app_secret: *const c_char,
    config: *const IopConfig,
    out_client: *mut *mut IopClient,
) -> IopStatus {
    unsafe {
        new_client((server_url, "server_url"), app_key, app_secret, config, out_client, Client::with_config, |c| {
            IopClient { tag: <IopClient as guard::Handle>::TAG, client: Arc::new(c) }
        })
    }
}

/// Frees a client. NULL does nothing. No other thread may be using it.
///
/// # Safety
/// `client` is NULL or from `iop_client_new`, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_client_free(client: *mut IopClient) {
    unsafe { guard::free_handle(client) }
}

/// Replaces the client's settings with a copy of `config` (NULL: every default). Calls already
/// running keep the settings they started with; other threads may keep using the client.
///
/// # Safety
/// `client` is NULL or live; `config` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_client_configure(client: *const IopClient, config: *const IopConfig) -> IopStatus {
    unsafe { configure(client, config, |c, settings| c.client.configure(|cfg| *cfg = settings)) }
}

pub(crate) fn protocol_arg(protocol: i32) -> Result<Option<Protocol>> {
    match protocol {
        p if p == IopProtocol::IOP_PROTOCOL_AUTO as i32 => Ok(None),
        p if p == IopProtocol::IOP_PROTOCOL_GOP as i32 => Ok(Some(Protocol::Gop)),
        p if p == IopProtocol::IOP_PROTOCOL_TOP as i32 => Ok(Some(Protocol::Top)),
        _ => {
            Err(Error::invalid_argument("protocol", "must be IOP_PROTOCOL_AUTO, IOP_PROTOCOL_GOP or IOP_PROTOCOL_TOP"))
        }
    }
}

/// Signs and sends `request`. `access_token` may be NULL (no token); `protocol` is an
/// `IopProtocol` value. A platform error (e.g. `IllegalAccessToken`) is a successful call:
/// `IOP_OK` with a response whose `iop_response_is_success` is false, as in the official SDKs.
/// On `IOP_OK` writes `*out_response`: owned, release with `iop_response_free`.
///
/// # Safety
/// Pointers are NULL or valid; `request` is not mutated by another thread meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_client_execute(
    client: *const IopClient,
    request: *const IopRequest,
    access_token: *const c_char,
    protocol: i32,
    out_response: *mut *mut IopResponse,
) -> IopStatus {
    guard::status(|| {
        out_arg(out_response, "out_response")?;
        let c = unsafe { handle(client, "client") }?;
        let r = unsafe { handle(request, "request") }?;
        let token = unsafe { opt_str(access_token, "access_token") }?;
        let response = c.client.execute(&r.request, token, protocol_arg(protocol)?)?;
        unsafe { *out_response = guard::into_handle(IopResponse::new(response)) };
        Ok(())
    })
}

/// Computes what `iop_client_execute` would sign at `timestamp_ms` (epoch milliseconds, at
/// least 0; `IOP_USE_DEFAULT`: now):
/// writes the exact string to sign and the signature. Both are owned (release each with
/// `iop_string_free`) and written only on `IOP_OK`. The string to sign contains parameter
/// values (tokens included), never the app secret.
///
/// # Safety
/// Pointers are NULL or valid; out-pointers are writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_client_sign(
    client: *const IopClient,
    request: *const IopRequest,
    access_token: *const c_char,
    protocol: i32,
    timestamp_ms: i64,
    out_sign_string: *mut *mut c_char,
    out_sign: *mut *mut c_char,
) -> IopStatus {
    guard::status(|| {
        out_arg(out_sign_string, "out_sign_string")?;
        out_arg(out_sign, "out_sign")?;
        let c = unsafe { handle(client, "client") }?;
        let r = unsafe { handle(request, "request") }?;
        let token = unsafe { opt_str(access_token, "access_token") }?;
        let at = time_arg(timestamp_ms, "timestamp_ms")?;
        let signed = c.client.sign(&r.request, token, protocol_arg(protocol)?, at)?;
        unsafe {
            *out_sign_string = owned(&signed.sign_string);
            *out_sign = owned(&signed.sign);
        }
        Ok(())
    })
}
