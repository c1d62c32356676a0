//! Rate limits and quotas as the platforms enforce them: per app (calls per second with a burst),
//! per API of an app (calls per second), and a daily quota per app (calls per day, the day
//! ending at midnight GMT+8 on the virtual clock, as AliExpress counts it). Bans can also be
//! injected for an app or one of its APIs. Every API call is written to a request log
//! ([`log`]) that tests read to prove who sent what, when.
//!
//! Checked after a call's signature, in this order: a ban of the app, the daily quota, a ban
//! of the API, the app's bucket, the API's bucket. A call that passes takes one token from each
//! bucket and one call from the quota; a throttled call takes nothing. A bucket that is empty
//! answers "ban will last N seconds" with N the whole seconds until a token is back (at least
//! 1), or, when the limit has `ban_secs`, bans the scope for that long first.

pub(crate) mod log;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Offset of the platforms' day (GMT+8) from UTC, in milliseconds.
pub const DAY_OFFSET_MS: i64 = 8 * 3_600_000;
/// Milliseconds in a day.
const DAY_MS: i64 = 86_400_000;
/// Longest ban accepted (injected or configured): one day.
pub const MAX_BAN_SECS: u32 = 86_400;
/// Highest rate or burst accepted.
const MAX_RATE: u32 = 1_000_000;

/// A token bucket: `rate` calls per second, up to `burst` at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rate {
    /// Calls per second (at least 1).
    pub rate: u32,
    /// Calls that may arrive at once (the bucket's size); `None`: the same as `rate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burst: Option<u32>,
    /// When the bucket is empty, ban the scope for this many seconds (0: no ban, the answer
    /// announces the time until the next token).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub ban_secs: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Rate {
    /// `rate` calls per second with a burst of `rate`.
    pub fn per_second(rate: u32) -> Rate {
        Rate { rate, burst: None, ban_secs: 0 }
    }

    /// The bucket's size in thousandths of a call.
    fn capacity_milli(&self) -> i64 {
        i64::from(self.burst.unwrap_or(self.rate)) * 1000
    }

    fn validate(&self, what: &str) -> Result<(), String> {
        let burst = self.burst.unwrap_or(self.rate);
        if !(1..=MAX_RATE).contains(&self.rate) || !(1..=MAX_RATE).contains(&burst) {
            return Err(format!("{what}: rate and burst must be 1..={MAX_RATE}"));
        }
        if self.ban_secs > MAX_BAN_SECS {
            return Err(format!("{what}: ban_secs must be 0..={MAX_BAN_SECS}"));
        }
        Ok(())
    }
}

/// The sandbox's limits; all optional (none: nothing is throttled).
///
/// JSON: `{"app":{"rate":50,"burst":50,"ban_secs":0},"apis":{"/seller/get":{"rate":5}},"daily":10000}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    /// Calls per second of each app (every API together).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app: Option<Rate>,
    /// Calls per second of each app to one API, by API name (a GOP path or a TOP method).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub apis: BTreeMap<String, Rate>,
    /// Calls per day of each app, the day ending at midnight GMT+8 (virtual clock).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub daily: Option<u64>,
}

impl LimitsConfig {
    /// Parses and validates limits from JSON.
    ///
    /// # Errors
    /// Malformed JSON, unknown fields, or what [`LimitsConfig::validate`] refuses.
    pub fn from_json(json: &str) -> Result<LimitsConfig, String> {
        let limits: LimitsConfig = serde_json::from_str(json).map_err(|e| e.to_string())?;
        limits.validate()?;
        Ok(limits)
    }

    /// Checks rates, bursts and bans are in range and API names are not empty.
    ///
    /// # Errors
    /// A message naming the first problem.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(app) = &self.app {
            app.validate("limits.app")?;
        }
        for (name, rate) in &self.apis {
            if name.is_empty() {
                return Err("limits.apis: an API name is empty".into());
            }
            rate.validate(&format!("limits.apis[{name}]"))?;
        }
        Ok(())
    }
}

