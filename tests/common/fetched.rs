//! Files the tests fetch rather than commit (the publishers' tokenizer files, the reference
//! packages' outputs): where they are, and the one rule for their absence. A plain `cargo test`
//! skips with a message; CI sets `TACC_REQUIRE_OPEN_VOCABS=1` after fetching them, which turns
//! an absent file into a failure. Also the hex helpers the reference files use.
#![allow(dead_code)] // each test file uses part of it

use std::path::{Path, PathBuf};

/// `$TACC_VOCAB_DIR`, else `target/vocabs` (tools/fetch-vocabs.sh puts the files there).
pub fn vocab_dir() -> PathBuf {
    std::env::var_os("TACC_VOCAB_DIR")
        .map(Into::into)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/target/vocabs").into())
}

/// The result of reading or opening a fetched file; `None` with a message naming `how` to fetch
/// it when that failed, a failure instead under `TACC_REQUIRE_OPEN_VOCABS=1`.
pub fn or_skip<T>(got: std::io::Result<T>, path: &Path, how: &str) -> Option<T> {
    match got {
        Ok(v) => Some(v),
        Err(e) => {
            assert!(
                std::env::var_os("TACC_REQUIRE_OPEN_VOCABS").is_none(),
                "{}: {e}",
                path.display()
            );
            eprintln!("skipped: {} is absent ({how})", path.display());
            None
        }
    }
}

/// Lower-case hex of bytes.
pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Bytes of a hex string.
pub fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}
