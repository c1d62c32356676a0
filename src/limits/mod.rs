//! Rate limits and quotas, checked before a call is sent and learned from the platform's
//! answers, so that no caller — thread, process or host — is throttled.
//!
//! A [`RateLimiter`] holds budgets (token buckets: a rate and a burst) per app key, per API and
//! per seller, and the bans the platform announced. Before sending, a client takes a token
//! from every bucket the call passes through; when one is empty, or the call's scope is banned,
//! it waits (up to [`RateLimiter::max_wait`], sleeping in slices and checking again) or fails
//! with [`ErrorKind::RateLimited`] and a `retry_after`. A throttling answer (`AppCallLimit`,
//! `ApiCallLimit`, TOP code 7) bans its scope for the time it names, for every caller; a used-up
//! daily quota bans the app until the reset (AliExpress: midnight GMT+8), reported as
//! [`ErrorKind::QuotaExceeded`] and never waited for. The answer that taught a ban is returned
//! to its caller unchanged.
//!
//! Where the state lives is the backend: [`MemoryLimits`] (this process) or, with the
//! `redis-store` feature, `RedisLimits` (every host on one Redis server and key prefix; atomic
//! Lua, Redis's clock). [`RateLimiter::for_store`] picks the one of a token store.

mod backend;
mod bucket;
mod learn;
mod memory;
#[cfg(feature = "redis-store")]
mod redis;
mod status;

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

pub use backend::{BanEnd, Budget, Decision, LimitBackend, Slot, SlotScope, SlotState};
pub use memory::MemoryLimits;
#[cfg(feature = "redis-store")]
pub use redis::RedisLimits;
pub use status::{BanStatus, BudgetStatus, LimitStatus};

use crate::error::{Error, ErrorKind, Result};
use crate::events::{self, Event, Level};
use crate::manager::TokenStore;

/// Default longest wait for a budget or a ban before a call fails as rate limited
/// (`IOP_ERR_RATE_LIMITED`), in milliseconds.
pub const DEFAULT_RATE_LIMIT_MAX_WAIT_MS: i64 = 30_000;

/// Longest single sleep while waiting: the state is checked again after it.
const SLICE_MS: i64 = 250;

/// What a budget applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Every call of the calling client's app key.
    App,
    /// Calls of one API (or, with no name, of every API, each its own bucket).
    Api,
    /// Calls with one access token (one bucket per token).
    Seller,
}

#[derive(Clone, Debug, Default)]
struct Budgets {
    app: Option<Budget>,
    every_api: Option<Budget>,
    api: HashMap<String, Budget>,
    seller: Option<Budget>,
}

/// Budgets and bans for calls, shared by every client configured with it (and, through its
/// backend, by other limiters: the process's for memory, every host's for Redis). Thread-safe.
pub struct RateLimiter {
    backend: Arc<dyn LimitBackend>,
    budgets: RwLock<Budgets>,
    max_wait_ms: AtomicI64,
}

