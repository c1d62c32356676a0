//! The floor client: the least an HTTP/1.1 client can do for the benchmark's call. It keeps one
//! connection open, writes the very bytes iopkit sent (captured by the canned server) and reads
//! the response head and its `Content-Length` body. No signing, no JSON parsing: whatever
//! iopkit takes beyond it is iopkit's cost. Over HTTPS it does the same through one rustls
//! session (one handshake, verified against the run's CA).
//!
//! [`StatsReader`] reads the server's counters the same way, for the rows that count the
//! connections a run opened.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::ops::Range;

use crate::canned::{CAPTURE_REQUEST_LINE, STATS_REQUEST_LINE, find};

/// A TCP connection, or a rustls session over one.
enum Stream {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>),
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// One keep-alive connection to the canned server and its read buffer.
struct Connection {
    stream: Stream,
    host: String,
    buf: Vec<u8>,
}

impl Connection {
    /// Connects to the server of `base_url`: `http://HOST:PORT/...`, or `https://HOST:PORT/...`
    /// verified against the CA certificates in `ca_pem` (required for https).
    fn open(base_url: &str, ca_pem: Option<&[u8]>) -> io::Result<Connection> {
        let (tls, rest) = if let Some(rest) = base_url.strip_prefix("http://") {
            (false, rest)
        } else if let Some(rest) = base_url.strip_prefix("https://") {
            (true, rest)
        } else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the floor client speaks http:// and https:// only",
            ));
        };
        let host = rest.split('/').next().unwrap_or(rest).to_owned();
        let tcp = TcpStream::connect(&host)?;
        tcp.set_nodelay(true)?;
        let stream = if tls {
            let ca_pem = ca_pem.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "https needs the CA PEM"))?;
            let name = host.rsplit_once(':').map_or(host.as_str(), |(name, _)| name).to_owned();
            let name = rustls::pki_types::ServerName::try_from(name).map_err(io::Error::other)?;
            let conn =
                rustls::ClientConnection::new(crate::tls::client_config(ca_pem)?, name).map_err(io::Error::other)?;
            let mut s = rustls::StreamOwned::new(conn, tcp);
            // The handshake now, so that it is not part of the first timed call.
            while s.conn.is_handshaking() {
                s.conn.complete_io(&mut s.sock)?;
            }
            Stream::Tls(Box::new(s))
        } else {
            Stream::Plain(tcp)
        };
        Ok(Connection { stream, host, buf: Vec::with_capacity(8192) })
    }

    /// Writes `request`, reads one response: its status and where its body is in `buf`.
    fn exchange(&mut self, request: &[u8]) -> io::Result<(u16, Range<usize>)> {
        self.stream.write_all(request)?;
        self.stream.flush()?;
        self.buf.clear();
        let head_end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i + 4;
            }
            self.read_more()?;
        };
        let (status, len) = head_fields(&self.buf[..head_end])
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "bad response head or no Content-Length"))?;
        while self.buf.len() < head_end + len {
            self.read_more()?;
        }
        Ok((status, head_end..head_end + len))
    }

    /// `GET path` on this connection: the body, which must come with status 200.
    fn get(&mut self, path: &str) -> io::Result<Vec<u8>> {
        let request = format!("GET {path} HTTP/1.1\r\nhost: {}\r\n\r\n", self.host);
        let (status, body) = self.exchange(request.as_bytes())?;
        if status != 200 {
            return Err(io::Error::other(format!("GET {path}: HTTP {status}")));
        }
        Ok(self.buf[body].to_vec())
    }

    fn read_more(&mut self) -> io::Result<()> {
        let mut chunk = [0u8; 8192];
        let n = self.stream.read(&mut chunk)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(())
    }
}

/// One keep-alive connection (plain or TLS, one handshake) and the bytes of the request it
/// repeats.
pub struct FloorClient {
    conn: Connection,
    request: Vec<u8>,
}

impl FloorClient {
    /// Connects to the plain-HTTP canned server of `base_url` (`http://HOST:PORT/...`) and
    /// fetches, over the same connection, the request it captured: make one iopkit call first.
    pub fn replaying(base_url: &str) -> io::Result<FloorClient> {
        FloorClient::replaying_with(base_url, None)
    }

    /// The same over TLS: `https://HOST:PORT/...`, trusting the CA certificates in `ca_pem`.
    pub fn replaying_tls(base_url: &str, ca_pem: &[u8]) -> io::Result<FloorClient> {
        FloorClient::replaying_with(base_url, Some(ca_pem))
    }

    fn replaying_with(base_url: &str, ca_pem: Option<&[u8]>) -> io::Result<FloorClient> {
        let mut conn = Connection::open(base_url, ca_pem)?;
        let fetch = format!("{CAPTURE_REQUEST_LINE}\r\nhost: {}\r\n\r\n", conn.host).into_bytes();
        let (status, body) = conn.exchange(&fetch)?;
        if status != 200 || body.is_empty() {
            return Err(io::Error::other(format!("no captured request (HTTP {status}): make one iopkit call first")));
        }
        let request = conn.buf[body].to_vec();
        Ok(FloorClient { conn, request })
    }

