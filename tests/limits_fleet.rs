//! The rate limiter shared by a fleet through Redis (a real `redis-server` on loopback, started
//! per test; `scripts/test` installs it), against the sandbox, which throttles like the
//! platforms. Hosts are this test binary run again with `IOP_LF_WORKER` set (see `worker`):
//! separate processes, each with its own Redis connections, sharing nothing but Redis.
//!
//! Must-show figures of issue 20 (printed): 4 hosts × 4 threads for 20 s against a sandbox
//! limit of 50 calls/s per app, with one Redis limiter (50/s app budget): 0 throttling errors
//! and ≥ 90 % of the limit; the same without the limiter: the count of throttling errors. An
//! injected 3 s ban seen by one host: no host sends until it ends (the sandbox's request log).
//! A daily quota: the typed error names the reset instant; nothing is sent after it.
#![cfg(feature = "redis-store")]

mod common;

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use common::redis::RedisServer;
use common::*;
use iop::limits::{RateLimiter, Scope};
use iop::manager::{RedisStore, RedisStoreConfig};
use iop::{Client, ClientConfig, ErrorKind, Request};
use iop_sandbox::{LimitsConfig, Rate};

const HOSTS: usize = 4;
const THREADS: usize = 4;
/// The sandbox's (and the limiter's) calls per second per app.
const LIMIT: u32 = 50;
const RUN_SECS: u64 = 20;

/// The fleet tests take turns: a second fleet would compete for the CPU.
fn fleet_turn() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock().unwrap_or_else(|p| p.into_inner())
}

/// A limiter on `redis_url` (namespace `ns`) with an app budget of `rate`/s (burst `burst`).
fn redis_limiter(redis_url: &str, ns: &str, rate: f64, burst: u32) -> Arc<RateLimiter> {
    let mut config = RedisStoreConfig::new(redis_url, APP_KEY);
    config.namespace = ns.to_owned();
    let store = RedisStore::new(config).unwrap();
    let limiter = RateLimiter::for_store(&store).unwrap();
    if rate > 0.0 {
        limiter.set_budget(Scope::App, None, rate, Some(burst)).unwrap();
    }
    Arc::new(limiter)
}

/// What one host's calls ended as.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    ok: u64,
    throttled: u64,
    rate_limited: u64,
    other: u64,
}

impl Counts {
    fn add(&mut self, o: Counts) {
        self.ok += o.ok;
        self.throttled += o.throttled;
        self.rate_limited += o.rate_limited;
        self.other += o.other;
    }
}

/// Runs `hosts` worker processes calling `/seller/get` on `url` with `token` for `secs`, with a
/// Redis limiter when `redis` is set (`rate` 0: bans only), and sums their counts.
#[allow(clippy::too_many_arguments)]
fn run_fleet(
    url: &str,
    token: &str,
    redis: Option<(&str, &str)>,
    rate: f64,
    burst: u32,
    secs: f64,
    threads: usize,
) -> Counts {
    let children: Vec<Child> = (0..HOSTS)
        .map(|_| {
            let mut cmd = Command::new(std::env::current_exe().unwrap());
            cmd.args(["--exact", "worker", "--nocapture", "--test-threads", "1"])
                .env("IOP_LF_WORKER", "1")
                .env("IOP_LF_URL", url)
                .env("IOP_LF_TOKEN", token)
                .env("IOP_LF_RATE", rate.to_string())
                .env("IOP_LF_BURST", burst.to_string())
                .env("IOP_LF_SECS", secs.to_string())
                .env("IOP_LF_THREADS", threads.to_string())
                .stdout(Stdio::piped())
                .stderr(Stdio::null());
            if let Some((redis_url, ns)) = redis {
                cmd.env("IOP_LF_REDIS", redis_url).env("IOP_LF_NS", ns);
            }
            cmd.spawn().unwrap()
        })
        .collect();
    let mut total = Counts::default();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text
            .lines()
            .find_map(|l| l.find("COUNTS ").map(|i| &l[i + 7..]))
            .unwrap_or_else(|| panic!("worker said: {text}"));
        let n: Vec<u64> = line.split(' ').map(|v| v.parse().unwrap()).collect();
        total.add(Counts { ok: n[0], throttled: n[1], rate_limited: n[2], other: n[3] });
    }
    total
}

