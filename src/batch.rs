//! Many calls at once through one client: up to `concurrency` requests in flight over the
//! client's keep-alive pool, every outcome returned in input order. For callers without
//! threads (PHP) or whose loop is latency-bound (a gateway answering in 20 ms).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::protocol::Protocol;
use crate::request::Request;
use crate::response::Response;

/// Default number of requests a batch keeps in flight.
pub const DEFAULT_BATCH_CONCURRENCY: i64 = 8;
/// Most requests a batch may keep in flight.
pub const MAX_BATCH_CONCURRENCY: i64 = 64;

/// One call of a batch: the request, the access token it is signed with, and its protocol
/// (`None` picks GOP for path-style names and TOP for dotted ones).
#[derive(Clone, Debug)]
pub struct BatchItem {
    /// What to send.
    pub request: Request,
    /// The token, or `None` for a call without one.
    pub access_token: Option<crate::Secret>,
    /// GOP, TOP, or chosen by the API name.
    pub protocol: Option<Protocol>,
}

impl Client {
    /// Signs and sends every item, at most `concurrency` (≥ 1) at a time, and returns each
    /// outcome at its item's index, exactly as [`Client::execute`] would have returned it:
    /// platform errors (throttling included, with `retry_after`) are `Ok` responses, transport
    /// failures are errors. Items are started in input order; nothing is retried beyond what
    /// `execute` retries.
    pub fn execute_all(&self, items: &[BatchItem], concurrency: usize) -> Vec<Result<Response>> {
        let run = |item: &BatchItem| {
            self.execute(&item.request, item.access_token.as_ref().map(|t| t.expose()), item.protocol)
        };
        let workers = concurrency.clamp(1, MAX_BATCH_CONCURRENCY as usize).min(items.len());
        if workers <= 1 {
            return items.iter().map(run).collect();
        }
        let outcomes: Vec<OnceLock<Result<Response>>> = items.iter().map(|_| OnceLock::new()).collect();
        let next = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        let _ = outcomes[i].set(run(item));
                    }
                });
            }
        });
        outcomes
            .into_iter()
            .map(|o| {
                o.into_inner().unwrap_or_else(|| {
                    Err(Error::new(ErrorKind::Internal, "internal error: a batch worker stopped before its call ended"))
                })
            })
            .collect()
    }
}
