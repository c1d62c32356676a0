//! Why a gateway rejected a signature (`IncompleteSignature`), as a verified finding.
//!
//! Given the parameters a failing request carried and its `sign`, [`diagnose`] signs, with the
//! app's secret, the string the gateway computes from them and a set of candidate strings, each
//! the result of one known mistake: a parameter sent but not signed (or signed but not sent),
//! values URL-encoded, decoded or trimmed before signing, empty values dropped, the API path
//! prefix missing or wrong, the timestamp signed in seconds but sent in milliseconds (or the
//! reverse), lower-case hex. The candidate whose signature equals the request's `sign` is the
//! cause; when none does, the request was signed with another secret (or over other values).
//! Checks that need no signature (timestamp unit and window, `sign_method`, app key, missing
//! system parameters, the token's parameter name) are reported as [`Note`]s.

use std::collections::BTreeMap;
use std::fmt;

use iop::config::DEFAULT_PARTNER_ID;
use iop::protocol::Protocol;
use iop::sign::{self, SIGN_METHOD};
use iop::urlencode::{self, Encoding};

/// Largest distance the gateways accept between a request's `timestamp` and their clock (±).
pub const TIMESTAMP_WINDOW_MS: i64 = 7_200_000;

/// Timestamps below this many milliseconds (March 1973) are taken to be in seconds.
const MIN_PLAUSIBLE_MS: i64 = 100_000_000_000;

/// Parameters the client adds itself (never business parameters).
const SYSTEM_KEYS: [&str; 5] = ["app_key", "timestamp", "sign_method", "partner_id", "sign"];

/// What a failing request carried.
#[derive(Clone, Copy)]
pub struct FailingRequest<'a> {
    /// The API path (GOP, `/seller/get`) or method name (TOP).
    pub api_name: &'a str,
    /// How it was addressed and signed.
    pub protocol: Protocol,
    /// Every parameter it carried, as the gateway received them (decoded), `sign` excluded.
    pub params: &'a BTreeMap<String, String>,
    /// The `sign` it carried.
    pub sign: &'a str,
}

impl fmt::Debug for FailingRequest<'_> {
    /// Parameter names only: values may be tokens.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FailingRequest")
            .field("api_name", &self.api_name)
            .field("protocol", &self.protocol)
            .field("params", &self.params.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// The mistake a matching candidate string stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cause {
    /// The signature is right for the parameters as sent: the rejection has another reason
    /// (see the notes).
    Correct,
    /// The right signature, but not in upper-case hex.
    HexCase,
    /// GOP signed without the API path in front of the parameters.
    PathPrefixMissing {
        /// The API path that belongs in front.
        api: String,
    },
    /// Signed with `used` in front instead of the API path.
    PathPrefixDifferent {
        /// The prefix that was signed.
        used: String,
        /// The API path that belongs in front.
        api: String,
    },
    /// TOP signed with the method name in front, though TOP signs the parameters alone.
    PathPrefixExtra {
        /// The method name that was put in front.
        api: String,
    },
    /// Parameters with empty values were sent but left out of the signature.
    EmptyValuesNotSigned(Vec<String>),
    /// The parameter was sent but left out of the signature.
    SentNotSigned(String),
    /// The parameter was signed but not sent.
    SignedNotSent(String),
    /// Values were URL-encoded before signing.
    ValuesEncoded {
        /// How they were encoded.
        style: Encoding,
        /// The parameters whose values encoding changes.
        keys: Vec<String>,
    },
    /// Values arrived percent-encoded (encoded twice on the way) but were signed decoded.
    ValuesDecoded(Vec<String>),
    /// Values were trimmed of surrounding white space before signing.
    ValuesTrimmed(Vec<String>),
    /// The timestamp was signed in seconds but sent in milliseconds.
    TimestampSignedInSeconds,
    /// The timestamp was signed in milliseconds but sent in seconds.
    TimestampSentInSeconds,
}

