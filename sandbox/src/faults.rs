//! Fault injection: answering badly on purpose, so that clients can be tested against slow,
//! broken and throttling gateways.
//!
//! A fault is chosen for one request with the `X-Sandbox-Fault: <spec>` header, or armed for a
//! route (the next `count` requests to it, or every one until cleared) with
//! `POST /_sandbox/faults?route=/auth/token/create&mode=<spec>&count=N`,
//! [`crate::Sandbox::arm_fault`] or `iop_sandbox_arm_fault`. A route is the GOP API path
//! (`/seller/get`), the TOP method (`aliexpress.ds.category.get`), any other request path, or `*`
//! for all of them; control endpoints are never faulted. Without a fault the sandbox answers as
//! usual.
//!
//! A spec is `mode` followed by `;key=value` options:
//!
//! | spec (defaults) | the request is handled first | the client sees |
//! |---|---|---|
//! | `latency;ms=200` | yes, after the delay | the normal answer, late |
//! | `stall-head;ms=30000` | yes | not a byte for `ms`, then the connection closes |
//! | `stall-headers;ms=30000` | yes | status line and headers, then nothing for `ms`, then close |
//! | `stall-body;ms=30000` | yes | headers and half the body, then nothing for `ms`, then close |
//! | `http-500`, `http-502`, `http-503` (any `http-4xx`/`http-5xx`) | no | that status with an HTML page |
//! | `truncated` | yes | headers announcing the whole body, half of it, then close |
//! | `invalid-json` | no | HTTP 200, `application/json`, a body that is not JSON |
//! | `oversized;bytes=9437184` | no | HTTP 200 and a JSON body of `bytes` bytes, streamed |
//! | `reset` | yes | a TCP reset instead of an answer |
//! | `drip;ms=20` | yes | the normal answer one byte every `ms` |
//! | `throttle;seconds=1;code=ApiCallLimit` | no | the platform's throttling error (`ApiCallLimit` or `AppCallLimit`, "ban will last N seconds") |
//!
//! "Handled" means the call took effect: a code is consumed, a refresh token rotated, just as
//! when a real answer is lost on the way back. A stall ends early when the client hangs up.
//! A refused connection cannot come from a listening port: [`closed_port`] gives a loopback
//! port where nothing listens.

