//! `iop-sandbox`: runs the IOP sandbox gateway on loopback until killed (or until its stdin
//! closes, with `--exit-on-eof`).

use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use iop_sandbox::{Config, Flavour, Rate, Sandbox};

const USAGE: &str = "\
Usage: iop-sandbox [--host 127.0.0.1] [--port 0] [--config FILE] [--doc-samples] [--exit-on-eof]
                   [--app-limit RATE[:BURST]] [--api-limit NAME=RATE[:BURST]]... [--daily-quota N]
                   [--api-error-status STATUS]

Runs a local Alibaba IOP gateway (Lazada, AliExpress, Taobao TW) for tests.

Options:
  --host HOST      loopback address to listen on (127.0.0.1, ::1 or localhost) [127.0.0.1]
  --port PORT      port, 0 for an ephemeral one [0]
  --config FILE    JSON config: {\"apps\":[{\"app_key\":…,\"app_secret\":…,\"access_ttl_secs\":…,
                   \"refresh_ttl_secs\":…,\"can_refresh\":true}],\"code_ttl_secs\":1800,\"clock_skew_secs\":0,
                   \"limits\":{\"app\":{\"rate\":50,\"burst\":50},\"apis\":{…},\"daily\":N},\"api_error_status\":200}
  --doc-samples    also accept, for app 100001, the literal code and refresh tokens of the
                   platforms' documented examples, and the EnOS sample's access token
                   (so the official snippets run unchanged)
  --exit-on-eof    exit when standard input closes (for test harnesses)
  --app-limit RATE[:BURST]
                   throttle each app to RATE calls/s, BURST at once [BURST = RATE]
                   (AppCallLimit; TOP: code 7)
  --api-limit NAME=RATE[:BURST]
                   throttle each app's calls to API NAME (a GOP path or TOP method) to RATE
                   calls/s (ApiCallLimit); repeatable
  --daily-quota N  allow each app N calls per day, the day ending at midnight GMT+8 on the
                   virtual clock (AppCallLimit, accesscontrol.limited-by-app-access-count)
  --api-error-status STATUS
                   HTTP status of API errors other than the OAuth calls' (which are 400):
                   200 as the platforms answer, or 400..599 [200]
  (these override the config file's \"limits\" and \"api_error_status\")
  -h, --help       show this help

The first line printed is always `iop-sandbox listening on http://HOST:PORT`.";

/// Parsed command line.
struct Args {
    host: IpAddr,
    port: u16,
    config: Option<String>,
    doc_samples: bool,
    exit_on_eof: bool,
    app_limit: Option<Rate>,
    api_limits: Vec<(String, Rate)>,
    daily_quota: Option<u64>,
    api_error_status: Option<u16>,
}

/// `RATE[:BURST]`.
fn parse_rate(flag: &str, v: &str) -> Result<Rate, String> {
    let bad = || format!("{flag}: expected RATE[:BURST] with whole numbers, got {v}");
    let (rate, burst) = match v.split_once(':') {
        Some((r, b)) => (r, Some(b.parse::<u32>().map_err(|_| bad())?)),
        None => (v, None),
    };
    Ok(Rate { rate: rate.parse().map_err(|_| bad())?, burst, ban_secs: 0 })
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut args = Args {
        host: IpAddr::V4(Ipv4Addr::LOCALHOST),
        port: 0,
        config: None,
        doc_samples: false,
        exit_on_eof: false,
        app_limit: None,
        api_limits: Vec::new(),
        daily_quota: None,
        api_error_status: None,
    };
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
            "--app-limit" => args.app_limit = Some(parse_rate("--app-limit", &value("--app-limit")?)?),
            "--api-limit" => {
                let v = value("--api-limit")?;
                let (name, rate) =
                    v.rsplit_once('=').ok_or_else(|| format!("--api-limit: expected NAME=RATE[:BURST], got {v}"))?;
                args.api_limits.push((name.to_owned(), parse_rate("--api-limit", rate)?));
            }
            "--daily-quota" => {
                let v = value("--daily-quota")?;
                args.daily_quota = Some(v.parse().map_err(|_| format!("--daily-quota: not a number: {v}"))?);
            }
            "--api-error-status" => {
                let v = value("--api-error-status")?;
                args.api_error_status = Some(v.parse().map_err(|_| format!("--api-error-status: not a status: {v}"))?);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Some(args))
}

fn load_config(args: &Args) -> Result<Config, String> {
    let mut config = match args.config.as_deref() {
        None => Config::default(),
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| format!("--config {p}: {e}"))?;
            Config::from_json(&text).map_err(|e| format!("--config {p}: {e}"))?
        }
    };
    if args.doc_samples {
        config = config.with_doc_samples();
    }
    if let Some(rate) = args.app_limit {
        config.limits.app = Some(rate);
    }
    for (name, rate) in &args.api_limits {
        config.limits.apis.insert(name.clone(), *rate);
    }
    if let Some(quota) = args.daily_quota {
        config.limits.daily = Some(quota);
    }
    if let Some(status) = args.api_error_status {
        config.api_error_status = status;
    }
    config.validate().map_err(|e| e.to_string())?;
    Ok(config)
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
        "limits:  GET|POST {0}/_sandbox/limits (JSON body {{\"app\":{{\"rate\":N,\"burst\":N}},\"apis\":{{NAME:{{\"rate\":N}}}},\"daily\":N}}), \
         POST {0}/_sandbox/limits/ban?app_key=APP&api=NAME&seconds=N, POST {0}/_sandbox/limits/reset, \
         GET {0}/_sandbox/requests?after=SEQ (request log), POST {0}/_sandbox/settings?api_error_status=N\n",
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
    let config = match load_config(&args) {
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

    #[test]
    fn limit_flags() {
        let a = parse(&[
            "--app-limit",
            "50:60",
            "--api-limit",
            "/seller/get=5",
            "--api-limit",
            "a.b.c=2:4",
            "--daily-quota",
            "1000",
            "--api-error-status",
            "400",
        ])
        .unwrap()
        .unwrap();
        let config = load_config(&a).unwrap();
        assert_eq!(config.limits.app, Some(Rate { rate: 50, burst: Some(60), ban_secs: 0 }));
        assert_eq!(config.limits.apis["/seller/get"], Rate::per_second(5));
        assert_eq!(config.limits.apis["a.b.c"], Rate { rate: 2, burst: Some(4), ban_secs: 0 });
        assert_eq!((config.limits.daily, config.api_error_status), (Some(1000), 400));
        for bad in [
            &["--app-limit", "x"][..],
            &["--app-limit", "5:"],
            &["--api-limit", "5"],
            &["--daily-quota", "-1"],
            &["--api-error-status", "ok"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        let zero = parse(&["--app-limit", "0"]).unwrap().unwrap();
        assert!(load_config(&zero).is_err(), "validated like the config file");
        let status = parse(&["--api-error-status", "302"]).unwrap().unwrap();
        assert!(load_config(&status).is_err());
    }
}