impl Cause {
    /// A stable snake-case name (`sent_not_signed`, `values_encoded`, …) for scripts.
    pub fn id(&self) -> &'static str {
        match self {
            Cause::Correct => "correct",
            Cause::HexCase => "hex_case",
            Cause::PathPrefixMissing { .. } => "path_prefix_missing",
            Cause::PathPrefixDifferent { .. } => "path_prefix_different",
            Cause::PathPrefixExtra { .. } => "path_prefix_extra",
            Cause::EmptyValuesNotSigned(_) => "empty_values_not_signed",
            Cause::SentNotSigned(_) => "sent_not_signed",
            Cause::SignedNotSent(_) => "signed_not_sent",
            Cause::ValuesEncoded { .. } => "values_encoded",
            Cause::ValuesDecoded(_) => "values_decoded",
            Cause::ValuesTrimmed(_) => "values_trimmed",
            Cause::TimestampSignedInSeconds => "timestamp_signed_in_seconds",
            Cause::TimestampSentInSeconds => "timestamp_sent_in_seconds",
        }
    }
}

fn names(keys: &[String]) -> String {
    keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
}

impl fmt::Display for Cause {
    /// The finding and what to change.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::Correct => write!(
                f,
                "the signature is right for these parameters; the gateway rejected something else (see the notes), \
                 or it received other values than these"
            ),
            Cause::HexCase => write!(f, "the signature is right but not upper-case hex: send it in upper case"),
            Cause::PathPrefixMissing { api } => write!(
                f,
                "the string was signed without the API path prefix `{api}`: GOP signs the API path followed by \
                 the parameters"
            ),
            Cause::PathPrefixDifferent { used, api } => write!(
                f,
                "the string was signed with the prefix `{used}` instead of the API path `{api}`: sign the API path \
                 alone (no `/rest`, no host)"
            ),
            Cause::PathPrefixExtra { api } => write!(
                f,
                "the string was signed with `{api}` in front, but TOP calls sign the parameters alone \
                 (the method travels as the `method` parameter)"
            ),
            Cause::EmptyValuesNotSigned(keys) => write!(
                f,
                "parameters with empty values ({}) were sent but left out of the signature (some SDKs drop them): \
                 sign every parameter you send, or do not send them",
                names(keys)
            ),
            Cause::SentNotSigned(key) => write!(
                f,
                "the parameter `{key}` was sent but left out of the signature: sign every parameter you send \
                 (or stop sending it)"
            ),
            Cause::SignedNotSent(key) => {
                write!(f, "the parameter `{key}` was signed but not sent: send every parameter you sign")
            }
            Cause::ValuesEncoded { style, keys } => write!(
                f,
                "the values of {} were URL-encoded ({}) before signing: sign the raw values; encoding is for \
                 the wire only",
                names(keys),
                match style {
                    Encoding::Percent => "percent-encoding, space as %20",
                    Encoding::Form => "form encoding, space as +",
                }
            ),
            Cause::ValuesDecoded(keys) => write!(
                f,
                "the values of {} reached the gateway still percent-encoded (encoded twice) while the signature \
                 covers the decoded values: encode each value once",
                names(keys)
            ),
            Cause::ValuesTrimmed(keys) => write!(
                f,
                "the values of {} were trimmed before signing but sent with their spaces: sign values exactly \
                 as sent",
                names(keys)
            ),
            Cause::TimestampSignedInSeconds => write!(
                f,
                "the timestamp was signed in seconds but sent in milliseconds: sign the value you send \
                 (UTC epoch milliseconds)"
            ),
            Cause::TimestampSentInSeconds => write!(
                f,
                "the timestamp was signed in milliseconds but sent in seconds: send the value you sign \
                 (UTC epoch milliseconds)"
            ),
        }
    }
}

/// A string that might have been signed, and the mistake it stands for.
#[derive(Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The mistake.
    pub cause: Cause,
    /// The string (contains parameter values, tokens included: show it only to its owner).
    pub sign_string: String,
}

impl fmt::Debug for Candidate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Candidate").field("cause", &self.cause).finish_non_exhaustive()
    }
}

/// A problem found without signing anything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// A system parameter is missing (the gateway answers `MissingParameter`).
    MissingParameter(String),
    /// `sign_method` is not `sha256`.
    SignMethod(String),
    /// The request names another app than the credentials used for the diagnosis.
    OtherAppKey {
        /// The request's `app_key`.
        sent: String,
        /// The app key of the credentials.
        ours: String,
    },
    /// The timestamp is not a decimal number.
    TimestampNotNumber,
    /// The timestamp is in seconds; the gateways want milliseconds.
    TimestampInSeconds,
    /// The timestamp is outside the gateway's window; `offset_ms` = timestamp − gateway clock.
    TimestampOutsideWindow {
        /// How far the timestamp is from the gateway clock, in milliseconds (negative: behind).
        offset_ms: i64,
    },
    /// The token travelled under the other protocol's name (`session` vs `access_token`).
    TokenParameter {
        /// The name used.
        sent_as: String,
        /// The name this protocol takes.
        expected: String,
    },
}

