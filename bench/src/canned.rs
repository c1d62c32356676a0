//! The canned-response server: a minimal keep-alive HTTP/1.1 server on loopback that answers
//! every request with the same token JSON (`code` "0", so clients parse a success).
//!
//! It reads each request's head and its `Content-Length` body, then writes the prebuilt
//! response: at once, or [`ServerOptions::delay`] after the request was read (a latency-bound
//! gateway). One thread per connection, so connections are served concurrently. Plain HTTP, or
//! HTTPS with [`ServerOptions::tls`] (see [`crate::tls`]). It verifies nothing, so the time
//! measured is the client's, not the server's (the sandbox verifies signatures and would
//! dominate).
//!
//! It keeps the bytes of the first request it answers and returns them to
//! `GET /_bench/request` (404 before any), so that the floor clients replay exactly what
//! iopkit sent; and it answers `GET /_bench/stats` with its [`Counters`] as JSON
//! (`{"connections":N,"requests":M}`), so that a client process can count the connections its
//! run opened. Neither is delayed nor counted as a request.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread;
use std::time::Duration;

/// The body of every response: a Lazada `/auth/token/create` success.
pub const TOKEN_BODY: &str = concat!(
    r#"{"access_token":"50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7701ceb156fPunYZ43GBg","#,
    r#""refresh_token":"500016000300bwa2WteaQyfwBMnPxurcA0mXGhQdTt18356663CfcDTYpWoi","#,
    r#""country":"sg","refresh_expires_in":2592000,"account_platform":"seller_center","#,
    r#""expires_in":604800,"account":"bench@example.com","#,
    r#""country_user_info":[{"country":"sg","user_id":"100001","seller_id":"1000001","short_code":"SG1A2B3"}],"#,
    r#""code":"0","request_id":"0ba2887315178178017221014"}"#
);

/// Longest request head accepted (bytes); a longer one closes the connection.
const MAX_HEAD: usize = 64 * 1024;

/// The request line that asks for the captured request.
pub const CAPTURE_REQUEST_LINE: &str = "GET /_bench/request HTTP/1.1";
/// The request line that asks for the counters (JSON).
pub const STATS_REQUEST_LINE: &str = "GET /_bench/stats HTTP/1.1";

/// How the server answers.
#[derive(Clone, Default)]
pub struct ServerOptions {
    /// Serve HTTPS with this configuration (plain HTTP when `None`).
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// Wait this long after reading a request before writing its response.
    pub delay: Duration,
}

/// The state the connections share.
struct Shared {
    response: Vec<u8>,
    counters: Arc<Counters>,
    captured: OnceLock<Vec<u8>>,
    options: ServerOptions,
}

/// Counters of what the server has done.
#[derive(Debug, Default)]
pub struct Counters {
    connections: AtomicU64,
    requests: AtomicU64,
}

impl Counters {
    /// Connections accepted so far.
    pub fn connections(&self) -> u64 {
        self.connections.load(Ordering::Relaxed)
    }

    /// Requests answered so far (requests for the captured request or the counters not counted).
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }
}

/// A running canned server; stops accepting when dropped.
pub struct CannedServer {
    addr: SocketAddr,
    counters: Arc<Counters>,
    stop: Arc<AtomicBool>,
    tls: bool,
}

impl CannedServer {
    /// Starts a plain-HTTP server answering at once on `127.0.0.1:port` (0 for an ephemeral port).
    pub fn start(port: u16) -> io::Result<CannedServer> {
        CannedServer::start_with(port, ServerOptions::default())
    }

