//! The context-model coder: any payload, vocabulary and priors choice; never a panic, memory
//! bounded by the token limit (256 Ki here), and cost bounded (`-timeout=5`).
#![no_main]
use libfuzzer_sys::fuzz_target;

const MAX_TOKENS: usize = 256 << 10;

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    // First two bytes pick the tokenizer-side vocabulary and whether built-in priors are used.
    let vocab = [2u32, 50_257, 100_277, 200_019][(data[0] & 3) as usize];
    let priors = if data[1] & 1 == 1 && vocab == 100_277 {
        tacc::codecs::model::builtin_priors(tacc::Builtin::Cl100kBase).unwrap()
    } else {
        None
    };
    if let Ok(ids) = tacc::codecs::model::decode(&data[2..], vocab, priors.clone(), MAX_TOKENS) {
        assert!(ids.len() <= MAX_TOKENS);
        assert!(ids.iter().all(|&id| id < vocab.max(1 << 24)));
    }
});
