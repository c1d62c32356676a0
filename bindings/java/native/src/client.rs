//! Entry points of `IopClient`: create, free, configure, execute.

use std::sync::Arc;

use crate::args::*;
use crate::failure::*;
use crate::handle::{borrow, free, into_handle};
use iop::{Client, HttpMethod, Protocol, Request, Response};
use jni::objects::{JByteArray, JClass, JObject, JObjectArray, JString};
use jni::refs::Reference as _;
use jni::sys::{jboolean, jint, jlong};
use jni::{Env, EnvUnowned, JValue, jni_sig, jni_str};

/// The client behind a handle.
///
/// # Safety
/// `handle` is 0 or a live pointer from `clientNew`, not freed while the call runs (the Java
/// side holds a read lock across every call and frees only under the write lock).
pub(crate) unsafe fn client<'a>(handle: jlong) -> Outcome<&'a Arc<Client>> {
    unsafe { borrow(handle, "client") }
}

/// `long clientNew(String serverUrl, String appKey, String appSecret, long connectTimeoutMs,
/// long readTimeoutMs)`: a new client handle (timeouts ≤ 0 keep the defaults).
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_clientNew<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    server_url: JString<'l>,
    app_key: JString<'l>,
    app_secret: JString<'l>,
    connect_timeout_ms: jlong,
    read_timeout_ms: jlong,
) -> jlong {
    run(&mut env, |env| {
        let server_url = arg_string(env, &server_url, "server_url")?;
        let app_key = arg_string(env, &app_key, "app_key")?;
        let app_secret = arg_string(env, &app_secret, "app_secret")?;
        let config = timeouts_config(connect_timeout_ms, read_timeout_ms);
        let client = Client::with_config(&server_url, &app_key, &app_secret, config)?;
        Ok(into_handle(Arc::new(client)))
    })
}

/// `void clientFree(long handle)`: frees a client; 0 is ignored.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_clientFree<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
) {
    run(&mut env, |_env| {
        // SAFETY: created by `clientNew`; the Java side frees each handle once, after
        // every call using it has returned.
        unsafe { free::<Arc<Client>>(handle) };
        Ok(())
    })
}

/// `void clientConfigure(long handle, long connectTimeoutMs, long readTimeoutMs, String partnerId,
/// int allowInsecureHttp, long maxResponseBytes)`: changes settings; ≤ 0, `null` and -1 keep the
/// current value.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_clientConfigure<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    connect_timeout_ms: jlong,
    read_timeout_ms: jlong,
    partner_id: JString<'l>,
    allow_insecure_http: jint,
    max_response_bytes: jlong,
) {
    run(&mut env, |env| {
        // SAFETY: see `client`.
        let client = unsafe { client(handle) }?;
        let partner_id = opt_string(env, &partner_id)?;
        client.configure(|c| {
            if let Some(t) = millis(connect_timeout_ms) {
                c.connect_timeout = t;
            }
            if let Some(t) = millis(read_timeout_ms) {
                c.read_timeout = t;
            }
            if let Some(p) = partner_id {
                c.partner_id = p;
            }
            if allow_insecure_http >= 0 {
                c.allow_insecure_http = allow_insecure_http != 0;
            }
            if let Ok(max) = u64::try_from(max_response_bytes)
                && max > 0
            {
                c.max_response_bytes = max;
            }
        })?;
        Ok(())
    })
}

/// `void clientSetCaBundle(long handle, byte[] pem)`: trusts the CAs of a PEM bundle instead of
/// the built-in roots; `null` restores the built-in roots.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_clientSetCaBundle<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    pem: JByteArray<'l>,
) {
    run(&mut env, |env| {
        // SAFETY: see `client`.
        let client = unsafe { client(handle) }?;
        let pem = if pem.is_null() { None } else { Some(env.convert_byte_array(&pem)?) };
        client.configure(|c| c.ca_bundle_pem = pem)?;
        Ok(())
    })
}

