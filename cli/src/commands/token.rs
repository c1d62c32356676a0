//! `iop token create|refresh|get`, with an optional token file kept by the token manager.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use iop::authorize::code_from_redirect;
use iop::client::now_ms;
use iop::manager::{FileStore, ManagerConfig, TokenManager, TokenRecord};
use iop::{Secret, Token};

use super::Context;
use crate::credentials::{Credentials, secret_arg};
use crate::failure::Failure;
use crate::output::{Table, when};

/// A token manager for `account` in the token file at `store`, refreshing within `margin`.
fn manager(
    ctx: &Context<'_>,
    creds: &Credentials,
    store: &Path,
    account: &str,
    margin: Duration,
) -> Result<TokenManager, Failure> {
    let client = Arc::new(ctx.client(creds)?);
    let store = Arc::new(FileStore::new(store)?);
    let config = ManagerConfig { refresh_margin: margin, ..ManagerConfig::default() };
    Ok(TokenManager::new(client, store, account, config)?)
}

/// `iop token create`: exchanges a code (given, or read from a redirect URL whose state is
/// checked) for a token; with `store`, keeps the grant there too.
pub fn create(
    ctx: &Context<'_>,
    code: Option<&str>,
    redirect: Option<(&str, &str)>,
    store: Option<(&Path, Option<&str>)>,
) -> Result<(), Failure> {
    let creds = ctx.credentials()?;
    let code: Secret = match redirect {
        Some((url, state)) => code_from_redirect(url, state)?,
        None => secret_arg(code, "IOP_CODE", "authorization code", &ctx.stdin)?
            .ok_or_else(|| Failure::usage("no authorization code: pass --code CODE (or - to read it from stdin)"))?,
    };
    let token = ctx.client(&creds)?.create_token(code.expose())?;
    if let Some((path, account)) = store {
        let account = account.map(str::to_owned).or_else(|| token.seller_id.clone()).ok_or_else(|| {
            Failure::usage("the token names no seller id to keep it under: pass --account NAME")
                .hint("the grant was created but not stored: authorize again and pass --account")
        })?;
        manager(ctx, &creds, path, &account, Duration::ZERO)?.store_grant(&token)?;
        eprintln!("stored as account {account} in {}", path.display());
    }
    print(&token, ctx.global.json, store.is_some());
    Ok(())
}

/// `iop token refresh`: a given refresh token, or the pair kept for `account` in `store`.
pub fn refresh(ctx: &Context<'_>, refresh_token: Option<&str>, store: Option<(&Path, &str)>) -> Result<(), Failure> {
    let creds = ctx.credentials()?;
    if let Some((path, account)) = store {
        // A margin longer than any token's life: refresh now, store the rotated pair.
        let m = manager(ctx, &creds, path, account, Duration::from_secs(100 * 365 * 86_400))?;
        m.access_token()?;
        let record =
            m.record()?.ok_or_else(|| Failure::usage(format!("no account {account} in {}", path.display())))?;
        print_record(account, &record, ctx.global.json);
        return Ok(());
    }
    let refresh_token =
        secret_arg(refresh_token, "IOP_REFRESH_TOKEN", "refresh token", &ctx.stdin)?.ok_or_else(|| {
            Failure::usage(
                "no refresh token: pass --refresh-token TOKEN (or - to read it from stdin) or set IOP_REFRESH_TOKEN",
            )
        })?;
    let token = ctx.client(&creds)?.refresh_token(refresh_token.expose())?;
    print(&token, ctx.global.json, false);
    Ok(())
}

/// `iop token get`: a valid access token for `account`, refreshed first when it is due.
pub fn get(ctx: &Context<'_>, store: &Path, account: &str, margin_minutes: u64) -> Result<(), Failure> {
    let creds = ctx.credentials()?;
    let m = manager(ctx, &creds, store, account, Duration::from_secs(margin_minutes.saturating_mul(60)))?;
    let token = m.access_token()?;
    if ctx.global.json {
        match m.record()? {
            Some(record) => println!("{}", record.to_json()),
            None => return Err(Failure::usage(format!("no account {account} in {}", store.display()))),
        }
    } else {
        println!("{}", token.expose());
    }
    Ok(())
}

fn print_record(account: &str, r: &TokenRecord, json: bool) {
    if json {
        println!("{}", r.to_json());
        return;
    }
    let now = now_ms();
    let mut t = Table::default();
    t.row("account", account)
        .row("access_token", r.access_token.expose())
        .row("expires_at", when(r.expires_at_ms, now))
        .row("refresh_token", if r.refresh_token.is_empty() { "(none)" } else { r.refresh_token.expose() })
        .row("refresh_expires_at", r.refresh_expires_at_ms.map_or("(unknown)".to_owned(), |at| when(at, now)))
        .row("can_refresh", if r.can_refresh { "yes" } else { "no" })
        .row("authorized_at", when(r.granted_at_ms, now))
        .opt("reauthorize_by", r.reauthorize_by_ms().map(|at| when(at, now)).as_deref())
        .opt("reauthorization", r.reauthorization_reason.as_deref())
        .opt("seller_id", r.seller_id.as_deref())
        .opt("country", r.country.as_deref());
    print!("{}", t.render());
}

/// Prints `token`; unless it was `stored`, reminds (on standard error) to keep the refresh token.
fn print(token: &Token, json: bool, stored: bool) {
    if json {
        println!("{}", token.to_json());
        return;
    }
    let now = now_ms();
    let mut t = Table::default();
    t.row("access_token", token.access_token.expose())
        .row("expires_at", when(token.expires_at_ms, now))
        .row("refresh_token", if token.refresh_token.is_empty() { "(none)" } else { token.refresh_token.expose() })
        .row("refresh_expires_at", token.refresh_expires_at_ms.map_or("(unknown)".to_owned(), |at| when(at, now)))
        .row("can_refresh", if token.can_refresh { "yes" } else { "no" })
        .opt("account", token.account.as_deref())
        .opt("account_platform", token.account_platform.as_deref())
        .opt("account_id", token.account_id.as_deref())
        .opt("seller_id", token.seller_id.as_deref())
        .opt("user_id", token.user_id.as_deref())
        .opt("short_code", token.short_code.as_deref())
        .opt("country", token.country.as_deref())
        .opt("havana_id", token.havana_id.as_deref())
        .opt("user_nick", token.user_nick.as_deref())
        .opt("locale", token.locale.as_deref())
        .opt("sp", token.sp.as_deref());
    for c in &token.country_user_info {
        let field = |label: &str, v: &Option<String>| v.as_deref().map(|v| format!(" {label} {v}")).unwrap_or_default();
        t.row(
            "country_user_info",
            format!(
                "{}:{}{}{}",
                c.country.as_deref().unwrap_or("?"),
                field("seller", &c.seller_id),
                field("user", &c.user_id),
                field("short_code", &c.short_code)
            ),
        );
    }
    print!("{}", t.render());
    if token.can_refresh && !stored {
        eprintln!("(store the refresh token: the next refresh needs it and retires the previous one)");
    }
}
