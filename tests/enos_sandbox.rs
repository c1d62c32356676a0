//! The EnOS client against the sandbox's token service and protected API: success paths, the
//! seed's refresh request, and every documented error status.

mod common;

use common::*;
use iop::ErrorKind;
use iop::enos::{EnosClient, EnosStatus, TOKEN_GET_PATH, TOKEN_REFRESH_PATH, encryption, fresh_timestamp_ms};
use iop_sandbox::{DEFAULT_ENOS_APP_KEY, DEFAULT_ENOS_APP_SECRET, DEFAULT_ENOS_TOKEN_TTL_SECS};
use serde_json::{Value, json};

fn enos(sb: &Sandbox, secret: &str) -> EnosClient {
    EnosClient::new(&sb.url(), DEFAULT_ENOS_APP_KEY, secret).unwrap()
}

/// Posts `body` to a token-service path as is and returns the JSON answer.
fn post_raw(sb: &Sandbox, path: &str, body: &Value) -> Value {
    let mut response = ureq::post(&format!("{}{path}", sb.url()))
        .content_type("application/json")
        .send(body.to_string().as_bytes())
        .unwrap();
    assert_eq!(response.status(), 200);
    serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap()
}

fn status_of(e: &iop::Error) -> Option<EnosStatus> {
    EnosStatus::of(e)
}

#[test]
fn get_returns_the_same_token_while_valid_and_refresh_replaces_it() {
    let sb = sandbox();
    let c = enos(&sb, DEFAULT_ENOS_APP_SECRET);
    let before = iop::client::now_ms();
    let first = c.get_token().unwrap();
    assert_eq!(first.expires_in_s, DEFAULT_ENOS_TOKEN_TTL_SECS);
    assert!(first.expires_at_ms >= before + DEFAULT_ENOS_TOKEN_TTL_SECS * 1000);
    let again = c.get_token().unwrap();
    assert_eq!(again.access_token, first.access_token);
    let refreshed = c.refresh_token(first.access_token.expose()).unwrap();
    assert_ne!(refreshed.access_token, first.access_token);
    assert_eq!(c.get_token().unwrap().access_token, refreshed.access_token, "get now returns the refreshed token");
    let stats = sb.stats();
    assert_eq!((stats.enos_tokens_issued, stats.enos_refreshes), (2, 1));
}

#[test]
fn seed_004_refresh_request_with_the_documented_token() {
    let sb = Sandbox::start(Config::default().with_doc_samples()).unwrap();
    let c = enos(&sb, DEFAULT_ENOS_APP_SECRET);
    // The documented body: appKey, encryption, accessToken, timestamp (fresh, as required).
    let ts = fresh_timestamp_ms();
    let body = json!({
        "appKey": "5acb82e7-a11e-4300-9164-c8b20b638e8b",
        "encryption": encryption(DEFAULT_ENOS_APP_KEY, ts, DEFAULT_ENOS_APP_SECRET),
        "accessToken": "adsfwerasdfsdfasggaaf",
        "timestamp": ts,
    });
    let answer = post_raw(&sb, TOKEN_REFRESH_PATH, &body);
    assert_eq!((answer["status"].as_i64(), answer["msg"].as_str()), (Some(0), Some("SUCCESS")), "{answer}");
    assert_eq!(answer["business"], "apim-token-service");
    assert_eq!(answer["data"]["expire"], 7200);
    // The same refresh through the client.
    let sb = Sandbox::start(Config::default().with_doc_samples()).unwrap();
    let t = enos(&sb, DEFAULT_ENOS_APP_SECRET).refresh_token("adsfwerasdfsdfasggaaf").unwrap();
    assert!(!t.access_token.is_empty() && t.access_token.expose() != "adsfwerasdfsdfasggaaf");
    drop(c);
}

