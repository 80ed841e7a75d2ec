//! Any bytes given to the frame decoder, under small limits (1 MiB of output, 256 Ki tokens):
//! an error or content within the limits, never a panic, an allocation past the limits (run
//! with `-rss_limit_mb=512`) or a slow decode (`-timeout=5`).
#![no_main]
use libfuzzer_sys::fuzz_target;

const MAX_OUTPUT: usize = 1 << 20;
const MAX_TOKENS: usize = 256 << 10;

fuzz_target!(|data: &[u8]| {
    let limits = tacc::Limits::new(MAX_OUTPUT, MAX_TOKENS);
    if let Ok(content) = tacc::decompress_with_limits(data, &limits) {
        match content {
            tacc::Content::Text(s) => assert!(s.len() <= MAX_OUTPUT),
            tacc::Content::Bytes(b) => assert!(b.len() <= MAX_OUTPUT),
            tacc::Content::TokenIds(ids) => {
                assert!(ids.len() <= MAX_TOKENS && ids.len() * 4 <= MAX_OUTPUT)
            }
            other => panic!("a content kind the fuzz target does not know: {:?}", other.kind()),
        }
    }
});
