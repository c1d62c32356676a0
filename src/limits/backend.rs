//! What a limiter backend stores and answers: per-slot token buckets and bans, shared by the
//! callers the backend reaches (one process for memory, every host on a Redis server).

use std::fmt;

use crate::error::Result;

/// What a slot limits. Budgets exist for [`SlotScope::App`], [`SlotScope::Api`] and
/// [`SlotScope::Seller`]; [`SlotScope::Daily`] only ever holds a ban (a used-up daily quota).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SlotScope {
    /// Every call of an app key.
    App,
    /// Calls of one API (the slot's name).
    Api,
    /// Calls with one access token (the name is a SHA-256 prefix, never the token).
    Seller,
    /// The daily quota of the app (empty name) or of one API.
    Daily,
}

impl SlotScope {
    /// `app`, `api`, `seller` or `daily` (in keys, events and status JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            SlotScope::App => "app",
            SlotScope::Api => "api",
            SlotScope::Seller => "seller",
            SlotScope::Daily => "daily",
        }
    }

    /// The scope named by [`SlotScope::as_str`].
    pub fn parse(text: &str) -> Option<SlotScope> {
        Some(match text {
            "app" => SlotScope::App,
            "api" => SlotScope::Api,
            "seller" => SlotScope::Seller,
            "daily" => SlotScope::Daily,
            _ => return None,
        })
    }
}

/// A token bucket's settings: refills at `rate_per_second`, holds at most `burst`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Budget {
    /// Calls per second (> 0).
    pub rate_per_second: f64,
    /// Most calls at once (≥ 1).
    pub burst: u32,
}

/// One bucket-and-ban slot a call passes through: `(scope, name)` of the caller's app key,
/// with the budget to apply (`None`: only its ban is checked).
#[derive(Clone, Debug, PartialEq)]
pub struct Slot {
    /// What it limits.
    pub scope: SlotScope,
    /// The API name, the seller hash, or empty.
    pub name: String,
    /// The bucket, if a budget is set.
    pub budget: Option<Budget>,
}

/// The answer to one acquire: go (a token was taken from every bucket), wait, or banned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Every bucket had a token; one was taken from each.
    Go,
    /// Slot `slot`'s bucket needs `wait_ms` before it holds a token; nothing was taken.
    Wait {
        /// Index into the slots passed.
        slot: usize,
        /// Time until a token is there.
        wait_ms: i64,
    },
    /// Slot `slot` is banned until `until_ms` (epoch ms, `left_ms` from now); nothing was taken.
    Banned {
        /// Index into the slots passed.
        slot: usize,
        /// End of the ban, epoch ms (the backend's clock).
        until_ms: i64,
        /// Time left.
        left_ms: i64,
        /// The platform code that caused it.
        code: String,
    },
}

/// When a ban ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BanEnd {
    /// After this many milliseconds.
    AfterMs(i64),
    /// At the daily reset: after the stated milliseconds when the platform gave them (moved to
    /// the next midnight GMT+8 when within [`SNAP_MS`] of it), else at the next midnight GMT+8
    /// (the AliExpress rule).
    DailyReset(Option<i64>),
}

/// A stated daily reset this close to midnight GMT+8 is that midnight (the platform states
/// whole seconds).
pub(crate) const SNAP_MS: i64 = 2_000;

impl BanEnd {
    /// The ban's end for a clock reading `now_ms`.
    pub(crate) fn until(self, now_ms: i64) -> i64 {
        match self {
            BanEnd::AfterMs(ms) => now_ms.saturating_add(ms.max(0)),
            BanEnd::DailyReset(None) => next_midnight_gmt8(now_ms),
            BanEnd::DailyReset(Some(ms)) => {
                let stated = now_ms.saturating_add(ms.max(0));
                let midnight = next_midnight_gmt8(stated - SNAP_MS);
                if (midnight - stated).abs() <= SNAP_MS { midnight } else { stated }
            }
        }
    }
}