/// A host: `IOP_LF_THREADS` threads calling until `IOP_LF_SECS` have passed; prints its counts.
#[test]
fn worker() {
    if std::env::var_os("IOP_LF_WORKER").is_none() {
        return;
    }
    let var = |name: &str| std::env::var(name).unwrap();
    let limiter = std::env::var("IOP_LF_REDIS").ok().map(|url| {
        redis_limiter(
            &url,
            &var("IOP_LF_NS"),
            var("IOP_LF_RATE").parse().unwrap(),
            var("IOP_LF_BURST").parse().unwrap(),
        )
    });
    let config = ClientConfig { rate_limiter: limiter, ..ClientConfig::default() };
    let client = Client::with_config(&var("IOP_LF_URL"), APP_KEY, APP_SECRET, config).unwrap();
    let token = var("IOP_LF_TOKEN");
    let deadline = Instant::now() + Duration::from_secs_f64(var("IOP_LF_SECS").parse().unwrap());
    let threads: usize = var("IOP_LF_THREADS").parse().unwrap();
    let total = Mutex::new(Counts::default());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut mine = Counts::default();
                let request = Request::new("/seller/get").unwrap();
                while Instant::now() < deadline {
                    match client.execute(&request, Some(&token), None) {
                        Ok(r) if r.is_success() => mine.ok += 1,
                        Ok(r) if r.retry_after().is_some() => mine.throttled += 1,
                        Err(e) if e.kind() == ErrorKind::RateLimited => mine.rate_limited += 1,
                        _ => mine.other += 1,
                    }
                }
                total.lock().unwrap().add(mine);
            });
        }
    });
    let c = total.into_inner().unwrap();
    println!("COUNTS {} {} {} {}", c.ok, c.throttled, c.rate_limited, c.other);
}

/// A sandbox limiting every app to `LIMIT` calls/s (burst `LIMIT`), and a token for its app.
fn limited_sandbox() -> (Sandbox, String) {
    let sb = sandbox();
    let token = client(&sb, Flavour::Lazada).create_token(&sb.issue_code(APP_KEY).unwrap()).unwrap();
    sb.set_limits(LimitsConfig {
        app: Some(Rate { rate: LIMIT, burst: None, ban_secs: 0 }),
        ..LimitsConfig::default()
    })
    .unwrap();
    sb.clear_request_log();
    (sb, token.access_token.expose().to_owned())
}

#[test]
fn a_fleet_on_one_redis_limiter_is_never_throttled() {
    let _turn = fleet_turn();
    let redis = RedisServer::start(&[]);
    let (sb, token) = limited_sandbox();
    let ns = format!("lf{}", std::process::id());
    // The limiter's burst is below the sandbox's, which absorbs the jitter between taking a
    // token and the call's arrival.
    let c = run_fleet(
        &sb.base_url(Flavour::Lazada),
        &token,
        Some((&redis.url(), &ns)),
        f64::from(LIMIT),
        10,
        RUN_SECS as f64,
        THREADS,
    );
    let log = sb.request_log();
    let throttled = log.iter().filter(|r| r.throttled).count();
    let per_second = c.ok as f64 / RUN_SECS as f64;
    println!(
        "with the Redis limiter: {HOSTS} hosts x {THREADS} threads, {RUN_SECS} s, sandbox limit {LIMIT}/s: \
         {} ok ({per_second:.1}/s = {:.1} % of the limit), {throttled} throttling errors (sandbox log), \
         {} refused by the limiter, {} other failures",
        c.ok,
        per_second * 100.0 / f64::from(LIMIT),
        c.rate_limited,
        c.other
    );
    assert_eq!(throttled, 0);
    assert_eq!(c.throttled, 0);
    assert_eq!((c.rate_limited, c.other), (0, 0));
    assert_eq!(log.len() as u64, c.ok, "every call sent succeeded");
    assert!(per_second >= 0.9 * f64::from(LIMIT), "throughput {per_second:.1}/s is under 90 % of {LIMIT}/s");
}

