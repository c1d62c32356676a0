//! The client against a faulty gateway: every sandbox fault mode gives a typed error (or the
//! right answer), stalls never hold a call much past its timeout, the response cap holds, only
//! connect failures are retried, and throttling errors carry `retry_after`.
//!
//! Timing bounds here are correctness bounds (a stalled call must not hang), not benchmarks:
//! with a 300 ms read timeout a stalled call must end within 3 × 300 ms.

mod common;

use std::net::{SocketAddr, TcpListener};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use common::*;
use iop::{Client, ClientConfig, ErrorKind, Request};

/// The read timeout of the stall tests.
const TIMEOUT: Duration = Duration::from_millis(300);

fn config(read_timeout: Duration) -> ClientConfig {
    ClientConfig { read_timeout, connect_timeout: Duration::from_secs(2), ..ClientConfig::default() }
}

fn client_with(sb: &Sandbox, config: ClientConfig) -> Client {
    Client::with_config(&sb.base_url(Flavour::Lazada), APP_KEY, APP_SECRET, config).unwrap()
}

/// `/seller/get` (without a token: a MissingParameter answer when nothing goes wrong), with the
/// fault header when `fault` is given.
fn seller_get(fault: Option<&str>) -> Request {
    let mut r = Request::new("/seller/get").unwrap();
    if let Some(spec) = fault {
        r.add_header("X-Sandbox-Fault", spec).unwrap();
    }
    r
}

/// Runs `/seller/get` under `fault` with `config`; returns the result and how long it took.
fn faulted(sb: &Sandbox, fault: &str, config: ClientConfig) -> (iop::Result<iop::Response>, Duration) {
    let c = client_with(sb, config);
    let start = Instant::now();
    let result = c.execute(&seller_get(Some(fault)), None, None);
    (result, start.elapsed())
}

fn assert_stall_bounded(fault: &str, expected: ErrorKind) {
    let sb = sandbox();
    let (result, elapsed) = faulted(&sb, fault, config(TIMEOUT));
    let e = result.unwrap_err();
    assert_eq!(e.kind(), expected, "{fault}: {e}");
    assert!(elapsed >= TIMEOUT - Duration::from_millis(50), "{fault}: ended early, {elapsed:?}");
    assert!(elapsed < TIMEOUT * 3, "{fault}: took {elapsed:?} with a {TIMEOUT:?} timeout");
    assert_eq!(sb.route_hits("/seller/get"), 1, "{fault}: sent once");
}

#[test]
fn no_fault_no_change() {
    let sb = sandbox();
    let r = client(&sb, Flavour::Lazada).execute(&seller_get(None), None, None).unwrap();
    assert_eq!((r.http_status(), r.code()), (200, Some("MissingParameter")));
    assert_eq!(r.retry_after(), None);
    assert_eq!(sb.route_hits("/seller/get"), 1);
}

#[test]
fn latency_under_the_timeout_only_delays() {
    let sb = sandbox();
    let (result, elapsed) = faulted(&sb, "latency;ms=200", config(Duration::from_secs(5)));
    assert_eq!(result.unwrap().code(), Some("MissingParameter"));
    assert!(elapsed >= Duration::from_millis(200), "{elapsed:?}");
}

#[test]
fn latency_over_the_timeout_is_a_timeout() {
    assert_stall_bounded("latency;ms=5000", ErrorKind::Timeout);
}

#[test]
fn stall_before_any_byte_is_a_timeout() {
    assert_stall_bounded("stall-head;ms=10000", ErrorKind::Timeout);
}

#[test]
fn stall_after_the_headers_is_a_timeout() {
    assert_stall_bounded("stall-headers;ms=10000", ErrorKind::Timeout);
}

#[test]
fn stall_mid_body_is_a_timeout() {
    assert_stall_bounded("stall-body;ms=10000", ErrorKind::Timeout);
}

#[test]
fn slow_drip_is_a_timeout() {
    // ~250 bytes at 50 ms each would take 12 s: the read timeout ends it.
    assert_stall_bounded("drip;ms=50", ErrorKind::Timeout);
}

#[test]
fn a_quick_drip_arrives_whole() {
    let sb = sandbox();
    let (result, _) = faulted(&sb, "drip;ms=1", config(Duration::from_secs(10)));
    let r = result.unwrap();
    assert_eq!((r.http_status(), r.code()), (200, Some("MissingParameter")));
}

#[test]
fn html_error_pages_are_http_errors() {
    let sb = sandbox();
    for status in [500u16, 502, 503] {
        let (result, _) = faulted(&sb, &format!("http-{status}"), ClientConfig::default());
        let e = result.unwrap_err();
        assert_eq!((e.kind(), e.http_status()), (ErrorKind::Http, Some(status)), "{e}");
        assert!(e.message().contains(&format!("HTTP {status}")) && e.message().contains("<html>"), "{e}");
    }
    assert_eq!(sb.route_hits("/seller/get"), 3);
}

