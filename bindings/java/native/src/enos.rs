//! Entry points of `EnosClient`: create, free, configure, token get and refresh, sign, call.

use std::sync::Arc;

use crate::args::*;
use crate::client::new_response;
use crate::failure::*;
use crate::handle::{borrow, free, into_handle};
use iop::enos::{ApimHeaders, EnosClient, EnosToken};
use jni::objects::{JByteArray, JClass, JObject, JString};
use jni::sys::{jboolean, jlong};
use jni::{Env, EnvUnowned, JValue, jni_sig, jni_str};

/// The EnOS client behind a handle.
///
/// # Safety
/// `handle` is 0 or a live pointer from `enosClientNew`, not freed while the call runs (the Java
/// side holds a read lock across every call and frees only under the write lock).
pub(crate) unsafe fn enos_client<'a>(handle: jlong) -> Outcome<&'a Arc<EnosClient>> {
    unsafe { borrow(handle, "client") }
}

/// `long enosClientNew(String gatewayUrl, String appKey, String appSecret, long connectTimeoutMs,
/// long readTimeoutMs)`: a new EnOS client handle (timeouts ≤ 0 keep the defaults).
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_enosClientNew<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    gateway_url: JString<'l>,
    app_key: JString<'l>,
    app_secret: JString<'l>,
    connect_timeout_ms: jlong,
    read_timeout_ms: jlong,
) -> jlong {
    run(&mut env, |env| {
        let gateway_url = arg_string(env, &gateway_url, "gateway_url")?;
        let app_key = arg_string(env, &app_key, "app_key")?;
        let app_secret = arg_string(env, &app_secret, "app_secret")?;
        let config = timeouts_config(connect_timeout_ms, read_timeout_ms);
        let client = EnosClient::with_config(&gateway_url, &app_key, &app_secret, config)?;
        Ok(into_handle(Arc::new(client)))
    })
}

/// `void enosClientFree(long handle)`: frees an EnOS client; 0 is ignored.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_enosClientFree<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
) {
    run(&mut env, |_env| {
        // SAFETY: created by `enosClientNew`; the Java side frees each handle once, after
        // every call using it has returned.
        unsafe { free::<Arc<EnosClient>>(handle) };
        Ok(())
    })
}

/// `void enosClientConfigure(long handle, long connectTimeoutMs, long readTimeoutMs)`: changes
/// the timeouts; ≤ 0 keeps the current value.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_enosClientConfigure<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    connect_timeout_ms: jlong,
    read_timeout_ms: jlong,
) {
    run(&mut env, |_env| {
        // SAFETY: see `enos_client`.
        let client = unsafe { enos_client(handle) }?;
        client.configure(|c| {
            if let Some(t) = millis(connect_timeout_ms) {
                c.connect_timeout = t;
            }
            if let Some(t) = millis(read_timeout_ms) {
                c.read_timeout = t;
            }
        })?;
        Ok(())
    })
}

/// `void enosClientSetCaBundle(long handle, byte[] pem)`: trusts the CAs of a PEM bundle instead
/// of the built-in roots (private gateways); `null` restores the built-in roots.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_enosClientSetCaBundle<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    pem: JByteArray<'l>,
) {
    run(&mut env, |env| {
        // SAFETY: see `enos_client`.
        let client = unsafe { enos_client(handle) }?;
        let pem = opt_bytes(env, &pem)?;
        client.configure(|c| c.ca_bundle_pem = pem)?;
        Ok(())
    })
}

/// `EnosToken enosTokenGet(long handle)`: the app's access token (`token/get`); a status other
/// than 0 throws (`IopPlatformException` with the status as its code).
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_enosTokenGet<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
) -> JObject<'l> {
    run(&mut env, |env| {
        // SAFETY: see `enos_client`.
        let client = unsafe { enos_client(handle) }?;
        let token = client.get_token()?;
        token_object(env, &token)
    })
}

