//! The EnOS API-management token service and one protected API.
//!
//! - `POST /apim-token-service/v2.0/token/get|refresh`: JSON `{appKey, encryption, timestamp
//!   [, accessToken]}`, checked in this order: empty parameter 1202, unknown appKey 1002,
//!   timestamp not epoch ms within the window 1004, encryption mismatch 1003, replayed
//!   encryption 1001; refresh of an expired token 1203, of an unknown one 1204. Answers are
//!   HTTP 200 `{"status","msg","business":"apim-token-service"[,"data":{accessToken,expire}]}`.
//!   Get returns the app's current token while it is valid; refresh issues a new token with a
//!   full lifetime (the old one stays valid until its own expiry) and makes it current.
//! - `GET|POST|PUT|DELETE /connect-service/v2.1/devices?…` (the sandbox's protected API): checks
//!   `apim-accesstoken`, `apim-timestamp` and `apim-signature`; answers
//!   `{"code":0,"msg":"OK","requestId","data":{…echo…}}`, or HTTP 401 with `code` 1202 (missing
//!   header), 1203 (expired token), 1003 (bad signature or timestamp) or 1002 (unknown token).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use iop::enos::{HEADER_ACCESS_TOKEN, HEADER_SIGNATURE, HEADER_TIMESTAMP, apim_signature, encryption, params_data};
use iop::sign::signatures_match;
use serde_json::{Map, Value, json};

use crate::clock::real_now_ms;
use crate::config::{Config, EnosAppConfig};
use crate::ids;
use crate::reply::Reply;
use crate::request::Incoming;
use crate::state::State;
use crate::verify::TIMESTAMP_WINDOW_SECS;

/// Path prefix of the token service.
const TOKEN_SERVICE: &str = "/apim-token-service/v2.0/token/";
/// Path of the protected API.
pub(crate) const PROTECTED_API: &str = "/connect-service/v2.1/devices";
/// Replay records kept before old ones are dropped.
const MAX_REPLAY_RECORDS: usize = 200_000;

/// A token-service operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenOp {
    /// `token/get`.
    Get,
    /// `token/refresh`.
    Refresh,
}

impl TokenOp {
    /// The operation at `path`, if it is a token-service path.
    pub(crate) fn at(path: &str) -> Option<TokenOp> {
        match path.strip_prefix(TOKEN_SERVICE)?.trim_end_matches('/') {
            "get" => Some(TokenOp::Get),
            "refresh" => Some(TokenOp::Refresh),
            _ => None,
        }
    }
}

struct TokenEntry {
    app_key: String,
    expires_ms: i64,
}

#[derive(Default)]
struct Tables {
    tokens: HashMap<String, TokenEntry>,
    current: HashMap<String, String>,
    used_encryptions: HashMap<String, i64>,
}

/// The token service's memory and counters.
pub(crate) struct EnosState {
    apps: HashMap<String, EnosAppConfig>,
    tables: Mutex<Tables>,
    /// Tokens issued by get (new ones only) and refresh.
    pub tokens_issued: AtomicU64,
    /// Successful refreshes.
    pub refreshes: AtomicU64,
}

