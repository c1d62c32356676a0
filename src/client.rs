//! The IOP client: one gateway, one app, one connection pool; safe to share across threads.

use std::collections::BTreeMap;
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::config::ClientConfig;
use crate::error::{Error, Result};
use crate::events::call::CallLog;
use crate::gateway::{Active, App, Gateway};
use crate::protocol::Protocol;
use crate::request::Request;
use crate::response::Response;
use crate::retry;
use crate::sign;
use crate::token::Token;
use crate::transport::{self, Outgoing};

/// A request ready to send: where, what is signed, and the signature.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// The request URL (query not included).
    pub url: String,
    /// The protocol used.
    pub protocol: Protocol,
    /// Every signed parameter (system and business), in signing order; `sign` not included.
    pub params: BTreeMap<String, String>,
    /// The exact string that was signed (contains parameter values: treat as secret).
    pub sign_string: String,
    /// The signature: upper-case hex HMAC-SHA256.
    pub sign: String,
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedRequest")
            .field("url", &self.url)
            .field("protocol", &self.protocol)
            .field("params", &self.params.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// A client for one IOP gateway and app.
pub struct Client {
    gateway: Gateway,
    app: App,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.app.debug("Client", &self.gateway, f)
    }
}

impl Client {
    /// A client for `server_url` (ending in `/rest`, or a bare host) with default settings.
    pub fn new(server_url: &str, app_key: &str, app_secret: &str) -> Result<Client> {
        Client::with_config(server_url, app_key, app_secret, ClientConfig::default())
    }

    /// A client with explicit settings.
    pub fn with_config(server_url: &str, app_key: &str, app_secret: &str, config: ClientConfig) -> Result<Client> {
        let gateway = Gateway::new(server_url, "server_url", config)?;
        Ok(Client { gateway, app: App::new(app_key, app_secret)? })
    }