/// `EnosToken enosTokenRefresh(long handle, String accessToken)`: `token/refresh`; an expired
/// token throws `IopTokenExpiredException` (code 1203).
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_enosTokenRefresh<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    access_token: JString<'l>,
) -> JObject<'l> {
    run(&mut env, |env| {
        // SAFETY: see `enos_client`.
        let client = unsafe { enos_client(handle) }?;
        let access_token = arg_string(env, &access_token, "access_token")?;
        let token = client.refresh_token(&access_token)?;
        token_object(env, &token)
    })
}

/// `ApimHeaders enosSign(long handle, String accessToken, String pathAndQuery, byte[] body,
/// boolean freshTimestamp, long timestampMs)`: the `apim-*` headers of a call; `body` `null` is
/// none; `freshTimestamp` takes a fresh, never-repeated timestamp instead of `timestampMs`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_enosSign<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    access_token: JString<'l>,
    path_and_query: JString<'l>,
    body: JByteArray<'l>,
    fresh_timestamp: jboolean,
    timestamp_ms: jlong,
) -> JObject<'l> {
    run(&mut env, |env| {
        // SAFETY: see `enos_client`.
        let client = unsafe { enos_client(handle) }?;
        let access_token = arg_string(env, &access_token, "access_token")?;
        let path_and_query = arg_string(env, &path_and_query, "path_and_query")?;
        let body = opt_bytes(env, &body)?.unwrap_or_default();
        let timestamp = if fresh_timestamp { None } else { Some(timestamp_ms) };
        let headers = client.sign(&path_and_query, &body, &access_token, timestamp)?;
        env.with_local_frame_returning_local::<_, JObject, Failure>(8, |env| Ok(new_headers(env, &headers)?))
    })
}

/// `IopResponse enosCall(long handle, String accessToken, String method, String pathAndQuery,
/// byte[] body)`: signs (fresh timestamp) and sends a call; any JSON answer is a response (check
/// `isSuccess()`: `code` 0).
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_enosCall<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    access_token: JString<'l>,
    method: JString<'l>,
    path_and_query: JString<'l>,
    body: JByteArray<'l>,
) -> JObject<'l> {
    run(&mut env, |env| {
        // SAFETY: see `enos_client`.
        let client = unsafe { enos_client(handle) }?;
        let access_token = arg_string(env, &access_token, "access_token")?;
        let method = arg_string(env, &method, "method")?;
        let path_and_query = arg_string(env, &path_and_query, "path_and_query")?;
        let body = opt_bytes(env, &body)?;
        let response = client.call(&method, &path_and_query, body.as_deref(), &access_token)?;
        let path = path_and_query.split(['?', '#']).next().unwrap_or_default();
        let url = format!("{}{path}", client.gateway_url());
        env.with_local_frame_returning_local::<_, JObject, Failure>(16, |env| Ok(new_response(env, &response, &url)?))
    })
}

fn token_object<'l>(env: &mut Env<'l>, token: &EnosToken) -> Outcome<JObject<'l>> {
    env.with_local_frame_returning_local::<_, JObject, Failure>(4, |env| {
        let access_token = JString::from_str(env, token.access_token.expose())?;
        let class = env.find_class(jni_str!("io/iopkit/EnosToken"))?;
        Ok(env.new_object(
            &class,
            jni_sig!("(Ljava/lang/String;J)V"),
            &[JValue::Object(&access_token), JValue::Long(token.expires_at_ms)],
        )?)
    })
}

fn new_headers<'l>(env: &mut Env<'l>, headers: &ApimHeaders) -> jni::errors::Result<JObject<'l>> {
    let access_token = JString::from_str(env, headers.access_token.expose())?;
    let signature = JString::from_str(env, &headers.signature)?;
    let class = env.find_class(jni_str!("io/iopkit/ApimHeaders"))?;
    env.new_object(
        &class,
        jni_sig!("(Ljava/lang/String;JLjava/lang/String;)V"),
        &[JValue::Object(&access_token), JValue::Long(headers.timestamp_ms), JValue::Object(&signature)],
    )
}
