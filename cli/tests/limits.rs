//! `iop limits`: the budgets and bans a fleet's limiters keep in Redis (a real `redis-server`
//! on loopback), as a table and as JSON; and the usage error without a Redis server.

mod common;
#[path = "../../tests/common/redis.rs"]
mod redis;

use common::*;
use iop::PlatformError;
use iop::limits::{RateLimiter, Scope};
use iop::manager::{RedisStore, RedisStoreConfig};
use redis::RedisServer;

#[test]
fn without_a_redis_server_it_says_how_to_give_one() {
    let r = run(iop().env_remove("IOP_REDIS_URL"), &["--app-key", APP_KEY, "limits"]).expect(2);
    assert!(r.stderr.contains("no Redis server given"), "{}", r.stderr);
    assert!(r.stderr.contains("--redis") && r.stderr.contains("IOP_REDIS_URL"), "{}", r.stderr);
}

#[test]
fn shows_the_budgets_used_and_the_bans_learned_by_another_process() {
    let server = RedisServer::start(&[]);
    let mut config = RedisStoreConfig::new(&server.url(), APP_KEY);
    config.namespace = "cli-limits".into();
    let store = RedisStore::new(config).unwrap();
    let limiter = RateLimiter::for_store(&store).unwrap();
    limiter.set_budget(Scope::App, None, 0.1, Some(5)).unwrap();
    for _ in 0..3 {
        limiter.acquire(APP_KEY, "/seller/get", None).unwrap();
    }
    let throttled = PlatformError {
        code: "ApiCallLimit".into(),
        message: Some("The request has exceeded the limit, ban will last 60 seconds".into()),
        ..Default::default()
    };
    assert!(limiter.learn(APP_KEY, "/order/get", &throttled).is_some());

    let args = ["--app-key", APP_KEY, "limits", "--redis", &server.url(), "--prefix", "cli-limits"];
    let table = run(&mut iop(), &args).expect(0);
    assert!(table.stdout.contains("budget app"), "{}", table.stdout);
    assert!(table.stdout.contains("0.1/s, burst 5, 2."), "{}", table.stdout);
    assert!(table.stdout.contains("ban api /order/get"), "{}", table.stdout);
    assert!(table.stdout.contains("ApiCallLimit until"), "{}", table.stdout);

    let json = run(
        iop().env("IOP_REDIS_URL", server.url()),
        &["--json", "--app-key", APP_KEY, "limits", "--prefix", "cli-limits"],
    )
    .expect(0)
    .json();
    let budget = &json["budgets"][0];
    assert_eq!(budget["scope"], "app");
    assert_eq!(budget["burst"], 5);
    let available = budget["available"].as_f64().unwrap();
    assert!((2.0..3.0).contains(&available), "{json}");
    let ban = &json["bans"][0];
    assert_eq!(
        (ban["scope"].as_str(), ban["name"].as_str(), ban["code"].as_str()),
        (Some("api"), Some("/order/get"), Some("ApiCallLimit"))
    );
    let left = ban["until_ms"].as_i64().unwrap() - iop::client::now_ms();
    assert!((50_000..=61_000).contains(&left), "{json}");

    // Another namespace holds nothing.
    let other =
        run(&mut iop(), &["--app-key", APP_KEY, "limits", "--redis", &server.url(), "--prefix", "elsewhere"]).expect(0);
    assert!(other.stdout.contains("bans") && other.stdout.contains("none"), "{}", other.stdout);
}
