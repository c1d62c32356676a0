//! HTTP/1.1 on one connection: reading requests (head parsed with `httparse`, bodies by
//! `Content-Length` or chunked, `Expect: 100-continue`) and writing replies, with keep-alive.

use std::io::{self, BufRead, BufReader, Read, Write};

use crate::reply::Reply;
use crate::request::{BodyError, MAX_BODY_BYTES};

/// Longest request head (request line and headers) accepted.
pub(crate) const MAX_HEAD_BYTES: usize = 64 * 1024;
/// A body over the limit is still read (and thrown away) up to this size, so that the client,
/// still sending, can read the `413` instead of failing on a reset connection.
const DISCARD_LIMIT: u64 = 64 * 1024 * 1024;
/// Most headers accepted in one request.
const MAX_HEADERS: usize = 512;
/// The first byte of a TLS record carrying a handshake (a ClientHello); no HTTP method starts
/// with it.
const TLS_HANDSHAKE: u8 = 0x16;

/// One request read off a connection.
#[derive(Debug)]
pub(crate) struct RawRequest {
    /// Method as sent, e.g. `POST`.
    pub method: String,
    /// Request target, e.g. `/rest/auth/token/create?x=1`.
    pub target: String,
    /// `Content-Type`, if sent.
    pub content_type: Option<String>,
    /// Every header as sent (name, value), in order.
    pub headers: Vec<(String, String)>,
    /// The body, or why it could not be read.
    pub body: Result<Vec<u8>, BodyError>,
    /// Whether the connection may carry another request after the reply.
    pub keep_alive: bool,
}

/// What reading the next request gave.
#[derive(Debug)]
pub(crate) enum Next {
    /// A request (its body may still be an error: answer it, then close when not keep-alive).
    Request(RawRequest),
    /// A request head that cannot be parsed: answer `400` and close.
    Malformed,
    /// A head over [`MAX_HEAD_BYTES`]: answer `431` and close.
    HeadTooLarge,
    /// A TLS handshake (a client speaking HTTPS to this plain-HTTP port): answer `400` at once
    /// and close, instead of waiting for a request line that never comes.
    Tls,
    /// The peer closed the connection (or it failed) between requests.
    Closed,
}

/// Reads the next request from `reader`; `interim` receives `100 Continue` when asked for.
pub(crate) fn read_request<R: Read, W: Write>(reader: &mut BufReader<R>, interim: &mut W) -> Next {
    loop {
        match reader.fill_buf() {
            Ok([]) => return Next::Closed,
            Ok([TLS_HANDSHAKE, ..]) => return Next::Tls,
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            // Idle too long, or the connection failed, between requests.
            Err(_) => return Next::Closed,
        }
    }
    let head = match read_head(reader) {
        Ok(Some(head)) => head,
        Ok(None) => return Next::Closed,
        Err(HeadError::TooLarge) => return Next::HeadTooLarge,
        Err(HeadError::Io) => return Next::Closed,
    };
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    let (Ok(httparse::Status::Complete(_)), Some(method), Some(target), Some(minor)) =
        (parsed.parse(&head), parsed.method, parsed.path, parsed.version)
    else {
        return Next::Malformed;
    };
    let header = |name: &str| {
        parsed.headers.iter().find(|h| h.name.eq_ignore_ascii_case(name)).map(|h| String::from_utf8_lossy(h.value))
    };
    let connection = header("Connection").map(|v| v.to_ascii_lowercase()).unwrap_or_default();
    let keep_alive = if minor == 0 { connection.contains("keep-alive") } else { !connection.contains("close") };
    let chunked = header("Transfer-Encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let Ok(length) = content_length(parsed.headers) else { return Next::Malformed };
    // With both, the chunked coding frames the body and the connection is not reused (RFC 9112 §6.3).
    let (length, framing_conflict) = if chunked { (None, length.is_some()) } else { (length, false) };
    let expects_continue = header("Expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue"));
    let announced_too_large = length.is_some_and(|n| n > MAX_BODY_BYTES);
    if expects_continue && !announced_too_large && (chunked || length.is_some_and(|n| n > 0)) {
        let _ = interim.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").and_then(|_| interim.flush());
    }
    let body = if announced_too_large {
        let announced = length.unwrap_or(0) as u64;
        if announced <= DISCARD_LIMIT {
            let _ = io::copy(&mut reader.by_ref().take(announced), &mut io::sink());
        }
        Err(BodyError::TooLarge)
    } else if chunked {
        read_chunked(reader)
    } else {
        read_exact_body(reader, length.unwrap_or(0))
    };
    let content_type = header("Content-Type").map(|v| v.into_owned());
    let headers =
        parsed.headers.iter().map(|h| (h.name.to_owned(), String::from_utf8_lossy(h.value).into_owned())).collect();
    Next::Request(RawRequest {
        method: method.to_owned(),
        target: target.to_owned(),
        content_type,
        headers,
        // After a body that was not read whole, the stream cannot be resynchronized.
        keep_alive: keep_alive && !framing_conflict && body.is_ok(),
        body,
    })
}

