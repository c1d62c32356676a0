//! Fault modes at the byte level: what each one puts on the wire, the control endpoint, and
//! that the sandbox keeps serving normally around them.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::*;
use iop_sandbox::{Flavour, Sandbox};

/// A signed `/seller/get` POST (no token: a MissingParameter answer) with extra header lines,
/// asking the server to close the connection after its answer.
fn seller_get_bytes(sb: &Sandbox, extra_headers: &str) -> Vec<u8> {
    let params = signed("/seller/get", &[]);
    let body: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(params.iter()).finish();
    format!(
        "POST /lazada/rest/seller/get HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n{extra_headers}\r\n{body}",
        sb.addr(),
        body.len()
    )
    .into_bytes()
}

/// Sends `bytes`, then reads until the peer closes, fails or `limit` passes: (bytes, how it ended).
fn exchange(sb: &Sandbox, bytes: &[u8], limit: Duration) -> (Vec<u8>, Result<(), ErrorKind>) {
    let mut s = TcpStream::connect(sb.addr()).unwrap();
    s.set_read_timeout(Some(limit)).unwrap();
    s.write_all(bytes).unwrap();
    let mut out = Vec::new();
    let mut buf = [0u8; 65536];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return (out, Ok(())),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) => return (out, Err(e.kind())),
        }
    }
}

fn split(answer: &[u8]) -> (String, &[u8]) {
    let end = answer.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete head");
    (String::from_utf8_lossy(&answer[..end]).into_owned(), &answer[end + 4..])
}

fn content_length(head: &str) -> usize {
    head.lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
        .and_then(|v| v.parse().ok())
        .expect("Content-Length")
}

#[test]
fn truncated_announces_more_than_it_sends() {
    let sb = sandbox();
    let (answer, end) = exchange(&sb, &seller_get_bytes(&sb, "X-Sandbox-Fault: truncated\r\n"), Duration::from_secs(5));
    assert_eq!(end, Ok(()), "closed cleanly");
    let (head, body) = split(&answer);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}: MissingParameter, an API error");
    let announced = content_length(&head);
    assert_eq!(body.len(), announced / 2, "half of {announced}");
}

#[test]
fn stalls_send_nothing_or_only_the_head_or_half_the_body() {
    let sb = sandbox();
    let wait = Duration::from_millis(300);
    let (answer, end) = exchange(&sb, &seller_get_bytes(&sb, "X-Sandbox-Fault: stall-head;ms=5000\r\n"), wait);
    assert!(answer.is_empty() && matches!(end, Err(ErrorKind::WouldBlock | ErrorKind::TimedOut)));
    let (answer, end) = exchange(&sb, &seller_get_bytes(&sb, "X-Sandbox-Fault: stall-headers;ms=5000\r\n"), wait);
    let (head, body) = split(&answer);
    assert!(head.starts_with("HTTP/1.1 200") && body.is_empty() && end.is_err(), "{head}");
    let (answer, _) = exchange(&sb, &seller_get_bytes(&sb, "X-Sandbox-Fault: stall-body;ms=5000\r\n"), wait);
    let (head, body) = split(&answer);
    assert_eq!(body.len(), content_length(&head) / 2);
    // A stall that runs out closes the connection.
    let start = Instant::now();
    let (answer, end) =
        exchange(&sb, &seller_get_bytes(&sb, "X-Sandbox-Fault: stall-head;ms=200\r\n"), Duration::from_secs(5));
    assert!(answer.is_empty() && end.is_ok() && start.elapsed() >= Duration::from_millis(200));
}

#[test]
fn reset_is_a_tcp_reset() {
    let sb = sandbox();
    let (answer, end) = exchange(&sb, &seller_get_bytes(&sb, "X-Sandbox-Fault: reset\r\n"), Duration::from_secs(5));
    assert!(answer.is_empty());
    assert_eq!(end, Err(ErrorKind::ConnectionReset));
}

#[test]
fn oversized_streams_exactly_the_announced_json() {
    let sb = sandbox();
    let spec = "X-Sandbox-Fault: oversized;bytes=3000000\r\n";
    let (answer, end) = exchange(&sb, &seller_get_bytes(&sb, spec), Duration::from_secs(10));
    assert_eq!(end, Ok(()));
    let (head, body) = split(&answer);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!((content_length(&head), body.len()), (3_000_000, 3_000_000));
    let json: serde_json::Value = serde_json::from_slice(body).expect("valid JSON");
    assert_eq!(json["code"], "0");
}

