//! The routing table: which handler answers which path, and in which envelope.
//!
//! | path (under `/lazada`, `/aliexpress`, `/tw` or no prefix = Lazada) | handler |
//! |---|---|
//! | `/rest/<api path>` | GOP call, api path from the URL |
//! | `/rest` (with `method=<api path>`) | GOP call, api path from the parameter |
//! | `/sync` | TOP call (dotted `method`), wrapped envelope |
//! | `/oauth/authorize` | simulated OAuth page: 302 to `redirect_uri` with a code |
//! | `/_sandbox/…` (no prefix only) | control endpoints |

use std::sync::atomic::Ordering;

use crate::api;
use crate::control;
use crate::enos::{self, TokenOp};
use crate::envelope::{ApiError, Style};
use crate::flavour::Flavour;
use crate::ids;
use crate::oauth;
use crate::reply::Reply;
use crate::request::{self, BodyError, Incoming};
use crate::state::State;

/// Where a path leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Route {
    /// A GOP call: the api path from the URL, or `None` for bare `/rest` (`method` parameter).
    Rest(Flavour, Option<String>),
    /// A TOP call at `/sync`.
    Sync,
    /// The OAuth authorization page.
    Authorize,
    /// A control endpoint; the path after `/_sandbox`.
    Control(String),
    /// The EnOS token service.
    EnosToken(TokenOp),
    /// The EnOS protected API.
    EnosApi,
    /// Nothing here.
    NotFound,
}

impl Route {
    /// Routes a request path (without query).
    pub(crate) fn parse(path: &str) -> Route {
        if let Some(op) = TokenOp::at(path) {
            return Route::EnosToken(op);
        }
        if path.trim_end_matches('/') == enos::PROTECTED_API {
            return Route::EnosApi;
        }
        let (flavour, rest, prefixed) = Flavour::split_path(path);
        match rest {
            "/rest" | "/rest/" => Route::Rest(flavour, None),
            "/sync" | "/sync/" => Route::Sync,
            "/oauth/authorize" | "/oauth/authorize/" => Route::Authorize,
            _ => {
                if let Some(api) = rest.strip_prefix("/rest/") {
                    Route::Rest(flavour, Some(format!("/{api}")))
                } else if let Some(c) = rest.strip_prefix("/_sandbox").filter(|_| !prefixed) {
                    Route::Control(c.to_string())
                } else {
                    Route::NotFound
                }
            }
        }
    }

    /// The envelope errors on this route use.
    pub(crate) fn style(&self) -> Style {
        if *self == Route::Sync { Style::Wrapped } else { Style::Flat }
    }
}

/// Answers one request. Never panics on malformed input.
pub(crate) fn handle(state: &State, rq: &Incoming) -> Reply {
    state.counters.requests.fetch_add(1, Ordering::Relaxed);
    let request_id = ids::request_id();
    let route = Route::parse(&rq.path);
    let reply = match dispatch(state, rq, &route, &request_id) {
        Ok(reply) => reply,
        Err(e) => Reply::json(e.status, &e.body(route.style(), &request_id)),
    };
    if reply.status >= 400 {
        state.counters.errors.fetch_add(1, Ordering::Relaxed);
    }
    reply
}

/// The reply to a request whose head is not valid HTTP/1.1.
pub(crate) fn bad_request() -> Reply {
    let e = ApiError::invalid_request("it is not valid HTTP/1.1");
    Reply::json(e.status, &e.body(Style::Flat, &ids::request_id()))
}

/// The reply to a request whose head exceeds the size limit.
pub(crate) fn head_too_large() -> Reply {
    let e = ApiError::invalid_request("the request line and headers exceed 64 KiB");
    Reply::json(431, &e.body(Style::Flat, &ids::request_id()))
}

/// The reply to a TLS handshake on this plain-HTTP port, sent at once (the client gets an error
/// instead of waiting for a ServerHello until its timeout).
pub(crate) fn tls_on_plain_port() -> Reply {
    let e = ApiError::invalid_request("a TLS handshake arrived on the plain-HTTP port; use http://");
    Reply::json(e.status, &e.body(Style::Flat, &ids::request_id()))
}

