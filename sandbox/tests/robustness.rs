//! The sandbox survives bad input — malformed request lines and headers, ambiguous framing,
//! huge heads, bodies and parameters, clients that hang up midway — with a correct answer to
//! each, and then serves 10,000 requests from 16 concurrent clients, every answer verified.
//! (Bad encodings, oversized and chunked bodies are in http.rs; bursts of new connections in
//! the core's tests/sandbox_burst.rs.)

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use common::*;
use iop::{Client, ClientConfig, HttpMethod, Protocol, Request};
use iop_sandbox::{DEFAULT_APP_KEY, DEFAULT_APP_SECRET, Flavour, MAX_BODY_BYTES, Sandbox};
use serde_json::Value;

/// One parsed answer: status, headers (lower-case names) and JSON body.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    json: Value,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Sends `bytes` on a new connection, reads until the server closes it (or 10 s pass), and
/// parses every answer in what came back (interim 100 answers skipped).
fn exchange(addr: SocketAddr, bytes: &[u8]) -> Vec<Answer> {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let _ = s.write_all(bytes);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    parse_answers(&out)
}

fn parse_answers(mut out: &[u8]) -> Vec<Answer> {
    let mut answers = Vec::new();
    while !out.is_empty() {
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut r = httparse::Response::new(&mut headers);
        let Ok(httparse::Status::Complete(n)) = r.parse(out) else {
            panic!("not an HTTP answer: {:?}", String::from_utf8_lossy(&out[..out.len().min(300)]))
        };
        let status = r.code.unwrap();
        let headers: Vec<(String, String)> = r
            .headers
            .iter()
            .map(|h| (h.name.to_ascii_lowercase(), String::from_utf8_lossy(h.value).into_owned()))
            .collect();
        let len: usize = headers.iter().find(|(k, _)| k == "content-length").map_or(0, |(_, v)| v.parse().unwrap());
        if status != 100 {
            let json = serde_json::from_slice(&out[n..n + len]).expect("answers are JSON");
            answers.push(Answer { status, headers, json });
        }
        out = &out[n + len..];
    }
    answers
}

fn healthy(sb: &Sandbox) -> bool {
    get(&format!("{}/_sandbox/health", sb.url())).json["ok"] == true
}

#[test]
fn malformed_heads_get_a_json_400_and_the_connection_closes() {
    let sb = sandbox();
    let many_headers: String = (0..600).map(|i| format!("X-H{i}: v\r\n")).collect();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("no target", b"GET\r\n\r\n".to_vec()),
        ("unknown version", b"GET / HTTP/9.9\r\n\r\n".to_vec()),
        ("lower-case version", b"GET / http/1.1\r\n\r\n".to_vec()),
        ("space in the target", b"GET /a b HTTP/1.1\r\n\r\n".to_vec()),
        ("header without a colon", b"GET / HTTP/1.1\r\nNoColon\r\n\r\n".to_vec()),
        ("space before the colon", b"GET / HTTP/1.1\r\nHost : x\r\n\r\n".to_vec()),
        ("NUL in a header name", b"GET / HTTP/1.1\r\nX\0Y: 1\r\n\r\n".to_vec()),
        ("folded header", b"GET / HTTP/1.1\r\nX: a\r\n folded\r\n\r\n".to_vec()),
        ("600 headers", format!("GET / HTTP/1.1\r\n{many_headers}\r\n").into_bytes()),
        (
            "two different lengths",
            b"POST /rest/x HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!".to_vec(),
        ),
        ("signed length", b"POST /rest/x HTTP/1.1\r\nContent-Length: +5\r\n\r\nhello".to_vec()),
        ("negative length", b"POST /rest/x HTTP/1.1\r\nContent-Length: -1\r\n\r\n".to_vec()),
        (
            "binary garbage",
            (0u8..=255).cycle().take(4000).collect::<Vec<u8>>().into_iter().chain(*b"\r\n\r\n").collect(),
        ),
    ];
    for (what, bytes) in cases {
        let answers = exchange(sb.addr(), &bytes);
        assert_eq!(answers.len(), 1, "{what}: {answers:?}");
        let a = &answers[0];
        assert_eq!(a.status, 400, "{what}: {a:?}");
        assert_eq!(a.json["code"], "InvalidRequest", "{what}");
        assert_eq!(a.header("connection"), Some("close"), "{what}");
    }
    assert!(healthy(&sb));
}

