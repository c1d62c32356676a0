//! Connections to the Redis server of a [`super::RedisStore`]: a small pool of sync connections
//! that reconnects after failures, Redis errors turned into typed errors that never show the
//! password, and the URL checks and redaction.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use redis::{Client, Connection, ConnectionLike, RedisError, RedisResult};

use crate::error::{Error, ErrorKind, Result};
use crate::urlencode;

/// Idle connections kept for reuse.
const MAX_IDLE: usize = 8;

/// What a Redis URL may contain, split for checks and redaction.
pub(crate) struct UrlParts {
    /// The URL with its password (and `pass`/`password` query values) replaced by `***`.
    pub(crate) redacted: String,
    /// `host:port` (or the socket path), for messages.
    pub(crate) location: String,
    /// The password as written and decoded, to scrub from error texts.
    pub(crate) secrets: Vec<String>,
}

/// Checks a Redis URL (`redis://`, `rediss://` or `redis+unix://`/`unix://`; TLS verification
/// cannot be turned off) and splits it. Errors never quote the URL.
pub(crate) fn parse_url(url: &str) -> Result<UrlParts> {
    let bad = |why: &str| Error::invalid_argument("url", why);
    let (scheme, rest) = url.split_once("://").ok_or_else(|| bad("must start with redis:// or rediss://"))?;
    if !matches!(scheme, "redis" | "rediss" | "redis+unix" | "unix") {
        return Err(bad("must start with redis://, rediss:// or redis+unix://"));
    }
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(bad("must not contain spaces or control characters"));
    }
    let (rest, fragment) = match rest.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (rest, None),
    };
    if fragment.is_some_and(|f| f.contains("insecure")) {
        return Err(bad("asks to skip TLS certificate verification (#insecure), which iopkit never does"));
    }
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let mut secrets = Vec::new();
    let (userinfo, host) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let userinfo = userinfo.map(|u| match u.split_once(':') {
        Some((user, password)) => {
            secrets.push(password.to_owned());
            format!("{user}:***@")
        }
        None => format!("{u}@"),
    });
    let (path, query) = match tail.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (tail, None),
    };
    let query = query.map(|q| {
        let pairs: Vec<String> = q
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, v)) if matches!(k, "pass" | "password") => {
                    secrets.push(v.to_owned());
                    format!("{k}=***")
                }
                _ => pair.to_owned(),
            })
            .collect();
        format!("?{}", pairs.join("&"))
    });
    for s in secrets.clone() {
        if let Some(decoded) = urlencode::decode(&s).filter(|d| *d != s) {
            secrets.push(decoded);
        }
    }
    secrets.retain(|s| !s.is_empty());
    let location = if host.is_empty() { path.to_owned() } else { host.to_owned() };
    let redacted = format!(
        "{scheme}://{}{host}{path}{}{}",
        userinfo.unwrap_or_default(),
        query.unwrap_or_default(),
        fragment.map(|f| format!("#{f}")).unwrap_or_default()
    );
    Ok(UrlParts { redacted, location, secrets })
}

/// The connections of one store.
pub(crate) struct Connector {
    client: Client,
    idle: Mutex<Vec<Connection>>,
    connect_timeout: Duration,
    io_timeout: Duration,
    location: String,
    secrets: Vec<String>,
}

/// `text` without the password.
fn scrub(text: &str, secrets: &[String]) -> String {
    let mut text = text.to_owned();
    for secret in secrets {
        text = text.replace(secret.as_str(), "***");
    }
    text
}

/// Whether a failure leaves the connection unusable (a reply may be pending or the socket is gone).
fn breaks_connection(e: &RedisError) -> bool {
    e.is_io_error() || e.is_connection_dropped() || e.is_connection_refusal() || e.is_timeout()
}

impl Connector {
    /// A connector for a URL checked by [`parse_url`]; connects on first use.
    pub(crate) fn new(url: &str, parts: UrlParts, connect_timeout: Duration, io_timeout: Duration) -> Result<Self> {
        let client = Client::open(url).map_err(|e| {
            Error::invalid_argument("url", &format!("is not a Redis URL ({})", scrub(&e.to_string(), &parts.secrets)))
        })?;
        Ok(Connector {
            client,
            idle: Mutex::new(Vec::new()),
            connect_timeout,
            io_timeout,
            location: parts.location,
            secrets: parts.secrets,
        })
    }

