//! `IopTokenStore`: the memory, file and callback token stores from C.

use std::ffi::{CString, c_char, c_void};
use std::sync::Arc;
use std::time::Duration;

use super::guard::{self, handle, handle_mut, handle_type};
use super::status::IopStatus;
use super::strings::{arg_str, out_arg, owned};
use crate::client::now_ms;
use crate::error::{Error, ErrorKind, Result};
use crate::manager::{FileStore, MemoryStore, StoreLock, TokenRecord, TokenStore, lock_timeout, reauthorization_due};

/// Where token managers keep tokens. Opaque, thread-safe. A manager keeps the store alive
/// after `iop_token_store_free`.
#[repr(C)]
pub struct IopTokenStore {
    tag: u64,
    pub(crate) store: Arc<dyn TokenStore>,
}
handle_type!(IopTokenStore, 0x494f_5053_544f_0007);

/// A text handed from a store callback to the library: set it with `iop_token_store_value_set`.
/// Opaque; valid only during the callback that received it.
#[repr(C)]
pub struct IopTokenStoreValue {
    tag: u64,
    value: Option<String>,
}
handle_type!(IopTokenStoreValue, 0x494f_5053_5456_0008);

/// Callbacks of an application-provided store (a database, say). Each returns 0 on success;
/// see each field for other values. The library may call them from any thread that uses a
/// manager, concurrently for different accounts, so they must be thread-safe; `unlock` runs on
/// the thread that called `lock`. Strings passed in are borrowed for the call's duration.
/// A record is a JSON text with a numeric `version`: store it as given and compare versions.
#[repr(C)]
pub struct IopTokenStoreCallbacks {
    /// Passed back as the first argument of every callback.
    pub user_data: *mut c_void,
    /// Loads the record of `account`: call `iop_token_store_value_set(value, json)` when there
    /// is one (not calling it means none). Returns 0, or non-zero on failure.
    pub load: Option<
        unsafe extern "C" fn(user_data: *mut c_void, account: *const c_char, value: *mut IopTokenStoreValue) -> i32,
    >,
    /// Stores `record_json` (whose `version` is `expected_version + 1`) durably if the stored
    /// record's version is `expected_version` (0: none stored). Returns 0 when stored, 1 when
    /// the version differed (nothing stored), another value on failure. Called only while
    /// `lock` is held for the account.
    pub compare_and_swap: Option<
        unsafe extern "C" fn(
            user_data: *mut c_void,
            account: *const c_char,
            expected_version: u64,
            record_json: *const c_char,
        ) -> i32,
    >,
    /// Takes the refresh lock of `account` (shared by every process using the store), waiting
    /// at most `timeout_ms`. Returns 0 when taken, 1 on timeout, another value on failure.
    pub lock: Option<unsafe extern "C" fn(user_data: *mut c_void, account: *const c_char, timeout_ms: i64) -> i32>,
    /// Releases the lock taken by `lock`.
    pub unlock: Option<unsafe extern "C" fn(user_data: *mut c_void, account: *const c_char)>,
    /// Optional (may be NULL): lists the accounts as a JSON array of strings through
    /// `iop_token_store_value_set`. Returns 0, or non-zero on failure.
    pub accounts: Option<unsafe extern "C" fn(user_data: *mut c_void, value: *mut IopTokenStoreValue) -> i32>,
}

/// The application's callbacks as a [`TokenStore`].
struct CallbackStore {
    user_data: usize,
    load: unsafe extern "C" fn(*mut c_void, *const c_char, *mut IopTokenStoreValue) -> i32,
    cas: unsafe extern "C" fn(*mut c_void, *const c_char, u64, *const c_char) -> i32,
    lock: unsafe extern "C" fn(*mut c_void, *const c_char, i64) -> i32,
    unlock: unsafe extern "C" fn(*mut c_void, *const c_char),
    accounts: Option<unsafe extern "C" fn(*mut c_void, *mut IopTokenStoreValue) -> i32>,
}

