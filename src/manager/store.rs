//! Where the manager keeps tokens: the [`TokenStore`] interface and the in-memory store.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use super::record::TokenRecord;
use crate::error::{Error, ErrorKind, Result};

/// A token store: per-account records with compare-and-swap writes and a refresh lock.
///
/// Implementations must be safe to call from many threads at once. The manager calls
/// [`TokenStore::compare_and_swap`] only while it holds [`TokenStore::lock`] for the account.
pub trait TokenStore: Send + Sync {
    /// The record stored for `account`, if any.
    fn load(&self, account: &str) -> Result<Option<TokenRecord>>;

    /// Durably stores `record` (whose `version` is `expected_version + 1`) if the stored
    /// record's version is `expected_version` (0: nothing stored). `Ok(false)` when another
    /// writer got there first; nothing is written then.
    fn compare_and_swap(&self, account: &str, expected_version: u64, record: &TokenRecord) -> Result<bool>;

    /// Takes the refresh lock of `account`, across processes where the store can, waiting at
    /// most `timeout`; it is released when the returned guard drops.
    fn lock(&self, account: &str, timeout: Duration) -> Result<StoreLock<'_>>;

    /// Every account with a record.
    fn accounts(&self) -> Result<Vec<String>>;

    /// Where a [`crate::limits::RateLimiter`] made from this store keeps buckets and bans
    /// (memory: this process; Redis: every host on that server and namespace); `None` when
    /// the store cannot hold them (file and callback stores).
    fn limit_backend(&self) -> Option<Arc<dyn crate::limits::LimitBackend>> {
        None
    }
}

/// A held refresh lock; dropping it releases the lock.
#[must_use = "the lock is released when this guard drops"]
pub struct StoreLock<'a> {
    release: Option<Box<dyn FnOnce() + Send + 'a>>,
}

impl<'a> StoreLock<'a> {
    /// A guard that runs `release` when dropped.
    pub fn new(release: impl FnOnce() + Send + 'a) -> StoreLock<'a> {
        StoreLock { release: Some(Box::new(release)) }
    }
}

impl Drop for StoreLock<'_> {
    fn drop(&mut self) {
        if let Some(release) = self.release.take() {
            release();
        }
    }
}

/// The error for a lock that stayed taken for `timeout`.
pub(crate) fn lock_timeout(account: &str, timeout: Duration) -> Error {
    Error::new(
        ErrorKind::Timeout,
        format!("the refresh lock of account `{account}` stayed taken for {} ms", timeout.as_millis()),
    )
}

/// Keeps records in this process's memory: for one process, tests, or as a cache in front of
/// nothing. Lost when the process ends.
#[derive(Default)]
pub struct MemoryStore {
    records: Mutex<HashMap<String, TokenRecord>>,
    locked: Mutex<HashSet<String>>,
    released: Condvar,
    limits: OnceLock<Arc<crate::limits::MemoryLimits>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn records(&self) -> MutexGuard<'_, HashMap<String, TokenRecord>> {
        self.records.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl TokenStore for MemoryStore {
    fn load(&self, account: &str) -> Result<Option<TokenRecord>> {
        Ok(self.records().get(account).cloned())
    }

    fn compare_and_swap(&self, account: &str, expected_version: u64, record: &TokenRecord) -> Result<bool> {
        let mut records = self.records();
        if records.get(account).map_or(0, |r| r.version) != expected_version {
            return Ok(false);
        }
        records.insert(account.to_owned(), record.clone());
        Ok(true)
    }

    fn lock(&self, account: &str, timeout: Duration) -> Result<StoreLock<'_>> {
        let deadline = Instant::now() + timeout;
        let mut locked = self.locked.lock().unwrap_or_else(|p| p.into_inner());
        while locked.contains(account) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(lock_timeout(account, timeout));
            }
            locked = self.released.wait_timeout(locked, left).unwrap_or_else(|p| p.into_inner()).0;
        }
        locked.insert(account.to_owned());
        let account = account.to_owned();
        Ok(StoreLock::new(move || {
            self.locked.lock().unwrap_or_else(|p| p.into_inner()).remove(&account);
            self.released.notify_all();
        }))
    }

    /// Rate limits shared by every limiter made from this store, in this process.
    fn limit_backend(&self) -> Option<Arc<dyn crate::limits::LimitBackend>> {
        let limits = self.limits.get_or_init(|| Arc::new(crate::limits::MemoryLimits::new()));
        Some(Arc::clone(limits) as Arc<dyn crate::limits::LimitBackend>)
    }

    fn accounts(&self) -> Result<Vec<String>> {
        let mut all: Vec<String> = self.records().keys().cloned().collect();
        all.sort();
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_excludes_and_times_out() {
        let store = MemoryStore::new();
        let held = store.lock("a", Duration::from_millis(10)).unwrap();
        assert_eq!(store.lock("a", Duration::from_millis(20)).err().unwrap().kind(), ErrorKind::Timeout);
        let other = store.lock("b", Duration::from_millis(10)).unwrap();
        drop(held);
        drop(store.lock("a", Duration::from_millis(10)).unwrap());
        drop(other);
    }
}