#[test]
fn truncated_body_is_malformed() {
    let sb = sandbox();
    let (result, _) = faulted(&sb, "truncated", ClientConfig::default());
    let e = result.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MalformedResponse, "{e}");
    assert!(e.message().contains("truncated"), "{e}");
}

#[test]
fn invalid_json_is_malformed() {
    let sb = sandbox();
    let (result, _) = faulted(&sb, "invalid-json", ClientConfig::default());
    let e = result.unwrap_err();
    assert_eq!((e.kind(), e.http_status()), (ErrorKind::MalformedResponse, Some(200)), "{e}");
    assert!(e.message().contains("not JSON"), "{e}");
}

#[test]
fn reset_is_a_network_error() {
    let sb = sandbox();
    let (result, _) = faulted(&sb, "reset", ClientConfig::default());
    let e = result.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network, "{e}");
    assert_eq!(sb.route_hits("/seller/get"), 1, "not retried");
}

#[test]
fn default_response_cap_is_8_mib() {
    let sb = sandbox();
    let cap = iop::config::DEFAULT_MAX_RESPONSE_BYTES as u64;
    assert_eq!(cap, 8 * 1024 * 1024);
    let (result, _) = faulted(&sb, &format!("oversized;bytes={cap}"), ClientConfig::default());
    let r = result.expect("a body of exactly the cap is accepted");
    assert_eq!(r.body().len() as u64, cap);
    // The default oversized body is 9 MiB.
    let (result, _) = faulted(&sb, "oversized", ClientConfig::default());
    let e = result.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MalformedResponse, "{e}");
    assert!(e.message().contains(&format!("{cap}-byte limit")), "{e}");
    let (result, _) = faulted(&sb, &format!("oversized;bytes={}", cap + 1), ClientConfig::default());
    assert_eq!(result.unwrap_err().kind(), ErrorKind::MalformedResponse);
}

#[test]
fn configured_response_cap_holds() {
    let sb = sandbox();
    let small = ClientConfig { max_response_bytes: 50_000, ..ClientConfig::default() };
    let (result, _) = faulted(&sb, "oversized;bytes=50001", small.clone());
    let e = result.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MalformedResponse);
    assert!(e.message().contains("50000-byte limit"), "{e}");
    let (result, _) = faulted(&sb, "oversized;bytes=50000", small);
    assert!(result.unwrap().is_success());
}

#[test]
fn a_bad_fault_spec_is_refused_by_the_sandbox() {
    let sb = sandbox();
    let (result, _) = faulted(&sb, "explode", ClientConfig::default());
    let r = result.unwrap();
    assert_eq!((r.http_status(), r.code()), (400, Some("InvalidRequest")));
    assert!(r.message().unwrap().contains("unknown fault mode `explode`"), "{:?}", r.message());
    assert!(sb.arm_fault("/seller/get", "explode", None).is_err());
    assert!(sb.arm_fault("/seller/get", "reset", Some(0)).is_err());
}

#[test]
fn armed_faults_apply_per_route_and_count_down() {
    let sb = sandbox();
    sb.arm_fault("/seller/get", "http-503", Some(2)).unwrap();
    sb.arm_fault("aliexpress.ds.category.get", "invalid-json", None).unwrap();
    let c = client(&sb, Flavour::Lazada);
    let kinds: Vec<_> = (0..3).map(|_| c.execute(&seller_get(None), None, None).map_err(|e| e.kind())).collect();
    assert_eq!(kinds[0].as_ref().unwrap_err(), &ErrorKind::Http);
    assert_eq!(kinds[1].as_ref().unwrap_err(), &ErrorKind::Http);
    assert_eq!(kinds[2].as_ref().unwrap().code(), Some("MissingParameter"), "count exhausted");
    // Another route is untouched by the first, and the TOP method's fault applies to TOP calls.
    let r = c.execute(&Request::new("/auth/token/create").unwrap(), None, None).unwrap();
    assert_eq!(r.code(), Some("MissingParameter"));
    let top = iop::Client::new(&sb.url(), APP_KEY, APP_SECRET).unwrap();
    let e = top.execute(&Request::new("aliexpress.ds.category.get").unwrap(), Some("t"), None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MalformedResponse);
    sb.clear_faults();
    let r = top.execute(&Request::new("aliexpress.ds.category.get").unwrap(), Some("t"), None).unwrap();
    assert_eq!(r.code(), Some("IllegalAccessToken"));
    assert_eq!(sb.route_hits("/seller/get"), 3);
    assert_eq!(sb.route_hits("aliexpress.ds.category.get"), 2);
}

