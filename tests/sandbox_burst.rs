//! The sandbox serves bursts of new connections while other clients hold idle keep-alive ones.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use iop::{ClientConfig, Request};

#[test]
fn bursts_of_new_connections_beside_idle_keep_alive_ones() {
    let sb = sandbox();
    let idle: Vec<iop::Client> = (0..6).map(|_| client(&sb, Flavour::Lazada)).collect();
    let probe = Request::new("/seller/get").unwrap();
    for c in &idle {
        c.execute(&probe, None, None).unwrap(); // leaves an idle pooled connection open
    }
    let config = ClientConfig { read_timeout: Duration::from_secs(5), ..ClientConfig::default() };
    let start = Instant::now();
    for _round in 0..3 {
        let fresh = Arc::new(
            iop::Client::with_config(&sb.base_url(Flavour::Lazada), APP_KEY, APP_SECRET, config.clone()).unwrap(),
        );
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let c = fresh.clone();
                std::thread::spawn(move || {
                    let r = Request::new("/seller/get").unwrap();
                    (0..25).map(|_| c.execute(&r, None, None).map(|x| x.http_status())).collect::<Vec<_>>()
                })
            })
            .collect();
        for t in threads {
            for result in t.join().unwrap() {
                assert_eq!(result.unwrap(), 200, "MissingParameter answer, not a stall");
            }
        }
    }
    assert!(start.elapsed() < Duration::from_secs(10), "took {:?}", start.elapsed());
    drop(idle);
}
