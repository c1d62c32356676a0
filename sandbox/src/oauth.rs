//! The simulated OAuth page: the seller "approves" at once and is redirected with a code.

use serde_json::json;

use crate::reply::Reply;
use crate::request::Params;
use crate::state::State;

/// `/oauth/authorize?response_type=code&redirect_uri=U&client_id=APP[&state=S]` → 302 to
/// `U?code=C[&state=S]`; 400 with a JSON error for a bad request or an unknown app.
pub(crate) fn authorize(state: &State, params: &Params) -> Reply {
    let bad =
        |error: &str, description: &str| Reply::json(400, &json!({"error": error, "error_description": description}));
    let Some(response_type) = params.non_empty("response_type") else {
        return bad("invalid_request", "response_type is required");
    };
    if response_type != "code" {
        return bad("unsupported_response_type", "response_type must be code");
    }
    let Some(client_id) = params.non_empty("client_id") else {
        return bad("invalid_request", "client_id is required");
    };
    let Some(redirect_uri) = params.non_empty("redirect_uri") else {
        return bad("invalid_request", "redirect_uri is required");
    };
    let Some(code) = state.issue_code(client_id) else {
        return bad("invalid_client", "unknown client_id");
    };
    Reply::redirect(redirect_location(redirect_uri, &code, params.get("state")))
}

/// `uri` with `code` and `state` appended to its query (before any `#fragment`); spaces,
/// control and non-ASCII characters of `uri` are percent-encoded so the header stays valid.
fn redirect_location(uri: &str, code: &str, state: Option<&str>) -> String {
    let uri = header_safe(uri);
    let (base, fragment) = match uri.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (uri.as_str(), None),
    };
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("code", code);
    if let Some(s) = state {
        query.append_pair("state", s);
    }
    let sep = if !base.contains('?') {
        "?"
    } else if base.ends_with('?') || base.ends_with('&') {
        ""
    } else {
        "&"
    };
    let mut out = format!("{base}{sep}{}", query.finish());
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// `s` with controls, spaces and non-ASCII bytes percent-encoded (visible ASCII kept).
fn header_safe(s: &str) -> String {
    const UNSAFE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b' ');
    percent_encoding::utf8_percent_encode(s, UNSAFE).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, DEFAULT_APP_KEY};

    #[test]
    fn authorize_issues_a_code() {
        let state = State::new(&Config::default());
        let mut p = Params::default();
        for (k, v) in
            [("response_type", "code"), ("client_id", DEFAULT_APP_KEY), ("redirect_uri", "http://h/cb"), ("state", "s")]
        {
            p.values.insert(k.into(), v.into());
        }
        let r = authorize(&state, &p);
        assert_eq!(r.status, 302);
        let loc = r.header("location").unwrap();
        assert!(loc.starts_with("http://h/cb?code=0_100001_") && loc.ends_with("&state=s"), "{loc}");
        p.values.insert("client_id".into(), "x".into());
        assert_eq!(authorize(&state, &p).json_body()["error"], "invalid_client");
    }

    #[test]
    fn locations() {
        assert_eq!(redirect_location("http://h/cb", "C", None), "http://h/cb?code=C");
        assert_eq!(redirect_location("http://h/cb?x=1", "C", Some("a b&c")), "http://h/cb?x=1&code=C&state=a+b%26c");
        assert_eq!(redirect_location("http://h/cb?", "C", Some("")), "http://h/cb?code=C&state=");
        assert_eq!(redirect_location("http://h/cb#top", "C", None), "http://h/cb?code=C#top");
        assert_eq!(redirect_location("http://h/a b\r\né", "C", None), "http://h/a%20b%0D%0A%C3%A9?code=C");
    }
}
