//! The EnOS client: token get and refresh, and `apim-*` signed API calls through one gateway.

use std::fmt;

use super::sign::{ApimHeaders, encryption};
use super::status::EnosStatus;
use super::timestamp::fresh_timestamp_ms;
use super::token::EnosToken;
use crate::client::now_ms;
use crate::config::ClientConfig;
use crate::error::{Error, Result};
use crate::events::call::CallLog;
use crate::gateway::{Active, App, Gateway};
use crate::response::Response;
use crate::retry;
use crate::transport::{self, RawOutgoing};

/// Path of the token service's get endpoint.
pub const TOKEN_GET_PATH: &str = "/apim-token-service/v2.0/token/get";
/// Path of the token service's refresh endpoint.
pub const TOKEN_REFRESH_PATH: &str = "/apim-token-service/v2.0/token/refresh";

/// A client for one EnOS API gateway and app; safe to share across threads.
pub struct EnosClient {
    gateway: Gateway,
    app: App,
}

impl fmt::Debug for EnosClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.app.debug("EnosClient", &self.gateway, f)
    }
}

impl EnosClient {
    /// A client for `gateway_url` (`https://{apigw-address}`) with default settings.
    pub fn new(gateway_url: &str, app_key: &str, app_secret: &str) -> Result<EnosClient> {
        EnosClient::with_config(gateway_url, app_key, app_secret, ClientConfig::default())
    }

    /// A client with explicit settings (`partner_id` is not used by EnOS).
    pub fn with_config(gateway_url: &str, app_key: &str, app_secret: &str, config: ClientConfig) -> Result<EnosClient> {
        let gateway = Gateway::new(gateway_url, "gateway_url", config)?;
        Ok(EnosClient { gateway, app: App::new(app_key, app_secret)? })
    }

    /// The gateway URL as configured (without a trailing `/`).
    pub fn gateway_url(&self) -> &str {
        self.gateway.base_url()
    }

    /// The app key.
    pub fn app_key(&self) -> &str {
        self.app.key()
    }

    /// A copy of the settings in force.
    pub fn config(&self) -> ClientConfig {
        self.gateway.active().config.clone()
    }

    /// Changes settings; calls already running keep the settings they started with.
    pub fn configure(&self, change: impl FnOnce(&mut ClientConfig)) -> Result<()> {
        self.gateway.configure(change)
    }

    /// Gets the app's access token (the service returns the same token while it is valid).
    pub fn get_token(&self) -> Result<EnosToken> {
        self.token_call(TOKEN_GET_PATH, None)
    }

    /// Refreshes `access_token`, extending its life; the answer is the token to use from now on.
    /// An expired token is [`crate::ErrorKind::TokenExpired`]: get a new one instead.
    pub fn refresh_token(&self, access_token: &str) -> Result<EnosToken> {
        if access_token.is_empty() {
            return Err(Error::invalid_argument("access_token", "must not be empty"));
        }
        self.token_call(TOKEN_REFRESH_PATH, Some(access_token))
    }

    /// The token-service body at `timestamp_ms` (for get, or refresh when `access_token` is set).
    pub fn token_request_body(&self, timestamp_ms: i64, access_token: Option<&str>) -> String {
        let mut body = serde_json::json!({
            "appKey": self.app.key(),
            "encryption": encryption(self.app.key(), timestamp_ms, self.app.secret()),
            "timestamp": timestamp_ms,
        });
        if let Some(token) = access_token {
            body["accessToken"] = token.into();
        }
        body.to_string()
    }

