//! The gateway's clock, read from the `Date` header of one request, against the local clock.
//!
//! A gateway rejects a `timestamp` more than ±7200 s away from its clock with
//! `IncompleteSignature`, the same answer as a wrong signature; measuring the skew tells the
//! two apart. The `Date` header has whole seconds, so the figure is good to about a second
//! plus half the round trip.

use std::time::Instant;

use crate::client::{Client, now_ms};
use crate::config::ClientConfig;
use crate::datetime::parse_http_date;
use crate::error::{Error, ErrorKind, Result};
use crate::gateway::Gateway;
use crate::transport;

/// One measurement of the gateway's clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockSkew {
    /// The gateway's clock, UTC epoch ms (its `Date` header plus half a second).
    pub gateway_ms: i64,
    /// The local clock halfway through the exchange, UTC epoch ms.
    pub local_ms: i64,
    /// `gateway_ms - local_ms`: positive when the gateway is ahead of this machine.
    pub skew_ms: i64,
    /// How long the exchange took, in ms.
    pub round_trip_ms: i64,
    /// The HTTP status of the answer (any status will do: only its `Date` counts).
    pub http_status: u16,
}

impl ClockSkew {
    /// The gateway's clock now, estimated from this measurement and the local clock.
    pub fn gateway_now_ms(&self) -> i64 {
        now_ms().saturating_add(self.skew_ms)
    }
}

/// Measures the clock of the gateway at `base_url` with one bare `GET` (no parameters, nothing
/// signed), with `config`'s timeouts and TLS settings.
///
/// # Errors
/// The transport errors of a call; [`ErrorKind::MalformedResponse`] when the answer has no
/// usable `Date` header.
pub fn measure(base_url: &str, config: &ClientConfig) -> Result<ClockSkew> {
    let gateway = Gateway::new(base_url, "server_url", config.clone())?;
    let active = gateway.active();
    gateway.check_scheme(&active)?;
    let (started, local_before) = (Instant::now(), now_ms());
    let (http_status, date) = transport::get_date(&active.agent, gateway.base_url())?;
    let round_trip_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let local_ms = local_before.saturating_add(round_trip_ms / 2);
    let date = date.ok_or_else(|| {
        Error::new(
            ErrorKind::MalformedResponse,
            format!("the gateway's answer (HTTP {http_status}) has no Date header"),
        )
    })?;
    let gateway_ms = parse_http_date(&date)
        .ok_or_else(|| Error::new(ErrorKind::MalformedResponse, "the gateway's Date header is not an HTTP date"))?
        .saturating_add(500);
    Ok(ClockSkew { gateway_ms, local_ms, skew_ms: gateway_ms.saturating_sub(local_ms), round_trip_ms, http_status })
}

impl Client {
    /// Measures this client's gateway clock against the local clock (see [`measure`]).
    pub fn clock_skew(&self) -> Result<ClockSkew> {
        measure(self.server_url(), &self.config())
    }
}
