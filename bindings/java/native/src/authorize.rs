//! Entry points of `Authorization`: the sellers' authorization URL and its `state`.

use crate::args::*;
use crate::failure::*;
use iop::authorize::{AuthorizeOptions, AuthorizePlatform, authorize_url, new_state, verify_state};
use jni::EnvUnowned;
use jni::objects::{JClass, JString};
use jni::refs::Reference as _;
use jni::sys::{jboolean, jint};

/// The platform with the Java ordinal `value` (`Authorization.Platform`: 0 Lazada, 1 AliExpress).
fn platform(value: jint) -> Outcome<AuthorizePlatform> {
    match value {
        0 => Ok(AuthorizePlatform::Lazada),
        1 => Ok(AuthorizePlatform::AliExpress),
        _ => Err(iop::Error::invalid_argument("platform", "must be LAZADA or ALIEXPRESS").into()),
    }
}

/// `String authorizeUrl(int platform, String baseUrl, String clientId, String redirectUri,
/// String country, String state)`: the authorization page's URL; `baseUrl`, `country` and
/// `state` may be `null`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_io_iopkit_internal_Native_authorizeUrl<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    platform_value: jint,
    base_url: JString<'l>,
    client_id: JString<'l>,
    redirect_uri: JString<'l>,
    country: JString<'l>,
    state: JString<'l>,
) -> JString<'l> {
    run(&mut env, |env| {
        let platform = platform(platform_value)?;
        let base_url = opt_string(env, &base_url)?;
        let client_id = arg_string(env, &client_id, "client_id")?;
        let redirect_uri = arg_string(env, &redirect_uri, "redirect_uri")?;
        let country = opt_string(env, &country)?;
        let state = opt_string(env, &state)?;
        let options =
            AuthorizeOptions { base_url: base_url.as_deref(), country: country.as_deref(), state: state.as_deref() };
        let url = authorize_url(platform, &client_id, &redirect_uri, &options)?;
        Ok(JString::from_str(env, url)?)
    })
}

/// `String newState()`: a fresh random `state` (32 URL-safe characters).
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_newState<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
) -> JString<'l> {
    run(&mut env, |env| Ok(JString::from_str(env, new_state()?)?))
}

/// `boolean verifyState(String expected, String received)`: constant-time comparison; false when
/// either is `null` or `expected` is empty.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_verifyState<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    expected: JString<'l>,
    received: JString<'l>,
) -> jboolean {
    run(&mut env, |env| {
        if expected.is_null() || received.is_null() {
            return Ok(false);
        }
        let expected = expected.try_to_string(env)?;
        let received = received.try_to_string(env)?;
        Ok(verify_state(&expected, &received))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_ordinals() {
        assert!(matches!(platform(0), Ok(AuthorizePlatform::Lazada)));
        assert!(matches!(platform(1), Ok(AuthorizePlatform::AliExpress)));
        assert!(platform(2).is_err());
        assert!(platform(-1).is_err());
    }
}
