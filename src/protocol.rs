//! The two IOP call styles and how each maps to a URL.

/// How a call is addressed and signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// Path-style API names (`/auth/token/create`): URL is `…/rest` + path, path prefixes the sign string.
    Gop,
    /// Dotted method names (`aliexpress.ds.category.get`): URL is `<host>/sync`, `method` is a parameter.
    Top,
}

impl Protocol {
    /// The protocol an API name implies: GOP for names starting with `/`, TOP otherwise.
    pub fn for_api(api_name: &str) -> Protocol {
        if api_name.starts_with('/') { Protocol::Gop } else { Protocol::Top }
    }

    /// The request URL for `api_name` on a gateway whose configured base is `base`.
    ///
    /// `base` may end in `/rest` (`https://api.taobao.tw/rest`) or be a bare host
    /// (`https://api-sg.aliexpress.com`); a trailing `/` is ignored.
    pub fn url(self, base: &str, api_name: &str) -> String {
        let root = gateway_root(base);
        match self {
            Protocol::Gop => format!("{root}/rest{api_name}"),
            Protocol::Top => format!("{root}/sync"),
        }
    }
}

/// The base with any trailing `/` and `/rest` (or `/sync`) removed.
pub fn gateway_root(base: &str) -> &str {
    let trimmed = base.trim_end_matches('/');
    trimmed.strip_suffix("/rest").or_else(|| trimmed.strip_suffix("/sync")).unwrap_or(trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_from_both_base_styles() {
        assert_eq!(
            Protocol::Gop.url("https://api.taobao.tw/rest", "/auth/token/create"),
            "https://api.taobao.tw/rest/auth/token/create"
        );
        assert_eq!(
            Protocol::Gop.url("https://api-sg.aliexpress.com", "/auth/token/create"),
            "https://api-sg.aliexpress.com/rest/auth/token/create"
        );
        assert_eq!(
            Protocol::Gop.url("https://api-sg.aliexpress.com/rest/", "/a"),
            "https://api-sg.aliexpress.com/rest/a"
        );
        assert_eq!(
            Protocol::Top.url("https://api-sg.aliexpress.com/rest", "aliexpress.ds.category.get"),
            "https://api-sg.aliexpress.com/sync"
        );
        assert_eq!(Protocol::Top.url("https://api-sg.aliexpress.com", "x.y"), "https://api-sg.aliexpress.com/sync");
    }

    #[test]
    fn protocol_from_name() {
        assert_eq!(Protocol::for_api("/auth/token/create"), Protocol::Gop);
        assert_eq!(Protocol::for_api("aliexpress.ds.category.get"), Protocol::Top);
    }
}
