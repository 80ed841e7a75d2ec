//! LoPace's three layouts.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static CODEC: OnceLock<tacc::Codec> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let codec = CODEC.get_or_init(|| tacc::Codec::new("cl100k_base").unwrap());
    for m in tacc::LopaceMethod::ALL {
        let _ = codec.lopace_decompress(data, m);
    }
});
