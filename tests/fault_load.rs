//! Load under faults: several threads make thousands of calls through a sandbox that answers
//! most of them badly. Every call ends in its expected typed result, nothing crashes, and the
//! process's resident memory (client and in-process sandbox) stays bounded after a warm-up.
//! Alone in its own test binary so that no other test moves the memory figures.

mod common;

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use common::*;
use iop::{Client, ClientConfig, ErrorKind, Request};

const THREADS: usize = 4;
const WARMUP_PER_THREAD: usize = 75;
const CALLS_PER_THREAD: usize = 450;
/// Response cap of the load clients, under the `oversized` body below.
const CAP: u64 = 256 * 1024;
/// Allowed growth of VmRSS over the measured calls. A leak of one capped body per oversized
/// call would be ~50 MiB here, and of 8 KiB per call ~14 MiB.
const MAX_GROWTH_KIB: i64 = 12 * 1024;

/// The faults cycled through, and what each must give: `Ok(code)` for a response, `Err(kind)`.
const MODES: [(Option<&str>, Result<&str, ErrorKind>); 9] = [
    (None, Ok("MissingParameter")),
    (Some("http-502"), Err(ErrorKind::Http)),
    (Some("http-503"), Err(ErrorKind::Http)),
    (Some("invalid-json"), Err(ErrorKind::MalformedResponse)),
    (Some("truncated"), Err(ErrorKind::MalformedResponse)),
    (Some("reset"), Err(ErrorKind::Network)),
    (Some("oversized;bytes=300000"), Err(ErrorKind::MalformedResponse)),
    (Some("throttle;seconds=1"), Ok("ApiCallLimit")),
    (Some("latency;ms=1"), Ok("MissingParameter")),
];
/// One call in this many is a stall, made with a short read timeout (to another API path: such a
/// call may time out before its request is even written, on a busy machine).
const STALL_EVERY: usize = 40;
const STALL_API: &str = "/order/get";
const STALL_TIMEOUT: Duration = Duration::from_millis(50);

fn rss_kib() -> i64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).expect("VmRSS line");
    line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).expect("VmRSS in kB")
}

struct Clients {
    normal: Client,
    stalling: Client,
}

/// Makes `n` calls starting at `offset` in the cycle; returns (calls, stalls) after checking each.
fn run_calls(clients: &Clients, offset: usize, n: usize) -> (usize, usize) {
    let mut stalls = 0;
    for i in offset..offset + n {
        if i % STALL_EVERY == STALL_EVERY - 1 {
            stalls += 1;
            let mut r = Request::new(STALL_API).unwrap();
            r.add_header("X-Sandbox-Fault", "stall-body;ms=5000").unwrap();
            let start = Instant::now();
            let e = clients.stalling.execute(&r, None, None).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Timeout, "call {i}: {e}");
            assert!(start.elapsed() < STALL_TIMEOUT * 20, "call {i}: stalled {:?}", start.elapsed());
            continue;
        }
        let mut r = Request::new("/seller/get").unwrap();
        let (fault, expected) = MODES[i % MODES.len()];
        if let Some(spec) = fault {
            r.add_header("X-Sandbox-Fault", spec).unwrap();
        }
        match (clients.normal.execute(&r, None, None), expected) {
            (Ok(resp), Ok(code)) => {
                assert_eq!(resp.code(), Some(code), "call {i} ({fault:?})");
                assert_eq!(resp.retry_after().is_some(), code == "ApiCallLimit", "call {i}");
            }
            (Err(e), Err(kind)) => assert_eq!(e.kind(), kind, "call {i} ({fault:?}): {e}"),
            (got, _) => panic!("call {i} ({fault:?}): expected {expected:?}, got {got:?}"),
        }
    }
    (n, stalls)
}

fn in_threads(clients: &[Arc<Clients>], offset: usize, n: usize) -> (usize, usize) {
    let handles: Vec<_> = clients
        .iter()
        .enumerate()
        .map(|(t, c)| {
            let c = c.clone();
            thread::spawn(move || run_calls(&c, offset + t, n))
        })
        .collect();
    handles.into_iter().map(|h| h.join().expect("no panic")).fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
}

#[test]
fn thousands_of_faulted_calls_stay_typed_and_bounded() {
    let sb = sandbox();
    let url = sb.base_url(Flavour::Lazada);
    let normal =
        ClientConfig { max_response_bytes: CAP, read_timeout: Duration::from_secs(10), ..ClientConfig::default() };
    let stalling = ClientConfig { read_timeout: STALL_TIMEOUT, ..normal.clone() };
    let clients: Vec<Arc<Clients>> = (0..THREADS)
        .map(|_| {
            Arc::new(Clients {
                normal: Client::with_config(&url, APP_KEY, APP_SECRET, normal.clone()).unwrap(),
                stalling: Client::with_config(&url, APP_KEY, APP_SECRET, stalling.clone()).unwrap(),
            })
        })
        .collect();

    let (_, warmup_stalls) = in_threads(&clients, 0, WARMUP_PER_THREAD);
    thread::sleep(Duration::from_millis(100)); // let the sandbox's connection threads finish
    let before = rss_kib();
    let start = Instant::now();
    let (calls, stalls) = in_threads(&clients, WARMUP_PER_THREAD, CALLS_PER_THREAD);
    let elapsed = start.elapsed();
    thread::sleep(Duration::from_millis(100));
    let after = rss_kib();

    // Every call that got an answer or failed after sending reached the sandbox exactly once.
    let sent = THREADS * (WARMUP_PER_THREAD + CALLS_PER_THREAD) - stalls - warmup_stalls;
    let deadline = Instant::now() + Duration::from_secs(5);
    while (sb.route_hits("/seller/get") as usize) < sent && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(10));
    }
    let hits = sb.route_hits("/seller/get");
    let stall_hits = sb.route_hits(STALL_API);
    println!(
        "{calls} calls ({stalls} stalls, {} fault modes) from {THREADS} threads in {elapsed:?}; \
         VmRSS {before} -> {after} KiB; sandbox saw {hits} + {stall_hits} requests",
        MODES.len()
    );
    assert_eq!(calls, THREADS * CALLS_PER_THREAD);
    assert_eq!(hits as usize, sent, "each call sent exactly once");
    assert!(stall_hits as usize <= stalls + warmup_stalls, "a timed-out call is never re-sent");
    assert!(after - before < MAX_GROWTH_KIB, "VmRSS grew from {before} to {after} KiB");
}
