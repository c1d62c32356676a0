//! Control endpoints under `/_sandbox` for tests running in other processes.

use serde_json::json;

use crate::config::valid_api_error_status;
use crate::limits::{LimitsConfig, MAX_BAN_SECS};
use crate::reply::Reply;
use crate::request::Params;
use crate::state::State;

/// Answers `path` (after `/_sandbox`):
/// `GET /health` → `{"ok":true}`; `GET /clock` → `{"now_ms":…}`;
/// `POST /clock/advance?seconds=N` → `{"now_ms":…}`; `POST /code?client_id=APP` → `{"code":…}`;
/// `POST /faults?route=R&mode=SPEC[&count=N]` arms a fault (see `crate::faults`);
/// `GET /faults` → `{"armed":[…],"hits":{route: n}}`; `POST /faults/reset` disarms them all.
///
/// Push messages (see `crate::push`): `POST /push/register?url=http://127.0.0.1:P/path&app_key=APP`
/// registers the app's receiver (loopback `http://` only); `POST /push/order?seller_id=ID[&app_key=APP]`
/// queues a type-0 trade-order message → `{"id":…}`; `POST /push/faults?mode=bad-signature&count=N`
/// makes the next N deliveries carry a wrong Authorization (`count=0` disarms);
/// `POST /push/flush` delivers everything due now on the virtual clock (expiry alerts
/// checked first) and returns when done → `{"attempts":n}`; `GET /push/log` →
/// `{"deliveries":[{id,message_type,app_key,seller_id,attempt,at_ms,status,error,bad_signature,acknowledged}],"pending":[…],"receivers":{…}}`.
/// Advancing the clock checks for expiry alerts (type 8, sellers whose authorization ends within
/// 48 hours, once per virtual day).
///
/// Limits (see `crate::limits`): `GET /limits` → `{"limits":{…},"bans":[{app_key,api,until_ms}],
/// "daily":[{app_key,used,resets_at_ms}]}`; `POST /limits` with the limits as a JSON body
/// (`{"app":{"rate":50,"burst":50},"apis":{"/seller/get":{"rate":5}},"daily":1000}`) replaces
/// them (buckets start full; bans and daily counts stay); `POST /limits/ban?app_key=APP[&api=NAME]&seconds=N`
/// bans the app (or one of its APIs) for N seconds of the virtual clock (0 lifts it) →
/// `{"app_key","api","until_ms"}`; `POST /limits/reset` lifts every ban, refills every bucket and
/// forgets the daily counts. `GET /requests[?after=SEQ]` → `{"requests":[{seq,at_ms,app_key,api,
/// throttled,limit,code}],"dropped":n,"last_seq":s}` (the request log, entries after SEQ);
/// `POST /requests/reset` empties it. `POST /settings?api_error_status=N` sets the HTTP status
/// of API errors other than the OAuth calls' (200 or 400..=599) → `{"api_error_status":N}`.
pub(crate) fn handle(state: &State, method: &str, path: &str, params: &Params, body: &[u8]) -> Reply {
    let error = |status: u16, msg: &str| Reply::json(status, &json!({"error": msg}));
    let expected = match path {
        "/health" | "/clock" => "GET",
        "/clock/advance" | "/code" | "/faults/reset" => "POST",
        "/push/register" | "/push/order" | "/push/faults" | "/push/flush" => "POST",
        "/push/log" => "GET",
        "/faults" | "/limits" | "/requests" if method == "GET" => "GET",
        "/faults" | "/limits" => "POST",
        "/limits/ban" | "/limits/reset" | "/requests/reset" | "/settings" => "POST",
        "/requests" => "GET",
        _ => return error(404, "unknown control endpoint"),
    };
    if method != expected {
        return error(405, &format!("use {expected}"));
    }
    match path {
        "/limits" if method == "GET" => Reply::json(200, &state.limits.snapshot(state.clock.now_ms())),
        "/limits" => {
            let text = std::str::from_utf8(body).unwrap_or_default();
            match LimitsConfig::from_json(text) {
                Ok(limits) => {
                    state.limits.set(limits);
                    Reply::json(200, &state.limits.snapshot(state.clock.now_ms()))
                }
                Err(e) => error(400, &format!("the body must be the limits as JSON: {e}")),
            }
        }
        "/limits/ban" => {
            let app_key = params.get("app_key").unwrap_or_default();
            let api = params.non_empty("api");
            let seconds = params.get("seconds").and_then(|s| s.parse::<u32>().ok()).filter(|s| *s <= MAX_BAN_SECS);
            match (state.app(app_key), seconds) {
                (None, _) => error(400, "unknown app_key"),
                (_, None) => error(400, &format!("seconds must be 0..={MAX_BAN_SECS}")),
                (Some(_), Some(seconds)) => {
                    let until = state.limits.ban(app_key, api, seconds, state.clock.now_ms());
                    Reply::json(200, &json!({"app_key": app_key, "api": api, "until_ms": until}))
                }
            }
        }
        "/limits/reset" => {
            state.limits.reset();
            Reply::json(200, &state.limits.snapshot(state.clock.now_ms()))
        }
        "/requests" => match params.non_empty("after").map_or(Ok(0), str::parse::<u64>) {
            Ok(after) => Reply::json(200, &state.limits.log.snapshot(after)),
            Err(_) => error(400, "after must be a sequence number"),
        },
        "/requests/reset" => {
            state.limits.log.clear();
            Reply::json(200, &state.limits.log.snapshot(0))
        }
        "/settings" => match params.get("api_error_status").and_then(|s| s.parse::<u16>().ok()) {
            Some(status) if valid_api_error_status(status) => {
                state.set_api_error_status(status);
                Reply::json(200, &json!({"api_error_status": status}))
            }
            _ => error(400, "api_error_status must be 200 or 400..=599"),
        },
        "/health" => Reply::json(200, &json!({"ok": true})),
        "/clock" => Reply::json(200, &json!({"now_ms": state.clock.now_ms()})),
        "/clock/advance" => match params.get("seconds").and_then(|s| s.parse::<i64>().ok()) {
            Some(secs) => {
                let now = state.clock.advance(secs);
                state.push.scan_alerts(state);
                Reply::json(200, &json!({"now_ms": now}))
            }
            None => error(400, "seconds must be an integer"),
        },
        "/faults" if method == "GET" => Reply::json(200, &state.faults.snapshot()),
        "/faults" => {
            let count = match params.non_empty("count").map(str::parse::<u32>) {
                None => None,
                Some(Ok(n)) => Some(n),
                Some(Err(_)) => return error(400, "count must be a positive integer"),
            };
            let route = params.get("route").unwrap_or_default();
            let spec = params.get("mode").unwrap_or_default();
            match state.faults.arm(route, spec, count) {
                Ok(()) => Reply::json(200, &state.faults.snapshot()),
                Err(e) => error(400, &e),
            }
        }
        "/push/register" => {
            match state.push.register(
                state,
                params.get("url").unwrap_or_default(),
                params.get("app_key").unwrap_or_default(),
            ) {
                Ok(()) => Reply::json(200, &json!({"ok": true})),
                Err(e) => error(400, &e),
            }
        }
        "/push/order" => {
            match state.push.order(state, params.get("seller_id").unwrap_or_default(), params.non_empty("app_key")) {
                Ok(id) => Reply::json(200, &json!({"id": id})),
                Err(e) => error(400, &e),
            }
        }
        "/push/faults" => {
            if params.get("mode") != Some("bad-signature") {
                return error(400, "mode must be bad-signature");
            }
            match params.non_empty("count").map_or(Ok(1), str::parse::<u32>) {
                Ok(n) => {
                    state.push.arm_bad_signature(n);
                    Reply::json(200, &json!({"bad_signature_armed": n}))
                }
                Err(_) => error(400, "count must be a non-negative integer"),
            }
        }
        "/push/flush" => Reply::json(200, &json!({"attempts": state.push.deliver_due(state)})),
        "/push/log" => Reply::json(200, &state.push.snapshot()),
        "/faults/reset" => {
            state.faults.clear();
            Reply::json(200, &state.faults.snapshot())
        }
        _ => match params.non_empty("client_id").and_then(|app| state.issue_code(app)) {
            Some(code) => Reply::json(200, &json!({"code": code})),
            None => error(400, "unknown client_id"),
        },
    }
}
