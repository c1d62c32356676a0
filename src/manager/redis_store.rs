//! A token store in Redis, shared by every host of a fleet: a lease lock per account
//! (`SET NX PX` with a random owner, released only by that owner), and compare-and-swap writes
//! that also check the writer still holds its lease, both as Lua scripts run atomically by Redis.
//!
//! Keys, for namespace `ns` (default `iopkit`) and app key `app`: `ns:app:<account>:record` (a
//! hash: `version` and `data`, the record's JSON or its sealed form), `ns:app:<account>:lock`
//! (the lease), and `ns:app:accounts` (the set of accounts with a record).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use redis::{Connection, RedisResult, Script};

use super::record::TokenRecord;
use super::redis_conn::{Connector, parse_url};
use super::sealed::{Sealer, is_sealed, key_id};
use super::store::{StoreLock, TokenStore, lock_timeout};
use crate::error::{Error, ErrorKind, Result};

/// Default namespace: the first part of every key.
pub const DEFAULT_NAMESPACE: &str = "iopkit";
/// Default lease of a refresh lock in milliseconds: a holder that dies frees the account after
/// this long.
pub const DEFAULT_LEASE_MS: i64 = 30_000;
/// Default lease of a refresh lock (see [`DEFAULT_LEASE_MS`]).
pub const DEFAULT_LEASE: Duration = Duration::from_millis(DEFAULT_LEASE_MS as u64);
/// Default connect timeout, and default timeout of each command, in milliseconds.
pub const DEFAULT_REDIS_TIMEOUT_MS: i64 = 5_000;
/// Default Redis timeout (see [`DEFAULT_REDIS_TIMEOUT_MS`]).
pub const DEFAULT_REDIS_TIMEOUT: Duration = Duration::from_millis(DEFAULT_REDIS_TIMEOUT_MS as u64);
/// Pause between attempts to take a lease that another client holds.
const LOCK_POLL: Duration = Duration::from_millis(5);

/// Writes `ARGV[4]` (version `ARGV[3]`) if the lease is as expected and the stored version is
/// `ARGV[2]`. `ARGV[1]` is the writer's lease owner, or empty for a writer holding no lease
/// (then no one may hold it). Returns 1 when written (also when this exact write already
/// landed: a retry after a lost reply), 0 for another version, -1 when the writer's lease was
/// lost, -2 when another client holds the lease.
const CAS_SCRIPT: &str = r"
local holder = redis.call('GET', KEYS[2])
if ARGV[1] == '' then
  if holder then return -2 end
elseif holder ~= ARGV[1] then
  return -1
end
local stored = redis.call('HGET', KEYS[1], 'version') or '0'
if stored == ARGV[3] and redis.call('HGET', KEYS[1], 'data') == ARGV[4] then return 1 end
if stored ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[3], 'data', ARGV[4])
redis.call('SADD', KEYS[3], ARGV[5])
return 1
";

/// Deletes the lease only when `ARGV[1]` still owns it.
const RELEASE_SCRIPT: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
";

/// Settings of a [`RedisStore`].
#[derive(Clone)]
pub struct RedisStoreConfig {
    /// `redis://[user][:password@]host[:port][/db]`, `rediss://…` (TLS, certificates verified
    /// against the system's roots, or the CA file named by `SSL_CERT_FILE`) or
    /// `redis+unix:///path`. Never shown in full: Debug and
    /// errors hide the password.
    pub url: String,
    /// First part of every key (default [`DEFAULT_NAMESPACE`]); no `:`.
    pub namespace: String,
    /// The app whose sellers' tokens these are (keys are per app and account); no `:`.
    pub app_key: String,
    /// Encrypts records at rest (AES-256-GCM) when set. Records written without a key are
    /// still read, and sealed at their next write.
    pub encryption_key: Option<[u8; 32]>,
    /// Connect timeout (default [`DEFAULT_REDIS_TIMEOUT`]).
    pub connect_timeout: Duration,
    /// Timeout of each command (default [`DEFAULT_REDIS_TIMEOUT`]).
    pub io_timeout: Duration,
    /// How long a refresh lock lasts unless released (default [`DEFAULT_LEASE`]): a host that
    /// dies holding it delays the account's other hosts this long. A refresh must finish
    /// within it: a write after the lease was lost is refused.
    pub lease: Duration,
}

impl RedisStoreConfig {
    /// Settings for `url` and `app_key` with the defaults.
    pub fn new(url: &str, app_key: &str) -> RedisStoreConfig {
        RedisStoreConfig {
            url: url.to_owned(),
            namespace: DEFAULT_NAMESPACE.to_owned(),
            app_key: app_key.to_owned(),
            encryption_key: None,
            connect_timeout: DEFAULT_REDIS_TIMEOUT,
            io_timeout: DEFAULT_REDIS_TIMEOUT,
            lease: DEFAULT_LEASE,
        }
    }
}

