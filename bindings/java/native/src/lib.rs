//! JNI entry points of the iopkit Java binding (`io.iopkit`): the static native methods of
//! `io.iopkit.internal.Native`, calling the Rust core (`iop`) directly.
//!
//! Rules every entry point follows:
//! - The body runs inside [`EnvUnowned::with_env`], which catches panics; failures are turned
//!   into a thrown Java exception by [`failure::ThrowIop`] and the function returns a default value with
//!   that exception pending. Nothing unwinds into the JVM.
//! - Core errors become `io.iopkit.IopException` subclasses through the static Java factory
//!   `IopException.fromNative(kind, message, code, type, subCode, subMessage, requestId, httpStatus,
//!   retryAfterMs)`.
//! - After any JNI call that left a Java exception pending, no further JNI call is made: the
//!   error propagates with `?` and [`failure::ThrowIop`] leaves the pending exception in place.
//! - Loops that create Java objects run each iteration in a local frame.
//! - Handles are `Box` pointers passed as `long`: clients as `Box<Arc<iop::Client>>` (or
//!   `Box<Arc<iop::enos::EnosClient>>`, shared with the token managers made from them), token
//!   stores as `Box<store::StoreHandle>`, managers as `Box<iop::manager::TokenManager>`. The Java
//!   side guarantees a handle is not used after (or while) it is freed.
//! - A store implemented in Java is called back through [`java_store::JavaStore`]; an exception
//!   it throws is cleared at once and never left pending.

mod args;
mod authorize;
mod client;
mod enos;
mod failure;
mod handle;
mod info;
mod java_store;
mod manager;
mod store;
mod token;
