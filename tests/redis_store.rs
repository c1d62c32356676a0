//! The Redis token store against a real `redis-server` on loopback (started per test, Debian's
//! package; `scripts/test` installs it) and the sandbox, which rotates refresh tokens:
//! compare-and-swap, leases, encryption at rest, redaction of the password, a fleet of host
//! processes sharing 100 sellers, a host killed while holding a lease, and a Redis restart.
//!
//! Hosts are this test binary run again with `IOP_RS_WORKER` set (see `worker`): separate
//! processes, each with its own store client, sharing nothing but Redis.
#![cfg(feature = "redis-store")]

mod common;

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use common::redis::RedisServer;
use common::*;
use iop::manager::{ManagerConfig, RedisStore, RedisStoreConfig, RefreshEvent, TokenManager, TokenRecord, TokenStore};
use iop::{ErrorKind, Request, Secret};
use iop_sandbox::AppConfig;

/// Access tokens live 3 s and are refreshed with 2 s left: a window per second.
const TTL_SECS: i64 = 3;
const MARGIN: Duration = Duration::from_secs(2);
const ACCOUNTS: usize = 100;
const HOSTS: usize = 4;

/// The multi-process tests take turns: they measure waits, which a second fleet would skew.
fn fleet_turn() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock().unwrap_or_else(|p| p.into_inner())
}

// ------------------------------------------------------------------------------------------
// Helpers

fn store_config(url: &str) -> RedisStoreConfig {
    let mut config = RedisStoreConfig::new(url, APP_KEY);
    config.namespace = namespace();
    config.connect_timeout = Duration::from_secs(2);
    config.io_timeout = Duration::from_secs(2);
    config
}

/// This test run's namespace (the hosts it starts inherit it).
fn namespace() -> String {
    std::env::var("IOP_RS_NAMESPACE").unwrap_or_else(|_| format!("t{}", std::process::id()))
}

fn store(url: &str) -> RedisStore {
    RedisStore::new(store_config(url)).unwrap()
}

fn record(version: u64, access: &str) -> TokenRecord {
    TokenRecord {
        version,
        access_token: Secret::new(access),
        refresh_token: Secret::new(format!("RT-{access}")),
        expires_at_ms: 4_000_000_000_000,
        refresh_expires_at_ms: None,
        can_refresh: true,
        granted_at_ms: 1,
        refresh_started_at_ms: None,
        reauthorization_reason: None,
        seller_id: None,
        country: Some("sg".into()),
    }
}

fn short_lived_sandbox() -> Sandbox {
    let app = AppConfig { access_ttl_secs: TTL_SECS, refresh_ttl_secs: 3600, ..AppConfig::new(APP_KEY, APP_SECRET) };
    Sandbox::start(Config { apps: vec![app], ..Config::default() }).unwrap()
}

fn manager_config() -> ManagerConfig {
    ManagerConfig { refresh_margin: MARGIN, wait_timeout: Duration::from_secs(20), on_event: None }
}

fn account(i: usize) -> String {
    format!("seller-{i:03}")
}

/// Stores a fresh grant for each of `n` accounts.
fn seed(sb: &Sandbox, client: &Arc<iop::Client>, store: Arc<dyn TokenStore>, n: usize) {
    for i in 0..n {
        let m = TokenManager::new(client.clone(), store.clone(), &account(i), manager_config()).unwrap();
        assert_eq!(m.create_token(&sb.issue_code(APP_KEY).unwrap()).unwrap().version, 1);
    }
}

fn seller_get_ok(client: &iop::Client, token: &str) -> bool {
    client.execute(&Request::new("/seller/get").unwrap(), Some(token), None).unwrap().is_success()
}

// ------------------------------------------------------------------------------------------
// The store on its own

