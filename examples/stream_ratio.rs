//! Bytes per token of streamed chat completions, all framing included (stream header, chunk
//! control bytes, end marker and CRC-32), flushing after every token and every 16 tokens.
//!
//! `cargo run --release --example stream_ratio [N_RECORDS]` (default 500 records of
//! ../shared/corpus/chat-dev.jsonl.gz; prints the figures of docs/STREAM.md).

use std::io::{BufRead, BufReader};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(500);
    let path = format!(
        "{}/../shared/corpus/chat-dev.jsonl.gz",
        env!("CARGO_MANIFEST_DIR")
    );
    let file = std::fs::File::open(&path)?;
    let texts: Vec<String> = BufReader::new(flate2::read::MultiGzDecoder::new(file))
        .lines()
        .take(n)
        .map(|l| -> Result<String, Box<dyn std::error::Error>> {
            let v: serde_json::Value = serde_json::from_str(&l?)?;
            Ok(v["text"].as_str().unwrap_or_default().to_string())
        })
        .collect::<Result<_, _>>()?;
    let codec = tacc::Codec::new("cl100k_base")?;
    let all_ids: Vec<Vec<u32>> = texts.iter().map(|t| codec.tokenize(t).unwrap()).collect();
    let tokens: usize = all_ids.iter().map(Vec::len).sum();
    println!("{} records, {tokens} cl100k_base tokens", texts.len());
    for every in [1usize, 4, 16, 64] {
        let (mut bytes, mut chunks) = (0usize, 0usize);
        let t0 = std::time::Instant::now();
        for (ids, text) in all_ids.iter().zip(&texts) {
            let mut enc = codec.stream_encoder()?;
            let mut dec = tacc::StreamDecoder::new();
            let mut out = String::new();
            for (i, id) in ids.iter().enumerate() {
                enc.push_token_ids(&[*id])?;
                if (i + 1) % every == 0 {
                    let c = enc.flush()?;
                    bytes += c.len();
                    chunks += 1;
                    out += &dec.push_chunk(&c)?.text;
                }
            }
            let c = enc.finish()?;
            bytes += c.len();
            chunks += 1;
            let u = dec.push_chunk(&c)?;
            out += &u.text;
            assert!(u.finished && &out == text, "round trip failed");
        }
        let el = t0.elapsed();
        println!(
            "flush every {every:>2} tokens: {bytes} bytes, {:.3} bytes/token, {chunks} chunks, {:.2} us/chunk (encode+decode, incl. tokens)",
            bytes as f64 / tokens as f64,
            el.as_secs_f64() * 1e6 / chunks as f64
        );
    }
    Ok(())
}
