//! Status codes returned by every fallible C function, and the C-side enums.
#![allow(non_camel_case_types)]

use crate::error::{Error, ErrorKind};

/// Result of a fallible `iop_*` function: `IOP_OK` (0) or the kind of failure.
/// Details of a failure are read with `iop_last_error_*` on the same thread.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IopStatus {
    /// Success.
    IOP_OK = 0,
    /// A required argument was NULL, not UTF-8, empty or malformed; the message names it.
    IOP_ERR_INVALID_ARGUMENT = 1,
    /// The connection could not be made: the request never reached the server.
    IOP_ERR_CONNECT = 2,
    /// The connection failed after it was made: the request may have reached the server.
    IOP_ERR_NETWORK = 3,
    /// The connect or read timeout expired.
    IOP_ERR_TIMEOUT = 4,
    /// TLS handshake or certificate verification failed.
    IOP_ERR_TLS = 5,
    /// An HTTP error status with a body that is not a platform envelope (e.g. an HTML 502 page).
    IOP_ERR_HTTP = 6,
    /// The body was not JSON, was truncated, or exceeded the size limit.
    IOP_ERR_MALFORMED_RESPONSE = 7,
    /// The platform returned an error envelope (token helpers only; `iop_client_execute`
    /// returns such responses as `IOP_OK`).
    IOP_ERR_PLATFORM = 8,
    /// A bug in the library (for example a caught panic).
    IOP_ERR_INTERNAL = 9,
    /// The access token presented has expired (EnOS status 1203): get a new one. The platform
    /// fields are set as for `IOP_ERR_PLATFORM` (`iop_last_error_code` is `"1203"`).
    IOP_ERR_TOKEN_EXPIRED = 10,
    /// The seller must authorize the app again (token manager: the refresh token is dead or
    /// expired, the grant cannot be refreshed, or nothing is stored). No retry can help.
    IOP_ERR_REAUTHORIZATION_REQUIRED = 11,
    /// A push message (webhook) was refused: its Authorization is missing, malformed or does
    /// not match the body, or the body is not a push message. `iop_last_error_code` says which:
    /// `"MissingAuthorization"`, `"MalformedAuthorization"`, `"SignatureMismatch"`,
    /// `"MalformedBody"`. Answer the platform with a non-200 status (e.g. 401).
    IOP_ERR_PUSH_REJECTED = 12,
    /// The call was not sent: a budget or a ban learned from the platform would be exceeded and
    /// waiting longer than the rate limiter's max wait would be needed (or max wait is 0).
    /// `iop_last_error_retry_after_ms` says when to try again; `iop_last_error_code` is
    /// `"RateLimited"` or the platform code that caused the ban (e.g. `"ApiCallLimit"`).
    IOP_ERR_RATE_LIMITED = 13,
    /// The app's daily quota is used up (learned from the platform): nothing is sent until the
    /// reset instant (AliExpress: next midnight GMT+8), named in the message as RFC 3339 with
    /// +08:00; `iop_last_error_retry_after_ms` is the time left. Not retryable before.
    IOP_ERR_QUOTA_EXCEEDED = 14,
}

/// Every status, in value order (for tests and bindings).
pub(crate) const ALL_STATUSES: [IopStatus; 15] = [
    IopStatus::IOP_OK,
    IopStatus::IOP_ERR_INVALID_ARGUMENT,
    IopStatus::IOP_ERR_CONNECT,
    IopStatus::IOP_ERR_NETWORK,
    IopStatus::IOP_ERR_TIMEOUT,
    IopStatus::IOP_ERR_TLS,
    IopStatus::IOP_ERR_HTTP,
    IopStatus::IOP_ERR_MALFORMED_RESPONSE,
    IopStatus::IOP_ERR_PLATFORM,
    IopStatus::IOP_ERR_INTERNAL,
    IopStatus::IOP_ERR_TOKEN_EXPIRED,
    IopStatus::IOP_ERR_REAUTHORIZATION_REQUIRED,
    IopStatus::IOP_ERR_PUSH_REJECTED,
    IopStatus::IOP_ERR_RATE_LIMITED,
    IopStatus::IOP_ERR_QUOTA_EXCEEDED,
];

