//! JNI entry points of the iopkit Java binding (`io.iopkit`): the static native methods of
//! `io.iopkit.internal.Native`, calling the Rust core (`iop`) directly.
//!
//! Rules every entry point follows:
//! - The body runs inside [`EnvUnowned::with_env`], which catches panics; failures are turned
//!   into a thrown Java exception by [`ThrowIop`] and the function returns a default value with
//!   that exception pending. Nothing unwinds into the JVM.
//! - Core errors become `io.iopkit.IopException` subclasses through the static Java factory
//!   `IopException.fromNative(kind, message, code, type, subCode, subMessage, requestId, httpStatus)`.
//! - After any JNI call that left a Java exception pending, no further JNI call is made: the
//!   error propagates with `?` and [`ThrowIop`] leaves the pending exception in place.
//! - Loops that create Java objects run each iteration in a local frame.
//! - Client handles are `Box<iop::Client>` pointers passed as `long`; the Java side guarantees
//!   a handle is not used after (or while) it is freed.

use std::fmt;
use std::time::Duration;

use iop::{Client, ClientConfig, ErrorKind, HttpMethod, Protocol, Request, Response, Token};
use jni::errors::ErrorPolicy;
use jni::objects::{JByteArray, JClass, JObject, JObjectArray, JString};
use jni::refs::Reference as _;
use jni::sys::{jboolean, jint, jlong};
use jni::{Env, EnvUnowned, JValue, jni_sig, jni_str};

/// Why a native call failed: an error of the core, or a JNI failure (which may have left a Java
/// exception pending).
enum Failure {
    Iop(iop::Error),
    Jni(jni::errors::Error),
}

impl From<jni::errors::Error> for Failure {
    fn from(e: jni::errors::Error) -> Self {
        Failure::Jni(e)
    }
}

impl From<iop::Error> for Failure {
    fn from(e: iop::Error) -> Self {
        Failure::Iop(e)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Iop(e) => write!(f, "{e}"),
            Failure::Jni(e) => write!(f, "JNI error: {e}"),
        }
    }
}

type Outcome<T> = Result<T, Failure>;

/// Every error kind of the core, in a fixed order; `Native.errorKinds()` returns their names so
/// the Java side can check that each one has its own exception class.
const KINDS: [ErrorKind; 9] = [
    ErrorKind::InvalidArgument,
    ErrorKind::Connect,
    ErrorKind::Network,
    ErrorKind::Timeout,
    ErrorKind::Tls,
    ErrorKind::Http,
    ErrorKind::MalformedResponse,
    ErrorKind::Platform,
    ErrorKind::Internal,
];

/// The name of a kind as the Java side knows it. The match is exhaustive on purpose: a new kind
/// in the core fails this build until it is named here (and added to [`KINDS`]).
fn kind_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidArgument => "InvalidArgument",
        ErrorKind::Connect => "Connect",
        ErrorKind::Network => "Network",
        ErrorKind::Timeout => "Timeout",
        ErrorKind::Tls => "Tls",
        ErrorKind::Http => "Http",
        ErrorKind::MalformedResponse => "MalformedResponse",
        ErrorKind::Platform => "Platform",
        ErrorKind::Internal => "Internal",
    }
}

/// The error policy of every entry point: throw the matching `IopException` (or keep the Java
/// exception already pending) and return the default value.
struct ThrowIop;

impl<T: Default> ErrorPolicy<T, Failure> for ThrowIop {
    type Captures<'unowned_env_local: 'native_method, 'native_method> = ();

    fn on_error<'unowned_env_local: 'native_method, 'native_method>(
        env: &mut Env<'unowned_env_local>,
        _cap: &mut (),
        err: Failure,
    ) -> jni::errors::Result<T> {
        if !env.exception_check() {
            let error = match err {
                Failure::Iop(e) => e,
                Failure::Jni(e) => {
                    iop::Error::new(ErrorKind::Internal, format!("internal error: JNI call failed: {e}"))
                }
            };
            throw_iop(env, &error);
        }
        Ok(T::default())
    }

    fn on_panic<'unowned_env_local: 'native_method, 'native_method>(
        env: &mut Env<'unowned_env_local>,
        _cap: &mut (),
        payload: Box<dyn std::any::Any + Send + 'static>,
    ) -> jni::errors::Result<T> {
        let text = match payload.downcast_ref::<&'static str>() {
            Some(s) => (*s).to_owned(),
            None => payload.downcast_ref::<String>().cloned().unwrap_or_else(|| "non-string panic payload".to_owned()),
        };
        // Dropping a payload could itself panic: leak it instead.
        std::mem::forget(payload);
        if !env.exception_check() {
            let error = iop::Error::new(
                ErrorKind::Internal,
                format!("internal error: a panic was caught at the JNI boundary: {text}"),
            );
            throw_iop(env, &error);
        }
        Ok(T::default())
    }
}

