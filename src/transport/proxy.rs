//! The proxy setting (environment, direct, or an explicit HTTP CONNECT proxy), its resolution
//! into ureq's proxy, and the reporting of proxy failures as proxy failures.
//!
//! Environment (the default): `HTTPS_PROXY`, `https_proxy`, then `ALL_PROXY`, `all_proxy` (the
//! first one set and not empty; `HTTP_PROXY` is not read: calls are HTTPS), and
//! `NO_PROXY`/`no_proxy`: a comma-separated list of host names (`api.example.com`), domain
//! suffixes (`.example.com` or `*.example.com`) or `*` (no proxy at all), compared without the
//! port. Only `http://` proxies (HTTP CONNECT) are supported; a variable holding anything else
//! is an invalid argument naming the variable.

use std::fmt;
use std::io;

use percent_encoding::percent_decode_str;
use ureq::unversioned::transport::{ConnectProxyConnector, ConnectionDetails, Connector, Transport};
use ureq::{Proxy, ProxyProtocol};

use crate::error::{Error, ErrorKind, Result};
use crate::secret::Secret;

/// Environment variables naming the proxy, in the order they are read.
pub const PROXY_ENV_VARS: [&str; 4] = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"];
/// Environment variables listing the hosts reached directly, in the order they are read.
pub const NO_PROXY_ENV_VARS: [&str; 2] = ["NO_PROXY", "no_proxy"];

/// Which proxy calls go through.
#[derive(Clone, Default, PartialEq, Eq)]
pub enum ProxySetting {
    /// The proxy the environment names (`HTTPS_PROXY`, then `ALL_PROXY`; `NO_PROXY` honoured),
    /// read when the client is built or configured. The default.
    #[default]
    Environment,
    /// No proxy, whatever the environment says.
    Direct,
    /// This HTTP CONNECT proxy (for every host: `NO_PROXY` is not read).
    Url(ProxyUrl),
}

impl ProxySetting {
    /// The setting for an optional text: `None` is [`ProxySetting::Environment`], `""`
    /// [`ProxySetting::Direct`], anything else a URL (see [`ProxyUrl::parse`]).
    pub fn parse(text: Option<&str>) -> Result<ProxySetting> {
        ProxySetting::parse_arg(text, "proxy")
    }

    /// As [`ProxySetting::parse`], naming the argument `arg` in errors.
    pub(crate) fn parse_arg(text: Option<&str>, arg: &str) -> Result<ProxySetting> {
        match text {
            None => Ok(ProxySetting::Environment),
            Some("") => Ok(ProxySetting::Direct),
            Some(url) => ProxyUrl::parse(url, arg).map(ProxySetting::Url),
        }
    }
}

impl fmt::Debug for ProxySetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProxySetting::Environment => f.write_str("Environment"),
            ProxySetting::Direct => f.write_str("Direct"),
            ProxySetting::Url(url) => f.debug_tuple("Url").field(url).finish(),
        }
    }
}

/// An HTTP CONNECT proxy: `http://[user:password@]host[:port]`. The credentials are kept as
/// secrets: never in `Debug` output or messages, which show `http://host:port`.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyUrl {
    host: String,
    port: u16,
    username: Option<Secret>,
    password: Option<Secret>,
}

