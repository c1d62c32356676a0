//! Platform flavours: the URL prefix that selects one and each one's token-response spellings.

use serde_json::{Map, Value, json};

use crate::state::Grant;

/// Which platform's spellings the token responses use, chosen by the URL prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flavour {
    /// `/lazada/…` (and unprefixed `/rest…`): numbers, `country_user_info[_list]`.
    Lazada,
    /// `/aliexpress/…`: absolute `expire_time`/`refresh_token_valid_time`, `havana_id`, `sp`.
    AliExpress,
    /// `/tw/…`: lifetimes as strings; `user_Id`/`seller_Id` on refresh.
    Tw,
}

/// Which token call a response answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenCall {
    /// `/auth/token/create`.
    Create,
    /// `/auth/token/refresh`.
    Refresh,
}

impl Flavour {
    /// Every flavour.
    pub const ALL: [Flavour; 3] = [Flavour::Lazada, Flavour::AliExpress, Flavour::Tw];

    /// The URL path prefix, e.g. `/tw`.
    pub fn prefix(self) -> &'static str {
        match self {
            Flavour::Lazada => "/lazada",
            Flavour::AliExpress => "/aliexpress",
            Flavour::Tw => "/tw",
        }
    }

    /// A short lower-case name (`lazada`, `aliexpress`, `tw`).
    pub fn name(self) -> &'static str {
        &self.prefix()[1..]
    }

    /// Splits a request path into its flavour and the rest: `/tw/rest/x` → `(Tw, "/rest/x", true)`;
    /// an unprefixed path is Lazada with `prefixed == false`.
    pub(crate) fn split_path(path: &str) -> (Flavour, &str, bool) {
        for f in Flavour::ALL {
            if let Some(rest) = path.strip_prefix(f.prefix())
                && rest.starts_with('/')
            {
                return (f, rest, true);
            }
        }
        (Flavour::Lazada, path, false)
    }

    /// The token response payload (without `code` and `request_id`) in this flavour's spellings.
    pub(crate) fn token_payload(self, g: &Grant, call: TokenCall) -> Map<String, Value> {
        let s = &g.seller;
        let v = match self {
            Flavour::Lazada => {
                let list = if call == TokenCall::Create { "country_user_info" } else { "country_user_info_list" };
                json!({
                    "access_token": g.access_token,
                    "refresh_token": g.refresh_token,
                    "expires_in": g.expires_in,
                    "refresh_expires_in": g.refresh_expires_in,
                    "account": s.account,
                    "account_platform": "seller_center",
                    "account_id": null,
                    "country": s.country,
                    list: [{
                        "country": s.country,
                        "user_id": s.user_id.to_string(),
                        "seller_id": s.seller_id.to_string(),
                        "short_code": s.short_code,
                    }],
                })
            }
            Flavour::Tw => {
                // As documented: `user_id`/`seller_id` on create, `user_Id`/`seller_Id` on refresh.
                let (user, seller) =
                    if call == TokenCall::Create { ("user_id", "seller_id") } else { ("user_Id", "seller_Id") };
                json!({
                    "access_token": g.access_token,
                    "refresh_token": g.refresh_token,
                    "expires_in": g.expires_in.to_string(),
                    "refresh_expires_in": g.refresh_expires_in.to_string(),
                    "account": s.account,
                    "account_platform": "seller_center",
                    "account_id": s.account_id.to_string(),
                    user: s.user_id.to_string(),
                    seller: s.seller_id.to_string(),
                    "short_code": s.short_code,
                })
            }
            Flavour::AliExpress => json!({
                "access_token": g.access_token,
                "refresh_token": g.refresh_token,
                "expires_in": g.expires_in,
                "refresh_expires_in": g.refresh_expires_in,
                "expire_time": g.expire_time_ms,
                "refresh_token_valid_time": g.refresh_valid_time_ms,
                "account": s.account,
                "account_platform": "seller_center",
                "user_id": s.user_id.to_string(),
                "seller_id": s.seller_id.to_string(),
                "havana_id": s.havana_id.to_string(),
                "user_nick": s.user_nick,
                "locale": "zh_CN",
                "sp": "ae",
            }),
        };
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Seller;
    use std::sync::Arc;

    fn grant() -> Grant {
        Grant {
            access_token: "50000a".into(),
            refresh_token: "50001b".into(),
            expires_in: 10,
            refresh_expires_in: 60,
            expire_time_ms: 1_000,
            refresh_valid_time_ms: 2_000,
            seller: Arc::new(Seller {
                seller_id: 1,
                user_id: 2,
                short_code: "SG".into(),
                account: "a@b".into(),
                name: "n".into(),
                account_id: 3,
                havana_id: 4,
                user_nick: "u".into(),
                country: "sg",
            }),
        }
    }

    #[test]
    fn split() {
        assert_eq!(Flavour::split_path("/tw/rest/a"), (Flavour::Tw, "/rest/a", true));
        assert_eq!(Flavour::split_path("/aliexpress/sync"), (Flavour::AliExpress, "/sync", true));
        assert_eq!(Flavour::split_path("/rest/a"), (Flavour::Lazada, "/rest/a", false));
        assert_eq!(Flavour::split_path("/twx/rest"), (Flavour::Lazada, "/twx/rest", false));
        assert_eq!(Flavour::split_path("/lazada"), (Flavour::Lazada, "/lazada", false));
    }

    #[test]
    fn spellings() {
        let g = grant();
        let lz = Flavour::Lazada.token_payload(&g, TokenCall::Create);
        assert_eq!(lz["expires_in"], 10);
        assert!(lz["account_id"].is_null());
        assert_eq!(lz["country_user_info"][0]["seller_id"], "1");
        assert!(Flavour::Lazada.token_payload(&g, TokenCall::Refresh).contains_key("country_user_info_list"));
        let tw = Flavour::Tw.token_payload(&g, TokenCall::Refresh);
        assert_eq!(tw["expires_in"], "10");
        assert_eq!(tw["seller_Id"], "1");
        assert!(Flavour::Tw.token_payload(&g, TokenCall::Create).contains_key("seller_id"));
        let ae = Flavour::AliExpress.token_payload(&g, TokenCall::Refresh);
        assert_eq!(ae["refresh_token_valid_time"], 2000);
        assert_eq!(ae["sp"], "ae");
    }
}
