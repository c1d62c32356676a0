//! The sandbox's configuration: which apps exist and the lifetimes it grants (JSON via serde).

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::envelope::DEFAULT_API_ERROR_STATUS;
use crate::limits::LimitsConfig;

/// App key of the default refreshable app.
pub const DEFAULT_APP_KEY: &str = "100001";
/// App secret of [`DEFAULT_APP_KEY`] (a sandbox test credential, not a real secret).
pub const DEFAULT_APP_SECRET: &str = "sandboxSecret-100001-0123456789abcdef";
/// App key of the default app authorized through the service market: it cannot refresh.
pub const NON_REFRESHABLE_APP_KEY: &str = "100002";
/// App secret of [`NON_REFRESHABLE_APP_KEY`] (a sandbox test credential, not a real secret).
pub const NON_REFRESHABLE_APP_SECRET: &str = "sandboxSecret-100002-0123456789abcdef";
/// Default access-token lifetime: 7 days (a Lazada test app).
pub const DEFAULT_ACCESS_TTL_SECS: i64 = 604_800;
/// Default refresh-token lifetime: 30 days, counted from the first grant.
pub const DEFAULT_REFRESH_TTL_SECS: i64 = 2_592_000;
/// Default authorization-code lifetime: 30 minutes.
pub const DEFAULT_CODE_TTL_SECS: i64 = 1_800;

/// The EnOS app of the default configuration: the app key of the documented refresh sample.
pub const DEFAULT_ENOS_APP_KEY: &str = "5acb82e7-a11e-4300-9164-c8b20b638e8b";
/// Secret of [`DEFAULT_ENOS_APP_KEY`].
pub const DEFAULT_ENOS_APP_SECRET: &str = "sandboxEnosSecret-5acb82e7-0123456789abcdef";
/// Default EnOS access-token lifetime: 2 hours, as documented.
pub const DEFAULT_ENOS_TOKEN_TTL_SECS: i64 = 7_200;
/// The literal access token of the documented EnOS refresh sample.
pub const DOC_SAMPLE_ENOS_ACCESS_TOKEN: &str = "adsfwerasdfsdfasggaaf";

/// One EnOS app of the token service.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnosAppConfig {
    /// The app key (`appKey`).
    pub app_key: String,
    /// The app secret behind `encryption` and `apim-signature`.
    pub app_secret: String,
    /// Lifetime of the access tokens issued to this app, in seconds.
    #[serde(default = "default_enos_ttl")]
    pub token_ttl_secs: i64,
}

fn default_enos_ttl() -> i64 {
    DEFAULT_ENOS_TOKEN_TTL_SECS
}

impl fmt::Debug for EnosAppConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnosAppConfig")
            .field("app_key", &self.app_key)
            .field("token_ttl_secs", &self.token_ttl_secs)
            .finish_non_exhaustive()
    }
}

/// One registered app.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppConfig {
    /// The app key (`app_key`, `client_id`).
    pub app_key: String,
    /// The app secret that signs requests.
    pub app_secret: String,
    /// Lifetime of the access tokens issued to this app, in seconds.
    #[serde(default = "default_access_ttl")]
    pub access_ttl_secs: i64,
    /// Lifetime of a grant's refresh token, in seconds from the first grant (never extended).
    #[serde(default = "default_refresh_ttl")]
    pub refresh_ttl_secs: i64,
    /// `false` for an app authorized through the service market: `/auth/token/refresh`
    /// answers `AUTH_TYPE_UNSUPPORTED` and `/auth/token/create` returns `refresh_expires_in: 0`.
    #[serde(default = "default_can_refresh")]
    pub can_refresh: bool,
}

fn default_access_ttl() -> i64 {
    DEFAULT_ACCESS_TTL_SECS
}

fn default_refresh_ttl() -> i64 {
    DEFAULT_REFRESH_TTL_SECS
}

fn default_can_refresh() -> bool {
    true
}

