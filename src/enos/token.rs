//! The token service's envelope and its token.

use serde_json::{Map, Value};

use super::status::EnosStatus;
use crate::error::{Error, ErrorKind, PlatformError, Result};
use crate::response::{text, unparsable};
use crate::secret::Secret;

/// An EnOS access token with its absolute expiry. EnOS tokens have no refresh token: a refresh
/// extends the access token itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnosToken {
    /// `data.accessToken`.
    pub access_token: Secret,
    /// `data.expire`: remaining lifetime in seconds when the answer was received.
    pub expires_in_s: i64,
    /// Absolute expiry, epoch milliseconds (time received + `expire`).
    pub expires_at_ms: i64,
}

impl EnosToken {
    /// Reads a token-service answer received at `received_at_ms` with `http_status`.
    ///
    /// `status` (or the misspelled `stauts`) other than 0 is an error carrying the status as
    /// its platform code: [`ErrorKind::TokenExpired`] for 1203, [`ErrorKind::Platform`] else.
    pub fn parse(http_status: u16, body: &[u8], received_at_ms: i64, secrets: &[&str]) -> Result<EnosToken> {
        let data = envelope_data(http_status, body, secrets)?;
        let access_token = data.get("accessToken").and_then(Value::as_str).filter(|t| !t.is_empty());
        let expire = data.get("expire").and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok()));
        match (access_token, expire) {
            (Some(token), Some(expire)) if expire >= 0 => Ok(EnosToken {
                access_token: Secret::new(token),
                expires_in_s: expire,
                expires_at_ms: received_at_ms.saturating_add(expire.saturating_mul(1000)),
            }),
            _ => Err(Error::new(
                ErrorKind::MalformedResponse,
                "token service answer lacks data.accessToken or data.expire",
            )
            .with_http_status(http_status)),
        }
    }

    /// True when the token expires within `margin_ms` of `now_ms`.
    pub fn expires_within(&self, now_ms: i64, margin_ms: i64) -> bool {
        self.expires_at_ms.saturating_sub(margin_ms) <= now_ms
    }

    /// The token as JSON: `access_token`, `expires_in`, `expires_at` (ms). Contains the token.
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "access_token": self.access_token.expose(),
            "expires_in": self.expires_in_s,
            "expires_at": self.expires_at_ms,
        })
        .to_string()
    }
}

/// The `data` object of a successful answer, or the error the answer stands for.
fn envelope_data(http_status: u16, body: &[u8], secrets: &[&str]) -> Result<Map<String, Value>> {
    let Ok(Value::Object(mut json)) = serde_json::from_slice::<Value>(body) else {
        return Err(unparsable(http_status, body, "is not a JSON object", secrets));
    };
    let status = json.get("status").or_else(|| json.get("stauts")).and_then(text).and_then(|s| s.parse::<i64>().ok());
    let Some(status) = status else {
        return Err(unparsable(http_status, body, "has no numeric `status`", secrets));
    };
    if status != 0 {
        let known = EnosStatus::from_code(status);
        let message = json
            .get("msg")
            .and_then(text)
            .filter(|m| !m.is_empty())
            .or_else(|| known.map(|k| k.description().to_owned()));
        let fields = PlatformError { code: status.to_string(), message, ..PlatformError::default() };
        let error = Error::platform(fields, http_status);
        return Err(if known == Some(EnosStatus::TokenExpired) {
            error.with_kind(ErrorKind::TokenExpired)
        } else {
            error
        });
    }
    match json.remove("data") {
        Some(Value::Object(data)) => Ok(data),
        _ => Err(unparsable(http_status, body, "has no `data` object", secrets)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<EnosToken> {
        EnosToken::parse(200, body.as_bytes(), 1_000_000, &[])
    }

    #[test]
    fn reads_both_spellings_of_status() {
        for key in ["status", "stauts"] {
            let body = format!(
                r#"{{"{key}":0,"msg":"SUCCESS","business":"apim-token-service","data":{{"accessToken":"T","expire":7200}}}}"#
            );
            let t = parse(&body).unwrap();
            assert_eq!((t.access_token.expose(), t.expires_in_s, t.expires_at_ms), ("T", 7200, 8_200_000));
        }
    }

    #[test]
    fn statuses_are_typed_errors() {
        let e = parse(r#"{"status":1203,"msg":"token expired"}"#).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::TokenExpired);
        assert_eq!(EnosStatus::of(&e), Some(EnosStatus::TokenExpired));
        let e = parse(r#"{"stauts":"1002","msg":""}"#).unwrap_err();
        assert_eq!((e.kind(), EnosStatus::of(&e)), (ErrorKind::Platform, Some(EnosStatus::UnknownAppKey)));
        assert!(e.message().contains("unknown appKey"), "{}", e.message());
        let e = parse(r#"{"status":4242,"msg":"new"}"#).unwrap_err();
        assert_eq!((e.kind(), EnosStatus::of(&e)), (ErrorKind::Platform, None));
    }

    #[test]
    fn malformed_answers() {
        for body in ["<html>", r#"{"msg":"x"}"#, r#"{"status":0}"#, r#"{"status":0,"data":{"expire":1}}"#] {
            assert_eq!(parse(body).unwrap_err().kind(), ErrorKind::MalformedResponse, "{body}");
        }
        let e = EnosToken::parse(502, b"<html>bad gateway</html>", 0, &[]).unwrap_err();
        assert_eq!((e.kind(), e.http_status()), (ErrorKind::Http, Some(502)));
    }
}
