//! Every `iop` command end to end against an in-process sandbox: output, `--json`, exit codes.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;

#[test]
fn help_documents_exit_codes_and_examples() {
    let top = run(&mut iop(), &["--help"]).expect(0);
    for needle in ["Exit codes:", "4  the platform answered", "IOP_APP_SECRET", "mode is 0600", "Examples:"] {
        assert!(top.stdout.contains(needle), "iop --help lacks {needle:?}:\n{}", top.stdout);
    }
    for cmd in [
        &["token", "create"][..],
        &["token", "refresh"],
        &["enos", "token", "get"],
        &["enos", "token", "refresh"],
        &["call"],
        &["sign"],
        &["authorize-url"],
        &["sandbox"],
    ] {
        let mut args = cmd.to_vec();
        args.push("--help");
        let help = run(&mut iop(), &args).expect(0);
        assert!(help.stdout.contains("Examples:"), "iop {cmd:?} --help has no examples:\n{}", help.stdout);
    }
    for group in [&["token"][..], &["enos", "token"]] {
        let mut args = group.to_vec();
        args.push("--help");
        run(&mut iop(), &args).expect(0);
    }
}

#[test]
fn usage_errors_exit_2_and_say_what_to_do() {
    run(&mut iop(), &["frobnicate"]).expect(2);
    run(&mut iop(), &["token", "create"]).expect(2);
    let r = run(&mut iop(), &["call", "/seller/get"]).expect(2);
    assert!(
        r.stderr.contains("no app key") && r.stderr.contains("hint:") && r.stderr.contains("IOP_APP_KEY"),
        "{}",
        r.stderr
    );
    let r = run(iop().env("IOP_APP_KEY", "1").env("IOP_GATEWAY", "http://127.0.0.1:1/rest"), &["call", "/x"]).expect(2);
    assert!(r.stderr.contains("no app secret") && r.stderr.contains("--app-secret-stdin"), "{}", r.stderr);
    let sb = sandbox();
    let r = run(&mut iop_for(&sb, Flavour::Lazada), &["call", "/seller/get", "novalue"]).expect(2);
    assert!(r.stderr.contains("is not KEY=VALUE"), "{}", r.stderr);
    let r = run(&mut iop_for(&sb, Flavour::Lazada), &["call", "/x", "--file", "f=/nonexistent/file.png"]).expect(2);
    assert!(r.stderr.contains("cannot read"), "{}", r.stderr);
    run(&mut iop_for(&sb, Flavour::Lazada), &["call", "/x", "--protocol", "xml"]).expect(2);
    let r = run(&mut iop_for(&sb, Flavour::Lazada), &["--gateway", "ftp://h", "call", "/x"]).expect(2);
    assert!(r.stderr.contains("`server_url`"), "{}", r.stderr);
}

#[test]
fn token_create_and_refresh_as_table_and_json() {
    let sb = sandbox();
    let table = run(&mut iop_for(&sb, Flavour::Lazada), &["token", "create", "--code", &code(&sb)]).expect(0);
    for row in ["access_token ", "refresh_token ", "expires_at ", "(in 7d 0h)", "can_refresh ", "yes", "country "] {
        assert!(table.stdout.contains(row), "no {row:?} in\n{}", table.stdout);
    }
    // The code from standard input; the TW spellings normalized the same way.
    let tw = run_with_stdin(&mut iop_for(&sb, Flavour::Tw), &["token", "create", "--code", "-", "--json"], &code(&sb))
        .expect(0)
        .json();
    assert!(tw["access_token"].as_str().unwrap().len() > 10 && tw["expires_at"].as_i64().unwrap() > 0);

    let token = create_token(&sb);
    let old = token["refresh_token"].as_str().unwrap().to_owned();
    let refreshed = run(iop_for(&sb, Flavour::Lazada).env("IOP_REFRESH_TOKEN", &old), &["token", "refresh", "--json"])
        .expect(0)
        .json();
    let new = refreshed["refresh_token"].as_str().unwrap();
    assert_ne!(new, old, "the refresh token rotates");
    let table = run(&mut iop_for(&sb, Flavour::Lazada), &["token", "refresh", "--refresh-token", new]).expect(0);
    assert!(table.stderr.contains("store the refresh token"), "a reminder, on stderr: {}", table.stderr);
    assert!(!table.stdout.contains("store the refresh token"), "stdout holds only the token: {}", table.stdout);

    // The old refresh token is dead: a platform error, exit 4, with the next step.
    let r = run(&mut iop_for(&sb, Flavour::Lazada), &["token", "refresh", "--refresh-token", &old]).expect(4);
    assert!(r.stderr.contains("IllegalRefreshToken") && r.stderr.contains("authorize again"), "{}", r.stderr);
    assert!(!r.all().contains(&old), "the refresh token is not echoed");
    let r = run(&mut iop_for(&sb, Flavour::Lazada), &["token", "create", "--code", "0_100001_bogus"]).expect(4);
    assert!(r.stderr.contains("InvalidCode"), "{}", r.stderr);
}

