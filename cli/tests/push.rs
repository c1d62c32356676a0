//! `iop push verify` and `iop push listen` against pushes signed as the platform signs them
//! (the sandbox's push sender, and `iop::push::sign_push`).

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;

const BODY: &str = r#"{"seller_id":"null","message_type":8,"data":{"app_key":"100001","auth_expiry_time":1627542238,"seller_id":"1000165972"},"timestamp":1627455838,"site":"lazada_sg"}"#;

fn with_app() -> std::process::Command {
    let mut cmd = iop();
    cmd.env("IOP_APP_KEY", APP_KEY).env("IOP_APP_SECRET", APP_SECRET);
    cmd
}

#[test]
fn verify_prints_the_message_or_the_reason() {
    let auth = iop::push::sign_push(APP_KEY, APP_SECRET, BODY.as_bytes());
    let dir = temp_dir();
    let file = dir.join("push.json");
    std::fs::write(&file, BODY).unwrap();
    let r = run(&mut with_app(), &["push", "verify", "--authorization", &auth, "--body-file", file.to_str().unwrap()])
        .expect(0);
    let m = r.json();
    assert_eq!(m["type"], "token_expiry_alert");
    assert_eq!(m["message_type"], 8);
    assert_eq!(m["seller_id"], "1000165972");
    assert_eq!(m["site"], "lazada_sg");
    assert_eq!(m["timestamp_ms"], 1_627_455_838_000i64);
    assert_eq!(m["auth_expires_at_ms"], 1_627_542_238_000i64);
    assert_eq!(m["duplicate"], false);
    // The body from standard input, the header in upper case.
    let r =
        run_with_stdin(&mut with_app(), &["push", "verify", "--authorization", &auth.to_uppercase()], BODY).expect(0);
    assert_eq!(r.json()["type"], "token_expiry_alert");

    let mut wrong = auth.clone();
    wrong.replace_range(0..1, if auth.starts_with('0') { "1" } else { "0" });
    let r = run_with_stdin(&mut with_app(), &["push", "verify", "--authorization", &wrong], BODY).expect(6);
    assert!(r.stderr.contains("SignatureMismatch") && r.stderr.contains("hint:"), "{}", r.stderr);
    assert!(!r.all().contains(&wrong) && !r.all().contains("1000165972"), "no header or body excerpt: {}", r.all());
    let r = run_with_stdin(&mut with_app(), &["push", "verify", "--authorization", &auth[..10]], BODY).expect(6);
    assert!(r.stderr.contains("MalformedAuthorization"), "{}", r.stderr);
    let reserialized = serde_json::from_str::<serde_json::Value>(BODY).unwrap().to_string();
    let r = run_with_stdin(&mut with_app(), &["push", "verify", "--authorization", &auth], &reserialized).expect(6);
    assert!(r.stderr.contains("SignatureMismatch"), "{}", r.stderr);
    let not_push = iop::push::sign_push(APP_KEY, APP_SECRET, b"[]");
    let r = run_with_stdin(&mut with_app(), &["push", "verify", "--authorization", &not_push], "[]").expect(6);
    assert!(r.stderr.contains("MalformedBody"), "{}", r.stderr);
    let r = run(iop().env("IOP_APP_KEY", APP_KEY), &["push", "verify", "--authorization", &auth]).expect(2);
    assert!(r.stderr.contains("no app secret"), "{}", r.stderr);
    run(&mut with_app(), &["push", "verify", "--help"]).expect(0);
    run(&mut with_app(), &["push", "listen", "--help"]).expect(0);
}

/// POSTs `body` with `authorization` to `url`; the status.
fn post(url: &str, authorization: Option<&str>, body: &str) -> u16 {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut rq = agent.post(url).header("Content-Type", "application/json");
    if let Some(a) = authorization {
        rq = rq.header("Authorization", a);
    }
    rq.send(body).unwrap().status().as_u16()
}

#[test]
fn listen_answers_200_or_401_and_prints_json_lines() {
    let mut child = with_app()
        .args(["push", "listen", "--port", "0", "--exit-after", "3"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    let base = first.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("{first}")).to_owned();
    let url = format!("{base}/lazada/push");

    let auth = iop::push::sign_push(APP_KEY, APP_SECRET, BODY.as_bytes());
    assert_eq!(post(&url, Some(&auth), BODY), 200);
    assert_eq!(post(&url, None, BODY), 401);
    assert_eq!(post(&url, Some(&auth), &BODY.replace("1000165972", "1000165973")), 401);
    assert_eq!(post(&url, Some(&auth), BODY), 200, "a re-delivery is acknowledged too");

    let sb = sandbox();
    sb.register_push(&url, APP_KEY).unwrap();
    sb.push_order("1000100077").unwrap();
    sb.flush_push();
    let log = sb.push_log();
    assert_eq!((log.len(), log[0].status), (1, Some(200)), "{log:?}");

    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = child.try_wait().unwrap();
    if status.is_none() {
        let _ = child.kill();
    }
    assert_eq!(status.and_then(|s| s.code()), Some(0), "exits after 3 verified messages");
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    assert!(!out.contains(APP_SECRET) && !rest.contains(APP_SECRET));
    assert_eq!(rest.matches("rejected:").count(), 2, "{rest}");
    let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert_eq!((lines[0]["type"].as_str(), lines[0]["duplicate"].as_bool()), (Some("token_expiry_alert"), Some(false)));
    assert_eq!(lines[1]["duplicate"], true);
    assert_eq!((lines[2]["type"].as_str(), lines[2]["seller_id"].as_str()), (Some("trade_order"), Some("1000100077")));
}