#[test]
fn heads_too_large_get_431() {
    let sb = sandbox();
    let long_target = format!("GET /rest/seller/get?x={} HTTP/1.1\r\n\r\n", "a".repeat(70 * 1024));
    let long_header = format!("GET / HTTP/1.1\r\nX-Big: {}\r\n\r\n", "b".repeat(70 * 1024));
    let endless_head = "X: y\r\n".repeat(20_000);
    for (what, bytes) in [("target", long_target), ("header", long_header), ("endless head", endless_head)] {
        let answers = exchange(sb.addr(), bytes.as_bytes());
        assert_eq!(answers.len(), 1, "{what}");
        assert_eq!(answers[0].status, 431, "{what}");
        assert_eq!(answers[0].json["code"], "InvalidRequest", "{what}");
    }
    // Just under the limit is a request like any other (here: an unsigned one).
    let near = format!("GET /rest/seller/get?x={} HTTP/1.1\r\nConnection: close\r\n\r\n", "a".repeat(60 * 1024));
    let answers = exchange(sb.addr(), near.as_bytes());
    assert_eq!((answers[0].status, answers[0].json["code"].as_str()), (200, Some("MissingParameter")));
    assert!(healthy(&sb));
}

#[test]
fn pipelined_requests_are_answered_in_order_and_framing_conflicts_close() {
    let sb = sandbox();
    let base = "/_sandbox";
    let pipelined = format!(
        "GET {base}/health HTTP/1.1\r\n\r\nGET {base}/clock HTTP/1.1\r\n\r\nGET /nope HTTP/1.1\r\n\r\n\
         POST {base}/code?client_id={DEFAULT_APP_KEY} HTTP/1.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    let answers = exchange(sb.addr(), pipelined.as_bytes());
    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [200, 200, 404, 200]);
    assert_eq!(answers[0].json["ok"], true);
    assert!(answers[1].json["now_ms"].is_i64());
    assert!(answers[3].json["code"].is_string());
    // Chunked and Content-Length together: the chunked body counts, then the connection closes
    // (the request after it is never read).
    let both = format!(
        "POST {base}/code?client_id={DEFAULT_APP_KEY} HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n\
         3\r\na=b\r\n0\r\n\r\nGET {base}/health HTTP/1.1\r\n\r\n"
    );
    let answers = exchange(sb.addr(), both.as_bytes());
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0].status, 200);
    assert_eq!(answers[0].header("connection"), Some("close"));
    assert!(healthy(&sb));
}

#[test]
fn clients_that_hang_up_midway_leave_it_serving() {
    let sb = sandbox();
    let url = format!("{}/auth/token/create", sb.base_url(Flavour::Lazada));
    for partial in [
        &b"GET /rest/seller"[..],
        b"POST /rest/auth/token/create HTTP/1.1\r\nContent-Le",
        b"POST /rest/auth/token/create HTTP/1.1\r\nContent-Length: 1000\r\n\r\napp_key=1",
        b"POST /rest/auth/token/create HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc",
        b"POST /rest/auth/token/create HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n",
    ] {
        for _ in 0..20 {
            let mut s = TcpStream::connect(sb.addr()).unwrap();
            s.write_all(partial).unwrap();
            drop(s);
        }
    }
    // Connections opened and never used do not block anyone either.
    let idle: Vec<TcpStream> = (0..50).map(|_| TcpStream::connect(sb.addr()).unwrap()).collect();
    let r = call(&sb, Flavour::Lazada, "/auth/token/create", &[("code", &sb.issue_code(DEFAULT_APP_KEY).unwrap())]);
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.json["access_token"].is_string());
    assert_eq!(post_raw(&url, "application/x-www-form-urlencoded", b"x=1".to_vec()).code(), "MissingParameter");
    drop(idle);
    assert!(healthy(&sb));
}

