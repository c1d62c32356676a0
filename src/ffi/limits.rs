//! `IopRateLimiter`: budgets and bans checked before every call of the clients configured with
//! it, kept in a memory store (this process) or a Redis store (every host on that server).
#![allow(non_camel_case_types)]

use std::ffi::c_char;
use std::sync::Arc;
use std::time::Duration;

use super::config::{IopConfig, number_or_default};
use super::guard::{self, handle, handle_mut, handle_type};
use super::status::IopStatus;
use super::store::IopTokenStore;
use super::strings::{arg_str, opt_str, out_arg, owned};
use crate::error::{Error, Result};
use crate::limits::{DEFAULT_RATE_LIMIT_MAX_WAIT_MS, RateLimiter, Scope};

/// Budgets and bans shared by the clients configured with it (`iop_config_set_rate_limiter`).
/// Opaque, thread-safe. Clients keep it alive after `iop_rate_limiter_free`.
#[repr(C)]
pub struct IopRateLimiter {
    tag: u64,
    pub(crate) limiter: Arc<RateLimiter>,
}
handle_type!(IopRateLimiter, 0x494f_5052_4c49_000e);

/// Values for the `scope` argument of `iop_rate_limiter_set_budget`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IopLimitScope {
    /// Every call of the calling client's app key (name NULL).
    IOP_LIMIT_APP = 0,
    /// Calls of one API (name = the API name), or with name NULL of every API, each its own bucket.
    IOP_LIMIT_API = 1,
    /// Calls with one access token (name NULL; one bucket per token, keyed by a SHA-256 prefix).
    IOP_LIMIT_SELLER = 2,
}

fn scope_arg(scope: i32) -> Result<Scope> {
    match scope {
        s if s == IopLimitScope::IOP_LIMIT_APP as i32 => Ok(Scope::App),
        s if s == IopLimitScope::IOP_LIMIT_API as i32 => Ok(Scope::Api),
        s if s == IopLimitScope::IOP_LIMIT_SELLER as i32 => Ok(Scope::Seller),
        _ => Err(Error::invalid_argument("scope", "must be IOP_LIMIT_APP, IOP_LIMIT_API or IOP_LIMIT_SELLER")),
    }
}

/// Creates a rate limiter whose budgets' buckets and bans live in `store`: a memory store
/// shares them with every limiter made from it in this process, a Redis store with every host
/// on that Redis server and key namespace (one atomic Lua script per call, Redis's clock).
/// File and callback stores cannot hold them: `IOP_ERR_INVALID_ARGUMENT`. Starts with no
/// budget (bans learned from the platform still apply) and max wait
/// `IOP_DEFAULT_RATE_LIMIT_MAX_WAIT_MS`. On `IOP_OK` writes `*out_limiter`: owned, release with
/// `iop_rate_limiter_free`.
///
/// # Safety
/// `store` is NULL or live; `out_limiter` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_rate_limiter_new(
    store: *const IopTokenStore,
    out_limiter: *mut *mut IopRateLimiter,
) -> IopStatus {
    guard::status(|| {
        out_arg(out_limiter, "out_limiter")?;
        let store = unsafe { handle(store, "store") }?;
        let limiter = Arc::new(RateLimiter::for_store(store.store.as_ref())?);
        let tag = <IopRateLimiter as guard::Handle>::TAG;
        unsafe { *out_limiter = guard::into_handle(IopRateLimiter { tag, limiter }) };
        Ok(())
    })
}

/// Frees a rate limiter. NULL does nothing. Clients configured with it keep using it.
///
/// # Safety
/// `limiter` is NULL or from `iop_rate_limiter_new`, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_rate_limiter_free(limiter: *mut IopRateLimiter) {
    unsafe { guard::free_handle(limiter) }
}