impl fmt::Debug for RedisStoreConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = parse_url(&self.url).map(|p| p.redacted).unwrap_or_else(|_| "<invalid>".into());
        f.debug_struct("RedisStoreConfig")
            .field("url", &url)
            .field("namespace", &self.namespace)
            .field("app_key", &self.app_key)
            .field("encryption_key_id", &self.encryption_key.as_ref().map(key_id))
            .field("connect_timeout", &self.connect_timeout)
            .field("io_timeout", &self.io_timeout)
            .field("lease", &self.lease)
            .finish()
    }
}

/// Records in Redis, shared by many hosts: the refresh lock is a lease per account, so exactly
/// one host refreshes an account per expiry window and the others then read the new pair; a
/// host that dies holding a lease delays the account by at most the lease. After Redis
/// restarts or a connection breaks, calls fail with a typed error
/// ([`ErrorKind::Connect`] or [`ErrorKind::Network`], message `token store (redis …`) and
/// work again once Redis is back, without restarting the process.
pub struct RedisStore {
    connector: Arc<Connector>,
    namespace: String,
    limits: OnceLock<Arc<crate::limits::RedisLimits>>,
    prefix: String,
    sealer: Option<Sealer>,
    lease: Duration,
    /// The lease owner this client holds per account.
    held: Mutex<HashMap<String, String>>,
    cas: Script,
    release: Script,
    redacted_url: String,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("url", &self.redacted_url)
            .field("prefix", &self.prefix)
            .field("encryption_key_id", &self.sealer.as_ref().map(Sealer::key_id))
            .field("lease", &self.lease)
            .finish_non_exhaustive()
    }
}

/// Checks a key part (`namespace`, `app_key`) given as the argument `name`.
pub(crate) fn check_part(name: &str, value: &str) -> Result<()> {
    if value.is_empty() || value.chars().any(|c| c == ':' || c.is_control() || c.is_whitespace()) {
        return Err(Error::invalid_argument(name, "must be non-empty, without `:`, spaces or control characters"));
    }
    Ok(())
}

fn new_owner() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes)
        .map_err(|_| Error::new(ErrorKind::Internal, "the system's random number generator failed"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl RedisStore {
    /// A store with `config`. Checks the settings but does not connect: the first call does,
    /// so a store can be made while Redis is down.
    pub fn new(config: RedisStoreConfig) -> Result<RedisStore> {
        let parts = parse_url(&config.url)?;
        check_part("namespace", &config.namespace)?;
        check_part("app_key", &config.app_key)?;
        for (name, d) in
            [("connect_timeout", config.connect_timeout), ("io_timeout", config.io_timeout), ("lease", config.lease)]
        {
            if d.as_millis() == 0 {
                return Err(Error::invalid_argument(name, "must be at least 1 ms"));
            }
        }
        let redacted_url = parts.redacted.clone();
        Ok(RedisStore {
            connector: Arc::new(Connector::new(&config.url, parts, config.connect_timeout, config.io_timeout)?),
            namespace: config.namespace.clone(),
            limits: OnceLock::new(),
            prefix: format!("{}:{}:", config.namespace, config.app_key),
            sealer: config.encryption_key.as_ref().map(Sealer::new),
            lease: config.lease,
            held: Mutex::new(HashMap::new()),
            cas: Script::new(CAS_SCRIPT),
            release: Script::new(RELEASE_SCRIPT),
            redacted_url,
        })
    }

    /// The lease of a refresh lock.
    pub fn lease(&self) -> Duration {
        self.lease
    }

    /// The key of `account`'s record (a hash with `version` and `data`).
    pub fn record_key(&self, account: &str) -> String {
        format!("{}{account}:record", self.prefix)
    }

    /// The key of `account`'s refresh lease.
    pub fn lock_key(&self, account: &str) -> String {
        format!("{}{account}:lock", self.prefix)
    }

    /// The key of the set of accounts with a record.
    pub fn index_key(&self) -> String {
        format!("{}accounts", self.prefix)
    }

    fn held(&self) -> MutexGuard<'_, HashMap<String, String>> {
        self.held.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The associated data binding a sealed record to its key and version.
    fn place(&self, account: &str, version: u64) -> Vec<u8> {
        format!("{}\n{version}", self.record_key(account)).into_bytes()
    }

    fn encode(&self, account: &str, record: &TokenRecord) -> Result<Vec<u8>> {
        let json = record.to_json();
        match &self.sealer {
            Some(sealer) => Ok(sealer.seal(json.as_bytes(), &self.place(account, record.version))?.into_bytes()),
            None => Ok(json.into_bytes()),
        }
    }

    fn decode(&self, account: &str, version: u64, data: &[u8]) -> Result<TokenRecord> {
        let what = format!("token store (redis): the record of `{account}`");
        let json = if is_sealed(data) {
            let sealer = self.sealer.as_ref().ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidArgument,
                    format!("{what} is encrypted; give the store its encryption key"),
                )
            })?;
            sealer.open(data, &self.place(account, version), &what)?
        } else {
            data.to_vec()
        };
        let text = String::from_utf8(json)
            .map_err(|_| Error::new(ErrorKind::MalformedResponse, format!("{what} is neither JSON nor sealed")))?;
        let record = TokenRecord::from_json(&text)?;
        if record.version != version {
            return Err(Error::new(
                ErrorKind::MalformedResponse,
                format!("{what} holds version {} under version {version}", record.version),
            ));
        }
        Ok(record)
    }

    /// One attempt to take `account`'s lease for `owner`. On a retry (the first reply was
    /// lost) a lease already holding `owner` is ours.
    fn try_acquire(&self, con: &mut Connection, account: &str, owner: &str, retry: bool) -> RedisResult<bool> {
        let key = self.lock_key(account);
        let set: Option<String> =
            redis::cmd("SET").arg(&key).arg(owner).arg("NX").arg("PX").arg(millis(self.lease)).query(con)?;
        if set.is_some() {
            return Ok(true);
        }
        if retry {
            let holder: Option<String> = redis::cmd("GET").arg(&key).query(con)?;
            return Ok(holder.as_deref() == Some(owner));
        }
        Ok(false)
    }

    fn release(&self, account: &str, owner: &str) {
        {
            let mut held = self.held();
            if held.get(account).map(String::as_str) == Some(owner) {
                held.remove(account);
            }
        }
        // A failure leaves the lease to expire on its own.
        let _ = self.connector.run("release a refresh lease", |con, _| {
            self.release.key(self.lock_key(account)).arg(owner).invoke::<i64>(con)
        });
    }
}

