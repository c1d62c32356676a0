//! One normalized token from the Lazada, AliExpress and Taobao TW token responses.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, Result};
use crate::response::{Response, text};
use crate::secret::Secret;

/// Epoch milliseconds below this are not absolute times (AliExpress samples send "1500").
const MIN_ABSOLUTE_MS: i64 = 1_000_000_000_000;

/// One entry of Lazada's per-country list (`country_user_info` / `country_user_info_list`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountryUserInfo {
    /// Country code, e.g. `sg`.
    pub country: Option<String>,
    /// User id in that country.
    pub user_id: Option<String>,
    /// Seller id in that country.
    pub seller_id: Option<String>,
    /// Seller short code in that country.
    pub short_code: Option<String>,
}

/// A seller's authorization: access and refresh tokens with absolute expiries and account data.
#[derive(Clone, PartialEq)]
pub struct Token {
    /// The access token (empty only when the platform sent `null`, as one published sample does).
    pub access_token: Secret,
    /// The refresh token (empty when none was given).
    pub refresh_token: Secret,
    /// When the access token expires, epoch milliseconds.
    pub expires_at_ms: i64,
    /// When the refresh token expires, epoch milliseconds; `None` when unknown.
    pub refresh_expires_at_ms: Option<i64>,
    /// Whether the refresh token can be used (`refresh_expires_in` = 0 means it cannot).
    pub can_refresh: bool,
    /// `account`: the login of the authorizing user.
    pub account: Option<String>,
    /// `account_platform`: `seller_center`, `buyerApp`, …
    pub account_platform: Option<String>,
    /// `account_id` (null for `seller_center`).
    pub account_id: Option<String>,
    /// `seller_id` (`seller_Id` on the TW gateway; for Lazada, from the token country's entry).
    pub seller_id: Option<String>,
    /// `user_id` (`user_Id` on the TW gateway; for Lazada, from the token country's entry).
    pub user_id: Option<String>,
    /// `short_code` (Lazada, TW).
    pub short_code: Option<String>,
    /// `country` (Lazada: `sg` … or `cb` for cross-border).
    pub country: Option<String>,
    /// Lazada's per-country accounts.
    pub country_user_info: Vec<CountryUserInfo>,
    /// `havana_id` (AliExpress).
    pub havana_id: Option<String>,
    /// `user_nick` (AliExpress).
    pub user_nick: Option<String>,
    /// `locale` (AliExpress).
    pub locale: Option<String>,
    /// `sp`, the authorizing platform (AliExpress).
    pub sp: Option<String>,
    /// The response body the token was read from, exactly as received.
    pub raw: Secret,
}

impl fmt::Debug for Token {
    /// Shows expiries and account data; tokens and the raw body are redacted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("access_token", &self.access_token)
            .field("refresh_token", &self.refresh_token)
            .field("expires_at_ms", &self.expires_at_ms)
            .field("refresh_expires_at_ms", &self.refresh_expires_at_ms)
            .field("can_refresh", &self.can_refresh)
            .field("account_platform", &self.account_platform)
            .field("seller_id", &self.seller_id)
            .field("user_id", &self.user_id)
            .field("country", &self.country)
            .finish_non_exhaustive()
    }
}

/// The normalized form written by [`Token::to_json`] and read by [`Token::from_normalized_json`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenJson {
    access_token: String,
    refresh_token: String,
    expires_at: i64,
    refresh_expires_at: Option<i64>,
    can_refresh: bool,
    #[serde(default)]
    account: Option<String>,
    #[serde(default)]
    account_platform: Option<String>,
    #[serde(default)]
    account_id: Option<String>,
    #[serde(default)]
    seller_id: Option<String>,
    #[serde(default)]
    user_id: Option<String>,
    #[serde(default)]
    short_code: Option<String>,
    #[serde(default)]
    country: Option<String>,
    #[serde(default)]
    country_user_info: Vec<CountryUserInfo>,
    #[serde(default)]
    havana_id: Option<String>,
    #[serde(default)]
    user_nick: Option<String>,
    #[serde(default)]
    locale: Option<String>,
    #[serde(default)]
    sp: Option<String>,
}

impl Token {
    /// Reads a successful token response received at `received_at_ms` (epoch ms).
    ///
    /// Relative lifetimes (`expires_in`, `refresh_expires_in`, seconds, number or string) are
    /// added to `received_at_ms`; AliExpress's absolute `expire_time` and
    /// `refresh_token_valid_time` (epoch ms) win when present and plausible.
    pub fn from_response(response: &Response, received_at_ms: i64) -> Result<Token> {
        if let Some(err) = response.error() {
            return Err(err);
        }
        Token::from_json(response.json(), response.body(), received_at_ms)
    }

    /// Parses a token response body (see [`Token::from_response`]). No HTTP exchange took
    /// place, so errors carry no HTTP status.
    pub fn parse(body: &str, received_at_ms: i64) -> Result<Token> {
        Response::parse(200, body.as_bytes().to_vec(), &[])
            .and_then(|response| Token::from_response(&response, received_at_ms))
            .map_err(Error::without_http_status)
    }

