//! Time: the real wall clock (for the timestamp window) and a virtual clock (for expiries).

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The real wall clock in UTC epoch milliseconds.
pub(crate) fn real_now_ms() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

/// The virtual clock: real time plus an offset that tests advance.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    /// Virtual now, UTC epoch milliseconds.
    pub(crate) fn now_ms(&self) -> i64 {
        real_now_ms().saturating_add(self.offset_ms.load(Ordering::SeqCst))
    }

    /// Moves the virtual clock by `secs` (negative goes back); returns the new virtual now.
    pub(crate) fn advance(&self, secs: i64) -> i64 {
        self.advance_ms(secs.saturating_mul(1000))
    }

    /// Moves the virtual clock by `delta` milliseconds; returns the new virtual now.
    pub(crate) fn advance_ms(&self, delta: i64) -> i64 {
        // fetch_update never fails with a closure that always returns Some.
        let _ = self.offset_ms.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |o| Some(o.saturating_add(delta)));
        self.now_ms()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_moves_virtual_time_only() {
        let c = Clock::default();
        let before = c.now_ms();
        assert!((before - real_now_ms()).abs() < 1000);
        let after = c.advance(86_400);
        assert!(after - before >= 86_400_000 && after - before < 86_401_000);
        assert!((real_now_ms() - before).abs() < 1000);
        c.advance(-86_400);
        assert!((c.now_ms() - real_now_ms()).abs() < 1000);
        c.advance(i64::MAX);
        assert!(c.now_ms() > 0, "saturates instead of overflowing");
    }
}
