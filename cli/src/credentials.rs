//! Where the gateway, app key and app secret come from (a profile, the environment, standard
//! input; never the secret from the command line), and values passed as `-` (standard input).

use std::cell::Cell;
use std::io::BufRead;

use iop::Secret;

use crate::args::Global;
use crate::failure::Failure;
use crate::profile;

/// Standard input, readable once (for `--app-secret-stdin` or one `-` value).
#[derive(Debug, Default)]
pub struct Stdin {
    used_for: Cell<Option<&'static str>>,
}

impl Stdin {
    /// The first line of standard input (without its line ending) for `what`.
    pub fn read_line(&self, what: &'static str) -> Result<String, Failure> {
        if let Some(earlier) = self.used_for.replace(Some(what)) {
            return Err(Failure::usage(format!(
                "standard input can carry only one value, and it is already used for the {earlier}"
            )));
        }
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| Failure::usage(format!("cannot read the {what} from standard input: {e}")))?;
        let value = line.trim_end_matches(['\r', '\n']).to_owned();
        if value.is_empty() {
            return Err(Failure::usage(format!("standard input carried no {what}")));
        }
        Ok(value)
    }
}

/// A secret-valued argument: the option's value, `-` for standard input, else `env`.
pub fn secret_arg(
    value: Option<&str>,
    env: &str,
    what: &'static str,
    stdin: &Stdin,
) -> Result<Option<Secret>, Failure> {
    match value {
        Some("-") => stdin.read_line(what).map(|v| Some(Secret::new(v))),
        Some("") => Err(Failure::usage(format!("the {what} is empty"))),
        Some(v) => Ok(Some(Secret::new(v))),
        None => Ok(std::env::var(env).ok().filter(|v| !v.is_empty()).map(Secret::new)),
    }
}

/// The credentials found, each possibly missing, and where they came from.
#[derive(Debug)]
pub struct Found {
    gateway: Option<String>,
    app_key: Option<String>,
    app_secret: Option<Secret>,
    source: String,
}

/// Complete credentials for a platform command.
#[derive(Debug)]
pub struct Credentials {
    /// Gateway base URL.
    pub gateway: String,
    /// App key.
    pub app_key: String,
    /// App secret.
    pub app_secret: Secret,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Looks the credentials up: a named profile (`--profile`, `IOP_PROFILE`), else the `IOP_*`
/// variables if any is set, else the `[default]` profile if the file exists; then the
/// `--gateway`/`--app-key` flags and `--app-secret-stdin` override.
pub fn find(global: &Global, stdin: &Stdin) -> Result<Found, Failure> {
    let named = global.profile.clone().or_else(|| env("IOP_PROFILE"));
    let mut found = if let Some(name) = named {
        let path = profile::default_path().ok_or_else(|| {
            Failure::usage("no profile file: set IOP_PROFILE_FILE or HOME").hint("or use the IOP_* variables")
        })?;
        let p = profile::load(&path, &name)?;
        Found {
            gateway: p.gateway,
            app_key: p.app_key,
            app_secret: p.app_secret,
            source: format!("profile [{name}] of {}", path.display()),
        }
    } else if ["IOP_GATEWAY", "IOP_APP_KEY", "IOP_APP_SECRET"].iter().any(|v| env(v).is_some()) {
        Found {
            gateway: env("IOP_GATEWAY"),
            app_key: env("IOP_APP_KEY"),
            app_secret: env("IOP_APP_SECRET").map(Secret::new),
            source: "the IOP_* environment variables".into(),
        }
    } else {
        match profile::default_path().filter(|p| p.exists()) {
            Some(path) => {
                let p = profile::load(&path, "default")?;
                Found {
                    gateway: p.gateway,
                    app_key: p.app_key,
                    app_secret: p.app_secret,
                    source: format!("profile [default] of {}", path.display()),
                }
            }
            None => Found {
                gateway: None,
                app_key: None,
                app_secret: None,
                source: match profile::default_path() {
                    Some(path) => format!(
                        "the command line, the IOP_GATEWAY, IOP_APP_KEY and IOP_APP_SECRET variables (none set) and \
                         the profile file {} (absent)",
                        path.display()
                    ),
                    None => "the command line and the IOP_GATEWAY, IOP_APP_KEY and IOP_APP_SECRET variables (none \
                             set); no profile file (neither IOP_PROFILE_FILE nor HOME is set)"
                        .into(),
                },
            },
        }
    };
    if let Some(g) = &global.gateway {
        found.gateway = Some(g.clone());
    }
    if let Some(k) = &global.app_key {
        found.app_key = Some(k.clone());
    }
    if global.app_secret_stdin {
        found.app_secret = Some(Secret::new(stdin.read_line("app secret")?));
    }
    Ok(found)
}

const WHERE: &str =
    "set IOP_GATEWAY, IOP_APP_KEY and IOP_APP_SECRET, or name a profile with --profile (see iop --help)";

impl Found {
    /// The app key, or a usage error saying where to put it.
    pub fn app_key(&self) -> Result<String, Failure> {
        self.app_key.clone().filter(|k| !k.is_empty()).ok_or_else(|| {
            Failure::usage(format!("no app key (looked in {})", self.source))
                .hint(format!("pass --app-key, or {WHERE}"))
        })
    }

    /// App key and secret (no gateway: for verifying push messages), or a usage error naming
    /// the one missing.
    pub fn key_and_secret(self) -> Result<(String, Secret), Failure> {
        let app_key = self.app_key()?;
        let app_secret = self.app_secret.filter(|s| !s.is_empty()).ok_or_else(|| {
            Failure::usage(format!("no app secret (looked in {})", self.source))
                .hint(format!("pipe it with --app-secret-stdin, or {WHERE}"))
        })?;
        Ok((app_key, app_secret))
    }

    /// Gateway, app key and secret, or a usage error naming the first one missing.
    pub fn complete(self) -> Result<Credentials, Failure> {
        let app_key = self.app_key()?;
        let gateway = self.gateway.filter(|g| !g.is_empty()).ok_or_else(|| {
            Failure::usage(format!("no gateway URL (looked in {})", self.source))
                .hint(format!("pass --gateway URL, or {WHERE}"))
        })?;
        let app_secret = self.app_secret.filter(|s| !s.is_empty()).ok_or_else(|| {
            Failure::usage(format!("no app secret (looked in {})", self.source))
                .hint(format!("pipe it with --app-secret-stdin, or {WHERE}"))
        })?;
        Ok(Credentials { gateway, app_key, app_secret })
    }
}
