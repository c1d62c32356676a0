//! The sellers' authorization page: its URL, the `state` that ties the redirect back to the
//! request that started it, and the constant-time check of that `state`.
//!
//! ```
//! use iop::authorize::{AuthorizeOptions, AuthorizePlatform, authorize_url, new_state, verify_state};
//! let state = new_state()?;
//! let url = authorize_url(
//!     AuthorizePlatform::Lazada,
//!     "123456",
//!     "https://example.com/callback",
//!     &AuthorizeOptions { country: Some("sg"), state: Some(&state), ..Default::default() },
//! )?;
//! assert!(url.starts_with("https://auth.lazada.com/oauth/authorize?response_type=code&force_auth=true"));
//! // Later, in the callback: compare the state received with the one kept.
//! assert!(verify_state(&state, &state));
//! # Ok::<(), iop::Error>(())
//! ```

use std::fmt;

use subtle::ConstantTimeEq;
use ureq::http::Uri;

use crate::error::{Error, ErrorKind, Result};
use crate::secret::Secret;
use crate::urlencode::{self, Encoding};
use crate::urls;

/// Random bytes in a `state` made by [`new_state`] (192 bits).
pub const STATE_BYTES: usize = 24;

/// Whose authorization page a URL opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuthorizePlatform {
    /// `https://auth.lazada.com/oauth/authorize`; takes an optional `country` (`sg`, `my`, …).
    Lazada,
    /// `https://api-sg.aliexpress.com/oauth/authorize`; takes no `country`.
    AliExpress,
}

impl AuthorizePlatform {
    /// The platform's authorization page.
    pub fn page_url(self) -> &'static str {
        match self {
            AuthorizePlatform::Lazada => urls::LAZADA_OAUTH,
            AuthorizePlatform::AliExpress => urls::ALIEXPRESS_OAUTH,
        }
    }

    /// The lower-case name: `lazada`, `aliexpress`.
    pub fn name(self) -> &'static str {
        match self {
            AuthorizePlatform::Lazada => "lazada",
            AuthorizePlatform::AliExpress => "aliexpress",
        }
    }

    /// The platform called `name` (`lazada`, `aliexpress`; any case).
    pub fn from_name(name: &str) -> Option<AuthorizePlatform> {
        [AuthorizePlatform::Lazada, AuthorizePlatform::AliExpress]
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for AuthorizePlatform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Optional parts of an authorization URL.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AuthorizeOptions<'a> {
    /// Another page than the platform's (a sandbox's `…/oauth/authorize`, a regional host):
    /// `https://`, or `http://` on loopback only; no query.
    pub base_url: Option<&'a str>,
    /// Lazada's `country` (two letters, e.g. `sg`); refused for AliExpress.
    pub country: Option<&'a str>,
    /// The `state` to send back with the code (use [`new_state`] and keep it for
    /// [`verify_state`]); `None` sends none.
    pub state: Option<&'a str>,
}

/// The URL of the authorization page for app `client_id`, redirecting to `redirect_uri`:
/// `<page>?response_type=code&force_auth=true&redirect_uri=…&client_id=…[&state=…][&country=…]`,
/// every value percent-encoded.
pub fn authorize_url(
    platform: AuthorizePlatform,
    client_id: &str,
    redirect_uri: &str,
    options: &AuthorizeOptions<'_>,
) -> Result<String> {
    let page = match options.base_url {
        Some(base) => check_page(base)?,
        None => platform.page_url().to_owned(),
    };
    if client_id.is_empty() || client_id.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(Error::invalid_argument("client_id", "must be the app key (non-empty, no spaces)"));
    }
    check_redirect_uri(redirect_uri)?;
    let country = match (options.country, platform) {
        (None, _) => None,
        (Some(_), AuthorizePlatform::AliExpress) => {
            return Err(Error::invalid_argument("country", "AliExpress's authorization page takes no country"));
        }
        (Some(c), AuthorizePlatform::Lazada) if c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()) => {
            Some(c.to_ascii_lowercase())
        }
        (Some(_), AuthorizePlatform::Lazada) => {
            return Err(Error::invalid_argument("country", "must be a two-letter country code such as sg"));
        }
    };
    if options.state.is_some_and(|s| s.is_empty() || s.len() > 512 || s.chars().any(char::is_control)) {
        return Err(Error::invalid_argument("state", "must be 1 to 512 characters without control characters"));
    }
    let enc = |v: &str| urlencode::encode(v, Encoding::Percent);
    let mut url = format!(
        "{page}?response_type=code&force_auth=true&redirect_uri={}&client_id={}",
        enc(redirect_uri),
        enc(client_id)
    );
    if let Some(state) = options.state {
        url.push_str(&format!("&state={}", enc(state)));
    }
    if let Some(country) = country {
        url.push_str(&format!("&country={country}"));
    }
    Ok(url)
}