// --- Throttling ----------------------------------------------------------------------------

#[test]
fn throttled_calls_carry_retry_after() {
    let sb = sandbox();
    let c = client(&sb, Flavour::Lazada);
    let r = c.execute(&seller_get(Some("throttle;seconds=3")), None, None).unwrap();
    assert!(!r.is_success());
    assert_eq!((r.code(), r.error_type()), (Some("ApiCallLimit"), Some("ISP")));
    assert_eq!(r.retry_after(), Some(Duration::from_secs(3)));
    assert_eq!(r.error().unwrap().retry_after(), Some(Duration::from_secs(3)));
    assert_eq!(sb.route_hits("/seller/get"), 1, "throttling is never retried by the library");

    // TOP: the wrapped envelope and AppCallLimit's wording.
    let top = iop::Client::new(&sb.url(), APP_KEY, APP_SECRET).unwrap();
    let mut req = Request::new("aliexpress.ds.category.get").unwrap();
    req.add_header("X-Sandbox-Fault", "throttle;seconds=20;code=AppCallLimit").unwrap();
    let r = top.execute(&req, Some("t"), None).unwrap();
    assert_eq!(r.code(), Some("AppCallLimit"));
    assert_eq!(r.message(), Some("This ban will last 20 more seconds"));
    assert_eq!(r.retry_after(), Some(Duration::from_secs(20)));
}

#[test]
fn throttled_token_calls_fail_with_retry_after() {
    let sb = sandbox();
    let code = sb.issue_code(APP_KEY).unwrap();
    sb.arm_fault("/auth/token/create", "throttle;seconds=2", Some(1)).unwrap();
    let c = client(&sb, Flavour::Lazada);
    let e = c.create_token(&code).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Platform);
    assert_eq!(e.platform_error().unwrap().code, "ApiCallLimit");
    assert_eq!(e.retry_after(), Some(Duration::from_secs(2)));
    assert_eq!(sb.route_hits("/auth/token/create"), 1);
    // The code was not consumed: the caller may try again after the ban.
    assert!(c.create_token(&code).is_ok());
    // Other errors have none.
    assert_eq!(c.create_token(&code).unwrap_err().retry_after(), None);
}

// --- Retries -------------------------------------------------------------------------------

#[test]
fn a_token_create_that_may_have_arrived_is_never_resent() {
    let sb = sandbox();
    let c = client_with(&sb, config(TIMEOUT));
    for (fault, kind) in [
        ("reset", ErrorKind::Network),
        ("stall-head;ms=10000", ErrorKind::Timeout),
        ("stall-body;ms=10000", ErrorKind::Timeout),
        ("truncated", ErrorKind::MalformedResponse),
        ("http-502", ErrorKind::Http),
    ] {
        let code = sb.issue_code(APP_KEY).unwrap();
        let before = sb.route_hits("/auth/token/create");
        sb.arm_fault("/auth/token/create", fault, Some(1)).unwrap();
        let e = c.create_token(&code).unwrap_err();
        assert_eq!(e.kind(), kind, "{fault}: {e}");
        assert!(!e.message().contains(&code), "{fault}: the code stays out of messages");
        assert_eq!(sb.route_hits("/auth/token/create") - before, 1, "{fault}: the code was sent exactly once");
        // Where the call took effect, a second send would have been refused: the code is spent.
        if fault != "http-502" {
            let again = c.create_token(&code).unwrap_err();
            assert_eq!(again.platform_error().map(|p| p.code.as_str()), Some("InvalidCode"), "{fault}");
        }
    }
}

#[test]
fn a_refresh_that_may_have_arrived_is_never_resent() {
    let sb = sandbox();
    let c = client_with(&sb, config(TIMEOUT));
    let token = c.create_token(&sb.issue_code(APP_KEY).unwrap()).unwrap();
    for fault in ["reset", "stall-headers;ms=10000"] {
        let token = c.create_token(&sb.issue_code(APP_KEY).unwrap()).unwrap();
        sb.arm_fault("/auth/token/refresh", fault, Some(1)).unwrap();
        let before = sb.route_hits("/auth/token/refresh");
        assert!(c.refresh_token(token.refresh_token.expose()).is_err(), "{fault}");
        assert_eq!(sb.route_hits("/auth/token/refresh") - before, 1, "{fault}: sent exactly once");
        // The refresh took effect on the server: the old refresh token is dead.
        let e = c.refresh_token(token.refresh_token.expose()).unwrap_err();
        assert_eq!(e.platform_error().unwrap().code, "IllegalRefreshToken", "{fault}");
    }
    assert!(c.refresh_token(token.refresh_token.expose()).is_ok(), "an untouched grant still refreshes");
    assert_eq!(sb.stats().refreshes, 3);
}

