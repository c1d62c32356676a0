//! Throttling errors: how long the platform says to wait.
//!
//! The gateways answer a throttled call with `ApiCallLimit` or `AppCallLimit` and a message
//! such as "The request has exceeded the limit, ban will last 1 seconds" or "This ban will last
//! 20 more seconds" (in `message`/`msg` or `sub_msg`). The library never waits or retries on
//! its own: it reports the wait as `retry_after` (a configured [`crate::limits::RateLimiter`]
//! learns the ban from [`classify`] and makes every caller wait it out).
//!
//! TOP answers an app limit with the numeric code `7` ("App Call Limited"); a daily quota that
//! is used up carries a sub code ending in `-access-count`
//! (`accesscontrol.limited-by-app-access-count`, `…-api-access-count`).

use std::time::Duration;

use crate::error::PlatformError;

/// The platform error codes that mean "throttled" (`7` is TOP's numeric "App Call Limited").
pub const THROTTLE_CODES: [&str; 3] = ["ApiCallLimit", "AppCallLimit", "7"];

/// What a throttling answer limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThrottleScope {
    /// Every call of the app (`AppCallLimit`, TOP code 7).
    App,
    /// Calls of one API (`ApiCallLimit`).
    Api,
    /// The app's daily quota (sub code `…-app-access-count`, or a message about a daily quota):
    /// nothing passes until the day ends (AliExpress: midnight GMT+8).
    DailyApp,
    /// One API's daily quota (sub code `…-api-access-count`).
    DailyApi,
}

/// A throttling answer: its scope and the ban it announces, if it names one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Throttle {
    /// What is limited.
    pub scope: ThrottleScope,
    /// "ban will last N seconds", when given.
    pub retry_after: Option<Duration>,
}

/// Recognises a throttling answer (the codes of [`THROTTLE_CODES`], or a sub code
/// `accesscontrol.limited-by-…`); `None` for any other error.
pub fn classify(error: &PlatformError) -> Option<Throttle> {
    let sub = error.sub_code.as_deref().unwrap_or("");
    if !THROTTLE_CODES.contains(&error.code.as_str()) && !sub.starts_with("accesscontrol.limited-by-") {
        return None;
    }
    let texts = [error.message.as_deref(), error.sub_message.as_deref()];
    let says_daily = texts.into_iter().flatten().any(|t| {
        let t = t.to_ascii_lowercase();
        t.contains("daily") || t.contains("quota")
    });
    let api = error.code == "ApiCallLimit" || sub.contains("-api-");
    let scope = match (sub.ends_with("-access-count") || says_daily, api) {
        (true, true) => ThrottleScope::DailyApi,
        (true, false) => ThrottleScope::DailyApp,
        (false, true) => ThrottleScope::Api,
        (false, false) => ThrottleScope::App,
    };
    Some(Throttle { scope, retry_after: texts.into_iter().flatten().find_map(ban_in) })
}

/// The ban a throttling error announces; `None` for other errors or when no duration is given.
pub fn retry_after(error: &PlatformError) -> Option<Duration> {
    classify(error).and_then(|t| t.retry_after)
}

