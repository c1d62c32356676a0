//! JNI library of the iopkit Java binding (`libiop_jni`). `generated.rs` (iop-abigen) declares the
//! C ABI of include/iop.h in an `extern "C"` block and holds one JNI entry point of
//! `io.iopkit.internal.Native` per C function; the functions are the `#[no_mangle]` ones of the
//! `iopkit` crate linked statically here (`extern crate iop`): the C ABI every binding calls, no
//! Rust API of the core. This file: the marshalling helpers and the one failure path ([`run`]
//! catches panics and throws `IopException.fromNative(...)` built from `iop_last_error_*`).
//! `callbacks.rs` adapts an application's `io.iopkit.TokenStore` to `IopTokenStoreCallbacks`;
//! `log.rs` is the log callback, calling `io.iopkit.internal.LogBridge.dispatch`.

extern crate iop;

mod callbacks;
mod log;
#[rustfmt::skip] // generated: kept as iop-abigen writes it
mod generated;

use std::ffi::{CStr, CString, c_char};

use jni::errors::ErrorPolicy;
use jni::objects::{JByteArray, JObject, JObjectArray, JString, JThrowable};
use jni::{Env, EnvUnowned, JValue, jni_sig, jni_str};

use generated::*;

/// Why an entry point failed: a C status (details in `iop_last_error_*`), an argument that could
/// not be marshalled (a NUL in a string), or a JNI call (perhaps leaving an exception pending).
pub(crate) enum Failure {
    Status(IopStatus),
    Invalid(String),
    Jni(jni::errors::Error),
}

impl From<jni::errors::Error> for Failure {
    fn from(e: jni::errors::Error) -> Self {
        Failure::Jni(e)
    }
}

pub(crate) type Outcome<T> = Result<T, Failure>;

/// Runs an entry point's body with panics caught and failures thrown as Java exceptions.
pub(crate) fn run<'l, T: Default>(env: &mut EnvUnowned<'l>, body: impl FnOnce(&mut Env<'l>) -> Outcome<T>) -> T {
    let value = env.with_env(body).resolve::<ThrowIop>();
    drop(callbacks::take_cause());
    value
}

/// `Err` for a status other than `IOP_OK`.
pub(crate) fn check(status: IopStatus) -> Outcome<()> {
    if status == IOP_OK { Ok(()) } else { Err(Failure::Status(status)) }
}

/// A Java string as a C string (`None` for `null`).
pub(crate) fn str_in(env: &Env<'_>, value: &JString<'_>, name: &str) -> Outcome<Option<CString>> {
    if value.is_null() {
        return Ok(None);
    }
    let text = value.try_to_string(env)?;
    CString::new(text)
        .map(Some)
        .map_err(|_| Failure::Invalid(format!("invalid argument `{name}`: contains a NUL character")))
}

/// The pointer of an optional C string (NULL for `None`).
pub(crate) fn ptr(value: &Option<CString>) -> *const c_char {
    value.as_ref().map_or(std::ptr::null(), |s| s.as_ptr())
}

/// A Java `byte[]` (`None` for `null`).
pub(crate) fn bytes_in(env: &Env<'_>, value: &JByteArray<'_>) -> Outcome<Option<Vec<u8>>> {
    if value.is_null() { Ok(None) } else { Ok(Some(env.convert_byte_array(value)?)) }
}

/// Pointer and length of optional bytes (NULL and 0 for `None`).
pub(crate) fn bytes_ptr(value: &Option<Vec<u8>>) -> (*const u8, usize) {
    value.as_ref().map_or((std::ptr::null(), 0), |b| (b.as_ptr(), b.len()))
}

/// A borrowed C string as a Java string (`null` for NULL).
pub(crate) fn str_out<'l>(env: &mut Env<'l>, value: *const c_char) -> Outcome<JString<'l>> {
    if value.is_null() {
        return Ok(JString::null());
    }
    // SAFETY: the library returns NUL-terminated UTF-8 that lives at least until this returns.
    let text = unsafe { CStr::from_ptr(value) }.to_string_lossy();
    Ok(JString::from_str(env, text)?)
}

