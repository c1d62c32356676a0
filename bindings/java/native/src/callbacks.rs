//! An application's `io.iopkit.TokenStore` as `IopTokenStoreCallbacks` (`StoreCallbacks.create/free`):
//! `user_data` owns a global reference to it. Callbacks run on the thread using a manager and take
//! their `Env` (and a local frame) from [`JavaVM::attach_current_thread`]. A Java exception is
//! cleared at once and the callback returns -1; the exception is kept for this thread and becomes
//! the cause of the `IopException` thrown for the failed call. A panic returns -1 too.

use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};

use jni::objects::{JClass, JObject, JObjectArray, JString, JThrowable};
use jni::refs::{Global, Reference as _};
use jni::sys::jlong;
use jni::{Env, EnvUnowned, JValue, JavaVM, jni_sig, jni_str};

use crate::generated::*;
use crate::run;

thread_local! {
    /// The exception a store callback threw during the current native call of this thread.
    static CAUSE: RefCell<Option<Global<JThrowable<'static>>>> = const { RefCell::new(None) };
}

/// Takes the exception a callback of this thread threw, if any.
pub(crate) fn take_cause() -> Option<Global<JThrowable<'static>>> {
    CAUSE.with(|c| c.borrow_mut().take())
}

/// What `user_data` points to.
struct JavaStore {
    vm: JavaVM,
    store: Global<JObject<'static>>,
}

/// `long StoreCallbacks.create(TokenStore store)`: an `IopTokenStoreCallbacks` calling `store`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_StoreCallbacks_create<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    store: JObject<'l>,
) -> jlong {
    run(&mut env, |env| {
        let user = Box::new(JavaStore { vm: env.get_java_vm()?, store: env.new_global_ref(&store)? });
        let callbacks = IopTokenStoreCallbacks {
            user_data: Box::into_raw(user).cast(),
            load: Some(load),
            compare_and_swap: Some(compare_and_swap),
            lock: Some(lock),
            unlock: Some(unlock),
            accounts: Some(accounts),
        };
        Ok(Box::into_raw(Box::new(callbacks)) as usize as jlong)
    })
}

/// `void StoreCallbacks.free(long callbacks)`: releases what `create` made; 0 is ignored.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_StoreCallbacks_free<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    callbacks: jlong,
) {
    run(&mut env, |_env| {
        if callbacks != 0 {
            // SAFETY: from `create`, freed once by the Java side after every store and manager
            // using it is freed.
            let callbacks = unsafe { Box::from_raw(callbacks as usize as *mut IopTokenStoreCallbacks) };
            drop(unsafe { Box::from_raw(callbacks.user_data.cast::<JavaStore>()) });
        }
        Ok(())
    })
}

/// Runs `call` on the store object; its result, or -1 when it threw, failed or panicked.
fn with_store(
    user_data: *mut c_void,
    call: impl FnOnce(&mut Env<'_>, &JObject<'_>) -> jni::errors::Result<i32>,
) -> i32 {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: `user_data` is the `JavaStore` of `create`, alive while the store is.
        let store = unsafe { &*user_data.cast::<JavaStore>() };
        store.vm.attach_current_thread(|env| -> jni::errors::Result<i32> {
            let result = call(env, store.store.as_obj());
            if let Some(thrown) = env.exception_occurred() {
                env.exception_clear();
                let global = env.new_global_ref(&thrown)?;
                CAUSE.with(|c| {
                    c.borrow_mut().get_or_insert(global);
                });
                return Ok(-1);
            }
            Ok(result.unwrap_or(-1))
        })
    }));
    match outcome {
        Ok(Ok(code)) => code,
        _ => -1,
    }
}

/// A borrowed C string of a callback as a Java string (`null` for NULL).
pub(crate) fn jstr<'l>(env: &mut Env<'l>, s: *const c_char) -> jni::errors::Result<JString<'l>> {
    if s.is_null() {
        return Ok(JString::null());
    }
    // SAFETY: the library passes NUL-terminated strings valid during the callback.
    JString::from_str(env, unsafe { CStr::from_ptr(s) }.to_string_lossy())
}

