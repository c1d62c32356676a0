//! HTTP-level behaviour: OAuth redirect, control endpoints, multipart, malformed and oversized
//! requests, unknown paths.

mod common;

use common::*;
use iop_sandbox::{DEFAULT_APP_KEY, Flavour, MAX_BODY_BYTES};

fn health_ok(sb: &iop_sandbox::Sandbox) -> bool {
    let r = get(&format!("{}/_sandbox/health", sb.url()));
    r.status == 200 && r.json == serde_json::json!({"ok": true})
}

fn query_param(url: &str, name: &str) -> Option<String> {
    let (_, q) = url.split_once('?')?;
    form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

#[test]
fn authorize_redirects_with_code_and_state() {
    let sb = sandbox();
    for prefix in ["", "/lazada", "/aliexpress", "/tw"] {
        let url = format!(
            "{}{prefix}/oauth/authorize?response_type=code&force_auth=true&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Fcb&client_id={DEFAULT_APP_KEY}&state=a%20b%26c%3D%C3%A9&country=sg",
            sb.url()
        );
        let r = get(&url);
        assert_eq!(r.status, 302, "{prefix}: {}", r.text);
        let loc = r.location.unwrap();
        assert!(loc.starts_with("http://127.0.0.1:1/cb?code="), "{loc}");
        assert!(loc.contains("&state=a+b%26c%3D%C3%A9"), "state echoed percent-encoded: {loc}");
        assert_eq!(query_param(&loc, "state").as_deref(), Some("a b&c=é"));
        let code = query_param(&loc, "code").unwrap();
        // The code works, once.
        let t = call(&sb, Flavour::Lazada, "/auth/token/create", &[("code", &code)]);
        assert_eq!(t.status, 200, "{}", t.text);
        assert_eq!(call(&sb, Flavour::Lazada, "/auth/token/create", &[("code", &code)]).code(), "InvalidCode");
    }
}

#[test]
fn authorize_appends_to_an_existing_query_and_omits_absent_state() {
    let sb = sandbox();
    let url = format!(
        "{}/oauth/authorize?response_type=code&redirect_uri=http%3A%2F%2Flocalhost%2Fcb%3Fx%3D1&client_id={DEFAULT_APP_KEY}",
        sb.url()
    );
    let loc = get(&url).location.unwrap();
    assert!(loc.starts_with("http://localhost/cb?x=1&code="), "{loc}");
    assert!(!loc.contains("state="));
}

#[test]
fn authorize_errors() {
    let sb = sandbox();
    let base = format!("{}/oauth/authorize", sb.url());
    for (query, error) in [
        (format!("redirect_uri=http%3A%2F%2Fh&client_id={DEFAULT_APP_KEY}"), "invalid_request"),
        (
            format!("response_type=token&redirect_uri=http%3A%2F%2Fh&client_id={DEFAULT_APP_KEY}"),
            "unsupported_response_type",
        ),
        ("response_type=code&redirect_uri=http%3A%2F%2Fh".to_string(), "invalid_request"),
        (format!("response_type=code&client_id={DEFAULT_APP_KEY}"), "invalid_request"),
        ("response_type=code&redirect_uri=http%3A%2F%2Fh&client_id=999".to_string(), "invalid_client"),
    ] {
        let r = get(&format!("{base}?{query}"));
        assert_eq!(r.status, 400, "{query}");
        assert_eq!(r.json["error"], error, "{query}");
        assert!(r.location.is_none());
    }
}

#[test]
fn control_endpoints() {
    let sb = sandbox();
    assert!(health_ok(&sb));
    let before = sb.now_ms();
    let r = post_empty(&format!("{}/_sandbox/clock/advance?seconds=3600", sb.url()));
    assert_eq!(r.status, 200);
    let now = r.json["now_ms"].as_i64().unwrap();
    assert!(now >= before + 3_600_000 && now < before + 3_610_000);
    assert!(sb.now_ms() >= before + 3_600_000);
    let r = get(&format!("{}/_sandbox/clock", sb.url()));
    assert!(r.json["now_ms"].as_i64().unwrap() >= now);
    let r = post_empty(&format!("{}/_sandbox/clock/advance?seconds=-3600", sb.url()));
    assert!(r.json["now_ms"].as_i64().unwrap() < now);

    let r = post_empty(&format!("{}/_sandbox/code?client_id={DEFAULT_APP_KEY}", sb.url()));
    assert_eq!(r.status, 200);
    let code = r.json["code"].as_str().unwrap().to_string();
    assert_eq!(call(&sb, Flavour::Tw, "/auth/token/create", &[("code", &code)]).status, 200);

    assert_eq!(post_empty(&format!("{}/_sandbox/code?client_id=nope", sb.url())).status, 400);
    assert_eq!(post_empty(&format!("{}/_sandbox/clock/advance?seconds=x", sb.url())).status, 400);
    assert_eq!(post_empty(&format!("{}/_sandbox/clock/advance", sb.url())).status, 400);
    assert_eq!(get(&format!("{}/_sandbox/clock/advance?seconds=1", sb.url())).status, 405);
    assert_eq!(get(&format!("{}/_sandbox/nothing", sb.url())).status, 404);
}

#[test]
fn multipart_file_parts_are_not_signed() {
    let sb = sandbox();
    let code = sb.issue_code(DEFAULT_APP_KEY).unwrap();
    let p = signed("/auth/token/create", &[("code", &code)]);
    let mut form = ureq::unversioned::multipart::Form::new();
    for (k, v) in &p {
        form = form.text(k, v);
    }
    let bytes = vec![0u8, 159, 146, 150, 255];
    form = form.part("image", ureq::unversioned::multipart::Part::bytes(&bytes).file_name("a.png"));
    let url = format!("{}/auth/token/create", sb.base_url(Flavour::Lazada));
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut r = agent.post(&url).send(form).unwrap();
    let text = r.body_mut().read_to_string().unwrap();
    assert_eq!(r.status().as_u16(), 200, "{text}");
    assert!(text.contains("access_token"));
}

#[test]
fn multipart_text_parts_are_signed() {
    let sb = sandbox();
    let p = signed("/auth/token/create", &[("code", "nope")]);
    let mut body = Vec::new();
    for (k, v) in p.iter().chain([(&"extra".to_string(), &"unsigned".to_string())]) {
        body.extend_from_slice(
            format!("--BOUND\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(b"--BOUND--\r\n");
    let r = post_raw(
        &format!("{}/auth/token/create", sb.base_url(Flavour::Lazada)),
        "multipart/form-data; boundary=BOUND",
        body,
    );
    assert_eq!(r.code(), "IncompleteSignature", "{}", r.text);
}

#[test]
fn malformed_multipart_is_a_json_400() {
    let sb = sandbox();
    let url = format!("{}/auth/token/create", sb.base_url(Flavour::Lazada));
    for (ct, body) in [
        (
            "multipart/form-data; boundary=B",
            b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end".to_vec(),
        ),
        ("multipart/form-data", b"--B\r\n".to_vec()),
        ("multipart/form-data; boundary=B", b"garbage".to_vec()),
    ] {
        let r = post_raw(&url, ct, body);
        assert_eq!(r.status, 400);
        assert_eq!(r.code(), "InvalidRequest", "{}", r.text);
    }
    assert!(health_ok(&sb));
}

#[test]
fn oversized_body_is_413() {
    let sb = sandbox();
    let body = vec![b'a'; MAX_BODY_BYTES + 1];
    let r = post_raw(
        &format!("{}/auth/token/create", sb.base_url(Flavour::Lazada)),
        "application/x-www-form-urlencoded",
        body,
    );
    assert_eq!(r.status, 413);
    assert_eq!(r.content_type, "application/json;charset=UTF-8");
    assert_eq!(r.code(), "RequestEntityTooLarge");
    let r = post_raw(&sb.sync_url(), "application/x-www-form-urlencoded", vec![b'a'; 2 * MAX_BODY_BYTES]);
    assert_eq!(r.status, 413);
    assert_eq!(r.wrapped_code(), "RequestEntityTooLarge");
    // Exactly the limit is fine (and fails later, on the missing app key).
    let r = post_raw(
        &format!("{}/auth/token/create", sb.base_url(Flavour::Lazada)),
        "application/x-www-form-urlencoded",
        vec![b'a'; MAX_BODY_BYTES],
    );
    assert_eq!(r.code(), "MissingParameter");
    assert!(health_ok(&sb));
}

#[test]
fn oversized_chunked_body_is_413() {
    let sb = sandbox();
    let mut raw_rq = b"POST /rest/auth/token/create HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    for _ in 0..20 {
        raw_rq.extend_from_slice(format!("{:x}\r\n", 65536 * 2).as_bytes());
        raw_rq.extend(std::iter::repeat_n(b'a', 65536 * 2));
        raw_rq.extend_from_slice(b"\r\n");
    }
    raw_rq.extend_from_slice(b"0\r\n\r\n");
    let answer = raw(sb.addr(), &raw_rq);
    assert!(answer.starts_with("HTTP/1.1 413"), "{}", &answer[..answer.len().min(200)]);
    assert!(health_ok(&sb));
}

#[test]
fn absurd_content_length_does_not_crash() {
    let sb = sandbox();
    let answer = raw(
        sb.addr(),
        b"POST /rest/auth/token/create HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999999999\r\n\r\nabc",
    );
    let last = &answer[answer.rfind("HTTP/1.1 ").unwrap()..];
    assert!(last.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(last.contains("Content-Type: application/json;charset=UTF-8\r\n"), "{answer}");
    let json: serde_json::Value = serde_json::from_str(&last[last.find("\r\n\r\n").unwrap() + 4..]).unwrap();
    assert_eq!(json["code"], "RequestEntityTooLarge");
    assert!(health_ok(&sb));
}

#[test]
fn bad_encodings_never_crash() {
    let sb = sandbox();
    let url = format!("{}/auth/token/create", sb.base_url(Flavour::Lazada));
    // Bad percent-escapes and invalid UTF-8 in the body.
    for body in [
        &b"app_key=100001&timestamp=%zz&sign_method=sha256&sign=%"[..],
        b"app_key=\xff\xfe&x=%FF%FE",
        b"%%%&&&===",
        b"\x00\x01\x02",
    ] {
        let r = post_raw(&url, "application/x-www-form-urlencoded", body.to_vec());
        assert_eq!(r.status, 400, "{}", r.text);
        assert!(r.json.is_object(), "{}", r.text);
    }
    let r = post_raw(
        &url,
        "application/x-www-form-urlencoded",
        b"app_key=100001&timestamp=1&sign_method=sha256&sign=%zz".to_vec(),
    );
    assert_eq!(r.code(), "IncompleteSignature");
    let r = post_raw(&url, "application/x-www-form-urlencoded", b"app_key=%FF".to_vec());
    assert_eq!(r.code(), "InvalidAppKey");
    // Invalid UTF-8 and bad escapes in the request line, raw.
    for line in [
        &b"GET /rest/auth/token/create?app_key=%FF%00%zz HTTP/1.1"[..],
        b"GET /rest/\xff\xfe HTTP/1.1",
        b"GARBAGE",
        b"GET /%% HTTP/1.1",
    ] {
        let mut rq = line.to_vec();
        rq.extend_from_slice(b"\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        let answer = raw(sb.addr(), &rq);
        assert!(answer.starts_with("HTTP/1.1 4"), "{}: {answer}", String::from_utf8_lossy(line));
    }
    assert!(health_ok(&sb));
}

#[test]
fn unknown_paths_and_methods() {
    let sb = sandbox();
    for path in ["/", "/nope", "/lazada", "/tw/rest2", "/lazada/_sandbox/health", "/api/rest"] {
        let r = get(&format!("{}{path}", sb.url()));
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(r.content_type, "application/json;charset=UTF-8");
        assert_eq!(r.code(), "NotFound");
    }
    let r = request("PUT", &format!("{}/auth/token/create", sb.base_url(Flavour::Lazada)));
    assert_eq!(r.status, 405);
    assert_eq!(r.code(), "MethodNotAllowed");
}

#[test]
fn concurrent_requests() {
    let sb = sandbox();
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                for _ in 0..5 {
                    let t = create_token(&sb, Flavour::Lazada);
                    assert!(t["access_token"].is_string());
                }
            });
        }
    });
    assert_eq!(sb.stats().tokens_created, 40);
}
