//! HTTP for the client: a pooled `ureq` agent per configuration, request encoding and
//! the mapping of transport failures to typed errors.

use std::cell::Cell;
use std::io;

use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};
use ureq::unversioned::multipart::{Form, Part};
use ureq::unversioned::resolver::DefaultResolver;
use ureq::unversioned::transport::{ConnectionDetails, Connector, RustlsConnector};
use ureq::{Agent, Timeout};

use crate::config::ClientConfig;
use crate::error::{Error, ErrorKind, Result};
use crate::request::{FilePart, HttpMethod};

pub(crate) mod proxy;
mod tcp;

/// What to send: URL, method, every parameter (signed ones and `sign`), files and headers.
pub struct Outgoing<'a> {
    /// Full request URL without a query.
    pub url: &'a str,
    /// GET or POST.
    pub method: HttpMethod,
    /// Every parameter, `sign` included.
    pub params: &'a [(&'a str, &'a str)],
    /// Files for a multipart body.
    pub files: &'a [FilePart],
    /// Extra headers.
    pub headers: &'a [(String, String)],
}

/// What came back: HTTP status and the body bytes (at most the configured cap).
pub struct Incoming {
    /// The HTTP status.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
}

/// Builds the keep-alive agent for `config`; TLS verification is always on.
pub fn agent(config: &ClientConfig) -> Result<Agent> {
    let mut tls = TlsConfig::builder();
    if let Some(pem) = &config.ca_bundle_pem {
        tls = tls.root_certs(RootCerts::new_with_certs(&parse_ca_bundle(pem, "ca_bundle")?));
    }
    let read = Some(config.read_timeout);
    let settings = Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .user_agent(concat!("iopkit/", env!("CARGO_PKG_VERSION")))
        .timeout_connect(Some(config.connect_timeout))
        .timeout_send_request(read)
        .timeout_send_body(read)
        .timeout_recv_response(read)
        .timeout_recv_body(read)
        .tls_config(tls.build())
        // One client talks to one gateway host: the whole pool serves that host.
        .max_idle_connections(config.max_idle_connections)
        .max_idle_connections_per_host(config.max_idle_connections)
        .max_idle_age(config.idle_timeout)
        .proxy(proxy::resolve(&config.proxy)?)
        .build();
    // ureq's default chain (an HTTP CONNECT proxy if configured, TCP, rustls) with our TCP layer
    // and proxy failures named as such.
    let chain = ().chain(proxy::ProxyConnector::default()).chain(tcp::TcpConnector).chain(RustlsConnector::default());
    Ok(Agent::with_parts(settings, NotingConnector(chain), DefaultResolver::default()))
}

thread_local! {
    /// Set when the connector (TCP connect, then the TLS handshake) failed on this thread;
    /// taken by `map_error`. Such a failure proves that no byte of the request was written.
    static CONNECT_FAILED: Cell<bool> = const { Cell::new(false) };
}

/// The connector chain, noting on the calling thread whether it failed. (ureq is blocking: the
/// connector runs on the thread that makes the call.)
#[derive(Debug)]
struct NotingConnector<C>(C);

impl<C: Connector<()>> Connector<()> for NotingConnector<C> {
    type Out = C::Out;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<()>,
    ) -> std::result::Result<Option<Self::Out>, ureq::Error> {
        CONNECT_FAILED.with(|f| f.set(false));
        let result = self.0.connect(details, chained);
        if !matches!(result, Ok(Some(_))) {
            CONNECT_FAILED.with(|f| f.set(true));
        }
        result
    }
}

/// The certificates of a PEM bundle; invalid PEM or none at all is refused naming `name`.
pub(crate) fn parse_ca_bundle(pem: &[u8], name: &str) -> Result<Vec<Certificate<'static>>> {
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(pem) {
        match item {
            Ok(PemItem::Certificate(cert)) => certs.push(cert),
            Ok(_) => {}
            Err(_) => return Err(Error::invalid_argument(name, "is not valid PEM")),
        }
    }
    if certs.is_empty() {
        return Err(Error::invalid_argument(name, "contains no PEM certificate"));
    }
    Ok(certs)
}

/// Sends one request and reads the whole response body (up to `max_body` bytes).
pub fn send(agent: &Agent, out: &Outgoing<'_>, max_body: u64) -> Result<Incoming> {
    let result = match out.method {
        HttpMethod::Get => {
            let mut req = agent.get(out.url).query_pairs(out.params.iter().copied());
            for (k, v) in out.headers {
                req = req.header(k, v);
            }
            req.call()
        }
        HttpMethod::Post => {
            let mut req = agent.post(out.url);
            for (k, v) in out.headers {
                req = req.header(k, v);
            }
            if out.files.is_empty() {
                req.send_form(out.params.iter().copied())
            } else {
                let mut form = Form::new();
                for (k, v) in out.params {
                    form = form.text(k, v);
                }
                for file in out.files {
                    let content_type = file.content_type.as_deref().unwrap_or("application/octet-stream");
                    let part =
                        Part::bytes(&file.content).file_name(&file.file_name).mime_str(content_type).map_err(|_| {
                            Error::invalid_argument("content_type", "must be a MIME type such as image/png")
                        })?;
                    form = form.part(&file.name, part);
                }
                req.send(form)
            }
        }
    };
    read(result, max_body)
}

