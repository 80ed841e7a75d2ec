//! The stream decoder: the input is cut into chunks at positions the fuzzer chooses (first byte
//! = number of chunks); any sequence is an error or tokens, never a panic, hang or huge allocation.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&n, rest)) = data.split_first() else { return };
    let n = (n as usize % 8) + 1;
    let mut dec = tacc::StreamDecoder::new();
    let step = rest.len().div_ceil(n).max(1);
    for chunk in rest.chunks(step) {
        if dec.push_chunk(chunk).is_err() {
            assert!(dec.push_chunk(chunk).is_err(), "a failed decoder must stay failed");
            break;
        }
    }
});
