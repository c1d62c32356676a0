//! The limiter's policy over the memory backend: budgets, waits, fail-fast, bans, daily quota.

use super::*;
use crate::error::PlatformError;

/// A platform error with these fields.
pub(super) fn platform(code: &str, message: &str, sub_code: Option<&str>, sub_msg: Option<&str>) -> PlatformError {
    PlatformError {
        code: code.into(),
        message: Some(message.into()),
        sub_code: sub_code.map(Into::into),
        sub_message: sub_msg.map(Into::into),
        ..Default::default()
    }
}

#[test]
fn budgets_are_checked() {
    let l = RateLimiter::in_memory();
    assert_eq!(l.set_budget(Scope::App, Some("x"), 1.0, None).unwrap_err().kind(), ErrorKind::InvalidArgument);
    assert_eq!(l.set_budget(Scope::Seller, Some("x"), 1.0, None).unwrap_err().kind(), ErrorKind::InvalidArgument);
    assert_eq!(l.set_budget(Scope::Api, Some(""), 1.0, None).unwrap_err().kind(), ErrorKind::InvalidArgument);
    assert_eq!(l.set_budget(Scope::App, None, -1.0, None).unwrap_err().kind(), ErrorKind::InvalidArgument);
    assert_eq!(l.set_budget(Scope::App, None, f64::NAN, None).unwrap_err().kind(), ErrorKind::InvalidArgument);
    assert_eq!(l.set_budget(Scope::App, None, 1.0, Some(0)).unwrap_err().kind(), ErrorKind::InvalidArgument);
    l.set_budget(Scope::App, None, 2.5, None).unwrap();
    let status = l.status("k").unwrap();
    assert_eq!(status.budgets.len(), 1);
    assert_eq!((status.budgets[0].burst, status.budgets[0].available), (3, 3.0), "burst defaults to ceil(rate)");
    l.set_budget(Scope::App, None, 0.0, None).unwrap();
    assert!(l.status("k").unwrap().budgets.is_empty(), "rate 0 removes the budget");
}

#[test]
fn fail_fast_names_the_wait() {
    let l = RateLimiter::in_memory();
    l.set_budget(Scope::Api, Some("/a"), 1.0, Some(2)).unwrap();
    l.set_max_wait(Duration::ZERO);
    l.acquire("k", "/a", None).unwrap();
    l.acquire("k", "/a", None).unwrap();
    let e = l.acquire("k", "/a", None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited, "{e}");
    assert_eq!(e.platform_error().unwrap().code, "RateLimited");
    let wait = e.retry_after().unwrap();
    assert!(wait > Duration::ZERO && wait <= Duration::from_secs(1), "{wait:?}");
    assert!(e.message().contains("/a"), "{e}");
    l.acquire("k", "/b", None).unwrap();
    l.acquire("other-app", "/a", None).unwrap();
}

#[test]
fn waits_within_max_wait() {
    let l = RateLimiter::in_memory();
    l.set_budget(Scope::App, None, 100.0, Some(1)).unwrap();
    l.set_max_wait(Duration::from_secs(5));
    let start = Instant::now();
    for _ in 0..6 {
        l.acquire("k", "/a", None).unwrap();
    }
    // 1 at once, then one per 10 ms.
    assert!(start.elapsed() >= Duration::from_millis(50), "{:?}", start.elapsed());
}

#[test]
fn seller_buckets_are_per_token() {
    let l = RateLimiter::in_memory();
    l.set_budget(Scope::Seller, None, 0.01, Some(1)).unwrap();
    l.set_max_wait(Duration::ZERO);
    l.acquire("k", "/a", Some("token-1")).unwrap();
    assert_eq!(l.acquire("k", "/a", Some("token-1")).unwrap_err().kind(), ErrorKind::RateLimited);
    l.acquire("k", "/a", Some("token-2")).unwrap();
    l.acquire("k", "/a", None).unwrap();
    let json = l.status_json("k").unwrap();
    assert!(!json.contains("token-1"), "{json}");
}

#[test]
fn a_learned_ban_holds_every_caller() {
    let l = RateLimiter::in_memory();
    l.set_max_wait(Duration::ZERO);
    let ban = platform("ApiCallLimit", "The request has exceeded the limit, ban will last 2 seconds", None, None);
    let (scope, until) = l.learn("k", "/a", &ban).unwrap();
    assert_eq!(scope, SlotScope::Api);
    let e = l.acquire("k", "/a", None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert_eq!(e.platform_error().unwrap().code, "ApiCallLimit");
    assert!(e.retry_after().unwrap() > Duration::from_millis(1500));
    l.acquire("k", "/b", None).unwrap();
    let status = l.status("k").unwrap();
    assert_eq!(status.bans.len(), 1);
    assert_eq!((status.bans[0].until_ms, status.bans[0].name.as_deref()), (until, Some("/a")));
    assert_eq!(l.learn("k", "/a", &platform("IllegalAccessToken", "x", None, None)), None);
}

#[test]
fn a_short_ban_is_waited_out() {
    let l = RateLimiter::in_memory();
    l.set_max_wait(Duration::from_secs(5));
    l.learn("k", "/a", &platform("AppCallLimit", "This ban will last 300 ms", None, None)).unwrap();
    let start = Instant::now();
    l.acquire("k", "/other", None).unwrap();
    assert!(start.elapsed() >= Duration::from_millis(250), "{:?}", start.elapsed());
}

#[test]
fn a_daily_quota_is_never_waited_for() {
    let l = RateLimiter::in_memory();
    l.set_max_wait(Duration::from_secs(3600));
    let quota = platform("AppCallLimit", "App Call Limited", Some("accesscontrol.limited-by-app-access-count"), None);
    let (scope, until) = l.learn("k", "/a", &quota).unwrap();
    assert_eq!(scope, SlotScope::Daily);
    assert_eq!(until, backend::next_midnight_gmt8(until - 1));
    // Returns at once (were it waited for, the call would block for the max wait of an hour).
    let e = l.acquire("k", "/b", None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::QuotaExceeded, "{e}");
    assert_eq!(e.platform_error().unwrap().code, "AppCallLimit");
    assert!(e.message().contains(&backend::rfc3339_gmt8(until)), "{e}");
    assert!(e.message().contains("T00:00:00+08:00"), "{e}");
    assert!(e.retry_after().unwrap() <= Duration::from_secs(86_400));
}

#[test]
fn limiters_of_one_memory_store_share_state() {
    let store = crate::manager::MemoryStore::new();
    let a = RateLimiter::for_store(&store).unwrap();
    let b = RateLimiter::for_store(&store).unwrap();
    b.set_max_wait(Duration::ZERO);
    a.learn("k", "/a", &platform("ApiCallLimit", "ban will last 5 seconds", None, None)).unwrap();
    assert_eq!(b.acquire("k", "/a", None).unwrap_err().kind(), ErrorKind::RateLimited);
    let other = RateLimiter::for_store(&crate::manager::MemoryStore::new()).unwrap();
    other.acquire("k", "/a", None).unwrap();
    let dir = std::env::temp_dir().join(format!("iop-limits-{}", std::process::id()));
    let file = crate::manager::FileStore::new(dir.join("t.json")).unwrap();
    assert_eq!(RateLimiter::for_store(&file).unwrap_err().kind(), ErrorKind::InvalidArgument);
}
