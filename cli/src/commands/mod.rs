//! One module per command; [`Context`] holds what they share.

pub mod authorize;
pub mod call;
pub mod completions;
pub mod enos;
pub mod limits;
pub mod push;
pub mod sandbox;
pub mod sign;
pub mod token;

use std::time::Duration;

use iop::config::ProxySetting;
use iop::{Client, ClientConfig, Protocol};

use crate::args::{Global, ProtocolArg};
use crate::credentials::{self, Credentials, Stdin};
use crate::failure::Failure;

/// What every command may use: the global options and standard input.
#[derive(Debug)]
pub struct Context<'a> {
    /// The global options.
    pub global: &'a Global,
    /// Standard input (read at most once).
    pub stdin: Stdin,
}

impl Context<'_> {
    /// Gateway, app key and secret, or a usage error saying where to put the missing one.
    pub fn credentials(&self) -> Result<Credentials, Failure> {
        credentials::find(self.global, &self.stdin)?.complete()
    }

    /// The client settings the global options ask for.
    pub fn config(&self) -> Result<ClientConfig, Failure> {
        let mut config = ClientConfig::default();
        if let Some(secs) = self.global.timeout {
            config.connect_timeout = Duration::from_secs(secs);
            config.read_timeout = Duration::from_secs(secs);
        }
        if let Some(proxy) = &self.global.proxy {
            config.proxy = ProxySetting::parse(Some(proxy)).map_err(|e| {
                Failure::usage(e.message().replace("`proxy`", "--proxy"))
                    .hint("--proxy http://[user:password@]host[:port], or --proxy \"\" to connect directly")
            })?;
        }
        config.allow_insecure_http = self.global.allow_insecure_http;
        if let Some(path) = &self.global.ca_bundle {
            let pem = std::fs::read(path)
                .map_err(|e| Failure::usage(format!("cannot read --ca-bundle {}: {e}", path.display())))?;
            config.ca_bundle_pem = Some(pem);
        }
        Ok(config)
    }

    /// An IOP client for `creds`.
    pub fn client(&self, creds: &Credentials) -> Result<Client, Failure> {
        Ok(Client::with_config(&creds.gateway, &creds.app_key, creds.app_secret.expose(), self.config()?)?)
    }
}

/// The protocol asked for (`None`: by the API name).
pub fn protocol(arg: Option<ProtocolArg>) -> Option<Protocol> {
    arg.map(|p| match p {
        ProtocolArg::Gop => Protocol::Gop,
        ProtocolArg::Top => Protocol::Top,
    })
}

/// Splits `key=value` (at the first `=`; the key must not be empty).
pub fn key_value<'a>(arg: &'a str, what: &str) -> Result<(&'a str, &'a str), Failure> {
    match arg.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k, v)),
        _ => Err(Failure::usage(format!("{what} `{}` is not KEY=VALUE", arg.chars().take(40).collect::<String>()))),
    }
}