/// A token-service failure: its `status` and `msg`.
struct Failure(i64, &'static str);

impl EnosState {
    /// State for `config`, with its preset tokens valid from `now_ms`.
    pub(crate) fn new(config: &Config, now_ms: i64) -> EnosState {
        let state = EnosState {
            apps: config.enos_apps.iter().map(|a| (a.app_key.clone(), a.clone())).collect(),
            tables: Mutex::new(Tables::default()),
            tokens_issued: AtomicU64::new(0),
            refreshes: AtomicU64::new(0),
        };
        for preset in &config.preset_enos_tokens {
            if let Some(app) = state.apps.get(&preset.app_key) {
                let mut t = state.tables();
                let expires_ms = now_ms.saturating_add(app.token_ttl_secs * 1000);
                t.tokens.insert(preset.value.clone(), TokenEntry { app_key: app.app_key.clone(), expires_ms });
                t.current.insert(app.app_key.clone(), preset.value.clone());
            }
        }
        state
    }

    /// The apps, sorted by key.
    pub(crate) fn apps(&self) -> Vec<EnosAppConfig> {
        let mut apps: Vec<EnosAppConfig> = self.apps.values().cloned().collect();
        apps.sort_by(|a, b| a.app_key.cmp(&b.app_key));
        apps
    }

    fn tables(&self) -> MutexGuard<'_, Tables> {
        self.tables.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records `encryption` as used; false when it was used before (a replay).
    fn first_use(&self, encryption: &str, real_ms: i64) -> bool {
        let mut t = self.tables();
        if t.used_encryptions.len() >= MAX_REPLAY_RECORDS {
            let oldest_kept = real_ms - 2 * TIMESTAMP_WINDOW_SECS * 1000;
            t.used_encryptions.retain(|_, at| *at >= oldest_kept);
        }
        t.used_encryptions.insert(encryption.to_owned(), real_ms).is_none()
    }

    fn issue(&self, t: &mut Tables, app: &EnosAppConfig, now_ms: i64) -> (String, i64) {
        let token = format!("APP_TOKEN_{}", ids::alphanumeric(40));
        let ttl_ms = app.token_ttl_secs * 1000;
        t.tokens.insert(token.clone(), TokenEntry { app_key: app.app_key.clone(), expires_ms: now_ms + ttl_ms });
        t.current.insert(app.app_key.clone(), token.clone());
        self.tokens_issued.fetch_add(1, Ordering::Relaxed);
        (token, app.token_ttl_secs)
    }

    /// `get`: the app's current token while valid, else a new one.
    fn get(&self, app: &EnosAppConfig, now_ms: i64) -> (String, i64) {
        let mut t = self.tables();
        let current = t.current.get(&app.app_key).and_then(|tok| Some((tok.clone(), t.tokens.get(tok)?.expires_ms)));
        match current {
            Some((token, expires_ms)) if expires_ms > now_ms => (token, (expires_ms - now_ms) / 1000),
            _ => self.issue(&mut t, app, now_ms),
        }
    }

    /// `refresh`: a new token replacing `old` as the app's current one.
    fn refresh(&self, app: &EnosAppConfig, old: &str, now_ms: i64) -> Result<(String, i64), Failure> {
        let mut t = self.tables();
        match t.tokens.get(old) {
            Some(e) if e.app_key != app.app_key => {
                Err(Failure(1204, "refresh failed: the token belongs to another app"))
            }
            Some(e) if e.expires_ms <= now_ms => Err(Failure(1203, "token expired")),
            Some(_) => {
                self.refreshes.fetch_add(1, Ordering::Relaxed);
                Ok(self.issue(&mut t, app, now_ms))
            }
            None => Err(Failure(1204, "refresh failed: unknown access token")),
        }
    }

    /// The app owning a live `token`: `Err(1203)` when expired, `Err(1002)` when unknown.
    fn owner(&self, token: &str, now_ms: i64) -> Result<&EnosAppConfig, Failure> {
        let t = self.tables();
        let entry = t.tokens.get(token).ok_or(Failure(1002, "unknown access token"))?;
        if entry.expires_ms <= now_ms {
            return Err(Failure(1203, "token expired"));
        }
        self.apps.get(&entry.app_key).ok_or(Failure(1002, "unknown access token"))
    }
}

/// Answers a token-service request.
pub(crate) fn token_service(state: &State, op: TokenOp, rq: &Incoming, body: &[u8]) -> Reply {
    let answer = match token_answer(state, op, rq, body) {
        Ok((token, expire)) => json!({
            "status": 0,
            "msg": "SUCCESS",
            "business": "apim-token-service",
            "data": {"accessToken": token, "expire": expire},
        }),
        Err(Failure(status, msg)) => json!({"status": status, "msg": msg, "business": "apim-token-service"}),
    };
    Reply::json(200, &answer)
}

fn token_answer(state: &State, op: TokenOp, rq: &Incoming, body: &[u8]) -> Result<(String, i64), Failure> {
    if rq.method != "POST" {
        return Err(Failure(1004, "invalid parameter: use POST"));
    }
    let Ok(Value::Object(json)) = serde_json::from_slice::<Value>(body) else {
        return Err(Failure(1004, "invalid parameter: the body must be a JSON object"));
    };
    let field = |name: &str| match json.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let (Some(app_key), Some(given), Some(timestamp)) = (field("appKey"), field("encryption"), field("timestamp"))
    else {
        return Err(Failure(1202, "empty parameter: appKey, encryption and timestamp are required"));
    };
    let access_token = field("accessToken");
    if op == TokenOp::Refresh && access_token.is_none() {
        return Err(Failure(1202, "empty parameter: accessToken is required"));
    }
    let enos = &state.enos;
    let app = enos.apps.get(&app_key).ok_or(Failure(1002, "unknown appKey"))?;
    let real_now = real_now_ms().saturating_add(state.clock_skew_ms());
    let ts: i64 = timestamp
        .parse()
        .ok()
        .filter(|ts: &i64| (ts - real_now).abs() <= TIMESTAMP_WINDOW_SECS * 1000)
        .ok_or(Failure(1004, "invalid parameter: timestamp must be current epoch milliseconds"))?;
    if !signatures_match(&encryption(&app.app_key, ts, &app.app_secret), &given) {
        return Err(Failure(1003, "invalid encryption"));
    }
    if !enos.first_use(&given, real_now) {
        return Err(Failure(1001, "duplicated encryption"));
    }
    let now = state.clock.now_ms();
    match (op, access_token) {
        (TokenOp::Refresh, Some(old)) => enos.refresh(app, &old, now),
        _ => Ok(enos.get(app, now)),
    }
}

/// Answers a call to the protected API after checking its `apim-*` headers.
pub(crate) fn protected_api(state: &State, rq: &Incoming, body: &[u8]) -> Reply {
    let request_id = ids::request_id();
    match check_headers(state, rq, body) {
        Ok(app) => {
            let params: Map<String, Value> = form_urlencoded::parse(rq.query.as_bytes())
                .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
                .collect();
            let echoed = serde_json::from_slice::<Value>(body).unwrap_or(Value::Null);
            let data = json!({"method": rq.method, "appKey": app.app_key, "params": params, "body": echoed});
            Reply::json(200, &json!({"code": 0, "msg": "OK", "requestId": request_id, "data": data}))
        }
        Err(Failure(code, msg)) => Reply::json(401, &json!({"code": code, "msg": msg, "requestId": request_id})),
    }
}

fn check_headers<'s>(state: &'s State, rq: &Incoming, body: &[u8]) -> Result<&'s EnosAppConfig, Failure> {
    let header = |name: &str| rq.header(name).filter(|v| !v.is_empty());
    let (Some(token), Some(timestamp), Some(given)) =
        (header(HEADER_ACCESS_TOKEN), header(HEADER_TIMESTAMP), header(HEADER_SIGNATURE))
    else {
        return Err(Failure(1202, "empty parameter: apim-accesstoken, apim-timestamp and apim-signature are required"));
    };
    let app = state.enos.owner(token, state.clock.now_ms())?;
    let real_now = real_now_ms().saturating_add(state.clock_skew_ms());
    let ts: i64 = timestamp
        .parse()
        .ok()
        .filter(|ts: &i64| (ts - real_now).abs() <= TIMESTAMP_WINDOW_SECS * 1000)
        .ok_or(Failure(1003, "invalid apim-timestamp: must be current epoch milliseconds"))?;
    let expected = apim_signature(token, &params_data(&format!("?{}", rq.query)), body, ts, &app.app_secret);
    if !signatures_match(&expected, given) {
        return Err(Failure(1003, "invalid apim-signature"));
    }
    Ok(app)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{DEFAULT_ENOS_APP_KEY, DEFAULT_ENOS_APP_SECRET};

    fn post(state: &State, op: &str, body: Value) -> Value {
        let path = format!("{TOKEN_SERVICE}{op}");
        let body = body.to_string().into_bytes();
        let rq = Incoming::new("POST", &path, Some("application/json".into()), Ok(body.clone()));
        let reply = token_service(state, TokenOp::at(&path).unwrap(), &rq, &body);
        assert_eq!(reply.status, 200);
        reply.json_body()
    }

    fn signed(ts: i64) -> Value {
        json!({"appKey": DEFAULT_ENOS_APP_KEY, "timestamp": ts,
               "encryption": encryption(DEFAULT_ENOS_APP_KEY, ts, DEFAULT_ENOS_APP_SECRET)})
    }

    #[test]
    fn get_is_stable_and_replays_are_refused() {
        let state = State::new(&Config::default());
        let ts = real_now_ms();
        let a = post(&state, "get", signed(ts));
        assert_eq!(a["status"], 0, "{a}");
        assert_eq!(post(&state, "get", signed(ts))["status"], 1001);
        let b = post(&state, "get", signed(ts + 1));
        assert_eq!(a["data"]["accessToken"], b["data"]["accessToken"]);
        let mut bad = signed(ts + 2);
        bad["encryption"] = "00".into();
        assert_eq!(post(&state, "get", bad)["status"], 1003);
        let mut unknown = signed(ts + 3);
        unknown["appKey"] = "nope".into();
        assert_eq!(post(&state, "get", unknown)["status"], 1002);
        assert_eq!(post(&state, "get", json!({"appKey": DEFAULT_ENOS_APP_KEY}))["status"], 1202);
        assert_eq!(post(&state, "get", signed(1))["status"], 1004);
    }

    #[test]
    fn routes() {
        assert_eq!(TokenOp::at("/apim-token-service/v2.0/token/get"), Some(TokenOp::Get));
        assert_eq!(TokenOp::at("/apim-token-service/v2.0/token/refresh/"), Some(TokenOp::Refresh));
        assert_eq!(TokenOp::at("/apim-token-service/v2.0/token/other"), None);
    }
}