    /// Starts a server on `127.0.0.1:port` (0 for an ephemeral port) with `options`.
    pub fn start_with(port: u16, options: ServerOptions) -> io::Result<CannedServer> {
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let addr = listener.local_addr()?;
        let counters = Arc::new(Counters::default());
        let stop = Arc::new(AtomicBool::new(false));
        let tls = options.tls.is_some();
        let shared = Arc::new(Shared {
            response: response_bytes(),
            counters: Arc::clone(&counters),
            captured: OnceLock::new(),
            options,
        });
        let s = Arc::clone(&stop);
        thread::Builder::new().name("canned-accept".into()).spawn(move || accept_loop(listener, shared, s))?;
        Ok(CannedServer { addr, counters, stop, tls })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The gateway URL to give a client: `http://127.0.0.1:PORT/rest` (`https://` with TLS).
    pub fn base_url(&self) -> String {
        format!("{}://{}/rest", if self.tls { "https" } else { "http" }, self.addr)
    }

    /// What the server has done so far.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }
}

impl Drop for CannedServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

/// The full response: status line, headers and [`TOKEN_BODY`].
pub fn response_bytes() -> Vec<u8> {
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: {}\r\n\r\n",
        TOKEN_BODY.len()
    );
    [head.as_bytes(), TOKEN_BODY.as_bytes()].concat()
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>, stop: Arc<AtomicBool>) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        shared.counters.connections.fetch_add(1, Ordering::Relaxed);
        let shared = Arc::clone(&shared);
        let _ = thread::Builder::new().name("canned-conn".into()).spawn(move || {
            let _ = stream.set_nodelay(true);
            match &shared.options.tls {
                None => serve(stream, &shared),
                Some(config) => {
                    // The handshake happens on the first read; a failed one ends the connection.
                    let Ok(conn) = rustls::ServerConnection::new(Arc::clone(config)) else { return };
                    serve(rustls::StreamOwned::new(conn, stream), &shared)
                }
            }
        });
    }
}

/// Answers every request on one connection until the peer closes it (or asks to).
fn serve(mut stream: impl Read + Write, shared: &Shared) {
    let mut buf: Vec<u8> = Vec::with_capacity(8192);
    let mut chunk = [0u8; 8192];
    loop {
        // Reads until a whole head is buffered.
        let head_end = loop {
            if let Some(i) = find(&buf, b"\r\n\r\n") {
                break i + 4;
            }
            if buf.len() > MAX_HEAD {
                return;
            }
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let (body_len, close) = head_fields(&buf[..head_end]);
        // Reads (and drops) the body.
        let total = head_end + body_len;
        while buf.len() < total {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let written = if buf.starts_with(CAPTURE_REQUEST_LINE.as_bytes()) {
            stream.write_all(&captured_response(shared.captured.get()))
        } else if buf.starts_with(STATS_REQUEST_LINE.as_bytes()) {
            stream.write_all(&stats_response(&shared.counters))
        } else {
            shared.captured.get_or_init(|| buf[..total].to_vec());
            if !shared.options.delay.is_zero() {
                thread::sleep(shared.options.delay);
            }
            shared.counters.requests.fetch_add(1, Ordering::Relaxed);
            stream.write_all(&shared.response)
        };
        let written = written.and_then(|()| stream.flush());
        buf.drain(..total);
        if written.is_err() {
            return;
        }
        if close {
            return;
        }
    }
}

/// The answer to `GET /_bench/request`: the captured bytes, or 404 before any request.
fn captured_response(captured: Option<&Vec<u8>>) -> Vec<u8> {
    match captured {
        Some(bytes) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n",
                bytes.len()
            );
            [head.as_bytes(), bytes].concat()
        }
        None => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_vec(),
    }
}

/// The answer to `GET /_bench/stats`: the counters as JSON.
fn stats_response(counters: &Counters) -> Vec<u8> {
    let body = format!(r#"{{"connections":{},"requests":{}}}"#, counters.connections(), counters.requests());
    format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len())
        .into_bytes()
}

/// `Content-Length` (0 when absent) and whether the client sent `Connection: close`.
fn head_fields(head: &[u8]) -> (usize, bool) {
    let text = String::from_utf8_lossy(head);
    let mut len = 0;
    let mut close = false;
    for line in text.split("\r\n").skip(1) {
        let Some((name, value)) = line.split_once(':') else { continue };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            len = value.parse().unwrap_or(0);
        } else if name.eq_ignore_ascii_case("connection") && value.eq_ignore_ascii_case("close") {
            close = true;
        }
    }
    (len, close)
}

/// The index of the first occurrence of `needle` in `hay`.
pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_length_and_close() {
        assert_eq!(head_fields(b"POST / HTTP/1.1\r\ncontent-length: 12\r\nConnection: close\r\n\r\n"), (12, true));
        assert_eq!(head_fields(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"), (0, false));
    }

    #[test]
    fn body_is_a_token_success() {
        let response = iop::Response::parse(200, TOKEN_BODY.as_bytes().to_vec(), &[]).unwrap();
        assert!(response.is_success());
        assert_eq!(response.code(), Some("0"));
    }
}
