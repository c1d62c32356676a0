//! The callback store: an application's `io.iopkit.TokenStore` object as an
//! [`iop::manager::TokenStore`].
//!
//! The core calls the store on the thread that uses the manager (a Java thread inside a native
//! method), so each callback gets its `Env` from [`JavaVM::attach_current_thread`] (cheap for an
//! attached thread; it pushes a local frame, so no local reference outlives the callback). An
//! exception thrown by the Java method is cleared at once and becomes an `iop::Error` naming the
//! callback and the exception's class; the exception itself is kept for the calling thread
//! (see [`CallbackScope`]) and becomes the cause of the `IopException` the caller receives.

use std::cell::RefCell;
use std::time::Duration;

use iop::manager::{StoreLock, TokenRecord, TokenStore};
use iop::{Error, ErrorKind, Result};
use jni::objects::{JObject, JObjectArray, JString, JThrowable};
use jni::refs::{Global, Reference as _};
use jni::{Env, JValue, JavaVM, jni_sig, jni_str};

use crate::failure::{Failure, Outcome, throw_iop_caused};

thread_local! {
    /// The exception a store callback threw during the current native call of this thread.
    static CAUSE: RefCell<Option<Global<JThrowable<'static>>>> = const { RefCell::new(None) };
}

fn take_cause() -> Option<Global<JThrowable<'static>>> {
    CAUSE.with(|c| c.borrow_mut().take())
}

/// Brackets a native call that may run store callbacks: the call starts with no kept exception
/// and, when it ends, the thread's kept exception is what it was before (a native call made from
/// inside a callback neither sees nor loses the outer call's), so a global reference never
/// outlives its call (nor reaches thread exit).
pub(crate) struct CallbackScope {
    outer: Option<Global<JThrowable<'static>>>,
}

impl CallbackScope {
    /// Starts a scope, setting aside the exception kept by an enclosing call, if any.
    pub(crate) fn enter() -> CallbackScope {
        CallbackScope { outer: take_cause() }
    }

    /// The result of the call: an error caused by a callback's exception is thrown here with
    /// that exception as its cause (the error policy then leaves it pending); other errors are
    /// returned to the policy as they are.
    pub(crate) fn finish<T>(self, env: &mut Env<'_>, result: Result<T>) -> Outcome<T> {
        match (result, take_cause()) {
            (Ok(value), _) => Ok(value),
            (Err(error), None) => Err(error.into()),
            (Err(error), Some(cause)) => {
                throw_iop_caused(env, &error, Some(cause.as_obj()));
                Err(Failure::Jni(jni::errors::Error::JavaException))
            }
        }
    }
}

impl Drop for CallbackScope {
    fn drop(&mut self) {
        let outer = self.outer.take();
        drop(CAUSE.with(|c| std::mem::replace(&mut *c.borrow_mut(), outer)));
    }
}

/// An application's `TokenStore` object, kept alive by a global reference as long as this
/// store (and so every manager using it) lives.
pub(crate) struct JavaStore {
    vm: JavaVM,
    object: Global<JObject<'static>>,
}

impl JavaStore {
    /// Wraps `object` (a non-null `io.iopkit.TokenStore`).
    pub(crate) fn new(env: &Env<'_>, object: &JObject<'_>) -> jni::errors::Result<JavaStore> {
        Ok(JavaStore { vm: env.get_java_vm()?, object: env.new_global_ref(object)? })
    }

    /// Runs `call` on the store object; a Java exception is cleared and becomes an error (kept
    /// as the cause when `keep_cause`).
    fn call<T>(
        &self,
        what: &str,
        keep_cause: bool,
        call: impl FnOnce(&mut Env<'_>, &JObject<'static>) -> jni::errors::Result<T>,
    ) -> Result<T> {
        let outcome = self.vm.attach_current_thread(|env| -> jni::errors::Result<Result<T>> {
            match call(env, self.object.as_obj()) {
                Ok(value) => Ok(Ok(value)),
                Err(e) => Ok(Err(caught(env, what, keep_cause, &e))),
            }
        });
        outcome.unwrap_or_else(|e| {
            Err(Error::new(ErrorKind::Internal, format!("the token store's `{what}` callback could not run: {e}")))
        })
    }

    fn unlock(&self, account: &str) {
        // A failure to unlock cannot be reported (the guard is dropping); the store's lock
        // timeout is the remedy, as for a process that died holding it.
        let _ = self.call("unlock", false, |env, obj| {
            let account = JString::from_str(env, account)?;
            env.call_method(obj, jni_str!("unlock"), jni_sig!("(Ljava/lang/String;)V"), &[JValue::Object(&account)])?
                .v()
        });
    }
}

