//! What every client shares: a checked base URL and the settings in force with the agent built
//! from them, swapped whole when a setting changes.

use std::fmt;
use std::sync::{Arc, RwLock};

use ureq::Agent;
use ureq::http::Uri;

use crate::config::ClientConfig;
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::transport;

/// Settings in force plus the agent built from them.
pub(crate) struct Active {
    /// The settings.
    pub config: ClientConfig,
    /// The keep-alive agent built from `config`.
    pub agent: Agent,
}

/// An app's credentials: a non-empty key and secret.
pub(crate) struct App {
    key: String,
    secret: Secret,
}

impl App {
    /// Checks that neither is empty.
    pub fn new(app_key: &str, app_secret: &str) -> Result<App> {
        if app_key.is_empty() {
            return Err(Error::invalid_argument("app_key", "must not be empty"));
        }
        if app_secret.is_empty() {
            return Err(Error::invalid_argument("app_secret", "must not be empty"));
        }
        Ok(App { key: app_key.to_owned(), secret: Secret::new(app_secret) })
    }

    /// The app key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The app secret.
    pub fn secret(&self) -> &str {
        self.secret.expose()
    }

    /// `Debug` output for the client `name` of `gateway`: URL and app key, the secret redacted.
    pub fn debug(&self, name: &str, gateway: &Gateway, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(name)
            .field(gateway.arg, &gateway.base_url)
            .field("app_key", &self.key)
            .field("app_secret", &self.secret)
            .finish_non_exhaustive()
    }
}

/// A checked base URL and the live settings; safe to share across threads.
pub(crate) struct Gateway {
    arg: &'static str,
    base_url: String,
    plain_http_to_remote: bool,
    active: RwLock<Arc<Active>>,
}

impl Gateway {
    /// Checks `base_url` (`https://`, or `http://` for any host; a query is refused), naming it
    /// `arg` in errors, and builds the agent for `config`.
    pub fn new(base_url: &str, arg: &'static str, config: ClientConfig) -> Result<Gateway> {
        let uri: Uri = base_url.parse().map_err(|_| Error::invalid_argument(arg, "is not a valid URL"))?;
        let scheme = uri.scheme_str().unwrap_or("");
        if scheme != "https" && scheme != "http" {
            return Err(Error::invalid_argument(arg, "must start with https:// (or http:// for loopback)"));
        }
        let host = uri.host().filter(|h| !h.is_empty()).ok_or_else(|| Error::invalid_argument(arg, "has no host"))?;
        if uri.query().is_some() {
            return Err(Error::invalid_argument(arg, "must not contain a query"));
        }
        config.validate()?;
        let agent = transport::agent(&config)?;
        Ok(Gateway {
            arg,
            base_url: base_url.trim_end_matches('/').to_owned(),
            plain_http_to_remote: scheme == "http" && !is_loopback(host),
            active: RwLock::new(Arc::new(Active { config, agent })),
        })
    }

    /// The base URL as configured, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The settings and agent in force; a call keeps them even if they change meanwhile.
    pub fn active(&self) -> Arc<Active> {
        Arc::clone(&self.active.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// Changes settings for calls that start from now on.
    pub fn configure(&self, change: impl FnOnce(&mut ClientConfig)) -> Result<()> {
        let mut config = self.active().config.clone();
        change(&mut config);
        config.validate()?;
        let agent = transport::agent(&config)?;
        *self.active.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(Active { config, agent });
        Ok(())
    }

    /// Refuses plain `http://` to a non-loopback host unless `active` opted in.
    pub fn check_scheme(&self, active: &Active) -> Result<()> {
        if self.plain_http_to_remote && !active.config.allow_insecure_http {
            return Err(Error::invalid_argument(
                self.arg,
                "plain http:// is refused for hosts other than loopback; use https:// (or opt in to insecure HTTP)",
            ));
        }
        Ok(())
    }
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost") || bare.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_urls() {
        let ok = |u: &str| Gateway::new(u, "server_url", ClientConfig::default()).is_ok();
        assert!(!ok("ftp://x") && !ok("https://") && !ok("https://api.taobao.tw/rest?x=1"));
        assert!(ok("https://api.taobao.tw/rest/"));
        assert_eq!(
            Gateway::new("https://h/rest/", "server_url", ClientConfig::default()).unwrap().base_url(),
            "https://h/rest"
        );
    }

    #[test]
    fn loopback_hosts() {
        assert!(is_loopback("127.0.0.1") && is_loopback("[::1]") && is_loopback("localhost"));
        assert!(!is_loopback("10.0.0.1"));
    }
}
