//! Hugging Face tokenizer.json files against the `tokenizers` package: the token IDs of every
//! text of chat-dev, prompts-dev and edge strings, as `tests/hf/reference.py` recorded them for
//! the files `tests/hf/convert.py` made from real vocabularies (`tools/hf-reference.sh` does both,
//! into target/hf/). Without them it says so and passes, unless `TACC_REQUIRE_OPEN_VOCABS=1`.
//! The hostile-file test needs nothing.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::PathBuf;

use tacc::{ErrorKind, OpenVocab, Tokenizer};

#[path = "common/fetched.rs"]
mod fetched;
use fetched::or_skip;

fn hf_dir() -> PathBuf {
    std::env::var_os("TACC_HF_DIR")
        .map(Into::into)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/target/hf").into())
}

#[test]
fn identical_to_the_tokenizers_package() {
    let reference = hf_dir().join("reference.jsonl");
    let Some(file) = or_skip(
        std::fs::File::open(&reference),
        &reference,
        "tools/hf-reference.sh",
    ) else {
        return;
    };
    let mut tokenizers: HashMap<String, Tokenizer> = HashMap::new();
    // (texts compared, texts whose shipped IDs differ by the prepended "▁", texts with "▁")
    let mut checked: HashMap<String, (usize, usize, usize)> = HashMap::new();
    let mut failures = Vec::new();
    for line in std::io::BufReader::new(file).lines() {
        let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        let name = v["tokenizer"].as_str().unwrap().to_string();
        let t = tokenizers.entry(name.clone()).or_insert_with(|| {
            let path = hf_dir().join(&name).join("tokenizer.json");
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let t = Tokenizer::from_bytes(&name, &bytes, None)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            if name == "llama3" {
                // Llama 3's tokenizer.json is its tiktoken file's table: the same open vocabulary.
                assert_eq!(t.open_vocab(), Some(OpenVocab::Llama3));
            }
            t
        });
        let text = v["text"].as_str().unwrap();
        let entry = checked.entry(name.clone()).or_default();
        let got = t.encode(text);
        match t.decode(&got) {
            Ok(back) if back == text => {}
            other => failures.push(format!(
                "{name} {} #{}: round trip gives {:?}",
                v["source"],
                v["index"],
                other.map(|s| s.chars().take(40).collect::<String>())
            )),
        }
        if v.get("metaspace_char").is_some() {
            entry.2 += 1;
            continue;
        }
        if v.get("shipped").is_some() {
            entry.1 += 1;
        }
        let want: Vec<u32> = v["ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap() as u32)
            .collect();
        if got != want {
            let at = got.iter().zip(&want).take_while(|(a, b)| a == b).count();
            failures.push(format!(
                "{name} {} #{}: IDs differ from position {at} ({:?} vs reference {:?})",
                v["source"],
                v["index"],
                &got[at..(at + 5).min(got.len())],
                &want[at..(at + 5).min(want.len())]
            ));
        }
        entry.0 += 1;
    }
    let mut names: Vec<_> = checked.keys().cloned().collect();
    names.sort();
    for name in &names {
        let (n, prepend, meta) = checked[name];
        eprintln!(
            "{name}: {n} texts compared ({prepend} differ from the file's own IDs by its prepended \"▁\"), {meta} with \"▁\" round-tripped only"
        );
    }
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures[..failures.len().min(40)].join("\n")
    );
}

/// Llama 3's tokenizer.json and tokenizer.model give the same tokenizer.
#[test]
fn llama3_json_is_llama3() {
    let json = hf_dir().join("llama3/tokenizer.json");
    let model = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/target/vocabs/llama3/tokenizer.model"
    );
    let (Ok(json), Ok(model)) = (std::fs::read(&json), std::fs::read(model)) else {
        assert!(std::env::var_os("TACC_REQUIRE_OPEN_VOCABS").is_none());
        eprintln!("skipped: target/hf/llama3/tokenizer.json or target/vocabs/llama3 is absent");
        return;
    };
    let a = Tokenizer::from_bytes("a", &json, None).unwrap();
    let b = Tokenizer::open(OpenVocab::Llama3, &model).unwrap();
    assert_eq!(a.fingerprint(), b.fingerprint());
    assert_eq!(a.vocab_size(), b.vocab_size());
    let c = Tokenizer::open(OpenVocab::Llama3, &json).unwrap();
    let text = "Hello, world! <|eot_id|> 12345 日本語";
    assert_eq!(a.encode(text), b.encode(text));
    assert_eq!(c.encode(text), b.encode(text));
    assert_eq!(a.decode_bytes(&[128_009]).unwrap(), b"<|eot_id|>");
}