impl fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimiter")
            .field("backend", &self.backend.location())
            .field("max_wait_ms", &self.max_wait_ms.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// The seller slot's name for `access_token`: the first 16 hex digits of its SHA-256.
fn seller_name(access_token: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(access_token.as_bytes())[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// A small random jitter (0–7 ms) so that waiting callers do not wake in step.
fn jitter_ms() -> i64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    (h.finish() % 8) as i64
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl RateLimiter {
    /// A limiter over `backend`, with no budget and the default max wait.
    pub fn new(backend: Arc<dyn LimitBackend>) -> RateLimiter {
        RateLimiter {
            backend,
            budgets: RwLock::new(Budgets::default()),
            max_wait_ms: AtomicI64::new(DEFAULT_RATE_LIMIT_MAX_WAIT_MS),
        }
    }

    /// A limiter with state of its own in this process's memory.
    pub fn in_memory() -> RateLimiter {
        RateLimiter::new(Arc::new(MemoryLimits::new()))
    }

    /// A limiter keeping its state where `store` does: a memory store's limiters share this
    /// process's state, a Redis store's every host's on that server and namespace. File and
    /// callback stores cannot hold it ([`ErrorKind::InvalidArgument`]).
    pub fn for_store(store: &dyn TokenStore) -> Result<RateLimiter> {
        store.limit_backend().map(RateLimiter::new).ok_or_else(|| {
            Error::invalid_argument(
                "store",
                "must be a memory or Redis store (file and callback stores cannot hold rate limits)",
            )
        })
    }

    /// Sets (or, with `rate_per_second` 0, removes) a budget. `burst` `None` is
    /// `ceil(rate_per_second)`. [`Scope::App`] and [`Scope::Seller`] take no name;
    /// [`Scope::Api`] takes an API name, or none for every API (each its own bucket; a named
    /// budget wins over it).
    pub fn set_budget(&self, scope: Scope, name: Option<&str>, rate_per_second: f64, burst: Option<u32>) -> Result<()> {
        if !rate_per_second.is_finite() || rate_per_second < 0.0 {
            return Err(Error::invalid_argument("rate_per_second", "must be a number > 0 (or 0 to remove the budget)"));
        }
        if burst == Some(0) {
            return Err(Error::invalid_argument("burst", "must be at least 1"));
        }
        if name == Some("") {
            return Err(Error::invalid_argument("name", "must not be empty (pass none instead)"));
        }
        if scope != Scope::Api && name.is_some() {
            return Err(Error::invalid_argument("name", "must be NULL for the app and seller scopes"));
        }
        let budget = (rate_per_second > 0.0).then(|| Budget {
            rate_per_second,
            burst: burst.unwrap_or_else(|| rate_per_second.ceil().min(f64::from(u32::MAX)) as u32),
        });
        let mut budgets = self.budgets.write().unwrap_or_else(|p| p.into_inner());
        match (scope, name) {
            (Scope::App, _) => budgets.app = budget,
            (Scope::Seller, _) => budgets.seller = budget,
            (Scope::Api, None) => budgets.every_api = budget,
            (Scope::Api, Some(api)) => match budget {
                Some(b) => drop(budgets.api.insert(api.to_owned(), b)),
                None => drop(budgets.api.remove(api)),
            },
        }
        Ok(())
    }

    /// Sets the longest wait for a budget or a ban before a call fails with
    /// [`ErrorKind::RateLimited`] (zero: fail at once).
    pub fn set_max_wait(&self, max_wait: Duration) {
        self.max_wait_ms.store(millis(max_wait), Ordering::Relaxed);
    }

    /// The longest wait (default [`DEFAULT_RATE_LIMIT_MAX_WAIT_MS`]).
    pub fn max_wait(&self) -> Duration {
        Duration::from_millis(self.max_wait_ms.load(Ordering::Relaxed).max(0) as u64)
    }

    /// The backend holding the state.
    pub fn backend(&self) -> &Arc<dyn LimitBackend> {
        &self.backend
    }

    /// The slots a call of `api` with `access_token` passes through.
    fn slots_for(&self, api: &str, access_token: Option<&str>) -> Vec<Slot> {
        let budgets = self.budgets.read().unwrap_or_else(|p| p.into_inner());
        let mut slots = vec![
            Slot { scope: SlotScope::Daily, name: String::new(), budget: None },
            Slot { scope: SlotScope::Daily, name: api.to_owned(), budget: None },
            Slot { scope: SlotScope::App, name: String::new(), budget: budgets.app },
            Slot {
                scope: SlotScope::Api,
                name: api.to_owned(),
                budget: budgets.api.get(api).copied().or(budgets.every_api),
            },
        ];
        if let (Some(budget), Some(token)) = (budgets.seller, access_token) {
            slots.push(Slot { scope: SlotScope::Seller, name: seller_name(token), budget: Some(budget) });
        }
        slots
    }

    /// Lets a call of `api` (with `access_token`) by `app_key` go: takes a token from each of
    /// its buckets, waiting up to the max wait for tokens and bans. Fails without sending with
    /// [`ErrorKind::RateLimited`] when a longer wait would be needed, and with
    /// [`ErrorKind::QuotaExceeded`] while a daily quota is used up.
    pub fn acquire(&self, app_key: &str, api: &str, access_token: Option<&str>) -> Result<()> {
        let slots = self.slots_for(api, access_token);
        let max_wait = self.max_wait_ms.load(Ordering::Relaxed).max(0);
        let started = Instant::now();
        let mut waited_for: Option<&Slot> = None;
        loop {
            let decision = self.backend.acquire(app_key, &slots)?;
            let waited = millis(started.elapsed());
            let (slot, need, ban_code) = match decision {
                Decision::Go => {
                    if let Some(slot) = waited_for {
                        events::emit(Level::Debug, || {
                            Event::new(
                                "limit.wait",
                                Level::Debug,
                                format!(
                                    "waited {waited} ms for the {} scope{}",
                                    slot.scope.as_str(),
                                    name_note(&slot.name)
                                ),
                            )
                            .field("scope", slot.scope.as_str())
                            .field("name", Some(slot.name.as_str()).filter(|n| !n.is_empty()))
                            .field("waited_ms", waited)
                        });
                    }
                    return Ok(());
                }
                Decision::Wait { slot, wait_ms } => (&slots[slot], wait_ms, None),
                Decision::Banned { slot, until_ms, left_ms, code } => {
                    let slot = &slots[slot];
                    if slot.scope == SlotScope::Daily {
                        return Err(self.reject(slot, left_ms, || quota_error(slot, until_ms, left_ms, &code)));
                    }
                    (slot, left_ms, Some(code))
                }
            };
            if waited.saturating_add(need) > max_wait {
                return Err(self.reject(slot, need, || limited_error(slot, need, max_wait, ban_code.as_deref())));
            }
            waited_for = Some(slot);
            std::thread::sleep(Duration::from_millis((need + jitter_ms()).clamp(1, SLICE_MS) as u64));
        }
    }

    fn reject(&self, slot: &Slot, retry_after_ms: i64, error: impl FnOnce() -> Error) -> Error {
        let error = error();
        events::emit(Level::Warn, || {
            Event::new("limit.reject", Level::Warn, error.message())
                .field("scope", slot.scope.as_str())
                .field("name", Some(slot.name.as_str()).filter(|n| !n.is_empty()))
                .field("retry_after_ms", retry_after_ms)
        });
        error
    }

    /// Learns from a platform error answering a call of `api` by `app_key`: a throttling answer
    /// bans its scope for every caller (see [`crate::throttle::classify`]). Returns the ban's
    /// scope and end (epoch ms), if one was recorded. Failures to record are ignored: the
    /// answer is still the caller's.
    pub fn learn(&self, app_key: &str, api: &str, error: &crate::error::PlatformError) -> Option<(SlotScope, i64)> {
        let (scope, name, end) = learn::ban_for(api, error)?;
        let until_ms = self.backend.ban(app_key, scope, &name, end, &error.code).ok()?;
        events::emit(Level::Warn, || {
            Event::new(
                "limit.ban",
                Level::Warn,
                format!(
                    "the platform banned the {} scope{} ({}) until {until_ms}",
                    scope.as_str(),
                    name_note(&name),
                    error.code
                ),
            )
            .field("scope", scope.as_str())
            .field("name", Some(name.as_str()).filter(|n| !n.is_empty()))
            .field("until_ms", until_ms)
            .field("source", "platform")
        });
        Some((scope, until_ms))
    }

    /// Budgets (configured here and stored in the backend) and running bans of `app_key`.
    pub fn status(&self, app_key: &str) -> Result<LimitStatus> {
        let budgets = self.budgets.read().unwrap_or_else(|p| p.into_inner()).clone();
        let stored = self.backend.slots(app_key)?;
        let mut configured: Vec<(SlotScope, Option<String>, Budget)> = Vec::new();
        configured.extend(budgets.app.map(|b| (SlotScope::App, None, b)));
        configured.extend(budgets.every_api.map(|b| (SlotScope::Api, None, b)));
        configured.extend(budgets.api.iter().map(|(n, b)| (SlotScope::Api, Some(n.clone()), *b)));
        configured.extend(budgets.seller.map(|b| (SlotScope::Seller, None, b)));
        Ok(status::build(&configured, &stored))
    }

    /// [`RateLimiter::status`] as JSON: `{"budgets":[{"scope","name","rate_per_second","burst",
    /// "available"}],"bans":[{"scope","name","until_ms","code"}]}`.
    pub fn status_json(&self, app_key: &str) -> Result<String> {
        Ok(self.status(app_key)?.to_json())
    }
}

/// Before a call of `api` is sent under `config`: waits for (or refuses) its budgets and bans
/// when a limiter is configured.
pub(crate) fn before_send(
    config: &crate::config::ClientConfig,
    app_key: &str,
    api: &str,
    access_token: Option<&str>,
) -> Result<()> {
    match &config.rate_limiter {
        Some(limiter) => limiter.acquire(app_key, api, access_token),
        None => Ok(()),
    }
}

/// After a call of `api` was answered: a throttling answer teaches the configured limiter a ban.
pub(crate) fn after_answer(
    config: &crate::config::ClientConfig,
    app_key: &str,
    api: &str,
    answer: &Result<crate::response::Response>,
) {
    if let (Some(limiter), Ok(response)) = (&config.rate_limiter, answer)
        && let Some(error) = response.error()
        && let Some(fields) = error.platform_error()
    {
        limiter.learn(app_key, api, fields);
    }
}

fn name_note(name: &str) -> String {
    if name.is_empty() { String::new() } else { format!(" of `{name}`") }
}

fn limited_error(slot: &Slot, need_ms: i64, max_wait_ms: i64, ban_code: Option<&str>) -> Error {
    let what = match (ban_code, slot.budget) {
        (Some(code), _) => {
            format!("the platform's ban of the {} scope{} ({code})", slot.scope.as_str(), name_note(&slot.name))
        }
        (None, Some(b)) => format!(
            "the {} budget{} ({}/s, burst {})",
            slot.scope.as_str(),
            name_note(&slot.name),
            b.rate_per_second,
            b.burst
        ),
        (None, None) => format!("the {} scope{}", slot.scope.as_str(), name_note(&slot.name)),
    };
    Error::limited(
        ErrorKind::RateLimited,
        format!(
            "rate limited: not sent; {what} needs a wait of {need_ms} ms, more than the max wait of {max_wait_ms} ms"
        ),
        ban_code.filter(|c| !c.is_empty()).unwrap_or("RateLimited"),
        Duration::from_millis(need_ms.max(0) as u64),
    )
}

fn quota_error(slot: &Slot, until_ms: i64, left_ms: i64, code: &str) -> Error {
    let whose = if slot.name.is_empty() {
        "the app's daily quota".to_owned()
    } else {
        format!("the daily quota of `{}`", slot.name)
    };
    Error::limited(
        ErrorKind::QuotaExceeded,
        format!(
            "quota exceeded: {whose} is used up ({code}); nothing is sent until it resets at {}",
            backend::rfc3339_gmt8(until_ms)
        ),
        if code.is_empty() { "QuotaExceeded" } else { code },
        Duration::from_millis(left_ms.max(0) as u64),
    )
}

#[cfg(test)]
mod tests;
