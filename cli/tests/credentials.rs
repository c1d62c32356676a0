//! Where `iop` takes its credentials from: profile files (mode 0600 only), the environment,
//! standard input; and that the secret never shows.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::*;

fn write_profile(path: &Path, text: &str, mode: u32) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn profile_file_must_be_0600() {
    let sb = sandbox();
    let dir = temp_dir();
    let file = dir.join("profiles.ini");
    let text = format!(
        "# sandbox\n[sb]\ngateway = {}\napp_key = {APP_KEY}\napp_secret = \"{APP_SECRET}\"\n\n[other]\napp_key = 1\n",
        sb.base_url(Flavour::Lazada)
    );
    for mode in [0o644, 0o640, 0o604, 0o666] {
        write_profile(&file, &text, mode);
        let r =
            run(iop().env("IOP_PROFILE_FILE", &file), &["--profile", "sb", "token", "create", "--code", "c"]).expect(2);
        assert!(r.stderr.contains(&format!("its mode is {mode:04o}")), "{}", r.stderr);
        assert!(r.stderr.contains(&format!("chmod 600 {}", file.display())), "{}", r.stderr);
    }
    write_profile(&file, &text, 0o600);
    let token = run(
        iop().env("IOP_PROFILE_FILE", &file),
        &["--profile", "sb", "token", "create", "--code", &code(&sb), "--json"],
    )
    .expect(0)
    .json();
    assert!(token["access_token"].as_str().is_some_and(|t| !t.is_empty()));
    // IOP_PROFILE names it too; a named profile wins over the environment (no mixing of apps).
    let mut cmd = iop();
    cmd.env("IOP_PROFILE_FILE", &file).env("IOP_PROFILE", "sb").env("IOP_APP_SECRET", "from-env-must-not-be-used");
    run(&mut cmd, &["token", "create", "--code", &code(&sb)]).expect(0);
    // 0400 is fine too.
    write_profile(&file, &text, 0o400);
    run(iop().env("IOP_PROFILE_FILE", &file), &["--profile", "sb", "token", "create", "--code", &code(&sb)]).expect(0);

    let r = run(iop().env("IOP_PROFILE_FILE", &file), &["--profile", "nope", "call", "/x"]).expect(2);
    assert!(r.stderr.contains("no [nope] section") && r.stderr.contains("other, sb"), "{}", r.stderr);
    let r = run(iop().env("IOP_PROFILE_FILE", &file), &["--profile", "other", "call", "/x"]).expect(2);
    assert!(r.stderr.contains("no gateway URL"), "{}", r.stderr);
    let r = run(iop().env("IOP_PROFILE_FILE", dir.join("missing.ini")), &["--profile", "sb", "call", "/x"]).expect(2);
    assert!(r.stderr.contains("cannot read the profile file"), "{}", r.stderr);
    write_profile(&file, "[sb]\napp_secret\n", 0o600);
    let r = run(iop().env("IOP_PROFILE_FILE", &file), &["--profile", "sb", "call", "/x"]).expect(2);
    assert!(r.stderr.contains("line 2"), "{}", r.stderr);
}

#[test]
fn default_profile_is_found_under_home_and_checked_too() {
    let sb = sandbox();
    let home = temp_dir();
    std::fs::create_dir_all(home.join(".config/iop")).unwrap();
    let file = home.join(".config/iop/profiles.ini");
    let text = format!(
        "[default]\ngateway = {}\napp_key = {APP_KEY}\napp_secret = {APP_SECRET}\n",
        sb.base_url(Flavour::Lazada)
    );
    write_profile(&file, &text, 0o600);
    run(iop().env("HOME", &home), &["token", "create", "--code", &code(&sb)]).expect(0);
    write_profile(&file, &text, 0o644);
    let r = run(iop().env("HOME", &home), &["token", "create", "--code", &code(&sb)]).expect(2);
    assert!(r.stderr.contains("chmod 600"), "{}", r.stderr);
    // The environment, when set, is used instead of the [default] profile.
    let mut cmd = iop_for(&sb, Flavour::Lazada);
    cmd.env("HOME", &home);
    run(&mut cmd, &["token", "create", "--code", &code(&sb)]).expect(0);
}

#[test]
fn secret_from_stdin_and_flags() {
    let sb = sandbox();
    let mut cmd = iop();
    let gateway = sb.base_url(Flavour::Lazada);
    let code = code(&sb);
    let args = ["--gateway", &gateway, "--app-key", APP_KEY, "--app-secret-stdin", "token", "create", "--code", &code];
    run_with_stdin(&mut cmd, &args, &format!("{APP_SECRET}\n")).expect(0);
    let r = run_with_stdin(&mut iop(), &args, "").expect(2);
    assert!(r.stderr.contains("standard input carried no app secret"), "{}", r.stderr);
    // Only one value can come from standard input.
    let args = ["--gateway", &gateway, "--app-key", APP_KEY, "--app-secret-stdin", "token", "create", "--code", "-"];
    let r = run_with_stdin(&mut iop(), &args, &format!("{APP_SECRET}\n")).expect(2);
    assert!(r.stderr.contains("only one value"), "{}", r.stderr);
    // There is no option taking the secret itself.
    run(&mut iop(), &["--app-secret", APP_SECRET.get(..4).unwrap(), "call", "/x"]).expect(2);
}

#[test]
fn the_secret_is_never_printed() {
    // Every run in these tests checks that APP_SECRET is absent from stdout and stderr (see
    // common::run_with_stdin); here the commands most likely to leak it, with a wrong secret too.
    let sb = sandbox();
    let token = create_token(&sb);
    let access = token["access_token"].as_str().unwrap();
    for args in [
        &["sign", "/seller/get", "--explain", "--token", access][..],
        &["sign", "/seller/get", "--json", "--timestamp", "1"],
        &["sign", "/seller/get", "app_key=100001", "timestamp=1", "sign_method=sha256", "sign=AB", "--explain"],
        &["sign", "/seller/get", "app_key=100001", "timestamp=1", "sign_method=sha256", "sign=AB", "--json"],
        &["call", "/seller/get", "--token", access],
        &["call", "/seller/get", "--token", "bad"],
        &["token", "refresh", "--refresh-token", "bad"],
    ] {
        let r = run(&mut iop_for(&sb, Flavour::Lazada), args);
        assert!(r.code == 0 || r.code == 4, "{args:?}: {}", r.all());
    }
    let r = run(
        iop_for(&sb, Flavour::Lazada).env("IOP_APP_SECRET", "s3cr3t-wrong-value"),
        &["call", "/seller/get", "--token", access],
    )
    .expect(4);
    assert!(!r.all().contains("s3cr3t-wrong-value"));
}