impl AppConfig {
    /// A refreshable app with the default lifetimes.
    pub fn new(app_key: impl Into<String>, app_secret: impl Into<String>) -> AppConfig {
        AppConfig {
            app_key: app_key.into(),
            app_secret: app_secret.into(),
            access_ttl_secs: DEFAULT_ACCESS_TTL_SECS,
            refresh_ttl_secs: DEFAULT_REFRESH_TTL_SECS,
            can_refresh: true,
        }
    }
}

/// Debug output never shows the secret.
impl fmt::Debug for AppConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppConfig")
            .field("app_key", &self.app_key)
            .field("app_secret", &"<redacted>")
            .field("access_ttl_secs", &self.access_ttl_secs)
            .field("refresh_ttl_secs", &self.refresh_ttl_secs)
            .field("can_refresh", &self.can_refresh)
            .finish()
    }
}

/// A code or refresh token the sandbox accepts from the start, for one app (so that code
/// written with a literal value, such as the platforms' documentation samples, runs as is).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    /// The app the credential belongs to.
    pub app_key: String,
    /// The literal code or refresh token.
    pub value: String,
}

impl fmt::Debug for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Preset").field("app_key", &self.app_key).field("value", &"<redacted>").finish()
    }
}

/// The literal codes in the platforms' documented token examples.
pub const DOC_SAMPLE_CODES: [&str; 1] = ["2_2DL4DV3jcU1UOT7WGI1A4rY91"];
/// The literal refresh tokens in the platforms' documented token examples.
pub const DOC_SAMPLE_REFRESH_TOKENS: [&str; 3] =
    ["50001600212wcwiOabwyjtEH11acc19aBOvQr9ZYkYDlr987D8BB88LIB8bj", "Your-Refresh_Token", "Your-refreshToken"];

/// The whole configuration; every field is optional in JSON and defaults as [`Config::default`].
///
/// `{"apps":[{"app_key":…,"app_secret":…,"access_ttl_secs":…,"refresh_ttl_secs":…,"can_refresh":true}],
///   "code_ttl_secs":1800,"clock_skew_secs":0,
///   "preset_codes":[{"app_key":…,"value":…}],"preset_refresh_tokens":[…],
///   "enos_apps":[{"app_key":…,"app_secret":…,"token_ttl_secs":7200}],"preset_enos_tokens":[…],
///   "limits":{"app":{"rate":50,"burst":50},"apis":{"/seller/get":{"rate":5}},"daily":10000},
///   "api_error_status":200}`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The registered apps (at least one, unique keys).
    pub apps: Vec<AppConfig>,
    /// Lifetime of an authorization code, in seconds.
    pub code_ttl_secs: i64,
    /// Seconds added to the real wall clock to centre the ±7200 s timestamp window
    /// (simulates a gateway whose clock is off).
    pub clock_skew_secs: i64,
    /// Authorization codes accepted from the start (each once, within `code_ttl_secs`).
    pub preset_codes: Vec<Preset>,
    /// Refresh tokens accepted from the start (each once: refreshing rotates them).
    pub preset_refresh_tokens: Vec<Preset>,
    /// The EnOS token service's apps (may be empty).
    pub enos_apps: Vec<EnosAppConfig>,
    /// EnOS access tokens valid from the start, for a full token lifetime.
    pub preset_enos_tokens: Vec<Preset>,
    /// Rate limits and the daily quota (none by default).
    pub limits: LimitsConfig,
    /// HTTP status of API errors other than the OAuth calls' (which are always 400): 200, as
    /// the platforms answer, or any 4xx/5xx.
    pub api_error_status: u16,
}

/// Whether `status` may answer API errors: 200, or 400..=599.
pub(crate) fn valid_api_error_status(status: u16) -> bool {
    status == 200 || (400..=599).contains(&status)
}

