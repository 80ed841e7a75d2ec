//! tacc's Thrift payloads, plain and gzip'd; the fast path must agree with the thrift crate.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static CODEC: OnceLock<tacc::Codec> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let codec = CODEC.get_or_init(|| tacc::Codec::new("cl100k_base").unwrap());
    let _ = codec.decode_token_ids(data, false);
    let _ = codec.decode_token_ids(data, true);
    let _ = codec.decode_tokens(data, false);
    if let Ok(values) = tacc::codecs::thrift::decode(data) {
        // Whatever decodes must re-encode to a payload that decodes to the same values.
        let again = tacc::codecs::thrift::encode(&values);
        assert_eq!(tacc::codecs::thrift::reference_decode(&again).unwrap(), values);
    }
});
