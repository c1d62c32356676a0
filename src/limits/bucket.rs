//! Token-bucket arithmetic (the memory backend's; the Redis script does the same in Lua).

use super::backend::Budget;

/// Tokens a bucket held at a time; it refills continuously up to its burst.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Bucket {
    tokens: f64,
    at_ms: i64,
}

impl Bucket {
    /// A full bucket at `now_ms`.
    pub fn full(budget: Budget, now_ms: i64) -> Bucket {
        Bucket { tokens: f64::from(budget.burst), at_ms: now_ms }
    }

    /// Tokens available at `now_ms` (a clock going back refills nothing).
    pub fn level(&self, budget: Budget, now_ms: i64) -> f64 {
        let refill = (now_ms - self.at_ms).max(0) as f64 * budget.rate_per_second / 1000.0;
        (self.tokens + refill).min(f64::from(budget.burst))
    }

    /// Milliseconds until a bucket at `level` holds one token (0 when it does).
    pub fn wait_ms(level: f64, budget: Budget) -> i64 {
        if level >= 1.0 { 0 } else { ((1.0 - level) * 1000.0 / budget.rate_per_second).ceil().max(1.0) as i64 }
    }

    /// Takes one token at `now_ms` from a bucket at `level` (≥ 1).
    pub fn take(&mut self, level: f64, now_ms: i64) {
        self.tokens = level - 1.0;
        self.at_ms = now_ms;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refills_up_to_burst_and_says_the_wait() {
        let budget = Budget { rate_per_second: 50.0, burst: 2 };
        let mut b = Bucket::full(budget, 1000);
        for _ in 0..2 {
            let level = b.level(budget, 1000);
            assert!(level >= 1.0);
            b.take(level, 1000);
        }
        let level = b.level(budget, 1000);
        assert_eq!(level, 0.0);
        assert_eq!(Bucket::wait_ms(level, budget), 20);
        assert_eq!(Bucket::wait_ms(b.level(budget, 1010), budget), 10);
        assert_eq!(b.level(budget, 1020), 1.0);
        assert_eq!(b.level(budget, 9_999_999), 2.0);
        assert_eq!(b.level(budget, 0), 0.0, "a clock going back refills nothing");
    }
}
