//! The request log: one entry per API call that reached the gateway (GOP, TOP; not control
//! endpoints, OAuth pages or EnOS), with its time on the virtual clock, app, API and whether it
//! was throttled, so that tests prove what every host sent and when.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};

use serde::Serialize;
use serde_json::{Value, json};

/// Entries kept; older ones are dropped (and counted) beyond this.
pub const MAX_LOGGED_REQUESTS: usize = 200_000;

/// One API call as the gateway saw it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LoggedRequest {
    /// Position in the log, from 1, never reused (also after a clear).
    pub seq: u64,
    /// When it arrived, virtual clock (UTC epoch ms).
    pub at_ms: i64,
    /// The `app_key` sent (empty when none was; not necessarily a known app).
    pub app_key: String,
    /// The API name: GOP path or TOP method (empty when none was given).
    pub api: String,
    /// Whether a limit, a ban or a `throttle` fault refused it.
    pub throttled: bool,
    /// Which: `app`, `api`, `daily` or `fault`; `None` when not throttled.
    pub limit: Option<String>,
    /// The answer's code: `"0"` for a success, else the error code (`ApiCallLimit`, `7`…).
    pub code: String,
}

#[derive(Default)]
struct Inner {
    entries: VecDeque<LoggedRequest>,
    next_seq: u64,
    dropped: u64,
}

/// The log, bounded to [`MAX_LOGGED_REQUESTS`] entries.
#[derive(Default)]
pub(crate) struct RequestLog {
    inner: Mutex<Inner>,
}

impl RequestLog {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Appends an entry; `limit` is `Some` for a throttled call.
    pub(crate) fn record(&self, at_ms: i64, app_key: &str, api: &str, limit: Option<&str>, code: &str) {
        let mut inner = self.lock();
        inner.next_seq += 1;
        let entry = LoggedRequest {
            seq: inner.next_seq,
            at_ms,
            app_key: app_key.to_owned(),
            api: api.to_owned(),
            throttled: limit.is_some(),
            limit: limit.map(str::to_owned),
            code: code.to_owned(),
        };
        if inner.entries.len() >= MAX_LOGGED_REQUESTS {
            inner.entries.pop_front();
            inner.dropped += 1;
        }
        inner.entries.push_back(entry);
    }

    /// The entries with `seq > after`, oldest first.
    pub(crate) fn since(&self, after: u64) -> Vec<LoggedRequest> {
        let inner = self.lock();
        let start = inner.entries.partition_point(|e| e.seq <= after);
        inner.entries.range(start..).cloned().collect()
    }

    /// Forgets every entry (sequence numbers keep counting).
    pub(crate) fn clear(&self) {
        let mut inner = self.lock();
        inner.entries.clear();
        inner.dropped = 0;
    }

    /// `{"requests":[…],"dropped":n,"last_seq":s}` for the entries after `after`.
    pub(crate) fn snapshot(&self, after: u64) -> Value {
        let requests = self.since(after);
        let inner = self.lock();
        json!({"requests": requests, "dropped": inner.dropped, "last_seq": inner.next_seq})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_in_order_and_reads_incrementally() {
        let log = RequestLog::default();
        log.record(5, "1", "/a", None, "0");
        log.record(6, "1", "/a", Some("api"), "ApiCallLimit");
        let all = log.since(0);
        assert_eq!(all.len(), 2);
        assert_eq!((all[0].seq, all[0].throttled, all[0].limit.as_deref()), (1, false, None));
        assert_eq!((all[1].seq, all[1].throttled, all[1].limit.as_deref()), (2, true, Some("api")));
        assert_eq!(log.since(1), vec![all[1].clone()]);
        let snap = log.snapshot(1);
        assert_eq!((snap["requests"][0]["code"].as_str(), snap["last_seq"].as_u64()), (Some("ApiCallLimit"), Some(2)));
        log.clear();
        assert!(log.since(0).is_empty());
        log.record(7, "", "", None, "MissingParameter");
        assert_eq!(log.since(0)[0].seq, 3, "sequence numbers are never reused");
    }

    #[test]
    fn bounded() {
        let log = RequestLog::default();
        for i in 0..MAX_LOGGED_REQUESTS as i64 + 2 {
            log.record(i, "1", "/a", None, "0");
        }
        assert_eq!(log.lock().dropped, 2);
        assert_eq!(log.since(0)[0].seq, 3);
    }
}
