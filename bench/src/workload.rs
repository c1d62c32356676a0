//! The one call every benchmark makes: a Lazada-style token request
//! (`/auth/token/create` with a `code`), signed with a fixed app key and secret.

use iop::{Client, ClientConfig, Request, Result};

/// The app key every benchmark signs with.
pub const APP_KEY: &str = "100001";
/// The app secret every benchmark signs with (a dummy: the canned server checks nothing).
pub const APP_SECRET: &str = "benchSecret-100001-0123456789abcdef";
/// The API every benchmark calls.
pub const API: &str = "/auth/token/create";
/// The authorization code sent with each call.
pub const CODE: &str = "0_100001_bench_code_4fQjXa9kD2LrTzWc";
/// The environment variable holding the canned server's base URL (`http://127.0.0.1:PORT/rest`).
pub const URL_VAR: &str = "IOP_BENCH_URL";
/// The environment variable holding the TLS canned server's base URL (`https://127.0.0.1:PORT/rest`).
pub const TLS_URL_VAR: &str = "IOP_BENCH_TLS_URL";
/// The environment variable holding the path of the PEM file of the CA the TLS server's
/// certificate chains to.
pub const CA_VAR: &str = "IOP_BENCH_CA";

/// The token request: `/auth/token/create` with `code`.
pub fn token_request() -> Result<Request> {
    let mut request = Request::new(API)?;
    request.add_param("code", CODE)?;
    Ok(request)
}

/// A client for `base_url` with the benchmark's app key and secret.
pub fn client(base_url: &str) -> Result<Client> {
    Client::new(base_url, APP_KEY, APP_SECRET)
}

/// A client for `base_url` (https) that trusts the CA certificates in `ca_pem` and nothing else.
pub fn tls_client(base_url: &str, ca_pem: &[u8]) -> Result<Client> {
    let config = ClientConfig { ca_bundle_pem: Some(ca_pem.to_vec()), ..ClientConfig::default() };
    Client::with_config(base_url, APP_KEY, APP_SECRET, config)
}
