//! `iop sandbox`: the local gateway, with how to point iop at it.

use std::io::{IsTerminal, Read, Write};
use std::net::{Ipv4Addr, SocketAddr};

use iop_sandbox::{Config, Flavour, Sandbox};

use crate::args::{Global, SandboxArgs};
use crate::failure::{Failure, INTERNAL};

/// Starts the sandbox, prints its banner, serves until Ctrl-C (or the end of standard input).
/// The global options mean nothing to it: any given is refused rather than ignored.
pub fn run(global: &Global, args: &SandboxArgs) -> Result<(), Failure> {
    let given = [
        ("--json", global.json),
        ("--gateway", global.gateway.is_some()),
        ("--app-key", global.app_key.is_some()),
        ("--app-secret-stdin", global.app_secret_stdin),
        ("--profile", global.profile.is_some()),
        ("--ca-bundle", global.ca_bundle.is_some()),
        ("--timeout", global.timeout.is_some()),
        ("--proxy", global.proxy.is_some()),
        ("--allow-insecure-http", global.allow_insecure_http),
    ];
    if let Some((flag, _)) = given.iter().find(|(_, set)| *set) {
        return Err(Failure::usage(format!("iop sandbox does not take {flag}")).hint(
            "the sandbox has its own apps and prints its URLs: use --port and --config (see iop sandbox --help)",
        ));
    }
    let config = match &args.config {
        None => Config::default(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Failure::usage(format!("--config {}: {e}", path.display())))?;
            Config::from_json(&text).map_err(|e| Failure::usage(format!("--config {}: {e}", path.display())))?
        }
    };
    let sandbox = Sandbox::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, args.port)), config.clone()).map_err(|e| {
        Failure { code: INTERNAL, message: format!("cannot listen on 127.0.0.1:{}: {e}", args.port), hint: None }
            .hint("pick another --port, or 0 for any free one")
    })?;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(banner(&sandbox, &config).as_bytes()).and_then(|_| out.flush());
    drop(out);
    let stdin = std::io::stdin();
    if args.exit_on_eof || stdin.is_terminal() {
        let mut sink = [0u8; 1024];
        let mut lock = stdin.lock();
        while matches!(lock.read(&mut sink), Ok(n) if n > 0) {}
        drop(sandbox);
        Ok(())
    } else {
        loop {
            std::thread::park();
        }
    }
}

fn banner(sandbox: &Sandbox, config: &Config) -> String {
    let url = sandbox.url();
    let mut s = format!("iop sandbox listening on {url}\n\nGOP base URLs (--gateway / IOP_GATEWAY):\n");
    for f in Flavour::ALL {
        s.push_str(&format!("  {:<11} {}\n", f.name(), sandbox.base_url(f)));
    }
    s.push_str(&format!("  {:<11} {} (TOP calls: --protocol top)\n", "aliexpress", sandbox.sync_url()));
    s.push_str(&format!("  {:<11} {url} (iop enos …)\n", "enos"));
    s.push_str("\nApps (sandbox credentials, not secrets):\n");
    for app in sandbox.apps() {
        let kind = if app.can_refresh { "refreshable" } else { "cannot refresh" };
        s.push_str(&format!("  app key {}  app secret {}  ({kind})\n", app.app_key, app.app_secret));
    }
    for app in &config.enos_apps {
        s.push_str(&format!("  EnOS app key {}  app secret {}\n", app.app_key, app.app_secret));
    }
    s.push_str(&format!("\nAuthorization page: {}\n", sandbox.authorize_url(Flavour::Lazada)));
    if let Some(app) = sandbox.apps().first() {
        s.push_str(&format!(
            "\nPoint iop at it (another shell):\n  export IOP_GATEWAY={} IOP_APP_KEY={} IOP_APP_SECRET={}\n",
            sandbox.base_url(Flavour::Lazada),
            app.app_key,
            app.app_secret
        ));
        s.push_str(&format!(
            "  iop token create --code \"$(curl -s -X POST '{url}/_sandbox/code?client_id={}' | cut -d'\"' -f4)\"\n",
            app.app_key
        ));
    }
    s.push_str("\nCtrl-C stops it.\n");
    s
}
