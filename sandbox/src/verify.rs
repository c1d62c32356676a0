//! The gateway's checks of every API call, in the platform's order: app key, system
//! parameters, sign method, timestamp window, signature (computed with `iop::sign`).

use iop::Protocol;
use iop::sign::{SIGN_METHOD, sign, sign_string, signatures_match};

use crate::clock::real_now_ms;
use crate::config::AppConfig;
use crate::envelope::ApiError;
use crate::request::Params;
use crate::state::State;

/// Accepted distance between a request's `timestamp` and the gateway's real clock, in seconds.
pub const TIMESTAMP_WINDOW_SECS: i64 = 7_200;

/// Checks a call's system parameters and signature; returns the calling app.
///
/// `api_name` is the GOP api path (it prefixes the string to sign) or the TOP method; `None`
/// when the request did not name one (the `method` parameter is then reported missing).
pub(crate) fn verify<'s>(
    state: &'s State,
    params: &Params,
    protocol: Protocol,
    api_name: Option<&str>,
) -> Result<&'s AppConfig, ApiError> {
    let app_key = params.non_empty("app_key").ok_or_else(|| ApiError::missing_parameter("app_key"))?;
    let app = state.app(app_key).ok_or_else(ApiError::invalid_app_key)?;
    let timestamp = required(params, "timestamp")?;
    let sign_method = required(params, "sign_method")?;
    let given = required(params, "sign")?;
    let api_name = api_name.ok_or_else(|| ApiError::missing_parameter("method"))?;
    if protocol == Protocol::Top {
        required(params, "format")?;
    }
    if sign_method != SIGN_METHOD {
        return Err(ApiError::incomplete_signature("isv.invalid-sign-method", "Only sign_method=sha256 is supported"));
    }
    check_timestamp(timestamp, real_now_ms().saturating_add(state.clock_skew_ms()))?;
    let mut signed = params.values.clone();
    signed.remove("sign");
    let expected = sign(app.app_secret.as_bytes(), &sign_string(protocol, api_name, &signed));
    if !signatures_match(&expected, given) {
        return Err(ApiError::incomplete_signature(
            "isv.invalid-signature",
            "The signature does not match the request",
        ));
    }
    Ok(app)
}

/// A required, non-empty parameter.
pub(crate) fn required<'p>(params: &'p Params, name: &str) -> Result<&'p str, ApiError> {
    params.non_empty(name).ok_or_else(|| ApiError::missing_parameter(name))
}

/// `timestamp` must be decimal UTC epoch milliseconds within the window around `gateway_now_ms`.
fn check_timestamp(timestamp: &str, gateway_now_ms: i64) -> Result<(), ApiError> {
    let ts: i64 =
        timestamp.parse().ok().filter(|_| timestamp.bytes().all(|b| b.is_ascii_digit())).ok_or_else(|| {
            ApiError::incomplete_signature("isv.invalid-timestamp", "The timestamp must be UTC epoch milliseconds")
        })?;
    if ts.abs_diff(gateway_now_ms) > (TIMESTAMP_WINDOW_SECS * 1000) as u64 {
        return Err(ApiError::incomplete_signature(
            "isv.invalid-timestamp",
            "The timestamp is more than 7200 seconds away from the gateway clock",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, DEFAULT_APP_KEY, DEFAULT_APP_SECRET};
    use std::collections::BTreeMap;

    fn signed(api: &str, protocol: Protocol, extra: &[(&str, &str)]) -> Params {
        let mut values = BTreeMap::new();
        for (k, v) in [("app_key", DEFAULT_APP_KEY), ("sign_method", "sha256")] {
            values.insert(k.to_string(), v.to_string());
        }
        values.insert("timestamp".into(), real_now_ms().to_string());
        for (k, v) in extra {
            values.insert(k.to_string(), v.to_string());
        }
        let s = sign(DEFAULT_APP_SECRET.as_bytes(), &sign_string(protocol, api, &values));
        values.insert("sign".into(), s);
        Params { values, files: vec![] }
    }

    #[test]
    fn accepts_a_correct_signature() {
        let state = State::new(&Config::default());
        let p = signed("/auth/token/create", Protocol::Gop, &[("code", "x")]);
        assert_eq!(verify(&state, &p, Protocol::Gop, Some("/auth/token/create")).unwrap().app_key, DEFAULT_APP_KEY);
        assert_eq!(
            verify(&state, &p, Protocol::Gop, Some("/auth/token/refresh")).unwrap_err().sub_code,
            "isv.invalid-signature"
        );
    }

    #[test]
    fn order_of_checks() {
        let state = State::new(&Config::default());
        let base = signed("/a", Protocol::Gop, &[]);
        let without = |k: &str| {
            let mut p = base.clone();
            p.values.remove(k);
            p
        };
        let err = |p: &Params| verify(&state, p, Protocol::Gop, Some("/a")).unwrap_err();
        assert_eq!(err(&without("app_key")).code, "MissingParameter");
        let mut p = without("sign");
        p.values.insert("app_key".into(), "999".into());
        assert_eq!(err(&p).code, "InvalidAppKey", "app key checked before the others");
        for k in ["timestamp", "sign_method", "sign"] {
            let e = err(&without(k));
            assert_eq!(e.code, "MissingParameter");
            assert!(e.message.contains(k));
        }
        let mut p = base.clone();
        p.values.insert("sign_method".into(), "md5".into());
        assert_eq!(err(&p).sub_code, "isv.invalid-sign-method");
        assert_eq!(
            verify(&state, &base, Protocol::Gop, None).unwrap_err().message,
            ApiError::missing_parameter("method").message
        );
    }

    #[test]
    fn timestamp_window() {
        let now = 1_700_000_000_000;
        assert!(check_timestamp(&now.to_string(), now).is_ok());
        assert!(check_timestamp(&(now - 7_200_000).to_string(), now).is_ok());
        assert!(check_timestamp(&(now + 7_200_000).to_string(), now).is_ok());
        assert!(check_timestamp(&(now - 7_200_001).to_string(), now).is_err());
        assert!(check_timestamp(&(now + 7_200_001).to_string(), now).is_err());
        assert!(check_timestamp(&(now / 1000).to_string(), now).is_err(), "seconds are refused");
        for bad in ["+1700000000000", "-1", "1.7e12", "abc", "99999999999999999999999"] {
            assert!(check_timestamp(bad, now).is_err(), "{bad}");
        }
    }
}
