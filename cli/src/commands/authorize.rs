//! `iop authorize-url`.

use iop::authorize::{AuthorizeOptions, AuthorizePlatform, authorize_url, new_state};

use super::Context;
use crate::args::{AuthorizeArgs, PlatformArg};
use crate::credentials;
use crate::failure::Failure;

/// Prints the authorization link and the state it carries.
pub fn run(ctx: &Context<'_>, args: &AuthorizeArgs) -> Result<(), Failure> {
    let client_id = credentials::find(ctx.global, &ctx.stdin)?.app_key()?;
    let platform = match args.platform {
        PlatformArg::Lazada => AuthorizePlatform::Lazada,
        PlatformArg::Aliexpress => AuthorizePlatform::AliExpress,
    };
    let state = match &args.state {
        Some(s) => s.clone(),
        None => new_state()?,
    };
    let options =
        AuthorizeOptions { base_url: args.base_url.as_deref(), country: args.country.as_deref(), state: Some(&state) };
    let url = authorize_url(platform, &client_id, &args.redirect_uri, &options)?;
    if ctx.global.json {
        println!("{}", serde_json::json!({ "url": url, "state": state, "platform": platform.name() }));
    } else {
        println!("{url}");
        println!("state: {state}");
        eprintln!(
            "(keep the state: the redirect must bring it back; `iop token create --redirect-url URL --state STATE` checks it)"
        );
    }
    Ok(())
}
