//! Short, secret-free excerpts of response bodies for error messages, and secret-free copies
//! of the text fields of platform error envelopes.

/// Longest excerpt kept, in characters.
const EXCERPT_CHARS: usize = 160;
/// Runs of this many or more token-like characters are hidden: tokens, codes and ids look so.
const TOKEN_RUN: usize = 20;
/// Keys whose values are hidden in excerpts whatever their length (`"key":"…"` or `key=…`).
const TOKEN_KEYS: [&str; 6] = ["access_token", "refresh_token", "accessToken", "refreshToken", "session", "sign"];
const REDACTED: &str = "[redacted]";

/// `text` with every value in `secrets` (of 4 characters or more) replaced by `[redacted]`.
pub fn hide(text: &str, secrets: &[&str]) -> String {
    let mut text = text.to_owned();
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        text = text.replace(secret, REDACTED);
    }
    text
}

/// The start of `body` for an error message, with every value in `secrets`, the values of
/// token keys (`"access_token":"…"`, `refresh_token=…`, …) and long token-like runs replaced by
/// `[redacted]`.
pub fn excerpt(body: &[u8], secrets: &[&str]) -> String {
    let text = hide_token_values(&hide(&String::from_utf8_lossy(body), secrets));
    let mut out = String::new();
    let mut run = String::new();
    for ch in text.chars().take(EXCERPT_CHARS) {
        if ch.is_ascii_alphanumeric() || ch == '-' || ch == '_' {
            run.push(ch);
            continue;
        }
        flush_run(&mut out, &mut run);
        out.push(if ch.is_control() { ' ' } else { ch });
    }
    flush_run(&mut out, &mut run);
    if text.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    out
}

fn flush_run(out: &mut String, run: &mut String) {
    if run.len() >= TOKEN_RUN {
        out.push_str(REDACTED);
    } else {
        out.push_str(run);
    }
    run.clear();
}

/// `text` with the values of [`TOKEN_KEYS`] replaced: JSON strings (`"key" : "value"`, up to the
/// closing quote or the end) and form values (`key=value`, up to `&`, whitespace or the end).
fn hide_token_values(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let Some(value) = token_value_at(text, i) else {
            let ch = text[i..].chars().next().expect("i is on a char boundary");
            out.push(ch);
            i += ch.len_utf8();
            continue;
        };
        out.push_str(&text[i..value.start]);
        out.push_str(REDACTED);
        i = value.end;
    }
    out
}

/// Where the value of a token key starting at byte `i` of `text` lies (a byte range), if one does.
fn token_value_at(text: &str, i: usize) -> Option<std::ops::Range<usize>> {
    let rest = &text[i..];
    let bytes = text.as_bytes();
    for key in TOKEN_KEYS {
        if let Some(after) = rest.strip_prefix('"').and_then(|r| r.strip_prefix(key)).and_then(|r| r.strip_prefix('"'))
        {
            let after_colon = after.trim_start().strip_prefix(':')?.trim_start();
            let quoted = after_colon.strip_prefix('"')?;
            let start = text.len() - quoted.len();
            let mut escaped = false;
            for (j, ch) in quoted.char_indices() {
                match ch {
                    '"' if !escaped => return Some(start..start + j),
                    '\\' => escaped = !escaped,
                    _ => escaped = false,
                }
            }
            return Some(start..text.len());
        }
        let boundary = i == 0 || matches!(bytes[i - 1], b'&' | b'?' | b' ' | b'\n' | b'\r' | b'\t');
        if boundary && rest.strip_prefix(key).is_some_and(|r| r.starts_with('=')) {
            let start = i + key.len() + 1;
            let len = text[start..].find(|c: char| c == '&' || c.is_whitespace()).unwrap_or(text.len() - start);
            return Some(start..start + len);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_tokens_and_known_secrets() {
        let body = br#"{"access_token":"50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7701ceb156f","x":"abc","s":"sec9"#;
        let e = excerpt(body, &["sec9"]);
        assert!(!e.contains("50000601c30"));
        assert!(!e.contains("sec9"));
        assert!(e.contains("\"x\":\"abc\""));
    }

    #[test]
    fn hides_values_of_token_keys_whatever_their_length() {
        let e = excerpt(br#"{"access_token" : "abc","refresh_token":"d\"ef","x":"kept","sign":"#, &[]);
        assert_eq!(e, r#"{"access_token" : "[redacted]","refresh_token":"[redacted]","x":"kept","sign":"#);
        let e = excerpt(br#"{"refreshToken":"tok"#, &[]);
        assert_eq!(e, r#"{"refreshToken":"[redacted]"#);
        let e = excerpt(b"app_key=1&access_token=abc&session=xyz next mysession=1", &[]);
        assert_eq!(e, "app_key=1&access_token=[redacted]&session=[redacted] next mysession=1");
        assert_eq!(excerpt("é\"session\":\"ü\"ß".as_bytes(), &[]), "é\"session\":\"[redacted]\"ß");
    }

    #[test]
    fn hide_replaces_known_secrets() {
        assert_eq!(hide("code abcd1234 and abcd1234", &["abcd1234", "ab"]), "code [redacted] and [redacted]");
    }

    #[test]
    fn cuts_long_bodies() {
        let body = "<html> ".repeat(100);
        let e = excerpt(body.as_bytes(), &[]);
        assert!(e.ends_with('…'));
        assert!(e.chars().count() <= EXCERPT_CHARS + 1);
    }
}