impl ProxyUrl {
    /// Parses `http://[user:password@]host[:port][/]` (port 80 by default; user and password
    /// percent-decoded), naming `arg` in errors, which never quote the credentials.
    pub fn parse(url: &str, arg: &str) -> Result<ProxyUrl> {
        let invalid = |why: &str| Error::invalid_argument(arg, why);
        let (scheme, rest) =
            url.split_once("://").ok_or_else(|| invalid("must be http://[user:password@]host[:port]"))?;
        if !scheme.eq_ignore_ascii_case("http") {
            return Err(invalid("must be an http:// proxy (HTTP CONNECT); other schemes are not supported"));
        }
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains(['/', '?', '#']) {
            return Err(invalid("must not have a path, query or fragment"));
        }
        let (userinfo, host_port) = match rest.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, rest),
        };
        let decode = |s: &str| {
            percent_decode_str(s)
                .decode_utf8()
                .map(|v| Secret::new(v.into_owned()))
                .map_err(|_| invalid("has credentials that are not UTF-8 once percent-decoded"))
        };
        let (username, password) = match userinfo {
            None => (None, None),
            Some(u) => match u.split_once(':') {
                Some((user, pass)) => (Some(decode(user)?), Some(decode(pass)?)),
                None => (Some(decode(u)?), None),
            },
        };
        let (host, port) = split_host_port(host_port).ok_or_else(|| invalid("has no valid host[:port]"))?;
        Ok(ProxyUrl { host: host.to_owned(), port: port.unwrap_or(80), username, password })
    }

    /// `http://host:port`, without credentials: how messages name the proxy.
    pub fn display(&self) -> String {
        format!("http://{}:{}", self.host, self.port)
    }

    /// Whether credentials are sent (`Proxy-Authorization: Basic`).
    pub fn has_credentials(&self) -> bool {
        self.username.is_some() || self.password.is_some()
    }

    fn to_ureq(&self, no_proxy: &[String]) -> Result<Proxy> {
        let mut builder = Proxy::builder(ProxyProtocol::Http).host(&self.host).port(self.port);
        if let Some(user) = &self.username {
            builder = builder.username(user.expose());
        }
        if let Some(pass) = &self.password {
            builder = builder.password(pass.expose());
        }
        for entry in no_proxy {
            builder = builder.no_proxy(entry);
        }
        builder.build().map_err(|_| Error::invalid_argument("proxy", "is not a usable proxy address"))
    }
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let credentials = if self.has_credentials() { "<redacted>@" } else { "" };
        write!(f, "\"http://{credentials}{}:{}\"", self.host, self.port)
    }
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`.
fn split_host_port(text: &str) -> Option<(&str, Option<u16>)> {
    let (host, port) = if text.starts_with('[') {
        let end = text.find(']')?;
        let after = &text[end + 1..];
        let port = if after.is_empty() { None } else { Some(after.strip_prefix(':')?) };
        (&text[..=end], port)
    } else {
        match text.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (text, None),
        }
    };
    let valid_host = !host.is_empty()
        && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '[' | ']' | ':'));
    let port = match port {
        None => None,
        Some(p) => Some(p.parse::<u16>().ok().filter(|p| *p != 0)?),
    };
    valid_host.then_some((host, port))
}

/// The ureq proxy for `setting`: `None` for a direct connection. The environment is read now.
pub(crate) fn resolve(setting: &ProxySetting) -> Result<Option<Proxy>> {
    resolve_with(setting, |name| std::env::var(name).ok())
}

fn resolve_with(setting: &ProxySetting, env: impl Fn(&str) -> Option<String>) -> Result<Option<Proxy>> {
    match setting {
        ProxySetting::Direct => Ok(None),
        ProxySetting::Url(url) => url.to_ureq(&[]).map(Some),
        ProxySetting::Environment => {
            let Some((name, value)) =
                PROXY_ENV_VARS.iter().find_map(|n| env(n).filter(|v| !v.trim().is_empty()).map(|v| (*n, v)))
            else {
                return Ok(None);
            };
            let url = ProxyUrl::parse(value.trim(), &format!("{name} (environment)"))?;
            let no_proxy: Vec<String> = NO_PROXY_ENV_VARS
                .iter()
                .find_map(|n| env(n))
                .map(|list| list.split(',').map(str::trim).filter(|e| !e.is_empty()).map(str::to_owned).collect())
                .unwrap_or_default();
            url.to_ureq(&no_proxy).map(Some)
        }
    }
}

/// How messages name a ureq proxy: `http://host:port`.
fn label(proxy: &Proxy) -> String {
    format!("http://{}:{}", proxy.host(), proxy.port())
}

/// A proxy failure, carried inside an I/O error through ureq to [`failure`].
#[derive(Debug)]
struct ProxyFailure(String);

impl fmt::Display for ProxyFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ProxyFailure {}

/// The typed error for a proxy failure carried by `e`, if it is one.
pub(crate) fn failure(e: &io::Error) -> Option<Error> {
    let failure = e.get_ref()?.downcast_ref::<ProxyFailure>()?;
    Some(Error::new(ErrorKind::Connect, failure.0.clone()))
}

/// ureq's CONNECT proxy connector, whose failures (reaching the proxy, or the proxy refusing the
/// tunnel) are reported as `proxy http://host:port: what happened`, credentials left out.
#[derive(Debug, Default)]
pub(crate) struct ProxyConnector(ConnectProxyConnector);

impl<In: Transport> Connector<In> for ProxyConnector {
    type Out = <ConnectProxyConnector as Connector<In>>::Out;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> std::result::Result<Option<Self::Out>, ureq::Error> {
        let through_proxy = chained.is_none();
        self.0.connect(details, chained).map_err(|e| match details.config.proxy() {
            Some(proxy) if through_proxy => {
                let what = describe(&e);
                ureq::Error::Io(io::Error::other(ProxyFailure(format!("proxy {}: {what}", label(proxy)))))
            }
            _ => e,
        })
    }
}

