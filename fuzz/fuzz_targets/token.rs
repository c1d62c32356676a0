//! libFuzzer target `token`: see `iop_fuzz::token` (fuzz/targets).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| iop_fuzz::token(data));
