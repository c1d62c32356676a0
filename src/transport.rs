//! HTTP for the client: a pooled `ureq` agent per configuration, request encoding and
//! the mapping of transport failures to typed errors.

use std::io;

use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};
use ureq::unversioned::multipart::{Form, Part};
use ureq::{Agent, Timeout};

use crate::config::ClientConfig;
use crate::error::{Error, ErrorKind, Result};
use crate::request::{FilePart, HttpMethod};

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
        tls = tls.root_certs(RootCerts::new_with_certs(&parse_ca_bundle(pem)?));
    }
    let read = Some(config.read_timeout);
    Ok(Agent::config_builder()
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
        .build()
        .new_agent())
}

fn parse_ca_bundle(pem: &[u8]) -> Result<Vec<Certificate<'static>>> {
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(pem) {
        match item {
            Ok(PemItem::Certificate(cert)) => certs.push(cert),
            Ok(_) => {}
            Err(_) => return Err(Error::invalid_argument("ca_bundle", "is not valid PEM")),
        }
    }
    if certs.is_empty() {
        return Err(Error::invalid_argument("ca_bundle", "contains no PEM certificate"));
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
    let mut response = result.map_err(|e| map_error(e, Phase::Exchange))?;
    let status = response.status().as_u16();
    let body =
        response.body_mut().with_config().limit(max_body).read_to_vec().map_err(|e| map_error(e, Phase::Body))?;
    Ok(Incoming { status, body })
}

/// Where a failure happened: before the response head arrived, or while reading the body.
#[derive(Clone, Copy, PartialEq)]
enum Phase {
    Exchange,
    Body,
}

/// Maps a `ureq` failure to a typed error with a message free of request data.
fn map_error(e: ureq::Error, phase: Phase) -> Error {
    use ureq::Error as U;
    match e {
        U::Timeout(Timeout::Connect | Timeout::Resolve) => Error::new(ErrorKind::Timeout, "connect timeout expired"),
        U::Timeout(t) => Error::new(ErrorKind::Timeout, format!("read timeout expired ({t})")),
        U::HostNotFound => Error::new(ErrorKind::Connect, "host not found"),
        U::ConnectionFailed => Error::new(ErrorKind::Connect, "connection failed"),
        U::BodyExceedsLimit(n) => {
            Error::new(ErrorKind::MalformedResponse, format!("response body larger than the {n}-byte limit"))
        }
        U::Tls(m) => Error::new(ErrorKind::Tls, format!("TLS error: {m}")),
        U::Rustls(r) => Error::new(ErrorKind::Tls, format!("TLS error: {r}")),
        U::Pem(_) => Error::new(ErrorKind::Tls, "TLS error: bad PEM"),
        U::BadUri(_) | U::Http(_) => {
            Error::new(ErrorKind::InvalidArgument, "invalid argument `server_url`: not a usable URL")
        }
        U::Protocol(p) => Error::new(ErrorKind::Network, format!("HTTP protocol error: {p}")),
        U::Io(io) => map_io(&io, phase),
        other => Error::new(ErrorKind::Network, format!("transport error: {other}")),
    }
}

fn map_io(e: &io::Error, phase: Phase) -> Error {
    use io::ErrorKind as K;
    let text = e.to_string();
    if let Some(tls) = e.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()) {
        return Error::new(ErrorKind::Tls, format!("TLS error: {tls}"));
    }
    // std reports a failed name lookup (getaddrinfo) only through its message.
    if text.starts_with("failed to lookup address") {
        return Error::new(ErrorKind::Connect, format!("host not found: {text}"));
    }
    match e.kind() {
        K::ConnectionRefused | K::AddrNotAvailable | K::NetworkUnreachable | K::HostUnreachable => {
            Error::new(ErrorKind::Connect, format!("connection failed: {text}"))
        }
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
    fn io_errors_map_to_kinds() {
        let lookup = io::Error::other("failed to lookup address information: Name or service not known");
        assert_eq!(kind_of(lookup, Phase::Exchange), ErrorKind::Connect);
        assert_eq!(kind_of(io::ErrorKind::ConnectionRefused.into(), Phase::Exchange), ErrorKind::Connect);
        assert_eq!(kind_of(io::ErrorKind::TimedOut.into(), Phase::Body), ErrorKind::Timeout);
        assert_eq!(kind_of(io::ErrorKind::UnexpectedEof.into(), Phase::Body), ErrorKind::MalformedResponse);
        assert_eq!(kind_of(io::ErrorKind::UnexpectedEof.into(), Phase::Exchange), ErrorKind::Network);
        assert_eq!(kind_of(io::ErrorKind::ConnectionReset.into(), Phase::Exchange), ErrorKind::Network);
    }
}
