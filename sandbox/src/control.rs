//! Control endpoints under `/_sandbox` for tests running in other processes.

use serde_json::json;

use crate::reply::Reply;
use crate::request::Params;
use crate::state::State;

/// Answers `path` (after `/_sandbox`):
/// `GET /health` → `{"ok":true}`; `GET /clock` → `{"now_ms":…}`;
/// `POST /clock/advance?seconds=N` → `{"now_ms":…}`; `POST /code?client_id=APP` → `{"code":…}`;
/// `POST /faults?route=R&mode=SPEC[&count=N]` arms a fault (see `crate::faults`);
/// `GET /faults` → `{"armed":[…],"hits":{route: n}}`; `POST /faults/reset` disarms them all.
pub(crate) fn handle(state: &State, method: &str, path: &str, params: &Params) -> Reply {
    let error = |status: u16, msg: &str| Reply::json(status, &json!({"error": msg}));
    let expected = match path {
        "/health" | "/clock" => "GET",
        "/clock/advance" | "/code" | "/faults/reset" => "POST",
        "/faults" if method == "GET" => "GET",
        "/faults" => "POST",
        _ => return error(404, "unknown control endpoint"),
    };
    if method != expected {
        return error(405, &format!("use {expected}"));
    }
    match path {
        "/health" => Reply::json(200, &json!({"ok": true})),
        "/clock" => Reply::json(200, &json!({"now_ms": state.clock.now_ms()})),
        "/clock/advance" => match params.get("seconds").and_then(|s| s.parse::<i64>().ok()) {
            Some(secs) => Reply::json(200, &json!({"now_ms": state.clock.advance(secs)})),
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
