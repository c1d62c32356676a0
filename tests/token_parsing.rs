//! Every sample token response from the platforms' documentation parses into one
//! normalized token; expiries are absolute; secrets never show in `Debug`.

use iop::{ErrorKind, Token};

const RECEIVED: i64 = 1_700_000_000_000;

fn parse(name: &str) -> Token {
    let path = format!("{}/tests/data/token-responses/{name}", env!("CARGO_MANIFEST_DIR"));
    Token::parse(&std::fs::read_to_string(path).unwrap(), RECEIVED).unwrap()
}

#[test]
fn taobao_tw_create_sample() {
    let t = parse("tw_create.json");
    assert_eq!(t.access_token.expose(), "50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7701ceb156fPunYZ43GBg");
    assert_eq!(t.refresh_token.expose(), "500016000300bwa2WteaQyfwBMnPxurcA0mXGhQdTt18356663CfcDTYpWoi");
    assert_eq!(t.expires_at_ms, RECEIVED + 10_000, "expires_in \"10\" is relative seconds");
    assert_eq!(t.refresh_expires_at_ms, Some(RECEIVED + 60_000));
    assert!(t.can_refresh);
    assert_eq!(t.user_id.as_deref(), Some("100001"));
    assert_eq!(t.seller_id.as_deref(), Some("1001"));
    assert_eq!(t.short_code.as_deref(), Some("TW1001"));
    assert_eq!(t.account.as_deref(), Some("xxx@gmail.com"));
    assert_eq!(t.account_platform.as_deref(), Some("seller_center"));
    assert_eq!(t.account_id.as_deref(), Some("7063844"));
}

#[test]
fn taobao_tw_refresh_sample_with_capital_i_spellings() {
    let t = parse("tw_refresh.json");
    assert_eq!(t.user_id.as_deref(), Some("1001"), "user_Id");
    assert_eq!(t.seller_id.as_deref(), Some("10011"), "seller_Id");
    assert_eq!(t.short_code.as_deref(), Some("HK001"));
    assert_eq!(t.expires_at_ms, RECEIVED + 10_000);
}

#[test]
fn aliexpress_doc_sample_with_implausible_absolute_times() {
    // expire_time "1500" is not an epoch-ms value: fall back to the relative lifetimes.
    let t = parse("aliexpress_refresh_doc.json");
    assert_eq!(t.expires_at_ms, RECEIVED + 10_000);
    assert_eq!(t.refresh_expires_at_ms, Some(RECEIVED + 60_000));
    assert_eq!(t.havana_id.as_deref(), Some("10000"));
    assert_eq!(t.user_nick.as_deref(), Some("cn1001"));
    assert_eq!(t.locale.as_deref(), Some("zh_CN"));
    assert_eq!(t.sp.as_deref(), Some("global"));
    assert_eq!(t.user_id.as_deref(), Some("10101"));
}

#[test]
fn aliexpress_demo_sample_with_absolute_ms_and_null_tokens() {
    let t = parse("aliexpress_refresh_demo.json");
    assert_eq!(t.expires_at_ms, 1_714_192_160_000, "absolute expire_time wins");
    assert_eq!(t.refresh_expires_at_ms, Some(1_716_784_148_000));
    assert!(t.access_token.is_empty() && t.refresh_token.is_empty());
    assert!(!t.can_refresh, "no refresh token");
    assert_eq!(t.account_platform.as_deref(), Some("buyerApp"));
    assert_eq!(t.sp.as_deref(), Some("ae"));
}