#[test]
fn call_prints_status_error_fields_and_pretty_body() {
    let sb = sandbox();
    let token = create_token(&sb);
    let access = token["access_token"].as_str().unwrap();
    let ok = run(&mut iop_for(&sb, Flavour::Lazada), &["call", "/seller/get", "--token", access]).expect(0);
    assert!(ok.stdout.starts_with("status"), "{}", ok.stdout);
    assert!(ok.stdout.contains("HTTP 200 (success)") && ok.stdout.contains("request_id"), "{}", ok.stdout);
    assert!(ok.stdout.contains("\n  \"data\": {\n    \""), "pretty JSON body:\n{}", ok.stdout);

    // --json: the HTTP status and the body as received; GET works the same; the token may come
    // from the environment.
    let out =
        run(iop_for(&sb, Flavour::Lazada).env("IOP_ACCESS_TOKEN", access), &["call", "/seller/get", "--get", "--json"])
            .expect(0);
    let json = out.json();
    assert_eq!((&json["http_status"], &json["success"]), (&200.into(), &true.into()), "{json}");
    assert!(out.stdout.trim_end().ends_with("}}"));
    let body = &json["body"];
    assert_eq!(body["code"], "0");
    assert!(body["data"]["seller_id"].is_number());

    // TOP, and a file part (multipart, never signed).
    let dir = temp_dir();
    std::fs::write(dir.join("photo.png"), b"\x89PNG fake").unwrap();
    let file = format!("image={}", dir.join("photo.png").display());
    let top = run(
        &mut iop_for(&sb, Flavour::AliExpress),
        &["call", "aliexpress.ds.category.get", "category_id=15", "--token", access, "--file", &file, "--json"],
    )
    .expect(0)
    .json();
    assert!(top["body"].get("aliexpress_ds_category_get_response").is_some(), "{top}");

    // A platform error: exit 4, its fields printed, and a hint.
    let err = run(&mut iop_for(&sb, Flavour::Lazada), &["call", "/seller/get", "--token", "not-a-token"]).expect(4);
    for needle in ["HTTP ", "platform error", "code ", "IllegalAccessToken", "type ", "ISV", "request_id "] {
        assert!(err.stdout.contains(needle), "no {needle:?} in\n{}", err.stdout);
    }
    assert!(err.stderr.contains("refresh it"), "{}", err.stderr);
    let err = run(&mut iop_for(&sb, Flavour::AliExpress), &["call", "aliexpress.ds.category.get", "--token", "bad"])
        .expect(4);
    assert!(err.stdout.contains("error_response"), "{}", err.stdout);
    // A wrong secret: IncompleteSignature points at `iop sign --explain`.
    let r =
        run(iop_for(&sb, Flavour::Lazada).env("IOP_APP_SECRET", "wrong"), &["call", "/seller/get", "--token", access])
            .expect(4);
    assert!(r.stdout.contains("IncompleteSignature") && r.stderr.contains("--explain"), "{}", r.all());
}

#[test]
fn transport_and_response_failures_have_their_own_codes() {
    let r = run(iop_for(&sandbox(), Flavour::Lazada).env("IOP_GATEWAY", closed_port_url()), &["call", "/seller/get"])
        .expect(3);
    assert!(r.stderr.contains("connection failed") && r.stderr.contains("check the gateway URL"), "{}", r.stderr);
    let garbage = canned_server(200, "this is not JSON");
    let r = run(iop_for(&sandbox(), Flavour::Lazada).env("IOP_GATEWAY", &garbage), &["call", "/seller/get"]).expect(5);
    assert!(r.stderr.contains("not JSON"), "{}", r.stderr);
    let html = canned_server(502, "<html>Bad Gateway</html>");
    let r = run(iop_for(&sandbox(), Flavour::Lazada).env("IOP_GATEWAY", &html), &["token", "create", "--code", "c"])
        .expect(3);
    assert!(r.stderr.contains("502"), "{}", r.stderr);
}

