//! Library version, for the header's macros and `iop_version()`.

use std::ffi::c_char;

use super::status::{ALL_STATUSES, IopStatus};

/// Major version of this header (checked against the crate version by a test).
pub const IOP_VERSION_MAJOR: u32 = 0;
/// Minor version of this header.
pub const IOP_VERSION_MINOR: u32 = 2;
/// Patch version of this header.
pub const IOP_VERSION_PATCH: u32 = 0;

/// The library's version, e.g. `"0.2.0"`: static, never free it. Bindings compare its
/// major and minor parts with the header they were built for.
#[unsafe(no_mangle)]
pub extern "C" fn iop_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The name of a status value (`"IOP_ERR_TIMEOUT"`), static; `"IOP_UNKNOWN_STATUS"` for a value
/// that is not an `IopStatus`.
#[unsafe(no_mangle)]
pub extern "C" fn iop_status_name(status: i32) -> *const c_char {
    ALL_STATUSES
        .iter()
        .find(|s| **s as i32 == status)
        .map_or(c"IOP_UNKNOWN_STATUS".as_ptr(), |s: &IopStatus| s.name().as_ptr())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_version_matches_crate() {
        assert_eq!(IOP_VERSION_MAJOR.to_string(), env!("CARGO_PKG_VERSION_MAJOR"));
        assert_eq!(IOP_VERSION_MINOR.to_string(), env!("CARGO_PKG_VERSION_MINOR"));
        assert_eq!(IOP_VERSION_PATCH.to_string(), env!("CARGO_PKG_VERSION_PATCH"));
    }
}