impl Default for Config {
    /// Two apps: [`DEFAULT_APP_KEY`] (refreshable) and [`NON_REFRESHABLE_APP_KEY`]
    /// (`can_refresh: false`), default lifetimes, no skew.
    fn default() -> Config {
        Config {
            apps: vec![
                AppConfig::new(DEFAULT_APP_KEY, DEFAULT_APP_SECRET),
                AppConfig { can_refresh: false, ..AppConfig::new(NON_REFRESHABLE_APP_KEY, NON_REFRESHABLE_APP_SECRET) },
            ],
            code_ttl_secs: DEFAULT_CODE_TTL_SECS,
            clock_skew_secs: 0,
            preset_codes: Vec::new(),
            preset_refresh_tokens: Vec::new(),
            enos_apps: vec![EnosAppConfig {
                app_key: DEFAULT_ENOS_APP_KEY.to_owned(),
                app_secret: DEFAULT_ENOS_APP_SECRET.to_owned(),
                token_ttl_secs: DEFAULT_ENOS_TOKEN_TTL_SECS,
            }],
            preset_enos_tokens: Vec::new(),
            limits: LimitsConfig::default(),
            api_error_status: DEFAULT_API_ERROR_STATUS,
        }
    }
}

/// Why a configuration was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid sandbox config: {}", self.0)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Parses and validates a JSON configuration.
    ///
    /// # Errors
    /// Malformed JSON, unknown fields, or anything [`Config::validate`] refuses.
    pub fn from_json(json: &str) -> Result<Config, ConfigError> {
        let config: Config = serde_json::from_str(json).map_err(|e| ConfigError(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    /// Adds the documentation samples' literal code and refresh tokens for `DEFAULT_APP_KEY`,
    /// so the official SDK snippets run unchanged against the sandbox.
    pub fn with_doc_samples(mut self) -> Config {
        let preset = |value: &str| Preset { app_key: DEFAULT_APP_KEY.to_owned(), value: value.to_owned() };
        self.preset_codes.extend(DOC_SAMPLE_CODES.map(preset));
        self.preset_refresh_tokens.extend(DOC_SAMPLE_REFRESH_TOKENS.map(preset));
        if self.enos_app(DEFAULT_ENOS_APP_KEY).is_some() {
            self.preset_enos_tokens.push(Preset {
                app_key: DEFAULT_ENOS_APP_KEY.to_owned(),
                value: DOC_SAMPLE_ENOS_ACCESS_TOKEN.to_owned(),
            });
        }
        self
    }

    /// Checks that there is at least one app, keys are unique and non-empty, secrets are
    /// non-empty every lifetime is positive (the skew may be any value) and presets name known apps.
    ///
    /// # Errors
    /// A [`ConfigError`] naming the first problem found.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.apps.is_empty() {
            return Err(ConfigError("no apps configured".into()));
        }
        if self.code_ttl_secs <= 0 {
            return Err(ConfigError("code_ttl_secs must be positive".into()));
        }
        let mut seen = HashSet::new();
        for app in &self.apps {
            if app.app_key.is_empty() || app.app_secret.is_empty() {
                return Err(ConfigError("app_key and app_secret must not be empty".into()));
            }
            if !seen.insert(app.app_key.as_str()) {
                return Err(ConfigError(format!("duplicate app_key {}", app.app_key)));
            }
            if app.access_ttl_secs <= 0 || app.refresh_ttl_secs <= 0 {
                return Err(ConfigError(format!("lifetimes of app {} must be positive", app.app_key)));
            }
        }
        for preset in self.preset_codes.iter().chain(&self.preset_refresh_tokens) {
            if self.app(&preset.app_key).is_none() || preset.value.is_empty() {
                return Err(ConfigError(format!("preset for unknown app {} or with an empty value", preset.app_key)));
            }
        }
        let mut seen_enos = HashSet::new();
        for app in &self.enos_apps {
            if app.app_key.is_empty() || app.app_secret.is_empty() || !seen_enos.insert(app.app_key.as_str()) {
                return Err(ConfigError(format!(
                    "EnOS app {:?}: empty or duplicate key, or empty secret",
                    app.app_key
                )));
            }
            if app.token_ttl_secs <= 0 {
                return Err(ConfigError(format!("token_ttl_secs of EnOS app {} must be positive", app.app_key)));
            }
        }
        for preset in &self.preset_enos_tokens {
            if self.enos_app(&preset.app_key).is_none() || preset.value.is_empty() {
                return Err(ConfigError(format!("EnOS preset for unknown app {} or empty", preset.app_key)));
            }
        }
        self.limits.validate().map_err(ConfigError)?;
        if !valid_api_error_status(self.api_error_status) {
            return Err(ConfigError("api_error_status must be 200 or 400..=599".into()));
        }
        // Keep the arithmetic on milliseconds far from overflow.
        const MAX_SECS: i64 = 1 << 40;
        let too_big = |s: i64| !(-MAX_SECS..=MAX_SECS).contains(&s);
        if too_big(self.code_ttl_secs)
            || too_big(self.clock_skew_secs)
            || self.apps.iter().any(|a| too_big(a.access_ttl_secs) || too_big(a.refresh_ttl_secs))
            || self.enos_apps.iter().any(|a| too_big(a.token_ttl_secs))
        {
            return Err(ConfigError("a duration is out of range".into()));
        }
        Ok(())
    }

    /// The app registered under `app_key`.
    pub fn app(&self, app_key: &str) -> Option<&AppConfig> {
        self.apps.iter().find(|a| a.app_key == app_key)
    }

    /// The EnOS app registered under `app_key`.
    pub fn enos_app(&self, app_key: &str) -> Option<&EnosAppConfig> {
        self.enos_apps.iter().find(|a| a.app_key == app_key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let c = Config::default();
        assert_eq!(c.apps.len(), 2);
        assert!(c.app(DEFAULT_APP_KEY).unwrap().can_refresh);
        assert!(!c.app(NON_REFRESHABLE_APP_KEY).unwrap().can_refresh);
        assert_eq!(c.app(DEFAULT_APP_KEY).unwrap().app_secret, DEFAULT_APP_SECRET);
        assert_eq!(c.code_ttl_secs, 1800);
        assert!(c.validate().is_ok());
    }

    #[test]
    fn json_with_partial_fields() {
        let c = Config::from_json(r#"{"apps":[{"app_key":"7","app_secret":"s","access_ttl_secs":60}]}"#).unwrap();
        assert_eq!(c.apps[0].access_ttl_secs, 60);
        assert_eq!(c.apps[0].refresh_ttl_secs, DEFAULT_REFRESH_TTL_SECS);
        assert!(c.apps[0].can_refresh);
        assert_eq!(c.code_ttl_secs, DEFAULT_CODE_TTL_SECS);
        assert_eq!(Config::from_json("{}").unwrap(), Config::default());
        let c = Config::from_json(r#"{"limits":{"daily":5},"api_error_status":400}"#).unwrap();
        assert_eq!((c.limits.daily, c.api_error_status), (Some(5), 400));
    }

    #[test]
    fn refuses_bad_configs() {
        for bad in [
            "not json",
            r#"{"apps":[]}"#,
            r#"{"apps":[{"app_key":"","app_secret":"s"}]}"#,
            r#"{"apps":[{"app_key":"1","app_secret":"s"},{"app_key":"1","app_secret":"t"}]}"#,
            r#"{"apps":[{"app_key":"1","app_secret":"s","access_ttl_secs":0}]}"#,
            r#"{"code_ttl_secs":-1}"#,
            r#"{"clock_skew_secs":9223372036854775807}"#,
            r#"{"unknown":1}"#,
            r#"{"api_error_status":302}"#,
            r#"{"limits":{"app":{"rate":0}}}"#,
        ] {
            assert!(Config::from_json(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn debug_hides_secret() {
        let s = format!("{:?}", Config::default());
        assert!(!s.contains(DEFAULT_APP_SECRET));
        assert!(s.contains(DEFAULT_APP_KEY));
    }
}
