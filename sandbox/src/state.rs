//! The gateway's memory: apps, one-time codes, grants (access and refresh tokens) and sellers.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU16, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::clock::Clock;
use crate::config::{AppConfig, Config};
use crate::envelope::ApiError;
use crate::faults::Faults;
use crate::ids;

/// A simulated seller; each authorization code belongs to a new one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Seller {
    /// Seller id (Lazada style, 10 digits).
    pub seller_id: u64,
    /// User id of the seller's main account.
    pub user_id: u64,
    /// Seller Center short code, e.g. `SGSB0001`.
    pub short_code: String,
    /// Login account (e-mail).
    pub account: String,
    /// Shop name.
    pub name: String,
    /// Account id (TW spelling of the account reference).
    pub account_id: u64,
    /// AliExpress havana id.
    pub havana_id: u64,
    /// AliExpress user nick.
    pub user_nick: String,
    /// Country code, always `sg`.
    pub country: &'static str,
}

impl Seller {
    fn numbered(n: u64) -> Seller {
        Seller {
            seller_id: 1_000_100_000 + n,
            user_id: 500_100_000 + n,
            short_code: format!("SGSB{n:04}"),
            account: format!("seller{n}@sandbox.iopkit.test"),
            name: format!("Sandbox Seller {n}"),
            account_id: 7_060_000 + n,
            havana_id: 3_000_020_000_000 + n,
            user_nick: format!("sg{n}sandbox"),
            country: "sg",
        }
    }
}

/// What a token call returns: a fresh access token and refresh token with their lifetimes.
#[derive(Clone, Debug)]
pub(crate) struct Grant {
    /// The new access token.
    pub access_token: String,
    /// The new refresh token.
    pub refresh_token: String,
    /// Seconds the access token lives.
    pub expires_in: i64,
    /// Seconds left on the refresh token (0: cannot refresh).
    pub refresh_expires_in: i64,
    /// Absolute access-token expiry, virtual epoch ms.
    pub expire_time_ms: i64,
    /// Absolute refresh-token expiry, virtual epoch ms.
    pub refresh_valid_time_ms: i64,
    /// The authorizing seller.
    pub seller: Arc<Seller>,
}

/// Counters, readable through [`crate::Sandbox::stats`].
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub connections: AtomicU64,
    pub requests: AtomicU64,
    pub codes_issued: AtomicU64,
    pub tokens_created: AtomicU64,
    pub refreshes: AtomicU64,
    pub errors: AtomicU64,
}

struct CodeEntry {
    app_key: String,
    seller: Arc<Seller>,
    expires_ms: i64,
}

struct AccessEntry {
    app_key: String,
    seller: Arc<Seller>,
    expires_ms: i64,
}

struct RefreshEntry {
    app_key: String,
    seller: Arc<Seller>,
    expires_ms: i64,
}

#[derive(Default)]
struct Tables {
    codes: HashMap<String, CodeEntry>,
    access: HashMap<String, AccessEntry>,
    refresh: HashMap<String, RefreshEntry>,
    sellers: u64,
}

impl Tables {
    /// A seller not seen before.
    fn new_seller(&mut self) -> Arc<Seller> {
        self.sellers += 1;
        Arc::new(Seller::numbered(self.sellers))
    }
}

/// Everything the request handlers share.
pub(crate) struct State {
    apps: HashMap<String, AppConfig>,
    code_ttl_ms: i64,
    clock_skew_ms: i64,
    /// The virtual clock for expiries.
    pub clock: Clock,
    /// Request counters.
    pub counters: Counters,
    /// Faults armed per route, and hits per route.
    pub faults: Faults,
    /// The EnOS token service.
    pub enos: crate::enos::EnosState,
    /// The push sender.
    pub push: crate::push::Pusher,
    /// Rate limits, daily quotas, bans and the request log.
    pub limits: crate::limits::Limits,
    /// HTTP status of API errors other than the OAuth calls'.
    api_error_status: AtomicU16,
    tables: Mutex<Tables>,
}

impl State {
    /// State for a validated `config`.
    pub(crate) fn new(config: &Config) -> State {
        let clock = Clock::default();
        let state = State {
            apps: config.apps.iter().map(|a| (a.app_key.clone(), a.clone())).collect(),
            code_ttl_ms: config.code_ttl_secs * 1000,
            clock_skew_ms: config.clock_skew_secs * 1000,
            enos: crate::enos::EnosState::new(config, clock.now_ms()),
            clock,
            counters: Counters::default(),
            faults: Faults::default(),
            push: crate::push::Pusher::default(),
            limits: crate::limits::Limits::new(config.limits.clone()),
            api_error_status: AtomicU16::new(config.api_error_status),
            tables: Mutex::new(Tables::default()),
        };
        for preset in &config.preset_codes {
            state.insert_code(&preset.app_key, preset.value.clone());
        }
        for preset in &config.preset_refresh_tokens {
            state.insert_refresh_token(&preset.app_key, preset.value.clone());
        }
        state
    }