/// Which limit a throttled call hit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Limit {
    /// The app's calls per second, or a ban of the app.
    App,
    /// The calls per second of one API of the app, or a ban of that API.
    Api,
    /// The app's daily quota.
    Daily,
}

impl Limit {
    /// `app`, `api` or `daily`, as the request log names it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Limit::App => "app",
            Limit::Api => "api",
            Limit::Daily => "daily",
        }
    }
}

/// The log's name of the limit behind a throttling error (`app`, `api`, `daily`); `None` for any
/// other error.
pub(crate) fn throttled_by(e: &crate::envelope::ApiError) -> Option<&'static str> {
    match e.code {
        "ApiCallLimit" => Some(Limit::Api.name()),
        "AppCallLimit" | "7" if e.sub_code == crate::envelope::DAILY_LIMITED_SUB_CODE => Some(Limit::Daily.name()),
        "AppCallLimit" | "7" => Some(Limit::App.name()),
        _ => None,
    }
}

/// A refusal: which limit, and the seconds its answer announces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Throttled {
    /// The limit hit.
    pub limit: Limit,
    /// "ban will last N seconds".
    pub seconds: u64,
}

/// A bucket's or a ban's scope: the app, and the API for per-API ones.
type Scope = (String, Option<String>);

/// A bucket's content in thousandths of a call (a rate of `r` calls/s adds `r` per ms), so that
/// refills are exact.
#[derive(Clone, Copy, Debug)]
struct Bucket {
    milli: i64,
    at_ms: i64,
}

#[derive(Default)]
struct Inner {
    config: LimitsConfig,
    buckets: HashMap<Scope, Bucket>,
    bans: HashMap<Scope, i64>,
    /// Per app: (day number, calls counted that day).
    daily: HashMap<String, (i64, u64)>,
}

/// The limits in force, their buckets, bans and daily counts.
#[derive(Default)]
pub(crate) struct Limits {
    inner: Mutex<Inner>,
    /// The request log.
    pub log: log::RequestLog,
}

/// Whole seconds (rounded up, at least 1) from `now_ms` to `until_ms`.
fn seconds_until(now_ms: i64, until_ms: i64) -> u64 {
    let ms = until_ms.saturating_sub(now_ms).max(1);
    (ms.saturating_add(999) / 1000) as u64
}

/// The platforms' day number of `ms` (days since the epoch, GMT+8).
fn day_of(ms: i64) -> i64 {
    ms.saturating_add(DAY_OFFSET_MS).div_euclid(DAY_MS)
}

/// The next midnight GMT+8 after `ms`, epoch ms.
pub(crate) fn next_midnight_ms(ms: i64) -> i64 {
    (day_of(ms) + 1) * DAY_MS - DAY_OFFSET_MS
}

