//! Tokenizer speed on a JSONL corpus (`{"text": ...}`, .gz read directly): the built-in encoder
//! against tiktoken-rs's `encode_ordinary`, one core, and a check that the IDs agree.
//!
//! cargo run --release --example tokenizer_speed -- ../shared/corpus/chat-dev.jsonl.gz [cl100k_base o200k_base ...]

use std::io::{BufRead, BufReader, Read};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: tokenizer_speed CORPUS [TOKENIZER...]");
    let names: Vec<String> = args.collect();
    let names = if names.is_empty() {
        vec!["cl100k_base".to_string(), "o200k_base".to_string()]
    } else {
        names
    };
    let file = std::fs::File::open(&path).expect("corpus");
    let reader: Box<dyn Read> = if path.ends_with(".gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let texts: Vec<String> = BufReader::new(reader)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(&l.expect("line")).expect("json");
            v["text"].as_str().expect("text").to_string()
        })
        .collect();
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    println!("{path}: {} records, {bytes} bytes", texts.len());
    for name in &names {
        let t0 = Instant::now();
        let tok = tacc::Tokenizer::builtin(name).expect("built-in");
        let first = tok.encode("warm up");
        let load = t0.elapsed();
        let reference = match name.as_str() {
            "cl100k_base" => tiktoken_rs::cl100k_base(),
            "o200k_base" => tiktoken_rs::o200k_base(),
            "o200k_harmony" => tiktoken_rs::o200k_harmony(),
            "p50k_base" => tiktoken_rs::p50k_base(),
            "p50k_edit" => tiktoken_rs::p50k_edit(),
            _ => tiktoken_rs::r50k_base(),
        }
        .expect("reference");
        assert!(!first.is_empty());
        for round in 0..3 {
            let t0 = Instant::now();
            let ours: Vec<Vec<u32>> = texts.iter().map(|t| tok.encode(t)).collect();
            let a = t0.elapsed().as_secs_f64();
            let t0 = Instant::now();
            let theirs: Vec<Vec<u32>> =
                texts.iter().map(|t| reference.encode_ordinary(t)).collect();
            let b = t0.elapsed().as_secs_f64();
            let n: usize = ours.iter().map(Vec::len).sum();
            let same = ours == theirs;
            println!(
                "{name} round {round}: ours {:.2} MB/s {:.2} M tokens/s; tiktoken-rs {:.2} MB/s {:.2} M tokens/s; {n} tokens, identical: {same}; first encode incl. table load + regex build {:.1} ms",
                bytes as f64 / a / 1e6,
                n as f64 / a / 1e6,
                bytes as f64 / b / 1e6,
                n as f64 / b / 1e6,
                load.as_secs_f64() * 1e3
            );
        }
    }
}
