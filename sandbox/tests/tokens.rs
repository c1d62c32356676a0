//! Token exchange and rotation over HTTP: lifetimes, single use, expiry, flavours.

mod common;

use common::*;
use iop_sandbox::{
    AppConfig, Config, DEFAULT_ACCESS_TTL_SECS, DEFAULT_APP_KEY, DEFAULT_REFRESH_TTL_SECS, Flavour,
    NON_REFRESHABLE_APP_KEY, NON_REFRESHABLE_APP_SECRET, Sandbox,
};
use serde_json::Value;

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}")).to_string()
}

#[test]
fn lazada_create_and_refresh_spellings() {
    let sb = sandbox();
    let t = create_token(&sb, Flavour::Lazada);
    assert!(t["access_token"].as_str().unwrap().starts_with("50000"));
    assert!(t["access_token"].as_str().unwrap().len() >= 40);
    assert!(t["refresh_token"].as_str().unwrap().len() >= 40);
    assert_eq!(t["expires_in"], DEFAULT_ACCESS_TTL_SECS);
    assert!(t["refresh_expires_in"].is_number());
    assert!((DEFAULT_REFRESH_TTL_SECS - 2..=DEFAULT_REFRESH_TTL_SECS).contains(&num(&t["refresh_expires_in"])));
    assert_eq!(t["account_platform"], "seller_center");
    assert!(t["account_id"].is_null());
    assert_eq!(t["country"], "sg");
    assert!(t["account"].as_str().unwrap().contains('@'));
    let info = &t["country_user_info"][0];
    assert_eq!(info["country"], "sg");
    for k in ["user_id", "seller_id", "short_code"] {
        assert!(info[k].is_string(), "{k}");
    }
    assert!(t.get("country_user_info_list").is_none());
    assert_eq!(t["request_id"].as_str().unwrap().len(), 25);

    let r = call(&sb, Flavour::Lazada, "/auth/token/refresh", &[("refresh_token", &s(&t["refresh_token"]))]);
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.code(), "0");
    assert_eq!(r.json["country_user_info_list"][0]["seller_id"], info["seller_id"]);
    assert!(r.json.get("country_user_info").is_none());
}

#[test]
fn tw_spellings() {
    let sb = sandbox();
    let t = create_token(&sb, Flavour::Tw);
    assert_eq!(t["expires_in"], DEFAULT_ACCESS_TTL_SECS.to_string());
    assert!(t["refresh_expires_in"].is_string());
    assert!(t["account_id"].is_string());
    assert_eq!(t["account_platform"], "seller_center");
    assert!(t["user_id"].is_string() && t["seller_id"].is_string() && t["short_code"].is_string());
    let r = call(&sb, Flavour::Tw, "/auth/token/refresh", &[("refresh_token", &s(&t["refresh_token"]))]);
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["seller_Id"], t["seller_id"]);
    assert_eq!(r.json["user_Id"], t["user_id"]);
    assert!(r.json["expires_in"].is_string());
    assert!(r.json.get("seller_id").is_none());
}

#[test]
fn aliexpress_spellings() {
    let sb = sandbox();
    let before = sb.now_ms();
    let t = create_token(&sb, Flavour::AliExpress);
    assert!(t["expire_time"].is_i64() && t["refresh_token_valid_time"].is_i64());
    let expire = num(&t["expire_time"]);
    assert!((before + DEFAULT_ACCESS_TTL_SECS * 1000..=sb.now_ms() + DEFAULT_ACCESS_TTL_SECS * 1000).contains(&expire));
    let valid = num(&t["refresh_token_valid_time"]);
    assert!(
        (before + DEFAULT_REFRESH_TTL_SECS * 1000..=sb.now_ms() + DEFAULT_REFRESH_TTL_SECS * 1000).contains(&valid)
    );
    assert!(t["expires_in"].is_number() && t["refresh_expires_in"].is_number());
    for k in ["havana_id", "user_nick", "user_id", "seller_id", "account"] {
        assert!(t[k].is_string(), "{k}");
    }
    assert_eq!(t["locale"], "zh_CN");
    assert_eq!(t["sp"], "ae");
    assert_eq!(t["account_platform"], "seller_center");
    let r = call(&sb, Flavour::AliExpress, "/auth/token/refresh", &[("refresh_token", &s(&t["refresh_token"]))]);
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["refresh_token_valid_time"], t["refresh_token_valid_time"], "refresh expiry not extended");
}

