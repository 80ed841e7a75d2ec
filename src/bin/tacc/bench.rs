//! `tacc bench`: per-record compression of a JSONL corpus, as a chat service or prompt store does it.

use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tacc::{Codec, Method, Options};

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

type RunFn = Box<dyn Fn(&Codec, &str, &[u32]) -> tacc::Result<Vec<u8>>>;
type BackFn = Box<dyn Fn(&Codec, &[u8]) -> tacc::Result<Restored>>;

/// One row: a way to turn a record into bytes and back.
struct Row {
    name: String,
    /// Text in, payload out; the flag says whether this row's input is pre-tokenized IDs.
    token_input: bool,
    run: RunFn,
    back: BackFn,
}

#[derive(PartialEq)]
enum Restored {
    Text(String),
    Ids(Vec<u32>),
}

fn framed(method: Option<Method>, zstd_level: i32, gzip_level: i32) -> Row {
    let opts = Options {
        method,
        zstd_level,
        gzip_level,
        ..Options::default()
    };
    let name = match method {
        None => "frame auto".to_string(),
        Some(Method::Zstd | Method::LopaceHybrid) => {
            format!("frame {}-{zstd_level}", method.unwrap().name())
        }
        Some(Method::Gzip | Method::TaccGzip) => {
            format!("frame {}-{gzip_level}", method.unwrap().name())
        }
        Some(m) => format!("frame {}", m.name()),
    };
    Row {
        name,
        token_input: false,
        run: Box::new(move |c, t, _| c.compress_text(t, &opts)),
        back: Box::new(|c, b| c.decompress_text(b).map(Restored::Text)),
    }
}

fn rows() -> Vec<Row> {
    let mut rows = vec![
        framed(Some(Method::Gzip), 15, 9),
        framed(Some(Method::Zstd), 19, 9),
        framed(Some(Method::LopaceHybrid), 15, 9),
        framed(Some(Method::Tacc), 15, 9),
        framed(Some(Method::TaccGzip), 15, 9),
        framed(Some(Method::Model), 15, 9),
        framed(None, 19, 12),
    ];
    // brotli-11 over the UTF-8 bytes, no frame: the strongest general-purpose baseline.
    rows.push(Row {
        name: "raw brotli-11".into(),
        token_input: false,
        run: Box::new(|_, t, _| {
            let mut out = Vec::new();
            let params = brotli::enc::BrotliEncoderParams {
                quality: 11,
                ..Default::default()
            };
            brotli::BrotliCompress(&mut t.as_bytes(), &mut out, &params)?;
            Ok(out)
        }),
        back: Box::new(|_, b| {
            let mut out = Vec::new();
            brotli::BrotliDecompress(&mut &b[..], &mut out)?;
            String::from_utf8(out)
                .map(Restored::Text)
                .map_err(|e| tacc::Error::InvalidUtf8(e.to_string()))
        }),
    });
    // The peers' own payloads, no frame: what tacc 0.1.0 and LoPace 0.1.5 would store.
    rows.push(Row {
        name: "raw tacc".into(),
        token_input: false,
        run: Box::new(|c, t, _| c.encode_token_ids(&c.tokenize(t), false)),
        back: Box::new(|c, b| {
            c.detokenize(&c.decode_token_ids(b, false)?)
                .map(Restored::Text)
        }),
    });
    rows.push(Row {
        name: "raw tacc-gzip".into(),
        token_input: false,
        run: Box::new(|c, t, _| c.encode_token_ids(&c.tokenize(t), true)),
        back: Box::new(|c, b| {
            c.detokenize(&c.decode_token_ids(b, true)?)
                .map(Restored::Text)
        }),
    });
    rows.push(Row {
        name: "raw lopace-hybrid-15".into(),
        token_input: false,
        run: Box::new(|c, t, _| c.lopace_compress(t, tacc::LopaceMethod::Hybrid, 15)),
        back: Box::new(|c, b| {
            c.lopace_decompress(b, tacc::LopaceMethod::Hybrid)
                .map(Restored::Text)
        }),
    });
    rows.push(Row {
        name: "raw lopace-zstd-15".into(),
        token_input: false,
        run: Box::new(|c, t, _| c.lopace_compress(t, tacc::LopaceMethod::Zstd, 15)),
        back: Box::new(|c, b| {
            c.lopace_decompress(b, tacc::LopaceMethod::Zstd)
                .map(Restored::Text)
        }),
    });
    // Token-ID mode (an inference server's view: IDs in, IDs out, no tokenizer in the timing).
    rows.push(Row {
        name: "ids tacc".into(),
        token_input: true,
        run: Box::new(|c, _, ids| c.encode_token_ids(ids, false)),
        back: Box::new(|c, b| c.decode_token_ids(b, false).map(Restored::Ids)),
    });
    rows.push(Row {
        name: "ids model".into(),
        token_input: true,
        run: Box::new(|c, _, ids| c.compress_token_ids(ids, &Options::method(Method::Model))),
        back: Box::new(|c, b| c.decompress_token_ids(b).map(Restored::Ids)),
    });
    rows.push(Row {
        name: "ids tacc-gzip".into(),
        token_input: true,
        run: Box::new(|c, _, ids| c.encode_token_ids(ids, true)),
        back: Box::new(|c, b| c.decode_token_ids(b, true).map(Restored::Ids)),
    });
    rows
}

struct Result_ {
    name: String,
    bytes: u64,
    enc: Duration,
    dec: Duration,
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
        // Warm-up: loads tables and priors once, so the timing is of steady-state work.
        if let (Some(text), Some(first)) = (texts.first(), ids.first()) {
            (row.run)(&codec, text, first)?;
        }
        let mut r = Result_ {
            name: row.name.clone(),
            bytes: 0,
            enc: Duration::ZERO,
            dec: Duration::ZERO,
        };
        for (i, (text, ids)) in texts.iter().zip(&ids).enumerate() {
            if progress && i % 200 == 0 {
                eprint!("\r{:<22} {:>6}/{}", row.name, i, texts.len());
            }
            let t = Instant::now();
            let payload = (row.run)(&codec, text, ids)?;
            r.enc += t.elapsed();
            let t = Instant::now();
            let back = (row.back)(&codec, &payload)?;
            r.dec += t.elapsed();
            let expected = if row.token_input {
                Restored::Ids(ids.clone())
            } else {
                Restored::Text(text.clone())
            };
            if back != expected {
                return Err(tacc::Error::Mismatch(format!(
                    "{} did not restore record {i}",
                    row.name
                )));
            }
            r.bytes += payload.len() as u64;
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
            "compress_seconds": e, "decompress_seconds": d,
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
