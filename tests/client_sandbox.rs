//! The client against the loopback sandbox: token create and refresh on every flavour,
//! rotation, every platform error on the token path, generic calls (GOP, TOP, GET, multipart).

mod common;

use common::*;
use iop::{Client, ErrorKind, HttpMethod, Protocol, Request};

fn platform_code(e: &iop::Error) -> &str {
    assert_eq!(e.kind(), ErrorKind::Platform, "{e}");
    &e.platform_error().unwrap().code
}

#[test]
fn create_then_refresh_on_every_flavour() {
    let sb = sandbox();
    for flavour in [Flavour::Lazada, Flavour::Tw, Flavour::AliExpress] {
        let c = client(&sb, flavour);
        let before = iop::client::now_ms();
        let t = c.create_token(&sb.issue_code(APP_KEY).unwrap()).unwrap();
        assert!(t.access_token.expose().len() >= 40, "{flavour:?}");
        assert!(t.can_refresh);
        let ttl = iop_sandbox::DEFAULT_ACCESS_TTL_SECS * 1000;
        assert!((t.expires_at_ms - (before + ttl)).abs() < 5_000, "{flavour:?}: expiry ≈ now + ttl");
        assert!(t.seller_id.is_some() && t.user_id.is_some(), "{flavour:?}: ids in every spelling");
        match flavour {
            Flavour::Lazada => {
                assert_eq!(t.country.as_deref(), Some("sg"));
                assert_eq!(t.country_user_info.len(), 1);
            }
            Flavour::AliExpress => assert!(t.havana_id.is_some() && t.user_nick.is_some()),
            Flavour::Tw => assert!(t.short_code.is_some()),
        }
        let r = c.refresh_token(t.refresh_token.expose()).unwrap();
        assert_ne!(r.refresh_token, t.refresh_token, "{flavour:?}: refresh rotates the refresh token");
        assert_ne!(r.access_token, t.access_token);
        assert_eq!(r.seller_id, t.seller_id);
        let (a, b) = (t.refresh_expires_at_ms.unwrap(), r.refresh_expires_at_ms.unwrap());
        assert!((a - b).abs() < 2_000, "{flavour:?}: refresh lifetime is not extended ({a} vs {b})");
        let e = c.refresh_token(t.refresh_token.expose()).unwrap_err();
        assert_eq!(platform_code(&e), "IllegalRefreshToken");
        assert_eq!(e.http_status(), Some(400));
        assert!(e.platform_error().unwrap().request_id.is_some());
        assert!(!e.message().contains(t.refresh_token.expose()));
    }
}

#[test]
fn both_aliexpress_base_url_styles_work() {
    let sb = sandbox();
    let bare = sb.base_url(Flavour::AliExpress).trim_end_matches("/rest").to_owned();
    for base in [sb.base_url(Flavour::AliExpress), bare] {
        let c = Client::new(&base, APP_KEY, APP_SECRET).unwrap();
        let t = c.create_token(&sb.issue_code(APP_KEY).unwrap()).unwrap();
        let r = c
            .execute(&Request::new("aliexpress.ds.category.get").unwrap(), Some(t.access_token.expose()), None)
            .unwrap();
        assert!(r.is_success(), "{base}: {}", r.body());
        assert!(r.body().contains("aliexpress_ds_category_get_response"));
        assert!(r.request_id().is_some());
    }
}

#[test]
fn token_path_errors() {
    let sb = sandbox();
    let c = client(&sb, Flavour::Lazada);
    let code = sb.issue_code(APP_KEY).unwrap();
    c.create_token(&code).unwrap();
    assert_eq!(platform_code(&c.create_token(&code).unwrap_err()), "InvalidCode", "codes are single-use");
    assert_eq!(platform_code(&c.create_token("0_100001_notacode").unwrap_err()), "InvalidCode");
    assert_eq!(platform_code(&c.refresh_token("50001-unknown").unwrap_err()), "IllegalRefreshToken");

    let expired = sb.issue_code(APP_KEY).unwrap();
    sb.advance_clock(31 * 60);
    assert_eq!(platform_code(&c.create_token(&expired).unwrap_err()), "InvalidCode", "codes expire after 30 min");

    let wrong_secret = Client::new(&sb.base_url(Flavour::Lazada), APP_KEY, "not-the-secret").unwrap();
    let e = wrong_secret.create_token(&sb.issue_code(APP_KEY).unwrap()).unwrap_err();
    assert_eq!(platform_code(&e), "IncompleteSignature");
    assert!(!e.to_string().contains("not-the-secret"));

    let unknown_app = Client::new(&sb.base_url(Flavour::Lazada), "999999", APP_SECRET).unwrap();
    assert_eq!(platform_code(&unknown_app.create_token("x").unwrap_err()), "InvalidAppKey");

    let e = c.create_token("").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(e.message().contains("code"));
}