fn check_page(base: &str) -> Result<String> {
    let uri: Uri = base.parse().map_err(|_| Error::invalid_argument("base_url", "is not a valid URL"))?;
    let host =
        uri.host().filter(|h| !h.is_empty()).ok_or_else(|| Error::invalid_argument("base_url", "has no host"))?;
    match uri.scheme_str() {
        Some("https") => {}
        Some("http") if is_loopback(host) => {}
        _ => return Err(Error::invalid_argument("base_url", "must start with https:// (http:// on loopback only)")),
    }
    if uri.query().is_some() || base.contains('#') {
        return Err(Error::invalid_argument("base_url", "must not contain a query or fragment"));
    }
    Ok(base.to_owned())
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost") || bare.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn check_redirect_uri(redirect_uri: &str) -> Result<()> {
    let rest = redirect_uri.strip_prefix("https://").or_else(|| redirect_uri.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
    if host.is_none_or(str::is_empty) || redirect_uri.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(Error::invalid_argument(
            "redirect_uri",
            "must be an absolute http:// or https:// URL without spaces",
        ));
    }
    Ok(())
}

/// A fresh random `state`: [`STATE_BYTES`] bytes from the operating system's generator,
/// base64url without padding (32 URL-safe characters).
pub fn new_state() -> Result<String> {
    let mut bytes = [0u8; STATE_BYTES];
    getrandom::getrandom(&mut bytes)
        .map_err(|_| Error::new(ErrorKind::Internal, "the system's random number generator failed"))?;
    Ok(base64url(&bytes))
}

/// Whether the `state` received with a redirect is the one sent, compared in constant time
/// (for equal lengths). An empty `expected` never matches.
pub fn verify_state(expected: &str, received: &str) -> bool {
    !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(received.as_bytes()))
}

/// Reads the authorization `code` from the URL the page redirected to, after checking its
/// `state` against `expected_state` with [`verify_state`].
///
/// Errors (invalid argument): a redirect carrying `error` (the seller declined), a missing or
/// different `state` (the redirect did not come from this authorization: start over), no `code`.
pub fn code_from_redirect(redirect_url: &str, expected_state: &str) -> Result<Secret> {
    let without_fragment = redirect_url.split('#').next().unwrap_or("");
    let query = without_fragment.split_once('?').map_or("", |(_, q)| q);
    let pairs = urlencode::parse_query(query)
        .ok_or_else(|| Error::invalid_argument("redirect_url", "has a malformed query string"))?;
    let get = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    if let Some(error) = get("error") {
        let detail = get("error_description").map(|d| format!(" ({d})")).unwrap_or_default();
        return Err(Error::invalid_argument(
            "redirect_url",
            &format!("the authorization page answered `{error}`{detail}: the seller did not authorize"),
        ));
    }
    if !verify_state(expected_state, get("state").unwrap_or("")) {
        return Err(Error::invalid_argument(
            "state",
            "the redirect's state differs from the one sent: it does not belong to this authorization; start over",
        ));
    }
    match get("code") {
        Some(code) if !code.is_empty() => Ok(Secret::new(code)),
        _ => Err(Error::invalid_argument("redirect_url", "carries no `code`")),
    }
}

