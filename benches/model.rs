//! Speed of the context-model coders, token IDs in and out, one core, on real chat completions
//! (the first 300 records of chat-dev, `tests/data/chat-dev-300.jsonl.gz`, each coded alone with
//! a fresh model, as the `model` method does), beside the tokenizer on the same text and the first
//! coder (`model-v1`). Run: `cargo bench --bench model`. Throughput is in tokens.

#[path = "../tests/common/corpus.rs"]
mod corpus;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tacc::codecs::{model, model_v1};
use tacc::{Builtin, Tokenizer};

/// The first 300 records of chat-dev, vendored in tests/data (the same records the shared
/// corpus starts with).
fn records() -> Vec<String> {
    corpus::chat_dev()
}

fn bench(c: &mut Criterion) {
    let tok = Tokenizer::from_builtin(Builtin::Cl100kBase).unwrap();
    let vocab = tok.vocab_size();
    let texts = records();
    let ids: Vec<Vec<u32>> = texts.iter().map(|t| tok.encode(t)).collect();
    let n_tokens: u64 = ids.iter().map(|v| v.len() as u64).sum();
    let priors = model::builtin_priors(Builtin::Cl100kBase).unwrap();
    let v1_priors = model_v1::builtin_priors(Builtin::Cl100kBase).unwrap();

    let mut g = c.benchmark_group("model");
    g.throughput(Throughput::Elements(n_tokens));
    g.sample_size(10);
    g.bench_function("tokenizer_encode", |b| {
        b.iter(|| texts.iter().map(|t| tok.encode(t).len()).sum::<usize>())
    });
    g.bench_function("model_encode", |b| {
        b.iter(|| {
            ids.iter()
                .map(|v| model::encode(v, vocab, priors.clone()).unwrap().len())
                .sum::<usize>()
        })
    });
    let payloads: Vec<Vec<u8>> = ids
        .iter()
        .map(|v| model::encode(v, vocab, priors.clone()).unwrap())
        .collect();
    g.bench_function("model_decode", |b| {
        b.iter(|| {
            payloads
                .iter()
                .map(|p| {
                    model::decode(p, vocab, priors.clone(), usize::MAX)
                        .unwrap()
                        .len()
                })
                .sum::<usize>()
        })
    });
    g.bench_function("model_v1_encode", |b| {
        b.iter(|| {
            ids.iter()
                .map(|v| model_v1::encode(v, vocab, v1_priors.clone()).unwrap().len())
                .sum::<usize>()
        })
    });
    let v1_payloads: Vec<Vec<u8>> = ids
        .iter()
        .map(|v| model_v1::encode(v, vocab, v1_priors.clone()).unwrap())
        .collect();
    g.bench_function("model_v1_decode", |b| {
        b.iter(|| {
            v1_payloads
                .iter()
                .map(|p| model_v1::decode(p, vocab, v1_priors.clone()).unwrap().len())
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
