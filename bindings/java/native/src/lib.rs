//! JNI entry points of the iopkit Java binding (`io.iopkit`): the static native methods of
//! `io.iopkit.internal.Native`, calling the Rust core (`iop`) directly.
//!
//! Rules every entry point follows:
//! - The body runs inside [`EnvUnowned::with_env`], which catches panics; failures are turned
//!   into a thrown Java exception by [`failure::ThrowIop`] and the function returns a default value with
//!   that exception pending. Nothing unwinds into the JVM.
//! - Core errors become `io.iopkit.IopException` subclasses through the static Java factory
//!   `IopException.fromNative(kind, message, code, type, subCode, subMessage, requestId, httpStatus)`.
//! - After any JNI call that left a Java exception pending, no further JNI call is made: the
//!   error propagates with `?` and [`failure::ThrowIop`] leaves the pending exception in place.
//! - Loops that create Java objects run each iteration in a local frame.
//! - Client handles are `Box<iop::Client>` pointers passed as `long`; the Java side guarantees
//!   a handle is not used after (or while) it is freed.

mod args;
mod client;
mod failure;
mod info;
mod token;
