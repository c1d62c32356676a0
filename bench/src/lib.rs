//! Benchmarks of iopkit (`scripts/bench`): the workload every layer runs, the canned-response
//! server the calls go to, the floor client they are compared with, and the report table.
//!
//! The figures are printed, never asserted: benchmarks are not tests.

#![warn(missing_docs)]

pub mod canned;
pub mod concurrent;
pub mod floor;
pub mod report;
pub mod sources;
pub mod stats;
pub mod tls;
pub mod workload;