/// The `Content-Length` of a request head: `None` when absent, `Err` when a value is not a plain
/// decimal number or two values differ (the body's end would be unknown).
fn content_length(headers: &[httparse::Header<'_>]) -> Result<Option<usize>, ()> {
    let mut length = None;
    for h in headers.iter().filter(|h| h.name.eq_ignore_ascii_case("Content-Length")) {
        let text = std::str::from_utf8(h.value).map_err(|_| ())?.trim();
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(());
        }
        let n = text.parse::<usize>().map_err(|_| ())?;
        if length.is_some_and(|l| l != n) {
            return Err(());
        }
        length = Some(n);
    }
    Ok(length)
}

enum HeadError {
    TooLarge,
    Io,
}

/// The bytes of a request head up to and including the blank line; `None` on a clean close
/// before any byte. Blank lines before a request (allowed by RFC 9112) are skipped.
fn read_head<R: Read>(reader: &mut BufReader<R>) -> Result<Option<Vec<u8>>, HeadError> {
    let mut head = Vec::new();
    loop {
        let before = head.len();
        let limit = (MAX_HEAD_BYTES + 1 - before) as u64;
        let n = reader.by_ref().take(limit).read_until(b'\n', &mut head).map_err(|_| HeadError::Io)?;
        if head.len() > MAX_HEAD_BYTES {
            return Err(HeadError::TooLarge);
        }
        if n == 0 {
            return if head.is_empty() { Ok(None) } else { Err(HeadError::Io) };
        }
        let line = &head[before..];
        if line == b"\r\n" || line == b"\n" {
            if before == 0 {
                head.clear(); // a stray blank line between requests
                continue;
            }
            return Ok(Some(head));
        }
        if !line.ends_with(b"\n") {
            return Err(HeadError::Io); // the peer closed mid-line
        }
    }
}

fn read_exact_body<R: Read>(reader: &mut BufReader<R>, length: usize) -> Result<Vec<u8>, BodyError> {
    let mut body = Vec::with_capacity(length.min(64 * 1024));
    let n = reader.by_ref().take(length as u64).read_to_end(&mut body).map_err(|_| BodyError::Unreadable)?;
    if n < length { Err(BodyError::Unreadable) } else { Ok(body) }
}

/// Decodes a chunked body (chunk extensions and trailers are read and ignored). Past
/// [`MAX_BODY_BYTES`] the chunks are still read, and discarded, up to [`DISCARD_LIMIT`].
fn read_chunked<R: Read>(reader: &mut BufReader<R>) -> Result<Vec<u8>, BodyError> {
    let mut body = Vec::new();
    let mut total: u64 = 0;
    loop {
        let mut line = Vec::new();
        reader.by_ref().take(1024).read_until(b'\n', &mut line).map_err(|_| BodyError::Unreadable)?;
        let text = std::str::from_utf8(&line).map_err(|_| BodyError::Unreadable)?;
        let size_text = text.split(';').next().unwrap_or("").trim();
        let size = u64::from_str_radix(size_text, 16).map_err(|_| BodyError::Unreadable)?;
        if size == 0 {
            // Trailers, up to the blank line.
            loop {
                let mut trailer = Vec::new();
                let n =
                    reader.by_ref().take(8192).read_until(b'\n', &mut trailer).map_err(|_| BodyError::Unreadable)?;
                if n == 0 || trailer == b"\r\n" || trailer == b"\n" {
                    return if total > MAX_BODY_BYTES as u64 { Err(BodyError::TooLarge) } else { Ok(body) };
                }
            }
        }
        total = total.saturating_add(size);
        if total > DISCARD_LIMIT {
            return Err(BodyError::TooLarge);
        }
        let n = if total > MAX_BODY_BYTES as u64 {
            body = Vec::new();
            io::copy(&mut reader.by_ref().take(size), &mut io::sink())
        } else {
            reader.by_ref().take(size).read_to_end(&mut body).map(|n| n as u64)
        }
        .map_err(|_| BodyError::Unreadable)?;
        let mut crlf = [0u8; 2];
        if n < size || reader.read_exact(&mut crlf).is_err() || &crlf != b"\r\n" {
            return Err(BodyError::Unreadable);
        }
    }
}

/// Writes `reply` as an HTTP/1.1 response; `close` adds `Connection: close`.
pub(crate) fn write_reply<W: Write>(out: &mut W, reply: &Reply, close: bool) -> io::Result<()> {
    out.write_all(&head(reply, reply.body.len(), close))?;
    out.write_all(&reply.body)?;
    out.flush()
}

