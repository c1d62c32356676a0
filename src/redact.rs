//! Short, secret-free excerpts of response bodies for error messages.

/// Longest excerpt kept, in characters.
const EXCERPT_CHARS: usize = 160;
/// Runs of this many or more token-like characters are hidden: tokens, codes and ids look so.
const TOKEN_RUN: usize = 20;

/// The start of `body` for an error message, with long token-like runs and every
/// value in `secrets` replaced by `[redacted]`.
pub fn excerpt(body: &[u8], secrets: &[&str]) -> String {
    let mut text = String::from_utf8_lossy(body).into_owned();
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        text = text.replace(secret, "[redacted]");
    }
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
        out.push_str("[redacted]");
    } else {
        out.push_str(run);
    }
    run.clear();
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
    fn cuts_long_bodies() {
        let body = "<html> ".repeat(100);
        let e = excerpt(body.as_bytes(), &[]);
        assert!(e.ends_with('…'));
        assert!(e.chars().count() <= EXCERPT_CHARS + 1);
    }
}
