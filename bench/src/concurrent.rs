//! Many calls at once through one Rust client, timed as whole runs (calls per second) rather
//! than per call:
//!
//! - [`pool`]: 4,000 calls shared by N threads (1, 2, 4, 8) on one fresh `iop::Client`, and
//!   how many connections the canned server accepted during the run (read from its
//!   `GET /_bench/stats` before and after, over a connection of the reader's own);
//! - [`latency`]: against a server that answers each request 20 ms after reading it, 2,000
//!   calls through one client sequentially, from 16 threads, and as one batch
//!   ([`iop::Client::execute_all`]) at concurrency 16.
//!
//! Each writes its samples, one a line, to files under the raw directory for the report.

use std::fs;
use std::io;
use std::path::Path;
use std::thread;
use std::time::Instant;

use iop::batch::BatchItem;
use iop::{Client, Request};

use crate::floor::StatsReader;
use crate::workload;

/// Thread counts of the pool rows.
pub const POOL_THREADS: [usize; 4] = [1, 2, 4, 8];
/// Calls in each pool run, shared by its threads.
pub const POOL_CALLS: usize = 4_000;
/// Calls in each concurrent run against the latency-bound server.
pub const LATENCY_CALLS: usize = 2_000;
/// Threads, and the batch's concurrency, against the latency-bound server.
pub const LATENCY_CONCURRENCY: usize = 16;

/// The pool runs' samples file for `threads`: calls per second (`rate`) or connections opened
/// (`conns`).
pub fn pool_file(what: &str, threads: usize) -> String {
    format!("pool_{what}.{threads}.txt")
}

/// The latency runs' samples file of `lang` (`rust`, `c`) and `mode` (`sequential`,
/// `threads`, `batch`).
pub fn latency_file(lang: &str, mode: &str) -> String {
    format!("latency_{lang}_{mode}.txt")
}

/// `samples` pool runs for each thread count (interleaved, so that load from elsewhere falls
/// on all of them) against the plain canned server at `url`; writes [`pool_file`]s to `raw`.
pub fn pool(url: &str, raw: &Path, samples: usize) -> io::Result<()> {
    let mut stats = StatsReader::connect(url, None)?;
    let request = workload::token_request().map_err(io::Error::other)?;
    let mut rates = vec![Vec::new(); POOL_THREADS.len()];
    let mut conns = vec![Vec::new(); POOL_THREADS.len()];
    for _ in 0..samples {
        for (i, &n) in POOL_THREADS.iter().enumerate() {
            let before = stats.read()?.connections;
            // A fresh client each run: its pool starts empty, so every connection it needs is counted.
            let client = workload::client(url).map_err(io::Error::other)?;
            let start = Instant::now();
            spread(n, POOL_CALLS, |calls| sequential(&client, &request, calls))?;
            let rate = POOL_CALLS as f64 / start.elapsed().as_secs_f64();
            let after = stats.read()?.connections;
            drop(client);
            rates[i].push(rate);
            conns[i].push(after.saturating_sub(before) as f64);
        }
    }
    for (i, n) in POOL_THREADS.iter().enumerate() {
        let what = format!("threads: {n}, sharing one fresh Rust client, {POOL_CALLS} calls in all");
        write_samples(&raw.join(pool_file("rate", *n)), &format!("{what}: calls per second"), &rates[i])?;
        write_samples(
            &raw.join(pool_file("conns", *n)),
            &format!("{what}: connections the server accepted"),
            &conns[i],
        )?;
    }
    Ok(())
}

