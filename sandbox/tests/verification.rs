//! The gateway's checks, in order, over HTTP: every error code in the flat envelope, GET and
//! POST, the `/rest` + `method` form, the timestamp window and the signature.

mod common;

use std::collections::BTreeMap;

use common::*;
use iop::Protocol;
use iop_sandbox::{Config, DEFAULT_APP_KEY, DEFAULT_APP_SECRET, Flavour, Sandbox};

const API: &str = "/auth/token/create";
const INCOMPLETE: &str = "The request signature does not conform to platform standards";

fn missing_message(name: &str) -> String {
    format!("The input parameter \u{201c}{name}\u{201d} that is mandatory for processing this request is not supplied")
}

fn url(sb: &Sandbox) -> String {
    format!("{}{API}", sb.base_url(Flavour::Lazada))
}

/// An error of an OAuth call (`/auth/token/*`): HTTP 400, as the platforms send them.
fn assert_flat_error(r: &Resp, code: &str, message: &str) {
    assert_flat_error_with(r, 400, code, message);
}

/// An error of any other API: HTTP 200 with the envelope, as the platforms send them.
fn assert_api_error(r: &Resp, code: &str, message: &str) {
    assert_flat_error_with(r, 200, code, message);
}

fn assert_flat_error_with(r: &Resp, status: u16, code: &str, message: &str) {
    assert_eq!(r.status, status, "{}", r.text);
    assert_eq!(r.content_type, "application/json;charset=UTF-8");
    assert_eq!(r.json["type"], "ISV");
    assert_eq!(r.json["code"], code, "{}", r.text);
    assert_eq!(r.json["message"], message, "{}", r.text);
    let id = r.json["request_id"].as_str().unwrap();
    assert!(!id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(r.json.as_object().unwrap().len(), 4, "flat envelope has exactly 4 fields: {}", r.text);
}

#[test]
fn missing_app_key_comes_first() {
    let sb = sandbox();
    let r = post_form(&url(&sb), &BTreeMap::new());
    assert_flat_error(&r, "MissingParameter", &missing_message("app_key"));
    let mut p = signed(API, &[("code", "x")]);
    p.remove("app_key");
    assert_flat_error(&post_form(&url(&sb), &p), "MissingParameter", &missing_message("app_key"));
}

#[test]
fn unknown_app_key_before_other_parameters() {
    let sb = sandbox();
    let mut p = BTreeMap::new();
    p.insert("app_key".to_string(), "424242".to_string());
    assert_flat_error(&post_form(&url(&sb), &p), "InvalidAppKey", "Invalid app key");
}

#[test]
fn missing_system_parameters_named() {
    let sb = sandbox();
    for name in ["timestamp", "sign_method", "sign"] {
        let mut p = signed(API, &[("code", "x")]);
        p.remove(name);
        assert_flat_error(&post_form(&url(&sb), &p), "MissingParameter", &missing_message(name));
        // An empty value counts as missing.
        p.insert(name.to_string(), String::new());
        assert_flat_error(&get_query(&url(&sb), &p), "MissingParameter", &missing_message(name));
    }
}

#[test]
fn wrong_sign_method() {
    let sb = sandbox();
    for method in ["md5", "hmac", "SHA256", "sha1"] {
        let mut p = signed(API, &[("code", "x"), ("sign_method", method)]);
        resign(&mut p, DEFAULT_APP_SECRET, Protocol::Gop, API);
        assert_flat_error(&post_form(&url(&sb), &p), "IncompleteSignature", INCOMPLETE);
    }
}

#[test]
fn timestamp_window_uses_the_real_clock() {
    let sb = sandbox();
    let at = |ts: i64| {
        let p = signed_with(DEFAULT_APP_KEY, DEFAULT_APP_SECRET, Protocol::Gop, API, ts, &[("code", "nope")]);
        post_form(&url(&sb), &p)
    };
    // Inside the window: the request passes verification and fails on the code.
    assert_eq!(at(now_ms() - 7_100_000).code(), "InvalidCode");
    assert_eq!(at(now_ms() + 7_100_000).code(), "InvalidCode");
    assert_flat_error(&at(now_ms() - 7_300_000), "IncompleteSignature", INCOMPLETE);
    assert_flat_error(&at(now_ms() + 7_300_000), "IncompleteSignature", INCOMPLETE);
    // A 10-digit seconds value is far outside the window.
    assert_flat_error(&at(now_ms() / 1000), "IncompleteSignature", INCOMPLETE);
    // Advancing the virtual clock by days does not move the window.
    sb.advance_clock(30 * 86_400);
    assert_eq!(at(now_ms()).code(), "InvalidCode");
    sb.advance_clock(-60 * 86_400);
    assert_eq!(at(now_ms()).code(), "InvalidCode");
}

#[test]
fn non_numeric_timestamp() {
    let sb = sandbox();
    let mut p = signed(API, &[("code", "x"), ("timestamp", "2024-01-01 00:00:00")]);
    resign(&mut p, DEFAULT_APP_SECRET, Protocol::Gop, API);
    assert_flat_error(&post_form(&url(&sb), &p), "IncompleteSignature", INCOMPLETE);
}

#[test]
fn configured_skew_moves_the_window() {
    let sb = Sandbox::start(Config { clock_skew_secs: 10_000, ..Config::default() }).unwrap();
    let at = |ts: i64| {
        let p = signed_with(DEFAULT_APP_KEY, DEFAULT_APP_SECRET, Protocol::Gop, API, ts, &[("code", "nope")]);
        post_form(&url(&sb), &p)
    };
    assert_eq!(at(now_ms()).code(), "IncompleteSignature");
    assert_eq!(at(now_ms() + 10_000_000).code(), "InvalidCode");
}

#[test]
fn signature_mismatches() {
    let sb = sandbox();
    // Wrong secret.
    let p = signed_with(DEFAULT_APP_KEY, "not-the-secret", Protocol::Gop, API, now_ms(), &[("code", "x")]);
    assert_flat_error(&post_form(&url(&sb), &p), "IncompleteSignature", INCOMPLETE);
    // A parameter changed after signing.
    let mut p = signed(API, &[("code", "x")]);
    p.insert("code".into(), "y".into());
    assert_flat_error(&post_form(&url(&sb), &p), "IncompleteSignature", INCOMPLETE);
    // A parameter added after signing (every received parameter is signed, even empty ones).
    let mut p = signed(API, &[("code", "x")]);
    p.insert("extra".into(), String::new());
    assert_flat_error(&post_form(&url(&sb), &p), "IncompleteSignature", INCOMPLETE);
    // Signed for another path.
    let p = signed("/auth/token/refresh", &[("code", "x")]);
    assert_flat_error(&post_form(&url(&sb), &p), "IncompleteSignature", INCOMPLETE);
    // Signed TOP-style (no path prefix) for a GOP call.
    let mut p = signed(API, &[("code", "x")]);
    resign(&mut p, DEFAULT_APP_SECRET, Protocol::Top, API);
    assert_flat_error(&post_form(&url(&sb), &p), "IncompleteSignature", INCOMPLETE);
    // Lower-case hex is not what the platform sends.
    let mut p = signed(API, &[("code", "x")]);
    let lower = p["sign"].to_lowercase();
    p.insert("sign".into(), lower);
    assert_flat_error(&post_form(&url(&sb), &p), "IncompleteSignature", INCOMPLETE);
}

#[test]
fn empty_business_values_are_signed() {
    let sb = sandbox();
    let p = signed(API, &[("code", "nope"), ("empty", "")]);
    assert_eq!(post_form(&url(&sb), &p).code(), "InvalidCode");
}

#[test]
fn values_are_signed_raw_not_encoded() {
    let sb = sandbox();
    let p = signed(API, &[("code", "nope"), ("json", "{\"a\":\"b c&d=é+%\"}")]);
    assert_eq!(post_form(&url(&sb), &p).code(), "InvalidCode");
    assert_eq!(get_query(&url(&sb), &p).code(), "InvalidCode");
}

#[test]
fn missing_api_parameters() {
    let sb = sandbox();
    for (api, name) in
        [("/auth/token/create", "code"), ("/auth/token/refresh", "refresh_token"), ("/seller/get", "access_token")]
    {
        let r = call(&sb, Flavour::Lazada, api, &[]);
        let status = if api.starts_with("/auth/") { 400 } else { 200 };
        assert_flat_error_with(&r, status, "MissingParameter", &missing_message(name));
    }
}

#[test]
fn unknown_api_path() {
    let sb = sandbox();
    for api in ["/order/get", "/auth/token", "/auth/token/create/"] {
        let r = call(&sb, Flavour::Lazada, api, &[("code", "x")]);
        assert_api_error(&r, "InvalidApiPath", "The specified API path is invalid");
    }
}

#[test]
fn get_and_post_are_equivalent() {
    let sb = sandbox();
    let code = sb.issue_code(DEFAULT_APP_KEY).unwrap();
    let r = get_query(&url(&sb), &signed(API, &[("code", &code)]));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.content_type, "application/json;charset=UTF-8");
    assert_eq!(r.code(), "0");
    let r = get_query(&url(&sb), &signed(API, &[("code", &code)]));
    assert_eq!(r.code(), "InvalidCode");
}

