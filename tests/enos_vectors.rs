//! Every vector in tests/data/enos.json: token-service `encryption` and `apim-signature`,
//! computed by the public functions and by `EnosClient`; `_REJECTED` vectors are never produced.

use iop::enos::{ApimHeaders, EnosClient, apim_signature, encryption, params_data};
use serde_json::Value;

fn vectors() -> Vec<Value> {
    let doc: Value = serde_json::from_str(include_str!("data/enos.json")).unwrap();
    doc["vectors"].as_array().unwrap().clone()
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v["inputs"][key].as_str().unwrap()
}

/// What this library computes for a vector, and the string it hashes (rebuilt from the rule).
fn computed(v: &Value) -> (String, String) {
    let ts = v["inputs"]["timestamp"].as_i64().unwrap();
    let secret = s(v, "appSecret");
    if v["name"].as_str().unwrap().starts_with("apim_sign") {
        let (url, body, token) = (s(v, "url"), s(v, "body"), s(v, "accessToken"));
        let params = params_data(url);
        let headers = ApimHeaders::sign(url, body.as_bytes(), token, secret, ts).unwrap();
        assert_eq!(headers.signature, apim_signature(token, &params, body.as_bytes(), ts, secret));
        (headers.signature, format!("{token}{params}{body}{ts}{secret}"))
    } else {
        let key = s(v, "appKey");
        (encryption(key, ts, secret), format!("{key}{ts}{secret}"))
    }
}

#[test]
fn every_documented_vector_matches_and_no_rejected_one_is_produced() {
    let all = vectors();
    assert_eq!(all.len(), 5);
    for v in &all {
        let name = v["name"].as_str().unwrap();
        let (hex, string) = computed(v);
        if v["documented_rule"].as_bool().unwrap() {
            assert_eq!(string, v["string_to_hash"].as_str().unwrap(), "{name}");
            assert_eq!(hex, v["expected_hex"].as_str().unwrap(), "{name}");
        } else {
            assert_ne!(hex, v["expected_hex"].as_str().unwrap(), "{name}: produced a rejected value");
        }
    }
}

#[test]
fn client_bodies_and_headers_match_the_vectors() {
    for v in vectors().iter().filter(|v| v["documented_rule"].as_bool().unwrap()) {
        let ts = v["inputs"]["timestamp"].as_i64().unwrap();
        let secret = s(v, "appSecret");
        if let Some(url) = v["inputs"]["url"].as_str() {
            let client = EnosClient::new("https://apigw.example.com", "any-app", secret).unwrap();
            let h = client.sign(url, s(v, "body").as_bytes(), s(v, "accessToken"), Some(ts)).unwrap();
            assert_eq!(h.signature, v["expected_hex"].as_str().unwrap());
            let names: Vec<&str> = h.pairs().iter().map(|p| p.0).collect();
            assert_eq!(names, ["apim-accesstoken", "apim-timestamp", "apim-signature"]);
            assert_eq!(h.pairs()[1].1, ts.to_string());
        } else {
            let client = EnosClient::new("https://apigw.example.com", s(v, "appKey"), secret).unwrap();
            let token = v["inputs"]["accessToken"].as_str();
            let body: Value = serde_json::from_str(&client.token_request_body(ts, token)).unwrap();
            assert_eq!(body["encryption"], v["expected_hex"]);
            assert_eq!(body["timestamp"].as_i64(), Some(ts));
            assert_eq!(body["accessToken"].as_str(), token);
        }
    }
}
