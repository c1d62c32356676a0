//! One call over loopback to the canned-response server: through the Rust API and through the
//! floor client (replaying the bytes iopkit sent, nothing else), then one client shared by 1, 2 and 4
//! threads. The server is the one at `IOP_BENCH_URL` (so that every layer, C ABI and bindings
//! included, talks to the same process), or one started in this process when it is unset.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use iop_bench::canned::CannedServer;
use iop_bench::floor::FloorClient;
use iop_bench::report::THREADS;
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

criterion_group! { name = benches; config = config(); targets = calls }
criterion_main!(benches);