#[test]
fn huge_bodies_and_parameters_get_correct_answers() {
    let sb = sandbox();
    let api = "/seller/get";
    let url = format!("{}{api}", sb.base_url(Flavour::Lazada));
    let token = create_token(&sb, Flavour::Lazada)["access_token"].as_str().unwrap().to_string();

    // A 10 MiB form body: 413, as JSON, and the server is fine.
    let r = post_raw(&url, "application/x-www-form-urlencoded", vec![b'a'; 10 * 1024 * 1024]);
    assert_eq!((r.status, r.code()), (413, "RequestEntityTooLarge"));

    // One signed parameter of 900 KiB: verified and answered.
    let big_value = "v".repeat(900 * 1024);
    let r = call(&sb, Flavour::Lazada, api, &[("access_token", &token), ("note", &big_value)]);
    assert_eq!(r.status, 200, "{}", &r.text[..r.text.len().min(300)]);
    assert!(r.json["data"]["seller_id"].is_string() || r.json["data"]["seller_id"].is_number());
    // The same with one byte changed after signing: refused.
    let mut p = signed(api, &[("access_token", &token), ("note", &big_value)]);
    p.get_mut("note").unwrap().replace_range(0..1, "w");
    let r = post_form(&url, &p);
    assert_eq!((r.status, r.code()), (200, "IncompleteSignature"));

    // 50,000 signed parameters in one body (just under the 1 MiB limit): verified and answered.
    let names: Vec<String> = (0..50_000).map(|i| format!("p{i:05}")).collect();
    let mut extra: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "1")).collect();
    extra.push(("access_token", &token));
    let p = signed(api, &extra);
    let body_len: usize = p.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
    assert!(body_len < MAX_BODY_BYTES, "{body_len}");
    let r = post_form(&url, &p);
    assert_eq!(r.status, 200, "{}", &r.text[..r.text.len().min(300)]);

    // Huge values that are not signed right: a clear error, not a crash.
    let r =
        post_raw(&url, "application/x-www-form-urlencoded", format!("app_key={}", "9".repeat(1_000_000)).into_bytes());
    assert_eq!((r.status, r.code()), (200, "InvalidAppKey"));
    let r = post_raw(
        &url,
        "application/x-www-form-urlencoded",
        format!("app_key={DEFAULT_APP_KEY}&timestamp={}", "9".repeat(500_000)).into_bytes(),
    );
    assert_eq!((r.status, r.code()), (200, "MissingParameter"), "{}", &r.text[..r.text.len().min(300)]);
    // Invalid UTF-8 and NULs in a header value.
    let answers = exchange(
        sb.addr(),
        b"GET /_sandbox/health HTTP/1.1\r\nX-Bin: \xff\xfe\x01\r\nContent-Type: \xc3\x28\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(answers.len(), 1);
    assert!(answers[0].status == 200 || answers[0].status == 400, "{:?}", answers[0]);
    assert!(healthy(&sb));
}

/// What one of the 16 clients checks about each answer.
fn check_seller(r: &iop::Response, seller_id: &str) {
    assert!(r.is_success(), "{r:?}");
    assert_eq!(r.http_status(), 200);
    let got = &r.json()["data"]["seller_id"];
    assert_eq!(
        got.as_str().map(str::to_owned).unwrap_or_else(|| got.to_string()),
        seller_id,
        "answer for another seller"
    );
}

