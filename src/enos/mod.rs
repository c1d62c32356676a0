//! EnOS API management: the token service (get, refresh) and calls signed with the token's
//! `apim-*` headers. See [`EnosClient`].

mod client;
mod sign;
mod status;
mod timestamp;
mod token;

pub use client::{EnosClient, TOKEN_GET_PATH, TOKEN_REFRESH_PATH};
pub use sign::{
    ApimHeaders, HEADER_ACCESS_TOKEN, HEADER_SIGNATURE, HEADER_TIMESTAMP, apim_signature, encryption, params_data,
};
pub use status::EnosStatus;
pub use timestamp::fresh_timestamp_ms;
pub use token::EnosToken;
