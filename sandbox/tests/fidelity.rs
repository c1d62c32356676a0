//! What the official SDKs send and expect, byte for byte: the AliExpress Python SDK's GOP call
//! with `session`, the platforms' HTTP statuses for errors, and a TLS client on the plain port.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::*;
use iop_sandbox::{Config, DEFAULT_APP_KEY, DEFAULT_APP_SECRET, Flavour, Sandbox};
use serde_json::Value;

/// The signature as the official Python SDK (`iop/base.py`, `sign`) computes it: the api name
/// when it contains `/`, then every `key + value` in sorted key order, HMAC-SHA256 with the app
/// secret, upper-case hex.
fn python_sdk_sign(secret: &str, api: &str, params: &[(&str, &str)]) -> String {
    let mut sorted = params.to_vec();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let mut text = if api.contains('/') { api.to_owned() } else { String::new() };
    for (k, v) in sorted {
        text.push_str(k);
        text.push_str(v);
    }
    iop::sign::sign(secret.as_bytes(), &text)
}

/// The exact bytes `IopClient(url, key, secret).execute(IopRequest(api, 'POST'), token)` of the
/// official AliExpress Python SDK (`iop-sdk-python-20220609`) sends through `requests` to
/// `url = http://HOST/aliexpress/rest`: a form body in the SDK's dict order (system parameters,
/// `session` for the token, then `sign`), `requests`' default headers.
fn python_sdk_request(sb: &Sandbox, api: &str, token: &str) -> Vec<u8> {
    let timestamp = format!("{}000", now_ms() / 1000);
    let mut params = vec![
        ("app_key", DEFAULT_APP_KEY),
        ("sign_method", "sha256"),
        ("timestamp", timestamp.as_str()),
        ("partner_id", "iop-sdk-python-20220609"),
        ("method", api),
        ("simplify", "false"),
        ("format", "json"),
        ("session", token),
    ];
    let sign = python_sdk_sign(DEFAULT_APP_SECRET, api, &params);
    params.push(("sign", &sign));
    // urlencode with quote_plus: every value here is alphanumeric or `-` but the api path.
    let body: Vec<String> = params.iter().map(|(k, v)| format!("{k}={}", v.replace('/', "%2F"))).collect();
    let body = body.join("&");
    format!(
        "POST /aliexpress/rest HTTP/1.1\r\nHost: {}\r\nUser-Agent: python-requests/2.32.3\r\n\
         Accept-Encoding: gzip, deflate\r\nAccept: */*\r\nConnection: keep-alive\r\nContent-Length: {}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\n\r\n{body}",
        sb.addr(),
        body.len()
    )
    .into_bytes()
}

/// Status and JSON body of a raw answer.
fn parse(answer: &str) -> (u16, Value) {
    let status = answer.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

#[test]
fn official_python_sdk_gop_call_with_session_succeeds() {
    let sb = sandbox();
    let token = create_token(&sb, Flavour::AliExpress)["access_token"].as_str().unwrap().to_owned();
    assert!(token.bytes().all(|b| b.is_ascii_alphanumeric()), "sent unencoded, as quote_plus would");
    let (status, body) = parse(&raw(sb.addr(), &python_sdk_request(&sb, "/seller/get", &token)));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["code"], "0", "{body}");
    assert!(body["data"]["seller_id"].is_number(), "{body}");
    // A wrong token is still checked, and with no token at all the access token is missing.
    let (status, body) = parse(&raw(sb.addr(), &python_sdk_request(&sb, "/seller/get", "nope")));
    assert_eq!((status, body["code"].as_str()), (200, Some("IllegalAccessToken")));
    let log = sb.request_log();
    assert_eq!(log.last().map(|e| (e.app_key.as_str(), e.api.as_str())), Some((DEFAULT_APP_KEY, "/seller/get")));
}

