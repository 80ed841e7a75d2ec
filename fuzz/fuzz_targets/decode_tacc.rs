//! tacc's Thrift payloads, plain and gzip'd, through every decode call of the codec under small
//! limits (token IDs, mapped IDs, raw IDs, token strings); the fast path must agree with the
//! thrift crate.
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
    for gzip in [false, true] {
        if let Ok(ids) = codec.decompress_tacc_payload(data, gzip) {
            assert!(ids.len() <= MAX_TOKENS);
        }
        if let Ok(ids) = codec.decompress_tacc_payload_mapped(data, gzip) {
            assert!(ids.len() <= MAX_TOKENS);
        }
        if let Ok(ids) = codec.decompress_tacc_payload_unmapped(data, gzip) {
            assert!(ids.len() <= MAX_TOKENS);
        }
        if let Ok(tokens) = codec.decompress_tacc_payload_tokens(data, gzip) {
            assert!(tokens.len() <= MAX_TOKENS);
        }
    }
    if let Ok(values) = tacc::codecs::thrift::decode(data) {
        // Whatever decodes must re-encode to a payload that decodes to the same values.
        let again = tacc::codecs::thrift::encode(&values);
        assert_eq!(
            tacc::codecs::thrift::reference_decode(&again).unwrap(),
            values
        );
    }
});
