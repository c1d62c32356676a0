//! The log callback (`iop_log_set_callback`): each event calls the static Java method
//! `io.iopkit.internal.LogBridge.dispatch(int, String, String, String)` on the thread that made
//! it, attaching a native thread (a batch worker) to the JVM for as long as it lives. A Java
//! exception is cleared (the attachment returns it as an error, dropped here) and a panic is
//! caught: the callback always returns normally.

use std::ffi::{c_char, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::OnceLock;

use jni::objects::JClass;
use jni::refs::Global;
use jni::sys::jlong;
use jni::{EnvUnowned, JValue, JavaVM, jni_sig, jni_str};

use crate::callbacks::jstr;
use crate::generated::IopLogLevel;
use crate::run;

/// The VM and the `LogBridge` class (a global reference: a native thread's class loader would
/// not find it by name).
struct Bridge {
    vm: JavaVM,
    class: Global<JClass<'static>>,
}

static BRIDGE: OnceLock<Bridge> = OnceLock::new();

/// `long LogBridge.callback()`: the address of [`on_event`] (an `IopLogCallback`), which Java
/// hands to `iop_log_set_callback`; keeps what it needs to reach the class.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_iopkit_internal_LogBridge_callback<'l>(
    mut env: EnvUnowned<'l>,
    class: JClass<'l>,
) -> jlong {
    run(&mut env, |env| {
        if BRIDGE.get().is_none() {
            let _ = BRIDGE.set(Bridge { vm: env.get_java_vm()?, class: env.new_global_ref(&class)? });
        }
        Ok(on_event as *const () as usize as jlong)
    })
}

/// The `IopLogCallback`: one event to `LogBridge.dispatch` on this thread.
unsafe extern "C" fn on_event(
    _user_data: *mut c_void,
    level: IopLogLevel,
    event: *const c_char,
    message: *const c_char,
    fields_json: *const c_char,
) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let Some(bridge) = BRIDGE.get() else { return };
        let _ = bridge.vm.attach_current_thread(|env| -> jni::errors::Result<()> {
            let event = jstr(env, event)?;
            let message = jstr(env, message)?;
            let fields = jstr(env, fields_json)?;
            env.call_static_method(
                &bridge.class,
                jni_str!("dispatch"),
                jni_sig!("(ILjava/lang/String;Ljava/lang/String;Ljava/lang/String;)V"),
                &[JValue::Int(level), JValue::Object(&event), JValue::Object(&message), JValue::Object(&fields)],
            )?;
            Ok(())
        });
    }));
}
