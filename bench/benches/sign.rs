//! Signing: building and signing a token request, next to HMAC-SHA256 alone (its floor).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use hmac::{Hmac, Mac};
use iop::client::now_ms;
use iop_bench::workload;
use sha2::Sha256;

fn signing(c: &mut Criterion) {
    // No request is sent: the URL only has to be valid.
    let client = workload::client("https://auth.lazada.com/rest").expect("client");
    let mut group = c.benchmark_group("sign");
    group.bench_function("build_and_sign_token_request", |b| {
        b.iter(|| {
            let request = workload::token_request().expect("request");
            black_box(client.sign(&request, None, None, now_ms()).expect("sign"))
        })
    });
    let sign_string = client.sign(&workload::token_request().expect("request"), None, None, now_ms()).expect("sign");
    let (secret, text) = (workload::APP_SECRET.as_bytes(), sign_string.sign_string.as_bytes());
    group.bench_function("hmac_sha256", |b| {
        b.iter(|| {
            let mut mac = Hmac::<Sha256>::new_from_slice(black_box(secret)).expect("any key length");
            mac.update(black_box(text));
            black_box(mac.finalize().into_bytes())
        })
    });
    group.finish();
}

/// Short runs: `IOP_BENCH_QUICK=1` shortens them further (see `scripts/bench --quick`).
fn config() -> Criterion {
    let quick = std::env::var_os("IOP_BENCH_QUICK").is_some();
    Criterion::default()
        .sample_size(if quick { 20 } else { 50 })
        .warm_up_time(Duration::from_millis(if quick { 300 } else { 1000 }))
        .measurement_time(Duration::from_millis(if quick { 1000 } else { 4000 }))
        .without_plots()
}

criterion_group! { name = benches; config = config(); targets = signing }
criterion_main!(benches);
