//! The Redis backend: buckets and bans shared by every host on one Redis server and key
//! prefix. One `EVALSHA` per acquire checks the bans and refills and takes from every bucket
//! atomically, on Redis's clock (`TIME`), so host clock skew does not matter. Every key expires
//! (`PEXPIRE`) once its bucket would be full again and its ban is over: a host that dies holds
//! nothing.
//!
//! Keys: `<namespace>:limit:<app_key>:<scope>:<name>`, a hash with `tokens`, `ts`, `rate`,
//! `burst` (the bucket, when it has a budget) and `ban_until`, `ban_code` (a ban).

use std::sync::Arc;

use redis::Script;

use super::backend::{BanEnd, Budget, Decision, LimitBackend, Slot, SlotScope, SlotState};
use crate::error::{Error, ErrorKind, Result};
use crate::manager::RedisConnector;

/// Kept after a bucket would be full again (so `iop limits` still shows recent budgets), in ms.
const KEEP_AFTER_FULL_MS: i64 = 60_000;

/// `KEYS`: the slots; `ARGV`: `rate, burst` per slot (rate 0: no budget), then the
/// keep-after-full time. Returns `{0}` (taken), `{1, slot, wait_ms}` or
/// `{2, slot, left_ms, until_ms, code}` (1-based slots).
const ACQUIRE_SCRIPT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = {}
local ban_i, ban_until, ban_code = 0, 0, ''
for i, key in ipairs(KEYS) do
  local h = redis.call('HMGET', key, 'tokens', 'ts', 'ban_until', 'ban_code')
  state[i] = h
  local b = tonumber(h[3]) or 0
  if b > now and b > ban_until then ban_i, ban_until, ban_code = i, b, h[4] or '' end
end
if ban_i > 0 then return {2, ban_i, ban_until - now, ban_until, ban_code} end
local wait_i, wait = 0, 0
local level = {}
for i = 1, #KEYS do
  local rate, burst = tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
  if rate > 0 then
    local tokens, ts = tonumber(state[i][1]), tonumber(state[i][2])
    if tokens == nil or ts == nil then
      tokens = burst
    else
      tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
    end
    level[i] = tokens
    if tokens < 1 then
      local w = math.max(1, math.ceil((1 - tokens) * 1000 / rate))
      if w > wait then wait_i, wait = i, w end
    end
  end
end
if wait_i > 0 then return {1, wait_i, wait} end
local keep_after = tonumber(ARGV[2 * #KEYS + 1])
for i, key in ipairs(KEYS) do
  local rate, burst = tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
  if rate > 0 then
    redis.call('HSET', key, 'tokens', tostring(level[i] - 1), 'ts', tostring(now), 'rate', ARGV[2 * i - 1], 'burst', ARGV[2 * i])
    local keep = math.ceil(burst * 1000 / rate) + keep_after
    if redis.call('PTTL', key) < keep then redis.call('PEXPIRE', key, keep) end
  end
end
return {0}
";

/// `KEYS[1]`: the slot; `ARGV`: the ban's end (epoch ms, on Redis's clock), code, keep-after
/// time. Keeps a longer ban. Returns the ban's end (epoch ms).
const BAN_SCRIPT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untl = tonumber(ARGV[1])
local cur = tonumber(redis.call('HGET', KEYS[1], 'ban_until')) or 0
if untl > cur then
  redis.call('HSET', KEYS[1], 'ban_until', tostring(untl), 'ban_code', ARGV[2])
  cur = untl
end
local keep = cur - now + tonumber(ARGV[3])
if redis.call('PTTL', KEYS[1]) < keep then redis.call('PEXPIRE', KEYS[1], keep) end
return cur
";

/// Redis's clock (`TIME`), in epoch milliseconds.
fn redis_now_ms(con: &mut redis::Connection) -> redis::RedisResult<i64> {
    let (secs, micros): (i64, i64) = redis::cmd("TIME").query(con)?;
    Ok(secs * 1000 + micros / 1000)
}

/// Buckets and bans in Redis, reached through a Redis token store's connections.
pub struct RedisLimits {
    connector: Arc<RedisConnector>,
    prefix: String,
    acquire: Script,
    ban: Script,
}

impl std::fmt::Debug for RedisLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisLimits").field("prefix", &self.prefix).finish_non_exhaustive()
    }
}

/// `text` with Redis glob characters escaped, for `SCAN MATCH`.
fn glob_escape(text: &str) -> String {
    text.chars().fold(String::new(), |mut out, c| {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
        out
    })
}

impl RedisLimits {
    /// Limits under `<namespace>:limit:` through `connector`.
    pub(crate) fn new(connector: Arc<RedisConnector>, namespace: &str) -> RedisLimits {
        RedisLimits {
            connector,
            prefix: format!("{namespace}:limit:"),
            acquire: Script::new(ACQUIRE_SCRIPT),
            ban: Script::new(BAN_SCRIPT),
        }
    }

