//! Error values and the two JSON envelopes the gateways answer with.

use serde_json::{Map, Value, json};

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
}

impl ApiError {
    fn isv(
        code: &'static str,
        message: impl Into<String>,
        sub_code: &'static str,
        sub_msg: impl Into<String>,
    ) -> ApiError {
        ApiError { status: 400, kind: "ISV", code, message: message.into(), sub_code, sub_msg: sub_msg.into() }
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

    /// The error's JSON body in `style`.
    pub(crate) fn body(&self, style: Style, request_id: &str) -> Value {
        match style {
            Style::Flat => json!({
                "type": self.kind,
                "code": self.code,
                "message": self.message,
                "request_id": request_id,
            }),
            Style::Wrapped => json!({ "error_response": {
                "type": self.kind,
                "code": self.code,
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
