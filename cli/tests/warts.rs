//! One test per rough edge a new user hit (issue 18): where credentials were looked for, the
//! plain-HTTP opt-in, HTTPS against a plain-HTTP port, the refresh-token reminder, options
//! `iop sandbox` would ignore, the HTTP status in `call --json`, proxies, shell completions.

mod common;

use common::*;

#[test]
fn missing_credentials_say_where_they_were_looked_for() {
    let r = run(&mut iop(), &["call", "/seller/get"]).expect(2);
    assert!(!r.stderr.contains("nowhere"), "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "looked in the command line, the IOP_GATEWAY, IOP_APP_KEY and IOP_APP_SECRET variables (none set)"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("/nonexistent/iop-cli-tests/.config/iop/profiles.ini (absent)"), "{}", r.stderr);
    assert!(r.stderr.contains("hint: pass --app-key"), "{}", r.stderr);
}

#[test]
fn plain_http_refusal_names_an_opt_in_that_exists() {
    let mut cmd = iop();
    cmd.env("IOP_APP_KEY", APP_KEY).env("IOP_APP_SECRET", APP_SECRET);
    let r = run(&mut cmd, &["--gateway", "http://api.example.invalid/rest", "call", "/seller/get"]).expect(2);
    assert!(r.stderr.contains("plain http://"), "{}", r.stderr);
    assert!(r.stderr.contains("--allow-insecure-http"), "{}", r.stderr);
    // The opt-in exists and is honoured: the call is then sent (here, to a proxy that is down,
    // so that nothing leaves loopback).
    let dead_proxy = closed_port_url().trim_end_matches("/rest").to_owned();
    let mut cmd = iop();
    cmd.env("IOP_APP_KEY", APP_KEY).env("IOP_APP_SECRET", APP_SECRET);
    let r = run(
        &mut cmd,
        &[
            "--gateway",
            "http://api.example.invalid/rest",
            "--allow-insecure-http",
            "--proxy",
            &dead_proxy,
            "call",
            "/x",
        ],
    )
    .expect(3);
    assert!(r.stderr.contains(&format!("iop: proxy {dead_proxy}: connection refused")), "{}", r.stderr);
    assert!(r.stderr.contains("hint: check the proxy"), "{}", r.stderr);
}

#[test]
fn https_against_a_plain_http_port_says_so() {
    let sb = sandbox();
    let https = sb.base_url(Flavour::Lazada).replacen("http://", "https://", 1);
    let r = run(iop_for(&sb, Flavour::Lazada).env("IOP_GATEWAY", &https), &["call", "/seller/get"]).expect(3);
    assert!(r.stderr.contains("the server did not answer TLS (plain HTTP port?"), "{}", r.stderr);
    assert!(r.stderr.contains("hint: that port speaks plain HTTP"), "{}", r.stderr);
}

#[test]
fn refresh_token_reminder_goes_to_stderr_and_never_with_store() {
    let sb = sandbox();
    let plain = run(&mut iop_for(&sb, Flavour::Lazada), &["token", "create", "--code", &code(&sb)]).expect(0);
    assert!(plain.stderr.contains("(store the refresh token"), "{}", plain.stderr);
    assert!(!plain.stdout.contains("store the refresh token"), "{}", plain.stdout);
    let file = temp_dir().join("tokens.json");
    let stored = run(
        &mut iop_for(&sb, Flavour::Lazada),
        &["token", "create", "--code", &code(&sb), "--store", file.to_str().unwrap(), "--account", "a"],
    )
    .expect(0);
    assert!(!stored.all().contains("store the refresh token"), "{}", stored.all());
    assert!(stored.stderr.contains("stored as account a"), "{}", stored.stderr);
}

#[test]
fn sandbox_refuses_options_it_would_ignore() {
    for args in [
        &["sandbox", "--json"][..],
        &["--gateway", "https://x/rest", "sandbox"],
        &["sandbox", "--app-key", "1"],
        &["sandbox", "--proxy", ""],
    ] {
        let r = run(&mut iop(), args).expect(2);
        let flag = args.iter().find(|a| a.starts_with("--")).unwrap();
        assert!(r.stderr.contains(&format!("iop sandbox does not take {flag}")), "{args:?}: {}", r.stderr);
    }
}

#[test]
fn call_json_carries_the_http_status() {
    let sb = sandbox();
    let out =
        run(&mut iop_for(&sb, Flavour::Lazada), &["call", "/seller/get", "--token", "not-a-token", "--json"]).expect(4);
    let json = out.json();
    assert_eq!(json["success"], false);
    assert!(json["http_status"].as_u64().is_some_and(|s| s == 200 || s == 400), "{json}");
    assert_eq!(json["body"]["code"], "IllegalAccessToken");
}

#[test]
fn calls_go_through_a_proxy_and_a_bad_one_is_refused() {
    let sb = sandbox();
    let token = create_token(&sb);
    // A loopback CONNECT proxy that tunnels once.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy = format!("http://{}", listener.local_addr().unwrap());
    let target = sb.base_url(Flavour::Lazada).trim_start_matches("http://").split('/').next().unwrap().to_owned();
    let relay = std::thread::spawn(move || {
        use std::io::{BufRead, BufReader, Write};
        let (client, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(client.try_clone().unwrap());
        let mut head = String::new();
        while reader.read_line(&mut head).unwrap() > 2 && !head.ends_with("\r\n\r\n") {}
        let upstream = std::net::TcpStream::connect(&target).unwrap();
        let mut out = client.try_clone().unwrap();
        out.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").unwrap();
        let (mut up_read, mut up_write) = (upstream.try_clone().unwrap(), upstream);
        let pump = std::thread::spawn(move || std::io::copy(&mut up_read, &mut out));
        let _ = std::io::copy(&mut reader, &mut up_write);
        let _ = up_write.shutdown(std::net::Shutdown::Write);
        let _ = pump.join();
        head
    });
    let access = token["access_token"].as_str().unwrap();
    run(&mut iop_for(&sb, Flavour::Lazada), &["--proxy", &proxy, "call", "/seller/get", "--token", access]).expect(0);
    let head = relay.join().unwrap();
    assert!(head.starts_with("CONNECT 127.0.0.1:"), "{head}");
    let r = run(&mut iop_for(&sb, Flavour::Lazada), &["--proxy", "socks5://p:1", "call", "/seller/get"]).expect(2);
    assert!(r.stderr.contains("--proxy") && r.stderr.contains("http://"), "{}", r.stderr);
}

#[test]
fn shell_completions() {
    for (shell, marker) in [("bash", "complete -F _iop"), ("zsh", "#compdef iop"), ("fish", "complete -c iop")] {
        let r = run(&mut iop(), &["completions", shell]).expect(0);
        assert!(r.stdout.contains(marker), "{shell}: {}", &r.stdout[..r.stdout.len().min(300)]);
        assert!(r.stdout.contains("authorize-url") && r.stdout.contains("allow-insecure-http"), "{shell}");
    }
    run(&mut iop(), &["completions", "tcsh"]).expect(2);
}
