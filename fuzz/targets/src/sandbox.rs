//! The sandbox's request reader and handlers: any bytes on a connection get well-formed HTTP/1.1
//! replies with known statuses and JSON bodies, and never a panic.

use serde_json::Value;

/// HTTP words worth splicing in.
pub(crate) const DICTIONARY: &[&str] = &[
    "\r\n",
    "\r\n\r\n",
    "GET ",
    "POST ",
    " HTTP/1.1",
    " HTTP/1.0",
    "Content-Length: ",
    "Content-Length: 18446744073709551616",
    "Transfer-Encoding: chunked",
    "Expect: 100-continue",
    "Connection: close",
    "Connection: keep-alive",
    "Content-Type: application/x-www-form-urlencoded",
    "Content-Type: multipart/form-data; boundary=",
    "--",
    "Content-Disposition: form-data; name=",
    "; filename=",
    "ffffffffffffffff\r\n",
    "0\r\n\r\n",
    "/rest/auth/token/create",
    "/tw/rest/auth/token/refresh",
    "/aliexpress/sync",
    "/oauth/authorize?response_type=code&client_id=100001&redirect_uri=",
    "/_sandbox/clock/advance?seconds=",
    "/_sandbox/code?client_id=100001",
    "app_key=100001",
    "&sign_method=sha256",
    "&timestamp=",
    "&sign=",
    "%FF",
    "%zz",
    "\u{0}",
];

/// Fuzz target: serves the input as one connection's bytes and checks every reply.
pub fn sandbox_request(data: &[u8]) {
    let exchange = iop_sandbox::fuzz::serve_bytes(data);
    let mut rest = exchange.output.as_slice();
    let mut finals = 0;
    while !rest.is_empty() {
        let mut headers = [httparse::EMPTY_HEADER; 16];
        let mut head = httparse::Response::new(&mut headers);
        let Ok(httparse::Status::Complete(head_len)) = head.parse(rest) else {
            panic!("malformed reply head: {:?}", String::from_utf8_lossy(&rest[..rest.len().min(200)]));
        };
        let status = head.code.expect("complete heads have a status");
        assert!(status == 100 || (200..600).contains(&status), "unexpected status {status}");
        if status == 100 {
            rest = &rest[head_len..];
            continue;
        }
        let length: usize = head
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("content-length"))
            .and_then(|h| std::str::from_utf8(h.value).ok()?.parse().ok())
            .expect("every reply has a Content-Length");
        let body = &rest[head_len..head_len + length];
        if status != 302 {
            let json: Value = serde_json::from_slice(body).expect("reply bodies are JSON");
            assert!(json.is_object(), "reply body is not an object");
        }
        finals += 1;
        rest = &rest[head_len + length..];
    }
    assert_eq!(finals, exchange.replies);
}