/// Sets a budget (a token bucket): `rate_per_second` > 0 (0 removes the budget), `burst` ≥ 1
/// or `IOP_USE_DEFAULT` (= ceil(rate)). `scope` is an `IopLimitScope` value: `IOP_LIMIT_APP`
/// (name NULL: per app key of the calling client), `IOP_LIMIT_API` (name, copied: an API name such as
/// "/order/get" or "aliexpress.ds.product.get", or NULL for every API, each its own bucket; a
/// named budget wins over it), `IOP_LIMIT_SELLER` (name NULL; one bucket per access token).
/// Applies to calls that start from now on.
///
/// # Safety
/// `limiter` is NULL or live; `name` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_rate_limiter_set_budget(
    limiter: *mut IopRateLimiter,
    scope: i32,
    name: *const c_char,
    rate_per_second: f64,
    burst: i32,
) -> IopStatus {
    guard::status(|| {
        let limiter = unsafe { handle(limiter, "limiter") }?;
        let scope = scope_arg(scope)?;
        let name = unsafe { opt_str(name, "name") }?;
        let burst = match burst {
            -1 => None,
            b if b >= 1 => Some(b as u32),
            _ => return Err(Error::invalid_argument("burst", "must be IOP_USE_DEFAULT (-1) or at least 1")),
        };
        limiter.limiter.set_budget(scope, name, rate_per_second, burst)
    })
}

/// Sets the longest time a call waits for a budget or a ban before it fails with
/// `IOP_ERR_RATE_LIMITED` (not sent): 0 fails at once; `IOP_USE_DEFAULT`:
/// `IOP_DEFAULT_RATE_LIMIT_MAX_WAIT_MS`. A used-up daily quota is never waited for.
///
/// # Safety
/// `limiter` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_rate_limiter_set_max_wait_ms(limiter: *mut IopRateLimiter, max_wait_ms: i64) -> IopStatus {
    guard::status(|| {
        let limiter = unsafe { handle(limiter, "limiter") }?;
        let ms = number_or_default(max_wait_ms, DEFAULT_RATE_LIMIT_MAX_WAIT_MS, 0, "max_wait_ms")?;
        limiter.limiter.set_max_wait(Duration::from_millis(ms as u64));
        Ok(())
    })
}

/// The budgets and running bans of `app_key` as JSON: `{"budgets":[{"scope":"app","name":null,
/// "rate_per_second":50.0,"burst":50,"available":12.5}],"bans":[{"scope":"api","name":"/x",
/// "until_ms":…,"code":"ApiCallLimit"}]}` (budgets set here and, for Redis, those other hosts
/// used lately; ban scopes `app`, `api`, `seller`, `daily`). May do I/O (Redis). On `IOP_OK`
/// writes `*out_json`: owned, release with `iop_string_free`.
///
/// # Safety
/// `limiter` is NULL or live; `app_key` a NUL-terminated string; `out_json` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_rate_limiter_status_json(
    limiter: *const IopRateLimiter,
    app_key: *const c_char,
    out_json: *mut *mut c_char,
) -> IopStatus {
    guard::status(|| {
        out_arg(out_json, "out_json")?;
        let limiter = unsafe { handle(limiter, "limiter") }?;
        let app_key = unsafe { arg_str(app_key, "app_key") }?;
        if app_key.is_empty() {
            return Err(Error::invalid_argument("app_key", "must not be empty"));
        }
        let json = limiter.limiter.status_json(app_key)?;
        unsafe { *out_json = owned(&json) };
        Ok(())
    })
}

/// Sets the rate limiter of `config` (shared, not copied: clients built or configured from it
/// use this limiter, which they keep alive); NULL removes it. Both clients check it before
/// every call (execute, token create and refresh, the token manager, batches) and teach it the
/// bans in throttling answers.
///
/// # Safety
/// `config` is NULL or live; `limiter` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_config_set_rate_limiter(
    config: *mut IopConfig,
    limiter: *const IopRateLimiter,
) -> IopStatus {
    guard::status(|| {
        let config = unsafe { handle_mut(config, "config") }?;
        config.config.rate_limiter =
            if limiter.is_null() { None } else { Some(Arc::clone(&unsafe { handle(limiter, "limiter") }?.limiter)) };
        Ok(())
    })
}