fn callback_failed(what: &str, code: i32) -> Error {
    Error::new(ErrorKind::Internal, format!("the token store's `{what}` callback failed (returned {code})"))
}

fn c_account(account: &str) -> Result<CString> {
    CString::new(account).map_err(|_| Error::invalid_argument("account", "contains a NUL byte"))
}

impl CallbackStore {
    fn user_data(&self) -> *mut c_void {
        self.user_data as *mut c_void
    }

    /// Runs a callback that may set a value; returns its code and the value.
    fn with_value(&self, call: impl FnOnce(*mut IopTokenStoreValue) -> i32) -> (i32, Option<String>) {
        let value =
            guard::into_handle(IopTokenStoreValue { tag: <IopTokenStoreValue as guard::Handle>::TAG, value: None });
        let code = call(value);
        // SAFETY: created above; the callback may only use it during the call.
        let text = unsafe { handle_mut(value, "value") }.ok().and_then(|v| v.value.take());
        unsafe { guard::free_handle(value) };
        (code, text)
    }
}

impl TokenStore for CallbackStore {
    fn load(&self, account: &str) -> Result<Option<TokenRecord>> {
        let account = c_account(account)?;
        // SAFETY: the application promised a callback of this signature.
        let (code, json) = self.with_value(|v| unsafe { (self.load)(self.user_data(), account.as_ptr(), v) });
        if code != 0 {
            return Err(callback_failed("load", code));
        }
        json.map(|j| TokenRecord::from_json(&j)).transpose()
    }

    fn compare_and_swap(&self, account: &str, expected_version: u64, record: &TokenRecord) -> Result<bool> {
        let account = c_account(account)?;
        let json = CString::new(record.to_json()).map_err(|_| Error::new(ErrorKind::Internal, "record has a NUL"))?;
        // SAFETY: as in `load`.
        match unsafe { (self.cas)(self.user_data(), account.as_ptr(), expected_version, json.as_ptr()) } {
            0 => Ok(true),
            1 => Ok(false),
            code => Err(callback_failed("compare_and_swap", code)),
        }
    }

    fn lock(&self, account: &str, timeout: Duration) -> Result<StoreLock<'_>> {
        let c = c_account(account)?;
        let ms = i64::try_from(timeout.as_millis()).unwrap_or(i64::MAX);
        // SAFETY: as in `load`.
        match unsafe { (self.lock)(self.user_data(), c.as_ptr(), ms) } {
            0 => Ok(StoreLock::new(move || unsafe { (self.unlock)(self.user_data(), c.as_ptr()) })),
            1 => Err(lock_timeout(account, timeout)),
            code => Err(callback_failed("lock", code)),
        }
    }

    fn accounts(&self) -> Result<Vec<String>> {
        let Some(list) = self.accounts else {
            return Err(Error::invalid_argument("store", "has no `accounts` callback"));
        };
        // SAFETY: as in `load`.
        let (code, json) = self.with_value(|v| unsafe { list(self.user_data(), v) });
        if code != 0 {
            return Err(callback_failed("accounts", code));
        }
        serde_json::from_str(json.as_deref().unwrap_or("[]")).map_err(|_| {
            Error::new(ErrorKind::MalformedResponse, "the `accounts` callback gave no JSON array of strings")
        })
    }
}

unsafe fn write_store(out_store: *mut *mut IopTokenStore, store: Arc<dyn TokenStore>) {
    let tag = <IopTokenStore as guard::Handle>::TAG;
    unsafe { *out_store = guard::into_handle(IopTokenStore { tag, store }) };
}

/// A store in this process's memory (lost when the process ends). On `IOP_OK` writes
/// `*out_store`: owned, release with `iop_token_store_free`.
///
/// # Safety
/// `out_store` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_store_new_memory(out_store: *mut *mut IopTokenStore) -> IopStatus {
    guard::status(|| {
        out_arg(out_store, "out_store")?;
        unsafe { write_store(out_store, Arc::new(MemoryStore::new())) };
        Ok(())
    })
}