/// `void clientSetMaxConnectRetries(long handle, int retries)`: how many times a call is re-sent
/// after a connect failure (0 to 10; 0 turns retries off).
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_clientSetMaxConnectRetries<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    retries: jint,
) {
    run(&mut env, |_env| {
        // SAFETY: see `client`.
        let client = unsafe { client(handle) }?;
        let retries = u32::try_from(retries)
            .map_err(|_| iop::Error::invalid_argument("max_connect_retries", "must not be negative"))?;
        client.configure(|c| c.max_connect_retries = retries)?;
        Ok(())
    })
}

/// `IopResponse execute(long handle, String apiName, String[] params, String[] headers,
/// String[] fileNames, byte[][] fileContents, boolean get, String accessToken, int protocol)`.
///
/// `params` and `headers` are flattened key/value pairs; `fileNames` is flattened
/// (field name, file name) pairs matching `fileContents`. `protocol`: 0 by API name, 1 GOP,
/// 2 TOP. A platform error is a response whose `isSuccess()` is false.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_io_iopkit_internal_Native_execute<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    api_name: JString<'l>,
    params: JObjectArray<'l, JString<'l>>,
    headers: JObjectArray<'l, JString<'l>>,
    file_names: JObjectArray<'l, JString<'l>>,
    file_contents: JObjectArray<'l, JByteArray<'l>>,
    get: jboolean,
    access_token: JString<'l>,
    protocol_value: jint,
) -> JObject<'l> {
    run(&mut env, |env| {
        // SAFETY: see `client`.
        let client = unsafe { client(handle) }?;
        let api_name = arg_string(env, &api_name, "api_name")?;
        let mut request = Request::new(&api_name)?;
        for (k, v) in pairs(string_array(env, &params, "params")?, "params")? {
            request.add_param(&k, &v)?;
        }
        for (k, v) in pairs(string_array(env, &headers, "headers")?, "headers")? {
            request.add_header(&k, &v)?;
        }
        let names = string_array(env, &file_names, "files")?;
        let contents = bytes_array(env, &file_contents)?;
        if names.len() != 3 * contents.len() {
            return Err(iop::Error::invalid_argument("files", "names and contents differ in number").into());
        }
        for (triple, content) in names.chunks_exact(3).zip(&contents) {
            let content_type = Some(triple[2].as_str()).filter(|t| !t.is_empty());
            request.add_file(&triple[0], &triple[1], content_type, content)?;
        }
        drop(contents);
        if get {
            request.set_http_method(HttpMethod::Get);
        }
        let access_token = opt_string(env, &access_token)?;
        let protocol = protocol(protocol_value)?;
        let response = client.execute(&request, access_token.as_deref(), protocol)?;
        let url = protocol.unwrap_or_else(|| Protocol::for_api(&api_name)).url(client.server_url(), &api_name);
        env.with_local_frame_returning_local::<_, JObject, Failure>(16, |env| Ok(new_response(env, &response, &url)?))
    })
}

/// A new `IopResponse` for `response`, received from `url`.
pub(crate) fn new_response<'l>(env: &mut Env<'l>, response: &Response, url: &str) -> jni::errors::Result<JObject<'l>> {
    let body = JString::from_str(env, response.body())?;
    let error_type = opt_jstring(env, response.error_type())?;
    let code = opt_jstring(env, response.code())?;
    let message = opt_jstring(env, response.message())?;
    let sub_code = opt_jstring(env, response.sub_code())?;
    let sub_message = opt_jstring(env, response.sub_message())?;
    let request_id = opt_jstring(env, response.request_id())?;
    let url = JString::from_str(env, url)?;
    let class = env.find_class(jni_str!("io/iopkit/IopResponse"))?;
    env.new_object(
        &class,
        jni_sig!(
            "(ILjava/lang/String;ZLjava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;J)V"
        ),
        &[
            JValue::Int(jint::from(response.http_status())),
            JValue::Object(&body),
            JValue::Bool(response.is_success()),
            JValue::Object(&error_type),
            JValue::Object(&code),
            JValue::Object(&message),
            JValue::Object(&sub_code),
            JValue::Object(&sub_message),
            JValue::Object(&request_id),
            JValue::Object(&url),
            JValue::Long(millis_or_none(response.retry_after())),
        ],
    )
}
