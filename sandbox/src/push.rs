//! The push sender: Lazada's Push Mechanism on the virtual clock.
//!
//! A receiver is registered per app (a loopback `http://` URL). Messages are queued: a type-0
//! trade-order message on request, and a type-8 authorization-expiry alert for every seller whose
//! authorization (the refresh token's expiry, as this sandbox issued it) ends within 48 hours,
//! at most once per virtual day per seller, checked whenever the clock advances, on every flush
//! and every few real seconds. Each delivery is an HTTP POST of the JSON body with an
//! `Authorization` header: lower-case hex HMAC-SHA256, keyed with the app secret, of the app key
//! followed by the body. A delivery not answered with HTTP 200 is tried again 30 minutes later
//! on the virtual clock, 12 times at most. A background thread delivers what is due; a flush
//! delivers everything due now and returns when done (tests use it to stay deterministic).

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde_json::{Value, json};

use crate::state::State;

/// How long before a seller's authorization ends the alerts start (48 hours).
pub const ALERT_WINDOW_MS: i64 = 48 * 3_600_000;
/// Time between deliveries of a message that was not acknowledged (30 minutes).
pub const RETRY_INTERVAL_MS: i64 = 30 * 60_000;
/// Retries after the first delivery.
pub const MAX_RETRIES: u32 = 12;
/// A virtual day.
const DAY_MS: i64 = 86_400_000;
/// Connect and read timeout of a delivery.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(3);
/// Log entries kept.
const MAX_LOG: usize = 10_000;

/// One delivery attempt, as [`crate::Sandbox::push_log`] reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushDelivery {
    /// The message's id in this sandbox (the same for every attempt).
    pub id: u64,
    /// `message_type` (0 trade order, 8 expiry alert).
    pub message_type: i32,
    /// The app the message was sent for.
    pub app_key: String,
    /// The seller the message is about.
    pub seller_id: Option<String>,
    /// 1 for the first delivery, up to 13.
    pub attempt: u32,
    /// Virtual time of the attempt, epoch ms.
    pub at_ms: i64,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Why no status came back (connect refused, timeout…).
    pub error: Option<String>,
    /// Whether this attempt carried a wrong `Authorization` (the `bad-signature` fault).
    pub bad_signature: bool,
}

impl PushDelivery {
    /// The entry as JSON (for `GET /_sandbox/push/log`).
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id, "message_type": self.message_type, "app_key": self.app_key,
            "seller_id": self.seller_id, "attempt": self.attempt, "at_ms": self.at_ms,
            "status": self.status, "error": self.error, "bad_signature": self.bad_signature,
            "acknowledged": self.status == Some(200),
        })
    }
}

struct Pending {
    id: u64,
    app_key: String,
    message_type: i32,
    seller_id: Option<String>,
    body: String,
    /// Attempts made so far.
    attempts: u32,
    due_ms: i64,
}

#[derive(Default)]
struct Inner {
    receivers: HashMap<String, String>,
    queue: Vec<Pending>,
    log: Vec<PushDelivery>,
    bad_signatures: u32,
    /// (app, seller) → virtual day of the last alert.
    alerted: HashMap<(String, String), i64>,
    next_id: u64,
}

/// The push sender's state.
#[derive(Default)]
pub(crate) struct Pusher {
    inner: Mutex<Inner>,
    /// Held for a whole delivery pass, so that a flush waits for a pass in progress.
    delivering: Mutex<()>,
}

/// A body in the platform's field order (not sorted: a receiver that re-serializes the JSON
/// before checking the signature fails, as it would with the platform). `timestamp` is given as
/// the platform does: seconds for some types, milliseconds for others.
fn platform_body(seller_id: &Value, message_type: i32, data_json: &str, timestamp: i64) -> String {
    format!(
        r#"{{"seller_id":{seller_id},"message_type":{message_type},"data":{data_json},"timestamp":{timestamp},"site":"lazada_sg"}}"#
    )
}

