//! `IopConfig`: the settings both clients take (timeouts, partner id, trusted CAs, plain-HTTP
//! opt-in, response cap, connect retries), and the one "use the default" rule for numbers.

use std::ffi::c_char;
use std::time::Duration;

use super::guard::{self, handle, handle_mut, handle_type};
use super::status::IopStatus;
use super::strings::{arg_str, opt_str, out_arg};
use crate::config::{
    ClientConfig, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_MAX_CONNECT_RETRIES,
    DEFAULT_MAX_IDLE_CONNECTIONS, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_PARTNER_ID, DEFAULT_READ_TIMEOUT_MS,
    MAX_CONNECT_RETRIES_LIMIT, MAX_IDLE_CONNECTIONS_LIMIT,
};
use crate::error::{Error, Result};

/// Pass this for any numeric setting or argument to get its documented default.
pub const IOP_USE_DEFAULT: i64 = -1;

/// Settings for `iop_client_new`/`iop_enos_client_new` and `iop_client_configure`/
/// `iop_enos_client_configure`, which copy them. Opaque; starts with every default. Not for
/// concurrent mutation: set it up on one thread, then hand it to clients.
#[repr(C)]
pub struct IopConfig {
    tag: u64,
    pub(crate) config: ClientConfig,
}
handle_type!(IopConfig, 0x494f_5043_4f4e_000a);

/// A number argument: `IOP_USE_DEFAULT` (-1) is `default`; a value below `min` (or another
/// negative) is refused naming `name`.
pub(crate) fn number_or_default(value: i64, default: i64, min: i64, name: &str) -> Result<i64> {
    match value {
        IOP_USE_DEFAULT => Ok(default),
        v if v >= min => Ok(v),
        _ => Err(Error::invalid_argument(name, &format!("must be IOP_USE_DEFAULT (-1) or at least {min}"))),
    }
}

/// A duration in milliseconds: `IOP_USE_DEFAULT` (-1) is `default_ms`; it must be at least
/// `min_ms`.
pub(crate) fn millis_or_default(ms: i64, default_ms: i64, min_ms: i64, name: &str) -> Result<Duration> {
    number_or_default(ms, default_ms, min_ms, name).map(|v| Duration::from_millis(v as u64))
}

/// A time argument in epoch milliseconds: `IOP_USE_DEFAULT` is now; other negatives are
/// refused naming `name`.
pub(crate) fn time_arg(ms: i64, name: &str) -> Result<i64> {
    number_or_default(ms, crate::client::now_ms(), 0, name)
}

/// Settings a client is built with: `config` NULL means every default.
///
/// # Safety
/// `config` is NULL or a live `IopConfig`.
pub(crate) unsafe fn config_arg(config: *const IopConfig) -> Result<ClientConfig> {
    if config.is_null() { Ok(ClientConfig::default()) } else { Ok(unsafe { handle(config, "config") }?.config.clone()) }
}

/// Creates settings holding every default. On `IOP_OK` writes `*out_config`: owned, release
/// with `iop_config_free`.
///
/// # Safety
/// `out_config` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_config_new(out_config: *mut *mut IopConfig) -> IopStatus {
    guard::status(|| {
        out_arg(out_config, "out_config")?;
        let tag = <IopConfig as guard::Handle>::TAG;
        unsafe { *out_config = guard::into_handle(IopConfig { tag, config: ClientConfig::default() }) };
        Ok(())
    })
}

/// Frees settings. NULL does nothing. Clients made with them keep their own copy.
///
/// # Safety
/// `config` is NULL or from `iop_config_new`, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_config_free(config: *mut IopConfig) {
    unsafe { guard::free_handle(config) }
}

unsafe fn set(config: *mut IopConfig, change: impl FnOnce(&mut ClientConfig) -> Result<()>) -> IopStatus {
    guard::status(|| change(&mut unsafe { handle_mut(config, "config") }?.config))
}

/// Sets the connect timeout in milliseconds (at least 1; `IOP_USE_DEFAULT`:
/// `IOP_DEFAULT_CONNECT_TIMEOUT_MS`).
///
/// # Safety
/// `config` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_config_set_connect_timeout_ms(config: *mut IopConfig, timeout_ms: i64) -> IopStatus {
    unsafe {
        set(config, |c| {
            c.connect_timeout = millis_or_default(timeout_ms, DEFAULT_CONNECT_TIMEOUT_MS, 1, "timeout_ms")?;
            Ok(())
        })
    }
}

