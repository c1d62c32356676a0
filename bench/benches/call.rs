//! One call over loopback to the canned-response server: through the Rust API and through the
//! floor client (replaying the bytes iopkit sent, nothing else), then one client shared by 1, 2 and 4
//! threads. The server is the one at `IOP_BENCH_URL` (so that every layer, C ABI and bindings
//! included, talks to the same process), or one started in this process when it is unset.
//!
//! The same call over HTTPS (group `tls`): the Rust API with the run's CA as its only trusted
//! root, next to the floor client over one rustls session. The server is the one at
//! `IOP_BENCH_TLS_URL`, whose CA certificate is in the PEM file at `IOP_BENCH_CA`, or one
//! started in this process (with a fresh CA) when they are unset.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use iop_bench::canned::{CannedServer, ServerOptions};
use iop_bench::floor::FloorClient;
use iop_bench::report::THREADS;
use iop_bench::tls::BenchPki;
use iop_bench::workload;

fn calls(c: &mut Criterion) {
    let (_local, url) = server();
    let client = workload::client(&url).expect("client");
    let request = workload::token_request().expect("request");
    assert!(
        client.execute(&request, None, None).expect("execute").is_success(),
        "the canned server must answer a success"
    );

    let mut group = c.benchmark_group("call");
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("rust_api", |b| b.iter(|| black_box(client.execute(&request, None, None).expect("execute"))));
    let mut floor_client = FloorClient::replaying(&url).expect("floor client");
    group.bench_function("floor_client", |b| b.iter(|| black_box(floor_client.call().expect("floor call"))));
    group.finish();

    let mut group = c.benchmark_group("threads");
    group.sampling_mode(SamplingMode::Flat);
    for n in THREADS {
        // One iteration = one call on each of the n threads, all on the one shared client.
        group.throughput(Throughput::Elements(u64::from(n)));
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
            b.iter_custom(|iters| {
                let start = Instant::now();
                std::thread::scope(|s| {
                    for _ in 0..n {
                        s.spawn(|| {
                            for _ in 0..iters {
                                black_box(client.execute(&request, None, None).expect("execute"));
                            }
                        });
                    }
                });
                start.elapsed()
            })
        });
    }
    group.finish();
}

fn tls_calls(c: &mut Criterion) {
    let (_local, url, ca_pem) = tls_server();
    let client = workload::tls_client(&url, &ca_pem).expect("TLS client");
    let request = workload::token_request().expect("request");
    assert!(
        client.execute(&request, None, None).expect("execute over TLS").is_success(),
        "the TLS canned server must answer a success"
    );
    let mut group = c.benchmark_group("tls");
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("rust_api", |b| b.iter(|| black_box(client.execute(&request, None, None).expect("execute"))));
    let mut floor_client = FloorClient::replaying_tls(&url, &ca_pem).expect("TLS floor client");
    group.bench_function("floor_client", |b| b.iter(|| black_box(floor_client.call().expect("floor call"))));
    group.finish();
}

/// The TLS server's URL and CA (PEM), and the server itself when it runs in this process.
fn tls_server() -> (Option<CannedServer>, String, Vec<u8>) {
    match (std::env::var(workload::TLS_URL_VAR), std::env::var(workload::CA_VAR)) {
        (Ok(url), Ok(ca)) if !url.is_empty() && !ca.is_empty() => {
            let pem = std::fs::read(&ca).unwrap_or_else(|e| panic!("{}={ca}: {e}", workload::CA_VAR));
            (None, url, pem)
        }
        _ => {
            let pki = BenchPki::generate().expect("CA and certificate");
            let options = ServerOptions { tls: Some(pki.server_config().expect("TLS config")), ..Default::default() };
            let server = CannedServer::start_with(0, options).expect("TLS canned server");
            let url = server.base_url();
            (Some(server), url, pki.ca_pem().as_bytes().to_vec())
        }
    }
}

/// The server's URL, and the server itself when it runs in this process.
fn server() -> (Option<CannedServer>, String) {
    match std::env::var(workload::URL_VAR) {
        Ok(url) if !url.is_empty() => (None, url),
        _ => {
            let server = CannedServer::start(0).expect("canned server");
            let url = server.base_url();
            (Some(server), url)
        }
    }
}

/// Short runs: `IOP_BENCH_QUICK=1` shortens them further (see `scripts/bench --quick`).
fn config() -> Criterion {
    let quick = std::env::var_os("IOP_BENCH_QUICK").is_some();
    Criterion::default()
        .sample_size(if quick { 10 } else { 30 })
        .warm_up_time(Duration::from_millis(if quick { 300 } else { 1000 }))
        .measurement_time(Duration::from_millis(if quick { 1000 } else { 5000 }))
        .without_plots()
}

criterion_group! { name = benches; config = config(); targets = calls, tls_calls }
criterion_main!(benches);
