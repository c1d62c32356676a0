//! The events of one call: `call.start` per attempt, `call.retry` before each retry, one
//! `call.end` with the outcome.

use std::time::{Duration, Instant};

use super::{Event, Level, emit, host_of, millis_since};
use crate::error::{Error, Result};
use crate::response::Response;

/// One call being made, for its events. Holds names only, never a value sent.
pub(crate) struct CallLog<'a> {
    api: &'a str,
    method: &'a str,
    url: &'a str,
    protocol: &'static str,
    started: Instant,
    attempt: u32,
}

impl<'a> CallLog<'a> {
    /// A call of `api` (an API name or a path without its query) with `method` to `url` (the
    /// host is taken from it) over `protocol` (`GOP`, `TOP`, `ENOS`).
    pub fn new(api: &'a str, method: &'a str, url: &'a str, protocol: &'static str) -> CallLog<'a> {
        CallLog { api, method, url, protocol, started: Instant::now(), attempt: 0 }
    }

    /// An attempt starts (`call.start`).
    pub fn attempt(&mut self) {
        self.attempt += 1;
        emit(Level::Debug, || {
            self.base(Event::new(
                "call.start",
                Level::Debug,
                format!("{} {} attempt {}", self.method, self.api, self.attempt),
            ))
        });
    }

    /// The attempt failed with `error` and is retried after `delay` (`call.retry`).
    pub fn retry(&self, error: &Error, delay: Duration) {
        emit(Level::Warn, || {
            let delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
            Event::new(
                "call.retry",
                Level::Warn,
                format!(
                    "{} attempt {} failed ({}); retrying in {delay_ms} ms",
                    self.api,
                    self.attempt,
                    error.message()
                ),
            )
            .field("api", self.api)
            .field("host", host_of(self.url))
            .field("attempt", self.attempt)
            .field("reason", format!("{:?}: {}", error.kind(), error.message()))
            .field("delay_ms", delay_ms)
        });
    }

    /// The call ended with `outcome` (`call.end`).
    pub fn end(&self, outcome: &Result<Response>) {
        match outcome {
            Ok(response) => self.end_response(response),
            Err(error) => self.end_error(error),
        }
    }

    /// The call was answered with `response` (`call.end`: INFO on success, else WARN).
    fn end_response(&self, r: &Response) {
        let ok = r.is_success();
        let level = if ok { Level::Info } else { Level::Warn };
        emit(level, || {
            let text = if ok { "ok".to_owned() } else { format!("platform error {}", r.code().unwrap_or("?")) };
            self.base(Event::new("call.end", level, self.line(&text)))
                .field("http_status", r.http_status())
                .field("request_id", r.request_id())
                .field("outcome", if ok { "ok" } else { "platform_error" })
                .field("code", if ok { None } else { r.code() })
                .field("duration_ms", millis_since(self.started))
        });
    }

    /// The call failed with `error` (`call.end` at WARN).
    pub fn end_error(&self, e: &Error) {
        emit(Level::Warn, || {
            let platform = e.platform_error();
            self.base(Event::new("call.end", Level::Warn, self.line(&format!("failed: {}", e.message()))))
                .field("http_status", e.http_status())
                .field("request_id", platform.and_then(|p| p.request_id.as_deref()))
                .field("outcome", "error")
                .field("code", platform.map(|p| p.code.as_str()))
                .field("error_kind", format!("{:?}", e.kind()))
                .field("duration_ms", millis_since(self.started))
        });
    }

    /// The call's answer was parsed into something other than a [`Response`] (EnOS tokens):
    /// an error carrying platform fields is a platform error answered with `http_status`.
    pub fn end_parsed<T>(&self, parsed: &Result<T>, http_status: u16) {
        let level = if parsed.is_ok() { Level::Info } else { Level::Warn };
        emit(level, || {
            let event = Event::new("call.end", level, String::new()).field("http_status", http_status);
            let event = match parsed {
                Ok(_) => Event { message: self.line("ok"), ..event }.field("outcome", "ok"),
                Err(e) => match e.platform_error() {
                    Some(p) => Event { message: self.line(&format!("failed: {}", e.message())), ..event }
                        .field("outcome", "platform_error")
                        .field("code", p.code.as_str())
                        .field("request_id", p.request_id.as_deref())
                        .field("error_kind", format!("{:?}", e.kind())),
                    None => Event { message: self.line(&format!("failed: {}", e.message())), ..event }
                        .field("outcome", "error")
                        .field("error_kind", format!("{:?}", e.kind())),
                },
            };
            self.base(event).field("duration_ms", millis_since(self.started))
        });
    }

    fn line(&self, what: &str) -> String {
        format!("{} {} -> {what} ({} ms, attempt {})", self.method, self.api, millis_since(self.started), self.attempt)
    }

    fn base(&self, event: Event) -> Event {
        event
            .field("api", self.api)
            .field("method", self.method)
            .field("host", host_of(self.url))
            .field("protocol", self.protocol)
            .field("attempt", self.attempt)
    }
}
