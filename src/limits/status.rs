//! What `iop limits` and `iop_rate_limiter_status_json` show: budgets with what is available
//! now, and running bans.

use serde_json::{Value, json};

use super::backend::{Budget, SlotScope, SlotState};

/// One budget: configured in this limiter, or found in the backend (set by another host).
#[derive(Clone, Debug, PartialEq)]
pub struct BudgetStatus {
    /// `app`, `api` or `seller`.
    pub scope: SlotScope,
    /// The API name, the seller hash, or `None`.
    pub name: Option<String>,
    /// Calls per second.
    pub rate_per_second: f64,
    /// Most calls at once.
    pub burst: u32,
    /// Calls that may go now (the full burst for a bucket not used yet).
    pub available: f64,
}

/// A running ban.
#[derive(Clone, Debug, PartialEq)]
pub struct BanStatus {
    /// `app`, `api`, `seller` or `daily`.
    pub scope: SlotScope,
    /// The API name, or `None` for the whole app.
    pub name: Option<String>,
    /// Its end, epoch ms.
    pub until_ms: i64,
    /// The platform code that caused it.
    pub code: String,
}

/// Budgets and bans of one app key.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LimitStatus {
    /// Every budget, configured ones first.
    pub budgets: Vec<BudgetStatus>,
    /// Every running ban.
    pub bans: Vec<BanStatus>,
}

fn opt_name(name: &str) -> Option<String> {
    Some(name.to_owned()).filter(|n| !n.is_empty())
}

/// Merges the budgets configured here with the slots stored in the backend.
pub(crate) fn build(configured: &[(SlotScope, Option<String>, Budget)], stored: &[SlotState]) -> LimitStatus {
    let mut status = LimitStatus::default();
    for (scope, name, budget) in configured {
        let found =
            stored.iter().find(|s| s.scope == *scope && s.name == name.as_deref().unwrap_or("") && s.budget.is_some());
        status.budgets.push(BudgetStatus {
            scope: *scope,
            name: name.clone(),
            rate_per_second: budget.rate_per_second,
            burst: budget.burst,
            available: found.and_then(|s| s.available).unwrap_or(f64::from(budget.burst)),
        });
    }
    let mut rest: Vec<&SlotState> = stored
        .iter()
        .filter(|s| {
            s.budget.is_some()
                && !status.budgets.iter().any(|b| b.scope == s.scope && b.name.as_deref() == Some(s.name.as_str()))
                && !(s.name.is_empty() && status.budgets.iter().any(|b| b.scope == s.scope && b.name.is_none()))
        })
        .collect();
    rest.sort_by(|a, b| (a.scope, &a.name).cmp(&(b.scope, &b.name)));
    for s in rest {
        let budget = s.budget.expect("filtered on budget");
        status.budgets.push(BudgetStatus {
            scope: s.scope,
            name: opt_name(&s.name),
            rate_per_second: budget.rate_per_second,
            burst: budget.burst,
            available: s.available.unwrap_or(f64::from(budget.burst)),
        });
    }
    let mut bans: Vec<BanStatus> = stored
        .iter()
        .filter_map(|s| {
            s.ban.as_ref().map(|(until_ms, code)| BanStatus {
                scope: s.scope,
                name: opt_name(&s.name),
                until_ms: *until_ms,
                code: code.clone(),
            })
        })
        .collect();
    bans.sort_by(|a, b| (a.scope, &a.name).cmp(&(b.scope, &b.name)));
    status.bans = bans;
    status
}

impl LimitStatus {
    /// As JSON (see [`super::RateLimiter::status_json`]).
    pub fn to_json(&self) -> String {
        let budgets: Vec<Value> = self
            .budgets
            .iter()
            .map(|b| {
                json!({
                    "scope": b.scope.as_str(),
                    "name": b.name,
                    "rate_per_second": b.rate_per_second,
                    "burst": b.burst,
                    "available": (b.available * 1000.0).floor() / 1000.0,
                })
            })
            .collect();
        let bans: Vec<Value> = self
            .bans
            .iter()
            .map(|b| json!({"scope": b.scope.as_str(), "name": b.name, "until_ms": b.until_ms, "code": b.code}))
            .collect();
        json!({"budgets": budgets, "bans": bans}).to_string()
    }
}
