//! iopkit's fuzz targets as plain functions: each takes arbitrary bytes, drives one parser or
//! builder, and panics when an invariant breaks. The same functions back the cargo-fuzz
//! targets in `fuzz/fuzz_targets/` (libFuzzer, nightly) and the stable harness `iop-fuzz`,
//! which feeds them the seed corpus in `fuzz/seeds/<target>/` plus deterministic mutations.

#![warn(missing_docs)]

use std::path::PathBuf;

pub mod mutate;
mod response;
mod sandbox;
mod sign;
mod token;

pub use response::response;
pub use sandbox::sandbox_request;
pub use sign::sign_string;
pub use token::token;

/// One fuzz target: its name (also its seed directory's) and its function.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    /// Name, as in `cargo fuzz run <name>`.
    pub name: &'static str,
    /// Runs one input; panics on a finding.
    pub run: fn(&[u8]),
    /// Tokens the mutator splices in (field names, boundary values, protocol words).
    pub dictionary: &'static [&'static str],
}

/// Every target.
pub const TARGETS: [Target; 4] = [
    Target { name: "response", run: response, dictionary: response::DICTIONARY },
    Target { name: "token", run: token, dictionary: response::DICTIONARY },
    Target { name: "sign_string", run: sign_string, dictionary: sign::DICTIONARY },
    Target { name: "sandbox_request", run: sandbox_request, dictionary: sandbox::DICTIONARY },
];

/// The directory of a target's seed corpus: `fuzz/seeds/<name>`.
pub fn seeds_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("seeds").join(name)
}

/// The seed inputs of a target, sorted by file name.
pub fn seeds(name: &str) -> std::io::Result<Vec<Vec<u8>>> {
    let mut paths: Vec<PathBuf> =
        std::fs::read_dir(seeds_dir(name))?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
    paths.sort();
    paths.iter().filter(|p| p.is_file()).map(std::fs::read).collect()
}
