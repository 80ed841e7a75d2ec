//! Tokenizer files, by format: tiktoken rank files (`base64-token rank` lines: OpenAI's
//! `.tiktoken`, Llama's `tokenizer.model`, Qwen's `.tiktoken`) and Mistral's Tekken JSON. Each
//! is read into one shape, [`Parsed`]: the token bytes by ID, and what the file says of its
//! split pattern and special tokens. Counts in a file never size an allocation beyond what the
//! file itself holds.

use base64::Engine as _;

use super::vocab;
use crate::error::{Error, Result};

/// A tokenizer file, read.
pub(crate) struct Parsed {
    /// Token bytes by ID (ordinary tokens only; holes `None`).
    pub(crate) by_id: Vec<Option<Vec<u8>>>,
    /// The split pattern the file names (Tekken's `config.pattern`), if any.
    pub(crate) pattern: Option<String>,
    /// Special tokens the file defines (ID, string), sorted by ID.
    pub(crate) specials: Vec<(u32, String)>,
    /// What the file is, for messages.
    pub(crate) format: &'static str,
}

/// Largest ID a file may use (the flat tables and the frame's ranks are 24-bit).
const MAX_ID: u32 = 1 << 24;

/// Reads a tokenizer file of any supported format (told apart by its first non-blank byte:
/// `{` is JSON).
pub(crate) fn parse(file: &[u8]) -> Result<Parsed> {
    match file.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => parse_json(file),
        _ => Ok(Parsed {
            by_id: vocab::parse_rank_file(file)
                .map_err(|e| Error::corrupt("tiktoken rank file", e))?,
            pattern: None,
            specials: Vec::new(),
            format: "tiktoken rank file",
        }),
    }
}

fn parse_json(file: &[u8]) -> Result<Parsed> {
    #[derive(serde::Deserialize)]
    struct Probe {
        #[serde(default)]
        config: Option<serde::de::IgnoredAny>,
        #[serde(default)]
        model: Option<serde::de::IgnoredAny>,
    }
    let probe: Probe =
        serde_json::from_slice(file).map_err(|e| Error::corrupt("tokenizer JSON file", e))?;
    match (probe.config, probe.model) {
        (Some(_), _) => parse_tekken(file),
        (None, Some(_)) => super::hf::parse_ranked(file),
        (None, None) => Err(Error::corrupt(
            "tokenizer JSON file",
            "neither a Tekken file (`config`, `vocab`) nor a Hugging Face tokenizer.json (`model`)",
        )),
    }
}

/// Mistral's Tekken JSON, read as `mistral_common`'s `Tekkenizer.from_file` does: the first
/// `default_num_special_tokens` IDs are special tokens (the file's `special_tokens`, or for
/// versions up to v7 without them the deprecated default list), then ranks
/// `0..default_vocab_size - default_num_special_tokens` of `vocab`, each at ID
/// `rank + default_num_special_tokens`.
fn parse_tekken(file: &[u8]) -> Result<Parsed> {
    #[derive(serde::Deserialize)]
    struct Config {
        pattern: String,
        default_vocab_size: u32,
        default_num_special_tokens: u32,
    }
    #[derive(serde::Deserialize)]
    struct Token {
        rank: u32,
        token_bytes: String,
    }
    #[derive(serde::Deserialize)]
    struct Special {
        rank: u32,
        token_str: String,
    }
    #[derive(serde::Deserialize)]
    struct Tekken {
        config: Config,
        vocab: Vec<Token>,
        #[serde(default)]
        special_tokens: Option<Vec<Special>>,
    }
    let bad = |what: String| Error::corrupt("Tekken file", what);
    let t: Tekken = serde_json::from_slice(file).map_err(|e| bad(e.to_string()))?;
    let n_special = t.config.default_num_special_tokens;
    let size = t.config.default_vocab_size;
    if size > MAX_ID || n_special > size {
        return Err(bad(format!(
            "vocabulary size {size} with {n_special} special tokens"
        )));
    }
    let inner = (size - n_special) as usize;
    if inner > t.vocab.len() {
        return Err(bad(format!(
            "{inner} ordinary tokens declared, {} present",
            t.vocab.len()
        )));
    }
    // Sized by the tokens the file holds (checked just above), not by a declared count alone.
    let mut by_id: Vec<Option<Vec<u8>>> = vec![None; n_special as usize + inner];
    for tok in &t.vocab {
        if tok.rank as usize >= inner {
            continue;
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&tok.token_bytes)
            .map_err(|_| bad(format!("rank {}: token is not base64", tok.rank)))?;
        if bytes.is_empty() {
            return Err(bad(format!("rank {}: empty token", tok.rank)));
        }
        if by_id[n_special as usize + tok.rank as usize]
            .replace(bytes)
            .is_some()
        {
            return Err(bad(format!("rank {}: duplicate", tok.rank)));
        }
    }
    if let Some(r) = (0..inner).find(|&r| by_id[n_special as usize + r].is_none()) {
        return Err(bad(format!("rank {r} is missing")));
    }
    let named: Vec<(u32, String)> = match t.special_tokens {
        Some(list) => list.into_iter().map(|s| (s.rank, s.token_str)).collect(),
        None => super::open::TEKKEN_DEFAULT_SPECIALS
            .iter()
            .enumerate()
            .map(|(i, s)| (i as u32, s.to_string()))
            .collect(),
    };
    if named.len() > n_special as usize {
        return Err(bad(format!(
            "{} special tokens for {n_special} slots",
            named.len()
        )));
    }
    // As mistral-common: the listed ones take the first IDs, `<SPECIAL_{id}>` fills the rest.
    let mut specials: Vec<(u32, String)> = named
        .into_iter()
        .enumerate()
        .map(|(i, (_, s))| (i as u32, s))
        .collect();
    let n = specials.len() as u32;
    specials.extend((n..n_special).map(|i| (i, format!("<SPECIAL_{i}>"))));
    Ok(Parsed {
        by_id,
        pattern: Some(t.config.pattern),
        specials,
        format: "Tekken file",
    })
}
