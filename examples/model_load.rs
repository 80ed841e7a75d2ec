//! Cost of loading the built-in priors: zstd expansion + validation (first use), then cached.
//! `cargo run --release --example model_load`
use std::time::Instant;
use tacc::codecs::model::{builtin_priors_by_id, PRIORS_TABLE};
use tacc::model::Priors;

fn main() {
    for &(id, name, _) in PRIORS_TABLE.iter() {
        let t = Instant::now();
        let p = builtin_priors_by_id(id).expect("priors");
        let first = t.elapsed();
        let t = Instant::now();
        let _ = builtin_priors_by_id(id).expect("priors");
        let cached = t.elapsed();
        // validation alone: from_bytes on the expanded file (includes one copy)
        let bytes = p.as_bytes().to_vec();
        let mut best = f64::MAX;
        for _ in 0..5 {
            let t = Instant::now();
            let q = Priors::from_bytes(&bytes).expect("valid");
            best = best.min(t.elapsed().as_secs_f64());
            assert_eq!(q.fingerprint(), p.fingerprint());
        }
        println!(
            "{id} {name}: {} bytes in memory; first use {:.2} ms (zstd + validation), cached {:.1} us; copy + validation alone {:.2} ms",
            p.heap_bytes(),
            first.as_secs_f64() * 1e3,
            cached.as_secs_f64() * 1e6,
            best * 1e3
        );
    }
    // Working memory of one codec after a 1,000-token message (chat text, cl100k_base).
    let tok = tacc::Tokenizer::builtin("cl100k_base").expect("tokenizer");
    let text = "The quick brown fox jumps over the lazy dog. ".repeat(20)
        + &(0..400)
            .map(|i| format!("item {i}: value {} ", i * 37 % 101))
            .collect::<String>();
    let ids: Vec<u32> = tok.encode(&text).into_iter().take(1000).collect();
    let p = builtin_priors_by_id(1).expect("priors");
    let mut e = tacc::model::TokenEncoder::new(tok.vocab_size(), Some(p)).expect("encoder");
    for &t in &ids {
        e.push(t).expect("push");
    }
    println!(
        "encoder after {} tokens: {} bytes of working memory (cap {} bytes)",
        ids.len(),
        e.memory(),
        e.max_memory()
    );
}
