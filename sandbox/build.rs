//! Gives the sandbox's shared library its own SONAME (`libiop_sandbox.so.<major>`) on Linux.

fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").expect("set by cargo");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo::rustc-link-arg-cdylib=-Wl,-soname,libiop_sandbox.so.{major}");
    }
}