impl Note {
    /// A stable snake-case name (`timestamp_in_seconds`, …) for scripts.
    pub fn id(&self) -> &'static str {
        match self {
            Note::MissingParameter(_) => "missing_parameter",
            Note::SignMethod(_) => "sign_method",
            Note::OtherAppKey { .. } => "other_app_key",
            Note::TimestampNotNumber => "timestamp_not_number",
            Note::TimestampInSeconds => "timestamp_in_seconds",
            Note::TimestampOutsideWindow { .. } => "timestamp_outside_window",
            Note::TokenParameter { .. } => "token_parameter",
        }
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::MissingParameter(k) => write!(f, "`{k}` is missing: the gateway answers MissingParameter"),
            Note::SignMethod(m) => write!(f, "sign_method is `{m}`: only `{SIGN_METHOD}` (HMAC-SHA256) is accepted"),
            Note::OtherAppKey { sent, ours } => write!(
                f,
                "the request is for app `{sent}` but the credentials used here are for app `{ours}`: diagnose with \
                 the credentials of app `{sent}`"
            ),
            Note::TimestampNotNumber => write!(f, "the timestamp is not a decimal number of UTC epoch milliseconds"),
            Note::TimestampInSeconds => write!(
                f,
                "the timestamp is in seconds: the gateways want UTC epoch milliseconds (13 digits) and reject it"
            ),
            Note::TimestampOutsideWindow { offset_ms } => write!(
                f,
                "the timestamp is {} s {} the gateway's clock, outside the ±{} s it accepts: fix the clock that \
                 made it (NTP) or its time zone (UTC epoch milliseconds)",
                offset_ms.unsigned_abs() / 1000,
                if *offset_ms < 0 { "behind" } else { "ahead of" },
                TIMESTAMP_WINDOW_MS / 1000
            ),
            Note::TokenParameter { sent_as, expected } => {
                write!(f, "the token was sent as `{sent_as}`, but this protocol takes it as `{expected}`")
            }
        }
    }
}

/// The outcome of [`diagnose`].
#[derive(Clone)]
pub struct Diagnosis {
    /// The string the gateway computes from the parameters as sent.
    pub sign_string: String,
    /// Its signature with the app's secret: what `sign` should have been.
    pub sign: String,
    /// The candidate whose signature equals the request's `sign`; `None` when no candidate
    /// does (the request was signed with another secret or over other values).
    pub found: Option<Candidate>,
    /// How many candidate strings were signed and compared.
    pub tried: usize,
    /// Problems found without signing.
    pub notes: Vec<Note>,
}

impl fmt::Debug for Diagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Diagnosis")
            .field("found", &self.found)
            .field("tried", &self.tried)
            .field("notes", &self.notes)
            .finish_non_exhaustive()
    }
}

/// Diagnoses `request` with the credentials of app `app_key` (whose secret is `app_secret`).
///
/// `partner_id` is what a correct client would send when the request carried none (for the
/// "signed but not sent" candidates; `None` means this library's default); `gateway_now_ms` is
/// the gateway's clock for the timestamp-window note (the local clock corrected by the
/// measured skew, see [`iop::skew`]), `None` to skip that note.
pub fn diagnose(
    app_key: &str,
    app_secret: &str,
    partner_id: Option<&str>,
    request: &FailingRequest<'_>,
    gateway_now_ms: Option<i64>,
) -> Diagnosis {
    let secret = app_secret.as_bytes();
    let api = request.api_name;
    let as_sent = sign::sign_string(request.protocol, api, request.params);
    let expected_sign = sign::sign(secret, &as_sent);
    let mut tried = 1;
    let found = if request.sign == expected_sign {
        Some(Candidate { cause: Cause::Correct, sign_string: as_sent.clone() })
    } else if request.sign.eq_ignore_ascii_case(&expected_sign) {
        Some(Candidate { cause: Cause::HexCase, sign_string: as_sent.clone() })
    } else {
        candidates(app_key, partner_id, request).into_iter().find(|c| {
            tried += 1;
            sign::sign(secret, &c.sign_string).eq_ignore_ascii_case(request.sign)
        })
    };
    Diagnosis {
        sign_string: as_sent,
        sign: expected_sign,
        found,
        tried,
        notes: notes(app_key, request, gateway_now_ms),
    }
}