/// The status line and headers of `reply`, announcing `content_length` body bytes; `close` adds
/// `Connection: close`.
pub(crate) fn head(reply: &Reply, content_length: usize, close: bool) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (name, value) in &reply.headers {
        // Handlers never produce line breaks in values; refuse them anyway.
        if !value.contains(['\r', '\n']) {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str(&format!("Content-Length: {content_length}\r\n"));
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    head.into_bytes()
}

/// The reason phrase sent with `status`.
pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(raw: &[u8]) -> (Next, Vec<u8>) {
        let mut reader = BufReader::new(raw);
        let mut interim = Vec::new();
        (read_request(&mut reader, &mut interim), interim)
    }

    fn request(raw: &[u8]) -> RawRequest {
        match read(raw).0 {
            Next::Request(r) => r,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn content_length_body_and_keep_alive() {
        let r = request(
            b"POST /rest/x?a=1 HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello",
        );
        assert_eq!((r.method.as_str(), r.target.as_str()), ("POST", "/rest/x?a=1"));
        assert_eq!(r.content_type.as_deref(), Some("text/plain"));
        assert_eq!(r.body.unwrap(), b"hello");
        assert!(r.keep_alive);
        assert!(!request(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n").keep_alive);
        assert!(!request(b"GET / HTTP/1.0\r\n\r\n").keep_alive);
        assert!(request(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keep_alive);
    }

    #[test]
    fn many_headers_are_fine() {
        let mut raw = b"GET / HTTP/1.1\r\n".to_vec();
        for i in 0..300 {
            raw.extend_from_slice(format!("X-H{i}: v\r\n").as_bytes());
        }
        raw.extend_from_slice(b"\r\n");
        assert!(request(&raw).body.is_ok());
    }

    #[test]
    fn chunked_body_with_extension_and_trailer() {
        let r = request(
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nT: 1\r\n\r\n",
        );
        assert_eq!(r.body.unwrap(), b"hello world");
    }

    #[test]
    fn expect_continue_gets_an_interim_response() {
        let (next, interim) = read(b"POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok");
        assert!(matches!(next, Next::Request(r) if r.body.as_deref() == Ok(b"ok".as_slice())));
        assert_eq!(interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    }

    #[test]
    fn bad_and_oversized_input() {
        assert!(matches!(read(b"NOT HTTP\r\n\r\n").0, Next::Malformed));
        assert!(matches!(read(b"GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n").0, Next::Malformed));
        assert!(matches!(read(b"").0, Next::Closed));
        assert!(matches!(read(b"GET / HTTP/1.1\r\nHost: h").0, Next::Closed), "closed mid-head");
        let mut huge = b"GET / HTTP/1.1\r\nX: ".to_vec();
        huge.extend(std::iter::repeat_n(b'a', MAX_HEAD_BYTES));
        assert!(matches!(read(&huge).0, Next::HeadTooLarge));
        let big = format!("POST / HTTP/1.1\r\nContent-Length: {}\r\n\r\n", MAX_BODY_BYTES + 1);
        let r = request(big.as_bytes());
        assert!(matches!(r.body, Err(BodyError::TooLarge)));
        assert!(!r.keep_alive);
        let r = request(b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nshort");
        assert!(matches!(r.body, Err(BodyError::Unreadable)));
        let r = request(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        assert!(matches!(r.body, Err(BodyError::Unreadable)));
    }

    #[test]
    fn a_tls_client_hello_is_recognised() {
        assert!(matches!(read(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03").0, Next::Tls));
        assert!(matches!(read(b"\x16").0, Next::Tls));
        assert!(matches!(read(b"GET / HTTP/1.1\r\n\r\n").0, Next::Request(_)));
    }

    #[test]
    fn ambiguous_lengths() {
        for bad in ["+5", "5, 5", "-1", "0x5", "", "99999999999999999999999"] {
            let raw = format!("POST / HTTP/1.1\r\nContent-Length: {bad}\r\n\r\nhello");
            assert!(matches!(read(raw.as_bytes()).0, Next::Malformed), "{bad:?}");
        }
        let differing = b"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!";
        assert!(matches!(read(differing).0, Next::Malformed));
        let same = request(b"POST / HTTP/1.1\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\nhello");
        assert_eq!(same.body.unwrap(), b"hello");
        // Chunked wins over Content-Length, and the connection is not reused.
        let both = request(
            b"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        );
        assert_eq!(both.body.unwrap(), b"hello");
        assert!(!both.keep_alive);
    }

    #[test]
    fn replies_have_length_and_optional_close() {
        let reply = Reply { status: 400, headers: vec![("A".into(), "b".into())], body: b"{}".to_vec() };
        let mut out = Vec::new();
        write_reply(&mut out, &reply, true).unwrap();
        assert_eq!(out, b"HTTP/1.1 400 Bad Request\r\nA: b\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    }
}
