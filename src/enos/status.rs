//! The token service's documented `status` values.

use crate::error::Error;

/// A documented non-zero `status` of the EnOS token service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EnosStatus {
    /// 1001: the `encryption` was already used (a replay); send a fresh timestamp.
    DuplicatedEncryption,
    /// 1002: the app key is unknown.
    UnknownAppKey,
    /// 1003: the `encryption` does not match (wrong secret or timestamp).
    InvalidEncryption,
    /// 1004: a parameter is invalid.
    InvalidParameter,
    /// 1005: the service failed internally.
    InternalError,
    /// 1202: a required parameter is empty.
    EmptyParameter,
    /// 1203: the access token has expired; get a new one.
    TokenExpired,
    /// 1204: the refresh failed.
    RefreshFailed,
}

impl EnosStatus {
    /// Every documented status, in value order.
    pub const ALL: [EnosStatus; 8] = [
        EnosStatus::DuplicatedEncryption,
        EnosStatus::UnknownAppKey,
        EnosStatus::InvalidEncryption,
        EnosStatus::InvalidParameter,
        EnosStatus::InternalError,
        EnosStatus::EmptyParameter,
        EnosStatus::TokenExpired,
        EnosStatus::RefreshFailed,
    ];

    /// The numeric `status`.
    pub fn code(self) -> i64 {
        match self {
            EnosStatus::DuplicatedEncryption => 1001,
            EnosStatus::UnknownAppKey => 1002,
            EnosStatus::InvalidEncryption => 1003,
            EnosStatus::InvalidParameter => 1004,
            EnosStatus::InternalError => 1005,
            EnosStatus::EmptyParameter => 1202,
            EnosStatus::TokenExpired => 1203,
            EnosStatus::RefreshFailed => 1204,
        }
    }

    /// The status with numeric value `code`, if documented.
    pub fn from_code(code: i64) -> Option<EnosStatus> {
        EnosStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// What the status means, as documented.
    pub fn description(self) -> &'static str {
        match self {
            EnosStatus::DuplicatedEncryption => "duplicated encryption (replayed request)",
            EnosStatus::UnknownAppKey => "unknown appKey",
            EnosStatus::InvalidEncryption => "invalid encryption",
            EnosStatus::InvalidParameter => "invalid parameter",
            EnosStatus::InternalError => "internal error",
            EnosStatus::EmptyParameter => "empty parameter",
            EnosStatus::TokenExpired => "token expired",
            EnosStatus::RefreshFailed => "refresh failed",
        }
    }

    /// The documented status carried by `error`, if it came from the token service.
    pub fn of(error: &Error) -> Option<EnosStatus> {
        EnosStatus::from_code(error.platform_error()?.code.parse().ok()?)
    }
}