/// Every candidate string but the one as sent, most specific first.
fn candidates(app_key: &str, partner_id: Option<&str>, request: &FailingRequest<'_>) -> Vec<Candidate> {
    let (protocol, api, params) = (request.protocol, request.api_name, request.params);
    let mut out = Vec::new();
    let mut push = |cause: Cause, prefix: &str, map: &BTreeMap<String, String>| {
        let mut s = String::from(prefix);
        for (k, v) in map {
            s.push_str(k);
            s.push_str(v);
        }
        out.push(Candidate { cause, sign_string: s });
    };
    let prefix = if protocol == Protocol::Gop { api } else { "" };

    // The API path in front.
    match protocol {
        Protocol::Gop => {
            push(Cause::PathPrefixMissing { api: api.to_owned() }, "", params);
            for used in [format!("/rest{api}"), api.trim_start_matches('/').to_owned()] {
                push(Cause::PathPrefixDifferent { used: used.clone(), api: api.to_owned() }, &used, params);
            }
        }
        Protocol::Top => push(Cause::PathPrefixExtra { api: api.to_owned() }, api, params),
    }

    // Empty values dropped, then any one parameter left out.
    let empty: Vec<String> = params.iter().filter(|(_, v)| v.is_empty()).map(|(k, _)| k.clone()).collect();
    if !empty.is_empty() {
        let kept = params.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| (k.clone(), v.clone())).collect();
        push(Cause::EmptyValuesNotSigned(empty), prefix, &kept);
    }
    for key in params.keys() {
        let mut without = params.clone();
        without.remove(key);
        push(Cause::SentNotSigned(key.clone()), prefix, &without);
    }

    // Any one expected parameter signed but not sent.
    for (key, value) in expected_system_params(app_key, partner_id, request) {
        if !params.contains_key(&key) {
            let mut with = params.clone();
            with.insert(key.clone(), value);
            push(Cause::SignedNotSent(key), prefix, &with);
        }
    }

    // Values changed before signing.
    let mapped = |f: &dyn Fn(&str) -> Option<String>| {
        let mut keys = Vec::new();
        let map: BTreeMap<String, String> = params
            .iter()
            .map(|(k, v)| {
                let new = f(v).unwrap_or_else(|| v.clone());
                if new != *v {
                    keys.push(k.clone());
                }
                (k.clone(), new)
            })
            .collect();
        (keys, map)
    };
    for style in [Encoding::Percent, Encoding::Form] {
        let (keys, map) = mapped(&|v| Some(urlencode::encode(v, style)));
        if !keys.is_empty() {
            push(Cause::ValuesEncoded { style, keys }, prefix, &map);
        }
    }
    let (keys, map) = mapped(&|v| if v.contains('%') { urlencode::decode(v) } else { None });
    if !keys.is_empty() {
        push(Cause::ValuesDecoded(keys), prefix, &map);
    }
    let (keys, map) = mapped(&|v| Some(v.trim().to_owned()));
    if !keys.is_empty() {
        push(Cause::ValuesTrimmed(keys), prefix, &map);
    }

    // The timestamp's unit.
    if let Some(ts) = params.get("timestamp").and_then(|t| t.parse::<i64>().ok()) {
        let mut with = params.clone();
        with.insert("timestamp".into(), (ts / 1000).to_string());
        push(Cause::TimestampSignedInSeconds, prefix, &with);
        if let Some(ms) = ts.checked_mul(1000) {
            with.insert("timestamp".into(), ms.to_string());
            push(Cause::TimestampSentInSeconds, prefix, &with);
        }
    }
    out
}

/// The system parameters a correct client would sign for `request` (its own values kept where
/// it sent them).
fn expected_system_params(
    app_key: &str,
    partner_id: Option<&str>,
    request: &FailingRequest<'_>,
) -> Vec<(String, String)> {
    let mut out = vec![
        ("app_key".to_owned(), app_key.to_owned()),
        ("sign_method".to_owned(), SIGN_METHOD.to_owned()),
        ("partner_id".to_owned(), partner_id.unwrap_or(DEFAULT_PARTNER_ID).to_owned()),
    ];
    if request.protocol == Protocol::Top {
        out.push(("method".to_owned(), request.api_name.to_owned()));
        out.push(("format".to_owned(), "json".to_owned()));
        out.push(("simplify".to_owned(), "false".to_owned()));
    }
    let (token_key, other) =
        if request.protocol == Protocol::Top { ("session", "access_token") } else { ("access_token", "session") };
    if let Some(token) = request.params.get(other) {
        out.push((token_key.to_owned(), token.clone()));
    }
    out
}

