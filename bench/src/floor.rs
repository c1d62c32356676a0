//! The floor client: the least an HTTP/1.1 client can do for the benchmark's call. It keeps one
//! connection open, writes the very bytes iopkit sent (captured by the canned server) and reads
//! the response head and its `Content-Length` body. No signing, no JSON parsing: whatever
//! iopkit takes beyond it is iopkit's cost.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::ops::Range;

use crate::canned::{CAPTURE_REQUEST_LINE, find};

/// One keep-alive connection and the bytes of the request it repeats.
pub struct FloorClient {
    stream: TcpStream,
    request: Vec<u8>,
    buf: Vec<u8>,
}

impl FloorClient {
    /// Connects to the canned server of `base_url` (`http://HOST:PORT/...`) and fetches, over
    /// the same connection, the request it captured: make one iopkit call first.
    pub fn replaying(base_url: &str) -> io::Result<FloorClient> {
        let host = host_port(base_url)?;
        let stream = TcpStream::connect(&host)?;
        stream.set_nodelay(true)?;
        let fetch = format!("{CAPTURE_REQUEST_LINE}\r\nhost: {host}\r\n\r\n").into_bytes();
        let mut client = FloorClient { stream, request: fetch, buf: Vec::with_capacity(8192) };
        let (status, body) = client.exchange()?;
        if status != 200 || body.is_empty() {
            return Err(io::Error::other(format!("no captured request (HTTP {status}): make one iopkit call first")));
        }
        client.request = client.buf[body].to_vec();
        Ok(client)
    }

    /// The request bytes it sends.
    pub fn request(&self) -> &[u8] {
        &self.request
    }

    /// Sends the request once and reads the whole response; returns the body's length.
    pub fn call(&mut self) -> io::Result<usize> {
        self.exchange().map(|(_, body)| body.len())
    }

    /// Writes the request, reads one response: its status and where its body is in `buf`.
    fn exchange(&mut self) -> io::Result<(u16, Range<usize>)> {
        self.stream.write_all(&self.request)?;
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

fn host_port(base_url: &str) -> io::Result<String> {
    let rest = base_url
        .strip_prefix("http://")
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the floor client speaks plain http:// only"))?;
    Ok(rest.split('/').next().unwrap_or(rest).to_owned())
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
}
