//! Which ban a throttling answer teaches: its slot and its end.

use super::backend::{BanEnd, SlotScope};
use crate::error::PlatformError;
use crate::throttle::{self, ThrottleScope};

/// A ban lasts this long when the platform names no duration (a daily quota then ends at the
/// next midnight GMT+8).
const DEFAULT_BAN_MS: i64 = 1_000;

/// The slot `(scope, name)` a throttling answer to a call of `api` bans, and until when;
/// `None` when `error` is not a throttling answer.
pub(crate) fn ban_for(api: &str, error: &PlatformError) -> Option<(SlotScope, String, BanEnd)> {
    let t = throttle::classify(error)?;
    let stated = t.retry_after.map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    let (scope, name) = match t.scope {
        ThrottleScope::App => (SlotScope::App, ""),
        ThrottleScope::Api => (SlotScope::Api, api),
        ThrottleScope::DailyApp => (SlotScope::Daily, ""),
        ThrottleScope::DailyApi => (SlotScope::Daily, api),
    };
    let end = match scope {
        SlotScope::Daily => BanEnd::DailyReset(stated),
        _ => BanEnd::AfterMs(stated.unwrap_or(DEFAULT_BAN_MS)),
    };
    Some((scope, name.to_owned(), end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::tests::platform as error;

    #[test]
    fn bans_per_scope() {
        let api = error("ApiCallLimit", "The request has exceeded the limit, ban will last 1 seconds", None, None);
        assert_eq!(ban_for("/x", &api), Some((SlotScope::Api, "/x".into(), BanEnd::AfterMs(1000))));
        let app = error("AppCallLimit", "This ban will last 3 more seconds", None, None);
        assert_eq!(ban_for("/x", &app), Some((SlotScope::App, String::new(), BanEnd::AfterMs(3000))));
        let top = error("7", "App Call Limited", None, None);
        assert_eq!(ban_for("a.b", &top), Some((SlotScope::App, String::new(), BanEnd::AfterMs(DEFAULT_BAN_MS))));
        let daily = error("AppCallLimit", "App Call Limited", Some("accesscontrol.limited-by-app-access-count"), None);
        assert_eq!(ban_for("/x", &daily), Some((SlotScope::Daily, String::new(), BanEnd::DailyReset(None))));
        let daily = error(
            "7",
            "App Call Limited",
            Some("accesscontrol.limited-by-app-access-count"),
            Some("This ban will last 60 more seconds"),
        );
        assert_eq!(ban_for("a.b", &daily), Some((SlotScope::Daily, String::new(), BanEnd::DailyReset(Some(60_000)))));
        assert_eq!(ban_for("/x", &error("IllegalAccessToken", "ban will last 1 seconds", None, None)), None);
    }
}