/// One slot as stored: its bucket (rate, burst, tokens available now) and its ban.
#[derive(Clone, Debug, PartialEq)]
pub struct SlotState {
    /// What it limits.
    pub scope: SlotScope,
    /// Its name (empty for none).
    pub name: String,
    /// The bucket's budget, when it has one.
    pub budget: Option<Budget>,
    /// Tokens available now (with the budget).
    pub available: Option<f64>,
    /// End of a running ban (epoch ms) and its code.
    pub ban: Option<(i64, String)>,
}

/// Where buckets and bans live. Implementations are atomic per acquire: the bans are checked
/// and every bucket refilled and taken from (or none) in one step.
pub trait LimitBackend: Send + Sync + fmt::Debug {
    /// Checks the bans of `slots` of `app_key`, then takes one token from every slot with a
    /// budget, or none when one of them is empty.
    fn acquire(&self, app_key: &str, slots: &[Slot]) -> Result<Decision>;

    /// Records a ban of `(scope, name)` of `app_key` with its platform `code` (a longer ban
    /// already recorded is kept); returns the ban's end in epoch ms.
    fn ban(&self, app_key: &str, scope: SlotScope, name: &str, end: BanEnd, code: &str) -> Result<i64>;

    /// Every stored slot of `app_key` with a budget or a running ban.
    fn slots(&self, app_key: &str) -> Result<Vec<SlotState>>;

    /// Where the state lives, for `Debug` (`memory`, `redis at host:port`).
    fn location(&self) -> String;
}

/// Milliseconds in a day.
const DAY_MS: i64 = 86_400_000;
/// GMT+8 in milliseconds.
pub(crate) const GMT8_MS: i64 = 8 * 3_600_000;

/// The next midnight GMT+8 strictly after `now_ms` (epoch ms).
pub(crate) fn next_midnight_gmt8(now_ms: i64) -> i64 {
    now_ms - (now_ms + GMT8_MS).rem_euclid(DAY_MS) + DAY_MS
}

/// `epoch_ms` as RFC 3339 in GMT+8, to the second (rounded up): `2026-01-02T00:00:00+08:00`.
pub(crate) fn rfc3339_gmt8(epoch_ms: i64) -> String {
    let up = epoch_ms + (1000 - epoch_ms.rem_euclid(1000)) % 1000;
    let utc = crate::datetime::rfc3339(up + GMT8_MS);
    format!("{}+08:00", utc.trim_end_matches('Z'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midnight_gmt8() {
        // 2024-01-01T00:00:00+08:00 = 2023-12-31T16:00:00Z = 1704038400000.
        let midnight = 1_704_038_400_000;
        assert_eq!(next_midnight_gmt8(midnight - 1), midnight);
        assert_eq!(next_midnight_gmt8(midnight), midnight + DAY_MS);
        assert_eq!(next_midnight_gmt8(midnight - 5 * 3_600_000), midnight);
        assert_eq!(rfc3339_gmt8(midnight), "2024-01-01T00:00:00+08:00");
        assert_eq!(rfc3339_gmt8(midnight - 400), "2024-01-01T00:00:00+08:00");
        assert_eq!(rfc3339_gmt8(midnight + 1500), "2024-01-01T00:00:02+08:00");
        let now = midnight - 3_600_400;
        assert_eq!(BanEnd::DailyReset(None).until(now), midnight);
        assert_eq!(BanEnd::DailyReset(Some(3_600_000)).until(now), midnight, "snapped");
        assert_eq!(BanEnd::DailyReset(Some(60_000)).until(now), now + 60_000);
        assert_eq!(BanEnd::AfterMs(5).until(now), now + 5);
    }

    #[test]
    fn scope_names_round_trip() {
        for s in [SlotScope::App, SlotScope::Api, SlotScope::Seller, SlotScope::Daily] {
            assert_eq!(SlotScope::parse(s.as_str()), Some(s));
        }
        assert_eq!(SlotScope::parse("x"), None);
    }
}
