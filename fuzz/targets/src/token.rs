//! `Token::parse`: any body is a token whose expiries follow from its fields, or a typed error.

use iop::{ErrorKind, Secret, Token};
use serde_json::{Map, Value};

/// When the fuzzed responses were "received", epoch ms.
const RECEIVED_MS: i64 = 1_700_000_000_000;
/// Epoch milliseconds below this are relative or implausible, not absolute times.
const MIN_ABSOLUTE_MS: i64 = 1_000_000_000_000;

/// A JSON string or number read as a whole number, as the token fields are.
fn whole(json: &Map<String, Value>, key: &str) -> Option<i64> {
    let text = match json.get(key)? {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    Some(text.trim().parse().expect("the token parsed, so its numeric fields are whole numbers"))
}

/// Fuzz target: `Token::parse(data, RECEIVED_MS)` for UTF-8 input.
pub fn token(data: &[u8]) {
    let Ok(body) = std::str::from_utf8(data) else { return };
    let token = match Token::parse(body, RECEIVED_MS) {
        Ok(token) => token,
        Err(e) => {
            assert!(matches!(e.kind(), ErrorKind::MalformedResponse | ErrorKind::Platform), "{e:?}");
            assert_eq!(e.http_status(), None, "no HTTP exchange took place");
            assert_eq!(e.kind() == ErrorKind::Platform, e.platform_error().is_some());
            return;
        }
    };
    let json: Map<String, Value> = serde_json::from_str(body).expect("parsed, so a JSON object");
    assert_eq!(token.raw.expose(), body);

    let after = |secs: i64| RECEIVED_MS.saturating_add(secs.saturating_mul(1000));
    let expected_expiry = match whole(&json, "expire_time").filter(|ms| *ms >= MIN_ABSOLUTE_MS) {
        Some(at) => at,
        None => after(whole(&json, "expires_in").expect("a token has expires_in or expire_time")),
    };
    assert_eq!(token.expires_at_ms, expected_expiry);

    let refresh_in = whole(&json, "refresh_expires_in");
    if refresh_in == Some(0) {
        assert!(!token.can_refresh && token.refresh_expires_at_ms.is_none());
    }
    if token.can_refresh {
        assert!(!token.refresh_token.is_empty());
        assert!(token.refresh_expires_at_ms.is_none_or(|at| at > RECEIVED_MS));
    }

    let normalized: Map<String, Value> = serde_json::from_str(&token.to_json()).expect("to_json writes JSON");
    assert_eq!(normalized["access_token"], token.access_token.expose());
    assert_eq!(normalized["refresh_token"], token.refresh_token.expose());
    assert_eq!(normalized["expires_at"], token.expires_at_ms);
    assert_eq!(normalized["can_refresh"], token.can_refresh);

    // Debug output does not depend on the tokens or the raw body: it never shows them.
    let mut blank = token.clone();
    blank.access_token = Secret::new("a");
    blank.refresh_token = Secret::new("r");
    blank.raw = Secret::new("{}");
    assert_eq!(format!("{token:?}"), format!("{blank:?}"), "Debug output shows a secret");
}