/// Hands `text` to the library (`iop_token_store_value_set`).
fn set_value(value: *mut IopTokenStoreValue, text: &str) -> i32 {
    match CString::new(text) {
        // SAFETY: `value` is the pointer the running callback received.
        Ok(text) => unsafe { iop_token_store_value_set(value, text.as_ptr()) },
        Err(_) => -1,
    }
}

unsafe extern "C" fn load(user_data: *mut c_void, account: *const c_char, value: *mut IopTokenStoreValue) -> i32 {
    with_store(user_data, |env, store| {
        let account = jstr(env, account)?;
        let json = env
            .call_method(
                store,
                jni_str!("load"),
                jni_sig!("(Ljava/lang/String;)Ljava/lang/String;"),
                &[JValue::Object(&account)],
            )?
            .l()?;
        if json.is_null() {
            return Ok(0);
        }
        let json = env.cast_local::<JString>(json)?.try_to_string(env)?;
        Ok(set_value(value, &json))
    })
}

unsafe extern "C" fn compare_and_swap(
    user_data: *mut c_void,
    account: *const c_char,
    expected_version: u64,
    record_json: *const c_char,
) -> i32 {
    let Ok(expected) = i64::try_from(expected_version) else { return -1 };
    with_store(user_data, |env, store| {
        let account = jstr(env, account)?;
        let json = jstr(env, record_json)?;
        let stored = env
            .call_method(
                store,
                jni_str!("compareAndSwap"),
                jni_sig!("(Ljava/lang/String;JLjava/lang/String;)Z"),
                &[JValue::Object(&account), JValue::Long(expected), JValue::Object(&json)],
            )?
            .z()?;
        Ok(if stored { 0 } else { 1 })
    })
}

unsafe extern "C" fn lock(user_data: *mut c_void, account: *const c_char, timeout: i64) -> i32 {
    with_store(user_data, |env, store| {
        let account = jstr(env, account)?;
        let taken = env
            .call_method(
                store,
                jni_str!("lock"),
                jni_sig!("(Ljava/lang/String;J)Z"),
                &[JValue::Object(&account), JValue::Long(timeout)],
            )?
            .z()?;
        Ok(if taken { 0 } else { 1 })
    })
}

unsafe extern "C" fn unlock(user_data: *mut c_void, account: *const c_char) {
    // A failed unlock cannot be reported; the store's lock expiry is the remedy.
    with_store(user_data, |env, store| {
        let account = jstr(env, account)?;
        env.call_method(store, jni_str!("unlock"), jni_sig!("(Ljava/lang/String;)V"), &[JValue::Object(&account)])?;
        Ok(0)
    });
}

unsafe extern "C" fn accounts(user_data: *mut c_void, value: *mut IopTokenStoreValue) -> i32 {
    with_store(user_data, |env, store| {
        let list = env.call_method(store, jni_str!("accounts"), jni_sig!("()Ljava/util/List;"), &[])?.l()?;
        if list.is_null() {
            return Ok(2);
        }
        let array = env.call_method(&list, jni_str!("toArray"), jni_sig!("()[Ljava/lang/Object;"), &[])?.l()?;
        let array = JObjectArray::<JObject>::cast_local(env, array)?;
        let mut names = Vec::new();
        for i in 0..array.len(env)? {
            names.push(env.with_local_frame(4, |env| -> jni::errors::Result<Option<String>> {
                let element = array.get_element(env, i)?;
                if element.is_null() || !env.is_instance_of(&element, jni_str!("java/lang/String"))? {
                    return Ok(None);
                }
                Ok(Some(env.cast_local::<JString>(element)?.try_to_string(env)?))
            })?);
        }
        let Some(names) = names.into_iter().collect::<Option<Vec<String>>>() else { return Ok(3) };
        Ok(set_value(value, &serde_json::to_string(&names).unwrap_or_default()))
    })
}