/// Reads "ban will last N [more] second(s)" (or minute(s), hour(s), millisecond(s)) in `text`.
fn ban_in(text: &str) -> Option<Duration> {
    const PHRASE: &str = "ban will last";
    let lower = text.to_ascii_lowercase();
    let rest = lower[lower.find(PHRASE)? + PHRASE.len()..].trim_start();
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let n: u64 = rest[..digits].parse().ok()?;
    let unit = rest[digits..].trim_start();
    let unit = unit.strip_prefix("more").map_or(unit, str::trim_start);
    if unit.starts_with("ms") || unit.starts_with("millisecond") {
        Some(Duration::from_millis(n))
    } else if unit.starts_with('s') {
        Some(Duration::from_secs(n))
    } else if unit.starts_with("min") {
        n.checked_mul(60).map(Duration::from_secs)
    } else if unit.starts_with('h') {
        n.checked_mul(3600).map(Duration::from_secs)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttled(code: &str, message: Option<&str>, sub_message: Option<&str>) -> Option<Duration> {
        retry_after(&PlatformError {
            code: code.into(),
            message: message.map(Into::into),
            sub_message: sub_message.map(Into::into),
            ..Default::default()
        })
    }

    #[test]
    fn platform_messages() {
        let secs = Duration::from_secs;
        let api = "The request has exceeded the limit, ban will last 1 seconds";
        assert_eq!(throttled("ApiCallLimit", Some(api), None), Some(secs(1)));
        assert_eq!(throttled("AppCallLimit", Some("This ban will last 20 more seconds"), None), Some(secs(20)));
        assert_eq!(
            throttled("AppCallLimit", Some("App Call Limited"), Some("This ban will last 7 more seconds")),
            Some(secs(7))
        );
        assert_eq!(throttled("ApiCallLimit", Some("ban will last 1 second"), None), Some(secs(1)));
        assert_eq!(throttled("ApiCallLimit", Some("ban will last 2 minutes"), None), Some(secs(120)));
        assert_eq!(throttled("ApiCallLimit", Some("ban will last 1 hour"), None), Some(secs(3600)));
        assert_eq!(throttled("ApiCallLimit", Some("ban will last 500 ms"), None), Some(Duration::from_millis(500)));
    }

    #[test]
    fn nothing_without_a_throttle_code_or_a_duration() {
        let text = Some("ban will last 5 seconds");
        assert_eq!(throttled("IllegalAccessToken", text, None), None);
        assert_eq!(throttled("ApiCallLimit", Some("The request has exceeded the limit"), None), None);
        assert_eq!(throttled("ApiCallLimit", Some("ban will last a while"), None), None);
        assert_eq!(throttled("ApiCallLimit", Some("ban will last 5 fortnights"), None), None);
        assert_eq!(throttled("ApiCallLimit", Some("ban will last 99999999999999999999 seconds"), None), None);
        assert_eq!(throttled("ApiCallLimit", Some("ban will last 18446744073709551615 hours"), None), None);
        assert_eq!(throttled("ApiCallLimit", None, None), None);
    }

    fn scope_of(code: &str, message: &str, sub_code: Option<&str>, sub_message: Option<&str>) -> Option<Throttle> {
        classify(&PlatformError {
            code: code.into(),
            message: Some(message.into()),
            sub_code: sub_code.map(Into::into),
            sub_message: sub_message.map(Into::into),
            ..Default::default()
        })
    }

    #[test]
    fn scopes_and_daily_quota() {
        let secs = |n| Some(Duration::from_secs(n));
        let t = scope_of("ApiCallLimit", "The request has exceeded the limit, ban will last 1 seconds", None, None);
        assert_eq!(t, Some(Throttle { scope: ThrottleScope::Api, retry_after: secs(1) }));
        let t = scope_of("AppCallLimit", "This ban will last 3 more seconds", None, None);
        assert_eq!(t, Some(Throttle { scope: ThrottleScope::App, retry_after: secs(3) }));
        // TOP: numeric code 7, the wait in sub_msg.
        let t = scope_of("7", "App Call Limited", None, Some("This ban will last 2 more seconds"));
        assert_eq!(t, Some(Throttle { scope: ThrottleScope::App, retry_after: secs(2) }));
        let app_count = Some("accesscontrol.limited-by-app-access-count");
        let t = scope_of("AppCallLimit", "App Call Limited", app_count, Some("This ban will last 3600 more seconds"));
        assert_eq!(t, Some(Throttle { scope: ThrottleScope::DailyApp, retry_after: secs(3600) }));
        let t = scope_of("7", "App Call Limited", app_count, None);
        assert_eq!(t, Some(Throttle { scope: ThrottleScope::DailyApp, retry_after: None }));
        let api_count = Some("accesscontrol.limited-by-api-access-count");
        assert_eq!(scope_of("ApiCallLimit", "x", api_count, None).unwrap().scope, ThrottleScope::DailyApi);
        assert_eq!(
            scope_of("AppCallLimit", "Daily quota exceeded", None, None).unwrap().scope,
            ThrottleScope::DailyApp
        );
        assert_eq!(scope_of("IllegalAccessToken", "quota", None, None), None);
        assert_eq!(scope_of("70", "App Call Limited", None, None), None);
    }
}
