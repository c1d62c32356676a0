//! `iop sign`: what is signed, and `--explain` on requests the sandbox rejected, one per known
//! mistake: each request is first sent to the sandbox (which must answer
//! `IncompleteSignature`), then diagnosed; the finding must name the mistake that was made.

mod common;

use std::collections::BTreeMap;

use common::*;
use iop::urlencode::{Encoding, encode};
use serde_json::Value;

const API: &str = "/seller/get";

type Params = BTreeMap<String, String>;

fn now_ms() -> i64 {
    iop::client::now_ms()
}

/// What a typical client sends for `/seller/get` now.
fn base(access_token: &str) -> Params {
    [
        ("app_key", APP_KEY.to_owned()),
        ("timestamp", now_ms().to_string()),
        ("sign_method", "sha256".to_owned()),
        ("partner_id", "shop-sdk-1.2".to_owned()),
        ("access_token", access_token.to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// The signature of `prefix` + every key and value of `signed`, with `secret`.
fn sign_with(secret: &str, prefix: &str, signed: &Params) -> String {
    let mut s = String::from(prefix);
    for (k, v) in signed {
        s.push_str(k);
        s.push_str(v);
    }
    iop::sign::sign(secret.as_bytes(), &s)
}

/// Posts `sent` with `sign` to the sandbox as a form; the answer's HTTP status and JSON.
fn post(sb: &Sandbox, sent: &Params, sign: &str) -> (u16, Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut pairs: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    pairs.push(("sign", sign));
    let mut resp = agent.post(&format!("{}{API}", sb.base_url(Flavour::Lazada))).send_form(pairs).unwrap();
    let status = resp.status().as_u16();
    (status, serde_json::from_str(&resp.body_mut().read_to_string().unwrap()).unwrap())
}

/// Sends the request (it must be rejected as `IncompleteSignature`), then diagnoses it with
/// `iop sign … sign=… --explain` (JSON and text); returns both.
fn diagnose(sb: &Sandbox, sent: &Params, sign: &str) -> (Value, String) {
    let (status, body) = post(sb, sent, sign);
    let expected = (iop_sandbox::DEFAULT_API_ERROR_STATUS, Some("IncompleteSignature"));
    assert_eq!((status, body["code"].as_str()), expected, "the sandbox rejects it: {body}");
    let mut args: Vec<String> = vec!["sign".into(), API.into()];
    args.extend(sent.iter().map(|(k, v)| format!("{k}={v}")));
    args.push(format!("sign={sign}"));
    args.push("--explain".into());
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let text = run(&mut iop_for(sb, Flavour::Lazada), &argv).expect(0).stdout;
    args.push("--json".into());
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let json = run(&mut iop_for(sb, Flavour::Lazada), &argv).expect(0).json();
    assert_eq!(json["sign_given"], sign);
    assert!(text.contains("string to sign") && text.contains("finding"), "{text}");
    (json, text)
}

fn cause(json: &Value) -> &str {
    json["finding"]["cause"].as_str().unwrap_or_else(|| panic!("no finding: {json}"))
}

fn token(sb: &Sandbox) -> String {
    create_token(sb)["access_token"].as_str().unwrap().to_owned()
}

#[test]
fn sign_output_is_what_the_gateway_accepts() {
    let sb = sandbox();
    let access = token(&sb);
    let r = run(&mut iop_for(&sb, Flavour::Lazada), &["sign", API, "--token", &access]).expect(0);
    let mut lines = r.stdout.lines();
    assert_eq!(
        lines.next().unwrap(),
        format!("# POST (form body) or GET (query) to {}{API}", sb.base_url(Flavour::Lazada))
    );
    let mut sent = Params::new();
    for line in lines {
        let (k, v) = line.split_once('=').unwrap();
        sent.insert(k.to_owned(), v.to_owned());
    }
    let sign = sent.remove("sign").unwrap();
    let (status, body) = post(&sb, &sent, &sign);
    assert_eq!((status, body["code"].as_str()), (200, Some("0")), "{body}");

    // A fixed timestamp: exactly the core's signature; --explain shows the string to sign.
    let client = iop::Client::new(&sb.base_url(Flavour::Lazada), APP_KEY, APP_SECRET).unwrap();
    let expected = client.sign(&iop::Request::new(API).unwrap(), Some("test"), None, 1_517_820_392_000).unwrap();
    let json = run(
        &mut iop_for(&sb, Flavour::Lazada),
        &["sign", API, "--token", "test", "--timestamp", "1517820392000", "--json"],
    )
    .expect(0)
    .json();
    assert_eq!(json["sign"], expected.sign.as_str());
    assert_eq!(json["sign_string"], expected.sign_string.as_str());
    assert_eq!(json["protocol"], "GOP");
    assert_eq!(json["params"]["sign"], expected.sign.as_str());
    let text = run(
        &mut iop_for(&sb, Flavour::Lazada),
        &["sign", API, "--token", "test", "--timestamp", "1517820392000", "--explain"],
    )
    .expect(0)
    .stdout;
    for needle in [
        "GOP (chosen by the API name".to_owned(),
        format!("request URL     {}{API}", sb.base_url(Flavour::Lazada)),
        format!("string to sign  {}", expected.sign_string),
        format!("signature       {}", expected.sign),
        "clock skew      the gateway's clock agrees with this machine's to the second".to_owned(),
        ", within the ±7200 s window".to_owned(),
    ] {
        assert!(text.contains(&needle), "no {needle:?} in\n{text}");
    }
    let top =
        run(&mut iop_for(&sb, Flavour::AliExpress), &["sign", "aliexpress.ds.category.get", "--explain", "--offline"])
            .expect(0)
            .stdout;
    assert!(
        top.contains("TOP (chosen by the API name")
            && top.contains("/aliexpress/sync")
            && top.contains("not measured (--offline)"),
        "{top}"
    );
    let r = run(&mut iop_for(&sb, Flavour::Lazada), &["sign", API, "timestamp=1"]).expect(2);
    assert!(r.stderr.contains("--timestamp"), "{}", r.stderr);
    run(&mut iop_for(&sb, Flavour::Lazada), &["sign", "seller.get", "--protocol", "gop"]).expect(2);
}

#[test]
fn parameter_sent_but_not_signed() {
    let sb = sandbox();
    let signed = base(&token(&sb));
    let mut sent = signed.clone();
    sent.insert("limit".into(), "10".into());
    let (json, text) = diagnose(&sb, &sent, &sign_with(APP_SECRET, API, &signed));
    assert_eq!(cause(&json), "sent_not_signed");
    assert!(text.contains("the parameter `limit` was sent but left out of the signature"), "{text}");
    assert!(text.contains("verified") && text.contains("string signed"), "{text}");
}

#[test]
fn parameter_signed_but_not_sent() {
    let sb = sandbox();
    let mut signed = base(&token(&sb));
    signed.insert("partner_id".into(), iop::config::DEFAULT_PARTNER_ID.into());
    let mut sent = signed.clone();
    sent.remove("partner_id");
    let (json, text) = diagnose(&sb, &sent, &sign_with(APP_SECRET, API, &signed));
    assert_eq!(cause(&json), "signed_not_sent");
    assert!(text.contains("the parameter `partner_id` was signed but not sent"), "{text}");
}

#[test]
fn values_url_encoded_before_signing() {
    let sb = sandbox();
    let mut sent = base(&token(&sb));
    sent.insert("q".into(), "red shoes/size 42".into());
    for (style, words) in [(Encoding::Percent, "space as %20"), (Encoding::Form, "space as +")] {
        let signed: Params = sent.iter().map(|(k, v)| (k.clone(), encode(v, style))).collect();
        let (json, text) = diagnose(&sb, &sent, &sign_with(APP_SECRET, API, &signed));
        assert_eq!(cause(&json), "values_encoded");
        assert!(text.contains("the values of `q` were URL-encoded") && text.contains(words), "{text}");
    }
}

#[test]
fn api_path_prefix_left_out() {
    let sb = sandbox();
    let sent = base(&token(&sb));
    let (json, text) = diagnose(&sb, &sent, &sign_with(APP_SECRET, "", &sent));
    assert_eq!(cause(&json), "path_prefix_missing");
    assert!(text.contains("signed without the API path prefix `/seller/get`"), "{text}");
    let (json, _) = diagnose(&sb, &sent, &sign_with(APP_SECRET, "/rest/seller/get", &sent));
    assert_eq!(cause(&json), "path_prefix_different");
}

#[test]
fn seconds_instead_of_milliseconds() {
    let sb = sandbox();
    let sent = base(&token(&sb));
    let mut signed = sent.clone();
    signed.insert("timestamp".into(), (now_ms() / 1000).to_string());
    // Signed in seconds, sent in milliseconds.
    let mut sent_ms = sent.clone();
    sent_ms.insert("timestamp".into(), format!("{}000", signed["timestamp"]));
    let (json, text) = diagnose(&sb, &sent_ms, &sign_with(APP_SECRET, API, &signed));
    assert_eq!(cause(&json), "timestamp_signed_in_seconds");
    assert!(text.contains("the timestamp was signed in seconds but sent in milliseconds"), "{text}");
    // Seconds throughout: the signature is right, the timestamp is not.
    let (json, text) = diagnose(&sb, &signed, &sign_with(APP_SECRET, API, &signed));
    assert_eq!(cause(&json), "correct");
    assert_eq!(json["notes"][0]["note"], "timestamp_in_seconds");
    assert!(text.contains("the timestamp is in seconds"), "{text}");
}

#[test]
fn lower_case_hex() {
    let sb = sandbox();
    let sent = base(&token(&sb));
    let (json, text) = diagnose(&sb, &sent, &sign_with(APP_SECRET, API, &sent).to_lowercase());
    assert_eq!(cause(&json), "hex_case");
    assert!(text.contains("not upper-case hex"), "{text}");
}

#[test]
fn another_secret_matches_no_candidate() {
    let sb = sandbox();
    let sent = base(&token(&sb));
    let (json, text) = diagnose(&sb, &sent, &sign_with("the-secret-of-another-app", API, &sent));
    assert!(json["finding"].is_null(), "{json}");
    assert!(json["candidates_tried"].as_u64().unwrap() > 10, "{json}");
    assert!(text.contains("none of the") && text.contains("different app secret"), "{text}");
    // Another app's key with this app's secret: pointed out.
    let mut other = sent.clone();
    other.insert("app_key".into(), iop_sandbox::NON_REFRESHABLE_APP_KEY.into());
    let (json, _) = diagnose(&sb, &other, &sign_with(APP_SECRET, API, &other));
    assert!(json["notes"].as_array().unwrap().iter().any(|n| n["note"] == "other_app_key"), "{json}");
}

#[test]
fn clock_skew_from_the_gateway_date_header() {
    let config = Config { clock_skew_secs: 9_000, ..Config::default() };
    let sb = Sandbox::start(config).unwrap();
    // No token can be had here (every call made from this machine is rejected); none is needed.
    let sent = base("any-token");
    // Signed right, with this machine's clock: the gateway, 2.5 h ahead, rejects it anyway.
    let (json, text) = diagnose(&sb, &sent, &sign_with(APP_SECRET, API, &sent));
    assert_eq!(cause(&json), "correct");
    let skew = json["clock_skew"]["skew_ms"].as_i64().unwrap();
    assert!((skew - 9_000_000).abs() < 2_500, "measured skew {skew} ms");
    assert_eq!(json["clock_skew"]["outside_window"], true);
    assert!(json["notes"].as_array().unwrap().iter().any(|n| n["note"] == "timestamp_outside_window"), "{json}");
    assert!(text.contains("s ahead of this machine's: OUTSIDE the ±7200 s window"), "{text}");
    assert!(text.contains("behind the gateway's clock"), "{text}");
    // Without a gateway that sends Date, the skew is reported as not measured.
    let r =
        run(iop_for(&sb, Flavour::Lazada).env("IOP_GATEWAY", canned_server(200, "{}")), &["sign", API, "--explain"])
            .expect(0);
    assert!(r.stdout.contains("not measured: the gateway's answer (HTTP 200) has no Date header"), "{}", r.stdout);
}