    /// The request bytes it sends.
    pub fn request(&self) -> &[u8] {
        &self.request
    }

    /// Sends the request once and reads the whole response; returns the body's length.
    pub fn call(&mut self) -> io::Result<usize> {
        let FloorClient { conn, request } = self;
        conn.exchange(request).map(|(_, body)| body.len())
    }
}

/// What the canned server has counted (`GET /_bench/stats`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerStats {
    /// Connections accepted so far (this reader's own included).
    pub connections: u64,
    /// Requests answered so far.
    pub requests: u64,
}

/// Reads the canned server's counters over one keep-alive connection of its own, so that
/// reading them opens no connection between two reads.
pub struct StatsReader {
    conn: Connection,
}

impl StatsReader {
    /// Connects to the canned server of `base_url` (`ca_pem` for https).
    pub fn connect(base_url: &str, ca_pem: Option<&[u8]>) -> io::Result<StatsReader> {
        Ok(StatsReader { conn: Connection::open(base_url, ca_pem)? })
    }

    /// The counters now.
    pub fn read(&mut self) -> io::Result<ServerStats> {
        let path = STATS_REQUEST_LINE.split(' ').nth(1).unwrap_or("/_bench/stats");
        let body = self.conn.get(path)?;
        let value: serde_json::Value = serde_json::from_slice(&body).map_err(io::Error::other)?;
        let field = |k: &str| {
            value[k].as_u64().ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, format!("stats: no `{k}`")))
        };
        Ok(ServerStats { connections: field("connections")?, requests: field("requests")? })
    }
}

/// The status and `Content-Length` of a response head.
fn head_fields(head: &[u8]) -> Option<(u16, usize)> {
    let text = std::str::from_utf8(head).ok()?;
    let mut lines = text.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let len = lines
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())?;
    Some((status, len))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canned::{CannedServer, TOKEN_BODY};
    use crate::workload;

    #[test]
    fn replays_what_iopkit_sent() {
        let server = CannedServer::start(0).unwrap();
        let url = server.base_url();
        let Err(e) = FloorClient::replaying(&url) else { panic!("a capture before any request") };
        assert!(e.to_string().contains("HTTP 404"), "{e}");
        let client = workload::client(&url).unwrap();
        assert!(client.execute(&workload::token_request().unwrap(), None, None).unwrap().is_success());
        let mut floor = FloorClient::replaying(&url).unwrap();
        let text = String::from_utf8(floor.request().to_vec()).unwrap();
        assert!(text.starts_with("POST /rest/auth/token/create HTTP/1.1\r\n"), "{text}");
        assert!(text.contains(&format!("code={}", workload::CODE)) && text.contains("sign="), "{text}");
        for _ in 0..3 {
            assert_eq!(floor.call().unwrap(), TOKEN_BODY.len());
        }
        // iopkit's call and the floor's three; fetching the capture is not counted.
        assert_eq!(server.counters().requests(), 4);
        assert_eq!(server.counters().connections(), 3);
    }

    #[test]
    fn replays_over_tls_and_reads_the_counters() {
        let pki = crate::tls::BenchPki::generate().unwrap();
        let options = crate::canned::ServerOptions { tls: Some(pki.server_config().unwrap()), ..Default::default() };
        let server = CannedServer::start_with(0, options).unwrap();
        let url = server.base_url();
        assert!(url.starts_with("https://127.0.0.1:"), "{url}");
        let ca = pki.ca_pem().as_bytes();
        let mut stats = StatsReader::connect(&url, Some(ca)).unwrap();
        assert_eq!(stats.read().unwrap(), ServerStats { connections: 1, requests: 0 });
        let client = workload::tls_client(&url, ca).unwrap();
        for _ in 0..2 {
            assert!(client.execute(&workload::token_request().unwrap(), None, None).unwrap().is_success());
        }
        let mut floor = FloorClient::replaying_tls(&url, ca).unwrap();
        assert_eq!(floor.call().unwrap(), TOKEN_BODY.len());
        // The stats reader's connection, iopkit's one keep-alive connection, the floor's.
        assert_eq!(stats.read().unwrap(), ServerStats { connections: 3, requests: 3 });
        // Verification stays on: another CA is refused.
        let other = crate::tls::BenchPki::generate().unwrap();
        assert!(FloorClient::replaying_tls(&url, other.ca_pem().as_bytes()).is_err());
        assert!(
            workload::tls_client(&url, other.ca_pem().as_bytes())
                .unwrap()
                .execute(&workload::token_request().unwrap(), None, None)
                .is_err()
        );
    }
}
