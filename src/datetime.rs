//! UTC date-time text: HTTP dates (`Date` headers, through the `httpdate` crate) and RFC 3339.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

const DAY_MS: i64 = 86_400_000;

/// An HTTP date (IMF-fixdate, RFC 9110) for UTC epoch milliseconds, e.g.
/// `Sun, 06 Nov 1994 08:49:37 GMT`; milliseconds are dropped, times before 1970 are given as
/// the epoch.
pub fn http_date(epoch_ms: i64) -> String {
    let ms = u64::try_from(epoch_ms).unwrap_or(0);
    httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_millis(ms))
}

/// Parses an HTTP date into UTC epoch milliseconds, in each form RFC 9110 (section 5.6.7)
/// requires recipients to accept: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete
/// RFC 850 form (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`);
/// `None` for anything else.
pub fn parse_http_date(text: &str) -> Option<i64> {
    let time: SystemTime = httpdate::parse_http_date(text).ok()?;
    time.duration_since(UNIX_EPOCH).ok().and_then(|d| i64::try_from(d.as_millis()).ok())
}

/// RFC 3339 text for UTC epoch milliseconds, to the second: `2026-11-25T01:27:29Z`.
pub fn rfc3339(epoch_ms: i64) -> String {
    let (days, ms) = (epoch_ms.div_euclid(DAY_MS), epoch_ms.rem_euclid(DAY_MS));
    let (year, month, day) = civil_from_days(days);
    let secs = ms / 1000;
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs / 60 % 60, secs % 60)
}

/// The date `days` after 1970-01-01: (year, month 1–12, day 1–31).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_both_ways() {
        assert_eq!(http_date(784_111_777_000), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(951_782_400_999), "Tue, 29 Feb 2000 00:00:00 GMT");
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777_000));
        assert_eq!(parse_http_date("Tue, 29 Feb 2000 00:00:00 GMT"), Some(951_782_400_000));
        for ms in [0, 1_517_820_392_000, 1_700_000_000_000, 4_102_444_800_000] {
            assert_eq!(parse_http_date(&http_date(ms)), Some(ms), "{ms}");
        }
        assert_eq!(http_date(-86_400_000), "Thu, 01 Jan 1970 00:00:00 GMT");
    }

    #[test]
    fn accepts_the_obsolete_forms_rfc_9110_requires() {
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), Some(784_111_777_000));
        assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), Some(784_111_777_000));
        assert_eq!(parse_http_date("Tuesday, 29-Feb-00 00:00:00 GMT"), Some(951_782_400_000));
    }

    #[test]
    fn refuses_other_forms() {
        for bad in [
            "",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Sun, 29 Feb 1900 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Xyz, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT extra",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn rfc3339_text() {
        assert_eq!(rfc3339(1_517_820_392_000), "2018-02-05T08:46:32Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(-1000), "1969-12-31T23:59:59Z");
    }
}
