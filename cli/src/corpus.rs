//! JSONL corpora of `{"text": ...}` records, plain or gzip-compressed.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde_json::Value;

/// Texts of a JSONL corpus (`.gz` or plain).
pub fn read_records(path: &Path) -> tacc::Result<Vec<String>> {
    read_records_limit(path, None)
}

pub fn read_records_limit(path: &Path, limit: Option<usize>) -> tacc::Result<Vec<String>> {
    let file = std::fs::File::open(path)
        .map_err(|e| tacc::Error::Io(format!("{}: {e}", path.display())))?;
    let reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut out = Vec::new();
    for (n, line) in BufReader::new(reader).lines().enumerate() {
        if limit.is_some_and(|l| out.len() >= l) {
            break;
        }
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(&line).map_err(|e| {
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

/// Token IDs of every text, tokenized on `threads` threads (0: one per core), in input order:
/// the same IDs at any thread count. A progress bar counts records on a terminal.
pub fn tokenize_all(
    codec: &tacc::Codec,
    texts: &[String],
    threads: usize,
) -> tacc::Result<Vec<Vec<u32>>> {
    let progress = crate::progress::Progress::new(texts.len() as u64, false, "tokenizing");
    let out = tacc::batch::map_ordered(texts, threads, |t| {
        let ids = codec.tokenize(t);
        progress.inc(1);
        ids
    });
    progress.finish();
    out.into_iter().collect()
}
