//! The rate limiter against the sandbox, which throttles like the platforms: a ban learned from
//! one throttled answer holds every caller of the process (nothing is sent to the banned scope
//! until it ends), budgets keep calls under the sandbox's limits, token helpers and batches go
//! through it too, and a used-up daily quota becomes a typed error naming the reset instant,
//! after which nothing is sent.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use iop::batch::BatchItem;
use iop::limits::{RateLimiter, Scope};
use iop::manager::MemoryStore;
use iop::{Client, ClientConfig, ErrorKind, Request, Secret};
use iop_sandbox::{LimitsConfig, Rate};

/// A client of the sandbox's Lazada gateway configured with `limiter`.
fn limited_client(sb: &Sandbox, limiter: &Arc<RateLimiter>) -> Client {
    let config = ClientConfig { rate_limiter: Some(Arc::clone(limiter)), ..ClientConfig::default() };
    Client::with_config(&sb.base_url(Flavour::Lazada), APP_KEY, APP_SECRET, config).unwrap()
}

fn seller_get() -> Request {
    Request::new("/seller/get").unwrap()
}

/// Requests of `api` the sandbox received.
fn received(sb: &Sandbox, api: &str) -> usize {
    sb.request_log().iter().filter(|r| r.api == api).count()
}

#[test]
fn a_learned_api_ban_holds_the_process_and_is_not_sent() {
    let sb = sandbox();
    let limiter = Arc::new(RateLimiter::for_store(&MemoryStore::new()).unwrap());
    limiter.set_max_wait(Duration::ZERO);
    let c = limited_client(&sb, &limiter);
    let token = c.create_token(&sb.issue_code(APP_KEY).unwrap()).unwrap();
    let token = token.access_token.expose();
    sb.clear_request_log();
    let until = sb.ban(APP_KEY, Some("/seller/get"), 3).unwrap();

    // The answer that teaches the ban is returned as before: a response with the platform code.
    let r = c.execute(&seller_get(), Some(token), None).unwrap();
    assert_eq!(r.code(), Some("ApiCallLimit"), "{}", r.body());
    let e = c.execute(&seller_get(), Some(token), None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited, "{e}");
    assert_eq!(e.platform_error().unwrap().code, "ApiCallLimit");
    let wait = e.retry_after().unwrap();
    assert!(wait > Duration::from_secs(1) && wait <= Duration::from_secs(3), "{wait:?}");
    // Another client of the process (same limiter), and a batch, are held too.
    let other = limited_client(&sb, &limiter);
    assert_eq!(other.execute(&seller_get(), Some(token), None).unwrap_err().kind(), ErrorKind::RateLimited);
    let items: Vec<BatchItem> = (0..4)
        .map(|_| BatchItem { request: seller_get(), access_token: Some(Secret::new(token)), protocol: None })
        .collect();
    for outcome in c.execute_all(&items, 4) {
        assert_eq!(outcome.unwrap_err().kind(), ErrorKind::RateLimited);
    }
    // Other APIs are not banned.
    let r = c.execute(&Request::new("/order/get").unwrap(), Some(token), None).unwrap();
    assert_ne!(r.code(), Some("ApiCallLimit"));
    assert_eq!(received(&sb, "/seller/get"), 1, "only the call that taught the ban was sent");
    let status: serde_json::Value = serde_json::from_str(&limiter.status_json(APP_KEY).unwrap()).unwrap();
    let ban = &status["bans"][0];
    assert_eq!(
        (ban["scope"].as_str(), ban["name"].as_str(), ban["code"].as_str()),
        (Some("api"), Some("/seller/get"), Some("ApiCallLimit"))
    );
    println!("ban until {until} (sandbox); refused without sending: 6 calls; sent to /seller/get: 1");
}

#[test]
fn a_ban_is_waited_out_within_max_wait() {
    let sb = sandbox();
    let limiter = Arc::new(RateLimiter::in_memory());
    limiter.set_max_wait(Duration::from_secs(10));
    let c = limited_client(&sb, &limiter);
    let token = c.create_token(&sb.issue_code(APP_KEY).unwrap()).unwrap();
    let token = token.access_token.expose();
    sb.clear_request_log();
    let until = sb.ban(APP_KEY, None, 2).unwrap();
    assert_eq!(c.execute(&seller_get(), Some(token), None).unwrap().code(), Some("AppCallLimit"));
    // The next call waits the ban out, then goes through.
    let r = c.execute(&seller_get(), Some(token), None).unwrap();
    assert!(r.is_success(), "{}", r.body());
    let log = sb.request_log();
    assert_eq!(log.len(), 2, "{log:?}");
    assert!(log[1].at_ms >= until, "sent {} ms before the ban ended", until - log[1].at_ms);
}

