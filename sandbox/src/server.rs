//! The HTTP server: a `tiny_http` listener on loopback served by a few worker threads.

use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use tiny_http::{Header, Request, Response, Server};

use crate::config::{AppConfig, Config};
use crate::flavour::Flavour;
use crate::reply::Reply;
use crate::request::{BodyError, Incoming, MAX_BODY_BYTES};
use crate::routes;
use crate::state::State;

/// Worker threads per sandbox.
const WORKERS: usize = 4;

/// Above this declared body size tiny_http's own draining (one buffer of the declared size)
/// is avoided: the connection is answered and then abandoned.
const DRAIN_LIMIT: usize = 64 * 1024 * 1024;

/// Counters of what a sandbox has served.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Requests answered (every path, errors included).
    pub requests: u64,
    /// Authorization codes issued (OAuth page, control endpoint, [`Sandbox::issue_code`]).
    pub codes_issued: u64,
    /// Successful `/auth/token/create` calls.
    pub tokens_created: u64,
    /// Successful `/auth/token/refresh` calls.
    pub refreshes: u64,
    /// Answers with an HTTP status of 400 or more.
    pub errors: u64,
}

/// A running sandbox gateway; dropping it stops the server and joins its threads.
pub struct Sandbox {
    state: Arc<State>,
    server: Arc<Server>,
    addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    workers: Vec<JoinHandle<()>>,
}

impl Sandbox {
    /// Starts a sandbox on `127.0.0.1` with an ephemeral port.
    ///
    /// # Errors
    /// `InvalidInput` for an invalid `config`; the bind or thread-spawn error otherwise.
    pub fn start(config: Config) -> io::Result<Sandbox> {
        Sandbox::bind(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0), config)
    }

    /// Starts a sandbox on `addr`, which must be a loopback address (port 0: ephemeral).
    ///
    /// # Errors
    /// `InvalidInput` for a non-loopback address or an invalid `config`; the bind error (e.g.
    /// `AddrInUse`) or thread-spawn error otherwise.
    pub fn bind(addr: SocketAddr, config: Config) -> io::Result<Sandbox> {
        if !addr.ip().is_loopback() {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "the sandbox only listens on loopback addresses"));
        }
        config.validate().map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let server = Server::http(addr).map_err(|e| match e.downcast::<io::Error>() {
            Ok(io) => *io,
            Err(other) => io::Error::other(other.to_string()),
        })?;
        let addr = server.server_addr().to_ip().ok_or_else(|| io::Error::other("the server has no IP address"))?;
        let server = Arc::new(server);
        let state = Arc::new(State::new(&config));
        let stopping = Arc::new(AtomicBool::new(false));
        let mut workers = Vec::with_capacity(WORKERS);
        for i in 0..WORKERS {
            let (srv, st, stop) = (server.clone(), state.clone(), stopping.clone());
            let spawned = thread::Builder::new().name(format!("iop-sandbox-{i}")).spawn(move || work(&srv, &st, &stop));
            match spawned {
                Ok(handle) => workers.push(handle),
                Err(e) => {
                    // Stop the workers already running (Drop does it) and report.
                    drop(Sandbox { state, server, addr, stopping, workers });
                    return Err(e);
                }
            }
        }
        Ok(Sandbox { state, server, addr, stopping, workers })
    }

    /// The address the sandbox listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The GOP base URL of a flavour, e.g. `http://127.0.0.1:PORT/tw/rest`.
    pub fn base_url(&self, flavour: Flavour) -> String {
        format!("{}{}/rest", self.url(), flavour.prefix())
    }

    /// The TOP URL, `http://127.0.0.1:PORT/aliexpress/sync`.
    pub fn sync_url(&self) -> String {
        format!("{}{}/sync", self.url(), Flavour::AliExpress.prefix())
    }

    /// The OAuth page of a flavour, e.g. `http://127.0.0.1:PORT/lazada/oauth/authorize`.
    pub fn authorize_url(&self, flavour: Flavour) -> String {
        format!("{}{}/oauth/authorize", self.url(), flavour.prefix())
    }

    /// Issues a one-time authorization code for `app_key` (a new simulated seller), as the
    /// OAuth page would; `None` for an unknown app.
    pub fn issue_code(&self, app_key: &str) -> Option<String> {
        self.state.issue_code(app_key)
    }

    /// The registered apps, sorted by key (secrets included: these are sandbox credentials).
    pub fn apps(&self) -> Vec<AppConfig> {
        self.state.apps().into_iter().cloned().collect()
    }

    /// Moves the virtual clock (token and code expiry) by `secs`; negative goes back.
    /// The timestamp window keeps using the real clock.
    pub fn advance_clock(&self, secs: i64) {
        self.state.clock.advance(secs);
    }

    /// The virtual clock, UTC epoch milliseconds.
    pub fn now_ms(&self) -> i64 {
        self.state.clock.now_ms()
    }

    /// Counters of what has been served so far.
    pub fn stats(&self) -> Stats {
        let c = &self.state.counters;
        let get = |a: &std::sync::atomic::AtomicU64| a.load(Ordering::Relaxed);
        Stats {
            requests: get(&c.requests),
            codes_issued: get(&c.codes_issued),
            tokens_created: get(&c.tokens_created),
            refreshes: get(&c.refreshes),
            errors: get(&c.errors),
        }
    }
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("addr", &self.addr).finish_non_exhaustive()
    }
}

