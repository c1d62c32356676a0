//! Entry points of the token helpers: create, refresh, parse.

use crate::args::*;
use crate::client::client;
use crate::failure::*;
use iop::Token;
use jni::objects::{JClass, JObject, JObjectArray, JString};
use jni::sys::jlong;
use jni::{Env, EnvUnowned, JValue, jni_sig, jni_str};

/// `Token createToken(long handle, String code)`: `/auth/token/create`; platform errors throw.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_createToken<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    code: JString<'l>,
) -> JObject<'l> {
    run(&mut env, |env| {
        // SAFETY: see `client`.
        let client = unsafe { client(handle) }?;
        let code = arg_string(env, &code, "code")?;
        let token = client.create_token(&code)?;
        token_object(env, &token)
    })
}

/// `Token refreshToken(long handle, String refreshToken)`: `/auth/token/refresh`; platform errors
/// throw. The returned token's refresh token replaces the old one.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_refreshToken<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    refresh_token: JString<'l>,
) -> JObject<'l> {
    run(&mut env, |env| {
        // SAFETY: see `client`.
        let client = unsafe { client(handle) }?;
        let refresh_token = arg_string(env, &refresh_token, "refresh_token")?;
        let token = client.refresh_token(&refresh_token)?;
        token_object(env, &token)
    })
}

/// `Token parseToken(String body, long receivedAtMs)`: reads a token response body (for tokens
/// stored as raw JSON, or received by other means).
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_parseToken<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    body: JString<'l>,
    received_at_ms: jlong,
) -> JObject<'l> {
    run(&mut env, |env| {
        let body = arg_string(env, &body, "body")?;
        let token = Token::parse(&body, received_at_ms)?;
        token_object(env, &token)
    })
}

fn token_object<'l>(env: &mut Env<'l>, token: &Token) -> Outcome<JObject<'l>> {
    env.with_local_frame_returning_local::<_, JObject, Failure>(32, |env| Ok(new_token(env, token)?))
}

fn new_token<'l>(env: &mut Env<'l>, t: &Token) -> jni::errors::Result<JObject<'l>> {
    let countries = JObjectArray::<JString>::new(env, t.country_user_info.len() * 4, JString::null())?;
    for (i, c) in t.country_user_info.iter().enumerate() {
        env.with_local_frame(8, |env| -> jni::errors::Result<()> {
            for (j, value) in [&c.country, &c.user_id, &c.seller_id, &c.short_code].into_iter().enumerate() {
                let value = opt_jstring(env, value.as_deref())?;
                countries.set_element(env, 4 * i + j, &value)?;
            }
            Ok(())
        })?;
    }
    let access_token = JString::from_str(env, t.access_token.expose())?;
    let refresh_token = JString::from_str(env, t.refresh_token.expose())?;
    let account = opt_jstring(env, t.account.as_deref())?;
    let account_platform = opt_jstring(env, t.account_platform.as_deref())?;
    let account_id = opt_jstring(env, t.account_id.as_deref())?;
    let seller_id = opt_jstring(env, t.seller_id.as_deref())?;
    let user_id = opt_jstring(env, t.user_id.as_deref())?;
    let short_code = opt_jstring(env, t.short_code.as_deref())?;
    let country = opt_jstring(env, t.country.as_deref())?;
    let havana_id = opt_jstring(env, t.havana_id.as_deref())?;
    let user_nick = opt_jstring(env, t.user_nick.as_deref())?;
    let locale = opt_jstring(env, t.locale.as_deref())?;
    let sp = opt_jstring(env, t.sp.as_deref())?;
    let raw = JString::from_str(env, t.raw.expose())?;
    let class = env.find_class(jni_str!("io/iopkit/Token"))?;
    env.new_object(
        &class,
        jni_sig!(
            "(Ljava/lang/String;Ljava/lang/String;JZJZLjava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;[Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;)V"
        ),
        &[
            JValue::Object(&access_token),
            JValue::Object(&refresh_token),
            JValue::Long(t.expires_at_ms),
            JValue::Bool(t.refresh_expires_at_ms.is_some()),
            JValue::Long(t.refresh_expires_at_ms.unwrap_or(0)),
            JValue::Bool(t.can_refresh),
            JValue::Object(&account),
            JValue::Object(&account_platform),
            JValue::Object(&account_id),
            JValue::Object(&seller_id),
            JValue::Object(&user_id),
            JValue::Object(&short_code),
            JValue::Object(&country),
            JValue::Object(&countries),
            JValue::Object(&havana_id),
            JValue::Object(&user_nick),
            JValue::Object(&locale),
            JValue::Object(&sp),
            JValue::Object(&raw),
        ],
    )
}
