//! Ratio and speed of the `model` payload (and `model-v1` beside it) per record, on JSONL sets.
//!
//! ```text
//! cargo run --release --example model_eval -- cl100k_base [PRIORS.tpf|.tpf.zst|builtin|none] FILE.jsonl[.gz]...
//! ```
//! Ratio = UTF-8 bytes / (payload + 6 bytes of v2 frame), summed over records, each record alone.
//! Speed: token IDs in and out, thread CPU time, all records in a row (fresh codec state per
//! record); the tokenizer's speed on the first 2,000 records in the same run.
//! Token IDs are cached under target/tok/.

use std::io::{BufRead, BufReader, Read};
use std::sync::Arc;
use std::time::Instant;

use tacc::codecs::{model, model_v1};
use tacc::model::Priors;
use tacc::Tokenizer;

fn records(path: &str) -> Vec<String> {
    let f = std::fs::File::open(path).expect("corpus");
    let r: Box<dyn Read> = if path.ends_with(".gz") {
        Box::new(flate2::read::MultiGzDecoder::new(f))
    } else {
        Box::new(f)
    };
    BufReader::new(r)
        .lines()
        .map_while(|l| l.ok())
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(&l).expect("json");
            v["text"].as_str().unwrap_or("").to_string()
        })
        .collect()
}

fn tokens(tok: &Tokenizer, name: &str, path: &str, texts: &[String]) -> Vec<Vec<u32>> {
    let base = std::path::Path::new(path)
        .file_name()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let cache = format!("target/tok/{name}-{base}.bin");
    if let Ok(b) = std::fs::read(&cache) {
        let w: Vec<u32> = b
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < w.len() {
            let n = w[i] as usize;
            out.push(w[i + 1..i + 1 + n].to_vec());
            i += 1 + n;
        }
        if out.len() == texts.len() {
            return out;
        }
    }
    let seqs: Vec<Vec<u32>> = texts.iter().map(|t| tok.encode(t)).collect();
    let mut b = Vec::new();
    for s in &seqs {
        b.extend_from_slice(&(s.len() as u32).to_le_bytes());
        for &t in s {
            b.extend_from_slice(&t.to_le_bytes());
        }
    }
    let _ = std::fs::create_dir_all("target/tok");
    let _ = std::fs::write(&cache, b);
    seqs
}

