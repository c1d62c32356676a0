//! The C ABI called from Rust, NULLs included.

mod common;

use std::ffi::{CStr, CString};
use std::ptr;

use common::*;
use iop::ffi::status::IopStatus::{self, IOP_ERR_INVALID_ARGUMENT, IOP_OK};
use iop_sandbox::ffi::*;
use iop_sandbox::{DEFAULT_APP_KEY, Flavour};

#[test]
fn start_issue_advance_free() {
    unsafe {
        let mut sb: *mut IopSandbox = ptr::null_mut();
        assert_eq!(iop_sandbox_start(ptr::null(), &mut sb), IOP_OK);
        assert!(!sb.is_null());
        assert!(iop_sandbox_last_error_message().is_null(), "no failure recorded");
        let url = CStr::from_ptr(iop_sandbox_url(sb)).to_str().unwrap().to_string();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        let r = get(&format!("{url}/_sandbox/health"));
        assert_eq!(r.json["ok"], true);

        let app = CString::new(DEFAULT_APP_KEY).unwrap();
        let mut code = ptr::null_mut();
        assert_eq!(iop_sandbox_issue_code(sb, app.as_ptr(), &mut code), IOP_OK);
        let code_str = CStr::from_ptr(code).to_str().unwrap().to_string();
        iop_sandbox_string_free(code);
        let p = signed("/auth/token/create", &[("code", &code_str)]);
        let r = post_form(&format!("{url}/lazada/rest/auth/token/create"), &p);
        assert_eq!(r.status, 200, "{}", r.text);

        let before = get(&format!("{url}/_sandbox/clock")).json["now_ms"].as_i64().unwrap();
        assert_eq!(iop_sandbox_advance_clock_ms(sb, 86_400_000), IOP_OK);
        let after = get(&format!("{url}/_sandbox/clock")).json["now_ms"].as_i64().unwrap();
        assert!(after - before >= 86_400_000, "{before} {after}");
        assert_eq!(iop_sandbox_advance_clock_ms(sb, -86_400_000), IOP_OK);
        let (route, fault) = (CString::new("/seller/get").unwrap(), CString::new("no-such-fault").unwrap());
        assert_eq!(iop_sandbox_arm_fault(sb, route.as_ptr(), fault.as_ptr(), 1), IOP_ERR_INVALID_ARGUMENT);
        assert!(message().contains("fault"), "{}", message());
        let mut hits = -1;
        assert_eq!(iop_sandbox_route_hits(sb, route.as_ptr(), &mut hits), IOP_OK);
        assert_eq!(hits, 0);
        assert_eq!(iop_sandbox_clear_faults(sb), IOP_OK);

        iop_sandbox_free(sb);
        // The listener is closed once iop_sandbox_free returns.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while std::net::TcpStream::connect(url.trim_start_matches("http://")).is_ok() {
            assert!(std::time::Instant::now() < deadline, "still listening after iop_sandbox_free");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
}

/// This thread's last sandbox error message.
fn message() -> String {
    let p = iop_sandbox_last_error_message();
    assert!(!p.is_null(), "a failure records a message");
    unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned()
}

/// `status` is an invalid-argument failure whose message names `name`.
fn refused(status: IopStatus, name: &str) {
    assert_eq!(status, IOP_ERR_INVALID_ARGUMENT);
    assert!(message().contains(name), "{name}: {}", message());
}

#[test]
fn nulls_and_bad_arguments() {
    unsafe {
        refused(iop_sandbox_start(ptr::null(), ptr::null_mut()), "out_sandbox");
        let mut sb: *mut IopSandbox = ptr::null_mut();
        for bad in ["not json", "{\"apps\":[]}", "{\"bogus\":1}"] {
            let c = CString::new(bad).unwrap();
            refused(iop_sandbox_start(c.as_ptr(), &mut sb), "config_json");
            assert!(sb.is_null(), "out untouched on failure");
        }
        let invalid_utf8 = [0xffu8, 0xfe, 0];
        refused(iop_sandbox_start(invalid_utf8.as_ptr().cast(), &mut sb), "UTF-8");
        assert!(iop_sandbox_url(ptr::null()).is_null());
        let app = CString::new(DEFAULT_APP_KEY).unwrap();
        let mut code = ptr::null_mut();
        refused(iop_sandbox_issue_code(ptr::null(), app.as_ptr(), &mut code), "sandbox");
        refused(iop_sandbox_advance_clock_ms(ptr::null(), 1), "sandbox");
        refused(iop_sandbox_clear_faults(ptr::null()), "sandbox");
        iop_sandbox_string_free(ptr::null_mut());
        iop_sandbox_free(ptr::null_mut());

        let cfg = CString::new(r#"{"apps":[{"app_key":"55","app_secret":"s"}]}"#).unwrap();
        assert_eq!(iop_sandbox_start(cfg.as_ptr(), &mut sb), IOP_OK);
        refused(iop_sandbox_issue_code(sb, ptr::null(), &mut code), "app_key");
        let unknown = CString::new(DEFAULT_APP_KEY).unwrap();
        refused(iop_sandbox_issue_code(sb, unknown.as_ptr(), &mut code), "not a sandbox app");
        refused(iop_sandbox_issue_code(sb, invalid_utf8.as_ptr().cast(), &mut code), "app_key");
        refused(iop_sandbox_issue_code(sb, app.as_ptr(), ptr::null_mut()), "out_code");
        let mut hits = 0;
        refused(iop_sandbox_route_hits(sb, ptr::null(), &mut hits), "route");
        assert!(code.is_null(), "out untouched on failure");
        let known = CString::new("55").unwrap();
        assert_eq!(iop_sandbox_issue_code(sb, known.as_ptr(), &mut code), IOP_OK);
        assert!(CStr::from_ptr(code).to_str().unwrap().starts_with("0_55_"));
        iop_sandbox_string_free(code);
        iop_sandbox_free(sb);
    }
}

#[test]
fn rust_api_urls() {
    let sb = sandbox();
    let url = sb.url();
    assert_eq!(url, format!("http://127.0.0.1:{}", sb.addr().port()));
    assert_eq!(sb.base_url(Flavour::Tw), format!("{url}/tw/rest"));
    assert_eq!(sb.base_url(Flavour::Lazada), format!("{url}/lazada/rest"));
    assert_eq!(sb.base_url(Flavour::AliExpress), format!("{url}/aliexpress/rest"));
    assert_eq!(sb.sync_url(), format!("{url}/aliexpress/sync"));
    assert_eq!(sb.authorize_url(Flavour::Lazada), format!("{url}/lazada/oauth/authorize"));
    assert!(sb.issue_code("nope").is_none());
    let refused = iop_sandbox::Sandbox::bind("0.0.0.0:0".parse().unwrap(), iop_sandbox::Config::default());
    assert_eq!(refused.unwrap_err().kind(), std::io::ErrorKind::InvalidInput);
    let bad = iop_sandbox::Config { apps: vec![], ..Default::default() };
    assert!(iop_sandbox::Sandbox::start(bad).is_err());
}

#[test]
fn limits_bans_and_the_request_log() {
    unsafe {
        let mut sb: *mut IopSandbox = ptr::null_mut();
        assert_eq!(iop_sandbox_start(ptr::null(), &mut sb), IOP_OK);
        let url = CStr::from_ptr(iop_sandbox_url(sb)).to_str().unwrap().to_string();
        let seller_get = || post_form(&format!("{url}/lazada/rest/seller/get"), &signed("/seller/get", &[]));

        let limits = CString::new(r#"{"apis":{"/seller/get":{"rate":1}}}"#).unwrap();
        assert_eq!(iop_sandbox_set_limits(sb, limits.as_ptr()), IOP_OK);
        assert_eq!(seller_get().code(), "MissingParameter");
        assert_eq!(seller_get().code(), "ApiCallLimit");
        let empty = CString::new("{}").unwrap();
        assert_eq!(iop_sandbox_set_limits(sb, empty.as_ptr()), IOP_OK);
        assert_eq!(seller_get().code(), "MissingParameter");

        let (app, api) = (CString::new(DEFAULT_APP_KEY).unwrap(), CString::new("/seller/get").unwrap());
        let mut until = 0i64;
        assert_eq!(iop_sandbox_ban(sb, app.as_ptr(), ptr::null(), 5, &mut until), IOP_OK);
        let now = get(&format!("{url}/_sandbox/clock")).json["now_ms"].as_i64().unwrap();
        assert!((until - now - 5_000).abs() < 1_000, "{until} {now}");
        let r = seller_get();
        assert_eq!((r.code(), r.json["message"].as_str()), ("AppCallLimit", Some("This ban will last 5 more seconds")));
        assert_eq!(iop_sandbox_ban(sb, app.as_ptr(), ptr::null(), 0, &mut until), IOP_OK);
        assert_eq!(iop_sandbox_ban(sb, app.as_ptr(), api.as_ptr(), 2, &mut until), IOP_OK);
        assert_eq!(seller_get().code(), "ApiCallLimit");

        let mut json = ptr::null_mut();
        assert_eq!(iop_sandbox_request_log(sb, &mut json), IOP_OK);
        let log: serde_json::Value = serde_json::from_str(CStr::from_ptr(json).to_str().unwrap()).unwrap();
        iop_sandbox_string_free(json);
        let entries = log.as_array().unwrap();
        assert_eq!(entries.len(), 5);
        let throttled: Vec<&str> = entries.iter().filter_map(|e| e["limit"].as_str()).collect();
        assert_eq!(throttled, ["api", "app", "api"]);
        assert_eq!(entries[0]["api"], "/seller/get");
        assert_eq!(entries[0]["app_key"], DEFAULT_APP_KEY);

        refused(iop_sandbox_set_limits(sb, ptr::null()), "limits_json");
        let bad = CString::new(r#"{"app":{"rate":0}}"#).unwrap();
        refused(iop_sandbox_set_limits(sb, bad.as_ptr()), "limits_json");
        refused(iop_sandbox_set_limits(ptr::null(), empty.as_ptr()), "sandbox");
        let unknown = CString::new("999").unwrap();
        refused(iop_sandbox_ban(sb, unknown.as_ptr(), ptr::null(), 1, &mut until), "app_key");
        refused(iop_sandbox_ban(sb, ptr::null(), ptr::null(), 1, &mut until), "app_key");
        refused(iop_sandbox_ban(sb, app.as_ptr(), ptr::null(), 86_401, &mut until), "seconds");
        refused(iop_sandbox_ban(sb, app.as_ptr(), ptr::null(), 1, ptr::null_mut()), "out_until_ms");
        refused(iop_sandbox_ban(ptr::null(), app.as_ptr(), ptr::null(), 1, &mut until), "sandbox");
        json = ptr::null_mut();
        refused(iop_sandbox_request_log(sb, ptr::null_mut()), "out_json");
        refused(iop_sandbox_request_log(ptr::null(), &mut json), "sandbox");
        assert!(json.is_null(), "out untouched on failure");
        iop_sandbox_free(sb);
    }
}
