//! `iopkit-sandbox`: a local gateway that speaks the Alibaba IOP protocol (Lazada, AliExpress,
//! Taobao TW) on loopback, for tests of `iopkit` and its bindings.
//!
//! It verifies requests exactly as the platforms do (app key, system parameters, the ±7200 s
//! timestamp window, HMAC-SHA256 signatures computed with `iop::sign`), issues one-time
//! authorization codes through a simulated OAuth page, exchanges and rotates tokens with the
//! platforms' lifetimes, and answers in each platform's field spellings. A virtual clock, which
//! tests can advance, drives every expiry; the timestamp window uses the real wall clock.
//!
//! ```no_run
//! use iop_sandbox::{Config, Flavour, Sandbox, DEFAULT_APP_KEY};
//! let sandbox = Sandbox::start(Config::default())?;
//! let code = sandbox.issue_code(DEFAULT_APP_KEY).expect("known app");
//! println!("{} {}", sandbox.base_url(Flavour::Lazada), code.len());
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! The library is also a `cdylib` with a small C ABI ([`ffi`]), so tests written in other
//! languages can start a sandbox in-process; the `iop-sandbox` binary runs one as a process.

#![warn(missing_docs)]

mod api;
mod clock;
mod config;
mod control;
mod enos;
mod envelope;
mod faults;
mod flavour;
mod http1;
mod ids;
mod limits;
mod multipart;
mod oauth;
mod push;
mod reply;
mod request;
mod routes;
mod server;
mod state;
mod verify;

pub mod ffi;
#[doc(hidden)]
pub mod fuzz;

pub use config::{
    AppConfig, Config, ConfigError, DEFAULT_ACCESS_TTL_SECS, DEFAULT_APP_KEY, DEFAULT_APP_SECRET,
    DEFAULT_CODE_TTL_SECS, DEFAULT_ENOS_APP_KEY, DEFAULT_ENOS_APP_SECRET, DEFAULT_ENOS_TOKEN_TTL_SECS,
    DEFAULT_REFRESH_TTL_SECS, DOC_SAMPLE_CODES, DOC_SAMPLE_ENOS_ACCESS_TOKEN, DOC_SAMPLE_REFRESH_TOKENS, EnosAppConfig,
    NON_REFRESHABLE_APP_KEY, NON_REFRESHABLE_APP_SECRET, Preset,
};
pub use envelope::DEFAULT_API_ERROR_STATUS;
pub use faults::closed_port;
pub use flavour::Flavour;
pub use limits::log::{LoggedRequest, MAX_LOGGED_REQUESTS};
pub use limits::{DAY_OFFSET_MS, LimitsConfig, MAX_BAN_SECS, Rate};
pub use push::{ALERT_WINDOW_MS, MAX_RETRIES, PushDelivery, RETRY_INTERVAL_MS};
pub use request::MAX_BODY_BYTES;
pub use server::{Sandbox, Stats};
pub use verify::TIMESTAMP_WINDOW_SECS;
