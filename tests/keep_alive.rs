//! The keep-alive pool's TCP layer: a pooled connection is reused only while it is sound. A
//! connection the server closed, or one carrying bytes nobody asked for, is dropped before
//! use, so the call goes out on a new connection instead of failing.

mod common;

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

use common::read_request;
use iop::{Client, Request};

const BODY: &str = r#"{"code":"0","request_id":"0ba2887315178178017221014"}"#;

/// A server answering each request on a connection with `BODY` (keep-alive), then doing
/// `after` with the stream; returns its base URL and its count of accepted connections.
fn server(after: fn(&mut TcpStream) -> bool) -> (String, Arc<AtomicU64>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/rest", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicU64::new(0));
    let count = accepted.clone();
    thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            count.fetch_add(1, Ordering::SeqCst);
            thread::spawn(move || {
                while read_request(&mut stream).is_some() {
                    let reply = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{BODY}",
                        BODY.len()
                    );
                    if stream.write_all(reply.as_bytes()).is_err() || !after(&mut stream) {
                        return;
                    }
                }
            });
        }
    });
    (url, accepted)
}

fn calls(url: &str, n: usize) {
    let client = Client::new(url, "500123", "keep-alive-test-secret").unwrap();
    let request = Request::new("/seller/get").unwrap();
    for i in 0..n {
        let r = client.execute(&request, None, None);
        assert!(r.as_ref().is_ok_and(|r| r.is_success()), "call {i}: {r:?}");
        // Give the server's close or stray bytes time to arrive before the next call.
        thread::sleep(Duration::from_millis(30));
    }
}

#[test]
fn a_sound_connection_serves_every_call() {
    let (url, accepted) = server(|_| true);
    calls(&url, 10);
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

#[test]
fn a_connection_the_server_closed_is_not_reused() {
    // The server answers without `Connection: close`, then closes: the client must notice.
    let (url, accepted) = server(|_| false);
    calls(&url, 5);
    assert_eq!(accepted.load(Ordering::SeqCst), 5);
}

#[test]
fn a_connection_with_stray_bytes_is_not_reused() {
    // Bytes after the response (nobody asked for them) arrive a little later.
    let (url, accepted) = server(|stream| {
        thread::sleep(Duration::from_millis(5));
        stream.write_all(b"HTTP/1.1 200 OK\r\n").is_ok()
    });
    calls(&url, 4);
    assert_eq!(accepted.load(Ordering::SeqCst), 4);
}
