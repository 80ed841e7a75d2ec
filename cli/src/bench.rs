//! `tacc bench`: per-record compression of a JSONL corpus, as a chat service or prompt store does it.

use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::methods::rows;

#[derive(clap::Args)]
pub struct BenchArgs {
    /// JSONL file of `{"text": ...}` records; gzip-compressed files are read directly.
    input: PathBuf,
    #[command(flatten)]
    tok: super::TokenizerArgs,
    /// Only the first N records.
    #[arg(long)]
    limit: Option<usize>,
    /// Comma-separated subset of rows to run (names as printed).
    #[arg(long)]
    only: Option<String>,
    /// Also write the results as JSON here.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
}

/// Texts of a JSONL corpus (`.gz` or plain).
pub fn read_records(path: &Path) -> tacc::Result<Vec<String>> {
    let file = std::fs::File::open(path)
        .map_err(|e| tacc::Error::Io(format!("{}: {e}", path.display())))?;
    let reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut out = Vec::new();
    for (n, line) in BufReader::new(reader).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line).map_err(|e| {
            tacc::Error::InvalidArgument(format!("{}:{}: {e}", path.display(), n + 1))
        })?;
        let text = v.get("text").and_then(|t| t.as_str()).ok_or_else(|| {
            tacc::Error::InvalidArgument(format!(
                "{}:{}: no \"text\" string",
                path.display(),
                n + 1
            ))
        })?;
        out.push(text.to_string());
    }
    Ok(out)
}

struct Result_ {
    name: String,
    bytes: u64,
    enc: Duration,
    dec: Duration,
    /// Largest heap growth of one record's compress or decompress.
    peak_heap: usize,
}

pub fn run(args: &BenchArgs) -> tacc::Result<()> {
    let codec = args.tok.codec()?;
    let mut texts = read_records(&args.input)?;
    if let Some(n) = args.limit {
        texts.truncate(n);
    }
    let t0 = Instant::now();
    let ids: Vec<Vec<u32>> = texts.iter().map(|t| codec.tokenize(t)).collect();
    let tokenize_time = t0.elapsed();
    let total_bytes: u64 = texts.iter().map(|t| t.len() as u64).sum();
    let total_tokens: u64 = ids.iter().map(|v| v.len() as u64).sum();
    let progress = std::io::stderr().is_terminal();
    let only: Option<Vec<String>> = args
        .only
        .as_ref()
        .map(|s| s.split(',').map(|x| x.trim().to_string()).collect());

    let mut results = Vec::new();
    for row in rows() {
        if only.as_ref().is_some_and(|o| !o.contains(&row.name)) {
            continue;
        }
        if let (Some(text), Some(first)) = (texts.first(), ids.first()) {
            row.warm_up(&codec, text, first)?;
        }
        let mut r = Result_ {
            name: row.name.clone(),
            bytes: 0,
            enc: Duration::ZERO,
            dec: Duration::ZERO,
            peak_heap: 0,
        };
        for (i, (text, ids)) in texts.iter().zip(&ids).enumerate() {
            if progress && i % 200 == 0 {
                eprint!("\r{:<22} {:>6}/{}", row.name, i, texts.len());
            }
            let m = row.measure(&codec, text, ids)?;
            if !m.restored {
                return Err(tacc::Error::Mismatch(format!(
                    "{} did not restore record {i}",
                    row.name
                )));
            }
            r.enc += m.encode;
            r.dec += m.decode;
            r.bytes += m.payload.len() as u64;
            r.peak_heap = r.peak_heap.max(m.encode_peak_heap.max(m.decode_peak_heap));
        }
        results.push(r);
    }
    if progress {
        eprint!("\r{:40}\r", "");
    }

    println!(
        "{}: {} records, {} bytes, {} tokens ({}); per-record compression, all round trips verified",
        args.input.display(),
        texts.len(),
        total_bytes,
        total_tokens,
        codec.tokenizer_name()
    );
    println!(
        "tokenize: {:.1} MB/s, {:.2} M tokens/s",
        total_bytes as f64 / tokenize_time.as_secs_f64() / 1e6,
        total_tokens as f64 / tokenize_time.as_secs_f64() / 1e6
    );
    println!(
        "{:<22} {:>7} {:>11} {:>10} {:>10} {:>11} {:>11}",
        "method", "ratio", "bytes", "comp MB/s", "dec MB/s", "comp Mtok/s", "dec Mtok/s"
    );
    let mut json = Vec::new();
    for r in &results {
        let ratio = total_bytes as f64 / r.bytes.max(1) as f64;
        let (e, d) = (r.enc.as_secs_f64(), r.dec.as_secs_f64());
        println!(
            "{:<22} {:>7.3} {:>11} {:>10.1} {:>10.1} {:>11.2} {:>11.2}",
            r.name,
            ratio,
            r.bytes,
            total_bytes as f64 / e / 1e6,
            total_bytes as f64 / d / 1e6,
            total_tokens as f64 / e / 1e6,
            total_tokens as f64 / d / 1e6
        );
        json.push(serde_json::json!({
            "method": r.name, "ratio": ratio, "bytes": r.bytes,
            "compress_seconds": e, "decompress_seconds": d, "peak_heap_bytes": r.peak_heap,
        }));
    }
    println!("(frame rows include the frame header and CRC-32; text rows include tokenization; ids rows start from token IDs)");
    if let Some(path) = &args.json {
        let doc = serde_json::json!({
            "input": args.input.display().to_string(), "records": texts.len(), "bytes": total_bytes,
            "tokens": total_tokens, "tokenizer": codec.tokenizer_name(), "results": json,
        });
        let mut f = std::fs::File::create(path)?;
        writeln!(f, "{}", serde_json::to_string_pretty(&doc).expect("json"))?;
    }
    Ok(())
}