/// What went wrong with the proxy, in words (never the proxy's credentials: ureq's errors do
/// not carry them).
fn describe(e: &ureq::Error) -> String {
    use ureq::Error as U;
    match e {
        U::ConnectProxyFailed(reason) => {
            let status = reason
                .strip_prefix("proxy server responded ")
                .and_then(|r| r.split('/').next())
                .and_then(|s| s.parse::<u16>().ok());
            match status {
                Some(407) => "proxy authentication required (407)".to_owned(),
                Some(status) => format!("the proxy refused the tunnel with HTTP {status}"),
                None => "the proxy did not answer the CONNECT request".to_owned(),
            }
        }
        U::Timeout(_) => "timed out reaching the proxy or opening the tunnel".to_owned(),
        U::HostNotFound => "proxy host not found".to_owned(),
        U::Io(io) if io.kind() == io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
        U::Io(io) if io.to_string().starts_with("failed to lookup address") => "proxy host not found".to_owned(),
        U::Io(io) if io.kind() == io::ErrorKind::UnexpectedEof => {
            "the proxy closed the connection before answering the CONNECT request".to_owned()
        }
        U::Io(io) => format!("connection failed: {io}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_proxy_urls() {
        let u = ProxyUrl::parse("http://user:p%40ss@proxy.example:3128/", "proxy").unwrap();
        assert_eq!(u.display(), "http://proxy.example:3128");
        assert_eq!(u.password.as_ref().unwrap().expose(), "p@ss");
        assert_eq!(format!("{u:?}"), "\"http://<redacted>@proxy.example:3128\"");
        assert_eq!(ProxyUrl::parse("HTTP://10.0.0.1", "proxy").unwrap().display(), "http://10.0.0.1:80");
        assert_eq!(ProxyUrl::parse("http://[::1]:8080", "proxy").unwrap().display(), "http://[::1]:8080");
        for bad in ["proxy:80", "https://p:1", "socks5://p:1", "http://p:1/x", "http://", "http://p:0", "http://p:x"] {
            let e = ProxyUrl::parse(bad, "proxy").unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{bad}");
            assert!(e.message().contains("`proxy`"), "{e}");
        }
        let e = ProxyUrl::parse("ftp://user:hunter2@p", "proxy").unwrap_err();
        assert!(!e.message().contains("hunter2"));
    }

    #[test]
    fn settings_from_text() {
        assert_eq!(ProxySetting::parse(None).unwrap(), ProxySetting::Environment);
        assert_eq!(ProxySetting::parse(Some("")).unwrap(), ProxySetting::Direct);
        let s = ProxySetting::parse(Some("http://a:secretpw@h:1")).unwrap();
        assert!(!format!("{s:?}").contains("secretpw"));
    }

    #[test]
    fn environment_order_and_no_proxy() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |n: &str| vars.iter().find(|(k, _)| *k == n).map(|(_, v)| v.to_string())
        };
        let none = resolve_with(&ProxySetting::Environment, env(&[])).unwrap();
        assert!(none.is_none());
        let p = resolve_with(
            &ProxySetting::Environment,
            env(&[("ALL_PROXY", "http://all:1"), ("https_proxy", "http://https:2")]),
        )
        .unwrap()
        .unwrap();
        assert_eq!(label(&p), "http://https:2", "HTTPS_PROXY before ALL_PROXY");
        let p = resolve_with(&ProxySetting::Environment, env(&[("HTTPS_PROXY", " "), ("ALL_PROXY", "http://all:1")]))
            .unwrap()
            .unwrap();
        assert_eq!(label(&p), "http://all:1", "an empty variable is unset");
        let only_http = resolve_with(&ProxySetting::Environment, env(&[("HTTP_PROXY", "http://h:1")])).unwrap();
        assert!(only_http.is_none(), "HTTP_PROXY is not read");
        let p = resolve_with(
            &ProxySetting::Environment,
            env(&[("HTTPS_PROXY", "http://p:1"), ("NO_PROXY", "localhost, .internal.example")]),
        )
        .unwrap()
        .unwrap();
        let uri = |s: &str| s.parse::<ureq::http::Uri>().unwrap();
        assert!(p.is_no_proxy(&uri("https://localhost/x")));
        assert!(p.is_no_proxy(&uri("https://api.internal.example/x")));
        assert!(!p.is_no_proxy(&uri("https://api.lazada.sg/rest")));
        let e = resolve_with(&ProxySetting::Environment, env(&[("HTTPS_PROXY", "socks5://p:1")])).unwrap_err();
        assert!(e.message().contains("`HTTPS_PROXY (environment)`"), "{e}");
        assert!(resolve_with(&ProxySetting::Direct, env(&[("HTTPS_PROXY", "http://p:1")])).unwrap().is_none());
    }
}
