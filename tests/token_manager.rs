//! The token manager against the sandbox (which rotates refresh tokens): single flight in a
//! process, one refresh per window across processes sharing a file store, dead grants reported
//! once, and processes killed mid-refresh.
//!
//! Worker processes are this test binary run again with `IOP_TM_WORKER` set (see `worker`).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::*;
use iop::manager::{
    FileStore, ManagerConfig, MemoryStore, RefreshEvent, TokenManager, TokenStore, reauthorization_due,
};
use iop::{ErrorKind, Request};
use iop_sandbox::AppConfig;

/// Access tokens live 3 s and are refreshed with 2 s left: one window per second or so.
const TTL_SECS: i64 = 3;
const MARGIN: Duration = Duration::from_secs(2);
const ACCOUNT: &str = "seller-1";

fn short_lived_sandbox() -> Sandbox {
    let app = AppConfig { access_ttl_secs: TTL_SECS, refresh_ttl_secs: 3600, ..AppConfig::new(APP_KEY, APP_SECRET) };
    Sandbox::start(Config { apps: vec![app], ..Config::default() }).unwrap()
}

fn config() -> ManagerConfig {
    ManagerConfig { refresh_margin: MARGIN, wait_timeout: Duration::from_secs(20), on_event: None }
}

fn manager(url: &str, store: Arc<dyn TokenStore>, config: ManagerConfig) -> TokenManager {
    let client = Arc::new(iop::Client::new(url, APP_KEY, APP_SECRET).unwrap());
    TokenManager::new(client, store, ACCOUNT, config).unwrap()
}

fn seller_get_ok(client: &iop::Client, token: &str) -> bool {
    let r = client.execute(&Request::new("/seller/get").unwrap(), Some(token), None).unwrap();
    r.is_success()
}

fn temp_store(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iop-tm-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("tokens.json")
}

#[test]
fn threads_share_one_refresh_per_window() {
    let sb = short_lived_sandbox();
    let url = sb.base_url(Flavour::Lazada);
    let m = Arc::new(manager(&url, Arc::new(MemoryStore::new()), config()));
    assert_eq!(m.access_token().unwrap_err().kind(), ErrorKind::ReauthorizationRequired, "nothing stored yet");
    let first = m.create_token(&sb.issue_code(APP_KEY).unwrap()).unwrap();
    assert_eq!(first.version, 1);
    assert_eq!(m.access_token().unwrap(), first.access_token);
    std::thread::sleep(Duration::from_millis(1100)); // now within the margin
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let m = m.clone();
            std::thread::spawn(move || m.access_token().unwrap())
        })
        .collect();
    let tokens: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(tokens.iter().all(|t| *t == tokens[0]) && tokens[0] != first.access_token);
    assert_eq!(sb.stats().refreshes, 1, "8 threads, one refresh");
    let record = m.record().unwrap().unwrap();
    assert_eq!((record.version, record.granted_at_ms), (3, first.granted_at_ms), "marker write + new pair");
    assert!(record.refresh_started_at_ms.is_none());
    // Lazada does not extend the refresh token: the deadline stays (to the second it is sent in).
    let drift = record.reauthorize_by_ms().unwrap() - first.reauthorize_by_ms().unwrap();
    assert!(drift.abs() < 1500, "the re-authorization deadline moved by {drift} ms");
}

