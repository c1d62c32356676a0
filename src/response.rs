//! A platform response: raw body, HTTP status and the envelope fields of either shape.

use std::fmt;

use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, PlatformError, Result};
use crate::redact;

/// A response whose body is a JSON object. Platform errors are responses too: see
/// [`Response::is_success`] and [`Response::error`].
#[derive(Clone, PartialEq)]
pub struct Response {
    http_status: u16,
    body: String,
    json: Map<String, Value>,
    fields: PlatformError,
    is_error_envelope: bool,
}

impl fmt::Debug for Response {
    /// Shows the envelope, not the body: bodies carry tokens.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("http_status", &self.http_status)
            .field("fields", &self.fields)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl Response {
    /// Parses `body` received with `http_status`.
    ///
    /// A body that is not a JSON object is an error: [`ErrorKind::Http`] when the status is an
    /// HTTP error (an HTML error page, say), [`ErrorKind::MalformedResponse`] otherwise. Both keep
    /// the status and a short excerpt with token-like text and `secrets` hidden. `secrets` are
    /// hidden from the envelope fields too (a gateway may repeat the request in its message); the
    /// body is kept as received.
    pub fn parse(http_status: u16, body: Vec<u8>, secrets: &[&str]) -> Result<Response> {
        let json = match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(map)) => map,
            Ok(_) => return Err(unparsable(http_status, &body, "is JSON but not an object", secrets)),
            Err(e) if e.is_eof() => return Err(unparsable(http_status, &body, "is truncated JSON", secrets)),
            Err(_) => return Err(unparsable(http_status, &body, "is not JSON", secrets)),
        };
        let body = String::from_utf8(body).expect("serde_json accepted it, so it is UTF-8");
        let (fields, is_error_envelope) = envelope_fields(&json);
        let fields = without_secrets(fields, secrets);
        Ok(Response { http_status, body, json, fields, is_error_envelope })
    }

    /// The HTTP status code.
    pub fn http_status(&self) -> u16 {
        self.http_status
    }

    /// The body exactly as received.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The body, consuming the response.
    pub fn into_body(self) -> String {
        self.body
    }

    /// The body as a JSON object.
    pub fn json(&self) -> &Map<String, Value> {
        &self.json
    }

    /// True when there is no `error_response` and `code` is absent, `""` or `"0"`.
    pub fn is_success(&self) -> bool {
        !self.is_error_envelope && matches!(self.fields.code.as_str(), "" | "0")
    }

    /// `type` (`ISV`, `ISP`, `SYSTEM`) when present.
    pub fn error_type(&self) -> Option<&str> {
        self.fields.error_type.as_deref()
    }

    /// `code` as text (`"0"` on success); `None` when absent.
    pub fn code(&self) -> Option<&str> {
        Some(self.fields.code.as_str()).filter(|c| !c.is_empty())
    }

    /// `message` or `msg`.
    pub fn message(&self) -> Option<&str> {
        self.fields.message.as_deref()
    }

    /// `sub_code`.
    pub fn sub_code(&self) -> Option<&str> {
        self.fields.sub_code.as_deref()
    }

    /// `sub_msg`.
    pub fn sub_message(&self) -> Option<&str> {
        self.fields.sub_message.as_deref()
    }

    /// `request_id`, from the envelope or the wrapped `…_response` object.
    pub fn request_id(&self) -> Option<&str> {
        self.fields.request_id.as_deref()
    }

    /// For a throttling error (`ApiCallLimit`, `AppCallLimit`), how long the platform says the
    /// ban lasts ("ban will last N seconds"); `None` for anything else.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        if self.is_success() { None } else { crate::throttle::retry_after(&self.fields) }
    }

    /// The platform error this response carries, if it is not a success.
    pub fn error(&self) -> Option<Error> {
        if self.is_success() {
            return None;
        }
        let mut fields = self.fields.clone();
        if fields.code.is_empty() {
            fields.code = "UnknownError".to_owned();
        }
        Some(Error::platform(fields, self.http_status))
    }

    /// `Ok(self)` on success, else the platform error.
    pub fn into_result(self) -> Result<Response> {
        match self.error() {
            Some(e) => Err(e),
            None => Ok(self),
        }
    }
}

/// The error for a body that is not what was expected: `Http` for an error status, else
/// `MalformedResponse`, with a redacted excerpt.
pub(crate) fn unparsable(status: u16, body: &[u8], what: &str, secrets: &[&str]) -> Error {
    let kind = if status >= 400 { ErrorKind::Http } else { ErrorKind::MalformedResponse };
    let excerpt = redact::excerpt(body, secrets);
    Error::new(kind, format!("HTTP {status}: response body ({} bytes) {what}: {excerpt}", body.len()))
        .with_http_status(status)
}