#[test]
fn session_is_accepted_on_gop_calls_and_access_token_wins() {
    let sb = sandbox();
    let token = create_token(&sb, Flavour::Lazada)["access_token"].as_str().unwrap().to_owned();
    let r = call(&sb, Flavour::Lazada, "/seller/get", &[("session", &token)]);
    assert_eq!((r.status, r.code()), (200, "0"), "{}", r.text);
    let r = call(&sb, Flavour::Lazada, "/seller/get", &[("access_token", "bad"), ("session", &token)]);
    assert_eq!(r.code(), "IllegalAccessToken", "access_token is the GOP name: when sent, it is the one checked");
    let r = call(&sb, Flavour::Lazada, "/seller/get", &[("session", "")]);
    assert!(r.text.contains("access_token"), "{}", r.text);
}

#[test]
fn error_statuses_follow_the_platforms_and_the_setting() {
    let sb = sandbox();
    // OAuth errors: HTTP 400 with the JSON body.
    let r = call(&sb, Flavour::Lazada, "/auth/token/create", &[("code", "x")]);
    assert_eq!((r.status, r.code()), (400, "InvalidCode"));
    let r = call(&sb, Flavour::AliExpress, "/auth/token/refresh", &[("refresh_token", "x")]);
    assert_eq!((r.status, r.code()), (400, "IllegalRefreshToken"));
    // Other API errors, GOP and TOP: HTTP 200 with the envelope.
    assert_eq!(call(&sb, Flavour::Tw, "/seller/get", &[("access_token", "x")]).status, 200);
    assert_eq!(top(&sb, "aliexpress.ds.category.get", &[("session", "x")]).status, 200);
    // The setting, at run time over HTTP and through the Rust API.
    let r = post_empty(&format!("{}/_sandbox/settings?api_error_status=400", sb.url()));
    assert_eq!((r.status, &r.json), (200, &serde_json::json!({"api_error_status": 400})));
    assert_eq!(call(&sb, Flavour::Tw, "/seller/get", &[("access_token", "x")]).status, 400);
    sb.set_api_error_status(503).unwrap();
    assert_eq!(top(&sb, "aliexpress.ds.category.get", &[("session", "x")]).status, 503);
    assert_eq!(call(&sb, Flavour::Lazada, "/auth/token/create", &[("code", "x")]).status, 400, "OAuth stays 400");
    for bad in ["302", "100", "x", ""] {
        let r = post_empty(&format!("{}/_sandbox/settings?api_error_status={bad}", sb.url()));
        assert_eq!(r.status, 400, "{bad}");
    }
    assert!(sb.set_api_error_status(201).is_err());
    // And in the configuration.
    let sb = Sandbox::start(Config { api_error_status: 400, ..Config::default() }).unwrap();
    assert_eq!(call(&sb, Flavour::Lazada, "/seller/get", &[]).status, 400);
    // Transport-level errors keep their own statuses.
    assert_eq!(get(&format!("{}/nope", sb.url())).status, 404);
}

#[test]
fn a_tls_client_hello_on_the_plain_port_is_answered_at_once() {
    let sb = sandbox();
    let mut s = TcpStream::connect(sb.addr()).unwrap();
    // Far shorter than the 30 s the sandbox waits for a request head: an answer within it comes
    // from recognising the handshake, not from a timeout.
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    // The start of a TLS 1.2 ClientHello record; a client then waits for the ServerHello.
    s.write_all(&[0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0x5a, 0x11]).unwrap();
    let mut answer = Vec::new();
    let read = s.read_to_end(&mut answer);
    assert!(read.is_ok(), "answered and closed before the read timeout: {read:?}");
    let (status, body) = parse(&String::from_utf8_lossy(&answer));
    assert_eq!(status, 400);
    assert_eq!(body["code"], "InvalidRequest");
    assert!(body["message"].as_str().unwrap().contains("TLS"), "{body}");
    assert_eq!(get(&format!("{}/_sandbox/health", sb.url())).status, 200);
}