    /// The gateway URL as configured (without a trailing `/`).
    pub fn server_url(&self) -> &str {
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

    /// Builds the signed parameter set that [`Client::execute`] would send at `timestamp_ms`.
    ///
    /// `protocol` `None` picks GOP for path-style names and TOP for dotted ones.
    pub fn sign(
        &self,
        request: &Request,
        access_token: Option<&str>,
        protocol: Option<Protocol>,
        timestamp_ms: i64,
    ) -> Result<SignedRequest> {
        self.sign_with(&self.gateway.active().config, request, access_token, protocol, timestamp_ms)
    }

    fn sign_with(
        &self,
        config: &ClientConfig,
        request: &Request,
        access_token: Option<&str>,
        protocol: Option<Protocol>,
        timestamp_ms: i64,
    ) -> Result<SignedRequest> {
        let api = request.api_name();
        if api.is_empty() {
            return Err(Error::invalid_argument("request", "has no API name"));
        }
        let protocol = protocol.unwrap_or_else(|| Protocol::for_api(api));
        if protocol == Protocol::Gop && !api.starts_with('/') {
            return Err(Error::invalid_argument("api_name", "GOP API names are paths starting with `/`"));
        }
        if access_token == Some("") {
            return Err(Error::invalid_argument("access_token", "must not be empty (pass none instead)"));
        }
        let mut params = request.params().clone();
        let mut set = |k: &str, v: &str| params.insert(k.to_owned(), v.to_owned());
        set("app_key", self.app.key());
        set("timestamp", &timestamp_ms.to_string());
        set("sign_method", sign::SIGN_METHOD);
        set("partner_id", &config.partner_id);
        if protocol == Protocol::Top {
            set("method", api);
            params.entry("format".to_owned()).or_insert_with(|| "json".to_owned());
            params.entry("simplify".to_owned()).or_insert_with(|| "false".to_owned());
        }
        if let Some(token) = access_token {
            let key = if protocol == Protocol::Top { "session" } else { "access_token" };
            params.insert(key.to_owned(), token.to_owned());
        }
        let sign_string = sign::sign_string(protocol, api, &params);
        let signature = sign::sign(self.app.secret().as_bytes(), &sign_string);
        Ok(SignedRequest {
            url: protocol.url(self.gateway.base_url(), api),
            protocol,
            params,
            sign_string,
            sign: signature,
        })
    }

    /// Signs and sends `request`. A platform error is an `Ok` response whose
    /// [`Response::is_success`] is false (as in the official SDKs); transport failures and
    /// unreadable bodies are errors. Only a connect failure is retried (see [`crate::retry`]).
    pub fn execute(
        &self,
        request: &Request,
        access_token: Option<&str>,
        protocol: Option<Protocol>,
    ) -> Result<Response> {
        let active = self.gateway.active();
        self.gateway.check_scheme(&active)?;
        if !request.files().is_empty() && request.http_method() == crate::HttpMethod::Get {
            return Err(Error::invalid_argument("request", "files need POST (multipart)"));
        }
        let method = match request.http_method() {
            crate::HttpMethod::Get => "GET",
            crate::HttpMethod::Post => "POST",
        };
        let protocol_used = protocol.unwrap_or_else(|| Protocol::for_api(request.api_name()));
        let protocol_name = if protocol_used == Protocol::Top { "TOP" } else { "GOP" };
        let mut log = CallLog::new(request.api_name(), method, self.gateway.base_url(), protocol_name);
        let result = self.send(&active, request, access_token, protocol, &mut log);
        log.end(&result);
        result
    }

    fn send(
        &self,
        active: &Active,
        request: &Request,
        access_token: Option<&str>,
        protocol: Option<Protocol>,
        log: &mut CallLog<'_>,
    ) -> Result<Response> {
        crate::limits::before_send(&active.config, self.app.key(), request.api_name(), access_token)?;
        // Only a connect failure is retried (see `retry`); each attempt is signed afresh.
        let incoming = retry::run(&active.config, log, || {
            let signed = self.sign_with(&active.config, request, access_token, protocol, now_ms())?;
            let mut pairs: Vec<(&str, &str)> = signed.params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            pairs.push(("sign", &signed.sign));
            let out = Outgoing {
                url: &signed.url,
                method: request.http_method(),
                params: &pairs,
                files: request.files(),
                headers: request.headers(),
            };
            transport::send(&active.agent, &out, active.config.max_response_bytes)
        })?;
        let mut secrets: Vec<&str> = vec![self.app.secret()];
        secrets.extend(access_token);
        secrets.extend(
            ["code", "refresh_token", "access_token", "session"]
                .iter()
                .filter_map(|k| request.params().get(*k).map(String::as_str)),
        );
        let response = Response::parse(incoming.status, incoming.body, &secrets);
        crate::limits::after_answer(&active.config, self.app.key(), request.api_name(), &response);
        response
    }

    /// Exchanges a one-time authorization `code` for a token (`/auth/token/create`).
    /// Platform errors (e.g. `InvalidCode`) are returned as errors. The code is single-use, so
    /// the call is re-sent only after a connect failure, never once it may have arrived.
    pub fn create_token(&self, code: &str) -> Result<Token> {
        self.token_call("/auth/token/create", "code", code)
    }

    /// Refreshes a token (`/auth/token/refresh`). The returned refresh token replaces the old
    /// one, which the platform treats as dead from now on: store the new one. Like
    /// [`Client::create_token`], it is re-sent only after a connect failure.
    pub fn refresh_token(&self, refresh_token: &str) -> Result<Token> {
        self.token_call("/auth/token/refresh", "refresh_token", refresh_token)
    }

    fn token_call(&self, api: &str, key: &str, value: &str) -> Result<Token> {
        if value.is_empty() {
            return Err(Error::invalid_argument(key, "must not be empty"));
        }
        let mut request = Request::new(api)?;
        request.add_param(key, value)?;
        let response = self.execute(&request, None, Some(Protocol::Gop))?;
        let token = Token::from_response(&response, now_ms())?;
        if token.access_token.is_empty() {
            return Err(Error::new(crate::ErrorKind::MalformedResponse, "token response has no access_token")
                .with_http_status(response.http_status()));
        }
        Ok(token)
    }
}

/// Current UTC time in epoch milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_construction() {
        assert!(Client::new("ftp://x", "k", "s").is_err());
        assert!(Client::new("https://", "k", "s").is_err());
        assert!(Client::new("https://api.taobao.tw/rest", "", "s").is_err());
        assert!(Client::new("https://api.taobao.tw/rest", "k", "").is_err());
        assert!(Client::new("https://api.taobao.tw/rest?x=1", "k", "s").is_err());
        assert!(Client::new("https://api.taobao.tw/rest", "k", "s").is_ok());
    }

    #[test]
    fn refuses_plain_http_to_remote_hosts() {
        let c = Client::new("http://api.taobao.tw/rest", "k", "s").unwrap();
        let r = Request::new("/seller/get").unwrap();
        let e = c.execute(&r, None, None).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument);
        assert!(e.message().contains("server_url"));
    }

    #[test]
    fn top_adds_method_format_session() {
        let c = Client::new("https://api-sg.aliexpress.com", "500123", "s").unwrap();
        let r = Request::new("aliexpress.ds.category.get").unwrap();
        let s = c.sign(&r, Some("tok"), None, 1).unwrap();
        assert_eq!(s.url, "https://api-sg.aliexpress.com/sync");
        assert_eq!(s.params["method"], "aliexpress.ds.category.get");
        assert_eq!(s.params["format"], "json");
        assert_eq!(s.params["simplify"], "false");
        assert_eq!(s.params["session"], "tok");
        assert!(!s.params.contains_key("access_token"));
        assert!(s.sign_string.starts_with("app_key500123"));
    }

    #[test]
    fn debug_hides_secret() {
        let c = Client::new("https://api.taobao.tw/rest", "k", "my-app-secret").unwrap();
        assert!(!format!("{c:?}").contains("my-app-secret"));
    }
}