#[test]
fn drip_sends_the_normal_answer_slowly() {
    let sb = sandbox();
    let (plain, _) = exchange(&sb, &seller_get_bytes(&sb, ""), Duration::from_secs(5));
    let start = Instant::now();
    let (dripped, end) =
        exchange(&sb, &seller_get_bytes(&sb, "X-Sandbox-Fault: drip;ms=2\r\n"), Duration::from_secs(10));
    assert_eq!(end, Ok(()));
    assert!(start.elapsed() >= Duration::from_millis(2) * (dripped.len() as u32 - 1));
    let (plain_head, plain_body) = split(&plain);
    let (head, body) = split(&dripped);
    assert_eq!(content_length(&plain_head), content_length(&head));
    let code = |b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).unwrap()["code"].clone();
    assert_eq!(code(plain_body), code(body));
}

#[test]
fn html_pages_invalid_json_and_throttling() {
    let sb = sandbox();
    let (answer, _) = exchange(&sb, &seller_get_bytes(&sb, "X-Sandbox-Fault: http-503\r\n"), Duration::from_secs(5));
    let (head, body) = split(&answer);
    assert!(head.starts_with("HTTP/1.1 503 Service Unavailable") && head.contains("text/html"), "{head}");
    assert!(String::from_utf8_lossy(body).contains("<h1>503 Service Unavailable</h1>"));
    let (answer, _) =
        exchange(&sb, &seller_get_bytes(&sb, "X-Sandbox-Fault: invalid-json\r\n"), Duration::from_secs(5));
    let (head, body) = split(&answer);
    assert!(head.starts_with("HTTP/1.1 200") && head.contains("application/json"), "{head}");
    assert!(serde_json::from_slice::<serde_json::Value>(body).is_err());
    let (answer, _) =
        exchange(&sb, &seller_get_bytes(&sb, "X-Sandbox-Fault: throttle;seconds=7\r\n"), Duration::from_secs(5));
    let json: serde_json::Value = serde_json::from_slice(split(&answer).1).unwrap();
    assert_eq!(json["code"], "ApiCallLimit");
    assert_eq!(json["message"], "The request has exceeded the limit, ban will last 7 seconds");
    // Calls without a fault, before and after, are unaffected (stats count every request).
    assert_eq!(call(&sb, Flavour::Lazada, "/seller/get", &[]).code(), "MissingParameter");
    assert_eq!(sb.stats().requests, 4);
}

#[test]
fn control_endpoint_arms_lists_and_resets() {
    let sb = sandbox();
    let faults = format!("{}/_sandbox/faults", sb.url());
    let r = post_empty(&format!("{faults}?route=/seller/get&mode=http-502&count=2"));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["armed"][0], serde_json::json!({"route": "/seller/get", "mode": "http-502", "remaining": 2}));
    assert_eq!(call(&sb, Flavour::Tw, "/seller/get", &[]).status, 502);
    assert_eq!(call(&sb, Flavour::AliExpress, "/seller/get", &[]).status, 502);
    assert_eq!(call(&sb, Flavour::Lazada, "/seller/get", &[]).code(), "MissingParameter", "count used up");
    let r = get(&faults);
    assert_eq!(r.json["armed"], serde_json::json!([]));
    assert_eq!(r.json["hits"]["/seller/get"], 3);

    assert_eq!(post_empty(&format!("{faults}?route=*&mode=reset")).status, 200);
    assert_eq!(get(&faults).status, 200, "control endpoints are never faulted");
    assert_eq!(post_empty(&format!("{faults}/reset")).json["armed"], serde_json::json!([]));
    assert_eq!(call(&sb, Flavour::Lazada, "/seller/get", &[]).code(), "MissingParameter");

    for bad in
        ["?route=/x&mode=nope", "?route=&mode=reset", "?route=/x&mode=reset&count=0", "?route=/x&mode=reset&count=x"]
    {
        let r = post_empty(&format!("{faults}{bad}"));
        assert_eq!(r.status, 400, "{bad}: {}", r.text);
        assert!(r.json["error"].is_string());
    }
    assert_eq!(request("DELETE", &format!("{faults}/reset")).status, 405);
    assert_eq!(get(&format!("{faults}/reset")).status, 405);
}

#[test]
fn closed_port_is_refused() {
    let addr = iop_sandbox::closed_port().unwrap();
    assert!(addr.ip().is_loopback());
    assert_eq!(TcpStream::connect(addr).unwrap_err().kind(), ErrorKind::ConnectionRefused);
}