/// How long `drop` waits for workers still busy with a request (e.g. a client that never
/// sends its announced body) before leaving them to finish on their own.
const STOP_GRACE: Duration = Duration::from_secs(5);

impl Drop for Sandbox {
    /// Stops accepting requests, lets the workers finish the request at hand and joins them
    /// (a worker stuck on a stalled client longer than 5 s is detached instead).
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        for _ in 0..self.workers.len() {
            self.server.unblock();
        }
        let deadline = Instant::now() + STOP_GRACE;
        while Instant::now() < deadline && !self.workers.iter().all(JoinHandle::is_finished) {
            thread::sleep(Duration::from_millis(2));
        }
        for w in self.workers.drain(..) {
            if w.is_finished() {
                let _ = w.join();
            }
        }
    }
}

fn work(server: &Server, state: &State, stopping: &AtomicBool) {
    while !stopping.load(Ordering::SeqCst) {
        match server.recv() {
            Ok(rq) => {
                // A panic only loses this request (tiny_http answers 500 if it was not answered).
                let _ = panic::catch_unwind(AssertUnwindSafe(|| serve(state, rq)));
            }
            Err(_) => continue,
        }
    }
}

fn serve(state: &State, mut rq: Request) {
    let content_type =
        rq.headers().iter().find(|h| h.field.equiv("Content-Type")).map(|h| h.value.as_str().to_string());
    let declared = rq.body_length();
    let body = read_body(&mut rq);
    let incoming = Incoming::new(rq.method().as_str(), rq.url(), content_type, body);
    let reply = panic::catch_unwind(AssertUnwindSafe(|| routes::handle(state, &incoming)))
        .unwrap_or_else(|_| routes::internal_error(&incoming));
    if declared.is_some_and(|n| n > DRAIN_LIMIT) {
        abandon(rq, reply);
    } else {
        let _ = rq.respond(response(reply));
    }
}

fn read_body(rq: &mut Request) -> Result<Vec<u8>, BodyError> {
    if rq.body_length().is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::new();
    match rq.as_reader().take(MAX_BODY_BYTES as u64 + 1).read_to_end(&mut body) {
        Ok(_) if body.len() > MAX_BODY_BYTES => Err(BodyError::TooLarge),
        Ok(_) => Ok(body),
        Err(_) => Err(BodyError::Unreadable),
    }
}

fn response(reply: Reply) -> Response<io::Cursor<Vec<u8>>> {
    let mut r = Response::from_data(reply.body).with_status_code(reply.status);
    for (k, v) in &reply.headers {
        if let Ok(h) = Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            r.add_header(h);
        }
    }
    r
}

/// Answers a request that declared an enormous body without letting tiny_http drain it (its
/// drain allocates the declared size at once, which aborts the process for absurd sizes).
///
/// tiny_http can only hand over the raw connection after printing a response head, so it prints
/// an interim `100 Continue` and the real response follows, written by hand with
/// `Connection: close`. The connection is then leaked on purpose (one descriptor per such request).
fn abandon(rq: Request, reply: Reply) {
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\nConnection: close\r\n\r\n", reply.body.len()));
    let mut stream = rq.upgrade("close", Response::empty(100));
    let _ = stream.write_all(head.as_bytes()).and_then(|_| stream.write_all(&reply.body)).and_then(|_| stream.flush());
    std::mem::forget(stream);
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Payload Too Large",
        _ => "Error",
    }
}
