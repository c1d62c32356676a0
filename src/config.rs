//! Per-client settings: timeouts, partner id, trusted CAs, plain-HTTP opt-in, response cap,
//! connect retries, the keep-alive pool.

use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::limits::RateLimiter;
pub use crate::transport::proxy::{ProxySetting, ProxyUrl};

/// The `partner_id` sent by default: identifies this SDK to the gateway.
pub const DEFAULT_PARTNER_ID: &str = concat!("iopkit-", env!("CARGO_PKG_VERSION"));
/// Default connect timeout in milliseconds (the official SDKs' 15 s).
pub const DEFAULT_CONNECT_TIMEOUT_MS: i64 = 15_000;
/// Default read timeout in milliseconds (the official SDKs' 30 s).
pub const DEFAULT_READ_TIMEOUT_MS: i64 = 30_000;
/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(DEFAULT_CONNECT_TIMEOUT_MS as u64);
/// Default read timeout.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_millis(DEFAULT_READ_TIMEOUT_MS as u64);
/// Default cap on a response body, in bytes (8 MiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: i64 = 8_388_608;
/// Default number of retries after a connect failure (3 attempts in all).
pub const DEFAULT_MAX_CONNECT_RETRIES: i32 = 2;
/// Most retries after a connect failure that may be configured.
pub const MAX_CONNECT_RETRIES_LIMIT: i32 = 10;
/// Default number of idle keep-alive connections a client keeps per host, enough for as many
/// threads (or batch workers) calling at once without opening new connections.
pub const DEFAULT_MAX_IDLE_CONNECTIONS: i64 = 32;
/// Most idle keep-alive connections per host that may be configured.
pub const MAX_IDLE_CONNECTIONS_LIMIT: i64 = 1024;
/// Default time an idle keep-alive connection is kept before it is closed, in milliseconds.
pub const DEFAULT_IDLE_TIMEOUT_MS: i64 = 15_000;
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
    /// Idle keep-alive connections kept per host (0: none, every call connects anew).
    pub max_idle_connections: usize,
    /// How long an idle keep-alive connection is kept.
    pub idle_timeout: Duration,
    /// The proxy calls go through: the environment's (the default), none, or an HTTP CONNECT
    /// proxy (see [`ProxySetting`]).
    pub proxy: ProxySetting,
    /// Budgets and bans checked before every call and taught by throttling answers (shared by
    /// every client configured with it); `None` (the default): calls are not limited.
    pub rate_limiter: Option<Arc<RateLimiter>>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_timeout: DEFAULT_READ_TIMEOUT,
            partner_id: DEFAULT_PARTNER_ID.to_owned(),
            ca_bundle_pem: None,
            allow_insecure_http: false,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES as u64,
            max_connect_retries: DEFAULT_MAX_CONNECT_RETRIES as u32,
            retry_backoff_max: DEFAULT_RETRY_BACKOFF_MAX,
            max_idle_connections: DEFAULT_MAX_IDLE_CONNECTIONS as usize,
            idle_timeout: Duration::from_millis(DEFAULT_IDLE_TIMEOUT_MS as u64),
            proxy: ProxySetting::Environment,
            rate_limiter: None,
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
        if self.max_connect_retries > MAX_CONNECT_RETRIES_LIMIT as u32 {
            return Err(Error::invalid_argument("max_connect_retries", "must be at most 10"));
        }
        if self.retry_backoff_max > Duration::from_secs(60) {
            return Err(Error::invalid_argument("retry_backoff_max", "must be at most 60 s"));
        }
        Ok(())
    }
}
