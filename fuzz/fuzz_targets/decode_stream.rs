//! The stream decoder of a codec with small limits (64 KiB per chunk, 16 Ki tokens: a stream
//! decode costs in proportion to its tokens, so smaller limits keep the runs fast). The input is
//! a sequence of chunks, each as a u16 LE length and its bytes (the seeds are real streams cut
//! where their encoder cut them). Any sequence is an error or output within the limits, never a
//! panic, hang or huge allocation, and a failed decoder stays failed.
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
    let mut dec = codec.stream_decoder();
    let mut rest = data;
    while let [a, b, tail @ ..] = rest {
        let len = (u16::from_le_bytes([*a, *b]) as usize).min(tail.len());
        let (chunk, after) = tail.split_at(len);
        rest = after;
        match dec.push_chunk(chunk) {
            Ok(update) => {
                assert!(update.text.len() <= MAX_OUTPUT);
                assert!(update.token_ids.len() * 4 <= MAX_OUTPUT);
            }
            Err(_) => {
                assert!(
                    dec.push_chunk(chunk).is_err(),
                    "a failed decoder must stay failed"
                );
                break;
            }
        }
    }
    assert!(dec.token_count() <= MAX_TOKENS as u64);
});