/// An owned C string as a Java string; releases it with `iop_string_free` in every case.
pub(crate) fn owned_str_out<'l>(env: &mut Env<'l>, value: *mut c_char) -> Outcome<JString<'l>> {
    let result = str_out(env, value);
    // SAFETY: `value` is NULL or a string the library returned as owned, released once here.
    unsafe { iop_string_free(value) };
    result
}

/// A `java.lang.Long`.
pub(crate) fn long_out<'l>(env: &mut Env<'l>, value: i64) -> Outcome<JObject<'l>> {
    let class = env.find_class(jni_str!("java/lang/Long"))?;
    let boxed =
        env.call_static_method(&class, jni_str!("valueOf"), jni_sig!("(J)Ljava/lang/Long;"), &[JValue::Long(value)])?;
    Ok(boxed.l()?)
}

/// An `Object[]` of `items`.
pub(crate) fn array_out<'l>(env: &mut Env<'l>, items: Vec<JObject<'l>>) -> Outcome<JObjectArray<'l>> {
    let array = JObjectArray::<JObject>::new(env, items.len(), JObject::null())?;
    for (i, item) in items.iter().enumerate() {
        array.set_element(env, i, item)?;
    }
    Ok(array)
}

/// The error policy of every entry point: throw the `IopException` of the failure (or keep the
/// Java exception already pending) and return the default value.
struct ThrowIop;

impl<T: Default> ErrorPolicy<T, Failure> for ThrowIop {
    type Captures<'unowned_env_local: 'native_method, 'native_method> = ();

    fn on_error<'unowned_env_local: 'native_method, 'native_method>(
        env: &mut Env<'unowned_env_local>,
        _cap: &mut (),
        err: Failure,
    ) -> jni::errors::Result<T> {
        if !env.exception_check() {
            match err {
                Failure::Status(status) => throw(env, status, None),
                Failure::Invalid(message) => throw(env, IOP_ERR_INVALID_ARGUMENT, Some(message)),
                Failure::Jni(e) => throw(env, IOP_ERR_INTERNAL, Some(format!("internal error: JNI call failed: {e}"))),
            }
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
            throw(
                env,
                IOP_ERR_INTERNAL,
                Some(format!("internal error: a panic was caught at the JNI boundary: {text}")),
            );
        }
        Ok(T::default())
    }
}

/// Throws `IopException.fromNative(status, message)`, which reads the failure's fields with
/// `iop_last_error_*` when `message` is `null` (a failure of this layer has only `message`). A Java
/// exception a store callback threw during the call becomes its cause. If building it fails, that
/// failure's exception (or a `java.lang.Error`) is thrown instead.
fn throw(env: &mut Env<'_>, status: IopStatus, message: Option<String>) {
    let cause = callbacks::take_cause();
    let built = env.with_local_frame(8, |env| -> Outcome<()> {
        let message = match &message {
            Some(m) => JString::from_str(env, m)?,
            None => JString::null(),
        };
        let class = env.find_class(jni_str!("io/iopkit/IopException"))?;
        let signature = jni_sig!("(ILjava/lang/String;)Lio/iopkit/IopException;");
        let args = [JValue::Int(status), JValue::Object(&message)];
        let exception = env.call_static_method(&class, jni_str!("fromNative"), signature, &args)?.l()?;
        if let Some(cause) = &cause {
            env.call_method(
                &exception,
                jni_str!("initCause"),
                jni_sig!("(Ljava/lang/Throwable;)Ljava/lang/Throwable;"),
                &[JValue::Object(cause.as_ref())],
            )?;
        }
        let throwable = JThrowable::cast_local(env, exception)?;
        Ok(env.throw(throwable)?)
    });
    if built.is_err() && !env.exception_check() {
        let _ = env.throw_new(jni_str!("java/lang/Error"), jni_str!("iopkit: could not build an IopException"));
    }
}