#[test]
fn every_documented_error_status() {
    let sb = sandbox();
    // 1002 unknown appKey, 1003 invalid encryption (wrong secret): typed platform errors.
    let e = EnosClient::new(&sb.url(), "no-such-app", "s").unwrap().get_token().unwrap_err();
    assert_eq!((e.kind(), status_of(&e)), (ErrorKind::Platform, Some(EnosStatus::UnknownAppKey)));
    assert_eq!(e.http_status(), Some(200));
    let e = enos(&sb, "wrong-secret").get_token().unwrap_err();
    assert_eq!((e.kind(), status_of(&e)), (ErrorKind::Platform, Some(EnosStatus::InvalidEncryption)));
    assert!(!e.message().contains("wrong-secret"));
    // 1001: the same encryption twice.
    let ts = fresh_timestamp_ms();
    let body = json!({"appKey": DEFAULT_ENOS_APP_KEY, "timestamp": ts,
                      "encryption": encryption(DEFAULT_ENOS_APP_KEY, ts, DEFAULT_ENOS_APP_SECRET)});
    assert_eq!(post_raw(&sb, TOKEN_GET_PATH, &body)["status"], 0);
    assert_eq!(post_raw(&sb, TOKEN_GET_PATH, &body)["status"], 1001);
    // 1202 empty parameter, 1004 invalid parameter (a timestamp far outside the window).
    assert_eq!(post_raw(&sb, TOKEN_GET_PATH, &json!({"appKey": DEFAULT_ENOS_APP_KEY}))["status"], 1202);
    let stale = json!({"appKey": DEFAULT_ENOS_APP_KEY, "timestamp": 1572574909697_i64,
                       "encryption": encryption(DEFAULT_ENOS_APP_KEY, 1572574909697, DEFAULT_ENOS_APP_SECRET)});
    assert_eq!(post_raw(&sb, TOKEN_GET_PATH, &stale)["status"], 1004);
    // 1204 refresh of an unknown token; 1203 refresh of an expired one.
    let c = enos(&sb, DEFAULT_ENOS_APP_SECRET);
    let e = c.refresh_token("never-issued").unwrap_err();
    assert_eq!((e.kind(), status_of(&e)), (ErrorKind::Platform, Some(EnosStatus::RefreshFailed)));
    let token = c.get_token().unwrap();
    sb.advance_clock(DEFAULT_ENOS_TOKEN_TTL_SECS + 1);
    let e = c.refresh_token(token.access_token.expose()).unwrap_err();
    assert_eq!((e.kind(), status_of(&e)), (ErrorKind::TokenExpired, Some(EnosStatus::TokenExpired)));
    assert_eq!(e.platform_error().unwrap().code, "1203");
    // After expiry, get issues a new token.
    assert_ne!(c.get_token().unwrap().access_token, token.access_token);
    // Argument checks never reach the server.
    assert_eq!(c.refresh_token("").unwrap_err().kind(), ErrorKind::InvalidArgument);
}

#[test]
fn signed_calls_reach_the_protected_api() {
    let sb = sandbox();
    let c = enos(&sb, DEFAULT_ENOS_APP_SECRET);
    let token = c.get_token().unwrap();
    let t = token.access_token.expose();
    let r = c.call("GET", "/connect-service/v2.1/devices?action=get&orgId=o1&deviceKey=d%201", None, t).unwrap();
    assert!(r.is_success(), "{}", r.body());
    assert_eq!(r.json()["data"]["params"]["deviceKey"], "d 1");
    assert!(r.request_id().is_some_and(|id| !id.is_empty()));
    let body = br#"{"productKey":"pk123","deviceName":{"defaultValue":"d1"}}"#;
    let r = c.call("POST", "/connect-service/v2.1/devices?action=create&orgId=o1", Some(body), t).unwrap();
    assert!(r.is_success(), "{}", r.body());
    assert_eq!(r.json()["data"]["body"]["productKey"], "pk123");
    assert_eq!(r.json()["data"]["method"], "POST");
    // A wrong secret signs wrongly: 401 with code 1003, returned as a response.
    let r = enos(&sb, "wrong-secret").call("GET", "/connect-service/v2.1/devices?action=get", None, t).unwrap();
    assert_eq!((r.http_status(), r.is_success(), r.code()), (401, false, Some("1003")));
    // GET with a body is refused before sending; a path must start with `/`.
    let e = c.call("GET", "/connect-service/v2.1/devices", Some(b"{}"), t).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert_eq!(c.call("GET", "devices", None, t).unwrap_err().kind(), ErrorKind::InvalidArgument);
    // An expired token: 401 with code 1203.
    sb.advance_clock(DEFAULT_ENOS_TOKEN_TTL_SECS + 1);
    let r = c.call("GET", "/connect-service/v2.1/devices?action=get", None, t).unwrap();
    assert_eq!((r.http_status(), r.code()), (401, Some("1203")));
}

#[test]
fn missing_apim_headers_are_refused() {
    let sb = sandbox();
    let mut response = ureq::get(&format!("{}/connect-service/v2.1/devices", sb.url()))
        .config()
        .http_status_as_error(false)
        .build()
        .call()
        .unwrap();
    assert_eq!(response.status(), 401);
    let err: Value = serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(err["code"], 1202);
}

#[test]
fn transport_failures_are_typed() {
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let c = EnosClient::new(&format!("http://{closed}"), DEFAULT_ENOS_APP_KEY, DEFAULT_ENOS_APP_SECRET).unwrap();
    let e = c.get_token().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connect);
    assert!(e.message().contains("3 attempts"), "connect failures are retried: {}", e.message());
    let url = raw_server(|| b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 9\r\n\r\n<html>no!".to_vec());
    let c = EnosClient::new(url.trim_end_matches("/rest"), DEFAULT_ENOS_APP_KEY, DEFAULT_ENOS_APP_SECRET).unwrap();
    let e = c.get_token().unwrap_err();
    assert_eq!((e.kind(), e.http_status()), (ErrorKind::Http, Some(502)));
    assert!(EnosClient::new("https://apigw.example.com", "", "s").is_err());
    assert_eq!(
        EnosClient::new("http://apigw.example.com", "k", "s").unwrap().get_token().unwrap_err().kind(),
        ErrorKind::InvalidArgument,
        "plain http to a remote host is refused"
    );
}