/// Against the latency-bound server at `url`, through one client: `sequential_calls` calls
/// one after another (one sample), then `samples` runs each of [`LATENCY_CALLS`] calls from
/// [`LATENCY_CONCURRENCY`] threads and as one batch at that concurrency (alternating which goes
/// first); writes [`latency_file`]s (`rust`) to `raw`.
pub fn latency(url: &str, raw: &Path, samples: usize, sequential_calls: usize) -> io::Result<()> {
    let client = workload::client(url).map_err(io::Error::other)?;
    let request = workload::token_request().map_err(io::Error::other)?;
    sequential(&client, &request, 1)?;

    let start = Instant::now();
    sequential(&client, &request, sequential_calls)?;
    let seq = sequential_calls as f64 / start.elapsed().as_secs_f64();

    let (mut threads, mut batch) = (Vec::new(), Vec::new());
    for s in 0..samples {
        let run_threads = || -> io::Result<f64> {
            let start = Instant::now();
            spread(LATENCY_CONCURRENCY, LATENCY_CALLS, |calls| sequential(&client, &request, calls))?;
            Ok(LATENCY_CALLS as f64 / start.elapsed().as_secs_f64())
        };
        let run_batch = || -> io::Result<f64> {
            let start = Instant::now();
            let items: Vec<BatchItem> = (0..LATENCY_CALLS)
                .map(|_| BatchItem { request: request.clone(), access_token: None, protocol: None })
                .collect();
            for outcome in client.execute_all(&items, LATENCY_CONCURRENCY) {
                check(outcome)?;
            }
            Ok(LATENCY_CALLS as f64 / start.elapsed().as_secs_f64())
        };
        if s % 2 == 0 {
            threads.push(run_threads()?);
            batch.push(run_batch()?);
        } else {
            batch.push(run_batch()?);
            threads.push(run_threads()?);
        }
    }
    let head = "Rust, one client, server answering each request 20 ms after reading it";
    write_samples(
        &raw.join(latency_file("rust", "sequential")),
        &format!("{head}: {sequential_calls} calls one after another, calls per second"),
        &[seq],
    )?;
    write_samples(
        &raw.join(latency_file("rust", "threads")),
        &format!("{head}: {LATENCY_CALLS} calls from {LATENCY_CONCURRENCY} threads, calls per second"),
        &threads,
    )?;
    write_samples(
        &raw.join(latency_file("rust", "batch")),
        &format!(
            "{head}: Client::execute_all of {LATENCY_CALLS} at concurrency {LATENCY_CONCURRENCY}, calls per second"
        ),
        &batch,
    )
}

/// `calls` calls one after another, each of which must succeed.
fn sequential(client: &Client, request: &Request, calls: usize) -> io::Result<()> {
    for _ in 0..calls {
        check(client.execute(request, None, None))?;
    }
    Ok(())
}

fn check(outcome: iop::Result<iop::Response>) -> io::Result<()> {
    match outcome {
        Ok(r) if r.is_success() => Ok(()),
        Ok(r) => Err(io::Error::other(format!("not a success: code {:?}", r.code()))),
        Err(e) => Err(io::Error::other(e)),
    }
}

/// Runs `work(share)` on `threads` threads at once, the shares adding up to `total`; the first
/// error, if any.
fn spread(threads: usize, total: usize, work: impl Fn(usize) -> io::Result<()> + Sync) -> io::Result<()> {
    thread::scope(|s| {
        let work = &work;
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let share = total / threads + usize::from(t < total % threads);
                s.spawn(move || work(share))
            })
            .collect();
        handles.into_iter().try_for_each(|h| h.join().unwrap_or_else(|_| Err(io::Error::other("a thread panicked"))))
    })
}

fn write_samples(path: &Path, header: &str, samples: &[f64]) -> io::Result<()> {
    let mut text = format!("# {header}\n");
    for s in samples {
        text.push_str(&format!("{s:.3}\n"));
    }
    fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canned::{CannedServer, ServerOptions};
    use crate::sources;

    #[test]
    fn runs_write_their_files() {
        let dir = std::env::temp_dir().join(format!("iop-bench-concurrent-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let server = CannedServer::start(0).unwrap();
        pool(&server.base_url(), &dir, 1).unwrap();
        for n in POOL_THREADS {
            assert_eq!(sources::line_samples(&dir.join(pool_file("rate", n))).unwrap().len(), 1);
            let conns = sources::line_samples(&dir.join(pool_file("conns", n))).unwrap();
            assert!(conns[0] >= 1.0, "{conns:?}");
        }
        let options = ServerOptions { delay: std::time::Duration::from_millis(1), ..Default::default() };
        let slow = CannedServer::start_with(0, options).unwrap();
        latency(&slow.base_url(), &dir, 1, 10).unwrap();
        for mode in ["sequential", "threads", "batch"] {
            assert_eq!(sources::line_samples(&dir.join(latency_file("rust", mode))).unwrap().len(), 1);
        }
        assert_eq!(slow.counters().requests() as usize, 1 + 10 + 2 * LATENCY_CALLS);
        let _ = fs::remove_dir_all(dir);
    }
}
