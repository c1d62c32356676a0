//! Percent-encoding as URL builders and form encoders apply it, and its inverse.

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
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        let kept = b.is_ascii_alphanumeric()
            || match style {
                Encoding::Percent => matches!(b, b'-' | b'.' | b'_' | b'~'),
                Encoding::Form => matches!(b, b'*' | b'-' | b'.' | b'_'),
            };
        if kept {
            out.push(b as char);
        } else if b == b' ' && style == Encoding::Form {
            out.push('+');
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes and `+` (as a space); `None` when an escape is malformed or the
/// result is not UTF-8.
pub fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
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
