//! The sign-string builder and signer: the string is the reference concatenation, independent of
//! the order parameters were added in, and `Client::sign` signs exactly what it reports.
//!
//! Input: the first line is the API name, each further line `key=value` (a line without `=` is
//! a key with an empty value); bytes that are not UTF-8 are read lossily.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use iop::sign::{sign, sign_string as build, signatures_match};
use iop::{Client, ErrorKind, Protocol, Request};

const APP_KEY: &str = "100001";
const APP_SECRET: &str = "Q7fuzzSignSecretZ";
const TIMESTAMP_MS: i64 = 1_517_820_392_000;
/// Parameters the client sets itself, whatever the request says (plus the token's and TOP's `method`).
const SYSTEM: [&str; 4] = ["app_key", "timestamp", "sign_method", "partner_id"];

/// Parameter names and values worth splicing in.
pub(crate) const DICTIONARY: &[&str] = &[
    "\n",
    "=",
    "/auth/token/create",
    "aliexpress.ds.category.get",
    "app_key=",
    "timestamp=",
    "sign_method=sha256",
    "sign=",
    "access_token=",
    "session=",
    "method=",
    "format=json",
    "simplify=",
    "partner_id=",
    "\u{ff}",
    "\u{1f600}",
    "\r",
    " ",
    "\t",
    "%20",
    "+",
];

fn client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(|| Client::new("https://api.example.invalid/rest", APP_KEY, APP_SECRET).expect("valid client"))
}

/// Fuzz target: the sign string and signature of the call the input describes.
pub fn sign_string(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let api = lines.next().unwrap_or_default();
    let protocol = Protocol::for_api(api);
    // First occurrence of a key wins; the order of the input is kept for the forward pass.
    let mut pairs: Vec<(String, String)> = Vec::new();
    for line in lines {
        let (k, v) = line.split_once('=').unwrap_or((line, ""));
        if !pairs.iter().any(|(seen, _)| seen == k) {
            pairs.push((k.to_owned(), v.to_owned()));
        }
    }

    // The builder: the reference concatenation, whatever the insertion order.
    let forward: BTreeMap<String, String> = pairs.iter().cloned().collect();
    let backward: BTreeMap<String, String> = pairs.iter().rev().cloned().collect();
    let built = build(protocol, api, &forward);
    assert_eq!(built, build(protocol, api, &backward), "order of insertion changed the sign string");
    let mut sorted = pairs.clone();
    sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut reference = if protocol == Protocol::Gop { api.to_owned() } else { String::new() };
    for (k, v) in &sorted {
        reference.push_str(k);
        reference.push_str(v);
    }
    assert_eq!(built, reference);

    // The signature: deterministic, 64 upper-case hex digits, keyed by the secret.
    let signature = sign(APP_SECRET.as_bytes(), &built);
    assert_eq!(signature, sign(APP_SECRET.as_bytes(), &built));
    assert!(signature.len() == 64 && signature.bytes().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)));
    assert!(signatures_match(&signature, &signature));
    assert_ne!(signature, sign(b"another secret", &built));

    // The client: signs exactly the parameters it reports, in any order of adding them.
    let Some(forward_request) = request(api, pairs.iter()) else { return };
    let backward_request = request(api, pairs.iter().rev()).expect("same parameters");
    let signed = match client().sign(&forward_request, Some("fuzz-access-token"), None, TIMESTAMP_MS) {
        Ok(signed) => signed,
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
            return;
        }
    };
    assert_eq!(signed, client().sign(&backward_request, Some("fuzz-access-token"), None, TIMESTAMP_MS).unwrap());
    assert_eq!(signed.sign_string, build(signed.protocol, api, &signed.params));
    assert_eq!(signed.sign, sign(APP_SECRET.as_bytes(), &signed.sign_string));
    assert_eq!(signed.params["app_key"], APP_KEY);
    assert_eq!(signed.params["timestamp"], TIMESTAMP_MS.to_string());
    let (token_key, extra) =
        if signed.protocol == Protocol::Gop { ("access_token", "") } else { ("session", "method") };
    assert_eq!(signed.params[token_key], "fuzz-access-token");
    let set_by_client = |k: &str| k.is_empty() || SYSTEM.contains(&k) || [token_key, extra, "sign"].contains(&k);
    for (k, v) in pairs.iter().filter(|(k, _)| !set_by_client(k)) {
        assert_eq!(signed.params.get(k), Some(v), "parameter {k:?} not signed as given");
    }
    let debug = format!("{signed:?}");
    assert!(!debug.contains(&signed.sign) && !debug.contains(APP_SECRET));
}

/// The request for `api` with `pairs`, or `None` when the API name is refused (checked to be
/// for a good reason); refused keys are checked and skipped.
fn request<'a>(api: &str, pairs: impl Iterator<Item = &'a (String, String)>) -> Option<Request> {
    let mut request = match Request::new(api) {
        Ok(r) => r,
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::InvalidArgument);
            assert!(api.is_empty() || api.chars().any(|c| c.is_whitespace() || c.is_control()), "{api:?} refused");
            return None;
        }
    };
    for (k, v) in pairs {
        match request.add_param(k, v) {
            Ok(()) => assert!(!k.is_empty() && k != "sign"),
            Err(e) => assert!(e.kind() == ErrorKind::InvalidArgument && (k.is_empty() || k == "sign")),
        }
    }
    Some(request)
}
