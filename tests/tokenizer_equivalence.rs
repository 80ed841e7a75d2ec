//! The fast encoder (bpe-openai) must give exactly tiktoken's token IDs: on real corpus text
//! (when ../shared/corpus is present) and on random strings.

use proptest::prelude::*;
use tacc::Tokenizer;

const FAST: [&str; 3] = ["cl100k_base", "o200k_base", "o200k_harmony"];

fn corpus(name: &str, limit: usize) -> Vec<String> {
    use std::io::{BufRead, BufReader};
    let path = format!("{}/../shared/corpus/{name}", env!("CARGO_MANIFEST_DIR"));
    let Ok(file) = std::fs::File::open(&path) else {
        return Vec::new();
    };
    BufReader::new(flate2::read::MultiGzDecoder::new(file))
        .lines()
        .take(limit)
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(&l.unwrap()).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn identical_ids_on_real_text() {
    let mut texts = corpus("chat-dev.jsonl.gz", 1500);
    texts.extend(corpus("prompts-dev.jsonl.gz", 60));
    texts.push(
        "  leading spaces\n\n\n trailing   \t\r\n\u{a0}nbsp 123456789 it's I'LL <|endoftext|>"
            .into(),
    );
    for name in FAST {
        let t = Tokenizer::builtin(name).unwrap();
        for (i, text) in texts.iter().enumerate() {
            assert_eq!(
                t.encode(text),
                t.encode_reference(text),
                "{name}, record {i}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn identical_ids_on_random_text(text in "(\\PC|[ \t\r\n\u{a0}\u{3000}'0-9]){0,80}") {
        for name in FAST {
            let t = Tokenizer::builtin(name).unwrap();
            prop_assert_eq!(t.encode(&text), t.encode_reference(&text), "{}", name);
        }
    }

    #[test]
    fn identical_ids_on_any_string(text in any::<String>()) {
        for name in FAST {
            let t = Tokenizer::builtin(name).unwrap();
            prop_assert_eq!(t.encode(&text), t.encode_reference(&text), "{}", name);
        }
    }
}
