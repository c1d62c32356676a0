//! `iop-sandbox`: runs the IOP sandbox gateway on loopback until killed (or until its stdin
//! closes, with `--exit-on-eof`).

use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use iop_sandbox::{Config, Flavour, Sandbox};

const USAGE: &str = "\
Usage: iop-sandbox [--host 127.0.0.1] [--port 0] [--config FILE] [--doc-samples] [--exit-on-eof]

Runs a local Alibaba IOP gateway (Lazada, AliExpress, Taobao TW) for tests.

Options:
  --host HOST      loopback address to listen on (127.0.0.1, ::1 or localhost) [127.0.0.1]
  --port PORT      port, 0 for an ephemeral one [0]
  --config FILE    JSON config: {\"apps\":[{\"app_key\":…,\"app_secret\":…,\"access_ttl_secs\":…,
                   \"refresh_ttl_secs\":…,\"can_refresh\":true}],\"code_ttl_secs\":1800,\"clock_skew_secs\":0}
  --doc-samples    also accept, for app 100001, the literal code and refresh tokens of the
                   platforms' documented examples, and the EnOS sample's access token
                   (so the official snippets run unchanged)
  --exit-on-eof    exit when standard input closes (for test harnesses)
  -h, --help       show this help

The first line printed is always `iop-sandbox listening on http://HOST:PORT`.";

/// Parsed command line.
struct Args {
    host: IpAddr,
    port: u16,
    config: Option<String>,
    doc_samples: bool,
    exit_on_eof: bool,
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut args =
        Args { host: IpAddr::V4(Ipv4Addr::LOCALHOST), port: 0, config: None, doc_samples: false, exit_on_eof: false };
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--host" => {
                let v = value("--host")?;
                let ip = if v == "localhost" {
                    IpAddr::V4(Ipv4Addr::LOCALHOST)
                } else {
                    v.parse().map_err(|_| format!("--host: not an IP address: {v}"))?
                };
                if !ip.is_loopback() {
                    return Err(format!("--host: refusing non-loopback address {ip}"));
                }
                args.host = ip;
            }
            "--port" => {
                let v = value("--port")?;
                args.port = v.parse().map_err(|_| format!("--port: not a port number: {v}"))?;
            }
            "--config" => args.config = Some(value("--config")?),
            "--doc-samples" => args.doc_samples = true,
            "--exit-on-eof" => args.exit_on_eof = true,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Some(args))
}

fn load_config(path: Option<&str>) -> Result<Config, String> {
    match path {
        None => Ok(Config::default()),
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| format!("--config {p}: {e}"))?;
            Config::from_json(&text).map_err(|e| format!("--config {p}: {e}"))
        }
    }
}

fn banner(sandbox: &Sandbox) -> String {
    let mut s = format!("iop-sandbox listening on {}\n", sandbox.url());
    s.push_str("apps (app key; app secret; refreshable):\n");
    for app in sandbox.apps() {
        s.push_str(&format!("  {}; {}; {}\n", app.app_key, app.app_secret, app.can_refresh));
    }
    for f in Flavour::ALL {
        s.push_str(&format!("{:<11} GOP base URL  {}\n", f.name(), sandbox.base_url(f)));
    }
    s.push_str(&format!("{:<11} TOP URL       {}\n", "aliexpress", sandbox.sync_url()));
    s.push_str(&format!(
        "authorize: {}?response_type=code&force_auth=true&redirect_uri=URL&client_id=APP_KEY&state=S\n",
        sandbox.authorize_url(Flavour::Lazada)
    ));
    for app in sandbox.enos_apps() {
        s.push_str(&format!(
            "enos       gateway URL   {} (app key; app secret: {}; {})\n",
            sandbox.url(),
            app.app_key,
            app.app_secret
        ));
    }
    s.push_str(&format!(
        "control: POST {0}/_sandbox/clock/advance?seconds=N, POST {0}/_sandbox/code?client_id=APP_KEY, GET {0}/_sandbox/health\n",
        sandbox.url()
    ));
    s.push_str(&format!(
        "faults:  header X-Sandbox-Fault: SPEC, or POST {0}/_sandbox/faults?route=/seller/get&mode=SPEC&count=N \
         (SPEC: latency;ms=N stall-head stall-headers stall-body http-502 truncated invalid-json oversized reset \
         drip;ms=N throttle;seconds=N), GET {0}/_sandbox/faults, POST {0}/_sandbox/faults/reset\n",
        sandbox.url()
    ));
    s.push_str(&format!(
        "push:    POST {0}/_sandbox/push/register?url=http://127.0.0.1:PORT/PATH&app_key=APP_KEY, \
         POST {0}/_sandbox/push/order?seller_id=ID, POST {0}/_sandbox/push/faults?mode=bad-signature&count=N, \
         POST {0}/_sandbox/push/flush, GET {0}/_sandbox/push/log\n",
        sandbox.url()
    ));
    s
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("iop-sandbox: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let config = match load_config(args.config.as_deref()) {
        Ok(c) if args.doc_samples => c.with_doc_samples(),
        Ok(c) => c,
        Err(e) => {
            eprintln!("iop-sandbox: {e}");
            return ExitCode::from(2);
        }
    };
    let sandbox = match Sandbox::bind(SocketAddr::new(args.host, args.port), config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("iop-sandbox: cannot listen on {}:{}: {e}", args.host, args.port);
            return ExitCode::FAILURE;
        }
    };
    let mut out = io::stdout().lock();
    let _ = out.write_all(banner(&sandbox).as_bytes()).and_then(|_| out.flush());
    drop(out);
    if args.exit_on_eof {
        let mut sink = [0u8; 4096];
        let mut stdin = io::stdin().lock();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
        drop(sandbox);
        ExitCode::SUCCESS
    } else {
        loop {
            std::thread::park();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(a: &[&str]) -> Result<Option<Args>, String> {
        parse_args(a.iter().map(|s| s.to_string()))
    }

    #[test]
    fn arguments() {
        let a = parse(&["--host", "::1", "--port", "8080", "--exit-on-eof", "--config", "c.json"]).unwrap().unwrap();
        assert_eq!(a.host, "::1".parse::<IpAddr>().unwrap());
        assert_eq!(a.port, 8080);
        assert!(a.exit_on_eof);
        assert_eq!(a.config.as_deref(), Some("c.json"));
        assert!(parse(&["--help"]).unwrap().is_none());
        assert!(parse(&["--host", "0.0.0.0"]).is_err());
        assert!(parse(&["--host", "192.168.1.1"]).is_err());
        assert!(parse(&["--port", "70000"]).is_err());
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--bogus"]).is_err());
        assert_eq!(parse(&["--host", "localhost"]).unwrap().unwrap().host, IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
}
