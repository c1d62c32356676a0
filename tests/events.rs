//! The event stream (`iop::events`) against the sandbox: create → refresh → call → failing
//! calls, with their names, levels and fields, and no secret, token, code or signature in any
//! record. One test: the sink is process-wide.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use iop::events::{self, Event, Level};
use iop::manager::{ManagerConfig, MemoryStore, TokenManager, TokenStore};
use iop::{Client, Request};
use serde_json::Value;

fn capture(max_level: Level) -> Arc<Mutex<Vec<Event>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    events::set_sink(Some(Box::new(move |e: &Event| sink.lock().unwrap().push(e.clone()))), max_level);
    seen
}

fn take(seen: &Mutex<Vec<Event>>) -> Vec<Event> {
    std::mem::take(&mut *seen.lock().unwrap())
}

fn named<'a>(events: &'a [Event], name: &str) -> Vec<&'a Event> {
    events.iter().filter(|e| e.name == name).collect()
}

fn field<'a>(e: &'a Event, name: &str) -> &'a Value {
    e.fields.get(name).unwrap_or_else(|| panic!("{} has no `{name}`: {:?}", e.name, e.fields))
}

/// Every text an event carries: its name, message and fields JSON.
fn texts(events: &[Event]) -> Vec<String> {
    events.iter().flat_map(|e| [e.name.to_owned(), e.message.clone(), e.fields_json()]).collect()
}

/// True when `text` holds 64 hex digits in a row (an HMAC-SHA256 signature).
fn has_signature(text: &str) -> bool {
    text.as_bytes().split(|b| !b.is_ascii_hexdigit()).any(|run| run.len() >= 64)
}

