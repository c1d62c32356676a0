//! The secret audit. Every flow (token create and refresh, success and failure; calls with
//! success, platform errors, transport errors and bad bodies; signing; EnOS; the token manager
//! and its stores; the C ABI) runs with
//! distinctive app secrets, codes and tokens. Everything the library produces that nobody asked
//! to contain them is captured: error messages (Display, Debug, platform fields), `Debug` of every
//! public type, every log record of the library and its dependencies (at trace level; see
//! `Capture`), every event of the library's event stream (`iop::events`, at trace level: name,
//! message and fields), panic messages, and the C ABI's last-error fields. The test fails if any captured
//! text contains a secret. Token accessors, `Token::to_json`, the raw token JSON, response bodies
//! and the string to sign are explicitly asked for: they are kept apart, and must contain the
//! values (so the audit is known to have seen them).
//!
//! The sandbox binary's output is audited in sandbox/tests/secret_audit.rs.

mod common;

use std::ffi::{CStr, CString, c_char};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::ptr;
use std::sync::{Arc, Mutex, Once};
use std::thread;
use std::time::Duration;

use iop::enos::EnosClient;
use iop::ffi::client::{iop_client_execute, iop_client_free, iop_client_new, iop_client_sign};
use iop::ffi::last_error::*;
use iop::ffi::request::{iop_request_add_param, iop_request_free, iop_request_new};
use iop::ffi::response::iop_response_free;
use iop::ffi::status::IopStatus;
use iop::ffi::strings::iop_string_free;
use iop::ffi::token::{iop_token_create, iop_token_free, iop_token_refresh};
use iop::manager::{FileStore, ManagerConfig, MemoryStore, TokenManager, TokenStore};
use iop::{Client, ClientConfig, Error, HttpMethod, Request, Response, Token};
use iop_sandbox::{AppConfig, Config, Flavour, Preset, Sandbox};

const APP_KEY: &str = "700700";
const APP_SECRET: &str = "AUDIT-SECRET-7f3a9c0d1e";
const FIXED_APP_KEY: &str = "700701";
const FIXED_APP_SECRET: &str = "AUDIT-SECRET-fixed-5b2e8a";
const WRONG_SECRET: &str = "AUDIT-SECRET-wrong-91c4d7";
const CODES: [&str; 4] =
    ["AUDIT-CODE-1-c0ffee0a1", "AUDIT-CODE-2-c0ffee0b2", "AUDIT-CODE-3-c0ffee0c3", "AUDIT-CODE-4-c0ffee0d4"];
const UNKNOWN_CODE: &str = "AUDIT-CODE-unknown-deadbeef";
const PRESET_REFRESH: &str = "AUDIT-TOKEN-refresh-preset-1a2b3c4d";
const FIXED_REFRESH: &str = "AUDIT-TOKEN-refresh-fixed-5e6f7a8b";
const FAKE_ACCESS: &str = "AUDIT-TOKEN-access-fake-0f1e2d3c";
const SHORT_TOKEN: &str = "AUDIT-TOKEN-s9";
const ENOS_KEY: &str = "audit-enos-app";
const ENOS_SECRET: &str = "AUDIT-SECRET-enos-3c9d1f";
const ENOS_PRESET: &str = "AUDIT-TOKEN-enos-preset-6d5e4f";
const ENOS_UNKNOWN: &str = "AUDIT-TOKEN-enos-unknown-77aa";

// ------------------------------------------------------------------------------------------------
// What is captured

/// Texts captured from the library, and texts explicitly asked for.
#[derive(Default)]
struct Audit {
    secrets: Vec<String>,
    captured: Vec<(String, String)>,
    asked: Vec<String>,
}

impl Audit {
    fn secret(&mut self, value: &str) {
        assert!(value.len() >= 8, "too short to search for: {value}");
        if !self.secrets.iter().any(|s| s == value) {
            self.secrets.push(value.to_owned());
        }
    }

    /// A text nobody asked to contain a secret.
    fn text(&mut self, label: &str, text: impl Into<String>) {
        self.captured.push((label.to_owned(), text.into()));
    }

    /// A text explicitly asked for (an accessor, a body, the string to sign).
    fn asked(&mut self, text: impl Into<String>) {
        self.asked.push(text.into());
    }

    fn debug(&mut self, label: &str, value: &impl std::fmt::Debug) {
        self.text(&format!("{label} {{:?}}"), format!("{value:?}"));
        self.text(&format!("{label} {{:#?}}"), format!("{value:#?}"));
    }

