//! `iop-bench`: the canned-response server the call benchmarks use, the runs of many calls at
//! once through one Rust client, and the report table.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use iop_bench::canned::{CannedServer, ServerOptions};
use iop_bench::tls::BenchPki;
use iop_bench::{concurrent, report};

const USAGE: &str = "\
Usage: iop-bench serve [--port PORT] [--delay-ms MS] [--tls CA_PEM_OUT]
       iop-bench pool URL RAW_DIR
       iop-bench latency URL RAW_DIR
       iop-bench report [DIR]

serve    runs the canned-response server on 127.0.0.1 (PORT 0, the default, picks a free one).
         --delay-ms: each response is written MS milliseconds after its request was read.
         --tls: serves HTTPS with a CA and a leaf certificate for 127.0.0.1 made at start, and
         writes the CA certificate (PEM) to CA_PEM_OUT for clients to trust.
         The first line printed is `iop-bench serving http[s]://127.0.0.1:PORT/rest`. It stops
         when standard input closes and then prints, on standard error, the connections and
         requests seen.
pool     4,000 calls shared by 1, 2, 4 and 8 threads on one fresh Rust client, against the
         plain canned server at URL, with the connections it accepted meanwhile; writes
         pool_{rate,conns}.N.txt to RAW_DIR. IOP_BENCH_POOL_SAMPLES runs of each (default 10;
         3 with IOP_BENCH_QUICK).
latency  against a canned server started with --delay-ms at URL, through one Rust client:
         IOP_BENCH_LATENCY_SEQ_CALLS sequential calls (default 2000; 200 with IOP_BENCH_QUICK),
         then IOP_BENCH_LATENCY_SAMPLES runs (default 3; 2 quick) of 2,000 calls from 16
         threads and as one batch at concurrency 16; writes latency_rust_*.txt to RAW_DIR.
report   prints the benchmark table from what the harnesses left in DIR (default target/bench);
         exits 1 when a figure is missing.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["serve", options @ ..] => match serve_options(options) {
            Some((port, delay, ca_out)) => serve(port, delay, ca_out),
            None => usage(),
        },
        ["pool", url, raw] => {
            run("pool", concurrent::pool(url, Path::new(raw), env_count("IOP_BENCH_POOL_SAMPLES", 10, 3)))
        }
        ["latency", url, raw] => run(
            "latency",
            concurrent::latency(
                url,
                Path::new(raw),
                env_count("IOP_BENCH_LATENCY_SAMPLES", 3, 2),
                env_count("IOP_BENCH_LATENCY_SEQ_CALLS", 2000, 200),
            ),
        ),
        ["report"] => print_report(PathBuf::from("target/bench")),
        ["report", dir] => print_report(PathBuf::from(dir)),
        _ => usage(),
    }
}

fn usage() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}

/// `--port`, `--delay-ms` and `--tls`, each at most once, in any order.
fn serve_options(mut args: &[&str]) -> Option<(u16, Duration, Option<PathBuf>)> {
    let (mut port, mut delay, mut ca_out) = (None, None, None);
    while let [flag, value, rest @ ..] = args {
        match *flag {
            "--port" if port.is_none() => port = Some(value.parse().ok()?),
            "--delay-ms" if delay.is_none() => delay = Some(Duration::from_millis(value.parse().ok()?)),
            "--tls" if ca_out.is_none() => ca_out = Some(PathBuf::from(value)),
            _ => return None,
        }
        args = rest;
    }
    args.is_empty().then(|| (port.unwrap_or(0), delay.unwrap_or_default(), ca_out))
}

/// A positive count from the environment, or its default (the quick one with `IOP_BENCH_QUICK`).
fn env_count(name: &str, default: usize, quick: usize) -> usize {
    match std::env::var(name).ok().and_then(|v| v.parse().ok()) {
        Some(n) if n > 0 => n,
        _ if std::env::var_os("IOP_BENCH_QUICK").is_some() => quick,
        _ => default,
    }
}

fn run(what: &str, outcome: io::Result<()>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("iop-bench {what}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn serve(port: u16, delay: Duration, ca_out: Option<PathBuf>) -> ExitCode {
    let mut options = ServerOptions { tls: None, delay };
    if let Some(path) = &ca_out {
        let made = BenchPki::generate().and_then(|pki| {
            std::fs::write(path, pki.ca_pem())?;
            pki.server_config()
        });
        match made {
            Ok(config) => options.tls = Some(config),
            Err(e) => {
                eprintln!("iop-bench: cannot set up TLS (CA PEM to {}): {e}", path.display());
                return ExitCode::FAILURE;
            }
        }
    }
    let server = match CannedServer::start_with(port, options) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("iop-bench: cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("iop-bench serving {}", server.base_url());
    let _ = io::stdout().flush();
    let _ = io::stdin().read_to_end(&mut Vec::new());
    let c = server.counters();
    eprintln!("iop-bench: served {} requests on {} connections", c.requests(), c.connections());
    ExitCode::SUCCESS
}

fn print_report(dir: PathBuf) -> ExitCode {
    let report = report::build(&dir);
    print!("{}", report.markdown);
    if report.missing.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