#[test]
fn create_refresh_call_and_failures_are_logged_without_secrets() {
    let sb = sandbox();
    let url = sb.base_url(Flavour::Lazada);
    let client = Arc::new(Client::new(&url, APP_KEY, APP_SECRET).unwrap());
    let store = Arc::new(MemoryStore::new());
    // A margin longer than the sandbox's access-token lifetime: every access_token refreshes.
    let config = ManagerConfig { refresh_margin: Duration::from_secs(30 * 86_400), ..ManagerConfig::default() };
    let manager = TokenManager::new(client.clone(), store.clone(), "seller-1", config).unwrap();
    let mut secrets: Vec<String> = vec![APP_SECRET.to_owned()];

    // Off: nothing is delivered.
    let seen = capture(Level::Off);
    let code = sb.issue_code(APP_KEY).unwrap();
    secrets.push(code.clone());
    let created = manager.create_token(&code).unwrap();
    assert!(take(&seen).is_empty(), "level off delivers nothing");
    secrets.push(created.access_token.expose().to_owned());
    secrets.push(created.refresh_token.expose().to_owned());

    let seen = capture(Level::Trace);
    let code = sb.issue_code(APP_KEY).unwrap();
    secrets.push(code.clone());
    let created = manager.create_token(&code).unwrap();
    secrets.push(created.access_token.expose().to_owned());
    secrets.push(created.refresh_token.expose().to_owned());
    let access = manager.access_token().unwrap();
    secrets.push(access.expose().to_owned());
    let record = manager.record().unwrap().unwrap();
    secrets.push(record.refresh_token.expose().to_owned());
    let ok = client.execute(&Request::new("/seller/get").unwrap(), Some(access.expose()), None).unwrap();
    assert!(ok.is_success());
    let bad = client.execute(&Request::new("/seller/get").unwrap(), Some("not-a-token-0123456789"), None).unwrap();
    assert!(!bad.is_success());
    secrets.push("not-a-token-0123456789".to_owned());
    let dead = Client::new(&closed_port_url(), APP_KEY, APP_SECRET).unwrap();
    dead.configure(|c| c.retry_backoff_max = Duration::from_millis(1)).unwrap();
    let e = dead.execute(&Request::new("/seller/get").unwrap(), Some(access.expose()), None).unwrap_err();
    assert_eq!(e.kind(), iop::ErrorKind::Connect);
    let all = take(&seen);

    let create = named(&all, "token.create");
    assert_eq!(create.len(), 1, "{all:?}");
    assert_eq!(
        (create[0].level, field(create[0], "account"), field(create[0], "outcome")),
        (Level::Info, &"seller-1".into(), &"ok".into())
    );

    let refresh = named(&all, "token.refresh");
    assert_eq!(refresh.len(), 1, "{all:?}");
    assert_eq!(refresh[0].level, Level::Info);
    assert_eq!(field(refresh[0], "outcome"), "ok");
    assert_eq!(field(refresh[0], "kind"), "iop");
    assert!(field(refresh[0], "duration_ms").is_u64());

    let ends = named(&all, "call.end");
    let apis: Vec<&str> = ends.iter().map(|e| field(e, "api").as_str().unwrap()).collect();
    assert_eq!(apis, ["/auth/token/create", "/auth/token/refresh", "/seller/get", "/seller/get", "/seller/get"]);
    let host = url.trim_start_matches("http://").split('/').next().unwrap();
    for e in &ends[..4] {
        assert_eq!(
            (field(e, "host"), field(e, "method"), field(e, "protocol")),
            (&host.into(), &"POST".into(), &"GOP".into())
        );
        assert_eq!(field(e, "attempt"), 1);
        assert_eq!(field(e, "http_status").as_u64().map(|s| s == 200 || s == 400), Some(true), "{e:?}");
        assert!(field(e, "duration_ms").is_u64());
        assert!(field(e, "request_id").is_string());
    }
    assert_eq!((ends[2].level, field(ends[2], "outcome")), (Level::Info, &"ok".into()));
    assert!(!ends[2].fields.contains_key("code"));
    assert_eq!((ends[3].level, field(ends[3], "outcome")), (Level::Warn, &"platform_error".into()));
    assert_eq!(field(ends[3], "code"), "IllegalAccessToken");
    assert_eq!((ends[4].level, field(ends[4], "outcome")), (Level::Warn, &"error".into()));
    assert_eq!(field(ends[4], "error_kind"), "Connect");
    assert_eq!(field(ends[4], "attempt"), 3, "the default: 2 retries");
    assert!(!ends[4].fields.contains_key("http_status"));

    let starts = named(&all, "call.start");
    assert_eq!(starts.len(), 4 + 3, "one per attempt");
    assert!(starts.iter().all(|e| e.level == Level::Debug));
    let retries = named(&all, "call.retry");
    assert_eq!(retries.len(), 2);
    assert_eq!((field(retries[0], "attempt"), field(retries[1], "attempt")), (&1.into(), &2.into()));
    assert!(field(retries[0], "reason").as_str().unwrap().starts_with("Connect:"));
    assert!(field(retries[0], "delay_ms").is_u64());

    // Levels filter: at INFO, no call.start.
    let seen = capture(Level::Info);
    client.execute(&Request::new("/seller/get").unwrap(), Some(access.expose()), None).unwrap();
    let info = take(&seen);
    assert_eq!(info.iter().map(|e| e.name).collect::<Vec<_>>(), ["call.end"]);
    events::set_level(Level::Warn);
    client.execute(&Request::new("/seller/get").unwrap(), Some(access.expose()), None).unwrap();
    assert!(take(&seen).is_empty(), "a success is INFO");

    // A wait for another refresher's lock.
    let seen = capture(Level::Debug);
    let lock = store.lock("seller-1", Duration::from_secs(5)).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let waiter = {
        let manager = Arc::new(manager);
        let m = manager.clone();
        std::thread::spawn(move || {
            tx.send(()).unwrap();
            m.access_token().map(|t| t.expose().to_owned())
        })
    };
    rx.recv().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    drop(lock);
    secrets.push(waiter.join().unwrap().unwrap());
    let waits = take(&seen);
    let wait = named(&waits, "store.lock_wait");
    assert_eq!(wait.len(), 1, "{waits:?}");
    assert_eq!(field(wait[0], "account"), "seller-1");
    assert!(field(wait[0], "waited_ms").as_u64().unwrap() >= 5);

    // A panicking sink is contained.
    events::set_sink(Some(Box::new(|_: &Event| panic!("sink bug"))), Level::Trace);
    assert!(client.execute(&Request::new("/seller/get").unwrap(), Some(access.expose()), None).unwrap().is_success());
    events::set_sink(None, Level::Off);

    let mut logged = all;
    logged.extend(info);
    logged.extend(waits);
    let texts = texts(&logged);
    for secret in &secrets {
        for text in &texts {
            assert!(!text.contains(secret.as_str()), "a secret is in an event: {text}");
        }
    }
    for text in &texts {
        assert!(!has_signature(text), "a signature is in an event: {text}");
        assert!(!text.contains("access_token=") && !text.contains("sign="), "{text}");
    }
    println!("events audit: {} secret values searched in {} event texts, 0 found", secrets.len(), texts.len());
}