#[test]
fn lazada_shape_with_country_list_and_numbers() {
    let body = r#"{"access_token":"50000a","refresh_token":"50001b","expires_in":604800,"refresh_expires_in":2592000,
        "account":"s@example.com","account_platform":"seller_center","account_id":null,"country":"sg",
        "country_user_info":[{"country":"sg","user_id":12345,"seller_id":"67890","short_code":"SG123"}],
        "code":"0","request_id":"0b1"}"#;
    let t = Token::parse(body, RECEIVED).unwrap();
    assert_eq!(t.expires_at_ms, RECEIVED + 604_800_000);
    assert_eq!(t.account_id, None);
    assert_eq!(t.country.as_deref(), Some("sg"));
    assert_eq!(t.country_user_info.len(), 1);
    assert_eq!(t.country_user_info[0].user_id.as_deref(), Some("12345"), "numbers read as text");
    assert_eq!(t.user_id.as_deref(), Some("12345"), "ids from the token country's entry");
    assert_eq!(t.seller_id.as_deref(), Some("67890"));
    assert_eq!(t.short_code.as_deref(), Some("SG123"));
    let refresh = body.replace("country_user_info", "country_user_info_list");
    assert_eq!(Token::parse(&refresh, RECEIVED).unwrap().country_user_info.len(), 1);
}

#[test]
fn refresh_expires_in_zero_means_cannot_refresh() {
    let t =
        Token::parse(r#"{"access_token":"a","refresh_token":"r","expires_in":10,"refresh_expires_in":0}"#, RECEIVED)
            .unwrap();
    assert!(!t.can_refresh);
    assert_eq!(t.refresh_expires_at_ms, None);
}

#[test]
fn errors_and_bad_shapes() {
    let e = Token::parse(
        r#"{"type":"ISV","code":"InvalidCode","message":"Invalid authorization code","request_id":"r1"}"#,
        RECEIVED,
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Platform);
    assert_eq!(e.platform_error().unwrap().code, "InvalidCode");
    assert_eq!(e.http_status(), None, "parsed, not received over HTTP");
    let e = Token::parse(r#"{"access_token":"a","code":"0"}"#, RECEIVED).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MalformedResponse);
    let e = Token::parse(r#"{"access_token":"a","expires_in":"soon"}"#, RECEIVED).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MalformedResponse);
    assert!(Token::parse("not json", RECEIVED).is_err());
}

#[test]
fn secrets_stay_out_of_debug_and_into_json() {
    let t = parse("tw_create.json");
    let debug = format!("{t:?}");
    assert!(!debug.contains("50000601c30"), "{debug}");
    assert!(!debug.contains("500016000300"), "{debug}");
    let json: serde_json::Value = serde_json::from_str(&t.to_json()).unwrap();
    assert_eq!(json["expires_at"], RECEIVED + 10_000);
    assert_eq!(json["access_token"], "50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7701ceb156fPunYZ43GBg");
    assert_eq!(json["seller_id"], "1001");
}

#[test]
fn normalized_json_round_trips_every_field() {
    for name in ["tw_create.json", "tw_refresh.json", "aliexpress_refresh_doc.json", "aliexpress_refresh_demo.json"] {
        let t = parse(name);
        let back = Token::from_normalized_json(&t.to_json()).unwrap();
        assert_eq!(back.to_json(), t.to_json(), "{name}");
        assert_eq!(back.raw.expose(), t.to_json(), "raw is the text read back");
        assert_eq!(back.access_token.expose(), t.access_token.expose());
        assert_eq!(back.country_user_info, t.country_user_info);
    }
}

#[test]
fn normalized_json_errors_name_the_problem_never_the_values() {
    let secret = "AT-very-secret-token-value";
    let cases = [
        (
            format!(r#"{{"access_token":"{secret}","refresh_token":"r","can_refresh":true}}"#),
            "missing field `expires_at`",
        ),
        (
            format!(
                r#"{{"access_token":"{secret}","refresh_token":"r","expires_at":1,"refresh_expires_at":null,"can_refresh":true,"x":1}}"#
            ),
            "an unknown field",
        ),
        (format!(r#"{{"access_token":{secret:?},"expires_at":"{secret}"}}"#), "data error"),
        (format!("{{\"access_token\":\"{secret}"), "eof error"),
    ];
    for (text, want) in cases {
        let e = Token::from_normalized_json(&text).unwrap_err();
        assert_eq!(e.kind(), iop::ErrorKind::InvalidArgument, "{text}");
        assert!(e.message().contains(want), "{}: wanted {want}", e.message());
        assert!(!e.message().contains(secret), "{}", e.message());
    }
}
