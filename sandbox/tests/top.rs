//! TOP calls at `/sync`: dotted methods, `session`, no path prefix in the signature, the wrapped
//! envelope for successes and errors.

mod common;

use std::collections::BTreeMap;

use common::*;
use iop::Protocol;
use iop_sandbox::{DEFAULT_APP_KEY, DEFAULT_APP_SECRET, Flavour};

const METHOD: &str = "aliexpress.ds.category.get";

/// A TOP error: HTTP 200 with the wrapped envelope, as the platform sends it.
fn assert_wrapped_error(r: &Resp, code: &str, msg: &str) {
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.content_type, "application/json;charset=UTF-8");
    let e = &r.json["error_response"];
    assert_eq!(e["type"], "ISV");
    assert_eq!(e["code"], code, "{}", r.text);
    assert_eq!(e["msg"], msg, "{}", r.text);
    assert!(e["sub_code"].is_string() && e["sub_msg"].is_string());
    assert!(e["request_id"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(r.json.as_object().unwrap().len(), 1);
}

fn session(sb: &iop_sandbox::Sandbox) -> String {
    create_token(sb, Flavour::AliExpress)["access_token"].as_str().unwrap().to_string()
}

#[test]
fn category_get_wrapped() {
    let sb = sandbox();
    let token = session(&sb);
    let r = top(&sb, METHOD, &[("session", &token), ("language", "en"), ("simplify", "false")]);
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.content_type, "application/json;charset=UTF-8");
    let inner = &r.json["aliexpress_ds_category_get_response"];
    assert_eq!(inner["resp_result"]["resp_code"], 200);
    assert_eq!(inner["resp_result"]["resp_msg"], "Call succeeds");
    let cats = inner["resp_result"]["result"]["categories"].as_array().unwrap();
    assert!(!cats.is_empty());
    assert!(cats.iter().all(|c| c["category_id"].is_number() && c["category_name"].is_string()));
    assert!(inner["request_id"].is_string());
}

#[test]
fn category_get_simplified_and_filtered() {
    let sb = sandbox();
    let token = session(&sb);
    let r = top(&sb, METHOD, &[("session", &token), ("simplify", "true"), ("category_id", "44")]);
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.json.get("aliexpress_ds_category_get_response").is_none());
    let cats = r.json["resp_result"]["result"]["categories"].as_array().unwrap();
    assert!(cats.iter().all(|c| c["category_id"] == 44 || c["parent_category_id"] == 44), "{}", r.text);
    assert!(cats.len() >= 2);
    assert!(r.json["request_id"].is_string());
}

#[test]
fn works_at_every_prefix_and_by_get() {
    let sb = sandbox();
    let token = session(&sb);
    for path in ["/sync", "/aliexpress/sync", "/lazada/sync", "/tw/sync"] {
        let p =
            signed_with(DEFAULT_APP_KEY, DEFAULT_APP_SECRET, Protocol::Top, METHOD, now_ms(), &[("session", &token)]);
        let r = get_query(&format!("{}{path}", sb.url()), &p);
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        assert!(r.json["aliexpress_ds_category_get_response"].is_object());
    }
}

#[test]
fn session_errors() {
    let sb = sandbox();
    assert_wrapped_error(
        &top(&sb, METHOD, &[]),
        "MissingParameter",
        "The input parameter \u{201c}session\u{201d} that is mandatory for processing this request is not supplied",
    );
    assert_wrapped_error(
        &top(&sb, METHOD, &[("session", "50000601bogus")]),
        "IllegalAccessToken",
        "Illegal access token",
    );
    let token = session(&sb);
    sb.advance_clock(8 * 86_400);
    let r = top(&sb, METHOD, &[("session", &token)]);
    assert_wrapped_error(&r, "IllegalAccessToken", "Illegal access token");
    assert_eq!(r.json["error_response"]["sub_msg"], "The specified access token is invalid or expired");
}

#[test]
fn unknown_method() {
    let sb = sandbox();
    assert_wrapped_error(
        &top(&sb, "aliexpress.nothing.here", &[]),
        "InvalidApiPath",
        "The specified API path is invalid",
    );
}

#[test]
fn signature_has_no_path_prefix() {
    let sb = sandbox();
    let token = session(&sb);
    let mut p =
        signed_with(DEFAULT_APP_KEY, DEFAULT_APP_SECRET, Protocol::Top, METHOD, now_ms(), &[("session", &token)]);
    resign(&mut p, DEFAULT_APP_SECRET, Protocol::Gop, METHOD);
    assert_wrapped_error(
        &post_form(&sb.sync_url(), &p),
        "IncompleteSignature",
        "The request signature does not conform to platform standards",
    );
}

#[test]
fn verification_errors_are_wrapped() {
    let sb = sandbox();
    assert_wrapped_error(
        &post_form(&sb.sync_url(), &BTreeMap::new()),
        "MissingParameter",
        "The input parameter \u{201c}app_key\u{201d} that is mandatory for processing this request is not supplied",
    );
    let mut p = BTreeMap::new();
    p.insert("app_key".to_string(), "31337".to_string());
    assert_wrapped_error(&post_form(&sb.sync_url(), &p), "InvalidAppKey", "Invalid app key");
    for name in ["method", "format", "timestamp", "sign"] {
        let mut p = signed_with(DEFAULT_APP_KEY, DEFAULT_APP_SECRET, Protocol::Top, METHOD, now_ms(), &[]);
        p.remove(name);
        let r = post_form(&sb.sync_url(), &p);
        assert_eq!(r.wrapped_code(), "MissingParameter", "{name}: {}", r.text);
        assert!(r.json["error_response"]["msg"].as_str().unwrap().contains(name));
    }
    let p = signed_with(DEFAULT_APP_KEY, DEFAULT_APP_SECRET, Protocol::Top, METHOD, now_ms() - 8_000_000, &[]);
    assert_eq!(post_form(&sb.sync_url(), &p).wrapped_code(), "IncompleteSignature");
    let p = signed_with(DEFAULT_APP_KEY, DEFAULT_APP_SECRET, Protocol::Top, METHOD, now_ms(), &[("format", "xml")]);
    assert_eq!(post_form(&sb.sync_url(), &p).wrapped_code(), "InvalidFormat");
}