#[test]
fn compare_and_swap_writes_once_per_version_and_indexes_accounts() {
    let redis = RedisServer::start(&[]);
    let (a, b) = (store(&redis.url()), store(&redis.url()));
    assert!(a.load("acct-1").unwrap().is_none());
    assert!(a.compare_and_swap("acct-1", 0, &record(1, "AT-1")).unwrap());
    assert!(!b.compare_and_swap("acct-1", 0, &record(1, "AT-other")).unwrap(), "version 0 is gone");
    assert_eq!(b.load("acct-1").unwrap().unwrap(), record(1, "AT-1"), "another client reads the write");
    assert!(!a.compare_and_swap("acct-1", 5, &record(6, "AT-6")).unwrap(), "a stale expectation is refused");
    assert!(b.compare_and_swap("acct-1", 1, &record(2, "AT-2")).unwrap());
    assert_eq!(a.load("acct-1").unwrap().unwrap().access_token.expose(), "AT-2");
    assert!(a.compare_and_swap("acct-0", 0, &record(1, "AT-0")).unwrap());
    assert_eq!(b.accounts().unwrap(), ["acct-0", "acct-1"]);
    // Keys: namespace, app, account.
    assert_eq!(a.record_key("acct-1"), format!("{}:{APP_KEY}:acct-1:record", namespace()));
    assert_eq!(redis.cli(&["HGET", &a.record_key("acct-1"), "version"]), "2");
    assert_eq!(redis.cli(&["SCARD", &a.index_key()]), "2");
    // Another app's store sees none of it.
    let other = RedisStore::new(RedisStoreConfig { app_key: "999999".into(), ..store_config(&redis.url()) }).unwrap();
    assert!(other.load("acct-1").unwrap().is_none() && other.accounts().unwrap().is_empty());
    for (field, value) in [("namespace", "a:b"), ("app_key", ""), ("url", "http://127.0.0.1:1")] {
        let mut c = store_config(&redis.url());
        match field {
            "namespace" => c.namespace = value.into(),
            "app_key" => c.app_key = value.into(),
            _ => c.url = value.into(),
        }
        let e = RedisStore::new(c).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert!(e.message().contains(field), "{}", e.message());
    }
}