impl Limits {
    /// Limits with `config` (validated by the caller).
    pub(crate) fn new(config: LimitsConfig) -> Limits {
        Limits { inner: Mutex::new(Inner { config, ..Inner::default() }), log: log::RequestLog::default() }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Every update leaves the maps consistent, so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Replaces the limits; buckets start full again, bans and daily counts are kept.
    pub(crate) fn set(&self, config: LimitsConfig) {
        let mut inner = self.lock();
        inner.config = config;
        inner.buckets.clear();
    }

    /// Lifts every ban, refills every bucket and forgets the daily counts.
    pub(crate) fn reset(&self) {
        let mut inner = self.lock();
        inner.buckets.clear();
        inner.bans.clear();
        inner.daily.clear();
    }

    /// Bans `app_key` (or its API `api`) for `seconds` from `now_ms` (0 lifts the ban); the end.
    pub(crate) fn ban(&self, app_key: &str, api: Option<&str>, seconds: u32, now_ms: i64) -> i64 {
        let until = now_ms.saturating_add(i64::from(seconds) * 1000);
        let scope = (app_key.to_owned(), api.map(str::to_owned));
        let mut inner = self.lock();
        if seconds == 0 {
            inner.bans.remove(&scope);
        } else {
            inner.bans.insert(scope, until);
        }
        until
    }

    /// Admits a call of `app_key` to `api` at `now_ms`, or says which limit refuses it.
    pub(crate) fn admit(&self, app_key: &str, api: &str, now_ms: i64) -> Result<(), Throttled> {
        let mut guard = self.lock();
        let inner = &mut *guard;
        let app_scope: Scope = (app_key.to_owned(), None);
        let api_scope: Scope = (app_key.to_owned(), Some(api.to_owned()));
        let banned =
            |bans: &HashMap<Scope, i64>, scope: &Scope| bans.get(scope).filter(|until| **until > now_ms).copied();
        if let Some(until) = banned(&inner.bans, &app_scope) {
            return Err(Throttled { limit: Limit::App, seconds: seconds_until(now_ms, until) });
        }
        let today = day_of(now_ms);
        let used = inner.daily.get(app_key).filter(|(day, _)| *day == today).map_or(0, |(_, n)| *n);
        if inner.config.daily.is_some_and(|quota| used >= quota) {
            return Err(Throttled { limit: Limit::Daily, seconds: seconds_until(now_ms, next_midnight_ms(now_ms)) });
        }
        if let Some(until) = banned(&inner.bans, &api_scope) {
            return Err(Throttled { limit: Limit::Api, seconds: seconds_until(now_ms, until) });
        }
        let app_rate = inner.config.app;
        let api_rate = inner.config.apis.get(api).copied();
        for (scope, rate, limit) in [(&app_scope, app_rate, Limit::App), (&api_scope, api_rate, Limit::Api)] {
            let Some(rate) = rate else { continue };
            let bucket = refill(&mut inner.buckets, scope, &rate, now_ms);
            if bucket.milli < 1000 {
                let seconds = if rate.ban_secs > 0 {
                    let until = now_ms.saturating_add(i64::from(rate.ban_secs) * 1000);
                    inner.bans.insert(scope.clone(), until);
                    u64::from(rate.ban_secs)
                } else {
                    let rate = i64::from(rate.rate);
                    let wait_ms = (1000 - bucket.milli + rate - 1) / rate;
                    seconds_until(now_ms, now_ms.saturating_add(wait_ms))
                };
                return Err(Throttled { limit, seconds });
            }
        }
        for (scope, rate) in [(&app_scope, app_rate), (&api_scope, api_rate)] {
            if rate.is_some()
                && let Some(bucket) = inner.buckets.get_mut(scope)
            {
                bucket.milli -= 1000;
            }
        }
        if inner.config.daily.is_some() {
            inner.daily.insert(app_key.to_owned(), (today, used + 1));
        }
        Ok(())
    }

    /// `{"limits":{…},"bans":[{"app_key","api","until_ms"}…],"daily":[{"app_key","used","resets_at_ms"}…]}`:
    /// the limits in force, the bans not yet over and today's counts (at `now_ms`).
    pub(crate) fn snapshot(&self, now_ms: i64) -> Value {
        let inner = self.lock();
        let mut bans: Vec<Value> = inner
            .bans
            .iter()
            .filter(|(_, until)| **until > now_ms)
            .map(|((app, api), until)| json!({"app_key": app, "api": api, "until_ms": until}))
            .collect();
        bans.sort_by_key(|b| (b["app_key"].to_string(), b["api"].to_string()));
        let today = day_of(now_ms);
        let mut daily: Vec<Value> = inner
            .daily
            .iter()
            .filter(|(_, (day, _))| *day == today)
            .map(|(app, (_, used))| json!({"app_key": app, "used": used, "resets_at_ms": next_midnight_ms(now_ms)}))
            .collect();
        daily.sort_by_key(|d| d["app_key"].to_string());
        json!({"limits": inner.config, "bans": bans, "daily": daily})
    }
}

/// The bucket of `scope`, refilled up to `now_ms` (a clock moved back refills nothing).
fn refill<'b>(buckets: &'b mut HashMap<Scope, Bucket>, scope: &Scope, rate: &Rate, now_ms: i64) -> &'b mut Bucket {
    let capacity = rate.capacity_milli();
    let bucket = buckets.entry(scope.clone()).or_insert(Bucket { milli: capacity, at_ms: now_ms });
    let elapsed = now_ms.saturating_sub(bucket.at_ms).max(0);
    bucket.milli = bucket.milli.saturating_add(elapsed.saturating_mul(i64::from(rate.rate))).min(capacity);
    bucket.at_ms = bucket.at_ms.max(now_ms);
    bucket
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_700_000_000_000;

    fn limits(json: &str) -> Limits {
        Limits::new(LimitsConfig::from_json(json).unwrap())
    }

    #[test]
    fn config_parses_and_validates() {
        let c =
            LimitsConfig::from_json(r#"{"app":{"rate":50,"burst":60},"apis":{"/a":{"rate":2}},"daily":9}"#).unwrap();
        assert_eq!(c.app, Some(Rate { rate: 50, burst: Some(60), ban_secs: 0 }));
        assert_eq!(c.apis["/a"], Rate::per_second(2));
        assert_eq!(c.daily, Some(9));
        assert_eq!(LimitsConfig::from_json("{}").unwrap(), LimitsConfig::default());
        for bad in [
            r#"{"app":{"rate":0}}"#,
            r#"{"app":{"rate":1,"burst":0}}"#,
            r#"{"app":{"rate":1,"ban_secs":86401}}"#,
            r#"{"apis":{"":{"rate":1}}}"#,
            r#"{"apis":{"/a":{"rate":2000000}}}"#,
            r#"{"daily":-1}"#,
            r#"{"other":1}"#,
            r#"{"app":{"rate":1,"x":2}}"#,
        ] {
            assert!(LimitsConfig::from_json(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn app_bucket_allows_the_burst_then_the_rate() {
        let l = limits(r#"{"app":{"rate":2,"burst":3}}"#);
        for _ in 0..3 {
            assert!(l.admit("1", "/a", T0).is_ok());
        }
        assert_eq!(l.admit("1", "/b", T0), Err(Throttled { limit: Limit::App, seconds: 1 }));
        assert!(l.admit("2", "/a", T0).is_ok(), "each app has its own bucket");
        assert!(l.admit("1", "/a", T0 + 499).is_err());
        assert!(l.admit("1", "/a", T0 + 500).is_ok(), "one token every 500 ms");
        assert!(l.admit("1", "/a", T0 + 500).is_err());
        assert!(l.admit("1", "/a", T0 - 10_000).is_err(), "a clock moved back refills nothing");
    }

    #[test]
    fn api_bucket_is_per_app_and_api_and_a_refusal_takes_nothing() {
        let l = limits(r#"{"app":{"rate":10},"apis":{"/slow":{"rate":1}}}"#);
        assert!(l.admit("1", "/slow", T0).is_ok());
        assert_eq!(l.admit("1", "/slow", T0), Err(Throttled { limit: Limit::Api, seconds: 1 }));
        assert!(l.admit("2", "/slow", T0).is_ok());
        // 1 + 8 more calls of app 1 fit the app's 10: the refused one took no app token.
        for _ in 0..8 {
            assert!(l.admit("1", "/fast", T0).is_ok());
        }
        assert!(l.admit("1", "/fast", T0).is_ok());
        assert_eq!(l.admit("1", "/fast", T0).unwrap_err().limit, Limit::App);
    }

    #[test]
    fn configured_ban_holds_the_scope() {
        let l = limits(r#"{"apis":{"/a":{"rate":1,"ban_secs":5}}}"#);
        assert!(l.admit("1", "/a", T0).is_ok());
        assert_eq!(l.admit("1", "/a", T0 + 100), Err(Throttled { limit: Limit::Api, seconds: 5 }));
        assert_eq!(l.admit("1", "/a", T0 + 2_100), Err(Throttled { limit: Limit::Api, seconds: 3 }));
        assert!(l.admit("1", "/b", T0 + 2_100).is_ok(), "other APIs pass");
        assert!(l.admit("1", "/a", T0 + 5_100).is_ok());
    }

    #[test]
    fn injected_bans() {
        let l = Limits::default();
        assert_eq!(l.ban("1", None, 3, T0), T0 + 3_000);
        l.ban("2", Some("/a"), 2, T0);
        assert_eq!(l.admit("1", "/x", T0 + 1), Err(Throttled { limit: Limit::App, seconds: 3 }));
        assert_eq!(l.admit("1", "/x", T0 + 2_001), Err(Throttled { limit: Limit::App, seconds: 1 }));
        assert!(l.admit("1", "/x", T0 + 3_000).is_ok());
        assert_eq!(l.admit("2", "/a", T0 + 1_500), Err(Throttled { limit: Limit::Api, seconds: 1 }));
        assert!(l.admit("2", "/b", T0 + 1_500).is_ok());
        let snap = l.snapshot(T0 + 1_500);
        assert_eq!(
            snap["bans"],
            json!([
                {"app_key": "1", "api": null, "until_ms": T0 + 3_000},
                {"app_key": "2", "api": "/a", "until_ms": T0 + 2_000}
            ])
        );
        let later = l.snapshot(T0 + 2_500);
        assert_eq!(later["bans"].as_array().map(Vec::len), Some(1), "bans that are over are not listed");
        assert_eq!(later["bans"][0]["app_key"], "1");
        l.ban("2", Some("/a"), 0, T0);
        assert!(l.admit("2", "/a", T0 + 1_500).is_ok(), "0 seconds lifts the ban");
    }

    #[test]
    fn daily_quota_resets_at_midnight_gmt8() {
        // 2023-11-14T22:13:20Z is 06:13:20 on the 15th in GMT+8; the next midnight GMT+8 is
        // 2023-11-15T16:00:00Z.
        let midnight = 1_700_064_000_000;
        assert_eq!(next_midnight_ms(T0), midnight);
        assert_eq!(next_midnight_ms(midnight - 1), midnight);
        assert_eq!(next_midnight_ms(midnight), midnight + DAY_MS);
        let l = limits(r#"{"daily":2}"#);
        assert!(l.admit("1", "/a", T0).is_ok());
        assert!(l.admit("1", "/b", T0).is_ok());
        let left = ((midnight - T0) / 1000) as u64;
        assert_eq!(l.admit("1", "/a", T0), Err(Throttled { limit: Limit::Daily, seconds: left }));
        assert!(l.admit("2", "/a", T0).is_ok(), "per app");
        assert_eq!(l.snapshot(T0)["daily"][0], json!({"app_key": "1", "used": 2, "resets_at_ms": midnight}));
        assert_eq!(l.admit("1", "/a", midnight - 1).unwrap_err().seconds, 1);
        assert!(l.admit("1", "/a", midnight).is_ok());
        l.reset();
        assert!(l.snapshot(midnight)["daily"].as_array().unwrap().is_empty());
    }

    #[test]
    fn order_of_checks() {
        let l = limits(r#"{"daily":1,"app":{"rate":1}}"#);
        l.ban("1", Some("/a"), 10, T0);
        assert_eq!(l.admit("1", "/a", T0).unwrap_err().limit, Limit::Api);
        assert!(l.admit("1", "/b", T0).is_ok());
        assert_eq!(l.admit("1", "/b", T0).unwrap_err().limit, Limit::Daily, "the quota before the bucket");
        l.ban("1", None, 10, T0);
        assert_eq!(l.admit("1", "/b", T0).unwrap_err().limit, Limit::App, "an app ban before the quota");
        l.set(LimitsConfig::default());
        l.reset();
        assert!(l.admit("1", "/a", T0).is_ok());
    }
}
