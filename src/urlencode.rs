//! Percent-encoding as URL builders and form encoders apply it, and its inverse, over the
//! `percent-encoding` and `form_urlencoded` crates.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// What RFC 3986 component encoding escapes: everything but `A-Z a-z 0-9 - . _ ~`.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// How a value was encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// RFC 3986 component encoding: everything but `A-Z a-z 0-9 - . _ ~` as `%XX`
    /// (JavaScript's `encodeURIComponent`, Java's `URLEncoder` after fixing `+`).
    Percent,
    /// `application/x-www-form-urlencoded`: space as `+`, everything but `A-Z a-z 0-9 * - . _`
    /// as `%XX` (Java's `URLEncoder.encode`, PHP's `urlencode`).
    Form,
}

/// Encodes `text` in `style`.
pub fn encode(text: &str, style: Encoding) -> String {
    match style {
        Encoding::Percent => utf8_percent_encode(text, COMPONENT).to_string(),
        Encoding::Form => form_urlencoded::byte_serialize(text.as_bytes()).collect(),
    }
}

/// Decodes `%XX` escapes and `+` (as a space); `None` when an escape is malformed or the
/// result is not UTF-8.
pub fn decode(text: &str) -> Option<String> {
    // The crate passes a malformed escape through as text; here it is refused.
    let well_formed = text
        .split('%')
        .skip(1)
        .all(|after| after.as_bytes().get(..2).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)));
    if !well_formed {
        return None;
    }
    percent_decode_str(&text.replace('+', " ")).decode_utf8().ok().map(|s| s.into_owned())
}

/// The `key=value` pairs of a query string or form body, decoded, in order.
pub fn parse_query(query: &str) -> Option<Vec<(String, String)>> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((decode(k)?, decode(v)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_styles() {
        let s = "a b/c?d=e&f~g*h-é";
        assert_eq!(encode(s, Encoding::Percent), "a%20b%2Fc%3Fd%3De%26f~g%2Ah-%C3%A9");
        assert_eq!(encode(s, Encoding::Form), "a+b%2Fc%3Fd%3De%26f%7Eg*h-%C3%A9");
        assert_eq!(decode(&encode(s, Encoding::Percent)).as_deref(), Some(s));
        assert_eq!(decode(&encode(s, Encoding::Form)).as_deref(), Some(s));
        assert_eq!(encode("AZaz09", Encoding::Form), "AZaz09");
    }

    #[test]
    fn bad_escapes() {
        assert_eq!(decode("%"), None);
        assert_eq!(decode("%4"), None);
        assert_eq!(decode("%zz"), None);
        assert_eq!(decode("%FF"), None, "not UTF-8");
        assert_eq!(decode("%41%42+c").as_deref(), Some("AB c"));
    }

    #[test]
    fn queries() {
        let q = parse_query("code=0_1%2B2&state=a+b&&empty=&flag").unwrap();
        let pairs: Vec<(&str, &str)> = q.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(pairs, [("code", "0_1+2"), ("state", "a b"), ("empty", ""), ("flag", "")]);
        assert!(parse_query("a=%G0").is_none());
    }
}
