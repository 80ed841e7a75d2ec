//! LoPace's three raw layouts (zstd, token, hybrid) under small limits: an error or text within
//! the output limit, never a panic or an allocation past the limits.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const MAX_OUTPUT: usize = 1 << 20;
const MAX_TOKENS: usize = 256 << 10;

static CODEC: OnceLock<tacc::Codec> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let codec = CODEC.get_or_init(|| {
        tacc::Codec::new("cl100k_base")
            .unwrap()
            .with_limits(tacc::Limits::new(MAX_OUTPUT, MAX_TOKENS))
    });
    for m in tacc::LopaceMethod::ALL {
        if let Ok(text) = codec.decompress_lopace_payload(data, m) {
            assert!(text.len() <= MAX_OUTPUT, "{m:?}: {} bytes", text.len());
        }
    }
});
