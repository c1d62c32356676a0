//! Token lifecycle: [`TokenManager`] hands out an access token that is always valid, refreshes
//! it once per expiry window however many threads and processes ask (single flight in the
//! process, the store's lock across processes), stores each new pair before anyone uses it,
//! and reports a grant that only a new authorization can fix as
//! [`ErrorKind::ReauthorizationRequired`] instead of looping.
//!
//! Stores: [`MemoryStore`] (one process), [`FileStore`] (processes of one host), `RedisStore`
//! (the hosts of a fleet; feature `redis-store`), or any [`TokenStore`] (the C ABI's callback
//! store keeps tokens in the application's database).

mod file_store;
mod flight;
mod record;
#[cfg(feature = "redis-store")]
mod redis_conn;
#[cfg(feature = "redis-store")]
mod redis_store;
#[cfg(feature = "redis-store")]
mod sealed;
mod source;
mod store;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use file_store::FileStore;
pub use record::TokenRecord;
#[cfg(feature = "redis-store")]
pub(crate) use redis_conn::Connector as RedisConnector;
#[cfg(feature = "redis-store")]
pub(crate) use redis_store::check_part as check_redis_key_part;
#[cfg(feature = "redis-store")]
pub use redis_store::{
    DEFAULT_LEASE, DEFAULT_LEASE_MS, DEFAULT_NAMESPACE, DEFAULT_REDIS_TIMEOUT, DEFAULT_REDIS_TIMEOUT_MS, RedisStore,
    RedisStoreConfig,
};
pub(crate) use store::lock_timeout;
pub use store::{MemoryStore, StoreLock, TokenStore};

use flight::Flight;
use source::{EnosSource, IopSource, Renewal, TokenSource, reauthorization_required};

use crate::client::{Client, now_ms};
use crate::enos::EnosClient;
use crate::error::{Error, ErrorKind, Result};
use crate::events::{self, Event, Level};
use crate::secret::Secret;
use crate::token::Token;

/// Default refresh margin in milliseconds: refresh when the access token has less than 30
/// minutes left.
pub const DEFAULT_REFRESH_MARGIN_MS: i64 = 1_800_000;
/// Default refresh margin (see [`DEFAULT_REFRESH_MARGIN_MS`]).
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_millis(DEFAULT_REFRESH_MARGIN_MS as u64);
/// A wait for the store's lock at least this long is reported (`store.lock_wait`); shorter
/// ones are the lock's own round trip.
const LOCK_WAIT_REPORTED: Duration = Duration::from_millis(5);
/// Default time a caller waits for another thread's or process's refresh.
pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_secs(60);

/// A step of a refresh, reported to [`ManagerConfig::on_event`] (for logs and metrics).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefreshEvent {
    /// The refresh lock is held and the store still holds the old pair: a refresh is sent.
    Started,
    /// The new pair arrived and is about to be stored.
    Received,
    /// The new pair is stored; it is now handed out.
    Stored,
    /// The grant is dead: re-authorization is required.
    ReauthorizationRequired,
}

/// Settings of a manager.
#[derive(Clone)]
pub struct ManagerConfig {
    /// Refresh when the access token has less than this left (default 30 minutes).
    pub refresh_margin: Duration,
    /// How long a caller waits for the refresh lock or another thread's refresh (default 60 s).
    pub wait_timeout: Duration,
    /// Called at each step of a refresh, on the refreshing thread; must not block.
    pub on_event: Option<Arc<dyn Fn(RefreshEvent) + Send + Sync>>,
}

impl Default for ManagerConfig {
    fn default() -> Self {
        ManagerConfig { refresh_margin: DEFAULT_REFRESH_MARGIN, wait_timeout: DEFAULT_WAIT_TIMEOUT, on_event: None }
    }
}

impl fmt::Debug for ManagerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManagerConfig")
            .field("refresh_margin", &self.refresh_margin)
            .field("wait_timeout", &self.wait_timeout)
            .finish_non_exhaustive()
    }
}

/// Always-valid access tokens for one account (a seller of an IOP app, or an EnOS app).
/// Safe to share across threads.
pub struct TokenManager {
    source: Box<dyn TokenSource>,
    iop: Option<Arc<Client>>,
    store: Arc<dyn TokenStore>,
    account: String,
    config: ManagerConfig,
    flight: Flight,
}

