//! Entry points about the library itself: versions, error kinds, gateway URLs, a panic probe.

use crate::args::*;
use crate::failure::*;
use jni::EnvUnowned;
use jni::objects::{JClass, JObjectArray, JString};
use jni::sys::jint;

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
const INTERFACE_VERSION: jint = 4;

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
