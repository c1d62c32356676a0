//! The platforms' gateway URLs, each defined once here. The C header exports every one as
//! `IOP_URL_<NAME>` (written from [`ALL`] by `tests/header.rs`), and the bindings take them from
//! the header.

/// Defines each URL constant and the [`ALL`] table from one list.
macro_rules! urls {
    ($( $(#[doc = $doc:expr])+ $name:ident = $url:expr; )+) => {
        $( $(#[doc = $doc])+ pub const $name: &str = $url; )+
        /// Every URL above as (name, URL, description).
        pub const ALL: &[(&str, &str, &str)] = &[$( (stringify!($name), $url, concat!($($doc),+)) ),+];
    };
}

urls! {
    /// Lazada authorization gateway (all `/auth/token/…` calls, every country).
    LAZADA_AUTH = "https://auth.lazada.com/rest";
    /// Lazada API gateway, Singapore.
    LAZADA_SG = "https://api.lazada.sg/rest";
    /// Lazada API gateway, Malaysia.
    LAZADA_MY = "https://api.lazada.com.my/rest";
    /// Lazada API gateway, Vietnam.
    LAZADA_VN = "https://api.lazada.vn/rest";
    /// Lazada API gateway, Thailand.
    LAZADA_TH = "https://api.lazada.co.th/rest";
    /// Lazada API gateway, Philippines.
    LAZADA_PH = "https://api.lazada.com.ph/rest";
    /// Lazada API gateway, Indonesia.
    LAZADA_ID = "https://api.lazada.co.id/rest";
    /// Taobao TW API gateway.
    TAOBAO_TW = "https://api.taobao.tw/rest";
    /// Taobao TW authorization gateway.
    TAOBAO_TW_AUTH = "https://auth.taobao.tw/rest";
    /// AliExpress system APIs (GOP, including `/auth/token/…`).
    ALIEXPRESS_REST = "https://api-sg.aliexpress.com/rest";
    /// AliExpress business APIs (TOP, dotted method names).
    ALIEXPRESS_SYNC = "https://api-sg.aliexpress.com/sync";
    /// Alibaba.com open API gateway.
    ALIBABA_COM = "https://openapi-api.alibaba.com/rest";
    /// Lazada OAuth authorization page.
    LAZADA_OAUTH = "https://auth.lazada.com/oauth/authorize";
    /// AliExpress OAuth authorization page.
    ALIEXPRESS_OAUTH = "https://api-sg.aliexpress.com/oauth/authorize";
}