impl fmt::Debug for TokenManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenManager").field("account", &self.account).field("config", &self.config).finish()
    }
}

impl TokenManager {
    /// A manager for the seller `account` (any stable key, e.g. the seller id) of an IOP app.
    pub fn new(client: Arc<Client>, store: Arc<dyn TokenStore>, account: &str, config: ManagerConfig) -> Result<Self> {
        TokenManager::build(Box::new(IopSource(client.clone())), Some(client), store, account, config)
    }

    /// A manager for an EnOS app's token, kept under `account` in `store`. The first
    /// [`TokenManager::access_token`] gets a token; no authorization step is needed.
    pub fn new_enos(
        client: Arc<EnosClient>,
        store: Arc<dyn TokenStore>,
        account: &str,
        config: ManagerConfig,
    ) -> Result<Self> {
        TokenManager::build(Box::new(EnosSource(client)), None, store, account, config)
    }

    fn build(
        source: Box<dyn TokenSource>,
        iop: Option<Arc<Client>>,
        store: Arc<dyn TokenStore>,
        account: &str,
        config: ManagerConfig,
    ) -> Result<Self> {
        if account.is_empty() {
            return Err(Error::invalid_argument("account", "must not be empty"));
        }
        if config.wait_timeout.is_zero() {
            return Err(Error::invalid_argument("wait_timeout", "must be greater than zero"));
        }
        Ok(TokenManager { source, iop, store, account: account.to_owned(), config, flight: Flight::default() })
    }

    /// The account this manager serves.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// Stores a token from a new authorization (after [`Client::create_token`]) as this
    /// account's grant, replacing whatever was stored.
    pub fn store_grant(&self, token: &Token) -> Result<TokenRecord> {
        let _lock = self.lock()?;
        self.store_grant_locked(token)
    }

    fn store_grant_locked(&self, token: &Token) -> Result<TokenRecord> {
        if token.access_token.is_empty() {
            return Err(Error::invalid_argument("token", "has no access token"));
        }
        let current = self.store.load(&self.account)?.map_or(0, |r| r.version);
        let mut record = TokenRecord::from_grant(token, now_ms());
        record.version = current + 1;
        self.write(current, &record)?;
        Ok(record)
    }

    /// Exchanges an authorization `code` (IOP managers only) and stores the grant. The store is
    /// checked (its lock taken, its record read) before the one-time code is spent.
    pub fn create_token(&self, code: &str) -> Result<TokenRecord> {
        let client = self.iop.as_ref().ok_or_else(|| Error::invalid_argument("code", "EnOS managers need no code"))?;
        let _lock = self.lock()?;
        self.store.load(&self.account)?;
        let result = client.create_token(code).and_then(|token| self.store_grant_locked(&token));
        let level = if result.is_ok() { Level::Info } else { Level::Warn };
        events::emit(level, || {
            let outcome = result.as_ref().map_or_else(|e| format!("{:?}", e.kind()), |_| "ok".to_owned());
            Event::new("token.create", level, format!("token create for account `{}`: {outcome}", self.account))
                .field("account", self.account.as_str())
                .field("outcome", if result.is_ok() { "ok" } else { "error" })
                .field("error_kind", result.as_ref().err().map(|e| format!("{:?}", e.kind())))
        });
        result
    }

