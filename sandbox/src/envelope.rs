//! Error values and the two JSON envelopes the gateways answer with.

use serde_json::{Map, Value, json};

use crate::limits::Limit;

/// Which envelope a route answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// GOP (`/rest…`): `{"type","code","message","request_id"}`; success payloads are flat.
    Flat,
    /// TOP (`/sync`): `{"error_response":{"type","code","msg","sub_code","sub_msg","request_id"}}`.
    Wrapped,
}

/// An error as the gateway reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// `ISV`, `ISP` or `SYSTEM`.
    pub kind: &'static str,
    /// `code`, e.g. `IncompleteSignature`.
    pub code: &'static str,
    /// `message` (flat) / `msg` (wrapped).
    pub message: String,
    /// `sub_code` (wrapped only).
    pub sub_code: &'static str,
    /// `sub_msg` (wrapped only).
    pub sub_msg: String,
    /// Whether the flat envelope carries `sub_code` and `sub_msg` too (the daily quota's does).
    pub flat_sub: bool,
}

/// HTTP status of the OAuth calls' errors (`/auth/token/*`): the platforms send 400.
pub(crate) const OAUTH_ERROR_STATUS: u16 = 400;
/// Default HTTP status of the other API errors: the platforms send 200 with the envelope.
pub const DEFAULT_API_ERROR_STATUS: u16 = 200;
/// The sub code of a rate limit's answer (app or API, per second).
pub(crate) const RATE_LIMITED_SUB_CODE: &str = "isp.call-limited";
/// The sub code of the daily quota's answer.
pub(crate) const DAILY_LIMITED_SUB_CODE: &str = "accesscontrol.limited-by-app-access-count";

