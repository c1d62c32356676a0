//! Random identifiers: request ids, authorization codes and tokens.
//!
//! Randomness comes from std's randomly keyed SipHash (`RandomState`) over a counter and the
//! time: unpredictable enough for a local test gateway, and no extra dependency.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::clock::real_now_ms;

static COUNTER: AtomicU64 = AtomicU64::new(0);

const ALPHANUMERIC: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// 64 random bits.
pub(crate) fn random_u64() -> u64 {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u64(n);
    h.write_u128(nanos);
    h.finish()
}

/// `len` random characters from `[0-9A-Za-z]`.
pub(crate) fn alphanumeric(len: usize) -> String {
    let mut out = String::with_capacity(len);
    while out.len() < len {
        let mut bits = random_u64();
        // 10 characters of 6 bits each per draw; reject values >= 62 to stay uniform.
        for _ in 0..10 {
            let i = (bits & 63) as usize;
            bits >>= 6;
            if i < ALPHANUMERIC.len() && out.len() < len {
                out.push(ALPHANUMERIC[i] as char);
            }
        }
    }
    out
}

/// A request id in the gateway's style: 8 hex digits, the epoch ms and a 4-digit sequence,
/// 25 characters from `[0-9a-f]`, unique within the process.
pub(crate) fn request_id() -> String {
    let seq = COUNTER.fetch_add(1, Ordering::Relaxed) % 10_000;
    format!("{:08x}{:013}{:04}", random_u64() as u32, real_now_ms().rem_euclid(10_000_000_000_000), seq)
}

/// A one-time authorization code, `0_<app_key>_<26 random>` like Lazada's.
pub(crate) fn authorization_code(app_key: &str) -> String {
    format!("0_{app_key}_{}", alphanumeric(26))
}

/// An access token: `50000` + `601` + 52 random characters (60 characters).
pub(crate) fn access_token() -> String {
    format!("50000601{}", alphanumeric(52))
}

/// A refresh token: `50001` + `600` + 52 random characters (60 characters).
pub(crate) fn refresh_token() -> String {
    format!("50001600{}", alphanumeric(52))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn shapes() {
        let a = access_token();
        assert_eq!(a.len(), 60);
        assert!(a.starts_with("50000") && a.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert!(refresh_token().starts_with("50001"));
        let c = authorization_code("100001");
        assert!(c.starts_with("0_100001_") && c.len() == 35);
        let r = request_id();
        assert_eq!(r.len(), 25);
        assert!(r.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    }

    #[test]
    fn unique() {
        let ids: HashSet<String> = (0..2000).map(|_| request_id()).collect();
        assert_eq!(ids.len(), 2000);
        let tokens: HashSet<String> = (0..2000).map(|_| access_token()).collect();
        assert_eq!(tokens.len(), 2000);
    }
}