/// Reads the envelope from the flat shape or from `error_response`; the flag says which.
fn envelope_fields(json: &Map<String, Value>) -> (PlatformError, bool) {
    if let Some(Value::Object(err)) = json.get("error_response") {
        let mut fields = read_fields(err);
        if fields.code.is_empty() {
            fields.code = "UnknownError".to_owned();
        }
        return (fields, true);
    }
    let mut fields = read_fields(json);
    if fields.request_id.is_none() {
        // Wrapped success: {"<method>_response": {..., "request_id": "…"}}.
        fields.request_id =
            json.iter().filter(|(k, _)| k.ends_with("_response")).find_map(|(_, v)| v.get("request_id").and_then(text));
    }
    (fields, false)
}

/// `fields` with every value in `secrets` replaced by `[redacted]`.
fn without_secrets(mut fields: PlatformError, secrets: &[&str]) -> PlatformError {
    fields.code = redact::hide(&fields.code, secrets);
    for field in [
        &mut fields.error_type,
        &mut fields.message,
        &mut fields.sub_code,
        &mut fields.sub_message,
        &mut fields.request_id,
    ]
    .into_iter()
    .flatten()
    {
        *field = redact::hide(field, secrets);
    }
    fields
}

fn read_fields(obj: &Map<String, Value>) -> PlatformError {
    let get = |key: &str| obj.get(key).and_then(text);
    PlatformError {
        code: get("code").unwrap_or_default(),
        error_type: get("type"),
        message: get("message").or_else(|| get("msg")),
        sub_code: get("sub_code"),
        sub_message: get("sub_msg"),
        request_id: get("request_id").or_else(|| get("requestId")),
    }
}

/// A JSON string or number as text; anything else is absent.
pub(crate) fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(status: u16, body: &str) -> Result<Response> {
        Response::parse(status, body.as_bytes().to_vec(), &[])
    }

    #[test]
    fn flat_success_and_error() {
        let ok = parse(200, r#"{"code":"0","request_id":"r1","data":{}}"#).unwrap();
        assert!(ok.is_success());
        assert_eq!(ok.request_id(), Some("r1"));
        let err = parse(400, r#"{"type":"ISV","code":"IncompleteSignature","message":"The request signature does not conform to platform standards","request_id":"r2"}"#).unwrap();
        assert!(!err.is_success());
        assert_eq!(err.code(), Some("IncompleteSignature"));
        assert_eq!(err.error_type(), Some("ISV"));
        assert_eq!(err.http_status(), 400);
        let e = err.error().unwrap();
        assert_eq!(e.platform_error().unwrap().request_id.as_deref(), Some("r2"));
    }

    #[test]
    fn wrapped_envelopes() {
        let err = parse(200, r#"{"error_response":{"type":"ISV","code":15,"msg":"Remote service error","sub_code":"isv.invalid","sub_msg":"bad","request_id":"r3"}}"#).unwrap();
        assert!(!err.is_success());
        assert_eq!(err.code(), Some("15"));
        assert_eq!(err.message(), Some("Remote service error"));
        assert_eq!(err.sub_code(), Some("isv.invalid"));
        assert_eq!(err.sub_message(), Some("bad"));
        let ok = parse(200, r#"{"aliexpress_ds_category_get_response":{"resp_result":{},"request_id":"r4"}}"#).unwrap();
        assert!(ok.is_success());
        assert_eq!(ok.code(), None);
        assert_eq!(ok.request_id(), Some("r4"));
    }

    #[test]
    fn secrets_repeated_in_an_envelope_are_hidden_from_its_fields() {
        let body =
            r#"{"code":"InvalidCode","message":"Invalid code 0_1234abcd","sub_msg":"0_1234abcd?","request_id":"r"}"#;
        let r = Response::parse(400, body.as_bytes().to_vec(), &["0_1234abcd"]).unwrap();
        assert_eq!(r.message(), Some("Invalid code [redacted]"));
        assert_eq!(r.sub_message(), Some("[redacted]?"));
        assert!(!r.error().unwrap().to_string().contains("0_1234abcd"));
        assert_eq!(r.body(), body, "the body is kept as received");
    }

    #[test]
    fn non_json_bodies_are_typed_errors() {
        let e = parse(502, "<html>Bad Gateway</html>").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Http);
        assert_eq!(e.http_status(), Some(502));
        assert!(e.message().contains("Bad Gateway"));
        let e = parse(200, r#"{"access_token":"50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7701"#).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::MalformedResponse);
        assert!(e.message().contains("truncated"));
        assert!(!e.message().contains("50000601c30"));
        assert_eq!(parse(200, "[1]").unwrap_err().kind(), ErrorKind::MalformedResponse);
        assert_eq!(parse(200, "").unwrap_err().kind(), ErrorKind::MalformedResponse);
    }
}
