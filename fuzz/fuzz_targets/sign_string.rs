//! libFuzzer target `sign_string`: see `iop_fuzz::sign_string` (fuzz/targets).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| iop_fuzz::sign_string(data));