/// A store in the JSON file at `path` (created on first write, mode 0600; its folder must
/// exist), shared safely by the processes of one host through an advisory lock on
/// `<path>.lock`. Holds tokens, never the app secret. On `IOP_OK` writes `*out_store`: owned,
/// release with `iop_token_store_free`.
///
/// # Safety
/// `path` is NULL or NUL-terminated; `out_store` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_store_new_file(
    path: *const c_char,
    out_store: *mut *mut IopTokenStore,
) -> IopStatus {
    guard::status(|| {
        out_arg(out_store, "out_store")?;
        let store = FileStore::new(unsafe { arg_str(path, "path") }?)?;
        unsafe { write_store(out_store, Arc::new(store)) };
        Ok(())
    })
}

/// A store backed by the application's `callbacks` (copied; `load`, `compare_and_swap`,
/// `lock` and `unlock` are required). `user_data` must stay valid until the store and every
/// manager using it are freed. On `IOP_OK` writes `*out_store`: owned, release with
/// `iop_token_store_free`.
///
/// # Safety
/// `callbacks` is NULL or valid for reads; its functions follow the documented contracts;
/// `out_store` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_store_new_callback(
    callbacks: *const IopTokenStoreCallbacks,
    out_store: *mut *mut IopTokenStore,
) -> IopStatus {
    guard::status(|| {
        out_arg(out_store, "out_store")?;
        if callbacks.is_null() {
            return Err(Error::invalid_argument("callbacks", "must not be NULL"));
        }
        // SAFETY: non-NULL and readable per the contract.
        let cb = unsafe { &*callbacks };
        let missing = |name: &str| Error::invalid_argument("callbacks", &format!("`{name}` must not be NULL"));
        let store = CallbackStore {
            user_data: cb.user_data as usize,
            load: cb.load.ok_or_else(|| missing("load"))?,
            cas: cb.compare_and_swap.ok_or_else(|| missing("compare_and_swap"))?,
            lock: cb.lock.ok_or_else(|| missing("lock"))?,
            unlock: cb.unlock.ok_or_else(|| missing("unlock"))?,
            accounts: cb.accounts,
        };
        unsafe { write_store(out_store, Arc::new(store)) };
        Ok(())
    })
}