fn notes(app_key: &str, request: &FailingRequest<'_>, gateway_now_ms: Option<i64>) -> Vec<Note> {
    let params = request.params;
    let mut notes = Vec::new();
    for key in SYSTEM_KEYS.iter().filter(|k| **k != "sign" && **k != "partner_id") {
        if params.get(*key).is_none_or(String::is_empty) {
            notes.push(Note::MissingParameter((*key).to_owned()));
        }
    }
    if let Some(m) = params.get("sign_method").filter(|m| !m.is_empty() && *m != SIGN_METHOD) {
        notes.push(Note::SignMethod(m.clone()));
    }
    if let Some(sent) = params.get("app_key").filter(|k| !k.is_empty() && *k != app_key) {
        notes.push(Note::OtherAppKey { sent: sent.clone(), ours: app_key.to_owned() });
    }
    if let Some(ts) = params.get("timestamp").filter(|t| !t.is_empty()) {
        match ts.parse::<i64>().ok().filter(|_| ts.bytes().all(|b| b.is_ascii_digit())) {
            None => notes.push(Note::TimestampNotNumber),
            Some(t) if t < MIN_PLAUSIBLE_MS => notes.push(Note::TimestampInSeconds),
            Some(t) => {
                if let Some(now) = gateway_now_ms {
                    let offset_ms = t.saturating_sub(now);
                    if offset_ms.saturating_abs() > TIMESTAMP_WINDOW_MS {
                        notes.push(Note::TimestampOutsideWindow { offset_ms });
                    }
                }
            }
        }
    }
    let (wrong, right) =
        if request.protocol == Protocol::Top { ("access_token", "session") } else { ("session", "access_token") };
    if params.contains_key(wrong) && !params.contains_key(right) {
        notes.push(Note::TokenParameter { sent_as: wrong.to_owned(), expected: right.to_owned() });
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "100001";
    const SECRET: &str = "secret-0123";
    const TS: &str = "1700000000000";

    fn base() -> BTreeMap<String, String> {
        [
            ("app_key", KEY),
            ("timestamp", TS),
            ("sign_method", "sha256"),
            ("partner_id", "p1"),
            ("access_token", "tok"),
            ("q", "a b/c"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    /// Signs `signed` (prefix + params) and diagnoses a request that sent `sent`.
    fn run(
        api: &str,
        protocol: Protocol,
        prefix: &str,
        signed: &BTreeMap<String, String>,
        sent: &BTreeMap<String, String>,
    ) -> Diagnosis {
        let mut s = String::from(prefix);
        for (k, v) in signed {
            s.push_str(k);
            s.push_str(v);
        }
        let sign = sign::sign(SECRET.as_bytes(), &s);
        let req = FailingRequest { api_name: api, protocol, params: sent, sign: &sign };
        diagnose(KEY, SECRET, None, &req, Some(1_700_000_000_000))
    }

    fn cause(d: &Diagnosis) -> Cause {
        d.found.as_ref().expect("a candidate matches").cause.clone()
    }

    #[test]
    fn correct_and_case() {
        let p = base();
        let d = run("/seller/get", Protocol::Gop, "/seller/get", &p, &p);
        assert_eq!(cause(&d), Cause::Correct);
        assert_eq!((d.tried, d.notes.len()), (1, 0));
        let req = FailingRequest {
            api_name: "/seller/get",
            protocol: Protocol::Gop,
            params: &p,
            sign: &d.sign.to_lowercase(),
        };
        assert_eq!(diagnose(KEY, SECRET, None, &req, None).found.unwrap().cause, Cause::HexCase);
    }

    #[test]
    fn prefixes() {
        let p = base();
        assert_eq!(
            cause(&run("/seller/get", Protocol::Gop, "", &p, &p)),
            Cause::PathPrefixMissing { api: "/seller/get".into() }
        );
        assert_eq!(
            cause(&run("/seller/get", Protocol::Gop, "/rest/seller/get", &p, &p)),
            Cause::PathPrefixDifferent { used: "/rest/seller/get".into(), api: "/seller/get".into() }
        );
        assert_eq!(
            cause(&run("a.b.c", Protocol::Top, "a.b.c", &p, &p)),
            Cause::PathPrefixExtra { api: "a.b.c".into() }
        );
    }

    #[test]
    fn missing_and_extra_parameters() {
        let sent = base();
        let mut signed = sent.clone();
        signed.remove("partner_id");
        assert_eq!(cause(&run("/x", Protocol::Gop, "/x", &signed, &sent)), Cause::SentNotSigned("partner_id".into()));
        let mut sent2 = sent.clone();
        sent2.remove("sign_method");
        let d = run("/x", Protocol::Gop, "/x", &sent, &sent2);
        assert_eq!(cause(&d), Cause::SignedNotSent("sign_method".into()));
        assert!(d.notes.contains(&Note::MissingParameter("sign_method".into())));
        let mut with_empty = sent.clone();
        with_empty.insert("e1".into(), String::new());
        with_empty.insert("e2".into(), String::new());
        assert_eq!(
            cause(&run("/x", Protocol::Gop, "/x", &sent, &with_empty)),
            Cause::EmptyValuesNotSigned(vec!["e1".into(), "e2".into()])
        );
    }

    #[test]
    fn value_encodings() {
        let sent = base();
        let enc = |style| -> BTreeMap<String, String> {
            sent.iter().map(|(k, v)| (k.clone(), urlencode::encode(v, style))).collect()
        };
        for style in [Encoding::Percent, Encoding::Form] {
            assert_eq!(
                cause(&run("/x", Protocol::Gop, "/x", &enc(style), &sent)),
                Cause::ValuesEncoded { style, keys: vec!["q".into()] }
            );
        }
        let mut twice = sent.clone();
        twice.insert("q".into(), "a%20b%2Fc".into());
        assert_eq!(cause(&run("/x", Protocol::Gop, "/x", &sent, &twice)), Cause::ValuesDecoded(vec!["q".into()]));
        let mut padded = sent.clone();
        padded.insert("q".into(), " a b/c ".into());
        assert_eq!(cause(&run("/x", Protocol::Gop, "/x", &sent, &padded)), Cause::ValuesTrimmed(vec!["q".into()]));
    }

    #[test]
    fn timestamps() {
        let sent = base();
        let mut secs = sent.clone();
        secs.insert("timestamp".into(), "1700000000".into());
        assert_eq!(cause(&run("/x", Protocol::Gop, "/x", &secs, &sent)), Cause::TimestampSignedInSeconds);
        assert_eq!(cause(&run("/x", Protocol::Gop, "/x", &sent, &secs)), Cause::TimestampSentInSeconds);
        let d = run("/x", Protocol::Gop, "/x", &secs, &secs);
        assert_eq!(cause(&d), Cause::Correct);
        assert_eq!(d.notes, [Note::TimestampInSeconds]);
        let mut late = sent.clone();
        late.insert("timestamp".into(), "1699990000000".into());
        let d = run("/x", Protocol::Gop, "/x", &late, &late);
        assert_eq!(d.notes, [Note::TimestampOutsideWindow { offset_ms: -10_000_000 }]);
        assert!(d.notes[0].to_string().contains("10000 s behind"));
    }

    #[test]
    fn wrong_secret_matches_nothing() {
        let p = base();
        let sign = sign::sign(b"another-secret", &sign::sign_string(Protocol::Gop, "/x", &p));
        let req = FailingRequest { api_name: "/x", protocol: Protocol::Gop, params: &p, sign: &sign };
        let d = diagnose(KEY, SECRET, None, &req, None);
        assert!(d.found.is_none());
        assert!(d.tried > 10, "{}", d.tried);
    }

    #[test]
    fn notes_without_signing() {
        let mut p = base();
        p.insert("app_key".into(), "999".into());
        p.insert("sign_method".into(), "md5".into());
        p.remove("access_token");
        p.insert("session".into(), "tok-value-42".into());
        let req = FailingRequest { api_name: "/x", protocol: Protocol::Gop, params: &p, sign: "00" };
        let d = diagnose(KEY, SECRET, None, &req, None);
        assert_eq!(
            d.notes,
            [
                Note::SignMethod("md5".into()),
                Note::OtherAppKey { sent: "999".into(), ours: KEY.into() },
                Note::TokenParameter { sent_as: "session".into(), expected: "access_token".into() },
            ]
        );
        assert!(!format!("{d:?}").contains("tok-value-42"), "Debug hides values");
    }
}
