//! iopkit: a client for the Alibaba IOP open platforms (Lazada, AliExpress, Taobao TW and
//! siblings), with a C ABI (`include/iop.h`).
//!
//! Layers, each in its own module: [`sign`] (the signature), [`request`] and [`response`]
//! (what is sent and received), [`token`] (normalized tokens), [`client`] (signing + HTTP
//! through [`transport`]), [`enos`] (the EnOS token service and signed calls), [`authorize`]
//! (authorization links and their `state`), [`push`] (verifying push messages), [`skew`] (the gateway's clock, for a rejected
//! signature), and [`ffi`] (the C ABI).

#![warn(missing_docs)]

pub mod authorize;
pub mod batch;
pub mod client;
pub mod config;
pub mod datetime;
pub mod enos;
pub mod error;
pub mod events;
pub mod ffi;
mod gateway;
pub mod limits;
pub mod manager;
pub mod protocol;
pub mod push;
mod redact;
pub mod request;
pub mod response;
pub mod retry;
pub mod secret;
pub mod sign;
pub mod skew;
pub mod throttle;
pub mod token;
mod transport;
pub mod urlencode;
pub mod urls;

pub use client::{Client, SignedRequest};
pub use config::ClientConfig;
pub use error::{Error, ErrorKind, PlatformError, Result};
pub use protocol::Protocol;
pub use request::{HttpMethod, Request};
pub use response::Response;
pub use secret::Secret;
pub use token::{CountryUserInfo, Token};
