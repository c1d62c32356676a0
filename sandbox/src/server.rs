//! The HTTP server: an accept loop on loopback and one thread per connection, speaking
//! HTTP/1.1 with keep-alive through [`crate::http1`].

use std::collections::HashMap;
use std::io::{self, BufReader};
use std::net::{IpAddr, Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::config::{AppConfig, Config};
use crate::faults::{self, Delivery};
use crate::flavour::Flavour;
use crate::http1::{self, Next};
use crate::limits::LimitsConfig;
use crate::limits::log::LoggedRequest;
use crate::reply::Reply;
use crate::request::Incoming;
use crate::routes;
use crate::state::State;

/// Connections served at once; more are answered `503` and closed.
const MAX_CONNECTIONS: usize = 1024;
/// How long a connection may sit idle (or a client take to send a request) before it is closed.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long `drop` waits for connection threads to finish the request at hand.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// Counters of what a sandbox has served.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// TCP connections accepted (a keep-alive client reuses one for many requests).
    pub connections: u64,
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
    /// EnOS access tokens issued (by get when none was valid, and by refresh).
    pub enos_tokens_issued: u64,
    /// Successful EnOS refreshes.
    pub enos_refreshes: u64,
}

/// A running sandbox gateway; dropping it stops the server and joins its threads.
pub struct Sandbox {
    state: Arc<State>,
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
    pusher: Option<JoinHandle<()>>,
}

/// How often the push thread looks for due deliveries and expiry alerts (real time).
const PUSH_TICK: Duration = Duration::from_millis(100);

