//! Per-client settings: timeouts, partner id, trusted CAs, plain-HTTP opt-in, response cap,
//! connect retries.

use std::time::Duration;

use crate::error::{Error, Result};

/// The `partner_id` sent by default: identifies this SDK to the gateway.
pub const DEFAULT_PARTNER_ID: &str = concat!("iopkit-", env!("CARGO_PKG_VERSION"));
/// Default connect timeout (the official SDKs' 15 s).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// Default read timeout (the official SDKs' 30 s).
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Default cap on a response body.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 8 * 1024 * 1024;
/// Default number of retries after a connect failure (3 attempts in all).
pub const DEFAULT_MAX_CONNECT_RETRIES: u32 = 2;
/// Most retries after a connect failure that may be configured.
pub const MAX_CONNECT_RETRIES_LIMIT: u32 = 10;
/// Default cap on the wait between two connect attempts.
pub const DEFAULT_RETRY_BACKOFF_MAX: Duration = Duration::from_secs(1);

/// Settings a client applies to every call.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// Time allowed to establish the connection (incl. TLS).
    pub connect_timeout: Duration,
    /// Time allowed for each of: sending the request, awaiting the response head, reading the body.
    pub read_timeout: Duration,
    /// The `partner_id` system parameter.
    pub partner_id: String,
    /// PEM text of the CA certificates to trust instead of the built-in roots.
    pub ca_bundle_pem: Option<Vec<u8>>,
    /// Allow plain `http://` to hosts other than loopback (never recommended).
    pub allow_insecure_http: bool,
    /// Largest response body accepted, in bytes.
    pub max_response_bytes: u64,
    /// How many times a call is re-sent after a connect failure (it never reached the server);
    /// 0 turns retries off. Nothing else is ever retried (see [`crate::retry`]).
    pub max_connect_retries: u32,
    /// Cap on the wait between two connect attempts (100 ms, doubling, with jitter).
    pub retry_backoff_max: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_timeout: DEFAULT_READ_TIMEOUT,
            partner_id: DEFAULT_PARTNER_ID.to_owned(),
            ca_bundle_pem: None,
            allow_insecure_http: false,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_connect_retries: DEFAULT_MAX_CONNECT_RETRIES,
            retry_backoff_max: DEFAULT_RETRY_BACKOFF_MAX,
        }
    }
}

impl ClientConfig {
    /// Checks the values a caller may have set.
    pub fn validate(&self) -> Result<()> {
        if self.connect_timeout.is_zero() {
            return Err(Error::invalid_argument("connect_timeout", "must be greater than zero"));
        }
        if self.read_timeout.is_zero() {
            return Err(Error::invalid_argument("read_timeout", "must be greater than zero"));
        }
        if self.partner_id.is_empty() {
            return Err(Error::invalid_argument("partner_id", "must not be empty"));
        }
        if self.max_response_bytes == 0 {
            return Err(Error::invalid_argument("max_response_bytes", "must be greater than zero"));
        }
        if self.max_connect_retries > MAX_CONNECT_RETRIES_LIMIT {
            return Err(Error::invalid_argument("max_connect_retries", "must be at most 10"));
        }
        if self.retry_backoff_max > Duration::from_secs(60) {
            return Err(Error::invalid_argument("retry_backoff_max", "must be at most 60 s"));
        }
        Ok(())
    }
}