#[test]
fn the_same_fleet_without_a_limiter_is_throttled() {
    let _turn = fleet_turn();
    let (sb, token) = limited_sandbox();
    let c = run_fleet(&sb.base_url(Flavour::Lazada), &token, None, 0.0, 1, RUN_SECS as f64, THREADS);
    let throttled_log = sb.request_log().iter().filter(|r| r.throttled).count();
    println!(
        "without a limiter: {HOSTS} hosts x {THREADS} threads, {RUN_SECS} s, sandbox limit {LIMIT}/s: \
         {} ok, {} throttling errors ({throttled_log} in the sandbox log), {} other failures",
        c.ok, c.throttled, c.other
    );
    assert!(c.throttled > 0, "the sandbox throttles a fleet without a limiter");
    assert_eq!(c.other, 0);
}

#[test]
fn an_injected_ban_seen_by_one_host_holds_every_host() {
    let _turn = fleet_turn();
    let redis = RedisServer::start(&[]);
    let sb = sandbox();
    let token = client(&sb, Flavour::Lazada).create_token(&sb.issue_code(APP_KEY).unwrap()).unwrap();
    let token = token.access_token.expose().to_owned();
    sb.clear_request_log();
    let ns = format!("lfb{}", std::process::id());
    let url = sb.base_url(Flavour::Lazada);
    let threads = 2;
    let fleet = std::thread::scope(|s| {
        let fleet = s.spawn(|| run_fleet(&url, &token, Some((&redis.url(), &ns)), 100.0, 10, 7.0, threads));
        std::thread::sleep(Duration::from_secs(2));
        let until = sb.ban(APP_KEY, None, 3).unwrap();
        (fleet.join().unwrap(), until)
    });
    let (c, until) = fleet;
    let start = until - 3000;
    let log = sb.request_log();
    let during: Vec<_> = log.iter().filter(|r| r.at_ms >= start && r.at_ms < until).collect();
    let after = log.iter().find(|r| r.at_ms >= until).map(|r| r.at_ms - until);
    println!(
        "3 s ban injected: {} requests arrived during it ({} throttled; at most one per thread in flight \
         before one host learned the ban, {} threads), none after that until it ended; first request \
         after the ban: +{} ms; calls before and after: {} ok",
        during.len(),
        during.iter().filter(|r| r.throttled).count(),
        HOSTS * threads,
        after.unwrap_or(-1),
        c.ok
    );
    assert!(!during.is_empty(), "a host saw the ban");
    assert!(during.iter().all(|r| r.throttled));
    assert!(during.len() <= HOSTS * threads, "{} requests during the ban", during.len());
    assert!(after.is_some(), "the hosts sent again after the ban");
    assert_eq!((c.rate_limited, c.other), (0, 0), "every host waited the ban out");
}

#[test]
fn a_daily_quota_holds_every_host_until_the_reset() {
    let _turn = fleet_turn();
    let redis = RedisServer::start(&[]);
    let sb = sandbox();
    let token = client(&sb, Flavour::Lazada).create_token(&sb.issue_code(APP_KEY).unwrap()).unwrap();
    let token = token.access_token.expose().to_owned();
    sb.set_limits(LimitsConfig { daily: Some(20), ..LimitsConfig::default() }).unwrap();
    sb.reset_limits();
    sb.clear_request_log();
    let ns = format!("lfq{}", std::process::id());
    let c = run_fleet(&sb.base_url(Flavour::Lazada), &token, Some((&redis.url(), &ns)), 0.0, 1, 2.0, 2);
    let log = sb.request_log();
    let first_quota = log.iter().position(|r| r.limit.as_deref() == Some("daily")).expect("the quota was used up");
    let sent_after = log.len() - first_quota - 1;
    // A host of this process asks the same Redis: the typed error names the reset.
    let limiter = redis_limiter(&redis.url(), &ns, 0.0, 1);
    let e = limiter.acquire(APP_KEY, "/order/get", None).unwrap_err();
    println!(
        "daily quota of 20: {} ok, {} quota answers, {} requests sent after the first one (in flight), then: {e}",
        c.ok, c.throttled, sent_after
    );
    assert_eq!(c.ok, 20);
    assert_eq!(e.kind(), ErrorKind::QuotaExceeded);
    assert!(e.message().contains("T00:00:00+08:00"), "{e}");
    assert!(sent_after < HOSTS * 2, "{sent_after} requests after the quota was learned");
    assert!(log[first_quota..].iter().all(|r| r.throttled));
    let status: serde_json::Value = serde_json::from_str(&limiter.status_json(APP_KEY).unwrap()).unwrap();
    assert_eq!(status["bans"][0]["scope"], "daily", "{status}");
}
