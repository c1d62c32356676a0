//! Entry points of the token stores: memory, file, Redis and callback stores, their record
//! operations (so that `MemoryTokenStore`, `FileTokenStore` and `RedisTokenStore` implement
//! `io.iopkit.TokenStore` too), and the re-authorization due list.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use iop::manager::{
    FileStore, MemoryStore, RedisStore, RedisStoreConfig, StoreLock, TokenRecord, TokenStore, reauthorization_due,
};
use iop::{Error, ErrorKind};
use jni::objects::{JByteArray, JClass, JObject, JObjectArray, JString};
use jni::refs::Reference as _;
use jni::sys::{jboolean, jlong};
use jni::{Env, EnvUnowned, JValue, jni_sig, jni_str};

use crate::args::*;
use crate::failure::*;
use crate::handle::{borrow, free, into_handle};
use crate::java_store::{CallbackScope, JavaStore};

/// What a store handle points to: the store, and the refresh locks taken through
/// `TokenStore.lock` from Java (released by `unlock`, or when the handle is freed).
pub(crate) struct StoreHandle {
    pub(crate) store: Arc<dyn TokenStore>,
    held: Mutex<HashMap<String, HeldLock>>,
}

/// A lock taken from Java. Fields drop in order: the guard (which borrows the store) first.
struct HeldLock {
    _guard: StoreLock<'static>,
    _store: Arc<dyn TokenStore>,
}

impl StoreHandle {
    fn into_handle(store: Arc<dyn TokenStore>) -> jlong {
        into_handle(StoreHandle { store, held: Mutex::new(HashMap::new()) })
    }

    fn held(&self) -> MutexGuard<'_, HashMap<String, HeldLock>> {
        self.held.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The store behind a handle.
///
/// # Safety
/// `handle` is 0 or a live pointer from a `store*New` function, not freed while the call runs
/// (the Java side holds a read lock across every call and frees only under the write lock).
pub(crate) unsafe fn store_handle<'a>(handle: jlong) -> Outcome<&'a StoreHandle> {
    unsafe { borrow(handle, "store") }
}

/// `long storeMemoryNew()`: a store in this process's memory.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_storeMemoryNew<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
) -> jlong {
    run(&mut env, |_env| Ok(StoreHandle::into_handle(Arc::new(MemoryStore::new()))))
}

/// `long storeFileNew(String path)`: a store in the JSON file at `path` (mode 0600, advisory lock
/// on `<path>.lock`).
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_storeFileNew<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    path: JString<'l>,
) -> jlong {
    run(&mut env, |env| {
        let path = arg_string(env, &path, "path")?;
        if path.is_empty() {
            return Err(Error::invalid_argument("path", "must not be empty").into());
        }
        Ok(StoreHandle::into_handle(Arc::new(FileStore::new(path)?)))
    })
}

/// `long storeRedisNew(String url, String namespace, String appKey, byte[] encryptionKey, long
/// leaseMs, long timeoutMs)`: a store in Redis (`iop_token_store_redis_new`): `namespace` `null`
/// for `"iopkit"`, `encryptionKey` `null` or 32 bytes, `leaseMs` and `timeoutMs` 0 for the
/// defaults (30 s, 5 s). Checks the settings without connecting. Errors never quote the URL.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_storeRedisNew<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    url: JString<'l>,
    namespace: JString<'l>,
    app_key: JString<'l>,
    encryption_key: JByteArray<'l>,
    lease_ms: jlong,
    timeout_ms: jlong,
) -> jlong {
    run(&mut env, |env| {
        let mut config = RedisStoreConfig::new(&arg_string(env, &url, "url")?, &arg_string(env, &app_key, "app_key")?);
        if let Some(namespace) = opt_string(env, &namespace)? {
            config.namespace = namespace;
        }
        if let Some(mut key) = opt_bytes(env, &encryption_key)? {
            let len = key.len();
            let sized: Option<[u8; 32]> = key.as_slice().try_into().ok();
            key.fill(0);
            config.encryption_key = Some(sized.ok_or_else(|| {
                Error::invalid_argument("encryption_key", &format!("must be 32 bytes (an AES-256 key), not {len}"))
            })?);
        }
        let ms = |value: jlong, name: &str| {
            u64::try_from(value).map_err(|_| Error::invalid_argument(name, "must not be negative"))
        };
        let (lease_ms, timeout_ms) = (ms(lease_ms, "lease")?, ms(timeout_ms, "timeout")?);
        if lease_ms > 0 {
            config.lease = Duration::from_millis(lease_ms);
        }
        if timeout_ms > 0 {
            config.connect_timeout = Duration::from_millis(timeout_ms);
            config.io_timeout = Duration::from_millis(timeout_ms);
        }
        Ok(StoreHandle::into_handle(Arc::new(RedisStore::new(config)?)))
    })
}

