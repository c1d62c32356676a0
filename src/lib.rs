//! iopkit: a client for the Alibaba IOP open platforms (Lazada, AliExpress, Taobao TW and
//! siblings), with a C ABI (`include/iop.h`).
//!
//! Layers, each in its own module: [`sign`] (the signature), [`request`] and [`response`]
//! (what is sent and received), [`token`] (normalized tokens), [`client`] (signing + HTTP
//! through [`transport`]), and [`ffi`] (the C ABI).

#![warn(missing_docs)]

pub mod client;
pub mod config;
pub mod error;
pub mod ffi;
pub mod protocol;
mod redact;
pub mod request;
pub mod response;
pub mod secret;
pub mod sign;
pub mod token;
mod transport;
pub mod urls;

pub use client::{Client, SignedRequest};
pub use config::ClientConfig;
pub use error::{Error, ErrorKind, PlatformError, Result};
pub use protocol::Protocol;
pub use request::{HttpMethod, Request};
pub use response::Response;
pub use secret::Secret;
pub use token::{CountryUserInfo, Token};
