//! The simulated APIs: GOP token and seller calls, and the TOP category call.

use iop::Protocol;
use serde_json::{Map, Value, json};

use crate::envelope::{ApiError, OAUTH_ERROR_STATUS, Style, flat_success, wrapped_success};
use crate::flavour::{Flavour, TokenCall};
use crate::request::Params;
use crate::state::{Seller, State};
use crate::verify::{required, verify};

/// The GOP api paths of the OAuth calls, whose errors are answered with HTTP 400.
const OAUTH_APIS: [&str; 2] = ["/auth/token/create", "/auth/token/refresh"];

/// The HTTP status of an API error for `api`: 400 for the OAuth calls, the configured API error
/// status (200 by default) for the others.
pub(crate) fn error_status(state: &State, api: Option<&str>) -> u16 {
    if api.is_some_and(|a| OAUTH_APIS.contains(&a)) { OAUTH_ERROR_STATUS } else { state.api_error_status() }
}

/// The access token of a GOP call: `access_token`, or `session` as the official AliExpress
/// Python and PHP SDKs send it.
fn access_token(params: &Params) -> Result<&str, ApiError> {
    required(params, "access_token").or_else(|e| params.non_empty("session").ok_or(e))
}

/// Runs one API call: logs it (virtual time of arrival, app, API, whether it was throttled) and
/// gives its errors their HTTP status.
fn logged(
    state: &State,
    params: &Params,
    api: Option<&str>,
    style: Style,
    call: impl FnOnce() -> Result<Value, ApiError>,
) -> Result<Value, ApiError> {
    let at_ms = state.clock.now_ms();
    let result = call();
    let (limit, code) = match &result {
        Ok(_) => (None, "0"),
        Err(e) => (crate::limits::throttled_by(e), e.code),
    };
    state.limits.log.record(at_ms, params.get("app_key").unwrap_or_default(), api.unwrap_or_default(), limit, code);
    let status = error_status(state, api.filter(|_| style == Style::Flat));
    result.map_err(|e| e.with_status(status))
}

/// Checks the limits for a verified call of `app_key` to `api`.
fn admit(state: &State, app_key: &str, api: &str, style: Style) -> Result<(), ApiError> {
    state.limits.admit(app_key, api, state.clock.now_ms()).map_err(|t| ApiError::throttled(t.limit, t.seconds, style))
}

/// A GOP call: `api_path` from the URL, else from the `method` parameter.
pub(crate) fn gop(
    state: &State,
    flavour: Flavour,
    api_path: Option<&str>,
    params: &Params,
    request_id: &str,
) -> Result<Value, ApiError> {
    let api_path = api_path.or_else(|| params.non_empty("method"));
    logged(state, params, api_path, Style::Flat, || gop_call(state, flavour, api_path, params, request_id))
}

fn gop_call(
    state: &State,
    flavour: Flavour,
    api_path: Option<&str>,
    params: &Params,
    request_id: &str,
) -> Result<Value, ApiError> {
    let app = verify(state, params, Protocol::Gop, api_path)?;
    let api_path = api_path.unwrap_or_default();
    admit(state, &app.app_key, api_path, Style::Flat)?;
    let payload = match api_path {
        "/auth/token/create" => {
            let code = required(params, "code")?;
            let grant = state.create_token(app, code)?;
            flavour.token_payload(&grant, TokenCall::Create)
        }
        "/auth/token/refresh" => {
            let refresh_token = required(params, "refresh_token")?;
            let grant = state.refresh_token(app, refresh_token)?;
            flavour.token_payload(&grant, TokenCall::Refresh)
        }
        "/seller/get" => {
            let token = access_token(params)?;
            seller_payload(state.seller_for(app, token)?.as_ref())
        }
        _ => return Err(ApiError::invalid_api_path()),
    };
    Ok(flat_success(payload, request_id))
}

/// A TOP call at `/sync`: dotted `method`, token as `session`, wrapped envelope.
pub(crate) fn top(state: &State, params: &Params, request_id: &str) -> Result<Value, ApiError> {
    let method = params.non_empty("method");
    logged(state, params, method, Style::Wrapped, || top_call(state, method, params, request_id))
}

fn top_call(state: &State, method: Option<&str>, params: &Params, request_id: &str) -> Result<Value, ApiError> {
    let app = verify(state, params, Protocol::Top, method)?;
    if params.get("format") != Some("json") {
        return Err(ApiError::invalid_format());
    }
    let method = method.unwrap_or_default();
    admit(state, &app.app_key, method, Style::Wrapped)?;
    let inner = match method {
        "aliexpress.ds.category.get" => {
            let session = required(params, "session")?;
            state.seller_for(app, session)?;
            categories(params.non_empty("category_id"))
        }
        _ => return Err(ApiError::invalid_api_path()),
    };
    Ok(wrapped_success(method, inner, request_id, params.get("simplify") == Some("true")))
}

fn seller_payload(s: &Seller) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(
        "data".into(),
        json!({
            "name": s.name,
            "name_company": format!("{} Pte. Ltd.", s.name),
            "seller_id": s.seller_id,
            "short_code": s.short_code,
            "email": s.account,
            "location": "Singapore",
            "verified": true,
            "status": "ACTIVE",
            "cb": false,
        }),
    );
    m
}

/// The fixed category tree, `(id, name, parent)`.
const CATEGORIES: &[(u64, &str, u64)] = &[
    (2, "Food", 0),
    (3, "Apparel & Accessories", 0),
    (44, "Consumer Electronics", 0),
    (509, "Cellphones & Telecommunications", 0),
    (200_003_482, "Dresses", 3),
    (200_000_345, "Earphones & Headphones", 44),
    (5_090_301, "Mobile Phones", 509),
];

/// `resp_result` of `aliexpress.ds.category.get`: every category, or with `category_id` that
/// category and its children (an empty list for an unknown id).
fn categories(category_id: Option<&str>) -> Map<String, Value> {
    let wanted: Option<u64> = category_id.map(|id| id.parse().unwrap_or(u64::MAX));
    let list: Vec<Value> = CATEGORIES
        .iter()
        .filter(|(id, _, parent)| wanted.is_none_or(|w| *id == w || *parent == w))
        .map(|(id, name, parent)| {
            let mut c = json!({"category_id": id, "category_name": name});
            if *parent != 0 {
                c["parent_category_id"] = json!(parent);
            }
            c
        })
        .collect();
    let mut m = Map::new();
    m.insert(
        "resp_result".into(),
        json!({
            "result": {"categories": list},
            "resp_code": 200,
            "resp_msg": "Call succeeds",
        }),
    );
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_filter() {
        let all = categories(None);
        assert_eq!(all["resp_result"]["result"]["categories"].as_array().unwrap().len(), CATEGORIES.len());
        let sub = categories(Some("44"));
        let list = sub["resp_result"]["result"]["categories"].as_array().unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[1]["parent_category_id"], 44);
        assert!(categories(Some("x"))["resp_result"]["result"]["categories"].as_array().unwrap().is_empty());
    }
}