#[test]
fn each_code_is_a_distinct_seller() {
    let sb = sandbox();
    let a = create_token(&sb, Flavour::Lazada);
    let b = create_token(&sb, Flavour::Lazada);
    assert_ne!(a["country_user_info"][0]["seller_id"], b["country_user_info"][0]["seller_id"]);
    assert_ne!(a["country_user_info"][0]["short_code"], b["country_user_info"][0]["short_code"]);
    assert_ne!(a["account"], b["account"]);
    assert_ne!(a["access_token"], b["access_token"]);
    assert_ne!(a["request_id"], b["request_id"]);
}

#[test]
fn code_is_single_use() {
    let sb = sandbox();
    let code = sb.issue_code(DEFAULT_APP_KEY).unwrap();
    assert_eq!(call(&sb, Flavour::Lazada, "/auth/token/create", &[("code", &code)]).status, 200);
    let r = call(&sb, Flavour::Lazada, "/auth/token/create", &[("code", &code)]);
    assert_eq!(r.status, 400);
    assert_eq!(r.code(), "InvalidCode");
    assert_eq!(r.json["message"], "Invalid authorization code");
    assert_eq!(r.json["type"], "ISV");
}

#[test]
fn code_expires_after_30_minutes() {
    let sb = sandbox();
    let fresh = sb.issue_code(DEFAULT_APP_KEY).unwrap();
    let stale = sb.issue_code(DEFAULT_APP_KEY).unwrap();
    sb.advance_clock(29 * 60);
    assert_eq!(call(&sb, Flavour::Lazada, "/auth/token/create", &[("code", &fresh)]).status, 200);
    sb.advance_clock(60);
    let r = call(&sb, Flavour::Lazada, "/auth/token/create", &[("code", &stale)]);
    assert_eq!(r.code(), "InvalidCode", "{}", r.text);
}

#[test]
fn code_of_another_app_and_unknown_code() {
    let sb = sandbox();
    let code = sb.issue_code(NON_REFRESHABLE_APP_KEY).unwrap();
    let r = call(&sb, Flavour::Lazada, "/auth/token/create", &[("code", &code)]);
    assert_eq!(r.code(), "InvalidCode");
    let r = call(&sb, Flavour::Lazada, "/auth/token/create", &[("code", "0_100001_doesnotexist")]);
    assert_eq!(r.code(), "InvalidCode");
    // The rightful app can still use it.
    let r = call_as(
        &sb,
        NON_REFRESHABLE_APP_KEY,
        NON_REFRESHABLE_APP_SECRET,
        Flavour::Lazada,
        "/auth/token/create",
        &[("code", &code)],
    );
    assert_eq!(r.status, 200, "{}", r.text);
}

#[test]
fn refresh_rotates_and_never_extends() {
    let sb = sandbox();
    let t = create_token(&sb, Flavour::Lazada);
    let first_refresh = s(&t["refresh_token"]);
    let first_access = s(&t["access_token"]);
    sb.advance_clock(10 * 86_400);
    let r1 = call(&sb, Flavour::Lazada, "/auth/token/refresh", &[("refresh_token", &first_refresh)]);
    assert_eq!(r1.status, 200, "{}", r1.text);
    let second_refresh = s(&r1.json["refresh_token"]);
    assert_ne!(second_refresh, first_refresh);
    assert_ne!(s(&r1.json["access_token"]), first_access);
    assert_eq!(r1.json["expires_in"], DEFAULT_ACCESS_TTL_SECS);
    let left = num(&r1.json["refresh_expires_in"]);
    let expected = DEFAULT_REFRESH_TTL_SECS - 10 * 86_400;
    assert!((expected - 3..=expected).contains(&left), "remaining {left}, expected about {expected}");

    // The old refresh token is dead.
    let r = call(&sb, Flavour::Lazada, "/auth/token/refresh", &[("refresh_token", &first_refresh)]);
    assert_eq!(r.status, 400);
    assert_eq!(r.code(), "IllegalRefreshToken");
    assert_eq!(r.json["message"], "Illegal refresh token");

    // 10 days passed: the first access token has reached its own 7-day expiry.
    assert_eq!(
        call(&sb, Flavour::Lazada, "/seller/get", &[("access_token", &first_access)]).code(),
        "IllegalAccessToken",
        "7 days passed: the first access token has expired"
    );

    // Refreshing again and again never goes past first grant + 30 days.
    let mut current = second_refresh;
    for _ in 0..3 {
        sb.advance_clock(5 * 86_400);
        let r = call(&sb, Flavour::Lazada, "/auth/token/refresh", &[("refresh_token", &current)]);
        assert_eq!(r.status, 200, "{}", r.text);
        current = s(&r.json["refresh_token"]);
    }
    sb.advance_clock(5 * 86_400 + 10); // 30 days and 10 s after the grant
    let r = call(&sb, Flavour::Lazada, "/auth/token/refresh", &[("refresh_token", &current)]);
    assert_eq!(r.code(), "IllegalRefreshToken", "{}", r.text);
}

