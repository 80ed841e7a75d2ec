//! Any bytes given to the frame decoder: an error or the right content, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = tacc::decompress(data);
});