#[test]
fn authorize_url_with_random_state_and_redirect_check() {
    let sb = sandbox();
    let page = sb.authorize_url(Flavour::Lazada);
    let args = ["authorize-url", "--platform", "lazada", "--redirect-uri", "http://localhost/cb", "--base-url", &page];
    let first = run(iop().env("IOP_APP_KEY", APP_KEY), &args).expect(0);
    let url = first.stdout.lines().next().unwrap().to_owned();
    let state = first.stdout.lines().nth(1).unwrap().strip_prefix("state: ").unwrap().to_owned();
    assert_eq!(state.len(), 32);
    assert!(url.starts_with(&format!("{page}?response_type=code&force_auth=true&redirect_uri=http%3A%2F%2Flocalhost%2Fcb&client_id={APP_KEY}&state={state}")), "{url}");
    let second = run(iop().env("IOP_APP_KEY", APP_KEY), &args).expect(0);
    assert!(!second.stdout.contains(&state), "a fresh state each time");

    // The sandbox's page redirects with a code and the state; iop checks the state, uses the code.
    let agent: ureq::Agent = ureq::Agent::config_builder().max_redirects(0).http_status_as_error(false).build().into();
    let resp = agent.get(&url).call().unwrap();
    assert_eq!(resp.status().as_u16(), 302);
    let location = resp.headers().get("location").unwrap().to_str().unwrap().to_owned();
    assert!(location.contains(&format!("state={state}")), "{location}");
    let wrong =
        run(&mut iop_for(&sb, Flavour::Lazada), &["token", "create", "--redirect-url", &location, "--state", "forged"])
            .expect(2);
    assert!(wrong.stderr.contains("`state`") && wrong.stderr.contains("start over"), "{}", wrong.stderr);
    let token = run(
        &mut iop_for(&sb, Flavour::Lazada),
        &["token", "create", "--redirect-url", &location, "--state", &state, "--json"],
    )
    .expect(0)
    .json();
    assert!(token["access_token"].as_str().is_some_and(|t| !t.is_empty()));

    // The real pages; a given state; JSON; AliExpress takes no country.
    let json = run(
        iop().env("IOP_APP_KEY", "123456"),
        &[
            "authorize-url",
            "--platform",
            "aliexpress",
            "--redirect-uri",
            "https://example.com/cb",
            "--state",
            "s-1",
            "--json",
        ],
    )
    .expect(0)
    .json();
    assert_eq!(
        json["url"],
        "https://api-sg.aliexpress.com/oauth/authorize?response_type=code&force_auth=true&redirect_uri=https%3A%2F%2Fexample.com%2Fcb&client_id=123456&state=s-1"
    );
    assert_eq!(json["state"], "s-1");
    let lazada = run(
        iop().env("IOP_APP_KEY", "123456"),
        &["authorize-url", "--platform", "lazada", "--redirect-uri", "https://example.com/cb", "--country", "sg"],
    )
    .expect(0);
    assert!(
        lazada.stdout.starts_with("https://auth.lazada.com/oauth/authorize?")
            && lazada.stdout.contains("&country=sg\n")
    );
    let r = run(
        iop().env("IOP_APP_KEY", "123456"),
        &["authorize-url", "--platform", "aliexpress", "--redirect-uri", "https://example.com/cb", "--country", "sg"],
    )
    .expect(2);
    assert!(r.stderr.contains("`country`"), "{}", r.stderr);
    run(&mut iop(), &["authorize-url", "--platform", "lazada", "--redirect-uri", "https://example.com/cb"]).expect(2);
}

#[test]
fn enos_token_get_and_refresh() {
    let sb = sandbox();
    let enos = || {
        let mut cmd = iop();
        cmd.env("IOP_GATEWAY", sb.url())
            .env("IOP_APP_KEY", iop_sandbox::DEFAULT_ENOS_APP_KEY)
            .env("IOP_APP_SECRET", iop_sandbox::DEFAULT_ENOS_APP_SECRET);
        cmd
    };
    let got = run(&mut enos(), &["enos", "token", "get", "--json"]).expect(0).json();
    let token = got["access_token"].as_str().unwrap().to_owned();
    assert!(got["expires_at"].as_i64().unwrap() > 0);
    let table = run(&mut enos(), &["enos", "token", "get"]).expect(0);
    assert!(
        table.stdout.contains(&format!("access_token  {token}")) && table.stdout.contains("expires_at"),
        "{}",
        table.stdout
    );
    let refreshed = run_with_stdin(&mut enos(), &["enos", "token", "refresh", "--access-token", "-", "--json"], &token)
        .expect(0)
        .json();
    assert!(refreshed["access_token"].as_str().is_some_and(|t| !t.is_empty()));
    let r = run(enos().env("IOP_APP_SECRET", "wrong"), &["enos", "token", "get"]).expect(4);
    assert!(!r.all().contains(iop_sandbox::DEFAULT_ENOS_APP_SECRET));
    assert!(!r.all().contains("wrong\n"));
    run(&mut enos(), &["enos", "token", "refresh"]).expect(2);
}