fn retrying(max_connect_retries: u32) -> ClientConfig {
    ClientConfig { max_connect_retries, ..config(Duration::from_secs(5)) }
}

#[test]
fn refused_connections_are_retried_with_backoff() {
    let url = format!("http://{}/rest", iop_sandbox::closed_port().unwrap());
    let attempt = |retries: u32| {
        let c = Client::with_config(&url, APP_KEY, APP_SECRET, retrying(retries)).unwrap();
        let start = Instant::now();
        let e = c.create_token("some-code").unwrap_err();
        (e, start.elapsed())
    };
    let (e, elapsed) = attempt(3);
    assert_eq!(e.kind(), ErrorKind::Connect, "{e}");
    assert!(e.message().ends_with("(4 attempts)"), "{e}");
    // Waits of at least 50 + 100 + 200 ms (half of 100, 200, 400 ms), at most the full ones.
    assert!(elapsed >= Duration::from_millis(350), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(1500), "capped waits: {elapsed:?}");
    let (e, elapsed) = attempt(0);
    assert_eq!(e.kind(), ErrorKind::Connect);
    assert!(!e.message().contains("attempts"), "{e}");
    assert!(elapsed < Duration::from_millis(200), "no retry, no wait: {elapsed:?}");
    // The default: 2 retries.
    let c = Client::new(&url, APP_KEY, APP_SECRET).unwrap();
    assert!(c.execute(&seller_get(None), None, None).unwrap_err().message().ends_with("(3 attempts)"));
    let e = c.configure(|cfg| cfg.max_connect_retries = 11).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
}

/// Binds `addr` after `delay` and hands the listener over.
fn listen_later(addr: SocketAddr, delay: Duration) -> mpsc::Receiver<(TcpListener, i64)> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        thread::sleep(delay);
        let listener = TcpListener::bind(addr).expect("the released port is free again");
        let _ = tx.send((listener, iop::client::now_ms()));
    });
    rx
}

#[test]
fn a_gateway_that_comes_up_gets_the_call_exactly_once() {
    let addr = iop_sandbox::closed_port().unwrap();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        thread::sleep(Duration::from_millis(150));
        let sb = Sandbox::bind(addr, Config::default().with_doc_samples()).expect("the released port is free again");
        tx.send(sb).unwrap();
    });
    let c = Client::with_config(&format!("http://{addr}/lazada/rest"), APP_KEY, APP_SECRET, retrying(5)).unwrap();
    let start = Instant::now();
    let token = c.create_token(iop_sandbox::DOC_SAMPLE_CODES[0]);
    let elapsed = start.elapsed();
    let sb = rx.recv().unwrap();
    assert!(token.is_ok(), "{:?}", token.err());
    assert!(elapsed >= Duration::from_millis(150), "refused attempts came first: {elapsed:?}");
    assert_eq!(sb.route_hits("/auth/token/create"), 1, "the code was sent exactly once");
    assert_eq!(sb.stats().tokens_created, 1);
}

#[test]
fn each_retry_is_signed_afresh() {
    let addr = iop_sandbox::closed_port().unwrap();
    let start_ms = iop::client::now_ms();
    let rx = listen_later(addr, Duration::from_millis(250));
    let server = thread::spawn(move || {
        let (listener, listening_since_ms) = rx.recv().unwrap();
        let (stream, _) = listener.accept().unwrap();
        (read_request(stream), listening_since_ms)
    });
    let c = Client::with_config(&format!("http://{addr}/rest"), APP_KEY, APP_SECRET, retrying(6)).unwrap();
    let _ = c.execute(&seller_get(None), None, None);
    let (request, listening_since_ms) = server.join().unwrap();
    let timestamp: i64 = form_value(&request, "timestamp").parse().unwrap();
    assert!(
        timestamp >= listening_since_ms - 5 && timestamp > start_ms + 200,
        "signed when sent ({timestamp}), not at the first attempt ({start_ms})"
    );
}

/// Reads one request (head and Content-Length body) and answers it with a platform success.
fn read_request(mut stream: std::net::TcpStream) -> String {
    use std::io::{Read, Write};
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "closed early");
        seen.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&seen).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let len: usize = text[..end]
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            if seen.len() >= end + 4 + len {
                let _ = stream.write_all(&http(200, "application/json", r#"{"code":"0"}"#));
                return text[end + 4..].to_owned();
            }
        }
    }
}

fn form_value(body: &str, key: &str) -> String {
    body.split('&').find_map(|kv| kv.strip_prefix(&format!("{key}="))).unwrap_or_default().to_owned()
}