impl ApiError {
    fn isv(
        code: &'static str,
        message: impl Into<String>,
        sub_code: &'static str,
        sub_msg: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status: 400,
            kind: "ISV",
            code,
            message: message.into(),
            sub_code,
            sub_msg: sub_msg.into(),
            flat_sub: false,
        }
    }

    /// A throttled call's answer, as the platforms word it for `limit` in `style`, announcing a
    /// ban of `seconds`: `ApiCallLimit` "The request has exceeded the limit, ban will last N
    /// seconds" for an API; `AppCallLimit` "This ban will last N more seconds" for an app (TOP:
    /// code `7`, "App Call Limited"); for the daily quota `AppCallLimit` (TOP: `7`) "App Call
    /// Limited" with sub code `accesscontrol.limited-by-app-access-count` and "This ban will last
    /// N more seconds", in the flat envelope too. Rate limits carry the sub code `isp.call-limited`.
    pub(crate) fn throttled(limit: Limit, seconds: u64, style: Style) -> ApiError {
        let ban = format!("This ban will last {seconds} more seconds");
        let top = style == Style::Wrapped;
        let (code, message, sub_code) = match limit {
            Limit::Api => {
                let msg = format!("The request has exceeded the limit, ban will last {seconds} seconds");
                ("ApiCallLimit", msg, RATE_LIMITED_SUB_CODE)
            }
            Limit::App if top => ("7", "App Call Limited".to_owned(), RATE_LIMITED_SUB_CODE),
            Limit::App => ("AppCallLimit", ban.clone(), RATE_LIMITED_SUB_CODE),
            Limit::Daily => {
                (if top { "7" } else { "AppCallLimit" }, "App Call Limited".to_owned(), DAILY_LIMITED_SUB_CODE)
            }
        };
        ApiError { status: 400, kind: "ISP", code, message, sub_code, sub_msg: ban, flat_sub: limit == Limit::Daily }
    }

    /// The same error answered with HTTP `status`.
    pub(crate) fn with_status(self, status: u16) -> ApiError {
        ApiError { status, ..self }
    }

    /// `MissingParameter` naming `name`.
    pub(crate) fn missing_parameter(name: &str) -> ApiError {
        let msg = format!(
            "The input parameter \u{201c}{name}\u{201d} that is mandatory for processing this request is not supplied"
        );
        ApiError::isv("MissingParameter", msg.clone(), "isv.missing-parameter", msg)
    }

    /// `InvalidAppKey`.
    pub(crate) fn invalid_app_key() -> ApiError {
        ApiError::isv(
            "InvalidAppKey",
            "Invalid app key",
            "isv.appkey-not-exists",
            "The specified app key does not exist",
        )
    }

    /// `IncompleteSignature`; `sub_code`/`sub_msg` say which check failed.
    pub(crate) fn incomplete_signature(sub_code: &'static str, sub_msg: &str) -> ApiError {
        ApiError::isv(
            "IncompleteSignature",
            "The request signature does not conform to platform standards",
            sub_code,
            sub_msg,
        )
    }

    /// `InvalidCode`: unknown, used, expired or another app's authorization code.
    pub(crate) fn invalid_code() -> ApiError {
        ApiError::isv(
            "InvalidCode",
            "Invalid authorization code",
            "isv.invalid-code",
            "The authorization code is invalid, already used, expired or issued to another app",
        )
    }

    /// `IllegalRefreshToken`: unknown, rotated, expired or another app's refresh token.
    pub(crate) fn illegal_refresh_token() -> ApiError {
        ApiError::isv(
            "IllegalRefreshToken",
            "Illegal refresh token",
            "isv.illegal-refresh-token",
            "The specified refresh token is invalid or expired",
        )
    }

    /// `AUTH_TYPE_UNSUPPORTED`: the app was authorized through the service market.
    pub(crate) fn auth_type_unsupported() -> ApiError {
        ApiError::isv(
            "AUTH_TYPE_UNSUPPORTED",
            "Authorization type not supported",
            "isv.auth-type-unsupported",
            "The authorization type is not supported. Please check the authorization type.",
        )
    }

    /// `IllegalAccessToken`: unknown, expired or another app's access token.
    pub(crate) fn illegal_access_token() -> ApiError {
        ApiError::isv(
            "IllegalAccessToken",
            "Illegal access token",
            "isv.illegal-access-token",
            "The specified access token is invalid or expired",
        )
    }

    /// `InvalidApiPath`: no such API.
    pub(crate) fn invalid_api_path() -> ApiError {
        ApiError::isv(
            "InvalidApiPath",
            "The specified API path is invalid",
            "isv.invalid-api-path",
            "The specified API path is invalid",
        )
    }

    /// `InvalidFormat`: TOP answers JSON only.
    pub(crate) fn invalid_format() -> ApiError {
        ApiError::isv("InvalidFormat", "Invalid response format", "isv.invalid-format", "Only format=json is supported")
    }

    /// `InvalidRequest` (400): the request could not be parsed.
    pub(crate) fn invalid_request(detail: &str) -> ApiError {
        ApiError::isv(
            "InvalidRequest",
            format!("The request could not be parsed: {detail}"),
            "isv.invalid-request",
            detail,
        )
    }

    /// `RequestEntityTooLarge` (413).
    pub(crate) fn too_large() -> ApiError {
        let msg = "The request body exceeds the 1 MiB limit";
        ApiError { status: 413, ..ApiError::isv("RequestEntityTooLarge", msg, "isv.request-too-large", msg) }
    }

    /// `NotFound` (404): no endpoint at this path.
    pub(crate) fn not_found() -> ApiError {
        let msg = "No endpoint at this path";
        ApiError { status: 404, ..ApiError::isv("NotFound", msg, "isv.not-found", msg) }
    }

    /// `MethodNotAllowed` (405).
    pub(crate) fn method_not_allowed() -> ApiError {
        let msg = "Only GET and POST are supported";
        ApiError { status: 405, ..ApiError::isv("MethodNotAllowed", msg, "isv.method-not-allowed", msg) }
    }

    /// `InternalError` (500, `SYSTEM`): the sandbox itself failed.
    pub(crate) fn internal() -> ApiError {
        let msg = "The sandbox failed to process the request";
        ApiError { status: 500, kind: "SYSTEM", ..ApiError::isv("InternalError", msg, "isp.internal-error", msg) }
    }

    /// The error's JSON body in `style`. A numeric code (TOP's `7`) is sent as a JSON number.
    pub(crate) fn body(&self, style: Style, request_id: &str) -> Value {
        match style {
            Style::Flat if self.flat_sub => json!({
                "type": self.kind,
                "code": self.code,
                "message": self.message,
                "sub_code": self.sub_code,
                "sub_msg": self.sub_msg,
                "request_id": request_id,
            }),
            Style::Flat => json!({
                "type": self.kind,
                "code": self.code,
                "message": self.message,
                "request_id": request_id,
            }),
            Style::Wrapped => json!({ "error_response": {
                "type": self.kind,
                "code": self.code.parse::<u32>().map_or_else(|_| Value::from(self.code), Value::from),
                "msg": self.message,
                "sub_code": self.sub_code,
                "sub_msg": self.sub_msg,
                "request_id": request_id,
            }}),
        }
    }
}