#[test]
fn leases_exclude_expire_and_are_released_only_by_their_owner() {
    let redis = RedisServer::start(&[]);
    let short = RedisStoreConfig { lease: Duration::from_millis(400), ..store_config(&redis.url()) };
    let (a, b, c) = (
        RedisStore::new(short.clone()).unwrap(),
        RedisStore::new(short).unwrap(),
        RedisStore::new(store_config(&redis.url())).unwrap(),
    );
    assert!(a.compare_and_swap("acct", 0, &record(1, "AT-1")).unwrap(), "no lease held: written");
    let held_by_a = a.lock("acct", Duration::from_millis(50)).unwrap();
    let e = b.lock("acct", Duration::from_millis(100)).err().unwrap();
    assert_eq!(e.kind(), ErrorKind::Timeout, "exclusion across clients");
    let other_account = b.lock("acct-2", Duration::from_millis(50)).unwrap();
    drop(other_account);
    // A write without the lease while another client holds it is refused.
    let e = c.compare_and_swap("acct", 1, &record(2, "AT-c")).unwrap_err();
    assert!(e.message().contains("another client holds"), "{}", e.message());
    // A's lease expires while A still holds its guard (a host stalled mid-refresh): B gets it.
    let started = Instant::now();
    let held_by_b = b.lock("acct", Duration::from_secs(5)).unwrap();
    let waited = started.elapsed();
    assert!(waited <= Duration::from_millis(600), "B waited {waited:?} for a 400 ms lease");
    // A's late write is refused: its lease is gone.
    let e = a.compare_and_swap("acct", 1, &record(2, "AT-a")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(e.message().contains("expired before its write"), "{}", e.message());
    // A's guard drops now: it must not release B's lease.
    drop(held_by_a);
    assert!(c.lock("acct", Duration::from_millis(100)).is_err(), "only the owner releases a lease");
    assert!(b.compare_and_swap("acct", 1, &record(2, "AT-b")).unwrap());
    drop(held_by_b);
    let held_by_c = c.lock("acct", Duration::from_millis(200)).unwrap();
    assert!(redis.cli(&["PTTL", &c.lock_key("acct")]).parse::<i64>().unwrap() > 29_000, "default lease 30 s");
    drop(held_by_c);
    assert_eq!(redis.cli(&["EXISTS", &c.lock_key("acct")]), "0", "released");
    assert_eq!(c.load("acct").unwrap().unwrap().access_token.expose(), "AT-b");
}

#[test]
fn records_are_encrypted_at_rest_and_a_wrong_key_is_a_clear_error() {
    let redis = RedisServer::start(&[]);
    let keyed = |key: Option<[u8; 32]>| {
        RedisStore::new(RedisStoreConfig { encryption_key: key, ..store_config(&redis.url()) }).unwrap()
    };
    let (sealed, wrong, plain) = (keyed(Some([1; 32])), keyed(Some([2; 32])), keyed(None));
    assert!(sealed.compare_and_swap("acct-a", 0, &record(1, "AT-secret-a")).unwrap());
    let raw = redis.cli(&["HGET", &sealed.record_key("acct-a"), "data"]);
    assert!(raw.starts_with("sealed:1:") && !raw.contains("AT-secret-a") && !raw.contains("RT-"), "{raw}");
    assert_eq!(sealed.load("acct-a").unwrap().unwrap(), record(1, "AT-secret-a"));
    let e = wrong.load("acct-a").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(e.message().contains("another key") && e.message().contains("acct-a"), "{}", e.message());
    let e = plain.load("acct-a").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(e.message().contains("encrypted"), "{}", e.message());
    // A sealed record moved to another account does not open.
    redis.cli(&["HSET", &sealed.record_key("acct-b"), "version", "1", "data", &raw]);
    assert_eq!(sealed.load("acct-b").unwrap_err().kind(), ErrorKind::MalformedResponse);
    // Records written before the key was set are read, and sealed at their next write.
    assert!(plain.compare_and_swap("acct-c", 0, &record(1, "AT-c")).unwrap());
    assert!(redis.cli(&["HGET", &plain.record_key("acct-c"), "data"]).contains("AT-c"));
    assert_eq!(sealed.load("acct-c").unwrap().unwrap(), record(1, "AT-c"));
    assert!(sealed.compare_and_swap("acct-c", 1, &record(2, "AT-c2")).unwrap());
    assert!(redis.cli(&["HGET", &plain.record_key("acct-c"), "data"]).starts_with("sealed:1:"));
    assert!(!format!("{sealed:?}").contains("[1, 1"), "Debug shows the key id only");
}

#[test]
fn the_password_never_appears_in_debug_output_or_errors() {
    let redis = RedisServer::start(&["--requirepass", "pw-Zq81x"]);
    let good = format!("redis://:pw-Zq81x@127.0.0.1:{}", redis.port);
    let s = store(&good);
    assert!(s.compare_and_swap("acct", 0, &record(1, "AT-1")).unwrap(), "the password from the URL is used");
    let config = store_config(&good);
    for text in [format!("{config:?}"), format!("{s:?}")] {
        assert!(!text.contains("pw-Zq81x") && text.contains("***"), "{text}");
    }
    let wrong = store(&format!("redis://:pw-WRONG9@127.0.0.1:{}", redis.port));
    let e = wrong.load("acct").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{}", e.message());
    assert!(e.message().starts_with("token store (redis") && !e.message().contains("pw-WRONG9"), "{}", e.message());
    let none = store(&redis.url());
    let e = none.load("acct").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{}", e.message());
    // Nothing listening: a connect error, still without the password.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let e = store(&format!("redis://user:pw-Zq81x@127.0.0.1:{closed}")).load("acct").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connect, "{}", e.message());
    assert!(!e.message().contains("pw-Zq81x") && e.message().starts_with("token store (redis"), "{}", e.message());
    let e = RedisStore::new(store_config("rediss://127.0.0.1:1/#insecure")).unwrap_err();
    assert!(e.message().contains("verification"), "{}", e.message());
}

#[test]
fn rediss_connects_with_verified_certificates_only() {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
    let dir = std::env::temp_dir().join(format!("iop-redis-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, "iopkit test CA");
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_pem = ca.self_signed(&ca_key).unwrap().pem();
    let issuer = Issuer::new(ca, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_string()]).unwrap().signed_by(&leaf_key, &issuer).unwrap();
    let path = |name: &str| dir.join(name).to_str().unwrap().to_owned();
    std::fs::write(path("ca.pem"), &ca_pem).unwrap();
    std::fs::write(path("redis.pem"), leaf.pem()).unwrap();
    std::fs::write(path("redis.key"), leaf_key.serialize_pem()).unwrap();
    let tls_port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
    let redis = RedisServer::start(&[
        "--tls-port",
        &tls_port,
        "--tls-cert-file",
        &path("redis.pem"),
        "--tls-key-file",
        &path("redis.key"),
        "--tls-ca-cert-file",
        &path("ca.pem"),
        "--tls-auth-clients",
        "no",
    ]);
    let url = format!("rediss://localhost:{tls_port}");
    // Trusting the test CA: records go over TLS.
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "worker", "--nocapture", "--test-threads", "1"])
        .env("IOP_RS_WORKER", "tls")
        .env("IOP_RS_NAMESPACE", namespace())
        .env("IOP_RS_REDIS", &url)
        .env("SSL_CERT_FILE", path("ca.pem"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("RESULT tls AT-tls"), "{text}");
    assert_eq!(redis.cli(&["HGET", &store(&url).record_key("acct"), "version"]), "1");
    // Trusting only the system's roots: the certificate is refused, nothing is written.
    let e = store(&url).compare_and_swap("acct-2", 0, &record(1, "AT-2")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls, "{}", e.message());
    assert_eq!(redis.cli(&["EXISTS", &store(&url).record_key("acct-2")]), "0");
    let _ = std::fs::remove_dir_all(&dir);
}

// ------------------------------------------------------------------------------------------
// Hosts (worker processes)

/// One host's report.
#[derive(Debug, Default)]
struct Report {
    calls: u64,
    failures: u64,
    verified: u64,
    /// Refreshes this host stored, per account index.
    refreshes: Vec<u64>,
    /// The victim's outcomes: calls, ok, errors reported as described, longest call in ms.
    victim: [u64; 4],
    errors: Vec<String>,
}

/// Runs this test binary as a host: `mode` is `run` (loop over the accounts for `secs`) or
/// `crash` (ask for the victim's token and die when its new pair arrives, holding the lease).
fn spawn_host(
    mode: &str,
    sandbox_url: &str,
    redis_url: &str,
    lease_ms: u64,
    secs: u64,
    victim: Option<usize>,
) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "worker", "--nocapture", "--test-threads", "1"])
        .env("IOP_RS_WORKER", mode)
        .env("IOP_RS_NAMESPACE", namespace())
        .env("IOP_RS_SANDBOX", sandbox_url)
        .env("IOP_RS_REDIS", redis_url)
        .env("IOP_RS_LEASE_MS", lease_ms.to_string())
        .env("IOP_RS_SECS", secs.to_string())
        .env("IOP_RS_VICTIM", victim.map_or(String::new(), |v| v.to_string()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Waits for a host; its exit status and report.
fn host_report(child: Child) -> (bool, Report) {
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut report = Report::default();
    let field = |name: &str| -> Option<&str> { text.lines().find_map(|l| l.find(name).map(|i| &l[i + name.len()..])) };
    if let Some(line) = field("RESULT ") {
        let n: Vec<u64> = line.split_whitespace().map(|f| f.parse().unwrap()).collect();
        (report.calls, report.failures, report.verified) = (n[0], n[1], n[2]);
    }
    if let Some(line) = field("REFRESHES ") {
        report.refreshes = line.split(',').map(|f| f.parse().unwrap()).collect();
    }
    if let Some(line) = field("VICTIM ") {
        let n: Vec<u64> = line.split_whitespace().map(|f| f.parse().unwrap()).collect();
        report.victim.copy_from_slice(&n);
    }
    report.errors = text.lines().filter_map(|l| l.find("ERROR ").map(|i| l[i..].to_owned())).collect();
    (out.status.success(), report)
}

/// The host body (a no-op unless run by `spawn_host`).
#[test]
fn worker() {
    let Ok(mode) = std::env::var("IOP_RS_WORKER") else { return };
    let var = |name: &str| std::env::var(name).unwrap();
    if mode == "tls" {
        // SSL_CERT_FILE names the test CA: the system's roots are replaced by it.
        let s = store(&var("IOP_RS_REDIS"));
        match s.compare_and_swap("acct", 0, &record(1, "AT-tls")).and_then(|_| s.load("acct")) {
            Ok(Some(r)) => println!("RESULT tls {}", r.access_token.expose()),
            other => println!("ERROR {other:?}"),
        }
        return;
    }
    let sandbox_url = var("IOP_RS_SANDBOX");
    let lease = Duration::from_millis(var("IOP_RS_LEASE_MS").parse().unwrap());
    let secs: u64 = var("IOP_RS_SECS").parse().unwrap();
    let victim: Option<usize> = var("IOP_RS_VICTIM").parse().ok();
    let store: Arc<dyn TokenStore> =
        Arc::new(RedisStore::new(RedisStoreConfig { lease, ..store_config(&var("IOP_RS_REDIS")) }).unwrap());
    let client = Arc::new(iop::Client::new(&sandbox_url, APP_KEY, APP_SECRET).unwrap());
    let refreshes: Arc<Vec<AtomicU64>> = Arc::new((0..ACCOUNTS).map(|_| AtomicU64::new(0)).collect());
    let managers: Arc<Vec<TokenManager>> = Arc::new(
        (0..ACCOUNTS)
            .map(|i| {
                let mut config = manager_config();
                let (counts, crash) = (refreshes.clone(), mode == "crash" && victim == Some(i));
                config.on_event = Some(Arc::new(move |e| {
                    if crash && e == RefreshEvent::Received {
                        std::process::abort(); // dies holding the lease, the new pair unsaved
                    }
                    if e == RefreshEvent::Stored {
                        counts[i].fetch_add(1, Ordering::Relaxed);
                    }
                }));
                TokenManager::new(client.clone(), store.clone(), &account(i), config).unwrap()
            })
            .collect(),
    );
    if mode == "crash" {
        let _ = managers[victim.unwrap()].access_token();
        println!("ERROR the crash host did not crash");
        return;
    }
    let deadline = Instant::now() + Duration::from_secs(secs);
    let counters: Arc<[AtomicU64; 7]> = Arc::new(Default::default());
    let threads: Vec<_> = (0..2)
        .map(|t| {
            let (managers, counters, client) = (managers.clone(), counters.clone(), client.clone());
            std::thread::spawn(move || {
                let [calls, failures, verified, v_calls, v_ok, v_reported, v_longest] = &*counters;
                let mut n = 0usize;
                while Instant::now() < deadline {
                    let i = (n + t * ACCOUNTS / 2 + std::process::id() as usize) % ACCOUNTS;
                    n += 1;
                    let started = Instant::now();
                    let outcome = managers[i].access_token();
                    let took = started.elapsed().as_millis() as u64;
                    if victim == Some(i) {
                        v_calls.fetch_add(1, Ordering::Relaxed);
                        v_longest.fetch_max(took, Ordering::Relaxed);
                        match outcome {
                            Ok(_) => v_ok.fetch_add(1, Ordering::Relaxed),
                            Err(e)
                                if e.kind() == ErrorKind::ReauthorizationRequired
                                    && e.message().contains("never stored its answer") =>
                            {
                                v_reported.fetch_add(1, Ordering::Relaxed)
                            }
                            Err(e) => {
                                println!("ERROR victim {:?} {}", e.kind(), e.message());
                                0
                            }
                        };
                        continue;
                    }
                    calls.fetch_add(1, Ordering::Relaxed);
                    match outcome {
                        Ok(token) if n.is_multiple_of(10) => {
                            if seller_get_ok(&client, token.expose()) {
                                verified.fetch_add(1, Ordering::Relaxed);
                            } else {
                                println!("ERROR {} token refused by the gateway", account(i));
                                failures.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                        Ok(_) => {}
                        Err(e) => {
                            if failures.fetch_add(1, Ordering::Relaxed) < 5 {
                                println!("ERROR {} {:?} {}", account(i), e.kind(), e.message());
                            }
                        }
                    }
                    if n.is_multiple_of(20) {
                        std::thread::sleep(Duration::from_millis(2));
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let c: Vec<u64> = counters.iter().map(|c| c.load(Ordering::Relaxed)).collect();
    println!("RESULT {} {} {}", c[0], c[1], c[2]);
    println!("VICTIM {} {} {} {}", c[3], c[4], c[5], c[6]);
    let counts: Vec<String> = refreshes.iter().map(|r| r.load(Ordering::Relaxed).to_string()).collect();
    println!("REFRESHES {}", counts.join(","));
}

#[test]
fn a_fleet_of_hosts_refreshes_each_account_once_per_window() {
    let _turn = fleet_turn();
    let redis = RedisServer::start(&[]);
    let sb = short_lived_sandbox();
    let url = sb.base_url(Flavour::Lazada);
    let client = Arc::new(iop::Client::new(&url, APP_KEY, APP_SECRET).unwrap());
    let seeded = Instant::now();
    seed(&sb, &client, Arc::new(store(&redis.url())), ACCOUNTS);
    let secs = 8;
    let hosts: Vec<_> = (0..HOSTS).map(|_| spawn_host("run", &url, &redis.url(), 30_000, secs, None)).collect();
    let mut per_account = vec![0u64; ACCOUNTS];
    let mut refreshing_hosts = vec![0u64; ACCOUNTS];
    let (mut calls, mut verified) = (0, 0);
    for host in hosts {
        let (ok, report) = host_report(host);
        assert!(ok && report.refreshes.len() == ACCOUNTS, "a host failed: {report:?}");
        assert_eq!(report.failures, 0, "a host had failures: {:?}", report.errors);
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert!(report.verified > 0, "{report:?}");
        calls += report.calls;
        verified += report.verified;
        for (i, n) in report.refreshes.iter().enumerate() {
            per_account[i] += n;
            refreshing_hosts[i] += u64::from(*n > 0);
        }
    }
    let elapsed = seeded.elapsed();
    let stats = sb.stats();
    assert_eq!(stats.errors, 0, "no IllegalRefreshToken (nor any other error) at the gateway: {stats:?}");
    let refreshes: u64 = per_account.iter().sum();
    assert_eq!(refreshes, stats.refreshes, "every refresh the gateway made was stored by exactly one host");
    // A refresh only when the stored token is due: at most one per window (1 s) per account.
    let window = Duration::from_secs(TTL_SECS as u64) - MARGIN;
    let windows = (elapsed.as_millis() / window.as_millis()) as u64;
    let reader = store(&redis.url());
    for (i, n) in per_account.iter().enumerate() {
        assert!(*n <= windows + 1, "{} refreshed {n} times in {windows} windows", account(i));
        assert!(*n >= 3, "{} refreshed only {n} times in {windows} windows", account(i));
        let record = reader.load(&account(i)).unwrap().unwrap();
        assert_eq!(record.version, 1 + 2 * n, "{}: grant, then a marker and a pair per refresh", account(i));
        assert!(record.refresh_started_at_ms.is_none() && record.reauthorization_reason.is_none());
    }
    assert_eq!(reader.accounts().unwrap().len(), ACCOUNTS);
    let shared = refreshing_hosts.iter().filter(|h| **h >= 2).count();
    assert!(shared >= ACCOUNTS / 2, "the hosts share the accounts: only {shared} were refreshed by several");
    eprintln!(
        "redis fleet: {ACCOUNTS} accounts, {HOSTS} hosts x 2 threads, {windows} windows of {} ms, {calls} calls, \
         {verified} verified with /seller/get, {refreshes} refreshes ({:.2} per account per window), \
         0 failures, 0 gateway errors",
        window.as_millis(),
        refreshes as f64 / (ACCOUNTS as u64 * windows) as f64
    );
}

#[test]
fn a_host_killed_holding_a_lease_delays_only_its_account() {
    let _turn = fleet_turn();
    let redis = RedisServer::start(&[]);
    let sb = short_lived_sandbox();
    let url = sb.base_url(Flavour::Lazada);
    let client = Arc::new(iop::Client::new(&url, APP_KEY, APP_SECRET).unwrap());
    let lease_ms = 2_500;
    seed(&sb, &client, Arc::new(store(&redis.url())), ACCOUNTS);
    let victim = 42;
    std::thread::sleep(Duration::from_millis(1_100)); // every token is due
    let (ok, report) = host_report(spawn_host("crash", &url, &redis.url(), lease_ms, 1, Some(victim)));
    assert!(!ok && report.errors.is_empty(), "the host aborted mid-refresh: {report:?}");
    let reader = store(&redis.url());
    assert_eq!(redis.cli(&["EXISTS", &reader.lock_key(&account(victim))]), "1", "its lease is still held");
    assert!(reader.load(&account(victim)).unwrap().unwrap().refresh_started_at_ms.is_some());
    let hosts: Vec<_> =
        (0..HOSTS - 1).map(|_| spawn_host("run", &url, &redis.url(), lease_ms, 5, Some(victim))).collect();
    let mut victim_calls = [0u64; 4];
    for host in hosts {
        let (ok, report) = host_report(host);
        assert!(ok, "a host failed: {report:?}");
        assert_eq!(report.failures, 0, "the other {} accounts are unaffected: {:?}", ACCOUNTS - 1, report.errors);
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        for (total, n) in victim_calls.iter_mut().zip(&report.victim[..3]) {
            *total += n;
        }
        victim_calls[3] = victim_calls[3].max(report.victim[3]);
    }
    let [v_calls, v_ok, v_reported, v_longest] = victim_calls;
    assert_eq!(v_ok + v_reported, v_calls, "the victim's calls either got a valid token or the clear error");
    assert!(v_reported > 0, "the lost pair is reported: {victim_calls:?}");
    assert!(v_longest <= lease_ms + 1_000, "the others waited {v_longest} ms for a {lease_ms} ms lease");
    // The victim's grant is recorded as dead, with the reason; exactly one refresh was refused.
    let dead = reader.load(&account(victim)).unwrap().unwrap();
    assert!(dead.reauthorization_reason.as_deref().unwrap().contains("never stored its answer"));
    let stats = sb.stats();
    assert_eq!(stats.errors, 1, "only the victim's consumed refresh token was refused: {stats:?}");
    let checker = iop::Client::new(&url, APP_KEY, APP_SECRET).unwrap();
    for i in (0..ACCOUNTS).filter(|i| *i != victim) {
        let m =
            TokenManager::new(client.clone(), Arc::new(store(&redis.url())), &account(i), manager_config()).unwrap();
        assert!(seller_get_ok(&checker, m.access_token().unwrap().expose()), "{}", account(i));
    }
    eprintln!(
        "redis crash: host killed holding the lease of 1 of {ACCOUNTS} accounts; others waited at most {v_longest} ms \
         (lease {lease_ms} ms); {v_reported} calls reported ReauthorizationRequired for it; other accounts: 0 failures"
    );
}

#[test]
fn a_redis_restart_fails_calls_clearly_then_they_recover() {
    let redis = Arc::new(Mutex::new(RedisServer::start(&["--appendonly", "yes", "--appendfsync", "always"])));
    let redis_url = redis.lock().unwrap().url();
    let sb = sandbox(); // 7-day tokens: nothing is refreshed during the outage
    let url = sb.base_url(Flavour::Lazada);
    let client = Arc::new(iop::Client::new(&url, APP_KEY, APP_SECRET).unwrap());
    let store: Arc<dyn TokenStore> = Arc::new(store(&redis_url));
    let n = 20;
    seed(&sb, &client, store.clone(), n);
    let managers: Vec<_> = (0..n)
        .map(|i| TokenManager::new(client.clone(), store.clone(), &account(i), manager_config()).unwrap())
        .collect();
    // (started, finished, outcome) of each call.
    type Outcome = (Instant, Instant, Result<(), (ErrorKind, String)>);
    let outcomes: Arc<Mutex<Vec<Outcome>>> = Arc::default();
    let stop = Arc::new(AtomicU64::new(0));
    let caller = {
        let (outcomes, stop) = (outcomes.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut i = 0;
            while stop.load(Ordering::Relaxed) == 0 {
                let started = Instant::now();
                let outcome =
                    managers[i % n].access_token().map(|_| ()).map_err(|e| (e.kind(), e.message().to_owned()));
                outcomes.lock().unwrap().push((started, Instant::now(), outcome));
                i += 1;
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    std::thread::sleep(Duration::from_millis(500));
    let killing = Instant::now();
    redis.lock().unwrap().kill();
    let down = Instant::now();
    std::thread::sleep(Duration::from_millis(800));
    let restarting = Instant::now();
    redis.lock().unwrap().restart();
    let up = Instant::now();
    std::thread::sleep(Duration::from_millis(800));
    stop.store(1, Ordering::Relaxed);
    caller.join().unwrap();
    let outcomes = outcomes.lock().unwrap();
    let before: Vec<_> = outcomes.iter().filter(|(_, end, _)| *end < killing).collect();
    let during: Vec<_> = outcomes.iter().filter(|(start, end, _)| *start > down && *end < restarting).collect();
    let after: Vec<_> = outcomes.iter().filter(|(start, _, _)| *start > up).collect();
    assert!(
        before.len() > 10 && before.iter().all(|(_, _, o)| o.is_ok()),
        "{:?}",
        before.iter().find(|o| o.2.is_err())
    );
    assert!(during.len() > 10, "calls went on during the outage");
    for (_, _, outcome) in &during {
        let (kind, message) = outcome.as_ref().expect_err("no call succeeds without Redis");
        assert!(matches!(kind, ErrorKind::Connect | ErrorKind::Network), "{kind:?} {message}");
        assert!(message.starts_with("token store (redis at 127.0.0.1:"), "{message}");
    }
    assert!(after.len() > 10 && after.iter().all(|(_, _, o)| o.is_ok()), "recovered: {:?}", after.first());
    // The records survived (append-only file), and refreshes work again (scripts reloaded).
    let always = ManagerConfig { refresh_margin: Duration::from_secs(8 * 86_400), ..manager_config() };
    let m = TokenManager::new(client.clone(), store.clone(), &account(3), always).unwrap();
    let token = m.access_token().unwrap();
    assert!(seller_get_ok(&client, token.expose()));
    assert_eq!(store.load(&account(3)).unwrap().unwrap().version, 3, "grant, then marker and pair");
    assert_eq!(store.accounts().unwrap().len(), n);
    assert_eq!(sb.stats().errors, 0);
    let failed: BTreeMap<_, usize> = during.iter().fold(BTreeMap::new(), |mut m, (_, _, o)| {
        *m.entry(format!("{:?}", o.as_ref().unwrap_err().0)).or_default() += 1;
        m
    });
    eprintln!(
        "redis restart: {} calls before, {failed:?} during the outage, {} after, all ok",
        before.len(),
        after.len()
    );
}
