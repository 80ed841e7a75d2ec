//! Throughput of the codecs on real chat completions (the first 300 records of chat-dev,
//! `tests/data/chat-dev-300.jsonl.gz`, each coded alone). Run: `cargo bench --bench codecs`.
//! Compare with the peers' figures from `bench/peers_speed.py` measured on the same records.

#[path = "../tests/common/corpus.rs"]
mod corpus;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use tacc::{Codec, LopaceMethod, Method, Options};

/// The first 300 records of chat-dev, vendored in tests/data (the same records the shared
/// corpus starts with).
fn records() -> Vec<String> {
    corpus::chat_dev()
}

fn bench(c: &mut Criterion) {
    let codec = Codec::new("cl100k_base").unwrap();
    let texts = records();
    let ids: Vec<Vec<u32>> = texts.iter().map(|t| codec.tokenize(t).unwrap()).collect();
    let n_tokens: u64 = ids.iter().map(|v| v.len() as u64).sum();
    let n_bytes: u64 = texts.iter().map(|t| t.len() as u64).sum();

    let mut g = c.benchmark_group("token_ids");
    g.throughput(Throughput::Elements(n_tokens));
    for gzip in [false, true] {
        let suffix = if gzip { "_gzip" } else { "" };
        g.bench_function(format!("tacc_encode{suffix}"), |b| {
            b.iter(|| {
                ids.iter()
                    .map(|v| codec.compress_tacc_payload(v, gzip).unwrap().len())
                    .sum::<usize>()
            })
        });
        let payloads: Vec<Vec<u8>> = ids
            .iter()
            .map(|v| codec.compress_tacc_payload(v, gzip).unwrap())
            .collect();
        g.bench_function(format!("tacc_decode{suffix}"), |b| {
            b.iter(|| {
                payloads
                    .iter()
                    .map(|p| codec.decompress_tacc_payload(p, gzip).unwrap().len())
                    .sum::<usize>()
            })
        });
    }
    for method in [Method::TaccGzip, Method::LopaceHybrid, Method::Model] {
        let opts = Options::method(method);
        g.bench_function(format!("frame_encode_{}", method.name()), |b| {
            b.iter(|| {
                ids.iter()
                    .map(|v| codec.compress_token_ids(v, &opts).unwrap().len())
                    .sum::<usize>()
            })
        });
        let frames: Vec<Vec<u8>> = ids
            .iter()
            .map(|v| codec.compress_token_ids(v, &opts).unwrap())
            .collect();
        g.bench_function(format!("frame_decode_{}", method.name()), |b| {
            b.iter(|| {
                frames
                    .iter()
                    .map(|f| codec.decompress_token_ids(f).unwrap().len())
                    .sum::<usize>()
            })
        });
    }
    g.finish();

    // The hand-written Thrift path against the thrift crate, on the same mapped IDs.
    let mapped: Vec<Vec<i32>> = ids
        .iter()
        .map(|v| codec.token_id_to_mapped_id(v).unwrap())
        .collect();
    let mut g = c.benchmark_group("thrift");
    g.throughput(Throughput::Elements(n_tokens));
    g.bench_function("encode_fast", |b| {
        b.iter(|| {
            mapped
                .iter()
                .map(|m| tacc::codecs::thrift::encode(m).len())
                .sum::<usize>()
        })
    });
    g.bench_function("encode_thrift_crate", |b| {
        b.iter(|| {
            mapped
                .iter()
                .map(|m| tacc::codecs::thrift::reference_encode(m).len())
                .sum::<usize>()
        })
    });
    let raw: Vec<Vec<u8>> = mapped
        .iter()
        .map(|m| tacc::codecs::thrift::encode(m))
        .collect();
    g.bench_function("decode_fast", |b| {
        b.iter(|| {
            raw.iter()
                .map(|p| tacc::codecs::thrift::decode(p).unwrap().len())
                .sum::<usize>()
        })
    });
    g.bench_function("decode_thrift_crate", |b| {
        b.iter(|| {
            raw.iter()
                .map(|p| tacc::codecs::thrift::reference_decode(p).unwrap().len())
                .sum::<usize>()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("text");
    g.throughput(Throughput::Bytes(n_bytes));
    g.bench_function("tokenize", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| codec.tokenize(t).unwrap().len())
                .sum::<usize>()
        })
    });
    g.bench_function("lopace_hybrid_compress", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| {
                    codec
                        .compress_lopace_payload(t, LopaceMethod::Hybrid, 15)
                        .unwrap()
                        .len()
                })
                .sum::<usize>()
        })
    });
    let blobs: Vec<Vec<u8>> = texts
        .iter()
        .map(|t| {
            codec
                .compress_lopace_payload(t, LopaceMethod::Hybrid, 15)
                .unwrap()
        })
        .collect();
    g.bench_function("lopace_hybrid_decompress", |b| {
        b.iter_batched(
            || (),
            |_| {
                blobs
                    .iter()
                    .map(|p| {
                        codec
                            .decompress_lopace_payload(p, LopaceMethod::Hybrid)
                            .unwrap()
                            .len()
                    })
                    .sum::<usize>()
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function("frame_default_compress", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| codec.compress_text(t, &Options::default()).unwrap().len())
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).warm_up_time(std::time::Duration::from_secs(1)).measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