/// A flat GOP success: `payload` plus `"code":"0"` and `request_id`.
pub(crate) fn flat_success(mut payload: Map<String, Value>, request_id: &str) -> Value {
    payload.insert("code".into(), Value::from("0"));
    payload.insert("request_id".into(), Value::from(request_id));
    Value::Object(payload)
}

/// A TOP success: `{"<method_with_underscores>_response": inner}`, or `inner` alone when
/// `simplify` is set; `request_id` is added to `inner`.
pub(crate) fn wrapped_success(method: &str, mut inner: Map<String, Value>, request_id: &str, simplify: bool) -> Value {
    inner.insert("request_id".into(), Value::from(request_id));
    if simplify {
        return Value::Object(inner);
    }
    let mut outer = Map::new();
    outer.insert(format!("{}_response", method.replace('.', "_")), Value::Object(inner));
    Value::Object(outer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_error_shape() {
        let v = ApiError::incomplete_signature("isv.invalid-signature", "x").body(Style::Flat, "0a1");
        assert_eq!(
            v,
            json!({"type":"ISV","code":"IncompleteSignature",
            "message":"The request signature does not conform to platform standards","request_id":"0a1"})
        );
    }

    #[test]
    fn wrapped_error_shape() {
        let v = ApiError::illegal_access_token().body(Style::Wrapped, "r");
        let e = &v["error_response"];
        assert_eq!(e["code"], "IllegalAccessToken");
        assert_eq!(e["msg"], "Illegal access token");
        assert_eq!(e["sub_code"], "isv.illegal-access-token");
        assert_eq!(e["request_id"], "r");
        assert!(e.get("message").is_none());
    }

    #[test]
    fn throttled_envelopes() {
        let flat = |limit, secs| ApiError::throttled(limit, secs, Style::Flat).body(Style::Flat, "r");
        let top = |limit, secs| ApiError::throttled(limit, secs, Style::Wrapped).body(Style::Wrapped, "r");
        assert_eq!(
            flat(Limit::Api, 1),
            json!({"type":"ISP","code":"ApiCallLimit",
                "message":"The request has exceeded the limit, ban will last 1 seconds","request_id":"r"})
        );
        assert_eq!(
            flat(Limit::App, 3),
            json!({"type":"ISP","code":"AppCallLimit","message":"This ban will last 3 more seconds","request_id":"r"})
        );
        assert_eq!(
            flat(Limit::Daily, 3600),
            json!({"type":"ISP","code":"AppCallLimit","message":"App Call Limited",
                "sub_code":"accesscontrol.limited-by-app-access-count",
                "sub_msg":"This ban will last 3600 more seconds","request_id":"r"})
        );
        assert_eq!(
            top(Limit::App, 2),
            json!({"error_response":{"type":"ISP","code":7,"msg":"App Call Limited","sub_code":"isp.call-limited",
                "sub_msg":"This ban will last 2 more seconds","request_id":"r"}})
        );
        let e = top(Limit::Daily, 9);
        assert_eq!(
            (&e["error_response"]["code"], &e["error_response"]["sub_code"]),
            (&json!(7), &json!(DAILY_LIMITED_SUB_CODE))
        );
        let e = top(Limit::Api, 1);
        assert_eq!(e["error_response"]["code"], "ApiCallLimit");
        assert_eq!(e["error_response"]["sub_msg"], "This ban will last 1 more seconds");
    }

    #[test]
    fn missing_parameter_names_it() {
        let e = ApiError::missing_parameter("code");
        assert_eq!(
            e.message,
            "The input parameter \u{201c}code\u{201d} that is mandatory for processing this request is not supplied"
        );
    }

    #[test]
    fn successes() {
        let v = flat_success(Map::new(), "r");
        assert_eq!(v, json!({"code":"0","request_id":"r"}));
        let mut inner = Map::new();
        inner.insert("a".into(), json!(1));
        assert_eq!(
            wrapped_success("x.y.get", inner.clone(), "r", false),
            json!({"x_y_get_response":{"a":1,"request_id":"r"}})
        );
        assert_eq!(wrapped_success("x.y.get", inner, "r", true), json!({"a":1,"request_id":"r"}));
    }
}
