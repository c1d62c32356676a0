//! Many calls at once: the batch call returns every outcome at its index, typed like
//! `execute`'s, and the keep-alive pool holds one connection per concurrent caller.

mod common;

use common::*;
use iop::batch::BatchItem;
use iop::{Client, ClientConfig, ErrorKind, Request, Secret};

fn seller_get(token: Option<&str>) -> BatchItem {
    BatchItem { request: Request::new("/seller/get").unwrap(), access_token: token.map(Secret::new), protocol: None }
}

#[test]
fn every_outcome_comes_back_at_its_index() {
    let sb = sandbox();
    let c = client(&sb, Flavour::Lazada);
    let token = c.create_token(&sb.issue_code(APP_KEY).unwrap()).unwrap();
    let good = token.access_token.expose();
    let mut items: Vec<BatchItem> = (0..40).map(|_| seller_get(Some(good))).collect();
    items[7] = seller_get(Some("not-a-token"));
    items[13] = BatchItem {
        request: Request::new("seller.get").unwrap(),
        access_token: None,
        protocol: Some(iop::Protocol::Gop),
    };
    items[31] = seller_get(None);

    let outcomes = c.execute_all(&items, 8);
    assert_eq!(outcomes.len(), items.len());
    for (i, outcome) in outcomes.iter().enumerate() {
        match i {
            7 => {
                let r = outcome.as_ref().expect("a platform error is a response, as with execute");
                assert!(!r.is_success());
                assert_eq!(r.code(), Some("IllegalAccessToken"));
            }
            13 => assert_eq!(outcome.as_ref().unwrap_err().kind(), ErrorKind::InvalidArgument),
            31 => assert_eq!(outcome.as_ref().unwrap().code(), Some("MissingParameter")),
            _ => assert!(outcome.as_ref().unwrap().is_success(), "{i}: {:?}", outcome.as_ref().map(|r| r.body())),
        }
    }
    // Only the invalid item never left the client.
    assert_eq!(sb.route_hits("/seller/get"), 39);
}

#[test]
fn transport_failures_are_typed_per_item_and_do_not_stop_the_others() {
    let sb = sandbox();
    let c = client(&sb, Flavour::Lazada);
    let token = c.create_token(&sb.issue_code(APP_KEY).unwrap()).unwrap();
    sb.arm_fault("/seller/get", "http-502", Some(3)).unwrap();
    let items: Vec<BatchItem> = (0..12).map(|_| seller_get(Some(token.access_token.expose()))).collect();
    let outcomes = c.execute_all(&items, 4);
    let failed: Vec<ErrorKind> = outcomes.iter().filter_map(|o| o.as_ref().err().map(|e| e.kind())).collect();
    assert_eq!(failed, vec![ErrorKind::Http; 3], "exactly the three faulted calls fail, as HTTP errors");
    assert_eq!(outcomes.iter().filter(|o| o.as_ref().is_ok_and(|r| r.is_success())).count(), 9);
}

#[test]
fn concurrency_one_and_empty_batches() {
    let sb = sandbox();
    let c = client(&sb, Flavour::Lazada);
    assert!(c.execute_all(&[], 16).is_empty());
    let before = sb.stats().connections;
    let outcomes = c.execute_all(&(0..5).map(|_| seller_get(None)).collect::<Vec<_>>(), 1);
    assert!(outcomes.iter().all(|o| o.as_ref().unwrap().code() == Some("MissingParameter")));
    assert_eq!(sb.stats().connections - before, 1, "one worker keeps one connection");
}

/// Connections the sandbox accepted while `run` used a client made with `config`.
fn connections_opened(config: ClientConfig, run: impl Fn(&Client)) -> u64 {
    let sb = sandbox();
    let c = Client::with_config(&sb.base_url(Flavour::Lazada), APP_KEY, APP_SECRET, config).unwrap();
    let before = sb.stats().connections;
    run(&c);
    sb.stats().connections - before
}

#[test]
fn the_pool_keeps_a_connection_per_thread() {
    let eight_threads = |c: &Client| {
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    for _ in 0..150 {
                        assert!(c.execute(&Request::new("/seller/get").unwrap(), None, None).is_ok());
                    }
                });
            }
        })
    };
    let opened = connections_opened(ClientConfig::default(), eight_threads);
    assert!(opened <= 8, "8 threads × 150 calls opened {opened} connections");
    // With the pool off, every call connects anew: the setting is what holds them.
    let config = ClientConfig { max_idle_connections: 0, ..ClientConfig::default() };
    assert_eq!(connections_opened(config, eight_threads), 1200);
    // A batch keeps one connection per worker.
    let batch = |c: &Client| {
        let items: Vec<BatchItem> = (0..400).map(|_| seller_get(None)).collect();
        assert_eq!(c.execute_all(&items, 16).len(), 400);
    };
    let opened = connections_opened(ClientConfig::default(), batch);
    assert!(opened <= 16, "a batch at concurrency 16 opened {opened} connections");
}