use std::collections::HashMap;
use std::io::{self, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::{Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::envelope::ApiError;
use crate::http1;
use crate::ids;
use crate::reply::{JSON_CONTENT_TYPE, Reply};
use crate::request::{self, Incoming};
use crate::routes::Route;
use crate::state::State;

/// The request header that picks a fault for that request alone.
pub(crate) const FAULT_HEADER: &str = "X-Sandbox-Fault";
/// Default delay of `latency`.
const DEFAULT_LATENCY_MS: u64 = 200;
/// Default length of the stalls.
const DEFAULT_STALL_MS: u64 = 30_000;
/// Default pause between two bytes of `drip`.
const DEFAULT_DRIP_MS: u64 = 20;
/// Default body size of `oversized`: 1 MiB over the client's default 8 MiB cap.
const DEFAULT_OVERSIZED_BYTES: u64 = 9 * 1024 * 1024;
/// Longest delay accepted in a spec (10 minutes).
const MAX_MS: u64 = 600_000;
/// Largest `oversized` body accepted (1 GiB) and smallest (room for the JSON around the filler).
const MAX_OVERSIZED_BYTES: u64 = 1 << 30;
const MIN_OVERSIZED_BYTES: u64 = 64;
/// Most distinct routes whose hits are counted (paths are client-chosen).
const MAX_COUNTED_ROUTES: usize = 10_000;

/// One way of answering badly (see the module documentation for the specs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Answer normally after a delay.
    Latency(Duration),
    /// Send nothing for a while, then close.
    StallHead(Duration),
    /// Send the status line and headers, then nothing for a while, then close.
    StallHeaders(Duration),
    /// Send the headers and half the body, then nothing for a while, then close.
    StallBody(Duration),
    /// An HTTP error status with an HTML page.
    Http(u16),
    /// Announce the whole body, send half, close.
    Truncated,
    /// HTTP 200 with a body that is not JSON.
    InvalidJson,
    /// HTTP 200 with a JSON body of this many bytes.
    Oversized(u64),
    /// A TCP reset instead of an answer.
    Reset,
    /// The normal answer one byte at a time.
    Drip(Duration),
    /// The platform's throttling error.
    Throttle {
        /// `ApiCallLimit` or `AppCallLimit`.
        code: &'static str,
        /// The ban the message announces.
        seconds: u64,
    },
}

impl Fault {
    /// Parses a spec such as `stall-body;ms=2000`; `Err` says what is wrong with it.
    pub(crate) fn parse(spec: &str) -> Result<Fault, String> {
        let mut parts = spec.split(';').map(str::trim);
        let mode = parts.next().unwrap_or_default().to_ascii_lowercase();
        let mut options = Options::default();
        for part in parts.filter(|p| !p.is_empty()) {
            let (key, value) = part.split_once('=').ok_or_else(|| format!("option `{part}` is not key=value"))?;
            options.0.push((key.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
        let fault = match mode.as_str() {
            "latency" => Fault::Latency(options.millis("ms", DEFAULT_LATENCY_MS)?),
            "stall-head" => Fault::StallHead(options.millis("ms", DEFAULT_STALL_MS)?),
            "stall-headers" => Fault::StallHeaders(options.millis("ms", DEFAULT_STALL_MS)?),
            "stall-body" => Fault::StallBody(options.millis("ms", DEFAULT_STALL_MS)?),
            "truncated" => Fault::Truncated,
            "invalid-json" => Fault::InvalidJson,
            "oversized" => {
                let bytes = options.number("bytes", DEFAULT_OVERSIZED_BYTES, MAX_OVERSIZED_BYTES)?;
                if bytes < MIN_OVERSIZED_BYTES {
                    return Err(format!("bytes must be at least {MIN_OVERSIZED_BYTES}"));
                }
                Fault::Oversized(bytes)
            }
            "reset" => Fault::Reset,
            "drip" => Fault::Drip(options.millis("ms", DEFAULT_DRIP_MS)?),
            "throttle" => {
                let seconds = options.number("seconds", 1, 86_400)?;
                let code = match options.take("code").as_deref() {
                    None | Some("ApiCallLimit") => "ApiCallLimit",
                    Some("AppCallLimit") => "AppCallLimit",
                    Some(_) => return Err("code must be ApiCallLimit or AppCallLimit".into()),
                };
                Fault::Throttle { code, seconds }
            }
            other => match other.strip_prefix("http-").and_then(|s| s.parse::<u16>().ok()) {
                Some(status) if (400..=599).contains(&status) => Fault::Http(status),
                _ => return Err(format!("unknown fault mode `{other}`")),
            },
        };
        match options.0.first() {
            Some((key, _)) => Err(format!("option `{key}` does not apply to `{mode}`")),
            None => Ok(fault),
        }
    }
}

/// The `key=value` options of a spec; each is taken once, and leftovers are an error.
#[derive(Default)]
struct Options(Vec<(String, String)>);

impl Options {
    fn take(&mut self, key: &str) -> Option<String> {
        let i = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.remove(i).1)
    }

    fn number(&mut self, key: &str, default: u64, max: u64) -> Result<u64, String> {
        match self.take(key) {
            None => Ok(default),
            Some(v) => v.parse::<u64>().ok().filter(|n| *n <= max).ok_or_else(|| format!("{key} must be 0..={max}")),
        }
    }

    fn millis(&mut self, key: &str, default: u64) -> Result<Duration, String> {
        self.number(key, default, MAX_MS).map(Duration::from_millis)
    }
}

/// Faults armed per route, and how many requests each route has received.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    inner: Mutex<Registry>,
}

#[derive(Debug, Default)]
struct Registry {
    armed: Vec<Armed>,
    hits: HashMap<String, u64>,
}

#[derive(Debug)]
struct Armed {
    route: String,
    spec: String,
    fault: Fault,
    /// Requests left to fault; `None` until cleared.
    remaining: Option<u32>,
}

impl Faults {
    fn lock(&self) -> MutexGuard<'_, Registry> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Arms `spec` for the next `count` requests to `route` (`None`: every one until cleared).
    /// Faults armed for the same route apply in the order they were armed.
    pub(crate) fn arm(&self, route: &str, spec: &str, count: Option<u32>) -> Result<(), String> {
        if route.is_empty() {
            return Err("route must not be empty".into());
        }
        if count == Some(0) {
            return Err("count must be at least 1".into());
        }
        let fault = Fault::parse(spec)?;
        self.lock().armed.push(Armed { route: route.to_owned(), spec: spec.to_owned(), fault, remaining: count });
        Ok(())
    }

    /// Disarms every fault (hit counts are kept).
    pub(crate) fn clear(&self) {
        self.lock().armed.clear();
    }

    /// Requests received for `route` so far, faulted or not.
    pub(crate) fn hits(&self, route: &str) -> u64 {
        self.lock().hits.get(route).copied().unwrap_or(0)
    }

    /// Counts a request to `route` and, unless the request chose its own fault, takes the first
    /// fault armed for it.
    fn on_request(&self, route: &str, chose_own: bool) -> Option<Fault> {
        let mut registry = self.lock();
        let hits = &mut registry.hits;
        if let Some(n) = hits.get_mut(route) {
            *n += 1;
        } else if hits.len() < MAX_COUNTED_ROUTES {
            hits.insert(route.to_owned(), 1);
        }
        if chose_own {
            return None;
        }
        let i = registry.armed.iter().position(|a| a.route == route || a.route == "*")?;
        let fault = registry.armed[i].fault.clone();
        match &mut registry.armed[i].remaining {
            Some(1) => {
                registry.armed.remove(i);
            }
            Some(n) => *n -= 1,
            None => {}
        }
        Some(fault)
    }

    /// `{"armed":[{"route","mode","remaining"}…],"hits":{route: n…}}` for the control endpoint.
    pub(crate) fn snapshot(&self) -> Value {
        let registry = self.lock();
        let armed: Vec<Value> = registry
            .armed
            .iter()
            .map(|a| json!({"route": a.route, "mode": a.spec, "remaining": a.remaining}))
            .collect();
        json!({"armed": armed, "hits": registry.hits})
    }
}

/// How a request was answered under [`serve`].
pub(crate) enum Delivery {
    /// Write this reply as usual (no fault, or a fault that only changes the reply).
    Reply(Reply),
    /// The fault wrote what it wanted (or nothing); close the connection without another byte.
    Closed,
}

/// Answers `rq` on `stream`: through `answer` (the normal handler) when no fault applies,
/// otherwise as the fault says.
pub(crate) fn serve(
    state: &State,
    stream: &TcpStream,
    rq: &Incoming,
    answer: impl FnOnce(&Incoming) -> Reply,
) -> Delivery {
    let Some(route) = route_key(rq) else { return Delivery::Reply(answer(rq)) };
    let own = rq.header(FAULT_HEADER);
    let armed = state.faults.on_request(&route, own.is_some());
    let fault = match own.map(Fault::parse) {
        None => armed,
        Some(Ok(fault)) => Some(fault),
        Some(Err(e)) => {
            let error = ApiError::invalid_request(&format!("bad {FAULT_HEADER}: {e}"));
            let reply = Reply::json(error.status, &error.body(Route::parse(&rq.path).style(), &ids::request_id()));
            return Delivery::Reply(counted(state, reply));
        }
    };
    let Some(fault) = fault else { return Delivery::Reply(answer(rq)) };
    match fault {
        Fault::Latency(delay) => {
            hold(stream, delay);
            Delivery::Reply(answer(rq))
        }
        Fault::Http(status) => Delivery::Reply(counted(state, html_page(status))),
        Fault::InvalidJson => Delivery::Reply(counted(state, invalid_json())),
        Fault::Throttle { code, seconds } => {
            let (app_key, api) = caller(rq);
            let reply = throttle(rq, code, seconds, crate::api::error_status(state, Some(&api)));
            state.limits.log.record(state.clock.now_ms(), &app_key, &api, Some("fault"), code);
            Delivery::Reply(counted(state, reply))
        }
        Fault::Oversized(bytes) => {
            counted(state, Reply { status: 200, headers: Vec::new(), body: Vec::new() });
            let _ = write_oversized(stream, bytes);
            let _ = stream.shutdown(Shutdown::Write);
            Delivery::Closed
        }
        Fault::StallHead(time) => {
            answer(rq);
            hold(stream, time);
            Delivery::Closed
        }
        Fault::StallHeaders(time) => {
            let reply = answer(rq);
            let _ = write_all(stream, &http1::head(&reply, reply.body.len(), true));
            hold(stream, time);
            Delivery::Closed
        }
        Fault::StallBody(time) => {
            let reply = answer(rq);
            let _ = write_partial(stream, &reply);
            hold(stream, time);
            Delivery::Closed
        }
        Fault::Truncated => {
            let reply = answer(rq);
            let _ = write_partial(stream, &reply);
            let _ = stream.shutdown(Shutdown::Write);
            Delivery::Closed
        }
        Fault::Reset => {
            answer(rq);
            // Closing with a zero linger time sends RST instead of FIN.
            let _ = socket2::SockRef::from(stream).set_linger(Some(Duration::ZERO));
            Delivery::Closed
        }
        Fault::Drip(pause) => {
            let reply = answer(rq);
            let mut bytes = http1::head(&reply, reply.body.len(), true);
            bytes.extend_from_slice(&reply.body);
            let mut out = stream;
            for (i, byte) in bytes.iter().enumerate() {
                if i > 0 {
                    thread::sleep(pause);
                }
                if out.write_all(std::slice::from_ref(byte)).is_err() {
                    break;
                }
            }
            let _ = stream.shutdown(Shutdown::Write);
            Delivery::Closed
        }
    }
}

/// The `app_key` and API name of a request (empty when absent), for the request log.
fn caller(rq: &Incoming) -> (String, String) {
    let params = rq.body.as_ref().ok().and_then(|body| request::params(rq, body).ok()).unwrap_or_default();
    let api = match Route::parse(&rq.path) {
        Route::Rest(_, Some(api)) => Some(api),
        _ => params.non_empty("method").map(str::to_owned),
    };
    (params.get("app_key").unwrap_or_default().to_owned(), api.unwrap_or_default())
}

/// The route a request counts for; `None` for control endpoints, which are never faulted.
fn route_key(rq: &Incoming) -> Option<String> {
    match Route::parse(&rq.path) {
        Route::Control(_) => None,
        Route::Rest(_, Some(api)) => Some(api),
        Route::Rest(_, None) | Route::Sync => {
            let method = rq
                .body
                .as_ref()
                .ok()
                .and_then(|body| request::params(rq, body).ok())
                .and_then(|p| p.non_empty("method").map(str::to_owned));
            Some(method.unwrap_or_else(|| rq.path.clone()))
        }
        _ => Some(rq.path.clone()),
    }
}

/// Counts a reply made here (not by the handlers) in the sandbox's statistics.
fn counted(state: &State, reply: Reply) -> Reply {
    state.counters.requests.fetch_add(1, Ordering::Relaxed);
    if reply.status >= 400 {
        state.counters.errors.fetch_add(1, Ordering::Relaxed);
    }
    reply
}

/// Waits `time`, or less if the peer hangs up (or the sandbox shuts the socket down).
fn hold(stream: &TcpStream, time: Duration) {
    let deadline = Instant::now() + time;
    let previous = stream.read_timeout().ok().flatten();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            break;
        }
        match stream.peek(&mut [0u8; 1]) {
            // The peer closed its side: nobody is waiting any more.
            Ok(0) => break,
            // Bytes wait unread (a pipelined request): peek would not block, so sleep instead.
            Ok(_) => {
                thread::sleep(left);
                break;
            }
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        }
    }
    let _ = stream.set_read_timeout(previous);
}