/// `long storeCallbackNew(TokenStore store)`: a store whose operations call the methods of the
/// application's `store` object (kept alive by a global reference until the store handle and
/// every manager using it are freed).
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_storeCallbackNew<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    store: JObject<'l>,
) -> jlong {
    run(&mut env, |env| {
        if store.is_null() {
            return Err(Error::invalid_argument("store", "must not be null").into());
        }
        Ok(StoreHandle::into_handle(Arc::new(JavaStore::new(env, &store)?)))
    })
}

/// `void storeFree(long handle)`: frees a store handle (releasing locks taken from Java); 0 is
/// ignored. Managers created with it keep using the store.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_storeFree<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
) {
    run(&mut env, |_env| {
        // SAFETY: created by a `store*New` function; the Java side frees each handle once,
        // after every call using it has returned.
        unsafe { free::<StoreHandle>(handle) };
        Ok(())
    })
}

/// `String storeLoad(long handle, String account)`: the record of `account` as JSON, or `null`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_storeLoad<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    account: JString<'l>,
) -> JString<'l> {
    run(&mut env, |env| {
        // SAFETY: see `store_handle`.
        let s = unsafe { store_handle(handle) }?;
        let account = arg_string(env, &account, "account")?;
        let record = s.store.load(&account)?;
        Ok(opt_jstring(env, record.map(|r| r.to_json()).as_deref())?)
    })
}

/// `boolean storeCompareAndSwap(long handle, String account, long expectedVersion, String
/// recordJson)`: stores the record if the stored version is `expectedVersion` (0: none).
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_storeCompareAndSwap<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    account: JString<'l>,
    expected_version: jlong,
    record_json: JString<'l>,
) -> jboolean {
    run(&mut env, |env| {
        // SAFETY: see `store_handle`.
        let s = unsafe { store_handle(handle) }?;
        let account = arg_string(env, &account, "account")?;
        let expected = u64::try_from(expected_version)
            .map_err(|_| Error::invalid_argument("expected_version", "must not be negative"))?;
        let json = arg_string(env, &record_json, "record_json")?;
        // The parser's message is not passed on: it could quote a token.
        let record = TokenRecord::from_json(&json).map_err(|_| {
            Error::invalid_argument("record_json", "is not a token record (a TokenStore record's JSON text)")
        })?;
        Ok(s.store.compare_and_swap(&account, expected, &record)?)
    })
}

/// `boolean storeLock(long handle, String account, long timeoutMs)`: takes the refresh lock of
/// `account`, waiting at most `timeoutMs`; false on timeout.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_storeLock<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    account: JString<'l>,
    timeout_ms: jlong,
) -> jboolean {
    run(&mut env, |env| {
        // SAFETY: see `store_handle`.
        let s = unsafe { store_handle(handle) }?;
        let account = arg_string(env, &account, "account")?;
        let timeout = Duration::from_millis(
            u64::try_from(timeout_ms).map_err(|_| Error::invalid_argument("timeout_ms", "must not be negative"))?,
        );
        let store = s.store.clone();
        // The map's mutex is not held while waiting: `unlock` must stay callable meanwhile.
        let guard = match store.lock(&account, timeout) {
            Ok(guard) => guard,
            Err(e) if e.kind() == ErrorKind::Timeout => return Ok(false),
            Err(e) => return Err(e.into()),
        };
        // SAFETY: the guard borrows the store behind the `Arc` that `HeldLock` keeps alive, and
        // `HeldLock` drops the guard before that `Arc`.
        let guard = unsafe { std::mem::transmute::<StoreLock<'_>, StoreLock<'static>>(guard) };
        let previous = s.held().insert(account, HeldLock { _guard: guard, _store: store });
        drop(previous); // none: the store's own lock excludes a second holder
        Ok(true)
    })
}