fn byte_level(vocab: &str, merges: &str) -> String {
    format!(
        r#"{{"version":"1.0","added_tokens":[],"normalizer":null,
        "pre_tokenizer":{{"type":"ByteLevel","add_prefix_space":false,"use_regex":true}},
        "model":{{"type":"BPE","vocab":{{{vocab}}},"merges":[{merges}]}}}}"#
    )
}

/// Every single byte, written as GPT-2's byte-level characters.
fn bytes_vocab() -> String {
    let mut printable: Vec<u32> = (33..=126).chain(0xA1..=0xAC).chain(0xAE..=0xFF).collect();
    let mut n = 0;
    for b in 0..256 {
        if !printable.contains(&b) {
            printable.push(256 + n);
            n += 1;
        }
    }
    printable
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            format!(
                "{}:{i}",
                serde_json::to_string(&char::from_u32(c).unwrap().to_string()).unwrap()
            )
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn hostile_files_are_errors() {
    let bytes = bytes_vocab();
    let ok = byte_level(&format!(r#"{bytes},"ab":256"#), r#"["a","b"]"#);
    let t = Tokenizer::from_bytes("t", ok.as_bytes(), None).unwrap();
    assert_eq!(t.encode("ab"), vec![256]);
    assert_eq!(t.encode(" ab").last(), Some(&256));
    assert_eq!(t.decode(&t.encode("ab ab")).unwrap(), "ab ab");
    let cases: Vec<(&str, String, ErrorKind)> = vec![
        ("not JSON", "{\"model\": \"pre_tokenizer\"".into(), ErrorKind::Corrupt),
        ("truncated", ok[..ok.len() / 2].to_string(), ErrorKind::Corrupt),
        ("empty vocab", byte_level("", ""), ErrorKind::Corrupt),
        ("huge ID", byte_level(&format!(r#"{bytes},"ab":4000000000"#), ""), ErrorKind::Corrupt),
        ("sparse ID", byte_level(&format!(r#"{bytes},"ab":16000000"#), ""), ErrorKind::Corrupt),
        ("unknown merge token", byte_level(&bytes, r#"["a","zz"]"#), ErrorKind::Corrupt),
        ("merge result not a token", byte_level(&bytes, r#"["a","b"]"#), ErrorKind::Corrupt),
        ("merge not a pair", byte_level(&format!(r#"{bytes},"ab":256"#), r#""ab""#), ErrorKind::Corrupt),
        ("ID twice", byte_level(&format!(r#"{bytes},"ab":5"#), ""), ErrorKind::Corrupt),
        ("empty token", byte_level(&format!(r#"{bytes},"":256"#), ""), ErrorKind::Corrupt),
        ("missing byte", byte_level(r#""a":0,"b":1,"ab":2"#, r#"["a","b"]"#), ErrorKind::InvalidArgument),
        ("not byte-level", byte_level(&format!(r#"{bytes},"\u2581x":256"#), ""), ErrorKind::Corrupt),
        (
            "WordPiece",
            byte_level(&bytes, "").replace(r#""type":"BPE""#, r#""type":"WordPiece""#),
            ErrorKind::InvalidArgument,
        ),
        (
            "lowercase normalizer",
            byte_level(&bytes, "").replace(r#""normalizer":null"#, r#""normalizer":{"type":"Lowercase"}"#),
            ErrorKind::InvalidArgument,
        ),
        (
            "SentencePiece without byte fallback",
            r#"{"normalizer":null,"pre_tokenizer":{"type":"Metaspace","replacement":"▁","split":false},
               "model":{"type":"BPE","vocab":{"a":0},"merges":[]}}"#
                .into(),
            ErrorKind::InvalidArgument,
        ),
    ];
    for (what, file, kind) in cases {
        match Tokenizer::from_bytes("t", file.as_bytes(), None) {
            Ok(_) => panic!("{what}: accepted"),
            Err(e) => assert_eq!(e.kind(), kind, "{what}: {e}"),
        }
    }
    // Cyclic or self-referencing merges cannot loop: a result is always longer than its halves.
    let cyc = byte_level(
        &format!(r#"{bytes},"ab":256,"aba":257,"abab":258"#),
        r#"["a","b"],["ab","a"],["ab","ab"],["aba","b"],["ab","a"]"#,
    );
    let t = Tokenizer::from_bytes("t", cyc.as_bytes(), None).unwrap();
    let text = "abababababa".repeat(50);
    assert_eq!(t.decode(&t.encode(&text)).unwrap(), text);
}

/// A small SentencePiece-style file: "▁" for spaces, byte fallback, no dummy prefix, "▁" itself
/// kept as its bytes.
#[test]
fn sentencepiece_style_round_trips() {
    let mut vocab: Vec<String> = (0..256).map(|b| format!("\"<0x{b:02X}>\":{b}")).collect();
    for (i, s) in ["▁", "h", "i", "▁h", "▁hi", "hi"].iter().enumerate() {
        vocab.push(format!("\"{s}\":{}", 256 + i));
    }
    let file = format!(
        r#"{{"added_tokens":[{{"id":262,"content":"<s>","special":true}}],
        "normalizer":{{"type":"Sequence","normalizers":[{{"type":"Prepend","prepend":"▁"}},
          {{"type":"Replace","pattern":{{"String":" "}},"content":"▁"}}]}},
        "pre_tokenizer":null,
        "model":{{"type":"BPE","byte_fallback":true,"vocab":{{{}}},
          "merges":[["▁","h"],["▁h","i"],["h","i"]]}}}}"#,
        vocab.join(",")
    );
    let t = Tokenizer::from_bytes("sp", file.as_bytes(), None).unwrap();
    assert_eq!(t.encode("hi hi"), vec![261, 260]);
    assert_eq!(t.encode(" hi"), vec![260]);
    // "▁" of the text: its three bytes; "é": not a token, its two bytes.
    assert_eq!(t.encode("▁é"), vec![0xE2, 0x96, 0x81, 0xC3, 0xA9]);
    assert_eq!(t.encode("<s>"), vec![b'<' as u32, b's' as u32, b'>' as u32]);
    assert_eq!(t.decode(&[262]).unwrap(), "<s>");
    for s in ["", " ", "hi  hi ", "▁▁ ▁", "日本 🦀", "\u{0}x"] {
        assert_eq!(t.decode(&t.encode(s)).unwrap(), s);
    }
    assert_eq!(t.vocab_size(), 263);
    assert!(Tokenizer::from_bytes("sp", file.as_bytes(), Some("cl100k")).is_err());
}

/// Encode speed on chat-dev (median of 5), for the docs: `cargo test --release -p tacc --test
/// hf_tokenizer -- --ignored --nocapture speed`.
#[test]
#[ignore]
fn speed() {
    use std::io::Read;
    let corpus = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/chat-dev.jsonl.gz"
    );
    let mut raw = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(corpus).unwrap())
        .read_to_string(&mut raw)
        .unwrap();
    let texts: Vec<String> = raw
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["text"].as_str().unwrap().to_string()
        })
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut files: Vec<PathBuf> = ["llama3", "mistral_v1", "r50k", "trained_bytelevel"]
        .iter()
        .map(|n| hf_dir().join(n).join("tokenizer.json"))
        .collect();
    files.push(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/target/vocabs/llama3/tokenizer.model"
        )
        .into(),
    );
    for path in files {
        let Ok(file) = std::fs::read(&path) else {
            continue;
        };
        let t0 = std::time::Instant::now();
        let t = Tokenizer::from_bytes("t", &file, None).unwrap();
        let load = t0.elapsed();
        let mut times = Vec::new();
        let mut n = 0;
        for _ in 0..5 {
            let s = std::time::Instant::now();
            n = texts.iter().map(|x| t.encode(x).len()).sum::<usize>();
            times.push(s.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        eprintln!(
            "{}: load {:.0} ms; {} texts, {bytes} bytes, {n} tokens; encode median {:.0} ms ({:.1} MB/s)",
            path.display(),
            load.as_secs_f64() * 1e3,
            texts.len(),
            times[2] * 1e3,
            bytes as f64 / times[2] / 1e6
        );
    }
}
