//! The `iop-sandbox` binary: banner, --exit-on-eof, argument errors.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use iop_sandbox::{DEFAULT_APP_KEY, DEFAULT_APP_SECRET, NON_REFRESHABLE_APP_SECRET};

const BIN: &str = env!("CARGO_BIN_EXE_iop-sandbox");

#[test]
fn banner_then_exit_on_eof() {
    let mut child = Command::new(BIN)
        .arg("--exit-on-eof")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    let url = first.trim_end().strip_prefix("iop-sandbox listening on ").expect(&first).to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert_eq!(get(&format!("{url}/_sandbox/health")).json["ok"], true);
    let code = post_empty(&format!("{url}/_sandbox/code?client_id={DEFAULT_APP_KEY}")).json["code"]
        .as_str()
        .unwrap()
        .to_string();
    let r = post_form(&format!("{url}/tw/rest/auth/token/create"), &signed("/auth/token/create", &[("code", &code)]));
    assert_eq!(r.status, 200);

    drop(child.stdin.take()); // EOF
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "did not exit on EOF");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success());
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    assert!(rest.contains(DEFAULT_APP_SECRET) && rest.contains(NON_REFRESHABLE_APP_SECRET), "{rest}");
    assert!(rest.contains(&format!("{url}/tw/rest")) && rest.contains(&format!("{url}/lazada/oauth/authorize")));
    // Codes and tokens are never printed.
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert!(!rest.contains(&code) && !err.contains(&code));
    assert!(!rest.contains(r.json["access_token"].as_str().unwrap()));
}

#[test]
fn refuses_non_loopback_and_bad_arguments() {
    for args in [
        &["--host", "0.0.0.0"][..],
        &["--host", "8.8.8.8"],
        &["--port", "x"],
        &["--what"],
        &["--config", "/nonexistent/iop-sandbox.json"],
    ] {
        let out = Command::new(BIN).args(args).stdin(Stdio::null()).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(!out.stderr.is_empty());
    }
}

#[test]
fn help() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("--exit-on-eof") && text.contains("--config"));
}
