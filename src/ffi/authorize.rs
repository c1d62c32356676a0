//! The authorization page from C: its URL, fresh `state` values and their constant-time check.

use std::ffi::c_char;

use super::guard;
use super::status::IopStatus;
use super::strings::{arg_str, opt_str, out_arg, owned};
use crate::authorize::{self, AuthorizeOptions, AuthorizePlatform};
use crate::error::{Error, Result};

/// Values for the `platform` argument of `iop_authorize_build_url`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum IopPlatform {
    /// Lazada: `https://auth.lazada.com/oauth/authorize`, optional `country`.
    IOP_PLATFORM_LAZADA = 0,
    /// AliExpress: `https://api-sg.aliexpress.com/oauth/authorize`, no `country`.
    IOP_PLATFORM_ALIEXPRESS = 1,
}

fn platform_arg(platform: i32) -> Result<AuthorizePlatform> {
    match platform {
        p if p == IopPlatform::IOP_PLATFORM_LAZADA as i32 => Ok(AuthorizePlatform::Lazada),
        p if p == IopPlatform::IOP_PLATFORM_ALIEXPRESS as i32 => Ok(AuthorizePlatform::AliExpress),
        _ => Err(Error::invalid_argument("platform", "must be IOP_PLATFORM_LAZADA or IOP_PLATFORM_ALIEXPRESS")),
    }
}

/// Builds the URL of the authorization page for app `client_id`, redirecting to `redirect_uri`:
/// `<page>?response_type=code&force_auth=true&redirect_uri=…&client_id=…[&state=…][&country=…]`,
/// values percent-encoded. `platform` is an `IopPlatform` value. `base_url` NULL uses the
/// platform's page; otherwise it replaces it (a sandbox's `…/oauth/authorize`: `https://`, or
/// `http://` on loopback only). `country` (Lazada only, e.g. `"sg"`) may be NULL. `state` NULL
/// sends none; pass one from `iop_authorize_new_state` and keep it for `iop_authorize_verify_state`. Strings are
/// copied. On `IOP_OK` writes `*out_url`: owned, release with `iop_string_free`.
///
/// # Safety
/// String arguments are NULL or NUL-terminated; `out_url` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_authorize_build_url(
    platform: i32,
    base_url: *const c_char,
    client_id: *const c_char,
    redirect_uri: *const c_char,
    country: *const c_char,
    state: *const c_char,
    out_url: *mut *mut c_char,
) -> IopStatus {
    guard::status(|| {
        out_arg(out_url, "out_url")?;
        let platform = platform_arg(platform)?;
        let options = AuthorizeOptions {
            base_url: unsafe { opt_str(base_url, "base_url") }?,
            country: unsafe { opt_str(country, "country") }?,
            state: unsafe { opt_str(state, "state") }?,
        };
        let url = authorize::authorize_url(
            platform,
            unsafe { arg_str(client_id, "client_id") }?,
            unsafe { arg_str(redirect_uri, "redirect_uri") }?,
            &options,
        )?;
        unsafe { *out_url = owned(&url) };
        Ok(())
    })
}

/// Makes a fresh random `state` for an authorization URL: 192 bits from the operating system,
/// 32 URL-safe characters. Keep it (server side) to check the redirect with `iop_authorize_verify_state`.
/// On `IOP_OK` writes `*out_state`: owned, release with `iop_string_free`.
///
/// # Safety
/// `out_state` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_authorize_new_state(out_state: *mut *mut c_char) -> IopStatus {
    guard::status(|| {
        out_arg(out_state, "out_state")?;
        let state = authorize::new_state()?;
        unsafe { *out_state = owned(&state) };
        Ok(())
    })
}

/// Whether the `state` received with the redirect equals the one sent, compared in constant
/// time. False when either is NULL or not UTF-8, or `expected` is empty. Does not touch the
/// last error.
///
/// # Safety
/// Arguments are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_authorize_verify_state(expected: *const c_char, received: *const c_char) -> bool {
    guard::value(false, || {
        let expected = unsafe { arg_str(expected, "expected") }.ok()?;
        let received = unsafe { arg_str(received, "received") }.ok()?;
        Some(authorize::verify_state(expected, received))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::strings::iop_string_free;
    use std::ffi::{CStr, CString};
    use std::ptr;

    #[test]
    fn url_state_and_check() {
        let s = |t: &str| CString::new(t).unwrap();
        let (id, cb, c) = (s("123"), s("https://h/cb"), s("sg"));
        let mut state = ptr::null_mut();
        assert_eq!(unsafe { iop_authorize_new_state(&mut state) }, IopStatus::IOP_OK);
        let mut url = ptr::null_mut();
        let st =
            unsafe { iop_authorize_build_url(0, ptr::null(), id.as_ptr(), cb.as_ptr(), c.as_ptr(), state, &mut url) };
        assert_eq!(st, IopStatus::IOP_OK);
        let text = unsafe { CStr::from_ptr(url) }.to_str().unwrap().to_owned();
        let state_text = unsafe { CStr::from_ptr(state) }.to_str().unwrap().to_owned();
        assert!(text.starts_with("https://auth.lazada.com/oauth/authorize?") && text.contains(&state_text));
        assert!(unsafe { iop_authorize_verify_state(state, state) });
        assert!(!unsafe { iop_authorize_verify_state(state, ptr::null()) });
        let mut untouched = ptr::null_mut();
        let st = unsafe {
            iop_authorize_build_url(7, ptr::null(), id.as_ptr(), cb.as_ptr(), ptr::null(), ptr::null(), &mut untouched)
        };
        assert_eq!(st, IopStatus::IOP_ERR_INVALID_ARGUMENT);
        assert!(untouched.is_null());
        unsafe {
            iop_string_free(url);
            iop_string_free(state);
        }
    }
}
