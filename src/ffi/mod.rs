//! The C ABI (`include/iop.h`). Every function checks its pointers, catches panics, and
//! reports failures as an [`status::IopStatus`] plus a thread-local last error.
//!
//! Grammar: `iop_<object>_<verb>`; opaque handles with `_new`/`_free`; out-parameters last
//! and written only on `IOP_OK`; ownership stated on each function.

pub mod authorize;
pub mod batch;
pub mod client;
pub mod config;
pub mod enos;
pub(crate) mod guard;
pub mod last_error;
pub mod limits;
pub mod log;
pub mod manager;
pub mod push;
pub mod request;
pub mod response;
pub mod status;
pub mod store;
pub mod strings;
pub mod token;
pub mod version;
