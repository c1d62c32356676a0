//! `iop limits`: the rate-limit budgets and bans a fleet shares through Redis.

use iop::limits::RateLimiter;
use iop::manager::{RedisStore, RedisStoreConfig};

use crate::args::LimitsArgs;
use crate::commands::Context;
use crate::failure::Failure;
use crate::output::{Table, pretty_json, when};

/// Environment variable read when `--redis` is not given (keeps a password off the command line).
const REDIS_ENV: &str = "IOP_REDIS_URL";

/// Prints the budgets (with what is available now) and the running bans of the app key.
pub fn run(ctx: &Context<'_>, args: &LimitsArgs) -> Result<(), Failure> {
    let url = args.redis.clone().or_else(|| std::env::var(REDIS_ENV).ok()).ok_or_else(|| {
        Failure::usage("no Redis server given")
            .hint(format!("pass --redis redis://host:6379 or set {REDIS_ENV} (the store the limiters use)"))
    })?;
    let app_key = ctx.global.app_key.clone().or_else(|| std::env::var("IOP_APP_KEY").ok()).ok_or_else(|| {
        Failure::usage("no app key given").hint("pass --app-key KEY or set IOP_APP_KEY (the app whose limits to show)")
    })?;
    let mut config = RedisStoreConfig::new(&url, &app_key);
    config.namespace = args.prefix.clone();
    let store = RedisStore::new(config)?;
    let limiter = RateLimiter::for_store(&store)?;
    let status = limiter.status(&app_key)?;
    if ctx.global.json {
        println!("{}", pretty_json(&status.to_json()));
        return Ok(());
    }
    let now = iop::client::now_ms();
    let name = |n: &Option<String>| n.as_deref().map(|n| format!(" {n}")).unwrap_or_default();
    let mut table = Table::default();
    table.row("app key", app_key.as_str());
    if status.budgets.is_empty() {
        table.row("budgets", "none in use (a bucket not used lately is full)");
    }
    for b in &status.budgets {
        table.row(
            &format!("budget {}{}", b.scope.as_str(), name(&b.name)),
            format!("{}/s, burst {}, {:.1} available now", b.rate_per_second, b.burst, b.available),
        );
    }
    if status.bans.is_empty() {
        table.row("bans", "none");
    }
    for b in &status.bans {
        table.row(
            &format!("ban {}{}", b.scope.as_str(), name(&b.name)),
            format!("{} until {}", b.code, when(b.until_ms, now)),
        );
    }
    print!("{}", table.render());
    Ok(())
}
