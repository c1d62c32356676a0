//! `IopToken`: creating, refreshing and reading normalized tokens from C.

use std::ffi::{CString, c_char};
use std::ptr;

use super::client::IopClient;
use super::config::time_arg;
use super::guard::{self, handle, handle_type};
use super::status::IopStatus;
use super::strings::{arg_str, borrowed, out_arg, owned, to_cstring};
use crate::token::Token;

/// C copies of one `country_user_info` entry.
struct CountryStrings {
    country: Option<CString>,
    user_id: Option<CString>,
    seller_id: Option<CString>,
    short_code: Option<CString>,
}

/// A normalized token (Lazada, AliExpress or TW). Opaque, immutable, shareable between
/// threads. String accessors return borrowed pointers valid until `iop_token_free`, or NULL
/// when the field is absent or `token` is NULL/invalid. Contains secrets: free it promptly.
#[repr(C)]
pub struct IopToken {
    tag: u64,
    token: Token,
    access_token: CString,
    refresh_token: CString,
    raw: CString,
    account: Option<CString>,
    account_platform: Option<CString>,
    account_id: Option<CString>,
    seller_id: Option<CString>,
    user_id: Option<CString>,
    short_code: Option<CString>,
    country: Option<CString>,
    havana_id: Option<CString>,
    user_nick: Option<CString>,
    locale: Option<CString>,
    sp: Option<CString>,
    countries: Vec<CountryStrings>,
}
handle_type!(IopToken, 0x494f_5054_4f4b_0004);

impl IopToken {
    fn new(token: Token) -> IopToken {
        let c = |s: &Option<String>| s.as_deref().map(to_cstring);
        IopToken {
            tag: <IopToken as guard::Handle>::TAG,
            access_token: to_cstring(token.access_token.expose()),
            refresh_token: to_cstring(token.refresh_token.expose()),
            raw: to_cstring(token.raw.expose()),
            account: c(&token.account),
            account_platform: c(&token.account_platform),
            account_id: c(&token.account_id),
            seller_id: c(&token.seller_id),
            user_id: c(&token.user_id),
            short_code: c(&token.short_code),
            country: c(&token.country),
            havana_id: c(&token.havana_id),
            user_nick: c(&token.user_nick),
            locale: c(&token.locale),
            sp: c(&token.sp),
            countries: token
                .country_user_info
                .iter()
                .map(|i| CountryStrings {
                    country: c(&i.country),
                    user_id: c(&i.user_id),
                    seller_id: c(&i.seller_id),
                    short_code: c(&i.short_code),
                })
                .collect(),
            token,
        }
    }
}

impl IopToken {
    /// The token itself.
    pub(crate) fn token(&self) -> &Token {
        &self.token
    }
}

unsafe fn write_token(out_token: *mut *mut IopToken, token: Token) {
    unsafe { *out_token = guard::into_handle(IopToken::new(token)) };
}

/// Exchanges a one-time authorization `code` for a token (`/auth/token/create`, GOP).
/// A platform error (e.g. `InvalidCode`) is `IOP_ERR_PLATFORM` with its fields in
/// `iop_last_error_*`. On `IOP_OK` writes `*out_token`: owned, release with `iop_token_free`.
///
/// # Safety
/// Pointers are NULL or valid; `out_token` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_create(
    client: *const IopClient,
    code: *const c_char,
    out_token: *mut *mut IopToken,
) -> IopStatus {
    guard::status(|| {
        out_arg(out_token, "out_token")?;
        let c = unsafe { handle(client, "client") }?;
        let token = c.client.create_token(unsafe { arg_str(code, "code") }?)?;
        unsafe { write_token(out_token, token) };
        Ok(())
    })
}

/// Refreshes a token (`/auth/token/refresh`, GOP). The new token's refresh token replaces
/// the old one, which is dead from now on: store it before using the new access token.
/// `IllegalRefreshToken` (`IOP_ERR_PLATFORM`) means the seller must authorize again.
/// On `IOP_OK` writes `*out_token`: owned, release with `iop_token_free`.
///
/// # Safety
/// Pointers are NULL or valid; `out_token` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_refresh(
    client: *const IopClient,
    refresh_token: *const c_char,
    out_token: *mut *mut IopToken,
) -> IopStatus {
    guard::status(|| {
        out_arg(out_token, "out_token")?;
        let c = unsafe { handle(client, "client") }?;
        let token = c.client.refresh_token(unsafe { arg_str(refresh_token, "refresh_token") }?)?;
        unsafe { write_token(out_token, token) };
        Ok(())
    })
}