#[test]
fn token_helpers_learn_and_honour_bans() {
    let sb = sandbox();
    let limiter = Arc::new(RateLimiter::in_memory());
    limiter.set_max_wait(Duration::ZERO);
    let c = limited_client(&sb, &limiter);
    sb.ban(APP_KEY, None, 5).unwrap();
    let e = c.create_token(&sb.issue_code(APP_KEY).unwrap()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Platform, "the teaching answer is the caller's, as before: {e}");
    assert_eq!(e.platform_error().unwrap().code, "AppCallLimit");
    let e = c.refresh_token("any-refresh-token").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited, "{e}");
    assert_eq!(e.platform_error().unwrap().code, "AppCallLimit");
    assert_eq!(received(&sb, "/auth/token/refresh"), 0);
}

#[test]
fn a_budget_keeps_calls_under_the_sandbox_limit() {
    let sb = sandbox();
    let c0 = client(&sb, Flavour::Lazada);
    let token = c0.create_token(&sb.issue_code(APP_KEY).unwrap()).unwrap();
    sb.set_limits(LimitsConfig {
        apis: [("/seller/get".to_owned(), Rate { rate: 20, burst: Some(5), ban_secs: 0 })].into(),
        ..LimitsConfig::default()
    })
    .unwrap();
    let limiter = Arc::new(RateLimiter::in_memory());
    limiter.set_budget(Scope::Api, Some("/seller/get"), 20.0, Some(2)).unwrap();
    let c = limited_client(&sb, &limiter);
    let token = token.access_token.expose();
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..10 {
                    let r = c.execute(&seller_get(), Some(token), None).unwrap();
                    assert!(r.is_success(), "{}", r.body());
                }
            });
        }
    });
    let throttled = sb.request_log().iter().filter(|r| r.throttled).count();
    assert_eq!(throttled, 0);
    println!("40 calls from 4 threads under a 20/s budget: {throttled} throttled");
}

#[test]
fn a_used_up_daily_quota_names_the_reset_and_stops_sending() {
    let sb = sandbox();
    let c0 = client(&sb, Flavour::Lazada);
    let token = c0.create_token(&sb.issue_code(APP_KEY).unwrap()).unwrap();
    let token = token.access_token.expose();
    sb.set_limits(LimitsConfig { daily: Some(3), ..LimitsConfig::default() }).unwrap();
    sb.reset_limits();
    sb.clear_request_log();
    let limiter = Arc::new(RateLimiter::in_memory());
    let c = limited_client(&sb, &limiter);
    for _ in 0..3 {
        assert!(c.execute(&seller_get(), Some(token), None).unwrap().is_success());
    }
    let r = c.execute(&seller_get(), Some(token), None).unwrap();
    assert_eq!(r.sub_code(), Some("accesscontrol.limited-by-app-access-count"), "{}", r.body());
    let now = iop::client::now_ms();
    let midnight = now - (now + 8 * 3_600_000).rem_euclid(86_400_000) + 86_400_000;
    let reset = iop::datetime::rfc3339(midnight + 8 * 3_600_000).replace('Z', "+08:00");
    // Every later call fails at once (never waited for, whatever the max wait), naming the reset.
    for api in ["/seller/get", "/order/get", "aliexpress.ds.category.get"] {
        let e = c.execute(&Request::new(api).unwrap(), Some(token), None).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::QuotaExceeded, "{e}");
        assert!(e.message().contains(&reset), "{e} should name {reset}");
        assert!(e.retry_after().unwrap() <= Duration::from_millis((midnight - now) as u64 + 1000));
    }
    let log = sb.request_log();
    assert_eq!(log.len(), 4, "nothing was sent after the quota answer: {log:?}");
    println!("daily quota: {} ({} requests sent, the last one throttled)", reset, log.len());
}