    fn error(&mut self, label: &str, e: &Error) {
        self.text(&format!("{label} Display"), e.to_string());
        self.debug(label, e);
        if let Some(p) = e.platform_error() {
            for field in [&p.message, &p.sub_message, &p.sub_code, &p.error_type] {
                self.text(&format!("{label} platform field"), field.clone().unwrap_or_default());
            }
        }
    }

    fn response(&mut self, label: &str, r: &Response) {
        self.debug(label, r);
        for field in [r.code(), r.message(), r.sub_code(), r.sub_message(), r.error_type(), r.request_id()] {
            self.text(&format!("{label} field"), field.unwrap_or_default());
        }
        if let Some(e) = r.error() {
            self.error(&format!("{label} error()"), &e);
        }
        self.asked(r.body());
    }

    fn token(&mut self, label: &str, t: &Token) {
        self.debug(label, t);
        self.secret(t.access_token.expose());
        if !t.refresh_token.is_empty() {
            self.secret(t.refresh_token.expose());
        }
        self.asked(format!(
            "{} {} {} {}",
            t.access_token.expose(),
            t.refresh_token.expose(),
            t.to_json(),
            t.raw.expose()
        ));
    }

    /// Every (label, secret) pair where a captured text contains a secret.
    fn findings(&self) -> Vec<String> {
        let mut found = Vec::new();
        for (label, text) in &self.captured {
            for secret in self.secrets.iter().filter(|s| text.contains(s.as_str())) {
                found.push(format!("{label} contains {secret}: {text}"));
            }
        }
        found
    }
}

/// Captures every log record (any crate, any level) and panic message. ureq and ureq-proto are
/// capped at debug: their trace level is a wire dump (hex rows of the bytes sent and received,
/// full URLs with their query), which shows tokens because they are on the wire; whoever turns
/// it on has asked for exactly that.
struct Capture;

static RECORDS: Mutex<Vec<String>> = Mutex::new(Vec::new());
/// Every event of the library's event stream, as `name level message fields_json`.
static EVENTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

impl log::Log for Capture {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        !metadata.target().starts_with("ureq") || metadata.level() <= log::Level::Debug
    }

    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            let line = format!("{} {}: {}", record.level(), record.target(), record.args());
            RECORDS.lock().unwrap_or_else(|p| p.into_inner()).push(line);
        }
    }

    fn flush(&self) {}
}

fn start_capture() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        log::set_logger(&Capture).expect("no other logger in this test binary");
        log::set_max_level(log::LevelFilter::Trace);
        iop::events::set_sink(
            Some(Box::new(|e: &iop::events::Event| {
                let line = format!("{} {:?} {} {}", e.name, e.level, e.message, e.fields_json());
                EVENTS.lock().unwrap_or_else(|p| p.into_inner()).push(line);
            })),
            iop::events::Level::Trace,
        );
        let default_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            RECORDS.lock().unwrap_or_else(|p| p.into_inner()).push(format!("PANIC {info}"));
            default_hook(info);
        }));
    });
}

fn captured_records() -> Vec<String> {
    RECORDS.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

// ------------------------------------------------------------------------------------------------
// Servers

/// Every request the servers below received.
static ECHOED: Mutex<String> = Mutex::new(String::new());

/// A loopback server that answers each request with `reply(request bytes)`.
fn echo_server(reply: impl Fn(&str) -> Vec<u8> + Send + Sync + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/rest", listener.local_addr().unwrap());
    let reply = Arc::new(reply);
    thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let reply = reply.clone();
            thread::spawn(move || {
                let request = read_request(&mut stream);
                ECHOED.lock().unwrap_or_else(|p| p.into_inner()).push_str(&request);
                let _ = stream.write_all(&reply(&request));
            });
        }
    });
    url
}

fn read_request(stream: &mut TcpStream) -> String {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok();
    let (mut seen, mut buf) = (Vec::new(), [0u8; 8192]);
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        seen.extend_from_slice(&buf[..n]);
        let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(&seen[..end]).to_ascii_lowercase();
        let length = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(0);
        if seen.len() >= end + 4 + length {
            break;
        }
    }
    String::from_utf8_lossy(&seen).into_owned()
}