/// CPU time of this thread in seconds (Linux: /proc/thread-self/schedstat), else wall time.
fn cpu_now() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map(|ns| ns as f64 / 1e9)
        .unwrap_or_else(|| {
            static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
            START.get_or_init(Instant::now).elapsed().as_secs_f64()
        })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let name = &args[0];
    let tok = Tokenizer::builtin(name).expect("tokenizer");
    let b = tok.builtin_id().expect("builtin");
    let vocab = tok.vocab_size();
    let t0 = Instant::now();
    let priors: Option<Arc<Priors>> = match args[1].as_str() {
        "none" => None,
        "builtin" => model::builtin_priors(b).expect("priors"),
        f if f.ends_with(".zst") => Some(Arc::new(
            Priors::from_zstd(&std::fs::read(f).expect("read")).expect("priors"),
        )),
        f => Some(Arc::new(
            Priors::from_bytes(&std::fs::read(f).expect("read")).expect("priors"),
        )),
    };
    let load = t0.elapsed();
    let v1p = model_v1::builtin_priors(b).expect("v1 priors");
    println!(
        "priors load {:.2} ms, {} bytes in memory",
        load.as_secs_f64() * 1e3,
        priors.as_ref().map_or(0, |p| p.heap_bytes())
    );
    println!("set\trecords\ttokens\tratio\tv1 ratio\tbits/tok\tenc Mtok/s\tdec Mtok/s\tv1 enc\tv1 dec\ttokenizer Mtok/s");
    for path in &args[2..] {
        let texts = records(path);
        let ts = Instant::now();
        let seqs = tokens(&tok, name, path, &texts);
        let _ = ts;
        // tokenizer speed on the same text (fresh measure, not the cache)
        let ts = cpu_now();
        let mut ntok_check = 0usize;
        for t in texts.iter().take(2000) {
            ntok_check += tok.encode(t).len();
        }
        let tok_speed = ntok_check as f64 / (cpu_now() - ts) / 1e6;
        let bytes: usize = texts.iter().map(|t| t.len()).sum();
        let ntok: usize = seqs.iter().map(|s| s.len()).sum();
        let te = cpu_now();
        let payloads: Vec<Vec<u8>> = seqs
            .iter()
            .map(|s| model::encode(s, vocab, priors.clone()).expect("encode"))
            .collect();
        let enc_t = cpu_now() - te;
        let td = cpu_now();
        for (p, s) in payloads.iter().zip(&seqs) {
            let d = model::decode(p, vocab, priors.clone(), 1 << 28).expect("decode");
            assert_eq!(&d, s);
        }
        let dec_t = cpu_now() - td;
        let comp: usize = payloads.iter().map(|p| p.len() + 6).sum();
        let te = cpu_now();
        let v1: Vec<Vec<u8>> = seqs
            .iter()
            .map(|s| model_v1::encode(s, vocab, v1p.clone()).expect("encode"))
            .collect();
        let v1e = cpu_now() - te;
        let td = cpu_now();
        for p in &v1 {
            model_v1::decode(p, vocab, v1p.clone()).expect("decode");
        }
        let v1d = cpu_now() - td;
        let v1c: usize = v1.iter().map(|p| p.len() + 6).sum();
        let (mut ne, mut eb, mut cb) = (0u64, 0u64, 0u64);
        for s in &seqs {
            let (a, b, c) = tacc::model::cost_split(s, vocab, priors.clone());
            ne += a;
            eb += b;
            cb += c;
        }
        eprintln!(
            "  escapes {:.1}% at {:.2} bits, others {:.2} bits",
            100.0 * ne as f64 / ntok as f64,
            eb as f64 / 256.0 / ne.max(1) as f64,
            cb as f64 / 256.0 / (ntok as u64 - ne).max(1) as f64
        );
        let mut ps = [(0u64, 0u64); 3];
        let mut bins = [[0u64; 2]; 64];
        for s in &seqs {
            let r = tacc::model::cost_split_paths(s, vocab, priors.clone(), &mut bins);
            for k in 0..3 {
                ps[k].0 += r[k].0;
                ps[k].1 += r[k].1;
            }
        }
        let mut ideal = 0f64;
        for b in bins.iter() {
            let n = (b[0] + b[1]) as f64;
            for &c in b.iter() {
                if c > 0 {
                    ideal += c as f64 * (n / c as f64).log2();
                }
            }
        }
        eprintln!(
            "  seen path {:.1}% at {:.2} bits, bucket path {:.1}% at {:.2} bits; escape decision {:.3} bits/token, binned ideal {:.3}",
            100.0 * ps[0].0 as f64 / ntok as f64,
            ps[0].1 as f64 / 256.0 / ps[0].0.max(1) as f64,
            100.0 * ps[1].0 as f64 / ntok as f64,
            ps[1].1 as f64 / 256.0 / ps[1].0.max(1) as f64,
            (ps[2].0 + ps[2].1) as f64 / 256.0 / ntok as f64,
            ideal / ntok as f64
        );
        let paybits: usize = payloads.iter().map(|p| p.len() * 8).sum();
        println!(
            "{}\t{}\t{}\t{:.3}\t{:.3}\t{:.2}\t{:.2}\t{:.2}\t{:.2}\t{:.2}\t{:.2}",
            std::path::Path::new(path)
                .file_name()
                .unwrap()
                .to_string_lossy(),
            seqs.len(),
            ntok,
            bytes as f64 / comp as f64,
            bytes as f64 / v1c as f64,
            paybits as f64 / ntok as f64,
            ntok as f64 / enc_t / 1e6,
            ntok as f64 / dec_t / 1e6,
            ntok as f64 / v1e / 1e6,
            ntok as f64 / v1d / 1e6,
            tok_speed
        );
    }
}