#[test]
fn query_and_body_are_merged() {
    let sb = sandbox();
    let code = sb.issue_code(DEFAULT_APP_KEY).unwrap();
    let mut p = signed(API, &[("code", &code)]);
    let sign = p.remove("sign").unwrap();
    let app_key = p.remove("app_key").unwrap();
    let q = format!("{}?sign={sign}&app_key={app_key}", url(&sb));
    let r = post_form(&q, &p);
    assert_eq!(r.status, 200, "{}", r.text);
}

#[test]
fn rest_with_method_parameter() {
    let sb = sandbox();
    for flavour in Flavour::ALL {
        let code = sb.issue_code(DEFAULT_APP_KEY).unwrap();
        let p = signed(API, &[("code", &code), ("method", API)]);
        let r = post_form(&sb.base_url(flavour), &p);
        assert_eq!(r.status, 200, "{flavour:?}: {}", r.text);
        assert!(r.json["access_token"].is_string());
        let p = signed(API, &[("code", &code), ("method", API)]);
        assert_eq!(get_query(&format!("{}/", sb.base_url(flavour)), &p).code(), "InvalidCode");
    }
    // Without `method`, bare /rest names no API.
    let p = signed("", &[("code", "x")]);
    assert_api_error(&post_form(&sb.base_url(Flavour::Lazada), &p), "MissingParameter", &missing_message("method"));
    // An unknown method.
    let p = signed("/nope", &[("method", "/nope")]);
    assert_api_error(
        &post_form(&sb.base_url(Flavour::Lazada), &p),
        "InvalidApiPath",
        "The specified API path is invalid",
    );
}

#[test]
fn unprefixed_rest_is_lazada() {
    let sb = sandbox();
    let code = sb.issue_code(DEFAULT_APP_KEY).unwrap();
    let r = post_form(&format!("{}/rest{API}", sb.url()), &signed(API, &[("code", &code)]));
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.json["country_user_info"].is_array());
}

#[test]
fn request_ids_are_unique() {
    let sb = sandbox();
    let ids: std::collections::HashSet<String> = (0..20)
        .map(|_| post_form(&url(&sb), &BTreeMap::new()).json["request_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 20);
}