    /// The key of a slot.
    pub fn key(&self, app_key: &str, scope: SlotScope, name: &str) -> String {
        format!("{}{app_key}:{}:{name}", self.prefix, scope.as_str())
    }
}

fn unexpected(what: &str) -> Error {
    Error::new(ErrorKind::Internal, format!("rate limiter (redis): unexpected reply to {what}"))
}

impl LimitBackend for RedisLimits {
    fn acquire(&self, app_key: &str, slots: &[Slot]) -> Result<Decision> {
        let reply: Vec<redis::Value> = self.connector.run("check rate limits", |con, _| {
            let mut call = self.acquire.prepare_invoke();
            for slot in slots {
                call.key(self.key(app_key, slot.scope, &slot.name));
            }
            for slot in slots {
                match slot.budget {
                    Some(b) => call.arg(b.rate_per_second.to_string()).arg(b.burst),
                    None => call.arg(0).arg(0),
                };
            }
            call.arg(KEEP_AFTER_FULL_MS);
            call.invoke(con)
        })?;
        let int = |i: usize| match reply.get(i) {
            Some(redis::Value::Int(n)) => Ok(*n),
            _ => Err(unexpected("the acquire script")),
        };
        let slot = |i: usize| int(i).and_then(|n| usize::try_from(n - 1).map_err(|_| unexpected("the acquire script")));
        match int(0)? {
            0 => Ok(Decision::Go),
            1 => Ok(Decision::Wait { slot: slot(1)?, wait_ms: int(2)? }),
            2 => {
                let code = match reply.get(4) {
                    Some(redis::Value::BulkString(b)) => String::from_utf8_lossy(b).into_owned(),
                    _ => String::new(),
                };
                Ok(Decision::Banned { slot: slot(1)?, left_ms: int(2)?, until_ms: int(3)?, code })
            }
            _ => Err(unexpected("the acquire script")),
        }
    }

    fn ban(&self, app_key: &str, scope: SlotScope, name: &str, end: BanEnd, code: &str) -> Result<i64> {
        let key = self.key(app_key, scope, name);
        self.connector.run("record a ban", |con, _| {
            // The end is reckoned on Redis's clock, like every other limit.
            let until = end.until(redis_now_ms(con)?);
            self.ban.key(&key).arg(until).arg(code).arg(KEEP_AFTER_FULL_MS).invoke::<i64>(con)
        })
    }

    fn slots(&self, app_key: &str) -> Result<Vec<SlotState>> {
        let head = format!("{}{app_key}:", self.prefix);
        let pattern = format!("{}*", glob_escape(&head));
        let (keys, now_ms) = self.connector.run("list rate limits", |con, _| {
            let mut keys: Vec<String> = Vec::new();
            let mut cursor: u64 = 0;
            loop {
                let (next, batch): (u64, Vec<String>) =
                    redis::cmd("SCAN").arg(cursor).arg("MATCH").arg(&pattern).arg("COUNT").arg(500).query(con)?;
                keys.extend(batch);
                if next == 0 {
                    break;
                }
                cursor = next;
            }
            Ok((keys, redis_now_ms(con)?))
        })?;
        let mut out = Vec::new();
        for key in keys {
            let Some((scope, name)) = key[head.len()..].split_once(':') else { continue };
            let Some(scope) = SlotScope::parse(scope) else { continue };
            type Fields = (Option<f64>, Option<i64>, Option<f64>, Option<u32>, Option<i64>, Option<String>);
            let (tokens, ts, rate, burst, ban_until, ban_code): Fields =
                self.connector.run("read a rate limit", |con, _| {
                    redis::cmd("HMGET")
                        .arg(&key)
                        .arg(&["tokens", "ts", "rate", "burst", "ban_until", "ban_code"])
                        .query(con)
                })?;
            let budget = match (rate, burst) {
                (Some(rate_per_second), Some(burst)) if rate_per_second > 0.0 => {
                    Some(Budget { rate_per_second, burst })
                }
                _ => None,
            };
            let available = match (budget, tokens, ts) {
                (Some(b), Some(tokens), Some(ts)) => {
                    Some((tokens + (now_ms - ts).max(0) as f64 * b.rate_per_second / 1000.0).min(f64::from(b.burst)))
                }
                _ => None,
            };
            let ban = ban_until.filter(|u| *u > now_ms).map(|u| (u, ban_code.unwrap_or_default()));
            if budget.is_some() || ban.is_some() {
                out.push(SlotState { scope, name: name.to_owned(), budget, available, ban });
            }
        }
        Ok(out)
    }

    fn location(&self) -> String {
        format!("redis ({}…)", self.prefix)
    }
}