/// Throws the `IopException` subclass for `error`; if building it fails, whatever exception that
/// failure left pending is thrown instead (or a `java.lang.Error` when none is).
fn throw_iop(env: &mut Env<'_>, error: &iop::Error) {
    let built = env.with_local_frame(16, |env| -> jni::errors::Result<()> {
        let exception = new_iop_exception(env, error)?;
        let throwable = jni::objects::JThrowable::cast_local(env, exception)?;
        env.throw(throwable)
    });
    if built.is_err() && !env.exception_check() {
        let _ = env.throw_new(jni_str!("java/lang/Error"), jni::strings::JNIString::from(error.message()));
    }
}

fn new_iop_exception<'l>(env: &mut Env<'l>, error: &iop::Error) -> jni::errors::Result<JObject<'l>> {
    let platform = error.platform_error();
    let kind = JString::from_str(env, kind_name(error.kind()))?;
    let message = JString::from_str(env, error.message())?;
    let code = opt_jstring(env, platform.map(|p| p.code.as_str()).filter(|c| !c.is_empty()))?;
    let error_type = opt_jstring(env, platform.and_then(|p| p.error_type.as_deref()))?;
    let sub_code = opt_jstring(env, platform.and_then(|p| p.sub_code.as_deref()))?;
    let sub_message = opt_jstring(env, platform.and_then(|p| p.sub_message.as_deref()))?;
    let request_id = opt_jstring(env, platform.and_then(|p| p.request_id.as_deref()))?;
    let status = error.http_status().map_or(0, jint::from);
    let class = env.find_class(jni_str!("io/iopkit/IopException"))?;
    let value = env.call_static_method(
        &class,
        jni_str!("fromNative"),
        jni_sig!(
            "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;I)Lio/iopkit/IopException;"
        ),
        &[
            JValue::Object(&kind),
            JValue::Object(&message),
            JValue::Object(&code),
            JValue::Object(&error_type),
            JValue::Object(&sub_code),
            JValue::Object(&sub_message),
            JValue::Object(&request_id),
            JValue::Int(status),
        ],
    )?;
    value.l()
}

/// Runs an entry point's body with panics caught and failures thrown as Java exceptions.
fn run<'l, T: Default>(env: &mut EnvUnowned<'l>, body: impl FnOnce(&mut Env<'l>) -> Outcome<T>) -> T {
    env.with_env(body).resolve::<ThrowIop>()
}

/// A Java string, or `null` for `None`.
fn opt_jstring<'l>(env: &mut Env<'l>, value: Option<&str>) -> jni::errors::Result<JString<'l>> {
    match value {
        Some(s) => JString::from_str(env, s),
        None => Ok(JString::null()),
    }
}

/// A required string argument (`null` is an invalid-argument error naming it).
fn arg_string(env: &Env<'_>, value: &JString<'_>, name: &str) -> Outcome<String> {
    if value.is_null() {
        return Err(iop::Error::invalid_argument(name, "must not be null").into());
    }
    Ok(value.try_to_string(env)?)
}

/// An optional string argument.
fn opt_string(env: &Env<'_>, value: &JString<'_>) -> Outcome<Option<String>> {
    if value.is_null() { Ok(None) } else { Ok(Some(value.try_to_string(env)?)) }
}

