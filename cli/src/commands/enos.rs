//! `iop enos token get|refresh`.

use iop::client::now_ms;
use iop::enos::{EnosClient, EnosToken};

use super::Context;
use crate::credentials::secret_arg;
use crate::failure::Failure;
use crate::output::{Table, duration, when};

fn client(ctx: &Context<'_>) -> Result<EnosClient, Failure> {
    let creds = ctx.credentials()?;
    Ok(EnosClient::with_config(&creds.gateway, &creds.app_key, creds.app_secret.expose(), ctx.config()?)?)
}

/// `iop enos token get`.
pub fn get(ctx: &Context<'_>) -> Result<(), Failure> {
    let token = client(ctx)?.get_token()?;
    print(&token, ctx.global.json);
    Ok(())
}

/// `iop enos token refresh`.
pub fn refresh(ctx: &Context<'_>, access_token: Option<&str>) -> Result<(), Failure> {
    let client = client(ctx)?;
    let token = secret_arg(access_token, "IOP_ACCESS_TOKEN", "access token", &ctx.stdin)?.ok_or_else(|| {
        Failure::usage(
            "no access token: pass --access-token TOKEN (or - to read it from stdin) or set IOP_ACCESS_TOKEN",
        )
    })?;
    let token = client.refresh_token(token.expose())?;
    print(&token, ctx.global.json);
    Ok(())
}

fn print(token: &EnosToken, json: bool) {
    if json {
        println!("{}", token.to_json());
        return;
    }
    let mut t = Table::default();
    t.row("access_token", token.access_token.expose())
        .row("expires_in", duration(token.expires_in_s.max(0).unsigned_abs()))
        .row("expires_at", when(token.expires_at_ms, now_ms()));
    print!("{}", t.render());
}
