//! Failures of a native call and how they become thrown `IopException`s.

use std::fmt;

use iop::ErrorKind;
use jni::errors::ErrorPolicy;
use jni::objects::{JObject, JString};
use jni::sys::jint;
use jni::{Env, EnvUnowned, JValue, jni_sig, jni_str};

use crate::args::{millis_or_none, opt_jstring};

/// Why a native call failed: an error of the core, or a JNI failure (which may have left a Java
/// exception pending).
pub(crate) enum Failure {
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

pub(crate) type Outcome<T> = Result<T, Failure>;

/// Every error kind of the core, in a fixed order; `Native.errorKinds()` returns their names so
/// the Java side can check that each one has its own exception class.
pub(crate) const KINDS: [ErrorKind; 11] = [
    ErrorKind::InvalidArgument,
    ErrorKind::Connect,
    ErrorKind::Network,
    ErrorKind::Timeout,
    ErrorKind::Tls,
    ErrorKind::Http,
    ErrorKind::MalformedResponse,
    ErrorKind::Platform,
    ErrorKind::TokenExpired,
    ErrorKind::ReauthorizationRequired,
    ErrorKind::Internal,
];

/// The name of a kind as the Java side knows it. The match is exhaustive on purpose: a new kind
/// in the core fails this build until it is named here (and added to [`KINDS`]).
pub(crate) fn kind_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidArgument => "InvalidArgument",
        ErrorKind::Connect => "Connect",
        ErrorKind::Network => "Network",
        ErrorKind::Timeout => "Timeout",
        ErrorKind::Tls => "Tls",
        ErrorKind::Http => "Http",
        ErrorKind::MalformedResponse => "MalformedResponse",
        ErrorKind::Platform => "Platform",
        ErrorKind::TokenExpired => "TokenExpired",
        ErrorKind::ReauthorizationRequired => "ReauthorizationRequired",
        ErrorKind::Internal => "Internal",
    }
}

/// The error policy of every entry point: throw the matching `IopException` (or keep the Java
/// exception already pending) and return the default value.
pub(crate) struct ThrowIop;

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
pub(crate) fn throw_iop(env: &mut Env<'_>, error: &iop::Error) {
    throw_iop_caused(env, error, None);
}

/// As [`throw_iop`], with `cause` (a `Throwable`) as the exception's cause.
pub(crate) fn throw_iop_caused(env: &mut Env<'_>, error: &iop::Error, cause: Option<&JObject<'_>>) {
    let built = env.with_local_frame(16, |env| -> jni::errors::Result<()> {
        let exception = new_iop_exception(env, error)?;
        if let Some(cause) = cause {
            env.call_method(
                &exception,
                jni_str!("initCause"),
                jni_sig!("(Ljava/lang/Throwable;)Ljava/lang/Throwable;"),
                &[JValue::Object(cause)],
            )?;
        }
        let throwable = jni::objects::JThrowable::cast_local(env, exception)?;
        env.throw(throwable)
    });
    if built.is_err() && !env.exception_check() {
        let _ = env.throw_new(jni_str!("java/lang/Error"), jni::strings::JNIString::from(error.message()));
    }
}

pub(crate) fn new_iop_exception<'l>(env: &mut Env<'l>, error: &iop::Error) -> jni::errors::Result<JObject<'l>> {
    let platform = error.platform_error();
    let kind = JString::from_str(env, kind_name(error.kind()))?;
    let message = JString::from_str(env, error.message())?;
    let code = opt_jstring(env, platform.map(|p| p.code.as_str()).filter(|c| !c.is_empty()))?;
    let error_type = opt_jstring(env, platform.and_then(|p| p.error_type.as_deref()))?;
    let sub_code = opt_jstring(env, platform.and_then(|p| p.sub_code.as_deref()))?;
    let sub_message = opt_jstring(env, platform.and_then(|p| p.sub_message.as_deref()))?;
    let request_id = opt_jstring(env, platform.and_then(|p| p.request_id.as_deref()))?;
    let status = error.http_status().map_or(0, jint::from);
    let retry_after_ms = millis_or_none(error.retry_after());
    let class = env.find_class(jni_str!("io/iopkit/IopException"))?;
    let value = env.call_static_method(
        &class,
        jni_str!("fromNative"),
        jni_sig!(
            "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;IJ)Lio/iopkit/IopException;"
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
            JValue::Long(retry_after_ms),
        ],
    )?;
    value.l()
}

/// Runs an entry point's body with panics caught and failures thrown as Java exceptions.
pub(crate) fn run<'l, T: Default>(env: &mut EnvUnowned<'l>, body: impl FnOnce(&mut Env<'l>) -> Outcome<T>) -> T {
    env.with_env(body).resolve::<ThrowIop>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_listed_once_with_a_distinct_name() {
        let names: std::collections::HashSet<_> = KINDS.iter().map(|k| kind_name(*k)).collect();
        assert_eq!(names.len(), KINDS.len());
    }
}