    /// The app registered under `app_key`.
    pub(crate) fn app(&self, app_key: &str) -> Option<&AppConfig> {
        self.apps.get(app_key)
    }

    /// All apps, sorted by key.
    pub(crate) fn apps(&self) -> Vec<&AppConfig> {
        let mut apps: Vec<&AppConfig> = self.apps.values().collect();
        apps.sort_by(|a, b| a.app_key.cmp(&b.app_key));
        apps
    }

    /// HTTP status of API errors other than the OAuth calls' (200 unless configured).
    pub(crate) fn api_error_status(&self) -> u16 {
        self.api_error_status.load(Ordering::Relaxed)
    }

    /// Sets the HTTP status of API errors other than the OAuth calls' (validated by the caller).
    pub(crate) fn set_api_error_status(&self, status: u16) {
        self.api_error_status.store(status, Ordering::Relaxed);
    }

    /// Configured skew of the gateway's clock for the timestamp window, in ms.
    pub(crate) fn clock_skew_ms(&self) -> i64 {
        self.clock_skew_ms
    }

    fn tables(&self) -> MutexGuard<'_, Tables> {
        // A panic elsewhere never leaves the tables half-updated, so poisoning is ignored.
        self.tables.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Issues a one-time authorization code for a new seller; `None` for an unknown app.
    pub(crate) fn issue_code(&self, app_key: &str) -> Option<String> {
        self.app(app_key)?;
        let code = ids::authorization_code(app_key);
        self.insert_code(app_key, code.clone());
        Some(code)
    }

    /// Registers `code` for a new seller of a known app.
    fn insert_code(&self, app_key: &str, code: String) {
        let now = self.clock.now_ms();
        let mut t = self.tables();
        let seller = t.new_seller();
        t.codes.insert(
            code,
            CodeEntry { app_key: app_key.to_string(), seller, expires_ms: now.saturating_add(self.code_ttl_ms) },
        );
        self.counters.codes_issued.fetch_add(1, Ordering::Relaxed);
    }

    /// Registers `refresh_token` as a live grant of a new seller of a known app.
    fn insert_refresh_token(&self, app_key: &str, refresh_token: String) {
        let Some(app) = self.app(app_key) else { return };
        let expires_ms = self.clock.now_ms().saturating_add(app.refresh_ttl_secs * 1000);
        let mut t = self.tables();
        let seller = t.new_seller();
        t.refresh.insert(refresh_token, RefreshEntry { app_key: app_key.to_string(), seller, expires_ms });
    }

    /// `/auth/token/create`: consumes `code` and opens a grant.
    pub(crate) fn create_token(&self, app: &AppConfig, code: &str) -> Result<Grant, ApiError> {
        let now = self.clock.now_ms();
        let mut t = self.tables();
        let entry = t.codes.get(code).ok_or_else(ApiError::invalid_code)?;
        if entry.app_key != app.app_key {
            return Err(ApiError::invalid_code());
        }
        let entry = t.codes.remove(code).ok_or_else(ApiError::invalid_code)?;
        if now >= entry.expires_ms {
            return Err(ApiError::invalid_code());
        }
        let refresh_expires_ms = if app.can_refresh { now.saturating_add(app.refresh_ttl_secs * 1000) } else { now };
        let grant = self.mint(&mut t, app, entry.seller, now, refresh_expires_ms);
        self.counters.tokens_created.fetch_add(1, Ordering::Relaxed);
        Ok(grant)
    }

    /// `/auth/token/refresh`: rotates `refresh_token` (the old one dies), keeping the grant's
    /// absolute refresh expiry.
    pub(crate) fn refresh_token(&self, app: &AppConfig, refresh_token: &str) -> Result<Grant, ApiError> {
        if !app.can_refresh {
            return Err(ApiError::auth_type_unsupported());
        }
        let now = self.clock.now_ms();
        let mut t = self.tables();
        let entry = t.refresh.get(refresh_token).ok_or_else(ApiError::illegal_refresh_token)?;
        if entry.app_key != app.app_key || now >= entry.expires_ms {
            return Err(ApiError::illegal_refresh_token());
        }
        let entry = t.refresh.remove(refresh_token).ok_or_else(ApiError::illegal_refresh_token)?;
        let grant = self.mint(&mut t, app, entry.seller, now, entry.expires_ms);
        self.counters.refreshes.fetch_add(1, Ordering::Relaxed);
        Ok(grant)
    }

