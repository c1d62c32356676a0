//! `Client::clock_skew`: the gateway's clock read from the sandbox's `Date` header.

mod common;

use common::*;
use iop::ErrorKind;

#[test]
fn measures_the_gateway_clock() {
    let sb = Sandbox::start(Config { clock_skew_secs: -3_600, ..Config::default() }).unwrap();
    let skew = client(&sb, Flavour::Tw).clock_skew().unwrap();
    assert!((skew.skew_ms + 3_600_000).abs() < 2_000, "{skew:?}");
    assert_eq!(skew.skew_ms, skew.gateway_ms - skew.local_ms);
    assert_eq!(skew.http_status, 200, "a bare GET is a MissingParameter answer (HTTP 200), with its Date");
    assert!((skew.gateway_now_ms() - iop::client::now_ms() + 3_600_000).abs() < 2_000);
    let plain = client(&sandbox(), Flavour::Lazada).clock_skew().unwrap();
    assert!(plain.skew_ms.abs() < 1_500, "{plain:?}");
}

#[test]
fn no_date_or_no_gateway_is_an_error() {
    let no_date = raw_server(|| http(200, "application/json", "{}"));
    let e = iop::Client::new(&no_date, APP_KEY, APP_SECRET).unwrap().clock_skew().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MalformedResponse);
    assert!(e.message().contains("no Date header"), "{}", e.message());
    let e = iop::Client::new(&closed_port_url(), APP_KEY, APP_SECRET).unwrap().clock_skew().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connect);
    let e = iop::skew::measure("http://example.com/rest", &iop::ClientConfig::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument, "plain http to a remote host is refused");
}