/// The reply for a request whose handler panicked.
pub(crate) fn internal_error(rq: &Incoming) -> Reply {
    let e = ApiError::internal();
    Reply::json(e.status, &e.body(Route::parse(&rq.path).style(), &ids::request_id()))
}

fn dispatch(state: &State, rq: &Incoming, route: &Route, request_id: &str) -> Result<Reply, ApiError> {
    if *route == Route::NotFound {
        return Err(ApiError::not_found());
    }
    let body = match &rq.body {
        Ok(body) => body,
        Err(BodyError::TooLarge) => return Err(ApiError::too_large()),
        Err(BodyError::Unreadable) => return Err(ApiError::invalid_request("the body could not be read")),
    };
    match route {
        Route::EnosToken(op) => return Ok(enos::token_service(state, *op, rq, body)),
        Route::EnosApi => return Ok(enos::protected_api(state, rq, body)),
        _ => {}
    }
    let params = request::params(rq, body).map_err(|e| ApiError::invalid_request(&e))?;
    match route {
        Route::Control(path) => return Ok(control::handle(state, &rq.method, path, &params, body)),
        _ if rq.method != "GET" && rq.method != "POST" => return Err(ApiError::method_not_allowed()),
        Route::Authorize => return Ok(oauth::authorize(state, &params)),
        _ => {}
    }
    let value = match route {
        Route::Rest(flavour, api_path) => api::gop(state, *flavour, api_path.as_deref(), &params, request_id)?,
        _ => api::top(state, &params, request_id)?,
    };
    Ok(Reply::json(200, &value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn routing_table() {
        assert_eq!(
            Route::parse("/rest/auth/token/create"),
            Route::Rest(Flavour::Lazada, Some("/auth/token/create".into()))
        );
        assert_eq!(
            Route::parse("/tw/rest/auth/token/create"),
            Route::Rest(Flavour::Tw, Some("/auth/token/create".into()))
        );
        assert_eq!(Route::parse("/aliexpress/rest"), Route::Rest(Flavour::AliExpress, None));
        assert_eq!(Route::parse("/lazada/rest/"), Route::Rest(Flavour::Lazada, None));
        assert_eq!(Route::parse("/aliexpress/sync"), Route::Sync);
        assert_eq!(Route::parse("/sync"), Route::Sync);
        assert_eq!(Route::parse("/lazada/oauth/authorize"), Route::Authorize);
        assert_eq!(Route::parse("/oauth/authorize"), Route::Authorize);
        assert_eq!(Route::parse("/_sandbox/health"), Route::Control("/health".into()));
        assert_eq!(Route::parse("/tw/_sandbox/health"), Route::NotFound);
        assert_eq!(Route::parse("/"), Route::NotFound);
        assert_eq!(Route::parse("/restx"), Route::NotFound);
        assert_eq!(Route::parse("/apim-token-service/v2.0/token/get"), Route::EnosToken(TokenOp::Get));
        assert_eq!(Route::parse("/connect-service/v2.1/devices"), Route::EnosApi);
        assert_eq!(Route::Sync.style(), Style::Wrapped);
    }

    #[test]
    fn not_found_and_too_large_are_json() {
        let state = State::new(&Config::default());
        let r = handle(&state, &Incoming::new("GET", "/nope", None, Ok(vec![])));
        assert_eq!(r.status, 404);
        assert_eq!(r.json_body()["code"], "NotFound");
        let r = handle(&state, &Incoming::new("POST", "/sync", None, Err(BodyError::TooLarge)));
        assert_eq!(r.status, 413);
        assert_eq!(r.json_body()["error_response"]["code"], "RequestEntityTooLarge");
        let r = handle(&state, &Incoming::new("DELETE", "/rest/seller/get", None, Ok(vec![])));
        assert_eq!(r.status, 405);
        assert_eq!(state.counters.requests.load(Ordering::Relaxed), 3);
        assert_eq!(state.counters.errors.load(Ordering::Relaxed), 3);
    }
}