#[test]
fn dead_grants_are_reported_once_and_never_retried() {
    let sb = short_lived_sandbox();
    let url = sb.base_url(Flavour::Lazada);
    let store = Arc::new(MemoryStore::new());
    let m = manager(&url, store.clone(), config());
    let grant = m.create_token(&sb.issue_code(APP_KEY).unwrap()).unwrap();
    // Someone else rotates the refresh token behind the manager's back.
    client(&sb, Flavour::Lazada).refresh_token(grant.refresh_token.expose()).unwrap();
    std::thread::sleep(Duration::from_millis(1100));
    // The refresh fails with IllegalRefreshToken: the still-valid token is served meanwhile.
    assert_eq!(m.access_token().unwrap(), grant.access_token);
    let dead = m.record().unwrap().unwrap();
    assert!(dead.reauthorization_reason.as_deref().unwrap().contains("IllegalRefreshToken"));
    let requests = sb.stats().requests;
    std::thread::sleep(Duration::from_millis(2100)); // the access token has expired
    let e = m.access_token().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ReauthorizationRequired);
    assert!(e.message().contains(ACCOUNT) && !e.message().contains(grant.refresh_token.expose()));
    assert_eq!(m.access_token().unwrap_err().kind(), ErrorKind::ReauthorizationRequired);
    assert_eq!(sb.stats().requests, requests, "a dead grant is never sent again");
    let due = reauthorization_due(&*store, iop::client::now_ms(), Duration::ZERO).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].0, ACCOUNT);
    // A new authorization revives the account.
    m.create_token(&sb.issue_code(APP_KEY).unwrap()).unwrap();
    assert!(seller_get_ok(&client(&sb, Flavour::Lazada), m.access_token().unwrap().expose()));
}

#[test]
fn non_refreshable_grants_need_reauthorization() {
    let sb = sandbox();
    let c = Arc::new(
        iop::Client::new(&sb.base_url(Flavour::Lazada), "100002", iop_sandbox::NON_REFRESHABLE_APP_SECRET).unwrap(),
    );
    let long_margin = ManagerConfig { refresh_margin: Duration::from_secs(8 * 86_400), ..config() };
    let store = Arc::new(MemoryStore::new());
    let m = TokenManager::new(c, store.clone(), ACCOUNT, long_margin).unwrap();
    let grant = m.create_token(&sb.issue_code("100002").unwrap()).unwrap();
    assert!(!grant.can_refresh);
    assert_eq!(grant.reauthorize_by_ms(), Some(grant.expires_at_ms));
    let requests = sb.stats().requests;
    assert_eq!(m.access_token().unwrap(), grant.access_token, "still valid: served");
    assert_eq!(sb.stats().requests, requests, "no refresh is attempted for a non-refreshable grant");
    assert!(m.record().unwrap().unwrap().reauthorization_reason.is_some());
    let due = reauthorization_due(&*store, iop::client::now_ms(), Duration::from_secs(30 * 86_400)).unwrap();
    assert_eq!(due.len(), 1);
}

#[test]
fn file_store_is_private_atomic_and_versioned() {
    let path = temp_store("unit");
    let store = FileStore::new(&path).unwrap();
    assert!(store.load("a").unwrap().is_none());
    let sb = short_lived_sandbox();
    let m = manager(&sb.base_url(Flavour::Lazada), Arc::new(FileStore::new(&path).unwrap()), config());
    let grant = m.create_token(&sb.issue_code(APP_KEY).unwrap()).unwrap();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains(APP_SECRET), "the file never holds the app secret");
    assert_eq!(store.load(ACCOUNT).unwrap().unwrap(), grant);
    assert!(!store.compare_and_swap(ACCOUNT, 0, &grant).unwrap(), "a stale version is refused");
    // A store that cannot be used is found out before the one-time code is spent.
    let code = sb.issue_code(APP_KEY).unwrap();
    let broken =
        manager(&sb.base_url(Flavour::Lazada), Arc::new(FileStore::new("/nonexistent/dir/t.json").unwrap()), config());
    assert_eq!(broken.create_token(&code).unwrap_err().kind(), ErrorKind::InvalidArgument);
    assert!(m.create_token(&code).is_ok(), "the code was not burned");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(store.load(ACCOUNT).unwrap_err().kind(), ErrorKind::InvalidArgument);
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