/// Parses a token response body received at `received_at_ms` (epoch ms, at least 0;
/// `IOP_USE_DEFAULT`: now; relative lifetimes are counted from it). An error envelope is `IOP_ERR_PLATFORM`. On `IOP_OK` writes
/// `*out_token`: owned, release with `iop_token_free`.
///
/// # Safety
/// `response_json` is NULL or NUL-terminated; `out_token` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_parse(
    response_json: *const c_char,
    received_at_ms: i64,
    out_token: *mut *mut IopToken,
) -> IopStatus {
    guard::status(|| {
        out_arg(out_token, "out_token")?;
        let at = time_arg(received_at_ms, "received_at_ms")?;
        let token = Token::parse(unsafe { arg_str(response_json, "response_json") }?, at)?;
        unsafe { write_token(out_token, token) };
        Ok(())
    })
}

/// Rebuilds a token from the JSON `iop_token_to_json` wrote (for example one an application
/// stored and hands back to `iop_token_manager_store_grant`). Unknown fields, missing tokens or
/// expiries are `IOP_ERR_INVALID_ARGUMENT` (the message never quotes the text).
/// `iop_token_raw_json` of the result is `json`. On `IOP_OK` writes `*out_token`: owned,
/// release with `iop_token_free`.
///
/// # Safety
/// `json` is NULL or NUL-terminated; `out_token` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_from_json(json: *const c_char, out_token: *mut *mut IopToken) -> IopStatus {
    guard::status(|| {
        out_arg(out_token, "out_token")?;
        let token = Token::from_normalized_json(unsafe { arg_str(json, "json") }?)?;
        unsafe { write_token(out_token, token) };
        Ok(())
    })
}

/// Frees a token. NULL does nothing.
///
/// # Safety
/// `token` is NULL or from this library, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_free(token: *mut IopToken) {
    unsafe { guard::free_handle(token) }
}

/// The normalized token as JSON (`access_token`, `refresh_token`, `expires_at`,
/// `refresh_expires_at` (ms or null), `can_refresh`, account fields, `country_user_info`).
/// Contains the tokens. On `IOP_OK` writes `*out_json`: owned, release with `iop_string_free`.
///
/// # Safety
/// `token` is NULL or live; `out_json` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_to_json(token: *const IopToken, out_json: *mut *mut c_char) -> IopStatus {
    guard::status(|| {
        out_arg(out_json, "out_json")?;
        let t = unsafe { handle(token, "token") }?;
        unsafe { *out_json = owned(&t.token.to_json()) };
        Ok(())
    })
}

unsafe fn field(token: *const IopToken, pick: impl FnOnce(&IopToken) -> *const c_char) -> *const c_char {
    guard::value(ptr::null(), || unsafe { handle(token, "token") }.ok().map(pick))
}

unsafe fn country(
    token: *const IopToken,
    index: usize,
    pick: impl FnOnce(&CountryStrings) -> *const c_char,
) -> *const c_char {
    guard::value(ptr::null(), || unsafe { handle(token, "token") }.ok()?.countries.get(index).map(pick))
}

/// The access token (borrowed). Empty only if the platform sent `null`.
///
/// # Safety
/// `token` is NULL or a live token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_access_token(token: *const IopToken) -> *const c_char {
    unsafe { field(token, |t| t.access_token.as_ptr()) }
}

/// The refresh token (borrowed); empty when none was given.
///
/// # Safety
/// `token` is NULL or a live token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_refresh_token(token: *const IopToken) -> *const c_char {
    unsafe { field(token, |t| t.refresh_token.as_ptr()) }
}

/// The response body the token was read from, exactly as received (borrowed).
///
/// # Safety
/// `token` is NULL or a live token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_raw_json(token: *const IopToken) -> *const c_char {
    unsafe { field(token, |t| t.raw.as_ptr()) }
}

/// `account`, the authorizing login (borrowed), or NULL.
///
/// # Safety
/// `token` is NULL or a live token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_account(token: *const IopToken) -> *const c_char {
    unsafe { field(token, |t| borrowed(&t.account)) }
}

/// `account_platform` (`seller_center`, `buyerApp`, …) (borrowed), or NULL.
///
/// # Safety
/// `token` is NULL or a live token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_account_platform(token: *const IopToken) -> *const c_char {
    unsafe { field(token, |t| borrowed(&t.account_platform)) }
}

/// `account_id` (borrowed), or NULL (always NULL for `seller_center`).
///
/// # Safety
/// `token` is NULL or a live token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_account_id(token: *const IopToken) -> *const c_char {
    unsafe { field(token, |t| borrowed(&t.account_id)) }
}