#[test]
fn ten_thousand_requests_from_sixteen_clients() {
    const CLIENTS: usize = 16;
    const REQUESTS_PER_CLIENT: usize = 625; // 16 × 625 = 10,000
    let sb = Arc::new(sandbox());
    let base = sb.base_url(Flavour::Lazada);
    let sync = sb.sync_url();
    let config = ClientConfig { read_timeout: Duration::from_secs(20), ..ClientConfig::default() };
    let before = sb.stats().requests;
    // Each client authorizes its own seller (1 request), then makes 624 calls.
    let codes: Vec<String> = (0..CLIENTS).map(|_| sb.issue_code(DEFAULT_APP_KEY).unwrap()).collect();
    let threads: Vec<_> = codes
        .into_iter()
        .enumerate()
        .map(|(n, code)| {
            let (base, sync, config) = (base.clone(), sync.clone(), config.clone());
            thread::spawn(move || {
                let client = Client::with_config(&base, DEFAULT_APP_KEY, DEFAULT_APP_SECRET, config.clone()).unwrap();
                let top = Client::with_config(&sync, DEFAULT_APP_KEY, DEFAULT_APP_SECRET, config.clone()).unwrap();
                let forger = Client::with_config(&base, DEFAULT_APP_KEY, "not-the-secret", config).unwrap();
                let token = client.create_token(&code).unwrap();
                let seller = token.seller_id.clone().expect("Lazada tokens name their seller");
                let access = token.access_token.expose();
                let mut seller_get = Request::new("/seller/get").unwrap();
                let mut category = Request::new("aliexpress.ds.category.get").unwrap();
                let mut counts = [0usize; 4];
                for i in 1..REQUESTS_PER_CLIENT {
                    match i % 8 {
                        0..=4 => {
                            let method = if (i + n) % 2 == 0 { HttpMethod::Get } else { HttpMethod::Post };
                            seller_get.set_http_method(method);
                            check_seller(&client.execute(&seller_get, Some(access), None).unwrap(), &seller);
                            counts[0] += 1;
                        }
                        5 => {
                            let (id, expected) = [("44", 2), ("3", 2), ("509", 2), ("2", 1), ("7", 0)][i % 5];
                            category.add_param("category_id", id).unwrap();
                            let r = top.execute(&category, Some(access), Some(Protocol::Top)).unwrap();
                            assert!(r.is_success(), "{r:?}");
                            let list =
                                &r.json()["aliexpress_ds_category_get_response"]["resp_result"]["result"]["categories"];
                            assert_eq!(list.as_array().map(Vec::len), Some(expected), "{id}: {list}");
                            counts[1] += 1;
                        }
                        6 => {
                            let r = forger.execute(&seller_get, Some(access), None).unwrap();
                            assert_eq!((r.http_status(), r.code()), (200, Some("IncompleteSignature")));
                            counts[2] += 1;
                        }
                        _ => {
                            let r = client.execute(&seller_get, Some("not-a-token"), None).unwrap();
                            assert_eq!(r.http_status(), 200);
                            assert_eq!(r.code(), Some("IllegalAccessToken"), "{r:?}");
                            counts[3] += 1;
                        }
                    }
                }
                counts
            })
        })
        .collect();
    let mut totals = [0usize; 4];
    for t in threads {
        let counts = t.join().expect("a client thread failed");
        for (total, c) in totals.iter_mut().zip(counts) {
            *total += c;
        }
    }
    let served = sb.stats().requests - before;
    eprintln!(
        "{served} requests from {CLIENTS} clients: {CLIENTS} token creations, {} seller calls, {} TOP calls, \
         {} forged signatures, {} bad tokens",
        totals[0], totals[1], totals[2], totals[3]
    );
    assert_eq!(CLIENTS + totals.iter().sum::<usize>(), CLIENTS * REQUESTS_PER_CLIENT);
    assert_eq!(served, (CLIENTS * REQUESTS_PER_CLIENT) as u64);
    assert_eq!(sb.stats().tokens_created, CLIENTS as u64);
    assert!(healthy(&sb));
}