fn base64url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(platform: AuthorizePlatform, options: AuthorizeOptions<'_>) -> Result<String> {
        authorize_url(platform, "123456", "https://example.com/cb?x=1&y=a+b", &options)
    }

    #[test]
    fn documented_shapes() {
        let u = url(
            AuthorizePlatform::Lazada,
            AuthorizeOptions { country: Some("SG"), state: Some("s 1"), ..Default::default() },
        )
        .unwrap();
        assert_eq!(
            u,
            "https://auth.lazada.com/oauth/authorize?response_type=code&force_auth=true\
             &redirect_uri=https%3A%2F%2Fexample.com%2Fcb%3Fx%3D1%26y%3Da%2Bb&client_id=123456&state=s%201&country=sg"
        );
        let u = url(AuthorizePlatform::AliExpress, AuthorizeOptions::default()).unwrap();
        assert!(u.starts_with("https://api-sg.aliexpress.com/oauth/authorize?response_type=code&force_auth=true&"));
        assert!(u.ends_with("&client_id=123456"));
        let custom =
            AuthorizeOptions { base_url: Some("http://127.0.0.1:8080/lazada/oauth/authorize"), ..Default::default() };
        assert!(
            url(AuthorizePlatform::Lazada, custom)
                .unwrap()
                .starts_with("http://127.0.0.1:8080/lazada/oauth/authorize?")
        );
    }

    #[test]
    fn refuses_bad_parts() {
        let arg = |r: Result<String>, name: &str| {
            let e = r.unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument);
            assert!(e.message().contains(&format!("`{name}`")), "{}", e.message());
        };
        arg(
            url(AuthorizePlatform::AliExpress, AuthorizeOptions { country: Some("sg"), ..Default::default() }),
            "country",
        );
        arg(url(AuthorizePlatform::Lazada, AuthorizeOptions { country: Some("sgp"), ..Default::default() }), "country");
        arg(url(AuthorizePlatform::Lazada, AuthorizeOptions { state: Some(""), ..Default::default() }), "state");
        for base in ["http://example.com/oauth/authorize", "https://h/a?x=1", "ftp://h/a", "nope"] {
            arg(
                url(AuthorizePlatform::Lazada, AuthorizeOptions { base_url: Some(base), ..Default::default() }),
                "base_url",
            );
        }
        let none = AuthorizeOptions::default();
        arg(authorize_url(AuthorizePlatform::Lazada, "", "https://h/cb", &none), "client_id");
        arg(authorize_url(AuthorizePlatform::Lazada, "1 2", "https://h/cb", &none), "client_id");
        for bad in ["", "/cb", "ftp://h/cb", "https://", "https:///cb", "https://h/a b"] {
            arg(authorize_url(AuthorizePlatform::Lazada, "1", bad, &none), "redirect_uri");
        }
    }

    #[test]
    fn states_are_random_and_url_safe() {
        let (a, b) = (new_state().unwrap(), new_state().unwrap());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        assert_eq!(base64url(&[0xfb, 0xff, 0xbf]), "-_-_");
        assert_eq!(base64url(b"ab"), "YWI");
    }

    #[test]
    fn state_check() {
        assert!(verify_state("abc", "abc"));
        assert!(!verify_state("abc", "abd"));
        assert!(!verify_state("abc", "ab"));
        assert!(!verify_state("", ""));
        assert_eq!(AuthorizePlatform::from_name("AliExpress"), Some(AuthorizePlatform::AliExpress));
        assert_eq!(AuthorizePlatform::from_name("tw"), None);
    }

    #[test]
    fn code_from_redirects() {
        let code = code_from_redirect("https://h/cb?x=1&code=0_100001_a%2Bb&state=s1#frag", "s1").unwrap();
        assert_eq!(code.expose(), "0_100001_a+b");
        let err = |u: &str| code_from_redirect(u, "s1").unwrap_err().message().to_owned();
        assert!(err("https://h/cb?code=c&state=s2").contains("`state`"));
        assert!(err("https://h/cb?code=c").contains("`state`"));
        assert!(err("https://h/cb?state=s1").contains("no `code`"));
        assert!(err("https://h/cb?error=access_denied&state=s1").contains("access_denied"));
        assert!(!err("https://h/cb?code=secret-code&state=s2").contains("secret-code"));
    }
}