    fn mint(&self, t: &mut Tables, app: &AppConfig, seller: Arc<Seller>, now: i64, refresh_expires_ms: i64) -> Grant {
        let access_token = ids::access_token();
        let refresh_token = ids::refresh_token();
        let access_expires_ms = now.saturating_add(app.access_ttl_secs * 1000);
        t.access.insert(
            access_token.clone(),
            AccessEntry { app_key: app.app_key.clone(), seller: seller.clone(), expires_ms: access_expires_ms },
        );
        t.refresh.insert(
            refresh_token.clone(),
            RefreshEntry { app_key: app.app_key.clone(), seller: seller.clone(), expires_ms: refresh_expires_ms },
        );
        Grant {
            access_token,
            refresh_token,
            expires_in: app.access_ttl_secs,
            refresh_expires_in: (refresh_expires_ms - now).max(0) / 1000,
            expire_time_ms: access_expires_ms,
            refresh_valid_time_ms: refresh_expires_ms,
            seller,
        }
    }

    /// Every live authorization: `(app key, seller id, when it ends)`, the end being the latest
    /// expiry of the seller's refresh tokens (virtual epoch ms), sorted.
    pub(crate) fn authorizations(&self) -> Vec<(String, String, i64)> {
        let t = self.tables();
        let mut ends: HashMap<(String, String), i64> = HashMap::new();
        for e in t.refresh.values() {
            let end = ends.entry((e.app_key.clone(), e.seller.seller_id.to_string())).or_insert(e.expires_ms);
            *end = (*end).max(e.expires_ms);
        }
        let mut list: Vec<(String, String, i64)> = ends.into_iter().map(|((a, s), at)| (a, s, at)).collect();
        list.sort();
        list
    }

    /// The seller an access token of `app` belongs to, if the token is live.
    pub(crate) fn seller_for(&self, app: &AppConfig, access_token: &str) -> Result<Arc<Seller>, ApiError> {
        let now = self.clock.now_ms();
        let t = self.tables();
        match t.access.get(access_token) {
            Some(e) if e.app_key == app.app_key && now < e.expires_ms => Ok(e.seller.clone()),
            _ => Err(ApiError::illegal_access_token()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{DEFAULT_APP_KEY, NON_REFRESHABLE_APP_KEY};

    fn setup() -> (State, AppConfig) {
        let s = State::new(&Config::default());
        let app = s.app(DEFAULT_APP_KEY).unwrap().clone();
        (s, app)
    }

    #[test]
    fn code_is_single_use_and_per_seller() {
        let (s, app) = setup();
        let c1 = s.issue_code(DEFAULT_APP_KEY).unwrap();
        let c2 = s.issue_code(DEFAULT_APP_KEY).unwrap();
        let g1 = s.create_token(&app, &c1).unwrap();
        let g2 = s.create_token(&app, &c2).unwrap();
        assert_ne!(g1.seller.seller_id, g2.seller.seller_id);
        assert_eq!(s.create_token(&app, &c1).unwrap_err().code, "InvalidCode");
        assert!(s.issue_code("nope").is_none());
    }

    #[test]
    fn code_of_other_app_is_refused_but_not_consumed() {
        let (s, app) = setup();
        let other = s.app(NON_REFRESHABLE_APP_KEY).unwrap().clone();
        let c = s.issue_code(DEFAULT_APP_KEY).unwrap();
        assert_eq!(s.create_token(&other, &c).unwrap_err().code, "InvalidCode");
        assert!(s.create_token(&app, &c).is_ok());
    }

    #[test]
    fn rotation_keeps_absolute_expiry() {
        let (s, app) = setup();
        let c = s.issue_code(DEFAULT_APP_KEY).unwrap();
        let g = s.create_token(&app, &c).unwrap();
        s.clock.advance(86_400);
        let r = s.refresh_token(&app, &g.refresh_token).unwrap();
        assert_eq!(r.refresh_valid_time_ms, g.refresh_valid_time_ms);
        assert!(r.refresh_expires_in <= g.refresh_expires_in - 86_400);
        assert_eq!(s.refresh_token(&app, &g.refresh_token).unwrap_err().code, "IllegalRefreshToken");
        assert!(s.seller_for(&app, &g.access_token).is_ok(), "old access token still valid");
    }

    #[test]
    fn non_refreshable() {
        let s = State::new(&Config::default());
        let app = s.app(NON_REFRESHABLE_APP_KEY).unwrap().clone();
        let g = s.create_token(&app, &s.issue_code(NON_REFRESHABLE_APP_KEY).unwrap()).unwrap();
        assert_eq!(g.refresh_expires_in, 0);
        assert_eq!(s.refresh_token(&app, &g.refresh_token).unwrap_err().code, "AUTH_TYPE_UNSUPPORTED");
    }
}
