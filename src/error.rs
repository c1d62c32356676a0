//! The one error type of the library. Its text never contains secrets or tokens.

use std::fmt;
use std::time::Duration;

/// What kind of failure an [`Error`] is; stable, and mirrored by the C ABI's status codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A required argument was missing, empty or malformed.
    InvalidArgument,
    /// The connection could not be made; the request never reached the server.
    Connect,
    /// The connection failed after it was made; the request may have reached the server.
    Network,
    /// A connect or read timeout expired.
    Timeout,
    /// The TLS handshake or certificate verification failed.
    Tls,
    /// The server answered with an HTTP error status and a body that is not a platform envelope.
    Http,
    /// The body was not valid JSON, was truncated, or was larger than allowed.
    MalformedResponse,
    /// The platform answered with an error envelope (`code`, `type`, `message`, `request_id`).
    Platform,
    /// The access token presented has expired (EnOS status 1203): get a new one. Carries the
    /// platform fields like [`ErrorKind::Platform`].
    TokenExpired,
    /// The seller must authorize the app again (the refresh token is dead or expired, the
    /// grant cannot be refreshed, or no token is stored): no refresh can help.
    ReauthorizationRequired,
    /// A push message (webhook) was refused: its `Authorization` is missing, malformed or does
    /// not match the body, or the body is not a push message. The platform-error code says which:
    /// `MissingAuthorization`, `MalformedAuthorization`, `SignatureMismatch`, `MalformedBody`.
    PushRejected,
    /// The call was not sent: a rate budget or a ban learned from the platform (see
    /// [`crate::limits`]) would be exceeded and waiting longer than the limiter's max wait would
    /// be needed. [`Error::retry_after`] says when to try again; the platform-error code is
    /// `RateLimited`, or the platform code that caused the ban (e.g. `ApiCallLimit`).
    RateLimited,
    /// The app's daily quota is used up (learned from the platform): nothing is sent until the
    /// reset instant (AliExpress: next midnight GMT+8), which the message names in RFC 3339 with
    /// `+08:00`; [`Error::retry_after`] is the time left. Not retryable before then.
    QuotaExceeded,
    /// A bug in this library (such as a caught panic).
    Internal,
}

/// The fields of a platform error envelope.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlatformError {
    /// `code`, e.g. `IllegalRefreshToken` (numeric codes are given as text).
    pub code: String,
    /// `type`: `ISV`, `ISP` or `SYSTEM`, when given.
    pub error_type: Option<String>,
    /// `message` (flat envelope) or `msg` (wrapped envelope).
    pub message: Option<String>,
    /// `sub_code`, when given.
    pub sub_code: Option<String>,
    /// `sub_msg`, when given.
    pub sub_message: Option<String>,
    /// `request_id`, when given.
    pub request_id: Option<String>,
}

/// A failed operation: its kind, a message free of secrets, and what the server said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    http_status: Option<u16>,
    platform: Option<Box<PlatformError>>,
    retry_after: Option<Duration>,
}

/// Shorthand for results of this library.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// A new error of `kind` with a message that must not contain secrets.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error { kind, message: message.into(), http_status: None, platform: None, retry_after: None }
    }

    /// An invalid-argument error naming the argument.
    pub fn invalid_argument(argument: &str, reason: &str) -> Error {
        Error::new(ErrorKind::InvalidArgument, format!("invalid argument `{argument}`: {reason}"))
    }

    /// A platform error built from an error envelope received with `http_status`.
    pub fn platform(platform: PlatformError, http_status: u16) -> Error {
        let mut message = format!("platform error {}", platform.code);
        if let Some(text) = platform.message.as_deref().filter(|m| !m.is_empty()) {
            message.push_str(": ");
            message.push_str(text);
        }
        if let Some(sub) = platform.sub_code.as_deref() {
            message.push_str(&format!(" ({sub})"));
        }
        if let Some(id) = platform.request_id.as_deref() {
            message.push_str(&format!(" [request_id {id}]"));
        }
        Error {
            kind: ErrorKind::Platform,
            message,
            http_status: Some(http_status),
            retry_after: crate::throttle::retry_after(&platform),
            platform: Some(Box::new(platform)),
        }
    }

    /// A refused push message: `code` (one of the [`ErrorKind::PushRejected`] codes) is given as
    /// the platform-error code, so callers can tell the reasons apart. `message` must not quote
    /// the header, the body or the secret.
    pub(crate) fn push_rejected(code: &str, message: &str) -> Error {
        Error {
            kind: ErrorKind::PushRejected,
            message: format!("push message rejected ({code}): {message}"),
            http_status: None,
            platform: Some(Box::new(PlatformError { code: code.to_owned(), ..PlatformError::default() })),
            retry_after: None,
        }
    }

    /// A call the rate limiter kept from being sent ([`ErrorKind::RateLimited`] or
    /// [`ErrorKind::QuotaExceeded`]): `code` is `RateLimited` or the platform code of the ban.
    pub(crate) fn limited(kind: ErrorKind, message: String, code: &str, retry_after: std::time::Duration) -> Error {
        Error {
            kind,
            message,
            http_status: None,
            platform: Some(Box::new(PlatformError { code: code.to_owned(), ..PlatformError::default() })),
            retry_after: Some(retry_after),
        }
    }

    /// Attaches the HTTP status the error arrived with.
    pub fn with_http_status(mut self, status: u16) -> Error {
        self.http_status = Some(status);
        self
    }

    /// The same error as another kind (a refinement such as [`ErrorKind::TokenExpired`]).
    pub(crate) fn with_kind(mut self, kind: ErrorKind) -> Error {
        self.kind = kind;
        self
    }

    /// Appends ` (note)` to the message, e.g. how many attempts were made.
    pub(crate) fn with_note(mut self, note: &str) -> Error {
        self.message.push_str(&format!(" ({note})"));
        self
    }

    /// Forgets the HTTP status (for bodies that did not arrive over HTTP).
    pub(crate) fn without_http_status(mut self) -> Error {
        self.http_status = None;
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The human-readable message (never contains secrets).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP status of the response that carried the error, if there was one.
    pub fn http_status(&self) -> Option<u16> {
        self.http_status
    }

    /// The platform's error fields, for [`ErrorKind::Platform`] (and the reason code of
    /// [`ErrorKind::PushRejected`]).
    pub fn platform_error(&self) -> Option<&PlatformError> {
        self.platform.as_deref()
    }

    /// For a throttling error (`ApiCallLimit`, `AppCallLimit`), how long the platform says the
    /// ban lasts ("ban will last N seconds"); for [`ErrorKind::RateLimited`] and
    /// [`ErrorKind::QuotaExceeded`], when to try again; `None` otherwise. Without a configured
    /// rate limiter the library never waits on its own.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_message_has_fields() {
        let e = Error::platform(
            PlatformError {
                code: "InvalidCode".into(),
                message: Some("Invalid authorization code".into()),
                request_id: Some("0b1234".into()),
                ..Default::default()
            },
            400,
        );
        assert_eq!(e.kind(), ErrorKind::Platform);
        assert_eq!(e.http_status(), Some(400));
        assert_eq!(e.to_string(), "platform error InvalidCode: Invalid authorization code [request_id 0b1234]");
    }
}