#[test]
fn non_refreshable_app() {
    let sb = sandbox();
    let c = Client::new(
        &sb.base_url(Flavour::Lazada),
        iop_sandbox::NON_REFRESHABLE_APP_KEY,
        iop_sandbox::NON_REFRESHABLE_APP_SECRET,
    )
    .unwrap();
    let t = c.create_token(&sb.issue_code(iop_sandbox::NON_REFRESHABLE_APP_KEY).unwrap()).unwrap();
    assert!(!t.can_refresh);
    assert_eq!(t.refresh_expires_at_ms, None);
    assert_eq!(platform_code(&c.refresh_token(t.refresh_token.expose()).unwrap_err()), "AUTH_TYPE_UNSUPPORTED");
}

#[test]
fn generic_calls_and_access_token_expiry() {
    let sb = sandbox();
    let c = client(&sb, Flavour::Lazada);
    let t = c.create_token(&sb.issue_code(APP_KEY).unwrap()).unwrap();
    let token = t.access_token.expose();
    let mut get = Request::new("/seller/get").unwrap();
    for method in [HttpMethod::Post, HttpMethod::Get] {
        get.set_http_method(method);
        let r = c.execute(&get, Some(token), None).unwrap();
        assert!(r.is_success(), "{method:?}: {}", r.body());
        assert_eq!(r.http_status(), 200);
        assert_eq!(r.code(), Some("0"));
    }
    let mut upload = Request::new("/seller/get").unwrap();
    upload.add_param("note", "multipart text part").unwrap();
    upload.add_file("image", "logo.png", Some("image/png"), &[0x89, b'P', b'N', b'G', 0, 1, 2]).unwrap();
    let r = c.execute(&upload, Some(token), Some(Protocol::Gop)).unwrap();
    assert!(r.is_success(), "files are sent but not signed: {}", r.body());

    let r = c.execute(&get, None, None).unwrap();
    assert_eq!(r.code(), Some("MissingParameter"));
    let r = c.execute(&Request::new("/no/such/api").unwrap(), Some(token), None).unwrap();
    assert_eq!(r.code(), Some("InvalidApiPath"));

    sb.advance_clock(iop_sandbox::DEFAULT_ACCESS_TTL_SECS + 60);
    let r = c.execute(&get, Some(token), None).unwrap();
    assert!(!r.is_success());
    assert_eq!(r.http_status(), 200, "API errors but OAuth's come with HTTP 200, as the platforms send them");
    assert_eq!(r.code(), Some("IllegalAccessToken"));
    let e = r.error().unwrap();
    assert_eq!(e.kind(), ErrorKind::Platform);
}

#[test]
fn top_errors_use_the_wrapped_envelope() {
    let sb = sandbox();
    let c = client(&sb, Flavour::AliExpress);
    let r = c
        .execute(&Request::new("aliexpress.ds.category.get").unwrap(), Some("50000-not-a-token"), Some(Protocol::Top))
        .unwrap();
    assert!(!r.is_success());
    assert_eq!(r.code(), Some("IllegalAccessToken"));
    assert!(r.message().is_some(), "msg is read as the message");
    assert!(r.body().contains("error_response"));
}

#[test]
fn one_client_shared_by_many_threads() {
    let sb = sandbox();
    let c = std::sync::Arc::new(client(&sb, Flavour::Lazada));
    let t = c.create_token(&sb.issue_code(APP_KEY).unwrap()).unwrap();
    let token = std::sync::Arc::new(t.access_token.expose().to_owned());
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let (c, token) = (c.clone(), token.clone());
            std::thread::spawn(move || {
                let mut r = Request::new("/seller/get").unwrap();
                r.add_param("thread", &i.to_string()).unwrap();
                (0..50).filter(|_| c.execute(&r, Some(&token), None).unwrap().is_success()).count()
            })
        })
        .collect();
    let ok: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(ok, 400);
    // Settings can change while the client is shared.
    c.configure(|cfg| cfg.read_timeout = std::time::Duration::from_secs(5)).unwrap();
    assert_eq!(c.config().read_timeout.as_secs(), 5);
}

/// What is signed is exactly what is sent: awkward values survive every encoding and the
/// gateway's signature check passes for each.
#[test]
fn awkward_values_are_signed_as_sent_in_every_encoding() {
    let sb = sandbox();
    let c = client(&sb, Flavour::Lazada);
    let t = c.create_token(&sb.issue_code(APP_KEY).unwrap()).unwrap();
    let awkward = [
        ("space", "a b  c "),
        ("plus", "1+1=2&x=y"),
        ("percent", "100%25 %zz"),
        ("json", r#"{"name":"Test \"quoted\" & <tagged>","n":[1,2]}"#),
        ("unicode", "商品 ✓ 🚀"),
        ("empty", ""),
        ("newline", "line1\nline2\r\n"),
    ];
    for (method, files) in [(HttpMethod::Post, false), (HttpMethod::Get, false), (HttpMethod::Post, true)] {
        let mut r = Request::new("/seller/get").unwrap();
        for (k, v) in awkward {
            r.add_param(k, v).unwrap();
        }
        r.set_http_method(method);
        if files {
            r.add_file("file", "a b.txt", None, b"\x00\xff bytes").unwrap();
        }
        let resp = c.execute(&r, Some(t.access_token.expose()), None).unwrap();
        assert!(resp.is_success(), "{method:?} files={files}: {}", resp.body());
    }
}
