//! Request signing for the IOP gateways (HMAC-SHA256, upper-case hex).
//!
//! `sign_string = (api path if GOP) + concat(key + value for key in byte-sorted params)`.

use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::protocol::Protocol;

/// The `sign_method` value sent with every signed request.
pub const SIGN_METHOD: &str = "sha256";

/// Builds the exact string to sign.
///
/// `params` is the complete signed map (system and business parameters, never `sign`);
/// a `BTreeMap<String, _>` iterates in raw byte order, which is the order the gateways use.
pub fn sign_string(protocol: Protocol, api_name: &str, params: &BTreeMap<String, String>) -> String {
    let len = params.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>() + api_name.len();
    let mut out = String::with_capacity(len);
    if protocol == Protocol::Gop {
        out.push_str(api_name);
    }
    for (key, value) in params {
        out.push_str(key);
        out.push_str(value);
    }
    out
}

/// Signs `sign_string` with `secret`: upper-case hex of HMAC-SHA256.
pub fn sign(secret: &[u8], sign_string: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(sign_string.as_bytes());
    upper_hex(&mac.finalize().into_bytes())
}

/// Compares two signatures in constant time (for servers verifying a request).
pub fn signatures_match(expected: &str, given: &str) -> bool {
    let (a, b) = (expected.as_bytes(), given.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn upper_hex(bytes: &[u8]) -> String {
    hex::encode_upper(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_example() {
        let mut p = BTreeMap::new();
        for (k, v) in [
            ("access_token", "test"),
            ("app_key", "123456"),
            ("order_id", "1234"),
            ("sign_method", "sha256"),
            ("timestamp", "1517820392000"),
        ] {
            p.insert(k.to_string(), v.to_string());
        }
        let s = sign_string(Protocol::Gop, "/order/get", &p);
        assert_eq!(s, "/order/getaccess_tokentestapp_key123456order_id1234sign_methodsha256timestamp1517820392000");
        assert_eq!(sign(b"helloworld", &s), "4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A");
    }

    #[test]
    fn constant_time_compare() {
        assert!(signatures_match("AB", "AB"));
        assert!(!signatures_match("AB", "AC"));
        assert!(!signatures_match("AB", "ABC"));
    }
}