/// A store in Redis, shared by the hosts of a fleet (builds with the `redis-store` cargo
/// feature, on by default). `url`: `redis://[user][:password@]host[:port][/db]`, `rediss://…`
/// (TLS, certificates always verified against the system's roots, or the CA file named by the
/// `SSL_CERT_FILE` environment variable) or `redis+unix:///path`;
/// the password never appears in messages. `key_namespace`: first part of every key, NULL for
/// `"iopkit"`. `app_key`: the app whose sellers' tokens these are (keys are
/// `<key_namespace>:<app_key>:<account>:record` and `…:lock`). `encryption_key`: NULL with
/// `key_len` 0 to store records as JSON, or 32 bytes (copied) to encrypt them with AES-256-GCM.
/// `lease_ms`: how long a refresh lock lasts unless released, so a host that dies holding it
/// delays the account this long (at least 1; `IOP_USE_DEFAULT`: `IOP_DEFAULT_REDIS_LEASE_MS`);
/// a refresh must finish within it. `timeout_ms`: the connect timeout and the timeout of each
/// command (at least 1; `IOP_USE_DEFAULT`: `IOP_DEFAULT_REDIS_TIMEOUT_MS`). Does not connect: calls fail with
/// `IOP_ERR_CONNECT`, `IOP_ERR_NETWORK` or `IOP_ERR_TIMEOUT` while Redis is unreachable and work
/// again once it is back. On `IOP_OK` writes `*out_store`: owned, release with
/// `iop_token_store_free`.
///
/// # Safety
/// Strings are NULL or NUL-terminated; `encryption_key` is NULL or has `key_len` readable
/// bytes; `out_store` is writable.
#[cfg(feature = "redis-store")]
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn iop_token_store_new_redis(
    url: *const c_char,
    key_namespace: *const c_char,
    app_key: *const c_char,
    encryption_key: *const u8,
    key_len: usize,
    lease_ms: i64,
    timeout_ms: i64,
    out_store: *mut *mut IopTokenStore,
) -> IopStatus {
    use super::config::millis_or_default;
    use super::strings::opt_str;
    use crate::manager::{
        DEFAULT_LEASE_MS, DEFAULT_REDIS_TIMEOUT_MS, RedisStore, RedisStoreConfig, check_redis_key_part,
    };
    guard::status(|| {
        out_arg(out_store, "out_store")?;
        let mut config =
            RedisStoreConfig::new(unsafe { arg_str(url, "url") }?, unsafe { arg_str(app_key, "app_key") }?);
        if let Some(namespace) = unsafe { opt_str(key_namespace, "key_namespace") }? {
            check_redis_key_part("key_namespace", namespace)?;
            config.namespace = namespace.to_owned();
        }
        config.encryption_key = match (encryption_key.is_null(), key_len) {
            (true, 0) => None,
            (true, _) => return Err(Error::invalid_argument("encryption_key", "is NULL but key_len is not 0")),
            (false, 32) => {
                // SAFETY: the caller promises `key_len` readable bytes.
                let bytes = unsafe { std::slice::from_raw_parts(encryption_key, 32) };
                Some(bytes.try_into().expect("32 bytes"))
            }
            (false, _) => return Err(Error::invalid_argument("key_len", "must be 32 (an AES-256 key) or 0")),
        };
        config.lease = millis_or_default(lease_ms, DEFAULT_LEASE_MS, 1, "lease_ms")?;
        config.connect_timeout = millis_or_default(timeout_ms, DEFAULT_REDIS_TIMEOUT_MS, 1, "timeout_ms")?;
        config.io_timeout = config.connect_timeout;
        unsafe { write_store(out_store, Arc::new(RedisStore::new(config)?)) };
        Ok(())
    })
}

/// Frees a store handle. NULL does nothing. Managers created with it keep using it.
///
/// # Safety
/// `store` is NULL or from this library, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_store_free(store: *mut IopTokenStore) {
    unsafe { guard::free_handle(store) }
}

/// Hands `text` to the library from inside a store callback (copied; a later call replaces
/// it). Returns `IOP_ERR_INVALID_ARGUMENT` for a NULL or invalid `value` or `text`.
///
/// # Safety
/// `value` is the pointer the running callback received; `text` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_store_value_set(value: *mut IopTokenStoreValue, text: *const c_char) -> IopStatus {
    guard::status(|| {
        let v = unsafe { handle_mut(value, "value") }?;
        v.value = Some(unsafe { arg_str(text, "text") }?.to_owned());
        Ok(())
    })
}

/// Reads the store: the accounts whose re-authorization deadline falls within `within_ms`
/// milliseconds from now (at least 0; passed ones included), soonest first, as a JSON array of
/// `{"account":…,"reauthorize_by":<epoch ms>}`. On `IOP_OK` writes `*out_json`: owned,
/// release with `iop_string_free`.
///
/// # Safety
/// `store` is NULL or live; `out_json` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_store_list_due(
    store: *const IopTokenStore,
    within_ms: i64,
    out_json: *mut *mut c_char,
) -> IopStatus {
    guard::status(|| {
        out_arg(out_json, "out_json")?;
        let s = unsafe { handle(store, "store") }?;
        let within = Duration::from_millis(
            u64::try_from(within_ms).map_err(|_| Error::invalid_argument("within_ms", "must not be negative"))?,
        );
        let due = reauthorization_due(&*s.store, now_ms(), within)?;
        let list: Vec<serde_json::Value> = due
            .into_iter()
            .map(|(account, at)| serde_json::json!({"account": account, "reauthorize_by": at}))
            .collect();
        unsafe { *out_json = owned(&serde_json::Value::Array(list).to_string()) };
        Ok(())
    })
}