    /// Takes the store's lock for this account, reporting a noticeable wait (`store.lock_wait`).
    fn lock(&self) -> Result<StoreLock<'_>> {
        let started = Instant::now();
        let lock = self.store.lock(&self.account, self.config.wait_timeout)?;
        let waited = started.elapsed();
        if waited >= LOCK_WAIT_REPORTED {
            events::emit(Level::Debug, || {
                let waited_ms = events::millis_since(started);
                Event::new(
                    "store.lock_wait",
                    Level::Debug,
                    format!("waited {waited_ms} ms for the lock of `{}`", self.account),
                )
                .field("account", self.account.as_str())
                .field("waited_ms", waited_ms)
            });
        }
        Ok(lock)
    }

    /// The stored record, if any.
    pub fn record(&self) -> Result<Option<TokenRecord>> {
        self.store.load(&self.account)
    }

    /// An access token valid for more than the refresh margin, refreshing first when needed.
    ///
    /// [`ErrorKind::ReauthorizationRequired`] when nothing is stored, or when the grant is dead
    /// (`IllegalRefreshToken`, an expired refresh token, a grant that cannot be refreshed) and
    /// its access token has expired: a dead grant is recorded once, never retried, and serves
    /// its access token while it lasts. When a refresh fails for another reason and the stored
    /// token has not expired yet, that token is returned; otherwise the error.
    pub fn access_token(&self) -> Result<Secret> {
        let margin = self.margin_ms();
        let record = self.load_live()?;
        if record.is_fresh(now_ms(), margin) || record.reauthorization_reason.is_some() {
            return Ok(record.access_token);
        }
        self.flight.run(self.config.wait_timeout, || self.renew())
    }

    fn margin_ms(&self) -> i64 {
        i64::try_from(self.config.refresh_margin.as_millis()).unwrap_or(i64::MAX)
    }

    /// The stored record. A grant marked dead still serves its access token until that
    /// expires; then, and when nothing is stored, the error says to authorize again.
    fn load_live(&self) -> Result<TokenRecord> {
        match self.store.load(&self.account)? {
            Some(r) => match &r.reauthorization_reason {
                Some(reason) if r.expires_at_ms <= now_ms() => Err(reauthorization_required(&self.account, reason)),
                _ => Ok(r),
            },
            None if self.iop.is_none() => Ok(enos_placeholder()),
            None => Err(reauthorization_required(&self.account, "no token is stored; authorize the seller")),
        }
    }

    fn event(&self, e: RefreshEvent) {
        if let Some(on_event) = &self.config.on_event {
            on_event(e);
        }
    }

    /// Reports a refresh (`token.refresh`): `ok`, `reauthorization_required` or the error kind.
    fn refresh_event(&self, renewal: &Result<Renewal>, started: Instant) {
        let level = if matches!(renewal, Ok(Renewal::Renewed(_))) { Level::Info } else { Level::Warn };
        events::emit(level, || {
            let (outcome, detail) = match renewal {
                Ok(Renewal::Renewed(_)) => ("ok", "refreshed".to_owned()),
                Ok(Renewal::Dead(reason)) => ("reauthorization_required", reason.clone()),
                Err(e) => ("error", e.message().to_owned()),
            };
            Event::new("token.refresh", level, format!("token refresh for account `{}`: {detail}", self.account))
                .field("account", self.account.as_str())
                .field("outcome", outcome)
                .field("duration_ms", events::millis_since(started))
                .field("kind", if self.iop.is_some() { "iop" } else { "enos" })
                .field("error_kind", renewal.as_ref().err().map(|e| format!("{:?}", e.kind())))
        });
    }

    fn write(&self, expected: u64, record: &TokenRecord) -> Result<()> {
        if self.store.compare_and_swap(&self.account, expected, record)? {
            Ok(())
        } else {
            Err(Error::new(
                ErrorKind::Internal,
                format!("the token store of `{}` changed while its refresh lock was held", self.account),
            ))
        }
    }

    /// Refreshes under the store's lock; the caller is the only thread of this manager here.
    fn renew(&self) -> Result<Secret> {
        let _lock = self.lock()?;
        let current = self.load_live()?;
        let now = now_ms();
        if current.is_fresh(now, self.margin_ms()) || current.reauthorization_reason.is_some() {
            return Ok(current.access_token); // another process refreshed (or gave up) meanwhile
        }
        let interrupted = current.refresh_started_at_ms;
        // Record the intent first: if this process dies after sending, the next one knows.
        let mut marked = current.clone();
        marked.refresh_started_at_ms = Some(now);
        if current.version > 0 {
            marked.version += 1;
            self.write(current.version, &marked)?;
        }
        self.event(RefreshEvent::Started);
        let started = Instant::now();
        let renewal = self.source.renew(&marked);
        self.refresh_event(&renewal, started);
        match renewal {
            Ok(Renewal::Renewed(next)) => {
                self.event(RefreshEvent::Received);
                self.write(marked.version, &next)?;
                self.event(RefreshEvent::Stored);
                Ok(next.access_token)
            }
            Ok(Renewal::Dead(mut reason)) => {
                if let Some(at) = interrupted {
                    reason.push_str(&format!(
                        "; a refresh started at {at} (epoch ms) never stored its answer, so a process may \
                         have died holding the new refresh token"
                    ));
                }
                let mut dead = marked.clone();
                dead.version += 1;
                dead.refresh_started_at_ms = None;
                dead.reauthorization_reason = Some(reason.clone());
                self.write(marked.version, &dead)?;
                self.event(RefreshEvent::ReauthorizationRequired);
                if current.expires_at_ms > now {
                    Ok(current.access_token)
                } else {
                    Err(reauthorization_required(&self.account, &reason))
                }
            }
            Err(e) => {
                if e.kind() == ErrorKind::Connect || e.kind() == ErrorKind::InvalidArgument {
                    // The refresh never reached the server: the old pair is still good.
                    let mut restored = current.clone();
                    restored.version = marked.version + 1;
                    if current.version > 0 {
                        self.write(marked.version, &restored)?;
                    }
                }
                if current.expires_at_ms > now { Ok(current.access_token) } else { Err(e) }
            }
        }
    }
}