/// A request with an explicit method and a body sent byte for byte (EnOS calls).
pub struct RawOutgoing<'a> {
    /// `GET`, `POST`, `PUT`, `PATCH` or `DELETE`.
    pub method: &'a str,
    /// Full URL, query included.
    pub url: &'a str,
    /// Headers.
    pub headers: &'a [(&'a str, String)],
    /// The body and its content type; `None` sends none.
    pub body: Option<(&'a [u8], &'a str)>,
}

/// Sends a [`RawOutgoing`] and reads the whole response body (up to `max_body` bytes).
pub fn send_raw(agent: &Agent, out: &RawOutgoing<'_>, max_body: u64) -> Result<Incoming> {
    macro_rules! with_headers {
        ($req:expr) => {{
            let mut req = $req;
            for (k, v) in out.headers {
                req = req.header(*k, v);
            }
            req
        }};
    }
    let body = |req: ureq::RequestBuilder<ureq::typestate::WithBody>| match out.body {
        Some((bytes, content_type)) => req.content_type(content_type).send(bytes),
        None => req.send_empty(),
    };
    if out.body.is_some() && matches!(out.method, "GET" | "DELETE") {
        return Err(Error::invalid_argument("body", "GET and DELETE requests carry no body"));
    }
    let no_body = |req: ureq::RequestBuilder<ureq::typestate::WithoutBody>| req.call();
    let result = match out.method {
        "GET" => no_body(with_headers!(agent.get(out.url))),
        "DELETE" => no_body(with_headers!(agent.delete(out.url))),
        "POST" => body(with_headers!(agent.post(out.url))),
        "PUT" => body(with_headers!(agent.put(out.url))),
        "PATCH" => body(with_headers!(agent.patch(out.url))),
        _ => return Err(Error::invalid_argument("method", "must be GET, POST, PUT, PATCH or DELETE")),
    };
    read(result, max_body)
}

/// Maps the outcome of an exchange and reads the body.
fn read(result: std::result::Result<ureq::http::Response<ureq::Body>, ureq::Error>, max_body: u64) -> Result<Incoming> {
    let mut response = result.map_err(|e| map_error(e, Phase::Exchange))?;
    let status = response.status().as_u16();
    let body =
        response.body_mut().with_config().limit(max_body).read_to_vec().map_err(|e| map_error(e, Phase::Body))?;
    Ok(Incoming { status, body })
}

/// Sends a bare GET to `url` and returns the HTTP status and the `Date` header (the body, at
/// most 64 KiB of it, is read and dropped). For measuring the gateway's clock.
pub fn get_date(agent: &Agent, url: &str) -> Result<(u16, Option<String>)> {
    let mut response = agent.get(url).call().map_err(|e| map_error(e, Phase::Exchange))?;
    let date = response.headers().get("date").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let _ = response.body_mut().with_config().limit(64 * 1024).read_to_vec();
    Ok((response.status().as_u16(), date))
}

/// Where a failure happened: while connecting (nothing was sent), before the response head
/// arrived, or while reading the body.
#[derive(Clone, Copy, PartialEq)]
enum Phase {
    Connect,
    Exchange,
    Body,
}

/// Maps a `ureq` failure to a typed error with a message free of request data.
///
/// [`ErrorKind::Connect`] (the one kind that is retried) is given only to failures that prove
/// the request was never sent: a failed name lookup, or a failure inside the connector.
fn map_error(e: ureq::Error, phase: Phase) -> Error {
    use ureq::Error as U;
    let phase = if CONNECT_FAILED.with(|f| f.replace(false)) { Phase::Connect } else { phase };
    match e {
        U::Timeout(Timeout::Connect | Timeout::Resolve) => Error::new(ErrorKind::Timeout, "connect timeout expired"),
        U::Timeout(t) => Error::new(ErrorKind::Timeout, format!("read timeout expired ({t})")),
        U::HostNotFound => Error::new(ErrorKind::Connect, "host not found"),
        U::ConnectionFailed if phase == Phase::Connect => Error::new(ErrorKind::Connect, "connection failed"),
        U::ConnectionFailed => Error::new(ErrorKind::Network, "connection failed"),
        U::BodyExceedsLimit(n) => {
            Error::new(ErrorKind::MalformedResponse, format!("response body larger than the {n}-byte limit"))
        }
        U::Tls(m) => Error::new(ErrorKind::Tls, format!("TLS error: {m}")),
        U::Rustls(r) => tls_error(&r),
        U::Pem(_) => Error::new(ErrorKind::Tls, "TLS error: bad PEM"),
        U::BadUri(_) | U::Http(_) => {
            Error::new(ErrorKind::InvalidArgument, "invalid argument `server_url`: not a usable URL")
        }
        U::Protocol(p) => Error::new(ErrorKind::Network, format!("HTTP protocol error: {p}")),
        U::Io(io) => map_io(&io, phase),
        other if phase == Phase::Connect => Error::new(ErrorKind::Connect, format!("connection failed: {other}")),
        other => Error::new(ErrorKind::Network, format!("transport error: {other}")),
    }
}

