//! `Response::parse`: any body is a response with consistent fields or a typed error whose
//! excerpt hides the secrets it was given.

use iop::{ErrorKind, Response};
use serde_json::Value;

/// A secret handed to the parser; it must never show in an error message.
pub(crate) const SECRET: &str = "Q7fuzzSecretZ";

/// Field names and values the response and token parsers look at.
pub(crate) const DICTIONARY: &[&str] = &[
    "\"access_token\"",
    "\"refresh_token\"",
    "\"expires_in\"",
    "\"refresh_expires_in\"",
    "\"expire_time\"",
    "\"refresh_token_valid_time\"",
    "\"country_user_info\"",
    "\"country_user_info_list\"",
    "\"country\"",
    "\"seller_id\"",
    "\"user_Id\"",
    "\"error_response\"",
    "\"code\"",
    "\"type\"",
    "\"message\"",
    "\"msg\"",
    "\"sub_code\"",
    "\"sub_msg\"",
    "\"request_id\"",
    "\"x_response\"",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551616",
    "1e400",
    "-0",
    "0.5",
    "null",
    "true",
    "[]",
    "{}",
    "\"\\ud800\"",
    "\"\\u0000\"",
    SECRET,
];

/// The HTTP status an input is parsed with, chosen by its length.
fn status_for(data: &[u8]) -> u16 {
    [200, 400, 502][data.len() % 3]
}

/// Fuzz target: `Response::parse(status, data, &[SECRET])`.
pub fn response(data: &[u8]) {
    let status = status_for(data);
    match Response::parse(status, data.to_vec(), &[SECRET]) {
        Ok(r) => {
            assert_eq!(r.body().as_bytes(), data, "the body is kept exactly");
            assert_eq!(r.http_status(), status);
            let json: Value = serde_json::from_slice(data).expect("parsed, so JSON");
            assert_eq!(json.as_object(), Some(r.json()), "the JSON object is the body's");
            match r.error() {
                None => assert!(r.is_success()),
                Some(e) => {
                    assert!(!r.is_success());
                    assert_eq!(e.kind(), ErrorKind::Platform);
                    assert_eq!(e.http_status(), Some(status));
                    assert!(!e.platform_error().expect("platform fields").code.is_empty());
                }
            }
            let debug = format!("{r:?}");
            assert!(debug.contains(&format!("body_len: {}", data.len())), "{debug}");
        }
        Err(e) => {
            let expected = if status >= 400 { ErrorKind::Http } else { ErrorKind::MalformedResponse };
            assert_eq!(e.kind(), expected, "{e}");
            assert_eq!(e.http_status(), Some(status));
            assert!(!e.message().contains(SECRET), "secret in {:?}", e.message());
            assert!(e.message().chars().count() < 300, "excerpt not cut: {} chars", e.message().chars().count());
            assert!(!e.message().chars().any(char::is_control), "control character in {:?}", e.message());
            assert!(serde_json::from_slice::<serde_json::Map<String, Value>>(data).is_err());
        }
    }
}
