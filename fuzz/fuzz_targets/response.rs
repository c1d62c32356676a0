//! libFuzzer target `response`: see `iop_fuzz::response` (fuzz/targets).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| iop_fuzz::response(data));
