//! The retry policy, in one place.
//!
//! A call is sent again automatically only when it provably never reached the server: the
//! connection could not be made ([`ErrorKind::Connect`]: name lookup failed, connection
//! refused or unreachable, no request byte written). Then it is re-signed with a fresh timestamp
//! and re-sent at most [`ClientConfig::max_connect_retries`] times, after a capped exponential
//! backoff with jitter. Nothing else is ever retried: not a timeout, not a reset or a closed
//! connection, not a bad or partial answer, not an HTTP or platform error (throttling included:
//! see [`crate::Error::retry_after`]). So a token create (the code is single-use) or refresh (the
//! refresh token rotates) is never sent twice once it may have arrived.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use crate::config::ClientConfig;
use crate::error::{ErrorKind, Result};
use crate::events::call::CallLog;

/// The wait before the first retry; each further retry doubles it, up to the configured cap.
pub const INITIAL_BACKOFF: Duration = Duration::from_millis(100);

/// Runs `attempt` (which must sign afresh each time) under the policy of `config`, reporting
/// each attempt and retry to `log` (`call.start`, `call.retry`).
pub(crate) fn run<T>(config: &ClientConfig, log: &mut CallLog<'_>, attempt: impl FnMut() -> Result<T>) -> Result<T> {
    run_with(config.max_connect_retries, config.retry_backoff_max, std::thread::sleep, Some(log), attempt)
}

fn run_with<T>(
    retries: u32,
    cap: Duration,
    mut sleep: impl FnMut(Duration),
    mut log: Option<&mut CallLog<'_>>,
    mut attempt: impl FnMut() -> Result<T>,
) -> Result<T> {
    let mut done = 0;
    loop {
        if let Some(log) = log.as_deref_mut() {
            log.attempt();
        }
        match attempt() {
            Err(e) if e.kind() == ErrorKind::Connect && done < retries => {
                let delay = backoff(done, cap);
                if let Some(log) = log.as_deref() {
                    log.retry(&e, delay);
                }
                sleep(delay);
                done += 1;
            }
            Err(e) if done > 0 => return Err(e.with_note(&format!("{} attempts", done + 1))),
            result => return result,
        }
    }
}

/// The wait before retry `n` (0 for the first): `d = min(cap, 100 ms × 2^n)`, then a random
/// point in `[d/2, d]` so that clients failing together do not retry together.
pub fn backoff(n: u32, cap: Duration) -> Duration {
    let full = INITIAL_BACKOFF.saturating_mul(1u32.checked_shl(n).unwrap_or(u32::MAX)).min(cap);
    let half = full / 2;
    let jitter_nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
    let r = if jitter_nanos == 0 { 0 } else { random_u64() % (jitter_nanos + 1) };
    half + Duration::from_nanos(r)
}

/// 64 random bits from std's randomly keyed hasher (no dependency needed for jitter).
fn random_u64() -> u64 {
    let mut h = RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn outcome(retries: u32, failures: &[ErrorKind]) -> (Result<u32>, u32, Vec<Duration>) {
        let mut calls = 0;
        let mut sleeps = Vec::new();
        let result = run_with(
            retries,
            Duration::from_secs(1),
            |d| sleeps.push(d),
            None,
            || {
                calls += 1;
                match failures.get(calls as usize - 1) {
                    Some(kind) => Err(Error::new(*kind, "failed")),
                    None => Ok(calls),
                }
            },
        );
        (result, calls, sleeps)
    }

    #[test]
    fn connect_failures_are_retried_up_to_the_limit() {
        let (result, calls, sleeps) = outcome(2, &[ErrorKind::Connect, ErrorKind::Connect]);
        assert_eq!((result.unwrap(), calls, sleeps.len()), (3, 3, 2));
        let (result, calls, _) = outcome(2, &[ErrorKind::Connect; 5]);
        let e = result.unwrap_err();
        assert_eq!((e.kind(), calls), (ErrorKind::Connect, 3));
        assert!(e.message().ends_with("(3 attempts)"), "{e}");
        let (result, calls, sleeps) = outcome(0, &[ErrorKind::Connect]);
        assert_eq!((result.unwrap_err().message(), calls, sleeps.len()), ("failed", 1, 0));
    }

    #[test]
    fn nothing_else_is_ever_retried() {
        for kind in [
            ErrorKind::Network,
            ErrorKind::Timeout,
            ErrorKind::Tls,
            ErrorKind::Http,
            ErrorKind::MalformedResponse,
            ErrorKind::Platform,
            ErrorKind::InvalidArgument,
            ErrorKind::Internal,
        ] {
            let (result, calls, sleeps) = outcome(5, &[kind]);
            assert_eq!((result.unwrap_err().kind(), calls, sleeps.len()), (kind, 1, 0), "{kind:?}");
        }
        // A connect failure, then a failure after the request may have arrived: stop there.
        let (result, calls, _) = outcome(5, &[ErrorKind::Connect, ErrorKind::Timeout, ErrorKind::Connect]);
        let e = result.unwrap_err();
        assert_eq!((e.kind(), calls), (ErrorKind::Timeout, 2));
        assert!(e.message().ends_with("(2 attempts)"), "{e}");
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_cap() {
        let ms = Duration::from_millis;
        for _ in 0..200 {
            let b = |n| backoff(n, Duration::from_secs(1));
            assert!((ms(50)..=ms(100)).contains(&b(0)), "{:?}", b(0));
            assert!((ms(100)..=ms(200)).contains(&b(1)));
            assert!((ms(200)..=ms(400)).contains(&b(2)));
            assert!((ms(500)..=ms(1000)).contains(&b(4)), "capped at 1 s");
            assert!((ms(500)..=ms(1000)).contains(&b(40)), "no overflow");
            assert!((ms(5)..=ms(10)).contains(&backoff(3, ms(10))));
        }
        assert_eq!(backoff(0, Duration::ZERO), Duration::ZERO);
        let spread: std::collections::HashSet<Duration> = (0..20).map(|_| backoff(3, ms(1000))).collect();
        assert!(spread.len() > 1, "jittered");
    }
}