    /// Sends a token request; a replay rejection (1001) is retried once with a new timestamp,
    /// which is safe because the service refused the first one.
    fn token_call(&self, path: &str, access_token: Option<&str>) -> Result<EnosToken> {
        let active = self.gateway.active();
        self.gateway.check_scheme(&active)?;
        let url = format!("{}{path}", self.gateway.base_url());
        let mut secrets = vec![self.app.secret()];
        secrets.extend(access_token);
        crate::limits::before_send(&active.config, self.app.key(), path, access_token)?;
        let mut log = CallLog::new(path, "POST", &url, "ENOS");
        let mut attempt = 0;
        loop {
            attempt += 1;
            // A connect failure is retried (see `retry`), each attempt with a new timestamp.
            let sent = retry::run(&active.config, &mut log, || {
                let body = self.token_request_body(fresh_timestamp_ms(), access_token);
                let out = RawOutgoing {
                    method: "POST",
                    url: &url,
                    headers: &[],
                    body: Some((body.as_bytes(), "application/json")),
                };
                transport::send_raw(&active.agent, &out, active.config.max_response_bytes)
            });
            let incoming = match sent {
                Ok(incoming) => incoming,
                Err(e) => {
                    log.end_error(&e);
                    return Err(e);
                }
            };
            let token = EnosToken::parse(incoming.status, &incoming.body, now_ms(), &secrets);
            log.end_parsed(&token, incoming.status);
            match token {
                Err(e) if attempt == 1 && EnosStatus::of(&e) == Some(EnosStatus::DuplicatedEncryption) => continue,
                result => return result,
            }
        }
    }

    /// The `apim-*` headers for a call to `path_and_query` with `body` (the exact bytes to send;
    /// empty for none) at `timestamp_ms` (`None`: a fresh, never-repeated timestamp).
    pub fn sign(
        &self,
        path_and_query: &str,
        body: &[u8],
        access_token: &str,
        timestamp_ms: Option<i64>,
    ) -> Result<ApimHeaders> {
        let timestamp = timestamp_ms.unwrap_or_else(fresh_timestamp_ms);
        ApimHeaders::sign(path_and_query, body, access_token, self.app.secret(), timestamp)
    }

    /// Signs and sends an API call: `method` (`GET`, `POST`, `PUT`, `PATCH`, `DELETE`) to
    /// `path_and_query` on the gateway, with a JSON `body` sent byte for byte. The JSON answer
    /// is returned whatever its `code` (`{"code":0,"msg":…,"requestId":…,"data":…}` is a
    /// success); transport failures and bodies that are not JSON objects are errors.
    pub fn call(
        &self,
        method: &str,
        path_and_query: &str,
        body: Option<&[u8]>,
        access_token: &str,
    ) -> Result<Response> {
        if !path_and_query.starts_with('/') {
            return Err(Error::invalid_argument("path_and_query", "must start with `/`"));
        }
        let active = self.gateway.active();
        self.gateway.check_scheme(&active)?;
        let url = format!("{}{path_and_query}", self.gateway.base_url());
        let path = path_and_query.split_once('?').map_or(path_and_query, |(p, _)| p);
        crate::limits::before_send(&active.config, self.app.key(), path, Some(access_token))?;
        let mut log = CallLog::new(path, method, &url, "ENOS");
        let result = self.send(&active, &url, method, path_and_query, body, access_token, &mut log);
        log.end(&result);
        crate::limits::after_answer(&active.config, self.app.key(), path, &result);
        result
    }

    #[allow(clippy::too_many_arguments)]
    fn send(
        &self,
        active: &Active,
        url: &str,
        method: &str,
        path_and_query: &str,
        body: Option<&[u8]>,
        access_token: &str,
        log: &mut CallLog<'_>,
    ) -> Result<Response> {
        // A connect failure is retried (see `retry`), each attempt signed with a new timestamp.
        let incoming = retry::run(&active.config, log, || {
            let headers = self.sign(path_and_query, body.unwrap_or_default(), access_token, None)?;
            let pairs = headers.pairs();
            let out =
                RawOutgoing { method, url, headers: &pairs, body: body.map(|b| (b, "application/json;charset=UTF-8")) };
            transport::send_raw(&active.agent, &out, active.config.max_response_bytes)
        })?;
        Response::parse(incoming.status, incoming.body, &[self.app.secret(), access_token])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_bodies() {
        let c = EnosClient::new("https://apigw.example.com", "k", "s").unwrap();
        let get: serde_json::Value = serde_json::from_str(&c.token_request_body(5, None)).unwrap();
        assert_eq!(get["timestamp"], 5);
        assert_eq!(get["encryption"], encryption("k", 5, "s"));
        assert!(get.get("accessToken").is_none());
        let refresh: serde_json::Value = serde_json::from_str(&c.token_request_body(5, Some("t"))).unwrap();
        assert_eq!(refresh["accessToken"], "t");
        assert_eq!(refresh["encryption"], get["encryption"]);
        assert!(!format!("{c:?}").contains("\"s\""));
    }
}