/// The record an EnOS manager starts from before its first token.
fn enos_placeholder() -> TokenRecord {
    TokenRecord {
        version: 0,
        access_token: Secret::default(),
        refresh_token: Secret::default(),
        expires_at_ms: 0,
        refresh_expires_at_ms: None,
        can_refresh: true,
        granted_at_ms: now_ms(),
        refresh_started_at_ms: None,
        reauthorization_reason: None,
        seller_id: None,
        country: None,
    }
}

/// Applies an authorization-expiry alert (push message type 8): every account of `store` whose
/// record's `seller_id` is `seller_id` gets its re-authorization deadline moved to
/// `auth_expires_at_ms` when that is earlier (see [`TokenRecord::with_expiry_alert`]), written
/// under the account's lock with a compare-and-swap, as the manager writes. Returns how many
/// records changed. `wait` bounds the wait for each lock.
pub fn apply_expiry_alert(
    store: &dyn TokenStore,
    seller_id: &str,
    auth_expires_at_ms: i64,
    wait: Duration,
) -> Result<u64> {
    if seller_id.is_empty() {
        return Err(Error::invalid_argument("seller_id", "must not be empty"));
    }
    let mut updated = 0;
    for account in store.accounts()? {
        let matches = |r: &TokenRecord| r.seller_id.as_deref() == Some(seller_id);
        if !store.load(&account)?.is_some_and(|r| matches(&r)) {
            continue;
        }
        let _lock = store.lock(&account, wait)?;
        let Some(current) = store.load(&account)?.filter(|r| matches(r)) else { continue };
        let Some(next) = current.with_expiry_alert(auth_expires_at_ms) else { continue };
        if !store.compare_and_swap(&account, current.version, &next)? {
            return Err(Error::new(
                ErrorKind::Internal,
                format!("the token store of `{account}` changed while its refresh lock was held"),
            ));
        }
        updated += 1;
    }
    Ok(updated)
}

/// Accounts in `store` whose re-authorization deadline falls before `now_ms + within`
/// (already passed included; an applied expiry alert counts), soonest first, with the deadline in epoch ms; accounts already
/// marked as needing re-authorization are listed with their grant's deadline or `now_ms`.
pub fn reauthorization_due(store: &dyn TokenStore, now_ms: i64, within: Duration) -> Result<Vec<(String, i64)>> {
    let horizon = now_ms.saturating_add(i64::try_from(within.as_millis()).unwrap_or(i64::MAX));
    let mut due = Vec::new();
    for account in store.accounts()? {
        let Some(record) = store.load(&account)? else { continue };
        let deadline = match (record.reauthorize_by_ms(), &record.reauthorization_reason) {
            (Some(at), None) => at,
            (at, Some(_)) => at.unwrap_or(now_ms).min(now_ms),
            (None, None) => continue,
        };
        if deadline <= horizon {
            due.push((account, deadline));
        }
    }
    due.sort_by_key(|(_, at)| *at);
    Ok(due)
}
