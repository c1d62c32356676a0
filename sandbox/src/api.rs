//! The simulated APIs: GOP token and seller calls, and the TOP category call.

use iop::Protocol;
use serde_json::{Map, Value, json};

use crate::envelope::{ApiError, flat_success, wrapped_success};
use crate::flavour::{Flavour, TokenCall};
use crate::request::Params;
use crate::state::{Seller, State};
use crate::verify::{required, verify};

/// A GOP call: `api_path` from the URL, else from the `method` parameter.
pub(crate) fn gop(
    state: &State,
    flavour: Flavour,
    api_path: Option<&str>,
    params: &Params,
    request_id: &str,
) -> Result<Value, ApiError> {
    let api_path = api_path.or_else(|| params.non_empty("method"));
    let app = verify(state, params, Protocol::Gop, api_path)?;
    let payload = match api_path.unwrap_or_default() {
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
            let token = required(params, "access_token")?;
            seller_payload(state.seller_for(app, token)?.as_ref())
        }
        _ => return Err(ApiError::invalid_api_path()),
    };
    Ok(flat_success(payload, request_id))
}

/// A TOP call at `/sync`: dotted `method`, token as `session`, wrapped envelope.
pub(crate) fn top(state: &State, params: &Params, request_id: &str) -> Result<Value, ApiError> {
    let method = params.non_empty("method");
    let app = verify(state, params, Protocol::Top, method)?;
    if params.get("format") != Some("json") {
        return Err(ApiError::invalid_format());
    }
    let method = method.unwrap_or_default();
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
