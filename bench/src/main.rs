//! `iop-bench`: the canned-response server the call benchmarks use, and the report table.

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use iop_bench::canned::CannedServer;
use iop_bench::report;

const USAGE: &str = "\
Usage: iop-bench serve [--port PORT]
       iop-bench report [DIR]

serve   runs the canned-response server on 127.0.0.1 (PORT 0, the default, picks a free one).
        The first line printed is `iop-bench serving http://127.0.0.1:PORT/rest`. It stops when
        standard input closes and then prints, on standard error, the connections and requests seen.
report  prints the benchmark table from what the harnesses left in DIR (default target/bench);
        exits 1 when a figure is missing.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["serve"] => serve(0),
        ["serve", "--port", port] => match port.parse() {
            Ok(port) => serve(port),
            Err(_) => usage(),
        },
        ["report"] => print_report(PathBuf::from("target/bench")),
        ["report", dir] => print_report(PathBuf::from(dir)),
        _ => usage(),
    }
}

fn usage() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}

fn serve(port: u16) -> ExitCode {
    let server = match CannedServer::start(port) {
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
