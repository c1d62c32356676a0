//! libFuzzer target `sandbox_request`: see `iop_fuzz::sandbox_request` (fuzz/targets).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| iop_fuzz::sandbox_request(data));
