//! Calls through an HTTP CONNECT proxy (a loopback one the test starts, `common::ConnectProxy`):
//! tunnels are opened and counted, credentials are sent as `Proxy-Authorization: Basic` and
//! never shown, and a dead or refusing proxy is a connect error naming the proxy.

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::*;
use iop::config::ProxySetting;
use iop::{Client, ClientConfig, ErrorKind, Request};

fn proxied(sb: &Sandbox, proxy: &str) -> Client {
    let config = ClientConfig { proxy: ProxySetting::parse(Some(proxy)).unwrap(), ..ClientConfig::default() };
    Client::with_config(&sb.base_url(Flavour::Lazada), APP_KEY, APP_SECRET, config).unwrap()
}

fn sandbox_authority(sb: &Sandbox) -> String {
    sb.base_url(Flavour::Lazada).trim_start_matches("http://").split('/').next().unwrap().to_owned()
}

#[test]
fn calls_go_through_the_proxy() {
    let sb = sandbox();
    let proxy = ConnectProxy::start(None, None);
    let c = proxied(&sb, &proxy.url);
    let t = c.create_token(&sb.issue_code(APP_KEY).unwrap()).unwrap();
    let r = c.execute(&Request::new("/seller/get").unwrap(), Some(t.access_token.expose()), None).unwrap();
    assert!(r.is_success(), "{}", r.body());
    assert!(proxy.tunnel_count() >= 1);
    let seen = proxy.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), proxy.tunnel_count(), "every CONNECT became a tunnel");
    assert!(seen.iter().all(|(target, auth)| *target == sandbox_authority(&sb) && auth.is_none()), "{seen:?}");
    // Direct: the proxy is not used.
    let before = proxy.tunnel_count();
    let direct = ClientConfig { proxy: ProxySetting::Direct, ..ClientConfig::default() };
    let d = Client::with_config(&sb.base_url(Flavour::Lazada), APP_KEY, APP_SECRET, direct).unwrap();
    assert!(
        d.execute(&Request::new("/seller/get").unwrap(), Some(t.access_token.expose()), None).unwrap().is_success()
    );
    assert_eq!(proxy.tunnel_count(), before);
}

#[test]
fn credentials_are_sent_and_never_shown() {
    let sb = sandbox();
    let expected = format!("Basic {}", STANDARD.encode("proxy-user:pr0xy p@ss"));
    let proxy = ConnectProxy::start(Some(&expected), None);
    let address = proxy.url.trim_start_matches("http://");
    let good = proxied(&sb, &format!("http://proxy-user:pr0xy%20p%40ss@{address}"));
    good.create_token(&sb.issue_code(APP_KEY).unwrap()).unwrap();
    assert_eq!(proxy.tunnel_count(), 1);
    assert_eq!(proxy.seen.lock().unwrap()[0].1.as_deref(), Some(expected.as_str()));

    let bad = proxied(&sb, &format!("http://proxy-user:wrong-secret-pw@{address}"));
    let e = bad.create_token("some-code").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connect, "{e}");
    assert!(e.message().starts_with(&format!("proxy {}: proxy authentication required (407)", proxy.url)), "{e}");
    for text in [e.message().to_owned(), format!("{e:?}"), format!("{:?}", bad.config()), format!("{good:?}")] {
        assert!(!text.contains("wrong-secret-pw") && !text.contains("pr0xy") && !text.contains("p%40ss"), "{text}");
    }
    assert!(format!("{:?}", bad.config()).contains(&format!("http://<redacted>@{address}")));
    assert_eq!(proxy.tunnel_count(), 1, "no tunnel without the right credentials");
}

#[test]
fn a_dead_proxy_is_a_connect_error_naming_it() {
    let sb = sandbox();
    let dead = closed_port_url();
    let dead = dead.trim_end_matches("/rest");
    let c = proxied(&sb, &format!("http://user:hunter22@{}", dead.trim_start_matches("http://")));
    c.configure(|c| c.retry_backoff_max = std::time::Duration::from_millis(1)).unwrap();
    let e = c.execute(&Request::new("/seller/get").unwrap(), Some("tok"), None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connect, "{e}");
    assert!(e.message().starts_with(&format!("proxy {dead}: connection refused")), "{e}");
    assert!(e.message().ends_with("(3 attempts)"), "a proxy that cannot be reached is retried: {e}");
    assert!(!e.message().contains("hunter22"));
}

#[test]
fn a_proxy_refusing_the_tunnel_is_named() {
    let sb = sandbox();
    let proxy = ConnectProxy::start(None, Some(502));
    let c = proxied(&sb, &proxy.url);
    let e = c.create_token("some-code").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connect, "{e}");
    assert!(
        e.message().starts_with(&format!("proxy {}: the proxy refused the tunnel with HTTP 502", proxy.url)),
        "{e}"
    );
}
