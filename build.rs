//! Gives the shared library a SONAME (`libiop.so.<major>`) on Linux.
//!
//! `rustc-link-arg` applies to this package only; the cdylib-specific form would also be handed
//! to every cdylib that depends on this crate (the sandbox's), giving it our SONAME.

fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").expect("set by cargo");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo::rustc-link-arg=-Wl,-soname,libiop.so.{major}");
    }
}