/// The elements of a `String[]` (`null` array = empty; `null` elements are refused).
fn string_array(env: &mut Env<'_>, array: &JObjectArray<'_, JString<'_>>, name: &str) -> Outcome<Vec<String>> {
    if array.is_null() {
        return Ok(Vec::new());
    }
    let len = array.len(env)?;
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let item = env.with_local_frame(4, |env| -> Outcome<Option<String>> {
            let element = array.get_element(env, i)?;
            if element.is_null() { Ok(None) } else { Ok(Some(element.try_to_string(env)?)) }
        })?;
        out.push(item.ok_or_else(|| iop::Error::invalid_argument(name, "must not contain null"))?);
    }
    Ok(out)
}

/// The elements of a `byte[][]`.
fn bytes_array(env: &mut Env<'_>, array: &JObjectArray<'_, JByteArray<'_>>) -> Outcome<Vec<Vec<u8>>> {
    if array.is_null() {
        return Ok(Vec::new());
    }
    let len = array.len(env)?;
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let item = env.with_local_frame(4, |env| -> Outcome<Option<Vec<u8>>> {
            let element = array.get_element(env, i)?;
            if element.is_null() { Ok(None) } else { Ok(Some(env.convert_byte_array(&element)?)) }
        })?;
        out.push(item.ok_or_else(|| iop::Error::invalid_argument("file", "content must not be null"))?);
    }
    Ok(out)
}

/// Pairs from a flattened `[k0, v0, k1, v1, …]` array.
fn pairs(flat: Vec<String>, name: &str) -> Outcome<Vec<(String, String)>> {
    if flat.len() % 2 != 0 {
        return Err(iop::Error::invalid_argument(name, "must hold key/value pairs").into());
    }
    let mut it = flat.into_iter();
    let mut out = Vec::new();
    while let (Some(k), Some(v)) = (it.next(), it.next()) {
        out.push((k, v));
    }
    Ok(out)
}

/// The client behind a handle.
///
/// # Safety
/// `handle` is 0 or a live pointer from `clientNew`, not freed while the call runs (the Java
/// side holds a read lock across every call and frees only under the write lock).
unsafe fn client<'a>(handle: jlong) -> Outcome<&'a Client> {
    let ptr = handle as usize as *const Client;
    // SAFETY: caller's promise.
    unsafe { ptr.as_ref() }.ok_or_else(|| iop::Error::invalid_argument("client", "is closed").into())
}

/// A positive number of milliseconds, or `None` for "keep the default".
fn millis(ms: jlong) -> Option<Duration> {
    u64::try_from(ms).ok().filter(|ms| *ms > 0).map(Duration::from_millis)
}

fn protocol(value: jint) -> Outcome<Option<Protocol>> {
    match value {
        0 => Ok(None),
        1 => Ok(Some(Protocol::Gop)),
        2 => Ok(Some(Protocol::Top)),
        _ => Err(iop::Error::invalid_argument("protocol", "must be AUTO, GOP or TOP").into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Entry points: static native methods of io.iopkit.internal.Native.

/// `String version()`: the core's version (`major.minor.patch`).
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_version<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
) -> JString<'l> {
    run(&mut env, |env| {
        use iop::ffi::version::{IOP_VERSION_MAJOR, IOP_VERSION_MINOR, IOP_VERSION_PATCH};
        Ok(JString::from_str(env, format!("{IOP_VERSION_MAJOR}.{IOP_VERSION_MINOR}.{IOP_VERSION_PATCH}"))?)
    })
}

/// The version of the interface between this library and the Java classes of `io.iopkit`
/// (the native methods' names and signatures, the constructors and factory they call). The Java
/// side refuses a library whose number differs from its own `NativeLoader.INTERFACE_VERSION`.
const INTERFACE_VERSION: jint = 1;

/// `int interfaceVersion()`: see [`INTERFACE_VERSION`].
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_interfaceVersion<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
) -> jint {
    run(&mut env, |_env| Ok(INTERFACE_VERSION))
}

/// `String[] errorKinds()`: the names of every error kind of the core.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_errorKinds<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
) -> JObjectArray<'l, JString<'l>> {
    run(&mut env, |env| {
        let array = JObjectArray::<JString>::new(env, KINDS.len(), JString::null())?;
        for (i, kind) in KINDS.iter().enumerate() {
            env.with_local_frame(2, |env| -> jni::errors::Result<()> {
                let name = JString::from_str(env, kind_name(*kind))?;
                array.set_element(env, i, &name)
            })?;
        }
        Ok(array)
    })
}