/// Sets the read timeout in milliseconds (at least 1; `IOP_USE_DEFAULT`:
/// `IOP_DEFAULT_READ_TIMEOUT_MS`). It bounds each phase: sending the request, waiting for the
/// response head, reading the body.
///
/// # Safety
/// `config` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_config_set_read_timeout_ms(config: *mut IopConfig, timeout_ms: i64) -> IopStatus {
    unsafe {
        set(config, |c| {
            c.read_timeout = millis_or_default(timeout_ms, DEFAULT_READ_TIMEOUT_MS, 1, "timeout_ms")?;
            Ok(())
        })
    }
}

/// Sets the `partner_id` sent with every IOP call (copied; not empty); NULL restores the
/// default, `iopkit-<version>`. EnOS calls send none.
///
/// # Safety
/// `config` is NULL or live; `partner_id` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_config_set_partner_id(config: *mut IopConfig, partner_id: *const c_char) -> IopStatus {
    unsafe {
        set(config, |c| {
            c.partner_id = match opt_str(partner_id, "partner_id")? {
                None => DEFAULT_PARTNER_ID.to_owned(),
                Some("") => return Err(Error::invalid_argument("partner_id", "must not be empty")),
                Some(id) => id.to_owned(),
            };
            Ok(())
        })
    }
}

/// Trusts the CA certificates in the PEM file at `pem_path` instead of the built-in roots (for
/// TLS-intercepting proxies or private gateways); the file is read and checked now. NULL restores the
/// built-in roots. Verification itself can never be turned off.
///
/// # Safety
/// `config` is NULL or live; `pem_path` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_config_set_ca_bundle(config: *mut IopConfig, pem_path: *const c_char) -> IopStatus {
    unsafe {
        set(config, |c| {
            c.ca_bundle_pem = match opt_str(pem_path, "pem_path")? {
                None => None,
                Some(path) => {
                    let pem = std::fs::read(path)
                        .map_err(|e| Error::invalid_argument("pem_path", &format!("cannot be read: {e}")))?;
                    crate::transport::parse_ca_bundle(&pem, "pem_path")?;
                    Some(pem)
                }
            };
            Ok(())
        })
    }
}

/// Allows plain `http://` to hosts other than loopback (refused by default; never advisable:
/// signatures and tokens would cross the network in clear).
///
/// # Safety
/// `config` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_config_set_allow_insecure_http(config: *mut IopConfig, allow: bool) -> IopStatus {
    unsafe {
        set(config, |c| {
            c.allow_insecure_http = allow;
            Ok(())
        })
    }
}

/// Sets the proxy (`proxy_url` copied): NULL (the default) uses the environment (`HTTPS_PROXY`/`https_proxy`, then
/// `ALL_PROXY`/`all_proxy`; `NO_PROXY`/`no_proxy` honoured; read when a client is built or
/// configured); `""` connects directly whatever the environment says; otherwise
/// `"http://[user:password@]host[:port]"` (HTTP CONNECT; port 80 by default; user and password
/// percent-encoded). Credentials are sent as `Proxy-Authorization: Basic` and never appear in
/// messages or logs. A failure to reach or tunnel through the proxy is `IOP_ERR_CONNECT` with a
/// message starting `proxy http://host:port:` and saying what happened (refused, 407, 502…).
///
/// # Safety
/// `config` is NULL or live; `proxy_url` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_config_set_proxy(config: *mut IopConfig, proxy_url: *const c_char) -> IopStatus {
    unsafe {
        set(config, |c| {
            c.proxy = crate::config::ProxySetting::parse_arg(opt_str(proxy_url, "proxy_url")?, "proxy_url")?;
            Ok(())
        })
    }
}

/// Sets the largest response body accepted, in bytes (at least 1; `IOP_USE_DEFAULT`:
/// `IOP_DEFAULT_MAX_RESPONSE_BYTES`, 8 MiB). A larger body is `IOP_ERR_MALFORMED_RESPONSE`.
///
/// # Safety
/// `config` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_config_set_max_response_bytes(config: *mut IopConfig, max_bytes: i64) -> IopStatus {
    unsafe {
        set(config, |c| {
            c.max_response_bytes = number_or_default(max_bytes, DEFAULT_MAX_RESPONSE_BYTES, 1, "max_bytes")? as u64;
            Ok(())
        })
    }
}