#[test]
fn enos_manager_gets_and_refreshes() {
    let mut config_ = Config::default();
    config_.enos_apps[0].token_ttl_secs = TTL_SECS;
    let sb = Sandbox::start(config_).unwrap();
    let enos = Arc::new(
        iop::enos::EnosClient::new(&sb.url(), iop_sandbox::DEFAULT_ENOS_APP_KEY, iop_sandbox::DEFAULT_ENOS_APP_SECRET)
            .unwrap(),
    );
    let m = TokenManager::new_enos(enos, Arc::new(MemoryStore::new()), "enos-app", config()).unwrap();
    let first = m.access_token().unwrap();
    assert_eq!(m.access_token().unwrap(), first);
    assert_eq!(m.record().unwrap().unwrap().reauthorize_by_ms(), None);
    std::thread::sleep(Duration::from_millis(1100));
    let second = m.access_token().unwrap();
    assert_ne!(second, first);
    assert_eq!(sb.stats().enos_refreshes, 1);
    assert!(m.create_token("x").is_err(), "EnOS needs no code");
}

// ------------------------------------------------------------------------------------------
// Processes

/// Runs this test binary as a worker: `mode` is `run` (loop until the deadline), `crash-after-
/// received`, `crash-after-stored` (die at that step of a refresh) or `once` (one access_token).
fn spawn_worker(mode: &str, url: &str, store: &Path, secs: u64) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "worker", "--nocapture", "--test-threads", "1"])
        .env("IOP_TM_WORKER", mode)
        .env("IOP_TM_URL", url)
        .env("IOP_TM_STORE", store)
        .env("IOP_TM_SECS", secs.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// The `RESULT …` line a worker printed, as (calls, failures, distinct tokens).
fn worker_result(child: std::process::Child) -> (bool, String) {
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    // libtest prints `test worker ... ` before the worker's own output on the same line.
    let line = text.lines().find_map(|l| l.find("RESULT ").map(|i| &l[i..])).unwrap_or("").to_owned();
    (out.status.success(), line)
}

/// The worker body (a no-op unless run by `spawn_worker`).
#[test]
fn worker() {
    let Ok(mode) = std::env::var("IOP_TM_WORKER") else { return };
    let url = std::env::var("IOP_TM_URL").unwrap();
    let store: Arc<dyn TokenStore> = Arc::new(FileStore::new(std::env::var("IOP_TM_STORE").unwrap()).unwrap());
    let secs: u64 = std::env::var("IOP_TM_SECS").unwrap().parse().unwrap();
    let mut cfg = config();
    let crash_at = match mode.as_str() {
        "crash-after-received" => Some(RefreshEvent::Received),
        "crash-after-stored" => Some(RefreshEvent::Stored),
        _ => None,
    };
    if let Some(at) = crash_at {
        cfg.on_event = Some(Arc::new(move |e| {
            if e == at {
                std::process::abort();
            }
        }));
    }
    let m = Arc::new(manager(&url, store, cfg));
    if mode != "run" {
        match m.access_token() {
            Ok(t) => println!(
                "RESULT ok {}",
                seller_get_ok(&iop::Client::new(&url, APP_KEY, APP_SECRET).unwrap(), t.expose())
            ),
            Err(e) => println!("RESULT err {:?} {}", e.kind(), e.message()),
        }
        return;
    }
    let deadline = Instant::now() + Duration::from_secs(secs);
    let calls = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(AtomicU64::new(0));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (m, url, calls, failures) = (m.clone(), url.clone(), calls.clone(), failures.clone());
            std::thread::spawn(move || {
                let client = iop::Client::new(&url, APP_KEY, APP_SECRET).unwrap();
                let mut seen = std::collections::BTreeSet::new();
                while Instant::now() < deadline {
                    calls.fetch_add(1, Ordering::Relaxed);
                    match m.access_token() {
                        Ok(t) if seller_get_ok(&client, t.expose()) => {
                            seen.insert(t.expose()[..16].to_owned());
                        }
                        Ok(_) => {
                            failures.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(e) => {
                            eprintln!("worker error: {e}");
                            failures.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    std::thread::sleep(Duration::from_millis(15));
                }
                seen
            })
        })
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    for t in threads {
        seen.extend(t.join().unwrap());
    }
    println!("RESULT {} {} {}", calls.load(Ordering::Relaxed), failures.load(Ordering::Relaxed), seen.len());
}

#[test]
fn processes_sharing_a_file_store_refresh_once_per_window() {
    let sb = short_lived_sandbox();
    let url = sb.base_url(Flavour::Lazada);
    let path = temp_store("fleet");
    let seed = manager(&url, Arc::new(FileStore::new(&path).unwrap()), config());
    seed.create_token(&sb.issue_code(APP_KEY).unwrap()).unwrap();
    let secs = 8;
    let workers: Vec<_> = (0..8).map(|_| spawn_worker("run", &url, &path, secs)).collect();
    let mut calls = 0;
    for w in workers {
        let (ok, line) = worker_result(w);
        assert!(ok, "worker failed: {line}");
        let fields: Vec<u64> = line.split_whitespace().skip(1).map(|f| f.parse().unwrap()).collect();
        assert_eq!(fields[1], 0, "a worker had failures: {line}");
        assert!(fields[2] >= 4, "a worker saw too few windows: {line}");
        calls += fields[0];
    }
    let stats = sb.stats();
    let record = FileStore::new(&path).unwrap().load(ACCOUNT).unwrap().unwrap();
    // Every refresh is one window: version = grant (1) + 2 writes per refresh.
    assert_eq!(record.version, 1 + 2 * stats.refreshes, "stats {stats:?}");
    let expected_windows = secs as i64 * 1000 / (TTL_SECS * 1000 - MARGIN.as_millis() as i64);
    assert!(
        (stats.refreshes as i64 - expected_windows).abs() <= 2,
        "{} refreshes for about {expected_windows} windows",
        stats.refreshes
    );
    assert_eq!(stats.errors, 0, "no IllegalRefreshToken (nor any other error) at the gateway");
    eprintln!("fleet: 8 processes x 4 threads, {calls} calls, {} refreshes, 0 failures", stats.refreshes);
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

#[test]
fn a_process_killed_mid_refresh_loses_nothing_silently() {
    let sb = short_lived_sandbox();
    let url = sb.base_url(Flavour::Lazada);
    // Killed between storing and returning: the restart uses the stored pair, no new refresh.
    let path = temp_store("crash-stored");
    manager(&url, Arc::new(FileStore::new(&path).unwrap()), config())
        .create_token(&sb.issue_code(APP_KEY).unwrap())
        .unwrap();
    std::thread::sleep(Duration::from_millis(1100));
    let (ok, _) = worker_result(spawn_worker("crash-after-stored", &url, &path, 1));
    assert!(!ok, "the worker aborted");
    assert_eq!(sb.stats().refreshes, 1);
    let (ok, line) = worker_result(spawn_worker("once", &url, &path, 1));
    assert!(ok && line == "RESULT ok true", "{line}");
    assert_eq!(sb.stats().refreshes, 1, "the stored pair was used as it is");
    // Killed between receiving and storing: the restart reports the lost pair clearly.
    let path = temp_store("crash-received");
    manager(&url, Arc::new(FileStore::new(&path).unwrap()), config())
        .create_token(&sb.issue_code(APP_KEY).unwrap())
        .unwrap();
    std::thread::sleep(Duration::from_millis(1100));
    let (ok, _) = worker_result(spawn_worker("crash-after-received", &url, &path, 1));
    assert!(!ok, "the worker aborted");
    let record = FileStore::new(&path).unwrap().load(ACCOUNT).unwrap().unwrap();
    assert!(record.refresh_started_at_ms.is_some(), "the interrupted refresh is on record");
    std::thread::sleep(Duration::from_millis(2100)); // the old access token expires too
    let (ok, line) = worker_result(spawn_worker("once", &url, &path, 1));
    assert!(ok, "{line}");
    assert!(
        line.starts_with("RESULT err ReauthorizationRequired") && line.contains("never stored its answer"),
        "{line}"
    );
    for dir in ["crash-stored", "crash-received"] {
        let _ = std::fs::remove_dir_all(temp_store(dir).parent().unwrap());
    }
}
