//! Custom `.tiktoken` rank files, and the text round trip through whatever loads.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() > 4096 {
        return;
    }
    if let Ok(t) = tacc::Tokenizer::from_tiktoken_bytes("fuzz", data, "cl100k", &[]) {
        let text = "fuzzing the tokenizer: héllo 123";
        let ids = t.encode(text);
        let _ = t.decode(&ids);
    }
});