impl TokenStore for RedisStore {
    fn load(&self, account: &str) -> Result<Option<TokenRecord>> {
        let key = self.record_key(account);
        let (version, data): (Option<u64>, Option<Vec<u8>>) =
            self.connector.run(&format!("load the record of `{account}`"), |con, _| {
                redis::cmd("HMGET").arg(&key).arg("version").arg("data").query(con)
            })?;
        match (version, data) {
            (Some(version), Some(data)) => self.decode(account, version, &data).map(Some),
            _ => Ok(None),
        }
    }

    fn compare_and_swap(&self, account: &str, expected_version: u64, record: &TokenRecord) -> Result<bool> {
        let owner = self.held().get(account).cloned().unwrap_or_default();
        let data = self.encode(account, record)?;
        let code: i64 = self.connector.run(&format!("write the record of `{account}`"), |con, _| {
            self.cas
                .key(self.record_key(account))
                .key(self.lock_key(account))
                .key(self.index_key())
                .arg(&owner)
                .arg(expected_version)
                .arg(record.version)
                .arg(&data)
                .arg(account)
                .invoke(con)
        })?;
        match code {
            1 => Ok(true),
            0 => Ok(false),
            -1 => Err(Error::new(
                ErrorKind::Timeout,
                format!(
                    "token store (redis): the refresh lease of `{account}` ({} ms) expired before its write; \
                     nothing was written (a refresh must finish within the lease)",
                    millis(self.lease)
                ),
            )),
            _ => Err(Error::new(
                ErrorKind::Timeout,
                format!(
                    "token store (redis): another client holds the refresh lease of `{account}`; nothing was written"
                ),
            )),
        }
    }

    fn lock(&self, account: &str, timeout: Duration) -> Result<StoreLock<'_>> {
        let owner = new_owner()?;
        let deadline = Instant::now() + timeout;
        let what = format!("take the refresh lease of `{account}`");
        let mut attempt = 0u64;
        loop {
            if self.connector.run(&what, |con, retry| self.try_acquire(con, account, &owner, retry))? {
                break;
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(lock_timeout(account, timeout));
            }
            // A little jitter keeps waiting hosts from polling in step.
            attempt += 1;
            let jitter = Duration::from_micros((attempt * 7919 + u64::from(std::process::id())) % 5000);
            std::thread::sleep((LOCK_POLL + jitter).min(deadline - now));
        }
        self.held().insert(account.to_owned(), owner.clone());
        let account = account.to_owned();
        Ok(StoreLock::new(move || self.release(&account, &owner)))
    }

    /// Rate limits shared by every host on this Redis server and namespace
    /// (`<namespace>:limit:…` keys, through this store's connections).
    fn limit_backend(&self) -> Option<Arc<dyn crate::limits::LimitBackend>> {
        let limits = self
            .limits
            .get_or_init(|| Arc::new(crate::limits::RedisLimits::new(Arc::clone(&self.connector), &self.namespace)));
        Some(Arc::clone(limits) as Arc<dyn crate::limits::LimitBackend>)
    }

    fn accounts(&self) -> Result<Vec<String>> {
        let index = self.index_key();
        let mut all: Vec<String> =
            self.connector.run("list the accounts", |con, _| redis::cmd("SMEMBERS").arg(&index).query(con))?;
        all.sort();
        Ok(all)
    }
}