/// Delivers due push messages until the sandbox stops.
fn push_loop(state: &State, shared: &Shared) {
    while !shared.stopping.load(Ordering::SeqCst) {
        state.push.deliver_due(state);
        thread::sleep(PUSH_TICK);
    }
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
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State::new(&config));
        let shared = Arc::new(Shared::default());
        let (st, sh) = (state.clone(), shared.clone());
        let acceptor =
            thread::Builder::new().name("iop-sandbox-accept".into()).spawn(move || accept(&listener, &st, &sh))?;
        let (st, sh) = (state.clone(), shared.clone());
        let pusher = thread::Builder::new().name("iop-sandbox-push".into()).spawn(move || push_loop(&st, &sh))?;
        Ok(Sandbox { state, addr, shared, acceptor: Some(acceptor), pusher: Some(pusher) })
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

    /// The EnOS token service's apps, sorted by key.
    pub fn enos_apps(&self) -> Vec<crate::config::EnosAppConfig> {
        self.state.enos.apps()
    }

    /// Moves the virtual clock (token and code expiry) by `secs`; negative goes back.
    /// The timestamp window keeps using the real clock.
    pub fn advance_clock(&self, secs: i64) {
        self.state.clock.advance(secs);
        self.state.push.scan_alerts(&self.state);
    }

    /// Moves the virtual clock by `ms` milliseconds; negative goes back.
    pub fn advance_clock_ms(&self, ms: i64) {
        self.state.clock.advance_ms(ms);
        self.state.push.scan_alerts(&self.state);
    }

    /// Registers `url` (a loopback `http://` URL) as the receiver of `app_key`'s push messages,
    /// replacing an earlier one. From now on the sandbox pushes to it: expiry alerts (type 8)
    /// for sellers whose authorization ends within 48 hours (once per virtual day) and the
    /// messages [`Sandbox::push_order`] queues; unacknowledged ones again every 30 virtual
    /// minutes, 12 times at most.
    ///
    /// # Errors
    /// `InvalidInput` for an unknown app or a URL that is not loopback `http://host:port/…`.
    pub fn register_push(&self, url: &str, app_key: &str) -> io::Result<()> {
        self.state.push.register(&self.state, url, app_key).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))
    }

    /// Queues a type-0 trade-order push about `seller_id` for the registered app (the lowest
    /// key when several are); its message id. Delivered by the push thread or
    /// [`Sandbox::flush_push`].
    ///
    /// # Errors
    /// `InvalidInput` when no receiver is registered or `seller_id` is empty.
    pub fn push_order(&self, seller_id: &str) -> io::Result<u64> {
        self.state.push.order(&self.state, seller_id, None).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))
    }

    /// Makes the next `count` push deliveries carry a wrong `Authorization` (0 disarms).
    pub fn arm_push_bad_signature(&self, count: u32) {
        self.state.push.arm_bad_signature(count);
    }

    /// Delivers every push message due now on the virtual clock (expiry alerts checked first),
    /// waiting for a delivery pass in progress; returns the attempts this call made.
    pub fn flush_push(&self) -> usize {
        self.state.push.deliver_due(&self.state)
    }

    /// Every push delivery attempt so far, oldest first.
    pub fn push_log(&self) -> Vec<crate::push::PushDelivery> {
        self.state.push.log()
    }

    /// The virtual clock, UTC epoch milliseconds.
    pub fn now_ms(&self) -> i64 {
        self.state.clock.now_ms()
    }

    /// Arms a fault for the next `count` requests to `route`: a GOP API path
    /// (`/auth/token/create`), a TOP method, any other request path, or `*` for all; `None`
    /// keeps it armed until [`Sandbox::clear_faults`]. Specs: `latency;ms=N`, `stall-head;ms=N`
    /// (nothing sent), `stall-headers;ms=N`, `stall-body;ms=N`, `http-500` (any 4xx/5xx, HTML
    /// page), `truncated`, `invalid-json`, `oversized;bytes=N`, `reset` (TCP RST), `drip;ms=N`,
    /// `throttle;seconds=N;code=ApiCallLimit|AppCallLimit`. Stalls, `truncated`, `reset` and
    /// `drip` let the request take effect first (a code is spent) and break only the answer.
    /// One request can pick its own fault with the `X-Sandbox-Fault: SPEC` header instead.
    ///
    /// # Errors
    /// `InvalidInput` for an empty route, a zero count or a bad spec.
    pub fn arm_fault(&self, route: &str, spec: &str, count: Option<u32>) -> io::Result<()> {
        self.state.faults.arm(route, spec, count).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))
    }

    /// Disarms every fault armed for a route.
    pub fn clear_faults(&self) {
        self.state.faults.clear();
    }

    /// Requests that reached `route` (as in [`Sandbox::arm_fault`]) so far, faulted or not.
    pub fn route_hits(&self, route: &str) -> u64 {
        self.state.faults.hits(route)
    }

    /// Replaces the rate limits and daily quota (see [`LimitsConfig`]); buckets start full again,
    /// bans and daily counts are kept.
    ///
    /// # Errors
    /// `InvalidInput` for limits out of range.
    pub fn set_limits(&self, limits: LimitsConfig) -> io::Result<()> {
        limits.validate().map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        self.state.limits.set(limits);
        Ok(())
    }

    /// Bans `app_key` (with `api`: only that API of the app) for `seconds` of the virtual clock,
    /// as a platform does after too many calls: its calls are answered `AppCallLimit` (TOP: `7`)
    /// or `ApiCallLimit`, "ban will last N seconds", until then. 0 lifts the ban. Returns when the
    /// ban ends (virtual epoch ms).
    ///
    /// # Errors
    /// `InvalidInput` for an unknown app or more than [`crate::MAX_BAN_SECS`].
    pub fn ban(&self, app_key: &str, api: Option<&str>, seconds: u32) -> io::Result<i64> {
        if self.state.app(app_key).is_none() || seconds > crate::MAX_BAN_SECS {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "unknown app_key or seconds over a day"));
        }
        Ok(self.state.limits.ban(app_key, api, seconds, self.state.clock.now_ms()))
    }

    /// Lifts every ban, refills every bucket and forgets the daily counts (the limits stay).
    pub fn reset_limits(&self) {
        self.state.limits.reset();
    }

    /// The request log: every GOP and TOP call received (the last [`crate::MAX_LOGGED_REQUESTS`]),
    /// oldest first, with its virtual arrival time, app, API and whether it was throttled.
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.state.limits.log.since(0)
    }

    /// Empties the request log.
    pub fn clear_request_log(&self) {
        self.state.limits.log.clear();
    }

    /// Sets the HTTP status of API errors other than the OAuth calls' (which stay 400): 200, as
    /// the platforms answer (the default), or any 4xx/5xx.
    ///
    /// # Errors
    /// `InvalidInput` for another status.
    pub fn set_api_error_status(&self, status: u16) -> io::Result<()> {
        if !crate::config::valid_api_error_status(status) {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "api_error_status must be 200 or 400..=599"));
        }
        self.state.set_api_error_status(status);
        Ok(())
    }

    /// Counters of what has been served so far.
    pub fn stats(&self) -> Stats {
        let c = &self.state.counters;
        let get = |a: &std::sync::atomic::AtomicU64| a.load(Ordering::Relaxed);
        Stats {
            connections: get(&c.connections),
            requests: get(&c.requests),
            codes_issued: get(&c.codes_issued),
            tokens_created: get(&c.tokens_created),
            refreshes: get(&c.refreshes),
            errors: get(&c.errors),
            enos_tokens_issued: get(&self.state.enos.tokens_issued),
            enos_refreshes: get(&self.state.enos.refreshes),
        }
    }
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("addr", &self.addr).finish_non_exhaustive()
    }
}