    fn from_json(json: &Map<String, Value>, raw: &str, received_at_ms: i64) -> Result<Token> {
        let get = |key: &str| json.get(key).and_then(text);
        let number = |key: &str| -> Result<Option<i64>> {
            match get(key) {
                None => Ok(None),
                Some(s) => s.trim().parse::<i64>().map(Some).map_err(|_| {
                    Error::new(
                        ErrorKind::MalformedResponse,
                        format!("token response field `{key}` is not a whole number"),
                    )
                }),
            }
        };
        let absolute = |key: &str| -> Result<Option<i64>> { Ok(number(key)?.filter(|ms| *ms >= MIN_ABSOLUTE_MS)) };
        let after = |secs: i64| received_at_ms.saturating_add(secs.saturating_mul(1000));

        let expires_at_ms = match (absolute("expire_time")?, number("expires_in")?) {
            (Some(at), _) => at,
            (None, Some(secs)) => after(secs),
            (None, None) => {
                return Err(Error::new(
                    ErrorKind::MalformedResponse,
                    "token response has neither `expires_in` nor `expire_time`",
                ));
            }
        };
        let refresh_in = number("refresh_expires_in")?;
        let refresh_expires_at_ms = match (absolute("refresh_token_valid_time")?, refresh_in) {
            (_, Some(0)) => None,
            (Some(at), _) => Some(at),
            (None, Some(secs)) => Some(after(secs)),
            (None, None) => None,
        };
        let refresh_token = get("refresh_token").unwrap_or_default();
        let can_refresh = !refresh_token.is_empty()
            && refresh_in != Some(0)
            && refresh_expires_at_ms.is_none_or(|at| at > received_at_ms);
        let list = json.get("country_user_info").or_else(|| json.get("country_user_info_list"));
        let countries = list.map(country_list).unwrap_or_default();
        let country = get("country");
        // Lazada gives the ids only per country: use the entry of the token's country.
        let home = countries.iter().find(|c| c.country == country).or(countries.first());
        let from_home = |pick: fn(&CountryUserInfo) -> &Option<String>| home.and_then(|c| pick(c).clone());
        Ok(Token {
            access_token: Secret::new(get("access_token").unwrap_or_default()),
            refresh_token: Secret::new(refresh_token),
            expires_at_ms,
            refresh_expires_at_ms,
            can_refresh,
            account: get("account"),
            account_platform: get("account_platform"),
            account_id: get("account_id"),
            seller_id: get("seller_id").or_else(|| get("seller_Id")).or_else(|| from_home(|c| &c.seller_id)),
            user_id: get("user_id").or_else(|| get("user_Id")).or_else(|| from_home(|c| &c.user_id)),
            short_code: get("short_code").or_else(|| from_home(|c| &c.short_code)),
            country,
            country_user_info: countries,
            havana_id: get("havana_id"),
            user_nick: get("user_nick"),
            locale: get("locale"),
            sp: get("sp"),
            raw: Secret::new(raw),
        })
    }

    /// The normalized token as JSON (contains the tokens: store it like a password).
    pub fn to_json(&self) -> String {
        let json = TokenJson {
            access_token: self.access_token.expose().to_owned(),
            refresh_token: self.refresh_token.expose().to_owned(),
            expires_at: self.expires_at_ms,
            refresh_expires_at: self.refresh_expires_at_ms,
            can_refresh: self.can_refresh,
            account: self.account.clone(),
            account_platform: self.account_platform.clone(),
            account_id: self.account_id.clone(),
            seller_id: self.seller_id.clone(),
            user_id: self.user_id.clone(),
            short_code: self.short_code.clone(),
            country: self.country.clone(),
            country_user_info: self.country_user_info.clone(),
            havana_id: self.havana_id.clone(),
            user_nick: self.user_nick.clone(),
            locale: self.locale.clone(),
            sp: self.sp.clone(),
        };
        serde_json::to_string(&json).expect("a struct of strings and numbers serializes")
    }

    /// Reads the normalized JSON that [`Token::to_json`] writes (the inverse: a token stored by
    /// an application and handed back). Its `raw` is that text. Unknown fields and missing
    /// tokens or expiries are invalid-argument errors (never quoting the text, which holds
    /// secrets).
    pub fn from_normalized_json(text: &str) -> Result<Token> {
        let json: TokenJson = serde_json::from_str(text).map_err(|e| {
            // serde's message may quote a value: keep it only when it names a field.
            // serde's message may quote the text: name only fields of ours.
            let said = e.to_string();
            let what = match said.split(" at line").next() {
                Some(m) if m.starts_with("missing field") => m.to_owned(),
                Some(m) if m.starts_with("unknown field") => "an unknown field".to_owned(),
                _ => format!("{:?} error", e.classify()).to_lowercase(),
            };
            Error::invalid_argument(
                "json",
                &format!("is not a normalized token ({what} at line {}, column {})", e.line(), e.column()),
            )
        })?;
        Ok(Token {
            access_token: Secret::new(&json.access_token),
            refresh_token: Secret::new(&json.refresh_token),
            expires_at_ms: json.expires_at,
            refresh_expires_at_ms: json.refresh_expires_at,
            can_refresh: json.can_refresh,
            account: json.account,
            account_platform: json.account_platform,
            account_id: json.account_id,
            seller_id: json.seller_id,
            user_id: json.user_id,
            short_code: json.short_code,
            country: json.country,
            country_user_info: json.country_user_info,
            havana_id: json.havana_id,
            user_nick: json.user_nick,
            locale: json.locale,
            sp: json.sp,
            raw: Secret::new(text),
        })
    }
}

fn country_list(value: &Value) -> Vec<CountryUserInfo> {
    let Some(items) = value.as_array() else { return Vec::new() };
    items
        .iter()
        .filter_map(Value::as_object)
        .map(|o| {
            let get = |key: &str| o.get(key).and_then(text);
            CountryUserInfo {
                country: get("country"),
                user_id: get("user_id").or_else(|| get("user_Id")),
                seller_id: get("seller_id").or_else(|| get("seller_Id")),
                short_code: get("short_code"),
            }
        })
        .collect()
}
