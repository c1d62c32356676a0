//! Throttling errors: how long the platform says to wait.
//!
//! The gateways answer a throttled call with `ApiCallLimit` or `AppCallLimit` and a message
//! such as "The request has exceeded the limit, ban will last 1 seconds" or "This ban will last
//! 20 more seconds" (in `message`/`msg` or `sub_msg`). The library never waits or retries on
//! its own: it reports the wait as `retry_after`.

use std::time::Duration;

use crate::error::PlatformError;

/// The platform error codes that mean "throttled".
pub const THROTTLE_CODES: [&str; 2] = ["ApiCallLimit", "AppCallLimit"];

/// The ban a throttling error announces; `None` for other errors or when no duration is given.
pub fn retry_after(error: &PlatformError) -> Option<Duration> {
    if !THROTTLE_CODES.contains(&error.code.as_str()) {
        return None;
    }
    [error.message.as_deref(), error.sub_message.as_deref()].into_iter().flatten().find_map(ban_in)
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
}