impl IopStatus {
    /// The status reported for an error of this kind.
    pub fn of(error: &Error) -> IopStatus {
        match error.kind() {
            ErrorKind::InvalidArgument => IopStatus::IOP_ERR_INVALID_ARGUMENT,
            ErrorKind::Connect => IopStatus::IOP_ERR_CONNECT,
            ErrorKind::Network => IopStatus::IOP_ERR_NETWORK,
            ErrorKind::Timeout => IopStatus::IOP_ERR_TIMEOUT,
            ErrorKind::Tls => IopStatus::IOP_ERR_TLS,
            ErrorKind::Http => IopStatus::IOP_ERR_HTTP,
            ErrorKind::MalformedResponse => IopStatus::IOP_ERR_MALFORMED_RESPONSE,
            ErrorKind::Platform => IopStatus::IOP_ERR_PLATFORM,
            ErrorKind::Internal => IopStatus::IOP_ERR_INTERNAL,
            ErrorKind::TokenExpired => IopStatus::IOP_ERR_TOKEN_EXPIRED,
            ErrorKind::ReauthorizationRequired => IopStatus::IOP_ERR_REAUTHORIZATION_REQUIRED,
            ErrorKind::PushRejected => IopStatus::IOP_ERR_PUSH_REJECTED,
            ErrorKind::RateLimited => IopStatus::IOP_ERR_RATE_LIMITED,
            ErrorKind::QuotaExceeded => IopStatus::IOP_ERR_QUOTA_EXCEEDED,
        }
    }

    /// The constant's name, e.g. `"IOP_ERR_TIMEOUT"`.
    pub fn name(self) -> &'static std::ffi::CStr {
        match self {
            IopStatus::IOP_OK => c"IOP_OK",
            IopStatus::IOP_ERR_INVALID_ARGUMENT => c"IOP_ERR_INVALID_ARGUMENT",
            IopStatus::IOP_ERR_CONNECT => c"IOP_ERR_CONNECT",
            IopStatus::IOP_ERR_NETWORK => c"IOP_ERR_NETWORK",
            IopStatus::IOP_ERR_TIMEOUT => c"IOP_ERR_TIMEOUT",
            IopStatus::IOP_ERR_TLS => c"IOP_ERR_TLS",
            IopStatus::IOP_ERR_HTTP => c"IOP_ERR_HTTP",
            IopStatus::IOP_ERR_MALFORMED_RESPONSE => c"IOP_ERR_MALFORMED_RESPONSE",
            IopStatus::IOP_ERR_PLATFORM => c"IOP_ERR_PLATFORM",
            IopStatus::IOP_ERR_INTERNAL => c"IOP_ERR_INTERNAL",
            IopStatus::IOP_ERR_TOKEN_EXPIRED => c"IOP_ERR_TOKEN_EXPIRED",
            IopStatus::IOP_ERR_REAUTHORIZATION_REQUIRED => c"IOP_ERR_REAUTHORIZATION_REQUIRED",
            IopStatus::IOP_ERR_PUSH_REJECTED => c"IOP_ERR_PUSH_REJECTED",
            IopStatus::IOP_ERR_RATE_LIMITED => c"IOP_ERR_RATE_LIMITED",
            IopStatus::IOP_ERR_QUOTA_EXCEEDED => c"IOP_ERR_QUOTA_EXCEEDED",
        }
    }
}

/// Values for the `protocol` argument of `iop_client_execute` and `iop_client_sign`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IopProtocol {
    /// GOP for path-style API names (`/auth/token/create`), TOP for dotted ones.
    IOP_PROTOCOL_AUTO = 0,
    /// Path-style APIs: URL `…/rest<api>`, the path prefixes the string to sign.
    IOP_PROTOCOL_GOP = 1,
    /// Dotted method names: URL `<host>/sync`, token sent as `session`.
    IOP_PROTOCOL_TOP = 2,
}

/// Values for `iop_request_set_http_method`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IopHttpMethod {
    /// Form-urlencoded body (multipart with files). The default.
    IOP_HTTP_POST = 0,
    /// Every parameter in the query string.
    IOP_HTTP_GET = 1,
}
