//! Per-chunk latency of streams: encode + decode of a 1-token chunk on a warmed-up stream,
//! next to the bare context model doing the same token (the difference is the framing).
//! `cargo bench --bench stream`

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use tacc::model::{TokenDecoder, TokenEncoder};

const TEXT: &str = "Several famous actors started their careers on Broadway before making it big \
in film and television. Here are a few notable examples: 😀 中文 and more text to stream.";

fn bench(c: &mut Criterion) {
    let codec = tacc::Codec::new("cl100k_base").unwrap();
    let ids = codec.tokenize(TEXT).unwrap();
    let mut g = c.benchmark_group("stream");

    let mut enc = codec.stream_encoder().unwrap();
    let mut dec = tacc::StreamDecoder::new();
    dec.push_chunk(&enc.flush().unwrap()).unwrap();
    let mut i = 0;
    g.bench_function("chunk_1_token_encode_decode", |b| {
        b.iter(|| {
            enc.push_token_ids(&ids[i % ids.len()..][..1]).unwrap();
            let chunk = enc.flush().unwrap();
            let u = dec.push_chunk(black_box(&chunk)).unwrap();
            i += 1;
            black_box(u)
        })
    });

    let priors = codec.priors().unwrap();
    let vocab = codec.tokenizer().unwrap().vocab_size();
    let mut menc = TokenEncoder::new(vocab, priors.clone()).unwrap();
    let mut mdec = TokenDecoder::new(vocab, priors).unwrap();
    let mut j = 0;
    g.bench_function("bare_model_1_token_encode_decode", |b| {
        b.iter(|| {
            menc.push(ids[j % ids.len()]).unwrap();
            let bytes = menc.flush();
            j += 1;
            black_box(mdec.decode_chunk(black_box(&bytes), 1).unwrap())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
