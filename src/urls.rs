//! The platforms' gateway URLs.

/// Lazada authorization gateway (all `/auth/token/*` calls, every country).
pub const LAZADA_AUTH: &str = "https://auth.lazada.com/rest";
/// Lazada API gateway, Singapore.
pub const LAZADA_SG: &str = "https://api.lazada.sg/rest";
/// Lazada API gateway, Malaysia.
pub const LAZADA_MY: &str = "https://api.lazada.com.my/rest";
/// Lazada API gateway, Vietnam.
pub const LAZADA_VN: &str = "https://api.lazada.vn/rest";
/// Lazada API gateway, Thailand.
pub const LAZADA_TH: &str = "https://api.lazada.co.th/rest";
/// Lazada API gateway, Philippines.
pub const LAZADA_PH: &str = "https://api.lazada.com.ph/rest";
/// Lazada API gateway, Indonesia.
pub const LAZADA_ID: &str = "https://api.lazada.co.id/rest";
/// Taobao TW API gateway.
pub const TAOBAO_TW: &str = "https://api.taobao.tw/rest";
/// Taobao TW authorization gateway.
pub const TAOBAO_TW_AUTH: &str = "https://auth.taobao.tw/rest";
/// AliExpress system APIs (GOP, including `/auth/token/*`).
pub const ALIEXPRESS_REST: &str = "https://api-sg.aliexpress.com/rest";
/// AliExpress business APIs (TOP, dotted method names).
pub const ALIEXPRESS_SYNC: &str = "https://api-sg.aliexpress.com/sync";
/// Alibaba.com open API gateway.
pub const ALIBABA_COM: &str = "https://openapi-api.alibaba.com/rest";
/// Lazada OAuth authorization page.
pub const LAZADA_OAUTH: &str = "https://auth.lazada.com/oauth/authorize";
/// AliExpress OAuth authorization page.
pub const ALIEXPRESS_OAUTH: &str = "https://api-sg.aliexpress.com/oauth/authorize";
