//! Millisecond timestamps that never repeat within the process: the token service rejects a
//! repeated `encryption` (1001), so every request and every retry needs a new one.

use std::sync::atomic::{AtomicI64, Ordering};

use crate::client::now_ms;

static LAST: AtomicI64 = AtomicI64::new(0);

/// The current time in epoch milliseconds, or one more than the last value handed out if
/// that is not earlier: strictly increasing across all threads.
pub fn fresh_timestamp_ms() -> i64 {
    let now = now_ms();
    let mut last = LAST.load(Ordering::Relaxed);
    loop {
        let next = now.max(last + 1);
        match LAST.compare_exchange_weak(last, next, Ordering::AcqRel, Ordering::Relaxed) {
            Ok(_) => return next,
            Err(seen) => last = seen,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strictly_increasing_across_threads() {
        let threads: Vec<_> = (0..4)
            .map(|_| std::thread::spawn(|| (0..2000).map(|_| fresh_timestamp_ms()).collect::<Vec<_>>()))
            .collect();
        let mut all: Vec<i64> = threads.into_iter().flat_map(|t| t.join().unwrap()).collect();
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n, "a timestamp was handed out twice");
    }
}
