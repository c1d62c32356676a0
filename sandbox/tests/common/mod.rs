//! Test helpers: a raw HTTP client (ureq, no status errors, no redirects) and request signing
//! with `iop::sign`. All traffic goes to the sandbox on 127.0.0.1.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use iop::Protocol;
use iop::sign::{SIGN_METHOD, sign, sign_string};
use iop_sandbox::{Config, DEFAULT_APP_KEY, DEFAULT_APP_SECRET, Flavour, Sandbox};
use serde_json::Value;

/// Real wall clock, epoch ms.
pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64
}

/// An answer: status, content type, Location, body text and body JSON (Null if not JSON).
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub content_type: String,
    pub location: Option<String>,
    pub text: String,
    pub json: Value,
}

impl Resp {
    /// `code` of a flat error or success.
    pub fn code(&self) -> &str {
        self.json["code"].as_str().unwrap_or("")
    }

    /// `error_response.code` of a wrapped error.
    pub fn wrapped_code(&self) -> &str {
        self.json["error_response"]["code"].as_str().unwrap_or("")
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn finish(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Resp {
    let mut r = r.expect("HTTP exchange with the sandbox");
    let header = |name: &str| r.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let content_type = header("content-type").unwrap_or_default();
    let location = header("location");
    let text = r.body_mut().read_to_string().unwrap_or_default();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Resp { status: r.status().as_u16(), content_type, location, text, json }
}

/// POST `params` as a form body.
pub fn post_form(url: &str, params: &BTreeMap<String, String>) -> Resp {
    finish(agent().post(url).send_form(params.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
}

/// GET with `params` in the query.
pub fn get_query(url: &str, params: &BTreeMap<String, String>) -> Resp {
    finish(agent().get(url).query_pairs(params.iter().map(|(k, v)| (k.as_str(), v.as_str()))).call())
}

/// GET a URL as is.
pub fn get(url: &str) -> Resp {
    finish(agent().get(url).call())
}

/// POST a raw body with a content type.
pub fn post_raw(url: &str, content_type: &str, body: Vec<u8>) -> Resp {
    finish(agent().post(url).header("Content-Type", content_type).send(body))
}

/// POST with no body.
pub fn post_empty(url: &str) -> Resp {
    finish(agent().post(url).send_empty())
}

/// Any method, no body.
pub fn request(method: &str, url: &str) -> Resp {
    let rq = ureq::http::Request::builder().method(method).uri(url).body(()).unwrap();
    finish(agent().run(rq))
}

/// Sends raw bytes on a new connection and returns the server's first answer (complete per
/// its Content-Length), or whatever arrived before the server closed the connection.
pub fn raw(addr: SocketAddr, bytes: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let _ = s.write_all(bytes);
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    while let Ok(n) = s.read(&mut buf) {
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
        if response_complete(&out) {
            break;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn response_complete(mut out: &[u8]) -> bool {
    // Skip interim 1xx responses.
    while out.starts_with(b"HTTP/1.1 1") {
        match out.windows(4).position(|w| w == b"\r\n\r\n") {
            Some(end) => out = &out[end + 4..],
            None => return false,
        }
    }
    let Some(end) = out.windows(4).position(|w| w == b"\r\n\r\n") else { return false };
    let head = String::from_utf8_lossy(&out[..end]).to_ascii_lowercase();
    let len = head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse::<usize>().ok());
    len.is_some_and(|len| out.len() >= end + 4 + len)
}

/// The signed parameter map of a call: system parameters, `extra`, then `sign`.
pub fn signed_with(
    app_key: &str,
    secret: &str,
    protocol: Protocol,
    api: &str,
    timestamp: i64,
    extra: &[(&str, &str)],
) -> BTreeMap<String, String> {
    let mut p = BTreeMap::new();
    p.insert("app_key".to_string(), app_key.to_string());
    p.insert("timestamp".to_string(), timestamp.to_string());
    p.insert("sign_method".to_string(), SIGN_METHOD.to_string());
    p.insert("partner_id".to_string(), "iopkit-sandbox-tests".to_string());
    if protocol == Protocol::Top {
        p.insert("method".to_string(), api.to_string());
        p.insert("format".to_string(), "json".to_string());
    }
    for (k, v) in extra {
        p.insert(k.to_string(), v.to_string());
    }
    resign(&mut p, secret, protocol, api);
    p
}

/// (Re)computes `sign` over every other parameter.
pub fn resign(p: &mut BTreeMap<String, String>, secret: &str, protocol: Protocol, api: &str) {
    p.remove("sign");
    let s = sign(secret.as_bytes(), &sign_string(protocol, api, p));
    p.insert("sign".to_string(), s);
}

/// A GOP call of the default app signed now.
pub fn signed(api: &str, extra: &[(&str, &str)]) -> BTreeMap<String, String> {
    signed_with(DEFAULT_APP_KEY, DEFAULT_APP_SECRET, Protocol::Gop, api, now_ms(), extra)
}

/// A running sandbox with the default config.
pub fn sandbox() -> Sandbox {
    Sandbox::start(Config::default()).expect("sandbox starts")
}

/// POSTs a signed GOP call to `<flavour base>/<api>`.
pub fn call(sb: &Sandbox, flavour: Flavour, api: &str, extra: &[(&str, &str)]) -> Resp {
    post_form(&format!("{}{api}", sb.base_url(flavour)), &signed(api, extra))
}

/// POSTs a signed GOP call for `app_key` to `<flavour base>/<api>`.
pub fn call_as(sb: &Sandbox, app_key: &str, secret: &str, flavour: Flavour, api: &str, extra: &[(&str, &str)]) -> Resp {
    let p = signed_with(app_key, secret, Protocol::Gop, api, now_ms(), extra);
    post_form(&format!("{}{api}", sb.base_url(flavour)), &p)
}

/// Exchanges a fresh code of the default app; returns the successful token response.
pub fn create_token(sb: &Sandbox, flavour: Flavour) -> Value {
    let code = sb.issue_code(DEFAULT_APP_KEY).unwrap();
    let r = call(sb, flavour, "/auth/token/create", &[("code", &code)]);
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.code(), "0");
    r.json
}

/// A signed TOP call of the default app to `/aliexpress/sync`.
pub fn top(sb: &Sandbox, method: &str, extra: &[(&str, &str)]) -> Resp {
    let p = signed_with(DEFAULT_APP_KEY, DEFAULT_APP_SECRET, Protocol::Top, method, now_ms(), extra);
    post_form(&sb.sync_url(), &p)
}

/// A number that may arrive as a JSON number or a string.
pub fn num(v: &Value) -> i64 {
    v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok())).unwrap_or_else(|| panic!("not a number: {v}"))
}
