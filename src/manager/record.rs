//! What a store keeps per account: the current tokens, their expiries, the re-authorization
//! deadline and the marker of a refresh in flight. Serialized as JSON; never holds the app secret.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::enos::EnosToken;
use crate::error::{Error, ErrorKind, Result};
use crate::secret::Secret;
use crate::token::Token;

/// One account's tokens as stored. `version` increases by one with every write.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// Write counter: 1 for the first stored grant, +1 on every change.
    pub version: u64,
    /// The access token.
    pub access_token: Secret,
    /// The refresh token (empty for EnOS, which has none).
    pub refresh_token: Secret,
    /// Access-token expiry, epoch ms.
    pub expires_at_ms: i64,
    /// Refresh-token expiry, epoch ms, when known.
    pub refresh_expires_at_ms: Option<i64>,
    /// Whether the refresh token may be used.
    pub can_refresh: bool,
    /// When the seller authorized (the first grant of this chain), epoch ms.
    pub granted_at_ms: i64,
    /// When a refresh started and has not been recorded as finished: a process may have died
    /// between sending it and storing its answer.
    pub refresh_started_at_ms: Option<i64>,
    /// Why the seller must authorize again, once known; the manager then stops refreshing.
    pub reauthorization_reason: Option<String>,
    /// Seller id, when the platform gave one.
    pub seller_id: Option<String>,
    /// Country, when the platform gave one.
    pub country: Option<String>,
}

impl fmt::Debug for TokenRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenRecord")
            .field("version", &self.version)
            .field("expires_at_ms", &self.expires_at_ms)
            .field("refresh_expires_at_ms", &self.refresh_expires_at_ms)
            .field("can_refresh", &self.can_refresh)
            .field("refresh_started_at_ms", &self.refresh_started_at_ms)
            .field("reauthorization_reason", &self.reauthorization_reason)
            .finish_non_exhaustive()
    }
}

/// The JSON shape of a record.
#[derive(Serialize, Deserialize)]
struct Wire {
    version: u64,
    access_token: String,
    #[serde(default)]
    refresh_token: String,
    expires_at_ms: i64,
    #[serde(default)]
    refresh_expires_at_ms: Option<i64>,
    #[serde(default)]
    can_refresh: bool,
    granted_at_ms: i64,
    #[serde(default)]
    refresh_started_at_ms: Option<i64>,
    #[serde(default)]
    reauthorization_reason: Option<String>,
    #[serde(default)]
    seller_id: Option<String>,
    #[serde(default)]
    country: Option<String>,
}

impl TokenRecord {
    /// A first record for a grant received at `now_ms` (after a code exchange).
    pub fn from_grant(token: &Token, now_ms: i64) -> TokenRecord {
        TokenRecord {
            version: 0,
            access_token: token.access_token.clone(),
            refresh_token: token.refresh_token.clone(),
            expires_at_ms: token.expires_at_ms,
            refresh_expires_at_ms: token.refresh_expires_at_ms,
            can_refresh: token.can_refresh && !token.refresh_token.is_empty(),
            granted_at_ms: now_ms,
            refresh_started_at_ms: None,
            reauthorization_reason: None,
            seller_id: token.seller_id.clone(),
            country: token.country.clone(),
        }
    }

    /// A first record for an EnOS token received at `now_ms`.
    pub fn from_enos(token: &EnosToken, now_ms: i64) -> TokenRecord {
        TokenRecord {
            version: 0,
            access_token: token.access_token.clone(),
            refresh_token: Secret::default(),
            expires_at_ms: token.expires_at_ms,
            refresh_expires_at_ms: None,
            can_refresh: true,
            granted_at_ms: now_ms,
            refresh_started_at_ms: None,
            reauthorization_reason: None,
            seller_id: None,
            country: None,
        }
    }

    /// The next record after a refresh: new tokens, the same grant time, and the refresh
    /// deadline kept when the platform did not send a new one.
    pub fn renewed(&self, token: &Token) -> TokenRecord {
        let mut next = TokenRecord::from_grant(token, self.granted_at_ms);
        next.refresh_expires_at_ms = token.refresh_expires_at_ms.or(self.refresh_expires_at_ms);
        next.seller_id = next.seller_id.or_else(|| self.seller_id.clone());
        next.country = next.country.or_else(|| self.country.clone());
        next.version = self.version + 1;
        next
    }

    /// When the seller must authorize again: the refresh token's expiry, or the access
    /// token's when it cannot be refreshed. `None` for tokens that the app renews on its own
    /// (EnOS) or when the platform gave no refresh expiry.
    pub fn reauthorize_by_ms(&self) -> Option<i64> {
        if self.refresh_token.is_empty() && self.can_refresh {
            return None; // EnOS: app credentials, no seller authorization.
        }
        if self.can_refresh { self.refresh_expires_at_ms } else { Some(self.expires_at_ms) }
    }