/// `String[] gatewayUrls()`: the core's gateway URLs as `[name0, url0, name1, url1, …]`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_gatewayUrls<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
) -> JObjectArray<'l, JString<'l>> {
    use iop::urls::*;
    const URLS: [(&str, &str); 14] = [
        ("LAZADA_AUTH", LAZADA_AUTH),
        ("LAZADA_SG", LAZADA_SG),
        ("LAZADA_MY", LAZADA_MY),
        ("LAZADA_VN", LAZADA_VN),
        ("LAZADA_TH", LAZADA_TH),
        ("LAZADA_PH", LAZADA_PH),
        ("LAZADA_ID", LAZADA_ID),
        ("TAOBAO_TW", TAOBAO_TW),
        ("TAOBAO_TW_AUTH", TAOBAO_TW_AUTH),
        ("ALIEXPRESS_REST", ALIEXPRESS_REST),
        ("ALIEXPRESS_SYNC", ALIEXPRESS_SYNC),
        ("ALIBABA_COM", ALIBABA_COM),
        ("LAZADA_OAUTH", LAZADA_OAUTH),
        ("ALIEXPRESS_OAUTH", ALIEXPRESS_OAUTH),
    ];
    run(&mut env, |env| {
        let array = JObjectArray::<JString>::new(env, URLS.len() * 2, JString::null())?;
        for (i, (name, url)) in URLS.iter().enumerate() {
            env.with_local_frame(4, |env| -> jni::errors::Result<()> {
                let name = JString::from_str(env, name)?;
                let url = JString::from_str(env, url)?;
                array.set_element(env, 2 * i, &name)?;
                array.set_element(env, 2 * i + 1, &url)
            })?;
        }
        Ok(array)
    })
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
        let mut config = ClientConfig::default();
        if let Some(t) = millis(connect_timeout_ms) {
            config.connect_timeout = t;
        }
        if let Some(t) = millis(read_timeout_ms) {
            config.read_timeout = t;
        }
        let client = Client::with_config(&server_url, &app_key, &app_secret, config)?;
        Ok(Box::into_raw(Box::new(client)) as usize as jlong)
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
        let ptr = handle as usize as *mut Client;
        if !ptr.is_null() {
            // SAFETY: created by `clientNew`; the Java side frees each handle once, after
            // every call using it has returned.
            drop(unsafe { Box::from_raw(ptr) });
        }
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
            if let Ok(max) = u64::try_from(max_response_bytes) {
                if max > 0 {
                    c.max_response_bytes = max;
                }
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

fn new_response<'l>(env: &mut Env<'l>, response: &Response, url: &str) -> jni::errors::Result<JObject<'l>> {
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
            "(ILjava/lang/String;ZLjava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;)V"
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
        ],
    )
}

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

/// `void debugPanic(String message)`: panics inside an entry point, for the test that checks a
/// panic becomes an `IopInternalException` instead of unwinding into the JVM.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_Native_debugPanic<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    message: JString<'l>,
) {
    run(&mut env, |env| -> Outcome<()> {
        let message = opt_string(env, &message)?.unwrap_or_default();
        panic!("{message}");
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_listed_once_with_a_distinct_name() {
        let names: std::collections::HashSet<_> = KINDS.iter().map(|k| kind_name(*k)).collect();
        assert_eq!(names.len(), KINDS.len());
    }

    #[test]
    fn flattened_pairs() {
        let p = pairs(vec!["a".into(), "1".into(), "b".into(), "".into()], "params").ok().unwrap();
        assert_eq!(p, vec![("a".to_owned(), "1".to_owned()), ("b".to_owned(), String::new())]);
        assert!(pairs(vec!["a".into()], "params").is_err());
    }

    #[test]
    fn millis_and_protocols() {
        assert_eq!(millis(0), None);
        assert_eq!(millis(-5), None);
        assert_eq!(millis(1500), Some(Duration::from_millis(1500)));
        assert!(matches!(protocol(0), Ok(None)));
        assert!(matches!(protocol(1), Ok(Some(Protocol::Gop))));
        assert!(matches!(protocol(2), Ok(Some(Protocol::Top))));
        assert!(protocol(3).is_err());
    }
}
