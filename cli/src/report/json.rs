//! The `--json` document of `tacc bench`.

use serde_json::{json, Value};

use crate::results::Bench;

/// The `--json` document. Summary keys of earlier versions are kept (method, ratio, bytes,
/// compress_seconds, decompress_seconds).
pub fn json_doc(b: &Bench) -> Value {
    let results: Vec<Value> = b
        .rows
        .iter()
        .map(|r| {
            let s = b.summary(r);
            json!({
                "method": r.name, "ratio": s.ratio, "bytes": r.bytes(),
                "compress_seconds": r.enc_secs(), "decompress_seconds": r.dec_secs(),
                "space_saved_percent": s.saved_percent,
                "compress_mb_s": s.comp_mb_s, "decompress_mb_s": s.dec_mb_s,
                "token_input": r.token_input,
                "peak_rss_bytes": r.memory.map(|m| m.peak),
                "peak_rss_file_bytes": r.memory.map(|m| m.file),
            })
        })
        .collect();
    let c = b.band_counts();
    json!({
        "input": b.input, "records": b.text_bytes.len(), "bytes": b.total_bytes(),
        "tokens": b.total_tokens(), "tokenizer": b.tokenizer, "results": results,
        // Tokenizing every record once, in the parent process (the table's "tokenize" line).
        "tokenize_seconds": b.tokenize_secs,
        "bands": {
            "medium_from_bytes": b.bands.medium_from, "large_from_bytes": b.bands.large_from,
            "small": c[0], "medium": c[1], "large": c[2],
        },
        "memory_measure": "peak RSS (VmHWM) of a child process running only this row, above its RSS before the row's first call; bytes",
    })
}