/// The error for a failed callback; clears a pending exception (kept as the cause when asked).
fn caught(env: &mut Env<'_>, what: &str, keep_cause: bool, error: &jni::errors::Error) -> Error {
    let Some(thrown) = env.exception_occurred() else {
        return Error::new(ErrorKind::Internal, format!("the token store's `{what}` callback failed: {error}"));
    };
    env.exception_clear();
    // Only the class: the exception's message is the application's and could quote a record.
    let class = class_name(env, &thrown).unwrap_or_else(|| "an exception".to_owned());
    if keep_cause && let Ok(global) = env.new_global_ref(&thrown) {
        CAUSE.with(|c| {
            let mut c = c.borrow_mut();
            if c.is_none() {
                *c = Some(global);
            }
        });
    }
    Error::new(ErrorKind::Internal, format!("the token store's `{what}` callback threw {class}"))
}

fn class_name(env: &mut Env<'_>, thrown: &JThrowable<'_>) -> Option<String> {
    let name = (|| -> jni::errors::Result<String> {
        let class = env.get_object_class(thrown)?;
        let name = env.call_method(&class, jni_str!("getName"), jni_sig!("()Ljava/lang/String;"), &[])?.l()?;
        env.cast_local::<JString>(name)?.try_to_string(env)
    })();
    if env.exception_check() {
        env.exception_clear();
    }
    name.ok()
}

/// A Java string's text, `None` for `null`.
fn opt_text(env: &mut Env<'_>, value: JObject<'_>) -> jni::errors::Result<Option<String>> {
    if value.is_null() {
        return Ok(None);
    }
    Ok(Some(env.cast_local::<JString>(value)?.try_to_string(env)?))
}

impl TokenStore for JavaStore {
    fn load(&self, account: &str) -> Result<Option<TokenRecord>> {
        let json = self.call("load", true, |env, obj| {
            let account = JString::from_str(env, account)?;
            let value = env
                .call_method(
                    obj,
                    jni_str!("load"),
                    jni_sig!("(Ljava/lang/String;)Ljava/lang/String;"),
                    &[JValue::Object(&account)],
                )?
                .l()?;
            opt_text(env, value)
        })?;
        json.map(|j| TokenRecord::from_json(&j)).transpose()
    }

    fn compare_and_swap(&self, account: &str, expected_version: u64, record: &TokenRecord) -> Result<bool> {
        let expected = i64::try_from(expected_version)
            .map_err(|_| Error::new(ErrorKind::Internal, "a record version is beyond Java's long"))?;
        let json = record.to_json();
        self.call("compareAndSwap", true, |env, obj| {
            let account = JString::from_str(env, account)?;
            let json = JString::from_str(env, &json)?;
            env.call_method(
                obj,
                jni_str!("compareAndSwap"),
                jni_sig!("(Ljava/lang/String;JLjava/lang/String;)Z"),
                &[JValue::Object(&account), JValue::Long(expected), JValue::Object(&json)],
            )?
            .z()
        })
    }

    fn lock(&self, account: &str, timeout: Duration) -> Result<StoreLock<'_>> {
        let ms = i64::try_from(timeout.as_millis()).unwrap_or(i64::MAX);
        let taken = self.call("lock", true, |env, obj| {
            let account = JString::from_str(env, account)?;
            env.call_method(
                obj,
                jni_str!("lock"),
                jni_sig!("(Ljava/lang/String;J)Z"),
                &[JValue::Object(&account), JValue::Long(ms)],
            )?
            .z()
        })?;
        if !taken {
            return Err(Error::new(
                ErrorKind::Timeout,
                format!("the refresh lock of account `{account}` stayed taken for {ms} ms"),
            ));
        }
        let account = account.to_owned();
        Ok(StoreLock::new(move || self.unlock(&account)))
    }

    fn accounts(&self) -> Result<Vec<String>> {
        let listed = self.call("accounts", true, |env, obj| -> jni::errors::Result<Option<Vec<Option<String>>>> {
            let list = env.call_method(obj, jni_str!("accounts"), jni_sig!("()Ljava/util/List;"), &[])?.l()?;
            if list.is_null() {
                return Ok(None);
            }
            let array = env.call_method(&list, jni_str!("toArray"), jni_sig!("()[Ljava/lang/Object;"), &[])?.l()?;
            let array = JObjectArray::<JObject>::cast_local(env, array)?;
            let len = array.len(env)?;
            let mut out = Vec::with_capacity(len);
            for i in 0..len {
                out.push(env.with_local_frame(4, |env| -> jni::errors::Result<Option<String>> {
                    let element = array.get_element(env, i)?;
                    if element.is_null() || !env.is_instance_of(&element, jni_str!("java/lang/String"))? {
                        return Ok(None);
                    }
                    opt_text(env, element)
                })?);
            }
            Ok(Some(out))
        })?;
        let Some(listed) = listed else {
            return Err(Error::invalid_argument("store", "lists no accounts (its accounts() returned null)"));
        };
        listed.into_iter().collect::<Option<Vec<String>>>().ok_or_else(|| {
            Error::new(ErrorKind::Internal, "the token store's `accounts` callback listed a null or a non-String")
        })
    }
}
