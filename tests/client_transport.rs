//! Transport failures become typed errors: refused connections, timeouts, HTML error pages,
//! non-JSON and truncated bodies, oversized bodies. Nothing leaks secrets into messages.

mod common;

use std::time::{Duration, Instant};

use common::*;
use iop::{Client, ClientConfig, ErrorKind, Request};

const SECRET: &str = "transport-test-secret-XYZ";

fn call(base: &str, config: ClientConfig) -> iop::Result<iop::Response> {
    let c = Client::with_config(base, "500123", SECRET, config).unwrap();
    let mut r = Request::new("/auth/token/create").unwrap();
    r.add_param("code", "0_500123_distinctive_code_value").unwrap();
    c.execute(&r, None, None)
}

fn assert_clean(e: &iop::Error) {
    let text = format!("{e} {e:?}");
    assert!(!text.contains(SECRET) && !text.contains("distinctive_code_value"), "{text}");
}

#[test]
fn refused_connection_is_connect_error() {
    let e = call(&closed_port_url(), ClientConfig::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connect, "{e}");
    assert_clean(&e);
}

#[test]
fn read_timeout_holds() {
    let config = ClientConfig { read_timeout: Duration::from_millis(300), ..ClientConfig::default() };
    let start = Instant::now();
    let e = call(&stalling_server(), config).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(start.elapsed() < Duration::from_secs(3), "took {:?}", start.elapsed());
    assert_clean(&e);
}

#[test]
fn html_error_page_is_http_error_with_excerpt() {
    let url = raw_server(|| http(502, "text/html", "<html><body>502 Bad Gateway</body></html>"));
    let e = call(&url, ClientConfig::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Http);
    assert_eq!(e.http_status(), Some(502));
    assert!(e.message().contains("Bad Gateway"), "{e}");
}

#[test]
fn non_json_and_truncated_bodies_are_malformed() {
    let url = raw_server(|| http(200, "text/plain", "hello"));
    let e = call(&url, ClientConfig::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MalformedResponse);
    assert_eq!(e.http_status(), Some(200));

    let url =
        raw_server(|| http(200, "application/json", r#"{"access_token":"50000601c30atpedfgu3LVvik87Ixlsvle3mSoB"#));
    let e = call(&url, ClientConfig::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MalformedResponse);
    assert!(!e.message().contains("50000601c30atpedfgu3"), "token-like text is hidden: {e}");

    // Content-Length promises more than arrives.
    let url = raw_server(|| b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{\"code\":".to_vec());
    let e = call(&url, ClientConfig::default()).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::MalformedResponse | ErrorKind::Network), "{e:?}");
}

#[test]
fn http_400_json_body_is_kept_as_a_response() {
    let body = r#"{"type":"ISV","code":"InvalidCode","message":"Invalid authorization code","request_id":"0b86"}"#;
    let url = raw_server(move || http(400, "application/json", body));
    let r = call(&url, ClientConfig::default()).unwrap();
    assert_eq!(r.http_status(), 400);
    assert_eq!(r.code(), Some("InvalidCode"));
    assert_eq!(r.request_id(), Some("0b86"));
    assert_eq!(r.body(), body);
}

#[test]
fn response_size_is_capped() {
    let big = format!("{{\"code\":\"0\",\"data\":\"{}\"}}", "x".repeat(100_000));
    let url = raw_server(move || http(200, "application/json", &big));
    let config = ClientConfig { max_response_bytes: 10_000, ..ClientConfig::default() };
    let e = call(&url, config).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MalformedResponse);
    assert!(e.message().contains("limit"), "{e}");
    assert!(call(&url, ClientConfig::default()).unwrap().is_success());
}

#[test]
fn bad_settings_are_refused() {
    let c = Client::new("https://api.lazada.sg/rest", "k", "s").unwrap();
    assert_eq!(c.configure(|cfg| cfg.read_timeout = Duration::ZERO).unwrap_err().kind(), ErrorKind::InvalidArgument);
    assert_eq!(c.configure(|cfg| cfg.partner_id.clear()).unwrap_err().kind(), ErrorKind::InvalidArgument);
    let e = c.configure(|cfg| cfg.ca_bundle_pem = Some(b"not pem".to_vec())).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert_eq!(
        c.config().read_timeout,
        iop::config::DEFAULT_READ_TIMEOUT,
        "a refused change leaves settings as they were"
    );
}

#[test]
fn tls_is_verified_and_failures_are_typed() {
    // A plain-HTTP server spoken to over https:// fails the handshake: a TLS error, not a response.
    let url = blurting_server(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n").replace("http://", "https://");
    let e = call(&url, ClientConfig::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
    assert_clean(&e);
}

#[test]
fn file_parts_carry_their_content_type() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/rest", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut seen = Vec::new();
        let mut buf = [0u8; 8192];
        while !String::from_utf8_lossy(&seen).contains("--\r\n") {
            let n = s.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
        }
        s.write_all(&http(200, "application/json", r#"{"code":"0"}"#)).unwrap();
        String::from_utf8_lossy(&seen).into_owned()
    });
    let c = Client::new(&url, "500123", SECRET).unwrap();
    let mut r = Request::new("/image/upload").unwrap();
    r.add_file("image", "logo.png", Some("image/png"), b"PNG").unwrap();
    r.add_file("raw", "blob.bin", None, b"BIN").unwrap();
    assert!(c.execute(&r, None, None).unwrap().is_success());
    let sent = server.join().unwrap();
    assert!(sent.contains("filename=\"logo.png\"\r\nContent-Type: image/png\r\n"), "{sent}");
    assert!(sent.contains("filename=\"blob.bin\"\r\nContent-Type: application/octet-stream\r\n"), "{sent}");
}
