//! The secret audit of the `iop-sandbox` binary: it runs with distinctive app secrets, preset
//! codes and refresh tokens, serves token, call, OAuth and control flows, and then everything it
//! wrote (stdout and stderr) is searched for every secret, code and token. Only the banner's app
//! list may show the app secrets: it exists to tell the tester the sandbox's credentials.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use iop::{Client, Request};
use iop_sandbox::Flavour;

const BIN: &str = env!("CARGO_BIN_EXE_iop-sandbox");
const APP_KEY: &str = "700700";
const APP_SECRET: &str = "AUDIT-SECRET-sandbox-4d9e1b";
const CODE: &str = "AUDIT-CODE-sandbox-7c2f90";
const REFRESH: &str = "AUDIT-TOKEN-refresh-sandbox-a81c3e";

fn config_file(name: &str, json: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("iopkit-audit-{}-{name}.json", std::process::id()));
    std::fs::write(&path, json).unwrap();
    path
}

#[test]
fn the_sandbox_binary_prints_no_code_or_token_and_secrets_only_in_its_banner() {
    let config = config_file(
        "ok",
        &format!(
            r#"{{"apps":[{{"app_key":"{APP_KEY}","app_secret":"{APP_SECRET}"}}],
                "preset_codes":[{{"app_key":"{APP_KEY}","value":"{CODE}"}}],
                "preset_refresh_tokens":[{{"app_key":"{APP_KEY}","value":"{REFRESH}"}}]}}"#
        ),
    );
    let mut child = Command::new(BIN)
        .args(["--exit-on-eof", "--config"])
        .arg(&config)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    let url = first.trim_end().strip_prefix("iop-sandbox listening on ").expect(&first).to_string();
    let base = format!("{url}{}/rest", Flavour::Lazada.prefix());

    // Flows: a preset code and refresh token, issued codes and tokens, failures of each.
    let mut secrets = vec![APP_SECRET.to_string(), CODE.to_string(), REFRESH.to_string()];
    let client = Client::new(&base, APP_KEY, APP_SECRET).unwrap();
    let token = client.create_token(CODE).unwrap();
    assert!(client.create_token(CODE).is_err(), "a code is single-use");
    let refreshed = client.refresh_token(REFRESH).unwrap();
    assert!(client.refresh_token(REFRESH).is_err(), "a refresh token rotates");
    let issued =
        post_empty(&format!("{url}/_sandbox/code?client_id={APP_KEY}")).json["code"].as_str().unwrap().to_owned();
    let authorize = get(&format!(
        "{url}/lazada/oauth/authorize?response_type=code&client_id={APP_KEY}&redirect_uri=https%3A%2F%2Fexample.com%2Fcb&state=s"
    ));
    let redirected = authorize.location.expect("a redirect with a code");
    let oauth_code = redirected.split("code=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    let from_oauth = client.create_token(&oauth_code).unwrap();
    let again = client.refresh_token(from_oauth.refresh_token.expose()).unwrap();
    let r = client.execute(&Request::new("/seller/get").unwrap(), Some(again.access_token.expose()), None).unwrap();
    assert!(r.is_success());
    let wrong = Client::new(&base, APP_KEY, "AUDIT-SECRET-wrong-0b7d").unwrap();
    assert!(wrong.create_token(&issued).is_err());
    secrets.push("AUDIT-SECRET-wrong-0b7d".into());
    for t in [&token, &refreshed, &from_oauth, &again] {
        secrets.push(t.access_token.expose().to_owned());
        secrets.push(t.refresh_token.expose().to_owned());
    }
    secrets.extend([issued, oauth_code]);
    // Garbage on the wire as well.
    let addr = url.trim_start_matches("http://").parse().unwrap();
    let answer =
        raw(addr, format!("POST /rest/auth/token/create HTTP/1.1\r\nContent-Length: 3\r\n\r\n{CODE}").as_bytes());
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");

    drop(child.stdin.take()); // EOF: the sandbox exits
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "did not exit on EOF");
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut stdout = first.clone();
    out.read_to_string(&mut stdout).unwrap();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    std::fs::remove_file(&config).unwrap();

    // The banner's app list is the one place for app secrets.
    let app_line = format!("  {APP_KEY}; {APP_SECRET}; true");
    assert!(stdout.lines().any(|l| l == app_line), "{stdout}");
    let unasked: String =
        stdout.lines().filter(|l| *l != app_line).chain(stderr.lines()).collect::<Vec<_>>().join("\n");
    let found: Vec<&String> = secrets.iter().filter(|s| unasked.contains(s.as_str())).collect();
    eprintln!(
        "sandbox binary audit: {} bytes of output searched for {} values: {} found",
        unasked.len(),
        secrets.len(),
        found.len()
    );
    assert!(found.is_empty(), "found {found:?} in:\n{unasked}");
}

#[test]
fn a_refused_config_is_reported_without_its_values() {
    let config = config_file(
        "bad",
        &format!(
            r#"{{"apps":[{{"app_key":"{APP_KEY}","app_secret":"{APP_SECRET}"}}],
                "preset_codes":[{{"app_key":"999","value":"{CODE}"}}]}}"#
        ),
    );
    let output = Command::new(BIN).arg("--config").arg(&config).stdin(Stdio::null()).output().unwrap();
    std::fs::remove_file(&config).unwrap();
    assert_eq!(output.status.code(), Some(2));
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(text.contains("preset for unknown app 999"), "{text}");
    for value in [APP_SECRET, CODE] {
        assert!(!text.contains(value), "{value} in: {text}");
    }
}