    /// The record after an authorization-expiry alert saying the seller's authorization ends at
    /// `auth_expires_at_ms`, when that is earlier than [`TokenRecord::reauthorize_by_ms`]
    /// (`version` + 1); `None` when the record already says as much. The authorization's end is
    /// the refresh token's end: a refreshable grant's `refresh_expires_at_ms` moves to it; for a
    /// grant that cannot be refreshed the access token is the authorization, so
    /// `expires_at_ms` does. The record's JSON keeps its shape.
    pub fn with_expiry_alert(&self, auth_expires_at_ms: i64) -> Option<TokenRecord> {
        if self.refresh_token.is_empty() && self.can_refresh {
            return None; // EnOS: app credentials, no seller authorization.
        }
        if self.reauthorize_by_ms().is_some_and(|at| at <= auth_expires_at_ms) {
            return None;
        }
        let mut next = self.clone();
        if self.can_refresh {
            next.refresh_expires_at_ms = Some(auth_expires_at_ms);
        } else {
            next.expires_at_ms = auth_expires_at_ms;
        }
        next.version = self.version + 1;
        Some(next)
    }

    /// True when the access token is valid for more than `margin_ms` after `now_ms`.
    pub fn is_fresh(&self, now_ms: i64, margin_ms: i64) -> bool {
        self.expires_at_ms.saturating_sub(margin_ms) > now_ms
    }

    /// The record as JSON (contains the tokens).
    pub fn to_json(&self) -> String {
        let wire = Wire {
            version: self.version,
            access_token: self.access_token.expose().to_owned(),
            refresh_token: self.refresh_token.expose().to_owned(),
            expires_at_ms: self.expires_at_ms,
            refresh_expires_at_ms: self.refresh_expires_at_ms,
            can_refresh: self.can_refresh,
            granted_at_ms: self.granted_at_ms,
            refresh_started_at_ms: self.refresh_started_at_ms,
            reauthorization_reason: self.reauthorization_reason.clone(),
            seller_id: self.seller_id.clone(),
            country: self.country.clone(),
        };
        serde_json::to_string(&wire).expect("a record always serializes")
    }

    /// Reads a record written by [`TokenRecord::to_json`].
    pub fn from_json(json: &str) -> Result<TokenRecord> {
        let w: Wire = serde_json::from_str(json)
            .map_err(|e| Error::new(ErrorKind::MalformedResponse, format!("stored token record is unreadable: {e}")))?;
        Ok(TokenRecord {
            version: w.version,
            access_token: Secret::new(w.access_token),
            refresh_token: Secret::new(w.refresh_token),
            expires_at_ms: w.expires_at_ms,
            refresh_expires_at_ms: w.refresh_expires_at_ms,
            can_refresh: w.can_refresh,
            granted_at_ms: w.granted_at_ms,
            refresh_started_at_ms: w.refresh_started_at_ms,
            reauthorization_reason: w.reauthorization_reason,
            seller_id: w.seller_id,
            country: w.country,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_and_redacted_debug() {
        let token = Token::parse(
            r#"{"access_token":"AT-secret-1","refresh_token":"RT-secret-1","expires_in":3600,
                "refresh_expires_in":86400,"country":"sg","code":"0"}"#,
            1_000,
        )
        .unwrap();
        let mut r = TokenRecord::from_grant(&token, 1_000);
        r.version = 3;
        let back = TokenRecord::from_json(&r.to_json()).unwrap();
        assert_eq!(back, r);
        assert_eq!(r.reauthorize_by_ms(), Some(1_000 + 86_400_000));
        let debug = format!("{r:?}");
        assert!(!debug.contains("AT-secret-1") && !debug.contains("RT-secret-1"));
        assert!(r.is_fresh(1_000, 1_800_000) && r.is_fresh(3_600_990, 0) && !r.is_fresh(3_600_990, 20));
        assert!(TokenRecord::from_json("{").is_err());
    }

    #[test]
    fn expiry_alert_moves_the_deadline_earlier_only() {
        let token = Token::parse(
            r#"{"access_token":"AT","refresh_token":"RT","expires_in":3600,"refresh_expires_in":86400,"code":"0"}"#,
            1_000,
        )
        .unwrap();
        let mut r = TokenRecord::from_grant(&token, 1_000);
        r.version = 2;
        assert_eq!(r.with_expiry_alert(1_000 + 86_400_000), None);
        let next = r.with_expiry_alert(50_000_000).unwrap();
        assert_eq!(
            (next.version, next.reauthorize_by_ms(), next.expires_at_ms),
            (3, Some(50_000_000), r.expires_at_ms)
        );
        assert_eq!(TokenRecord::from_json(&next.to_json()).unwrap(), next);
        let fixed = Token::parse(
            r#"{"access_token":"AT","refresh_token":"RT","expires_in":86400,"refresh_expires_in":0,"code":"0"}"#,
            1_000,
        )
        .unwrap();
        let f = TokenRecord::from_grant(&fixed, 1_000).with_expiry_alert(60_000_000).unwrap();
        assert_eq!(f.reauthorize_by_ms(), Some(60_000_000));
    }
}