fn write_all(mut stream: &TcpStream, bytes: &[u8]) -> io::Result<()> {
    stream.write_all(bytes)?;
    stream.flush()
}

/// Headers announcing the whole body of `reply`, then only its first half.
fn write_partial(stream: &TcpStream, reply: &Reply) -> io::Result<()> {
    let mut bytes = http1::head(reply, reply.body.len(), true);
    bytes.extend_from_slice(&reply.body[..reply.body.len() / 2]);
    write_all(stream, &bytes)
}

/// `bytes` bytes of valid JSON, `{"code":"0","request_id":…,"data":"xxx…"}`, written in
/// chunks so that the body never sits in memory whole.
fn write_oversized(stream: &TcpStream, bytes: u64) -> io::Result<()> {
    static FILL: [u8; 64 * 1024] = [b'x'; 64 * 1024];
    let prefix = format!(r#"{{"code":"0","request_id":"{}","data":""#, ids::request_id());
    let suffix = "\"}";
    let head = Reply { status: 200, headers: vec![("Content-Type".into(), JSON_CONTENT_TYPE.into())], body: vec![] };
    let length = usize::try_from(bytes).unwrap_or(usize::MAX);
    write_all(stream, &http1::head(&head, length, true))?;
    let mut out = stream;
    out.write_all(prefix.as_bytes())?;
    let mut left = bytes.saturating_sub((prefix.len() + suffix.len()) as u64);
    while left > 0 {
        let n = left.min(FILL.len() as u64) as usize;
        out.write_all(&FILL[..n])?;
        left -= n as u64;
    }
    out.write_all(suffix.as_bytes())?;
    out.flush()
}

/// An error page as a front proxy (Tengine) serves it.
fn html_page(status: u16) -> Reply {
    let title = format!("{status} {}", http1::reason(status));
    let body = format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n\
         <hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n"
    );
    Reply { status, headers: vec![("Content-Type".into(), "text/html".into())], body: body.into_bytes() }
}

