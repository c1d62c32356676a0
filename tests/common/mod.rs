//! Helpers for the integration tests: a sandbox per test and tiny raw TCP servers.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

pub use iop_sandbox::{Config, Flavour, Sandbox};

pub mod redis;

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
    if read_request(&mut stream).is_some() {
        let _ = stream.write_all(&respond());
        let _ = stream.flush();
    }
}

/// One HTTP request as a test server received it: the head (request line and headers) and the
/// body (`Content-Length` bytes).
pub struct HttpRequest {
    /// The request line and headers, as text.
    pub head: String,
    /// The body.
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// The value of header `name` (any case), trimmed.
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }
}

/// Reads one request: its head, then as much body as `Content-Length` says. `None` when the
/// stream ends (or fails) first.
pub fn read_request(stream: &mut impl Read) -> Option<HttpRequest> {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    let mut read_more = |data: &mut Vec<u8>| match stream.read(&mut buf) {
        Ok(0) | Err(_) => false,
        Ok(n) => {
            data.extend_from_slice(&buf[..n]);
            true
        }
    };
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if !read_more(&mut data) {
            return None;
        }
    };
    let mut request = HttpRequest { head: String::from_utf8_lossy(&data[..head_end]).into_owned(), body: Vec::new() };
    let len: usize = request.header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    while data.len() < head_end + len {
        if !read_more(&mut data) {
            return None;
        }
    }
    request.body = data[head_end..head_end + len].to_vec();
    Some(request)
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

/// What a [`ConnectProxy`] received: `(CONNECT target, Proxy-Authorization)` of each request.
pub type ConnectLog = std::sync::Arc<std::sync::Mutex<Vec<(String, Option<String>)>>>;

/// A loopback HTTP CONNECT proxy on a background thread: it counts the tunnels it opens,
/// records each `CONNECT` target and `Proxy-Authorization` header, and, when `required_auth` is
/// set, answers 407 to a request without exactly that header value. `refuse_with` makes it
/// answer every CONNECT with that status instead.
pub struct ConnectProxy {
    /// `http://127.0.0.1:port`.
    pub url: String,
    /// Tunnels opened.
    pub tunnels: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// `(target, Proxy-Authorization)` of each CONNECT received.
    pub seen: ConnectLog,
}

impl ConnectProxy {
    /// Starts a proxy that tunnels to any loopback target.
    pub fn start(required_auth: Option<&str>, refuse_with: Option<u16>) -> ConnectProxy {
        use std::sync::atomic::Ordering;
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let proxy = ConnectProxy { url, tunnels: Default::default(), seen: Default::default() };
        let (tunnels, seen) = (proxy.tunnels.clone(), proxy.seen.clone());
        let required_auth = required_auth.map(str::to_owned);
        thread::spawn(move || {
            for mut client in listener.incoming().flatten() {
                let Some(request) = read_request(&mut client) else { continue };
                let line = request.head.lines().next().unwrap_or("").to_owned();
                let target = line.strip_prefix("CONNECT ").and_then(|r| r.split(' ').next()).unwrap_or("").to_owned();
                let auth = request.header("proxy-authorization");
                seen.lock().unwrap().push((target.clone(), auth.clone()));
                let refuse = |client: &mut TcpStream, status: u16| {
                    let _ = client.write_all(
                        format!("HTTP/1.1 {status} No\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").as_bytes(),
                    );
                };
                if let Some(status) = refuse_with {
                    refuse(&mut client, status);
                    continue;
                }
                if required_auth.is_some() && auth != required_auth {
                    refuse(&mut client, 407);
                    continue;
                }
                let Ok(upstream) = TcpStream::connect(&target) else {
                    refuse(&mut client, 502);
                    continue;
                };
                tunnels.fetch_add(1, Ordering::SeqCst);
                let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
                let (mut c2, mut u2) = (client.try_clone().unwrap(), upstream.try_clone().unwrap());
                let (mut c1, mut u1) = (client, upstream);
                thread::spawn(move || {
                    let _ = std::io::copy(&mut c1, &mut u1);
                    let _ = u1.shutdown(std::net::Shutdown::Write);
                });
                thread::spawn(move || {
                    let _ = std::io::copy(&mut u2, &mut c2);
                    let _ = c2.shutdown(std::net::Shutdown::Write);
                });
            }
        });
        proxy
    }

    /// Tunnels opened so far.
    pub fn tunnel_count(&self) -> usize {
        self.tunnels.load(std::sync::atomic::Ordering::SeqCst)
    }
}