#[test]
fn old_access_token_valid_after_refresh() {
    let sb = sandbox();
    let t = create_token(&sb, Flavour::Lazada);
    let r = call(&sb, Flavour::Lazada, "/auth/token/refresh", &[("refresh_token", &s(&t["refresh_token"]))]);
    assert_eq!(r.status, 200);
    for token in [s(&t["access_token"]), s(&r.json["access_token"])] {
        let g = call(&sb, Flavour::Lazada, "/seller/get", &[("access_token", &token)]);
        assert_eq!(g.status, 200, "{}", g.text);
    }
}

#[test]
fn access_token_expires() {
    let sb = sandbox();
    let t = create_token(&sb, Flavour::Lazada);
    let token = s(&t["access_token"]);
    sb.advance_clock(DEFAULT_ACCESS_TTL_SECS - 60);
    assert_eq!(call(&sb, Flavour::Lazada, "/seller/get", &[("access_token", &token)]).status, 200);
    sb.advance_clock(61);
    let r = call(&sb, Flavour::Lazada, "/seller/get", &[("access_token", &token)]);
    assert_eq!(r.status, 200, "an API error other than OAuth's comes with HTTP 200");
    assert_eq!(r.code(), "IllegalAccessToken");
    assert_eq!(r.json["message"], "Illegal access token");
}

#[test]
fn seller_get_returns_the_tokens_seller() {
    let sb = sandbox();
    let t = create_token(&sb, Flavour::Lazada);
    let r = call(&sb, Flavour::Lazada, "/seller/get", &[("access_token", &s(&t["access_token"]))]);
    assert_eq!(r.status, 200);
    assert_eq!(r.code(), "0");
    let d = &r.json["data"];
    assert_eq!(d["seller_id"].to_string(), s(&t["country_user_info"][0]["seller_id"]));
    assert_eq!(d["short_code"], t["country_user_info"][0]["short_code"]);
    assert_eq!(d["email"], t["account"]);
    assert!(d["name"].is_string());
    assert!(r.json["request_id"].is_string());
}

#[test]
fn access_token_of_another_app_is_refused() {
    let sb = sandbox();
    let t = create_token(&sb, Flavour::Lazada);
    let r = call_as(
        &sb,
        NON_REFRESHABLE_APP_KEY,
        NON_REFRESHABLE_APP_SECRET,
        Flavour::Lazada,
        "/seller/get",
        &[("access_token", &s(&t["access_token"]))],
    );
    assert_eq!(r.code(), "IllegalAccessToken");
    let r = call(&sb, Flavour::Lazada, "/seller/get", &[("access_token", "50000601nonsense")]);
    assert_eq!(r.code(), "IllegalAccessToken");
}

#[test]
fn refresh_token_of_another_app_and_unknown() {
    let sb = Sandbox::start(Config {
        apps: vec![AppConfig::new("1", "s1"), AppConfig::new("2", "s2")],
        ..Config::default()
    })
    .unwrap();
    let code = sb.issue_code("1").unwrap();
    let t = call_as(&sb, "1", "s1", Flavour::Lazada, "/auth/token/create", &[("code", &code)]).json;
    let rt = s(&t["refresh_token"]);
    assert_eq!(
        call_as(&sb, "2", "s2", Flavour::Lazada, "/auth/token/refresh", &[("refresh_token", &rt)]).code(),
        "IllegalRefreshToken"
    );
    assert_eq!(
        call_as(&sb, "1", "s1", Flavour::Lazada, "/auth/token/refresh", &[("refresh_token", "50001600nope")]).code(),
        "IllegalRefreshToken"
    );
    assert_eq!(call_as(&sb, "1", "s1", Flavour::Lazada, "/auth/token/refresh", &[("refresh_token", &rt)]).status, 200);
}

