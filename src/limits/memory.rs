//! The memory backend: buckets and bans of one process, behind one mutex, on a monotonic clock.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Instant;

use super::backend::{BanEnd, Decision, LimitBackend, Slot, SlotScope, SlotState};
use super::bucket::Bucket;
use crate::error::Result;

/// Slots kept before idle ones (full bucket, no ban) are dropped.
const PRUNE_ABOVE: usize = 4096;

/// Epoch milliseconds that never go back: the wall clock read once, then a monotonic clock.
fn now_ms() -> i64 {
    static ANCHOR: OnceLock<(i64, Instant)> = OnceLock::new();
    let (epoch, at) = ANCHOR.get_or_init(|| (crate::client::now_ms(), Instant::now()));
    epoch + i64::try_from(at.elapsed().as_millis()).unwrap_or(i64::MAX / 2)
}

#[derive(Default)]
struct Entry {
    bucket: Option<(super::backend::Budget, Bucket)>,
    ban: Option<(i64, String)>,
}

type Key = (String, SlotScope, String);

/// Buckets and bans shared by every limiter of this process made from one memory store.
#[derive(Debug, Default)]
pub struct MemoryLimits {
    slots: Mutex<HashMap<Key, Entry>>,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry").field("ban", &self.ban).finish_non_exhaustive()
    }
}

impl MemoryLimits {
    /// Empty: every bucket full, no ban.
    pub fn new() -> MemoryLimits {
        MemoryLimits::default()
    }

    fn map(&self) -> MutexGuard<'_, HashMap<Key, Entry>> {
        self.slots.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn key(app_key: &str, scope: SlotScope, name: &str) -> Key {
    (app_key.to_owned(), scope, name.to_owned())
}

impl LimitBackend for MemoryLimits {
    fn acquire(&self, app_key: &str, slots: &[Slot]) -> Result<Decision> {
        let now = now_ms();
        let mut map = self.map();
        let mut worst_ban: Option<(usize, i64, String)> = None;
        for (i, slot) in slots.iter().enumerate() {
            if let Some((until, code)) = map.get(&key(app_key, slot.scope, &slot.name)).and_then(|e| e.ban.as_ref())
                && *until > now
                && worst_ban.as_ref().is_none_or(|w| *until > w.1)
            {
                worst_ban = Some((i, *until, code.clone()));
            }
        }
        if let Some((slot, until_ms, code)) = worst_ban {
            return Ok(Decision::Banned { slot, until_ms, left_ms: until_ms - now, code });
        }
        let mut levels = Vec::with_capacity(slots.len());
        let mut wait: Option<(usize, i64)> = None;
        for (i, slot) in slots.iter().enumerate() {
            let Some(budget) = slot.budget else {
                levels.push(0.0);
                continue;
            };
            let level = match map.get(&key(app_key, slot.scope, &slot.name)).and_then(|e| e.bucket) {
                Some((_, bucket)) => bucket.level(budget, now),
                None => f64::from(budget.burst),
            };
            let need = Bucket::wait_ms(level, budget);
            if need > 0 && wait.is_none_or(|w| need > w.1) {
                wait = Some((i, need));
            }
            levels.push(level);
        }
        if let Some((slot, wait_ms)) = wait {
            return Ok(Decision::Wait { slot, wait_ms });
        }
        if map.len() > PRUNE_ABOVE {
            map.retain(|_, e| {
                e.ban.as_ref().is_some_and(|b| b.0 > now)
                    || e.bucket.is_some_and(|(budget, b)| b.level(budget, now) < f64::from(budget.burst))
            });
        }
        for (slot, level) in slots.iter().zip(levels) {
            if let Some(budget) = slot.budget {
                let entry = map.entry(key(app_key, slot.scope, &slot.name)).or_default();
                let mut bucket = Bucket::full(budget, now);
                bucket.take(level, now);
                entry.bucket = Some((budget, bucket));
            }
        }
        Ok(Decision::Go)
    }

    fn ban(&self, app_key: &str, scope: SlotScope, name: &str, end: BanEnd, code: &str) -> Result<i64> {
        let now = now_ms();
        let until = end.until(now);
        let mut map = self.map();
        let entry = map.entry(key(app_key, scope, name)).or_default();
        match &entry.ban {
            Some((current, _)) if *current >= until => Ok(*current),
            _ => {
                entry.ban = Some((until, code.to_owned()));
                Ok(until)
            }
        }
    }

    fn slots(&self, app_key: &str) -> Result<Vec<SlotState>> {
        let now = now_ms();
        let map = self.map();
        Ok(map
            .iter()
            .filter(|((app, _, _), _)| app == app_key)
            .filter_map(|((_, scope, name), e)| {
                let ban = e.ban.clone().filter(|b| b.0 > now);
                if ban.is_none() && e.bucket.is_none() {
                    return None;
                }
                Some(SlotState {
                    scope: *scope,
                    name: name.clone(),
                    budget: e.bucket.map(|b| b.0),
                    available: e.bucket.map(|(budget, b)| b.level(budget, now)),
                    ban,
                })
            })
            .collect())
    }

    fn location(&self) -> String {
        "memory".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::backend::Budget;

    fn slot(scope: SlotScope, name: &str, budget: Option<Budget>) -> Slot {
        Slot { scope, name: name.to_owned(), budget }
    }

    #[test]
    fn all_or_nothing_and_bans_first() {
        let m = MemoryLimits::new();
        let one = Some(Budget { rate_per_second: 0.001, burst: 1 });
        let two = Some(Budget { rate_per_second: 0.001, burst: 2 });
        let slots = [slot(SlotScope::App, "", two), slot(SlotScope::Api, "/a", one)];
        assert_eq!(m.acquire("k", &slots).unwrap(), Decision::Go);
        assert!(matches!(m.acquire("k", &slots).unwrap(), Decision::Wait { slot: 1, .. }));
        // The app bucket gave nothing for the refused call: one token is left for another API.
        assert_eq!(m.acquire("k", &[slot(SlotScope::App, "", two)]).unwrap(), Decision::Go);
        assert_eq!(m.acquire("other", &slots).unwrap(), Decision::Go, "app keys do not share");
        let until = m.ban("k", SlotScope::Api, "/b", BanEnd::AfterMs(60_000), "ApiCallLimit").unwrap();
        let shorter = m.ban("k", SlotScope::Api, "/b", BanEnd::AfterMs(10), "ApiCallLimit").unwrap();
        assert_eq!(shorter, until, "a longer ban is kept");
        match m.acquire("k", &[slot(SlotScope::Api, "/b", None)]).unwrap() {
            Decision::Banned { slot: 0, until_ms, left_ms, code } => {
                assert_eq!((until_ms, code.as_str()), (until, "ApiCallLimit"));
                assert!(left_ms > 59_000 && left_ms <= 60_000);
            }
            other => panic!("{other:?}"),
        }
        let states = m.slots("k").unwrap();
        assert_eq!(states.len(), 3);
        assert!(states.iter().any(|s| s.scope == SlotScope::Api && s.name == "/b" && s.ban.is_some()));
    }
}