#[test]
fn sandbox_command_serves_until_stdin_closes() {
    let mut child = iop()
        .args(["sandbox", "--exit-on-eof"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut banner = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        banner.push_str(&line);
        banner.push('\n');
        if line.contains("Ctrl-C") {
            break;
        }
    }
    assert!(banner.starts_with("iop sandbox listening on http://127.0.0.1:"), "{banner}");
    assert!(banner.contains(APP_KEY) && banner.contains(APP_SECRET), "shows the demo app:\n{banner}");
    let export = banner.lines().find(|l| l.trim_start().starts_with("export IOP_GATEWAY=")).unwrap();
    let gateway = export.split_whitespace().nth(1).unwrap().strip_prefix("IOP_GATEWAY=").unwrap();
    assert!(banner.contains("iop token create --code"), "{banner}");

    // Point iop at it as the banner says; take a code from its control endpoint.
    let root = gateway.trim_end_matches("/lazada/rest");
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let answer = agent
        .post(&format!("{root}/_sandbox/code?client_id={APP_KEY}"))
        .send_empty()
        .unwrap()
        .into_body()
        .read_to_string()
        .unwrap();
    let code: serde_json::Value = serde_json::from_str(&answer).unwrap();
    let mut cmd = iop();
    cmd.env("IOP_GATEWAY", gateway).env("IOP_APP_KEY", APP_KEY).env("IOP_APP_SECRET", APP_SECRET);
    run(&mut cmd, &["token", "create", "--code", code["code"].as_str().unwrap()]).expect(0);

    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"").unwrap();
    drop(stdin);
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{status}");
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "iop sandbox did not stop at EOF");
        std::thread::sleep(Duration::from_millis(20));
    }
    let used = run(&mut iop(), &["sandbox", "--config", "/nonexistent/sandbox.json"]).expect(2);
    assert!(used.stderr.contains("--config"), "{}", used.stderr);
}

#[test]
fn token_file_for_cron_jobs() {
    use std::os::unix::fs::PermissionsExt;
    let sb = sandbox();
    let dir = temp_dir();
    let file = dir.join("tokens.json");
    let store = file.to_str().unwrap();
    let created = run(
        &mut iop_for(&sb, Flavour::Lazada),
        &["token", "create", "--code", &code(&sb), "--store", store, "--account", "shop-sg", "--json"],
    )
    .expect(0);
    assert!(created.stderr.contains("stored as account shop-sg"), "{}", created.stderr);
    let created = created.json();
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);

    // Fresh: `get` prints the stored access token as is.
    let got =
        run(&mut iop_for(&sb, Flavour::Lazada), &["token", "get", "--store", store, "--account", "shop-sg"]).expect(0);
    assert_eq!(got.stdout.trim_end(), created["access_token"].as_str().unwrap());

    // `refresh --store`: the rotated pair replaces the stored one.
    let table =
        run(&mut iop_for(&sb, Flavour::Lazada), &["token", "refresh", "--store", store, "--account", "shop-sg"])
            .expect(0);
    assert!(
        table.stdout.contains("account             shop-sg") && table.stdout.contains("reauthorize_by"),
        "{}",
        table.stdout
    );
    let record =
        run(&mut iop_for(&sb, Flavour::Lazada), &["token", "get", "--store", store, "--account", "shop-sg", "--json"])
            .expect(0)
            .json();
    assert_ne!(record["refresh_token"], created["refresh_token"], "rotated in the file");
    assert_ne!(record["access_token"], created["access_token"]);

    // Due for refresh (a margin longer than its life): `get` refreshes, stores, prints the new one.
    let before = record["access_token"].as_str().unwrap().to_owned();
    let got = run(
        &mut iop_for(&sb, Flavour::Lazada),
        &["token", "get", "--store", store, "--account", "shop-sg", "--margin", "20000"],
    )
    .expect(0);
    assert_ne!(got.stdout.trim_end(), before);
    let record =
        run(&mut iop_for(&sb, Flavour::Lazada), &["token", "get", "--store", store, "--account", "shop-sg", "--json"])
            .expect(0)
            .json();
    assert_eq!(record["access_token"].as_str().unwrap(), got.stdout.trim_end());
    assert!(!std::fs::read_to_string(&file).unwrap().contains(APP_SECRET), "the file never holds the app secret");

    // Nothing stored for an account: the seller must authorize (exit 4, with the next step).
    let r =
        run(&mut iop_for(&sb, Flavour::Lazada), &["token", "get", "--store", store, "--account", "other"]).expect(4);
    assert!(r.stderr.contains("authorize"), "{}", r.stderr);
    run(&mut iop_for(&sb, Flavour::Lazada), &["token", "refresh", "--store", store]).expect(2);
}
