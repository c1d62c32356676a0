//! Rate limits, daily quotas and bans over HTTP: the platforms' throttling envelopes (GOP flat,
//! TOP wrapped), the control endpoints that set and inspect them, and the request log.

mod common;

use common::*;
use iop_sandbox::{Config, DAY_OFFSET_MS, DEFAULT_APP_KEY, Flavour, LimitsConfig, Rate, Sandbox};
use serde_json::json;

const METHOD: &str = "aliexpress.ds.category.get";

fn limited(limits: &str) -> Sandbox {
    Sandbox::start(Config { limits: LimitsConfig::from_json(limits).unwrap(), ..Config::default() }).unwrap()
}

/// `/seller/get` with no token: signed, so it counts, and answered MissingParameter when admitted.
fn seller_get(sb: &Sandbox) -> Resp {
    call(sb, Flavour::Lazada, "/seller/get", &[])
}

fn control(sb: &Sandbox, path: &str) -> Resp {
    post_empty(&format!("{}/_sandbox{path}", sb.url()))
}

/// Seconds from the virtual now to the next midnight GMT+8.
fn seconds_to_midnight(now_ms: i64) -> i64 {
    let day = 86_400_000;
    let next = ((now_ms + DAY_OFFSET_MS).div_euclid(day) + 1) * day - DAY_OFFSET_MS;
    (next - now_ms + 999) / 1000
}

