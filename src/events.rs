//! A structured, redacted event stream: what the library does (calls, retries, token
//! refreshes, lock waits, throttling), as named events with fields, sent to one process-wide
//! sink.
//!
//! Nothing is formatted while no sink wants the event's level: [`enabled`] is one atomic load.
//! Events never carry a secret, token, authorization code, signature, query string or body;
//! only names (API, host, account), numbers, outcomes and error kinds and messages (which are
//! themselves free of secrets).
//!
//! Stable event names and their fields (see the C header for the same list):
//! - `call.start` (DEBUG): `api`, `method`, `host`, `protocol`, `attempt`
//! - `call.end` (INFO on success, WARN otherwise): `api`, `method`, `host`, `protocol`,
//!   `attempt`, `http_status`, `duration_ms`, `request_id`, `outcome` (`ok`,
//!   `platform_error`, `error`), `code`, `error_kind`
//! - `call.retry` (WARN): `api`, `host`, `attempt`, `reason`, `delay_ms`
//! - `token.refresh` (INFO, WARN on failure): `account`, `outcome`, `duration_ms`, `kind`
//! - `token.create` (INFO, WARN on failure): `account`, `outcome`
//! - `store.lock_wait` (DEBUG): `account`, `waited_ms`
//! - `limit.wait`, `limit.reject`, `limit.ban`: from the rate limiter.
//!
//! ```
//! use iop::events::{self, Level};
//! events::set_sink(Some(Box::new(|e: &events::Event| eprintln!("{} {}", e.name, e.message))), Level::Info);
//! events::set_sink(None, Level::Off);
//! ```

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, RwLock};

use serde_json::{Map, Value};

pub(crate) mod call;

/// How important an event is; a sink receives the events at or below its maximum level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// No events (as a maximum level: logging off).
    Off = 0,
    /// Failures the application should know about.
    Error = 1,
    /// A call failed or was refused, a retry, a throttle.
    Warn = 2,
    /// A call or a token operation completed.
    Info = 3,
    /// Each attempt and each wait.
    Debug = 4,
    /// The finest detail.
    Trace = 5,
}

impl Level {
    /// The level with this number (0 = off … 5 = trace), if any.
    pub fn from_i32(value: i32) -> Option<Level> {
        Some(match value {
            0 => Level::Off,
            1 => Level::Error,
            2 => Level::Warn,
            3 => Level::Info,
            4 => Level::Debug,
            5 => Level::Trace,
            _ => return None,
        })
    }

    /// The lower-case name: `off`, `error`, `warn`, `info`, `debug`, `trace`.
    pub fn name(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Debug => "debug",
            Level::Trace => "trace",
        }
    }
}

/// One event: its stable name (`call.end`), level, one English line, and its fields.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// The stable event name, e.g. `call.end`.
    pub name: &'static str,
    /// Its level.
    pub level: Level,
    /// One English line saying what happened.
    pub message: String,
    /// The event's fields (names as listed in the module documentation).
    pub fields: Map<String, Value>,
}

impl Event {
    /// A new event without fields.
    pub fn new(name: &'static str, level: Level, message: impl Into<String>) -> Event {
        Event { name, level, message: message.into(), fields: Map::new() }
    }

    /// Adds a field (a `None` value is left out).
    pub fn field(mut self, name: &str, value: impl Into<FieldValue>) -> Event {
        if let Some(v) = value.into().0 {
            self.fields.insert(name.to_owned(), v);
        }
        self
    }

    /// The fields as one JSON object.
    pub fn fields_json(&self) -> String {
        Value::Object(self.fields.clone()).to_string()
    }
}

/// A field value: text, a number or a flag; `None` leaves the field out.
pub struct FieldValue(Option<Value>);

macro_rules! field_from {
    ($($t:ty),*) => {$(
        impl From<$t> for FieldValue {
            fn from(v: $t) -> FieldValue {
                FieldValue(Some(v.into()))
            }
        }
        impl From<Option<$t>> for FieldValue {
            fn from(v: Option<$t>) -> FieldValue {
                FieldValue(v.map(Into::into))
            }
        }
    )*};
}
field_from!(&str, String, i64, u64, u32, i32, u16, f64, bool);

/// What receives the events.
pub type Sink = dyn Fn(&Event) + Send + Sync;

static MAX_LEVEL: AtomicU8 = AtomicU8::new(Level::Off as u8);
static SINK: RwLock<Option<Arc<Sink>>> = RwLock::new(None);

/// Routes events at or below `max_level` to `sink`, replacing the previous sink (events being
/// delivered on other threads may still reach it). `None` (or [`Level::Off`]) turns events off.
/// A sink runs on the thread doing the work, possibly on many threads at once; a panic in it is
/// caught and ignored.
pub fn set_sink(sink: Option<Box<Sink>>, max_level: Level) {
    let sink: Option<Arc<Sink>> = sink.map(Arc::from);
    let level = if sink.is_some() { max_level } else { Level::Off };
    *SINK.write().unwrap_or_else(|p| p.into_inner()) = sink;
    MAX_LEVEL.store(level as u8, Ordering::Release);
}

/// Changes only the maximum level ([`Level::Off`] silences the sink; without a sink, nothing
/// is emitted whatever the level).
pub fn set_level(max_level: Level) {
    let has_sink = SINK.read().unwrap_or_else(|p| p.into_inner()).is_some();
    MAX_LEVEL.store(if has_sink { max_level as u8 } else { Level::Off as u8 }, Ordering::Release);
}

/// Whether an event of `level` would reach the sink (one atomic load).
#[inline]
pub fn enabled(level: Level) -> bool {
    level != Level::Off && (level as u8) <= MAX_LEVEL.load(Ordering::Acquire)
}

/// Emits the event `make` builds, calling `make` only when its `level` is enabled. The event
/// must hold no secret (see the module documentation).
#[inline]
pub fn emit(level: Level, make: impl FnOnce() -> Event) {
    if enabled(level) {
        deliver(&make());
    }
}

fn deliver(event: &Event) {
    let sink = SINK.read().unwrap_or_else(|p| p.into_inner()).clone();
    if let Some(sink) = sink {
        let _ = catch_unwind(AssertUnwindSafe(|| sink(event)));
    }
}

/// Milliseconds elapsed since `start`, for `duration_ms` and `waited_ms` fields.
pub(crate) fn millis_since(start: std::time::Instant) -> u64 {
    u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// The host of `url` (`https://host:port/path` → `host:port`), for the `host` field.
pub(crate) fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    authority.rsplit_once('@').map_or(authority, |(_, h)| h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_round_trip_and_order() {
        for n in 0..=5 {
            assert_eq!(Level::from_i32(n).unwrap() as i32, n);
        }
        assert_eq!(Level::from_i32(6), None);
        assert_eq!(Level::from_i32(-1), None);
        assert!(Level::Error < Level::Warn && Level::Debug < Level::Trace);
        assert_eq!(Level::Warn.name(), "warn");
    }

    #[test]
    fn fields_leave_out_none() {
        let e = Event::new("x.y", Level::Info, "m").field("a", "b").field("n", Some(3i64)).field("gone", None::<u16>);
        assert_eq!(e.fields_json(), r#"{"a":"b","n":3}"#);
    }

    #[test]
    fn host_of_urls() {
        assert_eq!(host_of("https://api.lazada.sg/rest/seller/get"), "api.lazada.sg");
        assert_eq!(host_of("http://127.0.0.1:8080"), "127.0.0.1:8080");
        assert_eq!(host_of("https://u:p@h:1/x?y"), "h:1");
    }
}
