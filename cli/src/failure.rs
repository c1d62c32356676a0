//! Why a command failed, the exit code that says so, and what to do next.

use iop::{Error, ErrorKind};

/// Exit code: success.
pub const OK: u8 = 0;
/// Exit code: a bug in iop.
pub const INTERNAL: u8 = 1;
/// Exit code: bad arguments, missing credentials, unsafe profile file.
pub const USAGE: u8 = 2;
/// Exit code: connect, timeout, TLS or an HTTP error page.
pub const NETWORK: u8 = 3;
/// Exit code: the platform answered with an error.
pub const PLATFORM: u8 = 4;
/// Exit code: a response that is not usable JSON.
pub const MALFORMED: u8 = 5;
/// Exit code: a push message was rejected (missing, malformed or wrong signature; not a push body).
pub const PUSH_REJECTED: u8 = 6;

/// A failed command: exit code, message (never a secret) and an optional next step.
#[derive(Debug)]
pub struct Failure {
    /// The exit code.
    pub code: u8,
    /// What went wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Failure {
    /// A usage or configuration error.
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure { code: USAGE, message: message.into(), hint: None }
    }

    /// Adds what to do next.
    pub fn hint(mut self, hint: impl Into<String>) -> Failure {
        self.hint = Some(hint.into());
        self
    }
}

/// The exit code for an error of `kind`.
pub fn code_of(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::InvalidArgument => USAGE,
        ErrorKind::Connect | ErrorKind::Network | ErrorKind::Timeout | ErrorKind::Tls | ErrorKind::Http => NETWORK,
        ErrorKind::MalformedResponse => MALFORMED,
        ErrorKind::Platform
        | ErrorKind::TokenExpired
        | ErrorKind::ReauthorizationRequired
        | ErrorKind::RateLimited
        | ErrorKind::QuotaExceeded => PLATFORM,
        ErrorKind::PushRejected => PUSH_REJECTED,
        ErrorKind::Internal => INTERNAL,
    }
}

/// What to do after a platform error with `code`.
pub fn platform_hint(code: &str) -> Option<&'static str> {
    Some(match code {
        "IncompleteSignature" => {
            "the gateway rejected the signature (or the timestamp): run `iop sign API KEY=VALUE… sign=SIGN --explain` \
             with the failing request's parameters to see why"
        }
        "InvalidCode" => {
            "codes are single-use and expire after 30 minutes: have the seller authorize again (`iop authorize-url`)"
        }
        "IllegalRefreshToken" => {
            "the refresh token is invalid, already used or expired: have the seller authorize again (`iop authorize-url`)"
        }
        "AUTH_TYPE_UNSUPPORTED" => {
            "apps authorized through the service market cannot refresh: have the seller authorize again"
        }
        "IllegalAccessToken" => "the access token is invalid or expired: refresh it (`iop token refresh`)",
        "InvalidAppKey" => "check the app key (--app-key, IOP_APP_KEY or the profile) and the gateway it belongs to",
        "MissingParameter" => "add the parameter the message names",
        "AppWhiteIpLimit" => "add this machine's public IP address to the app's whitelist in the console",
        "ApiCallLimit" | "AppCallLimit" => "throttled: wait for the time the message gives, then retry",
        _ => return None,
    })
}

/// What to do after a push message was rejected for `reason`.
fn push_hint(reason: &str) -> Option<&'static str> {
    Some(match reason {
        "MissingAuthorization" => {
            "the platform signs every push in its Authorization header: pass it with --authorization"
        }
        "MalformedAuthorization" => "the Authorization header is 64 hexadecimal digits: pass it whole",
        "SignatureMismatch" => {
            "check the app key and secret (the push's app), and pass the body byte for byte as received (never re-serialized)"
        }
        "MalformedBody" => "the body is not a push message (a JSON object with an integer message_type)",
        _ => return None,
    })
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        let code = code_of(e.kind());
        let hint = match e.kind() {
            ErrorKind::Connect if e.message().starts_with("proxy ") => Some(
                "check the proxy (--proxy, else HTTPS_PROXY or ALL_PROXY; NO_PROXY lists hosts reached directly), or pass --proxy \"\" to connect directly",
            ),
            ErrorKind::Connect => Some("check the gateway URL (--gateway, IOP_GATEWAY or the profile) and the network"),
            ErrorKind::Timeout => Some("the gateway did not answer in time: retry later or raise --timeout"),
            ErrorKind::Network => {
                Some("the connection broke after the request left: it may have arrived; check before repeating it")
            }
            ErrorKind::Tls if e.message().contains("did not answer TLS") => {
                Some("that port speaks plain HTTP: use the gateway's https:// port, or http:// for a loopback sandbox")
            }
            ErrorKind::Tls => Some(
                "the gateway's certificate was not accepted; behind a TLS-intercepting proxy, pass its CA with --ca-bundle",
            ),
            ErrorKind::Http => Some("the gateway or a proxy in front of it failed: retry later"),
            ErrorKind::MalformedResponse => Some("the answer was not the platform's JSON: check the gateway URL"),
            ErrorKind::Platform | ErrorKind::TokenExpired => e.platform_error().and_then(|p| platform_hint(&p.code)),
            ErrorKind::ReauthorizationRequired => Some("have the seller authorize the app again (`iop authorize-url`)"),
            ErrorKind::RateLimited => {
                Some("not sent: the rate limiter would have to wait too long; retry after the time given")
            }
            ErrorKind::QuotaExceeded => {
                Some("the app's daily quota is used up: nothing is sent before the reset the message names")
            }
            ErrorKind::PushRejected => push_hint(e.platform_error().map(|p| p.code.as_str()).unwrap_or_default()),
            ErrorKind::Internal => Some("this is a bug in iop: please report it"),
            ErrorKind::InvalidArgument if e.message().contains("plain http://") => Some(
                "use https://, or pass --allow-insecure-http to send over plain HTTP anyway (signatures and tokens cross the network in clear)",
            ),
            ErrorKind::InvalidArgument => None,
        };
        Failure { code, message: e.message().to_owned(), hint: hint.map(str::to_owned) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_per_class() {
        assert_eq!(code_of(ErrorKind::InvalidArgument), USAGE);
        assert_eq!(code_of(ErrorKind::Timeout), NETWORK);
        assert_eq!(code_of(ErrorKind::Platform), PLATFORM);
        assert_eq!(code_of(ErrorKind::MalformedResponse), MALFORMED);
        assert_eq!(code_of(ErrorKind::Internal), INTERNAL);
        assert_eq!(code_of(ErrorKind::PushRejected), PUSH_REJECTED);
        let mut all = [OK, INTERNAL, USAGE, NETWORK, PLATFORM, MALFORMED, PUSH_REJECTED];
        all.sort_unstable();
        assert_eq!(all, [0, 1, 2, 3, 4, 5, 6]);
    }
}
