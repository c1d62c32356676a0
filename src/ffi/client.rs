//! `IopClient`: creating, configuring and calling through a client from C.

use std::ffi::c_char;
use std::sync::Arc;
use std::time::Duration;

use super::guard::{self, handle, handle_type};
use super::request::IopRequest;
use super::response::IopResponse;
use super::status::{IopProtocol, IopStatus};
use super::strings::{arg_str, opt_str, out_arg, owned};
use crate::client::Client;
use crate::config::ClientConfig;
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
/// host (`https://api-sg.aliexpress.com`). All strings are copied. On success writes
/// `*out_client`: owned, release with `iop_client_free`.
///
/// # Safety
/// String arguments are NULL or NUL-terminated; `out_client` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_client_new(
    server_url: *const c_char,
    app_key: *const c_char,
    app_secret: *const c_char,
    out_client: *mut *mut IopClient,
) -> IopStatus {
    guard::status(|| {
        out_arg(out_client, "out_client")?;
        let client = Client::new(
            unsafe { arg_str(server_url, "server_url") }?,
            unsafe { arg_str(app_key, "app_key") }?,
            unsafe { arg_str(app_secret, "app_secret") }?,
        )?;
        unsafe {
            *out_client =
                guard::into_handle(IopClient { tag: <IopClient as guard::Handle>::TAG, client: Arc::new(client) })
        };
        Ok(())
    })
}

/// Frees a client. NULL does nothing. No other thread may be using it.
///
/// # Safety
/// `client` is NULL or from `iop_client_new`, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_client_free(client: *mut IopClient) {
    unsafe { guard::free_handle(client) }
}

unsafe fn configure(client: *mut IopClient, change: impl FnOnce(&mut ClientConfig) -> Result<()>) -> IopStatus {
    guard::status(|| {
        let c = unsafe { handle(client, "client") }?;
        let mut outcome = Ok(());
        c.client.configure(|config| outcome = change(config))?;
        outcome
    })
}

/// Reads the PEM file named by the C string `pem_path`.
///
/// # Safety
/// `pem_path` is NULL or NUL-terminated.
pub(crate) unsafe fn read_pem(pem_path: *const c_char) -> Result<Vec<u8>> {
    let path = unsafe { arg_str(pem_path, "pem_path") }?;
    std::fs::read(path).map_err(|e| Error::invalid_argument("pem_path", &format!("cannot be read: {e}")))
}

/// A positive number of milliseconds as a duration; 0 is refused naming `name`.
pub(crate) fn millis(ms: u64, name: &str) -> Result<Duration> {
    if ms == 0 {
        Err(Error::invalid_argument(name, "must be greater than zero"))
    } else {
        Ok(Duration::from_millis(ms))
    }
}

/// Sets the connect timeout in milliseconds (default 15000; must be > 0).
///
/// # Safety
/// `client` is NULL or a live client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_client_set_connect_timeout_ms(client: *mut IopClient, timeout_ms: u64) -> IopStatus {
    unsafe {
        configure(client, |c| {
            c.connect_timeout = millis(timeout_ms, "timeout_ms")?;
            Ok(())
        })
    }
}

/// Sets the read timeout in milliseconds (default 30000; must be > 0). It bounds each phase:
/// sending the request, waiting for the response head, reading the body.
///
/// # Safety
/// `client` is NULL or a live client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_client_set_read_timeout_ms(client: *mut IopClient, timeout_ms: u64) -> IopStatus {
    unsafe {
        configure(client, |c| {
            c.read_timeout = millis(timeout_ms, "timeout_ms")?;
            Ok(())
        })
    }
}

/// Sets the `partner_id` sent with every call (default `iopkit-<version>`); copied.
///
/// # Safety
/// `client` is NULL or a live client; `partner_id` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_client_set_partner_id(client: *mut IopClient, partner_id: *const c_char) -> IopStatus {
    unsafe {
        configure(client, |c| {
            c.partner_id = arg_str(partner_id, "partner_id")?.to_owned();
            Ok(())
        })
    }
}

/// Trusts the CA certificates in the PEM file at `pem_path` instead of the built-in roots
/// (for TLS-intercepting proxies or private gateways). The file is read now. Verification
/// itself can never be turned off.
///
/// # Safety
/// `client` is NULL or a live client; `pem_path` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_client_set_ca_bundle(client: *mut IopClient, pem_path: *const c_char) -> IopStatus {
    unsafe {
        configure(client, |c| {
            c.ca_bundle_pem = Some(read_pem(pem_path)?);
            Ok(())
        })
    }
}

/// Allows plain `http://` to hosts other than loopback (refused by default; never advisable:
/// the app secret's signatures and tokens would cross the network in clear).
///
/// # Safety
/// `client` is NULL or a live client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_client_set_allow_insecure_http(client: *mut IopClient, allow: bool) -> IopStatus {
    unsafe {
        configure(client, |c| {
            c.allow_insecure_http = allow;
            Ok(())
        })
    }
}

/// Sets the largest response body accepted, in bytes (default 8 MiB; must be > 0).
///
/// # Safety
/// `client` is NULL or a live client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_client_set_max_response_bytes(client: *mut IopClient, max_bytes: u64) -> IopStatus {
    unsafe {
        configure(client, |c| {
            if max_bytes == 0 {
                return Err(Error::invalid_argument("max_bytes", "must be greater than zero"));
            }
            c.max_response_bytes = max_bytes;
            Ok(())
        })
    }
}

/// Sets how many times a call is re-sent after a connect failure (`IOP_ERR_CONNECT`: the
/// connection could not be made, so the request never reached the server); default 2, at most
/// 10, 0 turns retries off. Each retry is signed afresh, after 100 ms doubling up to 1 s (with
/// jitter). Nothing else is ever retried: a call that may have arrived (a timeout, a reset, a
/// bad answer) is never re-sent, so a code or refresh token is never spent twice.
///
/// # Safety
/// `client` is NULL or a live client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_client_set_max_connect_retries(client: *mut IopClient, retries: u32) -> IopStatus {
    unsafe {
        configure(client, |c| {
            if retries > crate::config::MAX_CONNECT_RETRIES_LIMIT {
                return Err(Error::invalid_argument("retries", "must be at most 10"));
            }
            c.max_connect_retries = retries;
            Ok(())
        })
    }
}

fn protocol_arg(protocol: i32) -> Result<Option<Protocol>> {
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

/// Computes what `iop_client_execute` would sign at `timestamp_ms` (epoch milliseconds):
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
        let signed = c.client.sign(&r.request, token, protocol_arg(protocol)?, timestamp_ms)?;
        unsafe {
            *out_sign_string = owned(&signed.sign_string);
            *out_sign = owned(&signed.sign);
        }
        Ok(())
    })
}
