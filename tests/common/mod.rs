//! Helpers for the integration tests: a sandbox per test and tiny raw TCP servers.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

pub use iop_sandbox::{Config, Flavour, Sandbox};

/// The sandbox's default refreshable app.
pub const APP_KEY: &str = iop_sandbox::DEFAULT_APP_KEY;
/// Its secret.
pub const APP_SECRET: &str = iop_sandbox::DEFAULT_APP_SECRET;

/// A sandbox with the default apps.
pub fn sandbox() -> Sandbox {
    Sandbox::start(Config::default()).expect("sandbox starts")
}

/// A client for `flavour`'s `/rest` base URL with the default app.
pub fn client(sb: &Sandbox, flavour: Flavour) -> iop::Client {
    iop::Client::new(&sb.base_url(flavour), APP_KEY, APP_SECRET).unwrap()
}

/// Serves each connection with `respond(request_bytes) -> raw HTTP response bytes`, forever,
/// on a background thread; returns the base URL.
pub fn raw_server(respond: impl Fn() -> Vec<u8> + Send + Sync + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/rest", listener.local_addr().unwrap());
    let respond = std::sync::Arc::new(respond);
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let respond = respond.clone();
            thread::spawn(move || serve_once(stream, &*respond));
        }
    });
    url
}

fn serve_once(mut stream: TcpStream, respond: &dyn Fn() -> Vec<u8>) {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok();
    let mut buf = vec![0u8; 65536];
    let mut seen = Vec::new();
    // Read the head, then as much body as Content-Length says.
    loop {
        let Ok(n) = stream.read(&mut buf) else { return };
        if n == 0 {
            return;
        }
        seen.extend_from_slice(&buf[..n]);
        if let Some(end) = find(&seen, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&seen[..end]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if seen.len() >= end + 4 + len {
                break;
            }
        }
    }
    let _ = stream.write_all(&respond());
    let _ = stream.flush();
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// An HTTP response with `status`, a content type and `body`.
pub fn http(status: u16, content_type: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A server that writes `bytes` as soon as a connection is accepted, then closes it.
pub fn blurting_server(bytes: &'static [u8]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/rest", listener.local_addr().unwrap());
    thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let _ = stream.write_all(bytes);
            thread::sleep(Duration::from_millis(50));
        }
    });
    url
}

/// A server that accepts connections and never answers; returns its base URL.
pub fn stalling_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/rest", listener.local_addr().unwrap());
    thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    url
}

/// A loopback URL where nothing listens.
pub fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/rest")
}