/// HTTP 200 announcing JSON, with a body no JSON parser accepts.
fn invalid_json() -> Reply {
    let body = format!(r#"{{"code":"0","request_id":"{}","data":{{'name': undefined,}}}}"#, ids::request_id());
    Reply { status: 200, headers: vec![("Content-Type".into(), JSON_CONTENT_TYPE.into())], body: body.into_bytes() }
}

/// The platforms' throttling error, in the envelope of the route (wrapped for TOP), with HTTP
/// `status`.
fn throttle(rq: &Incoming, code: &'static str, seconds: u64, status: u16) -> Reply {
    let message = match code {
        "AppCallLimit" => format!("This ban will last {seconds} more seconds"),
        _ => format!("The request has exceeded the limit, ban will last {seconds} seconds"),
    };
    let e = ApiError {
        status,
        kind: "ISP",
        code,
        message: message.clone(),
        sub_code: crate::envelope::RATE_LIMITED_SUB_CODE,
        sub_msg: message,
        flat_sub: false,
    };
    Reply::json(e.status, &e.body(Route::parse(&rq.path).style(), &ids::request_id()))
}

/// A loopback address where nothing listens (bound, then released): connecting to it is
/// refused. Another program could take the port meanwhile, which is unlikely right away.
///
/// # Errors
/// The bind error, if no ephemeral port is free.
pub fn closed_port() -> io::Result<SocketAddr> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    listener.local_addr()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse() {
        let ms = Duration::from_millis;
        assert_eq!(Fault::parse("latency").unwrap(), Fault::Latency(ms(200)));
        assert_eq!(Fault::parse("latency;ms=5").unwrap(), Fault::Latency(ms(5)));
        assert_eq!(Fault::parse(" Stall-Body ; ms = 300 ").unwrap(), Fault::StallBody(ms(300)));
        assert_eq!(Fault::parse("stall-head").unwrap(), Fault::StallHead(ms(30_000)));
        assert_eq!(Fault::parse("stall-headers;ms=1").unwrap(), Fault::StallHeaders(ms(1)));
        assert_eq!(Fault::parse("http-502").unwrap(), Fault::Http(502));
        assert_eq!(Fault::parse("truncated").unwrap(), Fault::Truncated);
        assert_eq!(Fault::parse("invalid-json").unwrap(), Fault::InvalidJson);
        assert_eq!(Fault::parse("oversized").unwrap(), Fault::Oversized(9 * 1024 * 1024));
        assert_eq!(Fault::parse("oversized;bytes=100").unwrap(), Fault::Oversized(100));
        assert_eq!(Fault::parse("reset").unwrap(), Fault::Reset);
        assert_eq!(Fault::parse("drip;ms=1").unwrap(), Fault::Drip(ms(1)));
        assert_eq!(Fault::parse("throttle").unwrap(), Fault::Throttle { code: "ApiCallLimit", seconds: 1 });
        assert_eq!(
            Fault::parse("throttle;seconds=20;code=AppCallLimit").unwrap(),
            Fault::Throttle { code: "AppCallLimit", seconds: 20 }
        );
        for bad in [
            "",
            "nope",
            "http-200",
            "http-x",
            "latency;ms=-1",
            "latency;ms=600001",
            "latency;ms",
            "reset;ms=5",
            "oversized;bytes=10",
            "throttle;code=Other",
            "latency;ms=1;ms=2",
        ] {
            assert!(Fault::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn armed_faults_count_down_in_order() {
        let f = Faults::default();
        assert!(f.arm("", "reset", None).is_err());
        assert!(f.arm("/a", "reset", Some(0)).is_err());
        assert!(f.arm("/a", "bogus", Some(1)).is_err());
        f.arm("/a", "reset", Some(2)).unwrap();
        f.arm("/a", "truncated", Some(1)).unwrap();
        f.arm("*", "invalid-json", None).unwrap();
        assert_eq!(f.on_request("/a", false), Some(Fault::Reset));
        assert_eq!(f.on_request("/a", true), None, "a request's own fault wins; nothing is taken");
        assert_eq!(f.on_request("/a", false), Some(Fault::Reset));
        assert_eq!(f.on_request("/a", false), Some(Fault::Truncated));
        assert_eq!(f.on_request("/a", false), Some(Fault::InvalidJson));
        assert_eq!(f.on_request("/b", false), Some(Fault::InvalidJson));
        assert_eq!((f.hits("/a"), f.hits("/b"), f.hits("/c")), (5, 1, 0));
        assert_eq!(f.snapshot()["armed"].as_array().unwrap().len(), 1);
        f.clear();
        assert_eq!(f.on_request("/a", false), None);
        assert_eq!(f.snapshot()["hits"]["/a"], 6);
    }

    #[test]
    fn routes_of_requests() {
        let rq = |path: &str, body: &str| {
            Incoming::new("POST", path, Some("application/x-www-form-urlencoded".into()), Ok(body.as_bytes().to_vec()))
        };
        assert_eq!(route_key(&rq("/tw/rest/auth/token/create", "")).as_deref(), Some("/auth/token/create"));
        assert_eq!(route_key(&rq("/aliexpress/sync", "method=a.b.c")).as_deref(), Some("a.b.c"));
        assert_eq!(route_key(&rq("/rest", "method=/seller/get")).as_deref(), Some("/seller/get"));
        assert_eq!(route_key(&rq("/sync", "")).as_deref(), Some("/sync"));
        assert_eq!(route_key(&rq("/oauth/authorize", "")).as_deref(), Some("/oauth/authorize"));
        assert_eq!(route_key(&rq("/_sandbox/faults", "")), None);
    }

    #[test]
    fn canned_replies() {
        let page = html_page(502);
        assert_eq!(page.status, 502);
        assert!(String::from_utf8(page.body).unwrap().contains("<h1>502 Bad Gateway</h1>"));
        assert!(serde_json::from_slice::<Value>(&invalid_json().body).is_err());
        let rq = Incoming::new("POST", "/sync", None, Ok(vec![]));
        let wrapped = throttle(&rq, "AppCallLimit", 20, 200).json_body();
        assert_eq!(wrapped["error_response"]["code"], "AppCallLimit");
        assert_eq!(wrapped["error_response"]["msg"], "This ban will last 20 more seconds");
        let rq = Incoming::new("POST", "/rest/seller/get", None, Ok(vec![]));
        let flat = throttle(&rq, "ApiCallLimit", 1, 200).json_body();
        assert_eq!(flat["type"], "ISP");
        assert_eq!(flat["message"], "The request has exceeded the limit, ban will last 1 seconds");
    }

    #[test]
    fn closed_port_refuses() {
        let addr = closed_port().unwrap();
        let e = TcpStream::connect(addr).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::ConnectionRefused);
    }
}
