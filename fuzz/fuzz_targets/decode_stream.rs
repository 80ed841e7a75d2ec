//! The stream decoder of a codec with small limits (64 KiB per chunk, 16 Ki tokens: a stream
//! decode costs in proportion to its tokens, so smaller limits keep the runs fast): the input
//! is cut into chunks at positions the fuzzer chooses (first byte = number of chunks); any
//! sequence is an error or tokens, never a panic, hang or huge allocation.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const MAX_OUTPUT: usize = 64 << 10;
const MAX_TOKENS: usize = 16 << 10;

static CODEC: OnceLock<tacc::Codec> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let codec = CODEC.get_or_init(|| {
        tacc::Codec::new("cl100k_base")
            .unwrap()
            .with_limits(tacc::Limits::new(MAX_OUTPUT, MAX_TOKENS))
    });
    let Some((&n, rest)) = data.split_first() else {
        return;
    };
    let n = (n as usize % 8) + 1;
    let mut dec = codec.stream_decoder();
    let step = rest.len().div_ceil(n).max(1);
    for chunk in rest.chunks(step) {
        if dec.push_chunk(chunk).is_err() {
            assert!(
                dec.push_chunk(chunk).is_err(),
                "a failed decoder must stay failed"
            );
            break;
        }
    }
    assert!(dec.token_count() <= MAX_TOKENS as u64);
});