#[test]
fn non_refreshable_app() {
    let sb = sandbox();
    let code = sb.issue_code(NON_REFRESHABLE_APP_KEY).unwrap();
    for flavour in Flavour::ALL {
        let code =
            if flavour == Flavour::Lazada { code.clone() } else { sb.issue_code(NON_REFRESHABLE_APP_KEY).unwrap() };
        let r = call_as(
            &sb,
            NON_REFRESHABLE_APP_KEY,
            NON_REFRESHABLE_APP_SECRET,
            flavour,
            "/auth/token/create",
            &[("code", &code)],
        );
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(num(&r.json["refresh_expires_in"]), 0, "{flavour:?}");
        let rt = s(&r.json["refresh_token"]);
        let f = call_as(
            &sb,
            NON_REFRESHABLE_APP_KEY,
            NON_REFRESHABLE_APP_SECRET,
            flavour,
            "/auth/token/refresh",
            &[("refresh_token", &rt)],
        );
        assert_eq!(f.status, 400);
        assert_eq!(f.code(), "AUTH_TYPE_UNSUPPORTED");
        assert_eq!(f.json["message"], "Authorization type not supported");
    }
}

#[test]
fn custom_lifetimes() {
    let sb = Sandbox::start(Config {
        apps: vec![AppConfig { access_ttl_secs: 10, refresh_ttl_secs: 60, ..AppConfig::new("7", "sec") }],
        code_ttl_secs: 5,
        ..Config::default()
    })
    .unwrap();
    let code = sb.issue_code("7").unwrap();
    let t = call_as(&sb, "7", "sec", Flavour::Tw, "/auth/token/create", &[("code", &code)]).json;
    assert_eq!(t["expires_in"], "10");
    assert!(["59", "60"].contains(&t["refresh_expires_in"].as_str().unwrap()));
    let stale = sb.issue_code("7").unwrap();
    sb.advance_clock(6);
    assert_eq!(call_as(&sb, "7", "sec", Flavour::Tw, "/auth/token/create", &[("code", &stale)]).code(), "InvalidCode");
    sb.advance_clock(5);
    let r = call_as(&sb, "7", "sec", Flavour::Tw, "/seller/get", &[("access_token", &s(&t["access_token"]))]);
    assert_eq!(r.code(), "IllegalAccessToken");
    sb.advance_clock(50);
    let r = call_as(&sb, "7", "sec", Flavour::Tw, "/auth/token/refresh", &[("refresh_token", &s(&t["refresh_token"]))]);
    assert_eq!(r.code(), "IllegalRefreshToken");
}

#[test]
fn stats_count() {
    let sb = sandbox();
    let t = create_token(&sb, Flavour::Lazada);
    call(&sb, Flavour::Lazada, "/auth/token/refresh", &[("refresh_token", &s(&t["refresh_token"]))]);
    call(&sb, Flavour::Lazada, "/auth/token/refresh", &[("refresh_token", &s(&t["refresh_token"]))]);
    let st = sb.stats();
    assert_eq!(st.requests, 3);
    assert_eq!(st.codes_issued, 1);
    assert_eq!(st.tokens_created, 1);
    assert_eq!(st.refreshes, 1);
    assert_eq!(st.errors, 1);
}

#[test]
fn doc_sample_credentials_are_accepted_once() {
    let sb = iop_sandbox::Sandbox::start(iop_sandbox::Config::default().with_doc_samples()).unwrap();
    let c = iop::Client::new(
        &sb.base_url(iop_sandbox::Flavour::Tw),
        iop_sandbox::DEFAULT_APP_KEY,
        iop_sandbox::DEFAULT_APP_SECRET,
    )
    .unwrap();
    let code = iop_sandbox::DOC_SAMPLE_CODES[0];
    assert!(c.create_token(code).unwrap().can_refresh);
    assert!(c.create_token(code).is_err(), "a preset code is single-use too");
    for refresh in iop_sandbox::DOC_SAMPLE_REFRESH_TOKENS {
        let t = c.refresh_token(refresh).unwrap();
        assert_ne!(t.refresh_token.expose(), refresh, "rotated");
        assert!(c.refresh_token(refresh).is_err(), "the preset refresh token is dead after use");
    }
    let plain = iop_sandbox::Sandbox::start(iop_sandbox::Config::default()).unwrap();
    let c = iop::Client::new(
        &plain.base_url(iop_sandbox::Flavour::Tw),
        iop_sandbox::DEFAULT_APP_KEY,
        iop_sandbox::DEFAULT_APP_SECRET,
    )
    .unwrap();
    assert!(c.create_token(code).is_err(), "not accepted without the presets");
}

#[test]
fn preset_config_is_validated() {
    let bad = r#"{"preset_codes":[{"app_key":"nope","value":"x"}]}"#;
    assert!(iop_sandbox::Config::from_json(bad).is_err());
    let good = r#"{"preset_refresh_tokens":[{"app_key":"100001","value":"r-1"}]}"#;
    assert_eq!(iop_sandbox::Config::from_json(good).unwrap().preset_refresh_tokens.len(), 1);
}