/// `void storeUnlock(long handle, String account)`: releases the lock taken by `storeLock`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_storeUnlock<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    account: JString<'l>,
) {
    run(&mut env, |env| {
        // SAFETY: see `store_handle`.
        let s = unsafe { store_handle(handle) }?;
        let account = arg_string(env, &account, "account")?;
        let held = s.held().remove(&account);
        match held {
            Some(lock) => {
                drop(lock);
                Ok(())
            }
            None => Err(Error::invalid_argument("account", "holds no lock taken through this store").into()),
        }
    })
}

/// `String[] storeAccounts(long handle)`: every account with a record.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_storeAccounts<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
) -> JObjectArray<'l, JString<'l>> {
    run(&mut env, |env| {
        // SAFETY: see `store_handle`.
        let s = unsafe { store_handle(handle) }?;
        let accounts = s.store.accounts()?;
        let array = JObjectArray::<JString>::new(env, accounts.len(), JString::null())?;
        for (i, account) in accounts.iter().enumerate() {
            env.with_local_frame(2, |env| -> jni::errors::Result<()> {
                let account = JString::from_str(env, account)?;
                array.set_element(env, i, &account)
            })?;
        }
        Ok(array)
    })
}

/// `ReauthorizationDue[] storeDue(long handle, long withinMs)`: the accounts whose
/// re-authorization deadline falls within `withinMs` from now (passed ones included), soonest
/// first.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_storeDue<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    within_ms: jlong,
) -> JObjectArray<'l, JObject<'l>> {
    run(&mut env, |env| {
        // SAFETY: see `store_handle`.
        let s = unsafe { store_handle(handle) }?;
        let within = Duration::from_millis(
            u64::try_from(within_ms).map_err(|_| Error::invalid_argument("within", "must not be negative"))?,
        );
        let scope = CallbackScope::enter();
        let due = reauthorization_due(&*s.store, iop::client::now_ms(), within);
        let due = scope.finish(env, due)?;
        let class = env.find_class(jni_str!("io/iopkit/ReauthorizationDue"))?;
        let len = i32::try_from(due.len()).map_err(|_| Error::new(ErrorKind::Internal, "too many accounts"))?;
        let array = env.new_object_array(len, &class, JObject::null())?;
        for (i, (account, at)) in due.iter().enumerate() {
            env.with_local_frame(4, |env| -> jni::errors::Result<()> {
                let account = JString::from_str(env, account)?;
                let item = env.new_object(
                    &class,
                    jni_sig!("(Ljava/lang/String;J)V"),
                    &[JValue::Object(&account), JValue::Long(*at)],
                )?;
                array.set_element(env, i, &item)
            })?;
        }
        Ok(array)
    })
}

/// A new `TokenRecord` object for `record`.
pub(crate) fn record_object<'l>(env: &mut Env<'l>, record: &TokenRecord) -> Outcome<JObject<'l>> {
    env.with_local_frame_returning_local::<_, JObject, Failure>(16, |env| {
        let access_token = JString::from_str(env, record.access_token.expose())?;
        let refresh_token = JString::from_str(env, record.refresh_token.expose())?;
        let reason = opt_jstring(env, record.reauthorization_reason.as_deref())?;
        let seller_id = opt_jstring(env, record.seller_id.as_deref())?;
        let country = opt_jstring(env, record.country.as_deref())?;
        let version = jlong::try_from(record.version).unwrap_or(jlong::MAX);
        let class = env.find_class(jni_str!("io/iopkit/TokenRecord"))?;
        Ok(env.new_object(
            &class,
            jni_sig!(
                "(JLjava/lang/String;Ljava/lang/String;JZJZJZJLjava/lang/String;Ljava/lang/String;Ljava/lang/String;ZJ)V"
            ),
            &[
                JValue::Long(version),
                JValue::Object(&access_token),
                JValue::Object(&refresh_token),
                JValue::Long(record.expires_at_ms),
                JValue::Bool(record.refresh_expires_at_ms.is_some()),
                JValue::Long(record.refresh_expires_at_ms.unwrap_or(0)),
                JValue::Bool(record.can_refresh),
                JValue::Long(record.granted_at_ms),
                JValue::Bool(record.refresh_started_at_ms.is_some()),
                JValue::Long(record.refresh_started_at_ms.unwrap_or(0)),
                JValue::Object(&reason),
                JValue::Object(&seller_id),
                JValue::Object(&country),
                JValue::Bool(record.reauthorize_by_ms().is_some()),
                JValue::Long(record.reauthorize_by_ms().unwrap_or(0)),
            ],
        )?)
    })
}