/// A loopback `http://host:port/path` URL, parsed.
fn parse_url(url: &str) -> Result<(SocketAddr, String, String), String> {
    let rest = url.strip_prefix("http://").ok_or("the URL must start with http://")?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let addr = authority
        .to_socket_addrs()
        .map_err(|_| "the URL needs a host and a port, e.g. http://127.0.0.1:8099/push".to_owned())?
        .find(|a| a.ip().is_loopback())
        .ok_or("the receiver must be on a loopback address")?;
    if !matches!(addr.ip(), IpAddr::V4(_) | IpAddr::V6(_)) || addr.port() == 0 {
        return Err("the URL needs a port".into());
    }
    Ok((addr, authority.to_owned(), path.to_owned()))
}

/// POSTs `body` to `url`; the receiver's status.
fn post(url: &str, authorization: &str, body: &str) -> Result<u16, String> {
    let (addr, host, path) = parse_url(url)?;
    let mut stream = TcpStream::connect_timeout(&addr, DELIVERY_TIMEOUT).map_err(|e| format!("connect: {e}"))?;
    let _ = stream.set_read_timeout(Some(DELIVERY_TIMEOUT));
    let _ = stream.set_write_timeout(Some(DELIVERY_TIMEOUT));
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nAuthorization: {authorization}\r\n\
         User-Agent: iop-sandbox-push\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body.as_bytes()))
        .map_err(|e| format!("send: {e}"))?;
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    while !answer.windows(2).any(|w| w == b"\r\n") && answer.len() < 8192 {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock || e.kind() == io::ErrorKind::TimedOut => {
                return Err("timeout: no answer".into());
            }
            Err(e) => return Err(format!("read: {e}")),
        }
    }
    let line = String::from_utf8_lossy(&answer);
    line.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .filter(|_| line.starts_with("HTTP/"))
        .ok_or_else(|| "the answer is not HTTP".to_owned())
}

impl Pusher {
    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers the receiver of `app_key`'s messages (replacing an earlier one).
    pub(crate) fn register(&self, state: &State, url: &str, app_key: &str) -> Result<(), String> {
        if state.app(app_key).is_none() {
            return Err("unknown app_key".into());
        }
        parse_url(url)?;
        self.inner().receivers.insert(app_key.to_owned(), url.to_owned());
        Ok(())
    }

    /// Makes the next `count` deliveries carry a wrong `Authorization`.
    pub(crate) fn arm_bad_signature(&self, count: u32) {
        self.inner().bad_signatures = count;
    }

    fn queue(
        &self,
        inner: &mut Inner,
        app_key: &str,
        message_type: i32,
        seller: Option<String>,
        body: String,
        now: i64,
    ) -> u64 {
        inner.next_id += 1;
        let id = inner.next_id;
        inner.queue.push(Pending {
            id,
            app_key: app_key.to_owned(),
            message_type,
            seller_id: seller,
            body,
            attempts: 0,
            due_ms: now,
        });
        id
    }

    /// Queues a type-0 trade-order message about `seller_id` for `app_key` (default: the only
    /// registered app, or the lowest key); its id.
    pub(crate) fn order(&self, state: &State, seller_id: &str, app_key: Option<&str>) -> Result<u64, String> {
        if seller_id.is_empty() {
            return Err("seller_id is required".into());
        }
        let now = state.clock.now_ms();
        let mut inner = self.inner();
        let app = match app_key {
            Some(a) if inner.receivers.contains_key(a) => a.to_owned(),
            Some(_) => return Err("no receiver is registered for that app_key".into()),
            None => {
                let mut apps: Vec<&String> = inner.receivers.keys().collect();
                apps.sort();
                apps.first().map(|a| (*a).clone()).ok_or("no receiver is registered (POST /_sandbox/push/register)")?
            }
        };
        let order_id = 200_000_000_000 + inner.next_id + 1;
        let data = format!(
            r#"{{"order_status":"unpaid","status_update_time":{},"trade_order_id":"{order_id}","trade_order_line_id":"{}"}}"#,
            now / 1000,
            order_id + 1
        );
        let body = platform_body(&Value::from(seller_id), 0, &data, now / 1000);
        Ok(self.queue(&mut inner, &app, 0, Some(seller_id.to_owned()), body, now))
    }

