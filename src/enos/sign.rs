//! EnOS hashes: the token service's `encryption` and the `apim-signature` of API calls, both
//! lower-case hex SHA-256.

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::secret::Secret;

/// Header carrying the access token on an API call.
pub const HEADER_ACCESS_TOKEN: &str = "apim-accesstoken";
/// Header carrying the call's millisecond timestamp.
pub const HEADER_TIMESTAMP: &str = "apim-timestamp";
/// Header carrying the call's signature.
pub const HEADER_SIGNATURE: &str = "apim-signature";

/// `encryption` for token get and refresh: `sha256(app_key + timestamp_ms + app_secret)`.
/// The access token of a refresh is sent but not hashed.
pub fn encryption(app_key: &str, timestamp_ms: i64, app_secret: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(app_key.as_bytes());
    hash.update(timestamp_ms.to_string().as_bytes());
    hash.update(app_secret.as_bytes());
    lower_hex(&hash.finalize())
}

/// `paramsData` of a call: the decoded query parameters of `path_and_query` sorted by name
/// (byte order, stable for repeated names), each as `name + value`.
pub fn params_data(path_and_query: &str) -> String {
    let query = path_and_query.split_once('?').map_or("", |(_, q)| q);
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    let mut pairs: Vec<(String, String)> =
        form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    pairs.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    pairs.into_iter().map(|(k, v)| k + &v).collect()
}

/// `apim-signature`: `sha256(access_token + params_data + body + timestamp_ms + app_secret)`,
/// where `body` is the exact JSON bytes sent (empty for none; multipart bodies are not signed).
pub fn apim_signature(
    access_token: &str,
    params_data: &str,
    body: &[u8],
    timestamp_ms: i64,
    app_secret: &str,
) -> String {
    let mut hash = Sha256::new();
    hash.update(access_token.as_bytes());
    hash.update(params_data.as_bytes());
    hash.update(body);
    hash.update(timestamp_ms.to_string().as_bytes());
    hash.update(app_secret.as_bytes());
    lower_hex(&hash.finalize())
}

/// The three `apim-*` headers of one signed call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApimHeaders {
    /// `apim-accesstoken`.
    pub access_token: Secret,
    /// `apim-timestamp`, epoch milliseconds.
    pub timestamp_ms: i64,
    /// `apim-signature`.
    pub signature: String,
}

impl ApimHeaders {
    /// Signs a call to `path_and_query` (a path or full URL; the query is what counts) with
    /// `body` (exact bytes sent, empty for none) at `timestamp_ms`.
    pub fn sign(
        path_and_query: &str,
        body: &[u8],
        access_token: &str,
        app_secret: &str,
        timestamp_ms: i64,
    ) -> Result<ApimHeaders> {
        if access_token.is_empty() {
            return Err(Error::invalid_argument("access_token", "must not be empty"));
        }
        if timestamp_ms <= 0 {
            return Err(Error::invalid_argument("timestamp_ms", "must be epoch milliseconds"));
        }
        let params = params_data(path_and_query);
        Ok(ApimHeaders {
            access_token: Secret::new(access_token),
            timestamp_ms,
            signature: apim_signature(access_token, &params, body, timestamp_ms, app_secret),
        })
    }

    /// The headers as `(name, value)` pairs, in the documented order.
    pub fn pairs(&self) -> [(&'static str, String); 3] {
        [
            (HEADER_ACCESS_TOKEN, self.access_token.expose().to_owned()),
            (HEADER_TIMESTAMP, self.timestamp_ms.to_string()),
            (HEADER_SIGNATURE, self.signature.clone()),
        ]
    }
}

fn lower_hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_decoded_and_sorted() {
        assert_eq!(params_data("/x?b=2&a=%2B1&c=x+y#frag"), "a+1b2cx y");
        assert_eq!(params_data("https://h/p"), "");
        assert_eq!(params_data("/p?k=2&k=1"), "k2k1");
    }

    #[test]
    fn debug_hides_the_token() {
        let h = ApimHeaders::sign("/p", b"", "tok-visible?", "s", 1).unwrap();
        assert!(!format!("{h:?}").contains("tok-visible?"));
        assert!(ApimHeaders::sign("/p", b"", "", "s", 1).is_err());
    }
}