    fn idle(&self) -> MutexGuard<'_, Vec<Connection>> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn connect(&self, what: &str) -> Result<Connection> {
        let con = self.client.get_connection_with_timeout(self.connect_timeout).map_err(|e| self.error(what, &e))?;
        con.set_read_timeout(Some(self.io_timeout)).map_err(|e| self.error(what, &e))?;
        con.set_write_timeout(Some(self.io_timeout)).map_err(|e| self.error(what, &e))?;
        Ok(con)
    }

    fn give_back(&self, con: Connection) {
        let mut idle = self.idle();
        if con.is_open() && idle.len() < MAX_IDLE {
            idle.push(con);
        }
    }

    /// Runs `op` on a connection (`what` says what it does, for errors). When a pooled
    /// connection turns out broken (the server restarted, say), every idle connection is
    /// dropped and `op` runs once more on a new one, so `op` must be safe to repeat: its second
    /// run gets `true`.
    pub(crate) fn run<T>(&self, what: &str, mut op: impl FnMut(&mut Connection, bool) -> RedisResult<T>) -> Result<T> {
        let pooled = self.idle().pop();
        let from_pool = pooled.is_some();
        let mut con = match pooled {
            Some(con) => con,
            None => self.connect(what)?,
        };
        let mut retried = false;
        loop {
            match op(&mut con, retried) {
                Ok(value) => {
                    self.give_back(con);
                    return Ok(value);
                }
                Err(e) if breaks_connection(&e) && from_pool && !retried && !e.is_timeout() => {
                    self.idle().clear();
                    con = self.connect(what)?;
                    retried = true;
                }
                Err(e) => {
                    if !breaks_connection(&e) {
                        self.give_back(con);
                    }
                    return Err(self.error(what, &e));
                }
            }
        }
    }

    /// A typed error for a failed `what`: [`ErrorKind::Connect`] when the server cannot be
    /// reached or cannot serve yet (nothing was done), [`ErrorKind::Timeout`],
    /// [`ErrorKind::Tls`], [`ErrorKind::InvalidArgument`] for refused credentials or
    /// permissions, [`ErrorKind::Network`] otherwise.
    pub(crate) fn error(&self, what: &str, e: &RedisError) -> Error {
        use redis::{ErrorKind as R, ServerErrorKind as S};
        let detail = scrub(&e.to_string(), &self.secrets);
        let lower = detail.to_ascii_lowercase();
        let kind = match e.kind() {
            _ if e.is_connection_refusal() => ErrorKind::Connect,
            _ if e.is_timeout() => ErrorKind::Timeout,
            _ if lower.contains("ssl") || lower.contains("certificate") || lower.contains("tls") => ErrorKind::Tls,
            R::AuthenticationFailed | R::InvalidClientConfig | R::Server(S::NoPerm) => ErrorKind::InvalidArgument,
            _ if matches!(e.code(), Some("NOAUTH" | "WRONGPASS")) => ErrorKind::InvalidArgument,
            R::Server(S::BusyLoading | S::MasterDown | S::TryAgain | S::ClusterDown) => ErrorKind::Connect,
            _ => ErrorKind::Network,
        };
        Error::new(kind, format!("token store (redis at {}): cannot {what}: {detail}", self.location))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_and_redacted() {
        let p = parse_url("redis://app:s%40cret@cache.internal:6380/2").unwrap();
        assert_eq!(p.redacted, "redis://app:***@cache.internal:6380/2");
        assert_eq!(p.location, "cache.internal:6380");
        assert_eq!(p.secrets, ["s%40cret", "s@cret"]);
        let p = parse_url("redis+unix:///run/redis.sock?db=1&pass=hunter2").unwrap();
        assert_eq!(p.redacted, "redis+unix:///run/redis.sock?db=1&pass=***");
        assert_eq!(p.location, "/run/redis.sock");
        assert_eq!(p.secrets, ["hunter2"]);
        assert_eq!(parse_url("rediss://h:1").unwrap().redacted, "rediss://h:1");
        for bad in ["http://h", "h:6379", "rediss://h/#insecure", "redis://h /"] {
            assert_eq!(parse_url(bad).err().unwrap().kind(), ErrorKind::InvalidArgument, "{bad}");
        }
        let e = parse_url("http://u:topsecret@h").err().unwrap();
        assert!(!e.message().contains("topsecret"));
    }
}