/// What the accept loop and the connection threads share.
#[derive(Default)]
struct Shared {
    stopping: AtomicBool,
    next_id: AtomicU64,
    /// Live connections (a handle to each socket, so that stopping can shut them down).
    connections: Mutex<HashMap<u64, TcpStream>>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

impl Shared {
    fn connections(&self) -> MutexGuard<'_, HashMap<u64, TcpStream>> {
        self.connections.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn threads(&self) -> MutexGuard<'_, Vec<JoinHandle<()>>> {
        self.threads.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Sandbox {
    /// Stops accepting, shuts every open connection down, and joins the threads (one still
    /// busy after 5 s, e.g. in a handler, is detached instead).
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wake the accept loop with a connection of our own.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        if let Some(pusher) = self.pusher.take() {
            let _ = pusher.join();
        }
        for stream in self.shared.connections().values() {
            let _ = stream.shutdown(Shutdown::Both);
        }
        let threads: Vec<JoinHandle<()>> = self.shared.threads().drain(..).collect();
        let deadline = Instant::now() + STOP_GRACE;
        while Instant::now() < deadline && !threads.iter().all(JoinHandle::is_finished) {
            thread::sleep(Duration::from_millis(2));
        }
        for t in threads.into_iter().filter(JoinHandle::is_finished) {
            let _ = t.join();
        }
    }
}

fn accept(listener: &TcpListener, state: &Arc<State>, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        state.counters.connections.fetch_add(1, Ordering::Relaxed);
        let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
        {
            let mut live = shared.connections();
            if live.len() >= MAX_CONNECTIONS {
                drop(live);
                let busy = Reply::json(
                    503,
                    &serde_json::json!({"code": "ServiceUnavailable", "message": "Too many connections"}),
                );
                let _ = http1::write_reply(&mut &stream, &busy, true);
                continue;
            }
            match stream.try_clone() {
                Ok(handle) => live.insert(id, handle),
                Err(_) => continue,
            };
        }
        let (st, sh) = (state.clone(), shared.clone());
        let spawned = thread::Builder::new().name("iop-sandbox-conn".into()).spawn(move || {
            serve_connection(stream, &st, &sh);
            sh.connections().remove(&id);
        });
        let mut threads = shared.threads();
        threads.retain(|t| !t.is_finished());
        match spawned {
            Ok(handle) => threads.push(handle),
            Err(_) => {
                shared.connections().remove(&id);
            }
        }
    }
}

/// Adds a `Date` header from the clock that judges timestamps (the real clock plus the configured
/// skew), as gateways send one, so that clients can measure their clock skew.
fn with_date(mut reply: Reply, state: &State) -> Reply {
    if !reply.headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("date")) {
        let now = crate::clock::real_now_ms().saturating_add(state.clock_skew_ms());
        reply.headers.push(("Date".into(), iop::datetime::http_date(now)));
    }
    reply
}

/// Serves requests on one connection until the client closes it, asks to, or idles too long.
fn serve_connection(stream: TcpStream, state: &State, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IDLE_TIMEOUT));
    let _ = stream.set_nodelay(true);
    let mut writer = &stream;
    let mut reader = BufReader::new(&stream);
    loop {
        let (reply, keep_alive) = match http1::read_request(&mut reader, &mut writer) {
            Next::Closed => return,
            Next::Malformed => (routes::bad_request(), false),
            Next::HeadTooLarge => (routes::head_too_large(), false),
            Next::Tls => (routes::tls_on_plain_port(), false),
            Next::Request(rq) => {
                let incoming = Incoming::new(&rq.method, &rq.target, rq.content_type, rq.body).with_headers(rq.headers);
                let answer = |rq: &Incoming| {
                    panic::catch_unwind(AssertUnwindSafe(|| routes::handle(state, rq)))
                        .unwrap_or_else(|_| routes::internal_error(rq))
                };
                match faults::serve(state, &stream, &incoming, answer) {
                    Delivery::Reply(reply) => (reply, rq.keep_alive),
                    Delivery::Closed => return,
                }
            }
        };
        let keep_alive = keep_alive && !shared.stopping.load(Ordering::SeqCst);
        let reply = with_date(reply, state);
        if http1::write_reply(&mut writer, &reply, !keep_alive).is_err() || !keep_alive {
            let _ = stream.shutdown(Shutdown::Write);
            return;
        }
    }
}