#[test]
fn app_limit_answers_app_call_limit_in_both_envelopes() {
    let sb = limited(r#"{"app":{"rate":1,"burst":2}}"#);
    assert_eq!(seller_get(&sb).code(), "MissingParameter");
    assert_eq!(top(&sb, METHOD, &[]).wrapped_code(), "MissingParameter", "TOP calls count for the app too");
    let r = seller_get(&sb);
    assert_eq!(r.status, 200, "API errors other than OAuth's come with HTTP 200");
    let id = r.json["request_id"].clone();
    assert!(id.is_string());
    assert_eq!(
        r.json,
        json!({"type": "ISP", "code": "AppCallLimit", "message": "This ban will last 1 more seconds", "request_id": id})
    );
    let r = top(&sb, METHOD, &[]);
    assert_eq!(r.status, 200);
    let e = &r.json["error_response"];
    assert_eq!((&e["type"], &e["code"], &e["msg"]), (&json!("ISP"), &json!(7), &json!("App Call Limited")));
    assert_eq!(
        (&e["sub_code"], &e["sub_msg"]),
        (&json!("isp.call-limited"), &json!("This ban will last 1 more seconds"))
    );
    // Another app has its own bucket.
    let other = call_as(
        &sb,
        iop_sandbox::NON_REFRESHABLE_APP_KEY,
        iop_sandbox::NON_REFRESHABLE_APP_SECRET,
        Flavour::Lazada,
        "/seller/get",
        &[],
    );
    assert_eq!(other.code(), "MissingParameter");
    // A second on the virtual clock brings a token back.
    sb.advance_clock(1);
    assert_eq!(seller_get(&sb).code(), "MissingParameter");
}

#[test]
fn api_limit_answers_api_call_limit() {
    let sb = limited(&format!(r#"{{"apis":{{"/seller/get":{{"rate":1}},"{METHOD}":{{"rate":1}}}}}}"#));
    assert_eq!(seller_get(&sb).code(), "MissingParameter");
    let r = seller_get(&sb);
    assert_eq!((r.status, r.code()), (200, "ApiCallLimit"));
    assert_eq!(r.json["message"], "The request has exceeded the limit, ban will last 1 seconds");
    assert_eq!(r.json["type"], "ISP");
    assert!(r.json.get("sub_code").is_none(), "the flat envelope of a rate limit has no sub code");
    // Another API of the same app is not limited.
    assert_eq!(call(&sb, Flavour::Lazada, "/auth/token/create", &[]).code(), "MissingParameter");
    assert_eq!(top(&sb, METHOD, &[]).wrapped_code(), "MissingParameter");
    let r = top(&sb, METHOD, &[]);
    let e = &r.json["error_response"];
    assert_eq!((&e["code"], &e["sub_code"]), (&json!("ApiCallLimit"), &json!("isp.call-limited")));
    assert_eq!(e["msg"], "The request has exceeded the limit, ban will last 1 seconds");
    assert_eq!(e["sub_msg"], "This ban will last 1 more seconds");
}

#[test]
fn throttled_oauth_calls_are_http_400() {
    let sb = limited(r#"{"apis":{"/auth/token/create":{"rate":1}}}"#);
    let code = sb.issue_code(DEFAULT_APP_KEY).unwrap();
    assert_eq!(call(&sb, Flavour::Lazada, "/auth/token/create", &[("code", &code)]).code(), "0");
    let r = call(&sb, Flavour::Lazada, "/auth/token/create", &[("code", "x")]);
    assert_eq!((r.status, r.code()), (400, "ApiCallLimit"));
}

#[test]
fn daily_quota_lasts_until_midnight_gmt8() {
    let sb = limited(r#"{"daily":2}"#);
    assert_eq!(seller_get(&sb).code(), "MissingParameter");
    assert_eq!(top(&sb, METHOD, &[]).wrapped_code(), "MissingParameter");
    let now = sb.now_ms();
    let r = seller_get(&sb);
    let left = seconds_to_midnight(now);
    assert_eq!((r.status, r.code()), (200, "AppCallLimit"));
    assert_eq!(r.json["message"], "App Call Limited");
    assert_eq!(r.json["sub_code"], "accesscontrol.limited-by-app-access-count");
    let sub_msg = r.json["sub_msg"].as_str().unwrap();
    let n: i64 =
        sub_msg.strip_prefix("This ban will last ").unwrap().strip_suffix(" more seconds").unwrap().parse().unwrap();
    assert!((left - 1..=left).contains(&n), "{n} s announced, {left} s to midnight GMT+8");
    let e = top(&sb, METHOD, &[]).json["error_response"].clone();
    assert_eq!((&e["code"], &e["msg"]), (&json!(7), &json!("App Call Limited")));
    assert_eq!(e["sub_code"], "accesscontrol.limited-by-app-access-count");
    let state = get(&format!("{}/_sandbox/limits", sb.url())).json;
    assert_eq!(state["daily"][0]["used"], 2);
    // The virtual clock passes midnight GMT+8: a new day, a new quota.
    sb.advance_clock(left);
    assert_eq!(seller_get(&sb).code(), "MissingParameter");
}

#[test]
fn injected_bans_hold_their_scope_until_they_end() {
    let sb = sandbox();
    let r = control(&sb, &format!("/limits/ban?app_key={DEFAULT_APP_KEY}&api=/seller/get&seconds=3"));
    assert_eq!(r.status, 200, "{}", r.text);
    let until = r.json["until_ms"].as_i64().unwrap();
    assert!((until - sb.now_ms() - 3_000).abs() < 1_000);
    let r = seller_get(&sb);
    assert_eq!(r.code(), "ApiCallLimit");
    assert_eq!(r.json["message"], "The request has exceeded the limit, ban will last 3 seconds");
    assert_eq!(call(&sb, Flavour::Lazada, "/auth/token/create", &[]).code(), "MissingParameter", "other APIs pass");
    sb.advance_clock(3);
    assert_eq!(seller_get(&sb).code(), "MissingParameter", "the ban is over");

    // A ban of the whole app, through the Rust API, and lifted early.
    let until = sb.ban(DEFAULT_APP_KEY, None, 60).unwrap();
    assert!(until > sb.now_ms());
    assert_eq!(call(&sb, Flavour::Lazada, "/auth/token/create", &[]).code(), "AppCallLimit");
    assert_eq!(top(&sb, METHOD, &[]).json["error_response"]["code"], 7);
    sb.ban(DEFAULT_APP_KEY, None, 0).unwrap();
    assert_eq!(seller_get(&sb).code(), "MissingParameter");
    for bad in
        ["/limits/ban?app_key=999&seconds=1", "/limits/ban?app_key=100001&seconds=86401", "/limits/ban?app_key=100001"]
    {
        assert_eq!(control(&sb, bad).status, 400, "{bad}");
    }
    assert!(sb.ban("999", None, 1).is_err());
}

#[test]
fn request_log_shows_what_was_sent_and_throttled() {
    let sb = limited(r#"{"apis":{"/seller/get":{"rate":1}}}"#);
    seller_get(&sb);
    seller_get(&sb);
    top(&sb, METHOD, &[]);
    post_form(&format!("{}/seller/get", sb.base_url(Flavour::Lazada)), &Default::default());
    let log = sb.request_log();
    assert_eq!(log.len(), 4, "{log:?}");
    assert!(log.windows(2).all(|w| w[0].seq < w[1].seq && w[0].at_ms <= w[1].at_ms));
    let summary: Vec<(&str, &str, bool, Option<&str>, &str)> = log
        .iter()
        .map(|e| (e.app_key.as_str(), e.api.as_str(), e.throttled, e.limit.as_deref(), e.code.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (DEFAULT_APP_KEY, "/seller/get", false, None, "MissingParameter"),
            (DEFAULT_APP_KEY, "/seller/get", true, Some("api"), "ApiCallLimit"),
            (DEFAULT_APP_KEY, METHOD, false, None, "MissingParameter"),
            ("", "/seller/get", false, None, "MissingParameter"),
        ]
    );
    // Over HTTP, incrementally, and a fault's throttling is logged as such.
    let url = format!("{}/_sandbox/requests", sb.url());
    let all = get(&url).json;
    assert_eq!((all["requests"].as_array().unwrap().len(), &all["last_seq"]), (4, &json!(4)));
    sb.arm_fault("/auth/token/create", "throttle;seconds=2", Some(1)).unwrap();
    call(&sb, Flavour::Lazada, "/auth/token/create", &[]);
    let new = get(&format!("{url}?after=4")).json;
    assert_eq!(
        new["requests"][0],
        json!({"seq": 5, "at_ms": new["requests"][0]["at_ms"], "app_key": DEFAULT_APP_KEY, "api": "/auth/token/create",
               "throttled": true, "limit": "fault", "code": "ApiCallLimit"})
    );
    assert_eq!(get(&format!("{url}?after=x")).status, 400);
    assert_eq!(control(&sb, "/requests/reset").json["requests"], json!([]));
    assert!(sb.request_log().is_empty());
    // Control endpoints are not logged.
    assert!(sb.request_log().is_empty());
}

#[test]
fn limits_change_at_run_time() {
    let sb = sandbox();
    let url = format!("{}/_sandbox/limits", sb.url());
    assert_eq!(get(&url).json, json!({"limits": {}, "bans": [], "daily": []}));
    let r = post_raw(&url, "application/json", br#"{"app":{"rate":1,"burst":1},"daily":10}"#.to_vec());
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["limits"], json!({"app": {"rate": 1, "burst": 1}, "daily": 10}));
    seller_get(&sb);
    assert_eq!(seller_get(&sb).code(), "AppCallLimit");
    for bad in [&b"not json"[..], br#"{"app":{"rate":0}}"#, br#"{"nope":1}"#] {
        assert_eq!(post_raw(&url, "application/json", bad.to_vec()).status, 400);
    }
    assert_eq!(get(&url).json["limits"]["daily"], 10, "a refused change changes nothing");
    // Removed limits, and reset counts.
    sb.set_limits(LimitsConfig::default()).unwrap();
    assert_eq!(seller_get(&sb).code(), "MissingParameter");
    sb.set_limits(LimitsConfig { daily: Some(1), ..LimitsConfig::default() }).unwrap();
    assert_eq!(seller_get(&sb).code(), "AppCallLimit", "the day's count was kept: 2 calls already");
    assert_eq!(control(&sb, "/limits/reset").status, 200);
    assert_eq!(seller_get(&sb).code(), "MissingParameter");
    assert!(sb.set_limits(LimitsConfig { app: Some(Rate::per_second(0)), ..LimitsConfig::default() }).is_err());
    assert_eq!(get(&format!("{}/_sandbox/limits/ban", sb.url())).status, 405);
}

#[test]
fn concurrent_callers_get_exactly_the_burst() {
    // 8 threads race for a bucket of 20 that refills 1 per second: 20 calls pass, the rest are
    // throttled, and the log agrees with the answers.
    let sb = limited(r#"{"app":{"rate":1,"burst":20}}"#);
    let start = sb.now_ms();
    let passed: usize = std::thread::scope(|s| {
        let threads: Vec<_> = (0..8)
            .map(|_| s.spawn(|| (0..5).filter(|_| seller_get(&sb).code() == "MissingParameter").count()))
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).sum()
    });
    // One more token per second of the virtual clock that passed meanwhile.
    let refilled = ((sb.now_ms() - start) / 1000) as usize;
    let log = sb.request_log();
    let throttled = log.iter().filter(|e| e.throttled).count();
    assert!((20..=20 + refilled).contains(&passed), "{passed} passed, {refilled} tokens refilled");
    assert_eq!((log.len(), throttled), (40, 40 - passed));
    assert!(log.iter().filter(|e| e.throttled).all(|e| e.limit.as_deref() == Some("app") && e.code == "AppCallLimit"));
}
