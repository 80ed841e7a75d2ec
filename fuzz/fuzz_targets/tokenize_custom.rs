//! Custom-pattern tokenization (issue 12): any pattern and text. Input: first byte = pattern
//! length (at most 63 bytes), then the pattern, then the text (at most 2 KiB; both lossy UTF-8).
//! A pattern that compiles must encode any text without panicking, and decoding must give the
//! text back exactly.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// A small rank file: the 256 single bytes, then a few merges (spaces, newlines, letters).
fn rank_file() -> &'static [u8] {
    static FILE: OnceLock<Vec<u8>> = OnceLock::new();
    FILE.get_or_init(|| {
        const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let b64 = |bytes: &[u8]| {
            let mut out = String::new();
            for c in bytes.chunks(3) {
                let n = (c[0] as u32) << 16
                    | (*c.get(1).unwrap_or(&0) as u32) << 8
                    | *c.get(2).unwrap_or(&0) as u32;
                for i in 0..4 {
                    if i <= c.len() {
                        out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
                    } else {
                        out.push('=');
                    }
                }
            }
            out
        };
        let mut tokens: Vec<Vec<u8>> = (0..=255u8).map(|b| vec![b]).collect();
        for t in [
            "  ", "    ", "        ", "\n\n", "\n\n\n\n", " \n", "th", "the", " the", "aa", "aaaa",
            "in", "ing", " a", "er", "77", "777", "é", " é",
        ] {
            tokens.push(t.as_bytes().to_vec());
        }
        let mut file = String::new();
        for (rank, t) in tokens.iter().enumerate() {
            file.push_str(&format!("{} {rank}\n", b64(t)));
        }
        file.into_bytes()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&n, rest)) = data.split_first() else {
        return;
    };
    let n = (n as usize & 63).min(rest.len());
    let pattern = String::from_utf8_lossy(&rest[..n]);
    let text = String::from_utf8_lossy(&rest[n..rest.len().min(n + 2048)]);
    let Ok(t) = tacc::Tokenizer::from_tiktoken_bytes("fuzz", rank_file(), &pattern, &[]) else {
        return;
    };
    let ids = t.encode(&text);
    assert_eq!(t.decode(&ids).unwrap(), text, "pattern {pattern:?}");
});