/// `seller_id` (or TW's `seller_Id`), as text (borrowed), or NULL.
///
/// # Safety
/// `token` is NULL or a live token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_seller_id(token: *const IopToken) -> *const c_char {
    unsafe { field(token, |t| borrowed(&t.seller_id)) }
}

/// `user_id` (or TW's `user_Id`), as text (borrowed), or NULL.
///
/// # Safety
/// `token` is NULL or a live token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_user_id(token: *const IopToken) -> *const c_char {
    unsafe { field(token, |t| borrowed(&t.user_id)) }
}

/// `short_code` (Lazada, TW) (borrowed), or NULL.
///
/// # Safety
/// `token` is NULL or a live token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_short_code(token: *const IopToken) -> *const c_char {
    unsafe { field(token, |t| borrowed(&t.short_code)) }
}

/// `country` (Lazada) (borrowed), or NULL.
///
/// # Safety
/// `token` is NULL or a live token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_country(token: *const IopToken) -> *const c_char {
    unsafe { field(token, |t| borrowed(&t.country)) }
}

/// `havana_id` (AliExpress) (borrowed), or NULL.
///
/// # Safety
/// `token` is NULL or a live token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_havana_id(token: *const IopToken) -> *const c_char {
    unsafe { field(token, |t| borrowed(&t.havana_id)) }
}

/// `user_nick` (AliExpress) (borrowed), or NULL.
///
/// # Safety
/// `token` is NULL or a live token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_user_nick(token: *const IopToken) -> *const c_char {
    unsafe { field(token, |t| borrowed(&t.user_nick)) }
}

/// `locale` (AliExpress) (borrowed), or NULL.
///
/// # Safety
/// `token` is NULL or a live token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_locale(token: *const IopToken) -> *const c_char {
    unsafe { field(token, |t| borrowed(&t.locale)) }
}

/// `sp`, the authorizing platform (AliExpress) (borrowed), or NULL.
///
/// # Safety
/// `token` is NULL or a live token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_sp(token: *const IopToken) -> *const c_char {
    unsafe { field(token, |t| borrowed(&t.sp)) }
}

/// When the access token expires, epoch milliseconds; 0 if `token` is invalid.
///
/// # Safety
/// `token` is NULL or a live token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_expires_at_ms(token: *const IopToken) -> i64 {
    guard::value(0, || unsafe { handle(token, "token") }.ok().map(|t| t.token.expires_at_ms))
}

/// When the refresh token expires, epoch milliseconds; 0 when unknown, when it cannot be
/// refreshed, or if `token` is invalid.
///
/// # Safety
/// `token` is NULL or a live token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_refresh_expires_at_ms(token: *const IopToken) -> i64 {
    guard::value(0, || unsafe { handle(token, "token") }.ok().map(|t| t.token.refresh_expires_at_ms.unwrap_or(0)))
}

/// Whether the refresh token may be used (false when `refresh_expires_in` was 0, e.g. apps
/// authorized through the service market, or when there is none).
///
/// # Safety
/// `token` is NULL or a live token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_can_refresh(token: *const IopToken) -> bool {
    guard::value(false, || unsafe { handle(token, "token") }.ok().map(|t| t.token.can_refresh))
}

/// Number of entries in Lazada's per-country list (`country_user_info[_list]`); 0 if none.
///
/// # Safety
/// `token` is NULL or a live token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_country_count(token: *const IopToken) -> usize {
    guard::value(0, || unsafe { handle(token, "token") }.ok().map(|t| t.countries.len()))
}

/// `country` of per-country entry `index` (borrowed), or NULL (absent or out of range).
///
/// # Safety
/// `token` is NULL or a live token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_country_code(token: *const IopToken, index: usize) -> *const c_char {
    unsafe { country(token, index, |c| borrowed(&c.country)) }
}

/// `user_id` of per-country entry `index` (borrowed), or NULL.
///
/// # Safety
/// `token` is NULL or a live token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_country_user_id(token: *const IopToken, index: usize) -> *const c_char {
    unsafe { country(token, index, |c| borrowed(&c.user_id)) }
}

/// `seller_id` of per-country entry `index` (borrowed), or NULL.
///
/// # Safety
/// `token` is NULL or a live token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_country_seller_id(token: *const IopToken, index: usize) -> *const c_char {
    unsafe { country(token, index, |c| borrowed(&c.seller_id)) }
}

/// `short_code` of per-country entry `index` (borrowed), or NULL.
///
/// # Safety
/// `token` is NULL or a live token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_country_short_code(token: *const IopToken, index: usize) -> *const c_char {
    unsafe { country(token, index, |c| borrowed(&c.short_code)) }
}