    /// Queues a type-8 alert for every seller of a registered app whose authorization ends
    /// within 48 hours and who had none this virtual day.
    pub(crate) fn scan_alerts(&self, state: &State) {
        let now = state.clock.now_ms();
        let day = now.div_euclid(DAY_MS);
        let authorizations = state.authorizations();
        let mut inner = self.inner();
        for (app_key, seller_id, expires_ms) in authorizations {
            if !inner.receivers.contains_key(&app_key) || expires_ms <= now || expires_ms > now + ALERT_WINDOW_MS {
                continue;
            }
            let key = (app_key.clone(), seller_id.clone());
            if inner.alerted.get(&key) == Some(&day) {
                continue;
            }
            inner.alerted.insert(key, day);
            let data = format!(
                r#"{{"app_key":{},"auth_expiry_time":{},"seller_id":{}}}"#,
                Value::from(app_key.as_str()),
                expires_ms / 1000,
                Value::from(seller_id.as_str())
            );
            let body = platform_body(&Value::from("null"), 8, &data, now);
            self.queue(&mut inner, &app_key, 8, Some(seller_id), body, now);
        }
    }

    /// Delivers every message due now (alerts checked first); returns the attempts made.
    pub(crate) fn deliver_due(&self, state: &State) -> usize {
        let _pass = self.delivering.lock().unwrap_or_else(|p| p.into_inner());
        self.scan_alerts(state);
        let now = state.clock.now_ms();
        let due: Vec<(u64, String, String, String, bool)> = {
            let mut inner = self.inner();
            let mut picked = Vec::new();
            let ids: Vec<u64> = inner.queue.iter().filter(|p| p.due_ms <= now).map(|p| p.id).collect();
            for id in ids {
                let bad = inner.bad_signatures > 0;
                if bad {
                    inner.bad_signatures -= 1;
                }
                let Some(p) = inner.queue.iter().find(|p| p.id == id) else { continue };
                let Some(url) = inner.receivers.get(&p.app_key).cloned() else { continue };
                let Some(app) = state.app(&p.app_key) else { continue };
                let secret = if bad { format!("{}-wrong", app.app_secret) } else { app.app_secret.clone() };
                let auth = iop::push::sign_push(&p.app_key, &secret, p.body.as_bytes());
                picked.push((id, url, auth, p.body.clone(), bad));
            }
            picked
        };
        for (id, url, auth, body, bad) in &due {
            let outcome = post(url, auth, body);
            let mut inner = self.inner();
            let Some(i) = inner.queue.iter().position(|p| p.id == *id) else { continue };
            inner.queue[i].attempts += 1;
            let p = &inner.queue[i];
            let entry = PushDelivery {
                id: *id,
                message_type: p.message_type,
                app_key: p.app_key.clone(),
                seller_id: p.seller_id.clone(),
                attempt: p.attempts,
                at_ms: now,
                status: outcome.as_ref().ok().copied(),
                error: outcome.as_ref().err().cloned(),
                bad_signature: *bad,
            };
            if entry.status == Some(200) || p.attempts > MAX_RETRIES {
                inner.queue.remove(i);
            } else {
                inner.queue[i].due_ms = now.saturating_add(RETRY_INTERVAL_MS);
            }
            if inner.log.len() >= MAX_LOG {
                inner.log.remove(0);
            }
            inner.log.push(entry);
        }
        due.len()
    }

    /// Every attempt so far, oldest first.
    pub(crate) fn log(&self) -> Vec<PushDelivery> {
        self.inner().log.clone()
    }

    /// The log, the queue and the receivers as JSON.
    pub(crate) fn snapshot(&self) -> Value {
        let inner = self.inner();
        let pending: Vec<Value> = inner
            .queue
            .iter()
            .map(|p| {
                json!({"id": p.id, "message_type": p.message_type, "app_key": p.app_key, "seller_id": p.seller_id,
                       "next_attempt": p.attempts + 1, "due_ms": p.due_ms})
            })
            .collect();
        json!({
            "deliveries": inner.log.iter().map(PushDelivery::to_json).collect::<Vec<_>>(),
            "pending": pending,
            "receivers": inner.receivers,
            "bad_signature_armed": inner.bad_signatures,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(parse_url("http://127.0.0.1:8099/push").is_ok());
        assert_eq!(parse_url("http://127.0.0.1:8099").unwrap().2, "/");
        assert!(parse_url("https://127.0.0.1:8099/").is_err());
        assert!(parse_url("http://10.1.2.3:80/").is_err());
        assert!(parse_url("http://127.0.0.1/").is_err());
    }
}