/// Sets how many times a call is re-sent after a connect failure (`IOP_ERR_CONNECT`: the
/// connection could not be made, so the request never reached the server): 0 to
/// `IOP_MAX_CONNECT_RETRIES_LIMIT`; `IOP_USE_DEFAULT`: `IOP_DEFAULT_MAX_CONNECT_RETRIES`. Each
/// retry is signed afresh, after 100 ms doubling up to 1 s (with jitter). Nothing else is ever
/// retried: a call that may have arrived (a timeout, a reset, a bad answer) is never re-sent,
/// so a code or refresh token is never spent twice.
///
/// # Safety
/// `config` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_config_set_max_connect_retries(config: *mut IopConfig, retries: i32) -> IopStatus {
    unsafe {
        set(config, |c| {
            let n = number_or_default(i64::from(retries), i64::from(DEFAULT_MAX_CONNECT_RETRIES), 0, "retries")?;
            if n > i64::from(MAX_CONNECT_RETRIES_LIMIT) {
                return Err(Error::invalid_argument(
                    "retries",
                    &format!("must be at most {MAX_CONNECT_RETRIES_LIMIT}"),
                ));
            }
            c.max_connect_retries = n as u32;
            Ok(())
        })
    }
}

/// Sets how many idle keep-alive connections the client keeps open to its gateway, ready for
/// the next calls: 0 (every call connects anew) to `IOP_MAX_IDLE_CONNECTIONS_LIMIT`;
/// `IOP_USE_DEFAULT`: `IOP_DEFAULT_MAX_IDLE_CONNECTIONS`, enough for that many threads or batch
/// workers calling at once without new connections.
///
/// # Safety
/// `config` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_config_set_max_idle_connections(config: *mut IopConfig, connections: i32) -> IopStatus {
    unsafe {
        set(config, |c| {
            let n = number_or_default(i64::from(connections), DEFAULT_MAX_IDLE_CONNECTIONS, 0, "connections")?;
            if n > MAX_IDLE_CONNECTIONS_LIMIT {
                return Err(Error::invalid_argument(
                    "connections",
                    &format!("must be at most {MAX_IDLE_CONNECTIONS_LIMIT}"),
                ));
            }
            c.max_idle_connections = n as usize;
            Ok(())
        })
    }
}

/// Sets how long an idle keep-alive connection is kept before it is closed, in milliseconds
/// (at least 1; `IOP_USE_DEFAULT`: `IOP_DEFAULT_IDLE_TIMEOUT_MS`).
///
/// # Safety
/// `config` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_config_set_idle_timeout_ms(config: *mut IopConfig, timeout_ms: i64) -> IopStatus {
    unsafe {
        set(config, |c| {
            c.idle_timeout = millis_or_default(timeout_ms, DEFAULT_IDLE_TIMEOUT_MS, 1, "timeout_ms")?;
            Ok(())
        })
    }
}

/// The shell both client constructors share: checks the arguments, builds the client with
/// `build(url, app_key, app_secret, settings)` and writes the handle `wrap` makes of it.
///
/// # Safety
/// String arguments are NULL or NUL-terminated; `config` is NULL or live; `out` is writable.
pub(crate) unsafe fn new_client<C, H: guard::Handle>(
    (url, url_name): (*const c_char, &str),
    app_key: *const c_char,
    app_secret: *const c_char,
    config: *const IopConfig,
    out: *mut *mut H,
    build: impl FnOnce(&str, &str, &str, ClientConfig) -> Result<C>,
    wrap: impl FnOnce(C) -> H,
) -> IopStatus {
    guard::status(|| {
        out_arg(out, "out_client")?;
        let client = build(
            unsafe { arg_str(url, url_name) }?,
            unsafe { arg_str(app_key, "app_key") }?,
            unsafe { arg_str(app_secret, "app_secret") }?,
            unsafe { config_arg(config) }?,
        )?;
        unsafe { *out = guard::into_handle(wrap(client)) };
        Ok(())
    })
}

/// The shell both `_configure` functions share: copies `config` (NULL: every default) into the
/// client through `apply`.
///
/// # Safety
/// `client` is NULL or a live handle of type `H`; `config` is NULL or live.
pub(crate) unsafe fn configure<H: guard::Handle>(
    client: *const H,
    config: *const IopConfig,
    apply: impl FnOnce(&H, ClientConfig) -> Result<()>,
) -> IopStatus {
    guard::status(|| {
        let c = unsafe { handle(client, "client") }?;
        apply(c, unsafe { config_arg(config) }?)
    })
}
