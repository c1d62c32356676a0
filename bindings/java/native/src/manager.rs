//! Entry points of `TokenManager`: create (IOP or EnOS), free, access token, create token, store
//! grant, record. Every call that may reach the store runs in a [`CallbackScope`], so an
//! exception thrown by an application's store becomes the cause of the exception thrown here.

use std::time::Duration;

use iop::manager::{ManagerConfig, TokenManager};
use iop::{Error, Secret, Token};
use jni::objects::{JClass, JObject, JString};
use jni::sys::{jboolean, jlong};
use jni::{Env, EnvUnowned};

use crate::args::*;
use crate::client::client;
use crate::enos::enos_client;
use crate::failure::*;
use crate::handle::{borrow, free, into_handle};
use crate::java_store::CallbackScope;
use crate::store::{record_object, store_handle};

/// The manager behind a handle.
///
/// # Safety
/// `handle` is 0 or a live pointer from `managerNew`/`managerNewEnos`, not freed while the call
/// runs (the Java side holds a read lock across every call and frees only under the write lock).
unsafe fn manager<'a>(handle: jlong) -> Outcome<&'a TokenManager> {
    unsafe { borrow(handle, "manager") }
}

/// The settings for a refresh margin in milliseconds (-1: the default, 30 minutes).
fn config(refresh_margin_ms: jlong) -> Outcome<ManagerConfig> {
    let mut config = ManagerConfig::default();
    match refresh_margin_ms {
        -1 => {}
        ms if ms >= 0 => config.refresh_margin = Duration::from_millis(ms.unsigned_abs()),
        _ => return Err(Error::invalid_argument("refresh_margin", "must not be negative").into()),
    }
    Ok(config)
}

/// `long managerNew(long client, long store, String account, long refreshMarginMs)`: a manager
/// for the seller `account` of the IOP client's app; it keeps the client and the store alive.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_managerNew<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    client_handle: jlong,
    store: jlong,
    account: JString<'l>,
    refresh_margin_ms: jlong,
) -> jlong {
    run(&mut env, |env| {
        // SAFETY: see `client` and `store_handle`.
        let (c, s) = unsafe { (client(client_handle)?, store_handle(store)?) };
        let account = arg_string(env, &account, "account")?;
        let manager = TokenManager::new(c.clone(), s.store.clone(), &account, config(refresh_margin_ms)?)?;
        Ok(into_handle(manager))
    })
}

/// `long managerNewEnos(long enosClient, long store, String account, long refreshMarginMs)`: a
/// manager for the EnOS client's app token, kept under `account`; it gets the first token itself.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_managerNewEnos<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    client_handle: jlong,
    store: jlong,
    account: JString<'l>,
    refresh_margin_ms: jlong,
) -> jlong {
    run(&mut env, |env| {
        // SAFETY: see `enos_client` and `store_handle`.
        let (c, s) = unsafe { (enos_client(client_handle)?, store_handle(store)?) };
        let account = arg_string(env, &account, "account")?;
        let manager = TokenManager::new_enos(c.clone(), s.store.clone(), &account, config(refresh_margin_ms)?)?;
        Ok(into_handle(manager))
    })
}

/// `void managerFree(long handle)`: frees a manager (and its references to the client and the
/// store); 0 is ignored.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_managerFree<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
) {
    run(&mut env, |_env| {
        // SAFETY: created by `managerNew`/`managerNewEnos`; the Java side frees each handle
        // once, after every call using it has returned.
        unsafe { free::<TokenManager>(handle) };
        Ok(())
    })
}

/// `String managerAccessToken(long handle)`: an access token valid for more than the refresh
/// margin, refreshing first when needed (`IopReauthorizationRequiredException` when only a new
/// authorization can help).
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_managerAccessToken<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
) -> JString<'l> {
    run(&mut env, |env| {
        // SAFETY: see `manager`.
        let m = unsafe { manager(handle) }?;
        let scope = CallbackScope::enter();
        let token = scope.finish(env, m.access_token())?;
        Ok(JString::from_str(env, token.expose())?)
    })
}

/// `TokenRecord managerCreateToken(long handle, String code)`: exchanges an authorization code
/// and stores the grant.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_managerCreateToken<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    code: JString<'l>,
) -> JObject<'l> {
    run(&mut env, |env| {
        // SAFETY: see `manager`.
        let m = unsafe { manager(handle) }?;
        let code = arg_string(env, &code, "code")?;
        let scope = CallbackScope::enter();
        let record = scope.finish(env, m.create_token(&code))?;
        record_object(env, &record)
    })
}

/// `TokenRecord managerStoreGrant(long handle, String accessToken, String refreshToken,
/// long expiresAtMs, boolean hasRefreshExpiry, long refreshExpiresAtMs, boolean canRefresh,
/// String sellerId, String country)`: stores a token (the fields of a Java `Token`) as the
/// account's grant, replacing what was stored.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_io_iopkit_internal_Native_managerStoreGrant<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    access_token: JString<'l>,
    refresh_token: JString<'l>,
    expires_at_ms: jlong,
    has_refresh_expiry: jboolean,
    refresh_expires_at_ms: jlong,
    can_refresh: jboolean,
    seller_id: JString<'l>,
    country: JString<'l>,
) -> JObject<'l> {
    run(&mut env, |env| {
        // SAFETY: see `manager`.
        let m = unsafe { manager(handle) }?;
        let token = Token {
            access_token: Secret::new(arg_string(env, &access_token, "access_token")?),
            refresh_token: Secret::new(opt_string(env, &refresh_token)?.unwrap_or_default()),
            expires_at_ms,
            refresh_expires_at_ms: has_refresh_expiry.then_some(refresh_expires_at_ms),
            can_refresh,
            account: None,
            account_platform: None,
            account_id: None,
            seller_id: opt_string(env, &seller_id)?,
            user_id: None,
            short_code: None,
            country: opt_string(env, &country)?,
            country_user_info: Vec::new(),
            havana_id: None,
            user_nick: None,
            locale: None,
            sp: None,
            raw: Secret::default(),
        };
        let scope = CallbackScope::enter();
        let record = scope.finish(env, m.store_grant(&token))?;
        record_object(env, &record)
    })
}

/// `TokenRecord managerRecord(long handle)`: the account's stored record, or `null`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_managerRecord<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
) -> JObject<'l> {
    run(&mut env, |env: &mut Env<'l>| {
        // SAFETY: see `manager`.
        let m = unsafe { manager(handle) }?;
        let scope = CallbackScope::enter();
        match scope.finish(env, m.record())? {
            Some(record) => record_object(env, &record),
            None => Ok(JObject::null()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_margins() {
        assert_eq!(config(-1).ok().unwrap().refresh_margin, iop::manager::DEFAULT_REFRESH_MARGIN);
        assert_eq!(config(0).ok().unwrap().refresh_margin, Duration::ZERO);
        assert_eq!(config(1500).ok().unwrap().refresh_margin, Duration::from_millis(1500));
        assert!(config(-2).is_err());
    }
}