fn json_escape(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

fn sandbox() -> Sandbox {
    let preset = |app: &str, value: &str| Preset { app_key: app.to_owned(), value: value.to_owned() };
    let config = Config {
        apps: vec![
            AppConfig::new(APP_KEY, APP_SECRET),
            AppConfig { can_refresh: false, ..AppConfig::new(FIXED_APP_KEY, FIXED_APP_SECRET) },
        ],
        preset_codes: CODES.iter().map(|c| preset(APP_KEY, c)).collect(),
        preset_refresh_tokens: vec![preset(APP_KEY, PRESET_REFRESH), preset(FIXED_APP_KEY, FIXED_REFRESH)],
        enos_apps: vec![iop_sandbox::EnosAppConfig {
            app_key: ENOS_KEY.to_owned(),
            app_secret: ENOS_SECRET.to_owned(),
            token_ttl_secs: 7200,
        }],
        preset_enos_tokens: vec![preset(ENOS_KEY, ENOS_PRESET)],
        ..Config::default()
    };
    Sandbox::start(config).unwrap()
}

fn quick() -> ClientConfig {
    ClientConfig {
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_millis(400),
        ..ClientConfig::default()
    }
}

// ------------------------------------------------------------------------------------------------
// Flows

fn token_flows(a: &mut Audit, sb: &Sandbox) {
    for (i, flavour) in Flavour::ALL.into_iter().enumerate() {
        let client = Client::new(&sb.base_url(flavour), APP_KEY, APP_SECRET).unwrap();
        a.debug("Client", &client);
        let token = client.create_token(CODES[i]).unwrap();
        a.token("created Token", &token);
        // The code is spent now.
        a.error("create with a spent code", &client.create_token(CODES[i]).unwrap_err());
        let refreshed = client.refresh_token(token.refresh_token.expose()).unwrap();
        a.token("refreshed Token", &refreshed);
        // The old refresh token is dead.
        a.error("refresh with a dead token", &client.refresh_token(token.refresh_token.expose()).unwrap_err());
        let mut call = Request::new("/seller/get").unwrap();
        for method in [HttpMethod::Post, HttpMethod::Get] {
            call.set_http_method(method);
            let r = client.execute(&call, Some(refreshed.access_token.expose()), None).unwrap();
            assert!(r.is_success(), "{r:?}");
            a.response("seller/get", &r);
            let r = client.execute(&call, Some(token.access_token.expose()), None).unwrap();
            a.response("seller/get with a superseded token", &r);
        }
    }
    let client = Client::new(&sb.base_url(Flavour::Lazada), APP_KEY, APP_SECRET).unwrap();
    a.error("create with an unknown code", &client.create_token(UNKNOWN_CODE).unwrap_err());
    let preset = client.refresh_token(PRESET_REFRESH).unwrap();
    a.token("Token from a preset refresh token", &preset);
    a.error("refresh with a spent preset", &client.refresh_token(PRESET_REFRESH).unwrap_err());

    // TOP, with the token as `session`.
    let top = Client::new(&sb.sync_url(), APP_KEY, APP_SECRET).unwrap();
    let mut category = Request::new("aliexpress.ds.category.get").unwrap();
    category.add_param("category_id", "44").unwrap();
    a.response("TOP call", &top.execute(&category, Some(preset.access_token.expose()), None).unwrap());
    a.response("TOP call with a bad session", &top.execute(&category, Some(FAKE_ACCESS), None).unwrap());

    // A wrong secret, and an app that cannot refresh.
    let wrong = Client::new(&sb.base_url(Flavour::Tw), APP_KEY, WRONG_SECRET).unwrap();
    a.error("create with a wrong secret", &wrong.create_token(CODES[3]).unwrap_err());
    let fixed = Client::new(&sb.base_url(Flavour::Lazada), FIXED_APP_KEY, FIXED_APP_SECRET).unwrap();
    a.error("refresh on a non-refreshable app", &fixed.refresh_token(FIXED_REFRESH).unwrap_err());
    a.debug("Client of a non-refreshable app", &fixed);
}

fn enos_flows(a: &mut Audit, sb: &Sandbox) {
    let enos = EnosClient::new(&sb.url(), ENOS_KEY, ENOS_SECRET).unwrap();
    a.debug("EnosClient", &enos);
    let refreshed = enos.refresh_token(ENOS_PRESET).unwrap();
    a.secret(refreshed.access_token.expose());
    a.debug("EnosToken", &refreshed);
    a.asked(format!("{} {}", refreshed.access_token.expose(), refreshed.to_json()));
    let token = enos.get_token().unwrap();
    a.error("EnOS refresh of an unknown token", &enos.refresh_token(ENOS_UNKNOWN).unwrap_err());
    let wrong = EnosClient::new(&sb.url(), ENOS_KEY, WRONG_SECRET).unwrap();
    a.error("EnOS get with a wrong secret", &wrong.get_token().unwrap_err());
    let headers =
        enos.sign("/connect-service/v2.1/devices?action=get", b"", token.access_token.expose(), None).unwrap();
    a.debug("ApimHeaders", &headers);
    let r = enos.call("GET", "/connect-service/v2.1/devices?action=get", None, token.access_token.expose()).unwrap();
    a.response("EnOS call", &r);
    let r = wrong.call("GET", "/connect-service/v2.1/devices?action=get", None, token.access_token.expose()).unwrap();
    a.response("EnOS call signed with a wrong secret", &r);
    let r = enos.call("POST", "/connect-service/v2.1/devices?action=x", Some(ENOS_UNKNOWN.as_bytes()), ENOS_UNKNOWN);
    a.response("EnOS call with an unknown token", &r.unwrap());
}

fn manager_flows(a: &mut Audit, sb: &Sandbox) {
    let client = Arc::new(Client::new(&sb.base_url(Flavour::Lazada), APP_KEY, APP_SECRET).unwrap());
    let always = ManagerConfig { refresh_margin: Duration::from_secs(8 * 86_400), ..ManagerConfig::default() };
    let dir = std::env::temp_dir().join(format!("iop-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let stores: [(&str, Arc<dyn TokenStore>); 2] =
        [("memory", Arc::new(MemoryStore::new())), ("file", Arc::new(FileStore::new(dir.join("t.json")).unwrap()))];
    for (name, store) in stores {
        let m = TokenManager::new(client.clone(), store.clone(), "audit-seller", always.clone()).unwrap();
        a.debug("TokenManager", &m);
        a.error("manager with nothing stored", &m.access_token().unwrap_err());
        let code = sb.issue_code(APP_KEY).unwrap();
        a.secret(&code);
        let grant = m.create_token(&code).unwrap();
        for value in [grant.access_token.expose(), grant.refresh_token.expose()] {
            a.secret(value);
        }
        a.debug(&format!("TokenRecord ({name} store)"), &grant);
        let fresh = m.access_token().unwrap(); // refreshes: the margin is longer than the lifetime
        a.secret(fresh.expose());
        a.debug("Secret from access_token", &fresh);
        let record = store.load("audit-seller").unwrap().unwrap();
        a.secret(record.refresh_token.expose());
        a.debug("stored TokenRecord", &record);
        a.asked(record.to_json());
        // Someone rotates the pair behind the manager's back: the dead grant's reason is printed.
        client.refresh_token(record.refresh_token.expose()).map(|t| a.secret(t.refresh_token.expose())).unwrap();
        let _ = m.access_token();
        let dead = store.load("audit-seller").unwrap().unwrap();
        a.text("reauthorization reason", dead.reauthorization_reason.clone().unwrap_or_default());
        a.debug("dead TokenRecord", &dead);
    }
    let enos = Arc::new(EnosClient::new(&sb.url(), ENOS_KEY, ENOS_SECRET).unwrap());
    let m = TokenManager::new_enos(enos, Arc::new(MemoryStore::new()), "enos", always).unwrap();
    let t = m.access_token().unwrap();
    a.secret(t.expose());
    a.debug("EnOS TokenRecord", &m.record().unwrap());
    let _ = std::fs::remove_dir_all(dir);
}

fn signing_flows(a: &mut Audit) {
    let client = Client::new("https://api.example.invalid/rest", APP_KEY, APP_SECRET).unwrap();
    let mut request = Request::new("/auth/token/create").unwrap();
    request.add_param("code", UNKNOWN_CODE).unwrap();
    request.add_file("image", "x.png", Some("image/png"), FAKE_ACCESS.as_bytes()).unwrap();
    request.add_header("X-Audit", PRESET_REFRESH).unwrap();
    a.debug("Request", &request);
    let signed = client.sign(&request, Some(FAKE_ACCESS), None, 1_700_000_000_000).unwrap();
    a.debug("SignedRequest", &signed);
    a.asked(format!("{} {:?}", signed.sign_string, signed.params));
    let mut config = client.config();
    config.ca_bundle_pem = Some(b"-----BEGIN CERTIFICATE-----".to_vec());
    a.debug("ClientConfig", &config);
    // Argument errors.
    a.error("empty access token", &client.sign(&request, Some(""), None, 1).unwrap_err());
    a.error("bad server URL", &Client::new(&format!("ftp://{APP_SECRET}"), APP_KEY, APP_SECRET).unwrap_err());
    let mut bad = request.clone();
    a.error("reserved key", &bad.add_param("sign", FAKE_ACCESS).unwrap_err());
    a.error("bad API name", &bad.set_api_name(&format!("/x {FAKE_ACCESS}")).unwrap_err());
}

/// Servers that answer badly, several of them repeating the request (code, tokens, signature)
/// back in their answer.
fn transport_flows(a: &mut Audit) {
    let html = |rq: &str| common::http(502, "text/html", &format!("<html><pre>{rq}</pre></html>"));
    let text = |rq: &str| common::http(200, "text/plain", &format!("you sent {rq}"));
    let truncated = |rq: &str| common::http(200, "application/json", &format!("{{\"echo\":{},\"x\":", json_escape(rq)));
    let envelope = |rq: &str| {
        let msg = json_escape(&format!("Invalid request {rq}"));
        let body =
            format!(r#"{{"type":"ISV","code":"InvalidCode","message":{msg},"sub_msg":{msg},"request_id":"0b1"}}"#);
        common::http(400, "application/json", &body)
    };
    let no_expiry = |_: &str| {
        let body = format!(r#"{{"access_token":"{FAKE_ACCESS}","refresh_token":"{PRESET_REFRESH}","code":"0"}}"#);
        common::http(200, "application/json", &body)
    };
    let short = |_: &str| common::http(200, "application/json", &format!(r#"{{"access_token":"{SHORT_TOKEN}""#));
    let servers: Vec<(&str, String)> = vec![
        ("HTML 502 echoing the request", echo_server(html)),
        ("text echoing the request", echo_server(text)),
        ("truncated JSON echoing the request", echo_server(truncated)),
        ("error envelope echoing the request", echo_server(envelope)),
        ("token response without expiry", echo_server(no_expiry)),
        ("truncated token response", echo_server(short)),
        ("stalling server", common::stalling_server()),
        ("closed port", common::closed_port_url()),
    ];
    for (label, url) in &servers {
        let client = Client::with_config(url, APP_KEY, APP_SECRET, quick()).unwrap();
        a.error(&format!("{label}: create"), &client.create_token(UNKNOWN_CODE).unwrap_err());
        a.error(&format!("{label}: refresh"), &client.refresh_token(PRESET_REFRESH).unwrap_err());
        let mut call = Request::new("/seller/get").unwrap();
        call.add_param("session", FAKE_ACCESS).unwrap();
        for method in [HttpMethod::Post, HttpMethod::Get] {
            call.set_http_method(method);
            match client.execute(&call, Some(FAKE_ACCESS), None) {
                Ok(r) => a.response(&format!("{label}: execute"), &r),
                Err(e) => a.error(&format!("{label}: execute"), &e),
            }
        }
    }
    // A body over the size cap, repeating the token.
    let big = echo_server(|_| common::http(200, "application/json", &format!("[\"{FAKE_ACCESS}\"]").repeat(200)));
    let capped = Client::with_config(&big, APP_KEY, APP_SECRET, ClientConfig { max_response_bytes: 1000, ..quick() });
    a.error("over the size cap", &capped.unwrap().create_token(UNKNOWN_CODE).unwrap_err());
}

/// Push messages refused for every reason: the errors (Rust and C) quote neither the secret, nor
/// the Authorization header, nor the body.
fn push_flows(a: &mut Audit) {
    use iop::ffi::push::{iop_push_receiver_free, iop_push_receiver_new, iop_push_receiver_verify};
    use iop::push::{PushReceiver, sign_push};
    const MARK: &str = "AUDIT-PUSH-body-4e5d6c";
    let body = format!(r#"{{"seller_id":"{MARK}","message_type":0,"data":{{"note":"{MARK}"}},"timestamp":1}}"#);
    let wrong = sign_push(APP_KEY, WRONG_SECRET, body.as_bytes());
    let not_push = format!(r#"["{MARK}"]"#);
    let not_push_auth = sign_push(APP_KEY, APP_SECRET, not_push.as_bytes());
    for value in [MARK, wrong.as_str(), not_push_auth.as_str()] {
        a.secret(value);
    }
    let r = PushReceiver::new(APP_KEY, APP_SECRET, 10).unwrap();
    a.debug("PushReceiver", &r);
    a.asked(r.sign(body.as_bytes()));
    a.error("push: wrong signature", &r.verify(Some(&wrong), body.as_bytes()).unwrap_err());
    a.error("push: upper-case wrong signature", &r.verify(Some(&wrong.to_uppercase()), body.as_bytes()).unwrap_err());
    a.error("push: no header", &r.verify(None, body.as_bytes()).unwrap_err());
    a.error("push: malformed header", &r.verify(Some(&format!("{wrong}{MARK}")), body.as_bytes()).unwrap_err());
    a.error("push: not a push body", &r.verify(Some(&not_push_auth), not_push.as_bytes()).unwrap_err());
    let c = |s: &str| CString::new(s).unwrap();
    unsafe {
        let mut receiver = ptr::null_mut();
        let (key, secret) = (c(APP_KEY), c(APP_SECRET));
        assert_eq!(iop_push_receiver_new(key.as_ptr(), secret.as_ptr(), -1, &mut receiver), IopStatus::IOP_OK);
        for (label, auth, b) in [("wrong", &wrong, &body), ("not a push", &not_push_auth, &not_push)] {
            let mut m = ptr::null_mut();
            let auth = c(auth);
            let status = iop_push_receiver_verify(receiver, auth.as_ptr(), b.as_ptr(), b.len(), &mut m);
            assert_eq!(status, IopStatus::IOP_ERR_PUSH_REJECTED);
            last_error(a, &format!("C push {label}"));
        }
        iop_push_receiver_free(receiver);
    }
}

/// Reads the C ABI's thread-local last error into the audit.
fn last_error(a: &mut Audit, label: &str) {
    let text = |p: *const c_char| {
        if p.is_null() { String::new() } else { unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned() }
    };
    a.text(&format!("{label}: last error message"), text(iop_last_error_message()));
    a.text(&format!("{label}: last error code"), text(iop_last_error_code()));
    a.text(&format!("{label}: last error type"), text(iop_last_error_type()));
    a.text(&format!("{label}: last error sub code"), text(iop_last_error_sub_code()));
    a.text(&format!("{label}: last error sub message"), text(iop_last_error_sub_message()));
    a.text(&format!("{label}: last error sub message"), text(iop_last_error_sub_message()));
    a.text(&format!("{label}: last error request id"), text(iop_last_error_request_id()));
}

fn c_abi_flows(a: &mut Audit, sb: &Sandbox) {
    let c = |s: &str| CString::new(s).unwrap();
    let echo = echo_server(|rq| common::http(502, "text/html", &format!("<html>{rq}</html>")));
    let (key, secret) = (c(APP_KEY), c(APP_SECRET));
    unsafe {
        for url in [sb.base_url(Flavour::Lazada), echo] {
            let mut client = ptr::null_mut();
            assert_eq!(
                iop_client_new(c(&url).as_ptr(), key.as_ptr(), secret.as_ptr(), ptr::null(), &mut client),
                IopStatus::IOP_OK
            );
            let mut token = ptr::null_mut();
            assert_ne!(iop_token_create(client, c(UNKNOWN_CODE).as_ptr(), &mut token), IopStatus::IOP_OK);
            last_error(a, "iop_token_create");
            assert_ne!(iop_token_refresh(client, c(FAKE_ACCESS).as_ptr(), &mut token), IopStatus::IOP_OK);
            last_error(a, "iop_token_refresh");
            let mut request = ptr::null_mut();
            assert_eq!(iop_request_new(c("/seller/get").as_ptr(), &mut request), IopStatus::IOP_OK);
            iop_request_add_param(request, c("code").as_ptr(), c(UNKNOWN_CODE).as_ptr());
            let mut response = ptr::null_mut();
            iop_client_execute(client, request, c(FAKE_ACCESS).as_ptr(), 0, &mut response);
            last_error(a, "iop_client_execute");
            iop_response_free(response);
            let (mut sign_string, mut sign) = (ptr::null_mut(), ptr::null_mut());
            let status = iop_client_sign(client, request, c(FAKE_ACCESS).as_ptr(), 0, 1, &mut sign_string, &mut sign);
            assert_eq!(status, IopStatus::IOP_OK);
            a.asked(CStr::from_ptr(sign_string).to_string_lossy());
            iop_string_free(sign_string);
            iop_string_free(sign);
            iop_request_free(request);
            iop_token_free(token);
            iop_client_free(client);
        }
        let mut client = ptr::null_mut();
        let bad_url = c(&format!("ftp://{APP_SECRET}/rest"));
        assert_ne!(
            iop_client_new(bad_url.as_ptr(), key.as_ptr(), secret.as_ptr(), ptr::null(), &mut client),
            IopStatus::IOP_OK
        );
        last_error(a, "iop_client_new");
    }
}

#[test]
fn no_secret_appears_where_it_was_not_asked_for() {
    start_capture();
    let mut a = Audit::default();
    for value in [APP_SECRET, FIXED_APP_SECRET, WRONG_SECRET, UNKNOWN_CODE, PRESET_REFRESH, FIXED_REFRESH, FAKE_ACCESS]
        .into_iter()
        .chain([ENOS_SECRET, ENOS_PRESET, ENOS_UNKNOWN])
        .chain(CODES)
        .chain([SHORT_TOKEN])
    {
        a.secret(value);
    }
    let sb = sandbox();
    token_flows(&mut a, &sb);
    enos_flows(&mut a, &sb);
    manager_flows(&mut a, &sb);
    signing_flows(&mut a);
    transport_flows(&mut a);
    c_abi_flows(&mut a, &sb);
    push_flows(&mut a);
    drop(sb);
    let records = captured_records();
    assert!(!records.is_empty(), "the logger saw nothing: is logging captured?");
    for record in &records {
        a.text("log record", record.clone());
    }
    let events = EVENTS.lock().unwrap_or_else(|p| p.into_inner()).clone();
    for name in ["call.start", "call.end", "call.retry", "token.refresh", "token.create"] {
        assert!(events.iter().any(|e| e.starts_with(&format!("{name} "))), "no {name} event was seen");
    }
    for event in &events {
        a.text("event", event.clone());
    }

    // The values went through the library: the servers that repeat requests back were sent the
    // code, the refresh token and the access token (so their answers carried them), and the
    // explicitly asked texts hold them.
    let echoed = ECHOED.lock().unwrap().clone();
    let asked = a.asked.join("\n");
    for value in [UNKNOWN_CODE, PRESET_REFRESH, FAKE_ACCESS] {
        assert!(echoed.contains(value) && asked.contains(value), "{value} never went through the library");
    }

    let findings = a.findings();
    let bytes: usize = a.captured.iter().map(|(_, t)| t.len()).sum();
    eprintln!(
        "secret audit: {} captured texts ({bytes} bytes, {} log records, {} events) searched for {} secret values: {} found",
        a.captured.len(),
        records.len(),
        events.len(),
        a.secrets.len(),
        findings.len()
    );
    assert!(findings.is_empty(), "secrets found:\n{}", findings.join("\n"));
    assert!(!records.iter().any(|r| r.starts_with("PANIC")), "a panic happened: {records:?}");
}

#[test]
fn the_audit_finds_a_planted_secret() {
    let mut a = Audit::default();
    a.secret(FAKE_ACCESS);
    a.text("clean", "nothing here");
    a.asked(FAKE_ACCESS);
    assert!(a.findings().is_empty());
    a.text("planted", format!("error: token {FAKE_ACCESS} refused"));
    assert_eq!(a.findings().len(), 1);
}

#[test]
fn the_libraries_print_nothing_themselves() {
    // The core and the sandbox library report through return values only: no printing macro
    // anywhere in their sources (the sandbox binary's main.rs prints its banner and usage).
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut offenders = Vec::new();
    let mut stack = vec![root.join("src"), root.join("sandbox/src")];
    let mut files = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("sandbox/src/main.rs") {
                files += 1;
                let text = std::fs::read_to_string(&path).unwrap();
                for (n, line) in text.lines().enumerate() {
                    let code = line.trim_start();
                    if code.starts_with("//") {
                        continue;
                    }
                    for mac in ["println!(", "eprintln!(", "print!(", "eprint!(", "dbg!("] {
                        if code.contains(mac) {
                            offenders.push(format!("{}:{}: {code}", path.display(), n + 1));
                        }
                    }
                }
            }
        }
    }
    assert!(files > 30, "only {files} source files found");
    assert!(offenders.is_empty(), "printing in library code:\n{}", offenders.join("\n"));
}