/// A TLS failure; an answer that is not TLS at all (a plain-HTTP port answering the
/// handshake with an HTTP error page) is said to be so.
fn tls_error(e: &rustls::Error) -> Error {
    match e {
        rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType) => Error::new(
            ErrorKind::Tls,
            "TLS error: the server did not answer TLS (plain HTTP port? use http:// or the HTTPS port)",
        ),
        other => Error::new(ErrorKind::Tls, format!("TLS error: {other}")),
    }
}

fn map_io(e: &io::Error, phase: Phase) -> Error {
    use io::ErrorKind as K;
    if let Some(proxy_failure) = proxy::failure(e) {
        return proxy_failure;
    }
    let text = e.to_string();
    if let Some(tls) = e.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()) {
        return tls_error(tls);
    }
    // std reports a failed name lookup (getaddrinfo) only through its message.
    if text.starts_with("failed to lookup address") {
        return Error::new(ErrorKind::Connect, format!("host not found: {text}"));
    }
    match e.kind() {
        K::TimedOut | K::WouldBlock if phase == Phase::Connect => {
            Error::new(ErrorKind::Timeout, "connect timeout expired")
        }
        _ if phase == Phase::Connect => Error::new(ErrorKind::Connect, format!("connection failed: {text}")),
        K::TimedOut | K::WouldBlock => Error::new(ErrorKind::Timeout, "read timeout expired"),
        K::UnexpectedEof if phase == Phase::Body => {
            Error::new(ErrorKind::MalformedResponse, "response ended early (truncated body)")
        }
        K::UnexpectedEof => Error::new(ErrorKind::Network, "connection closed before a response arrived"),
        _ => Error::new(ErrorKind::Network, format!("network error: {text}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_of(e: io::Error, phase: Phase) -> ErrorKind {
        map_io(&e, phase).kind()
    }

    #[test]
    fn a_plain_http_answer_to_tls_is_named() {
        let e = map_io(
            &io::Error::other(rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType)),
            Phase::Connect,
        );
        assert_eq!(e.kind(), ErrorKind::Tls);
        assert!(e.message().contains("the server did not answer TLS (plain HTTP port?"), "{e}");
        let other = map_io(&io::Error::other(rustls::Error::DecryptError), Phase::Connect);
        assert_eq!(other.message(), "TLS error: cannot decrypt peer's message");
    }

    #[test]
    fn io_errors_map_to_kinds() {
        let lookup = io::Error::other("failed to lookup address information: Name or service not known");
        assert_eq!(kind_of(lookup, Phase::Exchange), ErrorKind::Connect);
        assert_eq!(kind_of(io::ErrorKind::ConnectionRefused.into(), Phase::Connect), ErrorKind::Connect);
        assert_eq!(kind_of(io::ErrorKind::ConnectionReset.into(), Phase::Connect), ErrorKind::Connect);
        assert_eq!(kind_of(io::ErrorKind::TimedOut.into(), Phase::Connect), ErrorKind::Timeout);
        // After connecting, even an "unreachable" error may follow a request that arrived.
        assert_eq!(kind_of(io::ErrorKind::HostUnreachable.into(), Phase::Exchange), ErrorKind::Network);
        assert_eq!(kind_of(io::ErrorKind::ConnectionRefused.into(), Phase::Body), ErrorKind::Network);
        assert_eq!(kind_of(io::ErrorKind::TimedOut.into(), Phase::Body), ErrorKind::Timeout);
        assert_eq!(kind_of(io::ErrorKind::UnexpectedEof.into(), Phase::Body), ErrorKind::MalformedResponse);
        assert_eq!(kind_of(io::ErrorKind::UnexpectedEof.into(), Phase::Exchange), ErrorKind::Network);
        assert_eq!(kind_of(io::ErrorKind::ConnectionReset.into(), Phase::Exchange), ErrorKind::Network);
    }
}
