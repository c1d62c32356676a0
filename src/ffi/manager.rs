//! `IopTokenManager`: always-valid access tokens for one account, from C.

use std::ffi::c_char;

use super::client::IopClient;
use super::config::millis_or_default;
use super::enos::IopEnosClient;
use super::guard::{self, handle, handle_type};
use super::status::IopStatus;
use super::store::IopTokenStore;
use super::strings::{arg_str, out_arg, owned};
use super::token::IopToken;
use crate::error::Result;
use crate::manager::{DEFAULT_REFRESH_MARGIN_MS, ManagerConfig, TokenManager};

/// Keeps one account's access token valid: refreshes once per expiry window (single flight in
/// the process, the store's lock across processes) and stores each new pair before handing it
/// out. Opaque, thread-safe: share one per account. Keeps its client and store alive.
#[repr(C)]
pub struct IopTokenManager {
    tag: u64,
    manager: TokenManager,
}
handle_type!(IopTokenManager, 0x494f_5054_4d47_0009);

fn config(refresh_margin_ms: i64) -> Result<ManagerConfig> {
    let refresh_margin = millis_or_default(refresh_margin_ms, DEFAULT_REFRESH_MARGIN_MS, 0, "refresh_margin_ms")?;
    Ok(ManagerConfig { refresh_margin, ..ManagerConfig::default() })
}

/// Checks the arguments shared by both constructors and writes the manager `build` makes.
unsafe fn new_manager(
    store: *const IopTokenStore,
    account: *const c_char,
    refresh_margin_ms: i64,
    out_manager: *mut *mut IopTokenManager,
    build: impl FnOnce(&IopTokenStore, &str, ManagerConfig) -> Result<TokenManager>,
) -> IopStatus {
    guard::status(|| {
        out_arg(out_manager, "out_manager")?;
        let s = unsafe { handle(store, "store") }?;
        let account = unsafe { arg_str(account, "account") }?;
        let manager = build(s, account, config(refresh_margin_ms)?)?;
        let tag = <IopTokenManager as guard::Handle>::TAG;
        unsafe { *out_manager = guard::into_handle(IopTokenManager { tag, manager }) };
        Ok(())
    })
}

/// A manager for the seller `account` (any stable key, e.g. the seller id) of the IOP app of
/// `client`, keeping tokens in `store`. `refresh_margin_ms`: refresh when less than this many
/// milliseconds are left (at least 0; `IOP_USE_DEFAULT`: `IOP_DEFAULT_REFRESH_MARGIN_MS`, 30
/// minutes). Store a grant first with
/// `iop_token_manager_create_token` or `iop_token_manager_store_grant`. On `IOP_OK` writes
/// `*out_manager`: owned, release with `iop_token_manager_free`.
///
/// # Safety
/// Handles are NULL or live; `account` is NULL or NUL-terminated; `out_manager` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_manager_new(
    client: *const IopClient,
    store: *const IopTokenStore,
    account: *const c_char,
    refresh_margin_ms: i64,
    out_manager: *mut *mut IopTokenManager,
) -> IopStatus {
    unsafe {
        new_manager(store, account, refresh_margin_ms, out_manager, |s, account, config| {
            TokenManager::new(handle(client, "client")?.client.clone(), s.store.clone(), account, config)
        })
    }
}

/// A manager for the EnOS app of `client`, its token kept under `account` in `store`; it gets
/// the first token itself. Otherwise as `iop_token_manager_new`.
///
/// # Safety
/// As `iop_token_manager_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_manager_new_enos(
    client: *const IopEnosClient,
    store: *const IopTokenStore,
    account: *const c_char,
    refresh_margin_ms: i64,
    out_manager: *mut *mut IopTokenManager,
) -> IopStatus {
    unsafe {
        new_manager(store, account, refresh_margin_ms, out_manager, |s, account, config| {
            TokenManager::new_enos(handle(client, "client")?.client.clone(), s.store.clone(), account, config)
        })
    }
}

/// Frees a manager. NULL does nothing. No other thread may be using it.
///
/// # Safety
/// `manager` is NULL or from this library, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_manager_free(manager: *mut IopTokenManager) {
    unsafe { guard::free_handle(manager) }
}

/// Exchanges an authorization `code` (IOP managers) and stores the grant as the account's.
///
/// # Safety
/// `manager` is NULL or live; `code` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_manager_create_token(
    manager: *const IopTokenManager,
    code: *const c_char,
) -> IopStatus {
    guard::status(|| {
        let m = unsafe { handle(manager, "manager") }?;
        m.manager.create_token(unsafe { arg_str(code, "code") }?)?;
        Ok(())
    })
}

/// Stores `token` (from `iop_token_create`) as the account's grant, replacing what was stored.
///
/// # Safety
/// Handles are NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_manager_store_grant(
    manager: *const IopTokenManager,
    token: *const IopToken,
) -> IopStatus {
    guard::status(|| {
        let m = unsafe { handle(manager, "manager") }?;
        let t = unsafe { handle(token, "token") }?;
        m.manager.store_grant(t.token())?;
        Ok(())
    })
}

/// Gets an access token valid for more than the refresh margin, reading the store and
/// refreshing over the network first when needed (may block; thread-safe).
/// `IOP_ERR_REAUTHORIZATION_REQUIRED` when nothing is stored, or the grant is dead and its
/// access token has expired (the message says why; a dead grant is never sent again). Other
/// failures of a refresh return the stored token while it has not expired. On `IOP_OK` writes
/// `*out_access_token`: owned (a secret), release with `iop_string_free`.
///
/// # Safety
/// `manager` is NULL or live; `out_access_token` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_manager_get_access_token(
    manager: *const IopTokenManager,
    out_access_token: *mut *mut c_char,
) -> IopStatus {
    guard::status(|| {
        out_arg(out_access_token, "out_access_token")?;
        let m = unsafe { handle(manager, "manager") }?;
        let token = m.manager.access_token()?;
        unsafe { *out_access_token = owned(token.expose()) };
        Ok(())
    })
}

/// Reads the account's stored record from the store, as JSON (`version`, `access_token`, `refresh_token`,
/// `expires_at_ms`, `refresh_expires_at_ms`, `can_refresh`, `granted_at_ms`,
/// `refresh_started_at_ms`, `reauthorization_reason`, `seller_id`, `country`, and
/// `reauthorize_by_ms`), or `null` when nothing is stored. Contains the tokens. On `IOP_OK`
/// writes `*out_json`: owned, release with `iop_string_free`.
///
/// # Safety
/// `manager` is NULL or live; `out_json` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_manager_load_record(
    manager: *const IopTokenManager,
    out_json: *mut *mut c_char,
) -> IopStatus {
    guard::status(|| {
        out_arg(out_json, "out_json")?;
        let m = unsafe { handle(manager, "manager") }?;
        let json = match m.manager.record()? {
            Some(record) => {
                let mut value: serde_json::Value = serde_json::from_str(&record.to_json()).expect("records are JSON");
                value["reauthorize_by_ms"] = record.reauthorize_by_ms().into();
                value.to_string()
            }
            None => "null".to_owned(),
        };
        unsafe { *out_json = owned(&json) };
        Ok(())
    })
}
