//! Corpus records for tests: the samples vendored under `tests/data/` (always there), and the
//! whole shared corpora beside the repository for measurements (`../shared/corpus`, optional).
//! Shared by the integration tests (`mod`) and the library's unit tests (`#[path]`).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};

/// The `text` of every record of a JSON Lines file (gzip'd when it ends in `.gz`); `None` when
/// the file cannot be opened.
pub fn jsonl(path: &str) -> Option<Vec<String>> {
    let file = std::fs::File::open(path).ok()?;
    let reader: Box<dyn Read> = if path.ends_with(".gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    Some(
        BufReader::new(reader)
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(&l.unwrap()).unwrap();
                v["text"].as_str().unwrap_or_default().to_string()
            })
            .collect(),
    )
}

/// A vendored sample (`tests/data/NAME`): a test that reads it always has its records.
pub fn vendored(name: &str) -> Vec<String> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    jsonl(&path).unwrap_or_else(|| panic!("{path} (committed with the tests)"))
}

/// The first 300 records of chat-dev (completions of models the priors were not trained on).
pub fn chat_dev() -> Vec<String> {
    vendored("chat-dev-300.jsonl.gz")
}

/// 20 short system prompts of prompts-dev.
pub fn prompts_dev() -> Vec<String> {
    vendored("prompts-dev-20.jsonl.gz")
}

/// A whole shared corpus (`../shared/corpus/NAME`), for measurements; `None` without it.
pub fn shared(name: &str) -> Option<Vec<String>> {
    jsonl(&format!(
        "{}/../shared/corpus/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
}
