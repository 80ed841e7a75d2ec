//! Tokenizers: the seven built-in tiktoken vocabularies, and custom `.tiktoken` rank files.
//!
//! Text is always encoded with `encode_ordinary`, so strings such as `<|endoftext|>` are
//! ordinary text and every valid UTF-8 string round-trips exactly.

use std::sync::{Arc, OnceLock};

use base64::Engine as _;
use rustc_hash::FxHashMap;
use tiktoken_rs::CoreBPE;

use crate::error::{Error, Result};

/// The names accepted by [`Tokenizer::builtin`], in tacc 0.1.0's order.
pub const BUILTIN_NAMES: [&str; 7] = [
    "cl100k_base",
    "gpt2",
    "o200k_base",
    "o200k_harmony",
    "p50k_base",
    "p50k_edit",
    "r50k_base",
];

/// A built-in vocabulary. The discriminant is its ID in the frame header: never renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Builtin {
    Cl100kBase = 1,
    Gpt2 = 2,
    O200kBase = 3,
    O200kHarmony = 4,
    P50kBase = 5,
    P50kEdit = 6,
    R50kBase = 7,
}

impl Builtin {
    pub const ALL: [Builtin; 7] = [
        Builtin::Cl100kBase,
        Builtin::Gpt2,
        Builtin::O200kBase,
        Builtin::O200kHarmony,
        Builtin::P50kBase,
        Builtin::P50kEdit,
        Builtin::R50kBase,
    ];

    pub fn name(self) -> &'static str {
        BUILTIN_NAMES[self as usize - 1]
    }

    pub fn from_name(name: &str) -> Result<Builtin> {
        Builtin::ALL
            .into_iter()
            .find(|b| b.name() == name)
            .ok_or_else(|| Error::UnknownTokenizer(name.to_string()))
    }

    pub fn from_id(id: u8) -> Option<Builtin> {
        Builtin::ALL.into_iter().find(|b| *b as u8 == id)
    }

    /// One more than the largest token ID, special tokens included.
    pub fn vocab_size(self) -> u32 {
        match self {
            Builtin::Cl100kBase => 100_277,
            Builtin::Gpt2 | Builtin::R50kBase => 50_257,
            Builtin::P50kBase => 50_281,
            Builtin::P50kEdit => 50_284,
            Builtin::O200kBase => 200_019,
            Builtin::O200kHarmony => 201_088,
        }
    }

    /// Whether this build embeds the vocabulary (cargo features).
    pub fn is_enabled(self) -> bool {
        match self {
            Builtin::Cl100kBase => cfg!(feature = "cl100k"),
            Builtin::O200kBase | Builtin::O200kHarmony => cfg!(feature = "o200k"),
            Builtin::P50kBase | Builtin::P50kEdit => cfg!(feature = "p50k"),
            Builtin::Gpt2 | Builtin::R50kBase => cfg!(feature = "r50k"),
        }
    }

    fn bpe(self) -> Result<&'static CoreBPE> {
        if !self.is_enabled() {
            return Err(Error::InvalidArgument(format!(
                "tokenizer '{}' was left out of this build (cargo feature)",
                self.name()
            )));
        }
        // tiktoken-rs builds each vocabulary once per process and keeps it.
        Ok(match self {
            Builtin::Cl100kBase => tiktoken_rs::cl100k_base_singleton(),
            Builtin::Gpt2 | Builtin::R50kBase => tiktoken_rs::r50k_base_singleton(),
            Builtin::P50kBase => tiktoken_rs::p50k_base_singleton(),
            Builtin::P50kEdit => tiktoken_rs::p50k_edit_singleton(),
            Builtin::O200kBase => tiktoken_rs::o200k_base_singleton(),
            Builtin::O200kHarmony => tiktoken_rs::o200k_harmony_singleton(),
        })
    }
}

/// Pre-tokenization regexes for custom rank files.
pub mod patterns {
    /// cl100k_base's split pattern; Llama 3 uses the same one.
    pub const CL100K: &str = "'(?i:[sdmt]|ll|ve|re)|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}++|\\p{N}{1,3}+| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*+|\\s++$|\\s*[\\r\\n]|\\s+(?!\\S)|\\s";
    /// Qwen2/2.5/3: as cl100k, but digits one at a time.
    pub const QWEN2: &str = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    /// GPT-2 / r50k / p50k.
    pub const GPT2: &str =
        "'(?:[sdmt]|ll|ve|re)| ?\\p{L}++| ?\\p{N}++| ?[^\\s\\p{L}\\p{N}]++|\\s++$|\\s+(?!\\S)|\\s";
    /// o200k_base.
    pub const O200K: &str = tiktoken_rs::O200K_BASE_PAT_STR;

    /// A preset name (`cl100k`, `llama3`, `qwen2`, `gpt2`, `o200k`) or the regex itself.
    pub fn resolve(name_or_regex: &str) -> &str {
        match name_or_regex {
            "cl100k" | "cl100k_base" | "llama3" => CL100K,
            "qwen2" | "qwen" => QWEN2,
            "gpt2" | "r50k" | "p50k" => GPT2,
            "o200k" | "o200k_base" => O200K,
            other => other,
        }
    }
}

enum Bpe {
    Static(&'static CoreBPE),
    Owned(Box<CoreBPE>),
}

/// A tokenizer: built-in or loaded from a rank file. Immutable, `Send + Sync`; share it with `Arc`.
pub struct Tokenizer {
    name: String,
    builtin: Option<Builtin>,
    bpe: Bpe,
    /// bpe-openai's encoder where it covers the vocabulary: about twice tiktoken-rs's speed,
    /// same token IDs (tests/tokenizer_equivalence.rs holds it to that on real text).
    #[cfg(feature = "fast-bpe")]
    fast: Option<&'static bpe_openai::Tokenizer>,
    vocab_size: u32,
    fingerprint: u64,
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokenizer")
            .field("name", &self.name)
            .field("vocab_size", &self.vocab_size)
            .field("fingerprint", &format_args!("{:016x}", self.fingerprint))
            .finish()
    }
}

impl Tokenizer {
    /// A built-in tokenizer, created once per process and shared.
    pub fn builtin(name: &str) -> Result<Arc<Tokenizer>> {
        Self::from_builtin(Builtin::from_name(name)?)
    }

    pub fn from_builtin(b: Builtin) -> Result<Arc<Tokenizer>> {
        static CACHE: [OnceLock<Arc<Tokenizer>>; 7] = [const { OnceLock::new() }; 7];
        let bpe = b.bpe()?;
        Ok(CACHE[b as usize - 1]
            .get_or_init(|| {
                Arc::new(Tokenizer {
                    name: b.name().to_string(),
                    builtin: Some(b),
                    bpe: Bpe::Static(bpe),
                    #[cfg(feature = "fast-bpe")]
                    fast: match b {
                        Builtin::Cl100kBase => Some(bpe_openai::cl100k_base()),
                        // harmony adds special tokens only: ordinary text encodes as in o200k_base.
                        Builtin::O200kBase | Builtin::O200kHarmony => {
                            Some(bpe_openai::o200k_base())
                        }
                        _ => None,
                    },
                    vocab_size: b.vocab_size(),
                    fingerprint: fnv1a64(b.name().as_bytes()),
                })
            })
            .clone())
    }

    /// Loads a `.tiktoken` rank file (lines of `base64-token rank`, as shipped for Llama 3 and Qwen).
    /// `pattern` is a preset name (see [`patterns::resolve`]) or a regex; `specials` are extra
    /// special tokens (string, ID), which decode but are never produced from text.
    pub fn from_tiktoken_bytes(
        name: &str,
        rank_file: &[u8],
        pattern: &str,
        specials: &[(String, u32)],
    ) -> Result<Tokenizer> {
        let pattern = patterns::resolve(pattern);
        let text =
            std::str::from_utf8(rank_file).map_err(|e| Error::corrupt("tiktoken rank file", e))?;
        let mut encoder: FxHashMap<Vec<u8>, u32> = FxHashMap::default();
        let mut seen_ranks = std::collections::HashSet::new();
        let mut max_rank = 0u32;
        for (lineno, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let bad = |what: &str| {
                Error::corrupt("tiktoken rank file", format!("line {}: {what}", lineno + 1))
            };
            let mut parts = line.split(' ');
            let (Some(tok), Some(rank), None) = (parts.next(), parts.next(), parts.next()) else {
                return Err(bad("expected 'base64-token rank'"));
            };
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(tok)
                .map_err(|_| bad("token is not base64"))?;
            let rank: u32 = rank
                .trim()
                .parse()
                .map_err(|_| bad("rank is not an integer"))?;
            if rank >= 1 << 24 {
                return Err(bad("rank above 2^24"));
            }
            // CoreBPE::new panics on duplicates; refuse them here with a message instead.
            if !seen_ranks.insert(rank) || encoder.insert(bytes, rank).is_some() {
                return Err(bad("duplicate token or rank"));
            }
            max_rank = max_rank.max(rank);
        }
        // Byte-level BPE falls back to single bytes: without all 256 of them, some text cannot be encoded.
        if let Some(b) = (0..=255u8).find(|b| !encoder.contains_key(&[*b][..])) {
            return Err(Error::corrupt(
                "tiktoken rank file",
                format!("byte {b:#04x} has no token (all 256 single bytes are required)"),
            ));
        }
        let mut special_map: FxHashMap<String, u32> = FxHashMap::default();
        for (s, id) in specials {
            if seen_ranks.contains(id)
                || special_map.insert(s.clone(), *id).is_some()
                || *id >= 1 << 24
            {
                return Err(Error::InvalidArgument(format!(
                    "special token '{s}' ({id}) collides or is out of range"
                )));
            }
            max_rank = max_rank.max(*id);
        }
        let mut h = fnv1a64(rank_file);
        h = fnv1a64_update(h, b"\0pattern\0");
        h = fnv1a64_update(h, pattern.as_bytes());
        let mut sorted_specials: Vec<_> = specials.to_vec();
        sorted_specials.sort();
        for (s, id) in &sorted_specials {
            h = fnv1a64_update(h, s.as_bytes());
            h = fnv1a64_update(h, &id.to_le_bytes());
        }
        let bpe = CoreBPE::new(encoder, special_map, pattern)
            .map_err(|e| Error::InvalidArgument(format!("bad tokenizer pattern: {e}")))?;
        Ok(Tokenizer {
            name: name.to_string(),
            builtin: None,
            bpe: Bpe::Owned(Box::new(bpe)),
            #[cfg(feature = "fast-bpe")]
            fast: None,
            vocab_size: max_rank + 1,
            fingerprint: h,
        })
    }

    /// Reads a rank file from disk; see [`Tokenizer::from_tiktoken_bytes`].
    pub fn from_tiktoken_file(path: &std::path::Path, pattern: &str) -> Result<Tokenizer> {
        let bytes =
            std::fs::read(path).map_err(|e| Error::Io(format!("{}: {e}", path.display())))?;
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("custom");
        Self::from_tiktoken_bytes(name, &bytes, pattern, &[])
    }

    fn core(&self) -> &CoreBPE {
        match &self.bpe {
            Bpe::Static(b) => b,
            Bpe::Owned(b) => b,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn builtin_id(&self) -> Option<Builtin> {
        self.builtin
    }

    /// One more than the largest token ID.
    pub fn vocab_size(&self) -> u32 {
        self.vocab_size
    }

    /// Identifies a custom tokenizer in frames (FNV-1a 64 of its rank file, pattern and specials).
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// Text to token IDs. Special-token strings are encoded as ordinary text.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        #[cfg(feature = "fast-bpe")]
        if let Some(fast) = self.fast {
            return fast.encode(text);
        }
        self.core().encode_ordinary(text)
    }

    /// Text to token IDs through tiktoken-rs only (the reference for the fast path).
    pub fn encode_reference(&self, text: &str) -> Vec<u32> {
        self.core().encode_ordinary(text)
    }

    /// Token IDs to the bytes they stand for (not always UTF-8 on its own).
    pub fn decode_bytes(&self, ids: &[u32]) -> Result<Vec<u8>> {
        self.core()
            .decode_bytes(ids)
            .map_err(|e| Error::UnknownTokenId {
                id: e.token as i64,
                table: "tokenizer vocabulary",
                size: self.vocab_size,
            })
    }

    /// Token IDs to text; an error if the bytes are not UTF-8 (never replaced silently).
    pub fn decode(&self, ids: &[u32]) -> Result<String> {
        String::from_utf8(self.decode_bytes(ids)?).map_err(|e| Error::InvalidUtf8(e.to_string()))
    }

    /// The single token whose bytes are exactly `piece`, if any (tacc's `encode_tokens`).
    pub fn token_of(&self, piece: &str) -> Option<u32> {
        let ids = self.core().encode_with_special_tokens(piece);
        match ids.as_slice() {
            [id] if self.decode_bytes(&[*id]).ok()?.as_slice() == piece.as_bytes() => Some(*id),
            _ => None,
        }
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a 64: a stable, dependency-free fingerprint (not a security hash).
pub(crate) fn fnv1a64(bytes: &[u8]) -> u64 {
    fnv1a64_update(FNV_OFFSET, bytes)
}

pub(crate) fn fnv1a64_update(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_token_strings_are_plain_text() {
        let t = Tokenizer::builtin("cl100k_base").unwrap();
        let text = "before <|endoftext|> after <|fim_prefix|>";
        let ids = t.encode(text);
        assert!(
            !ids.contains(&100257),
            "special token must not be produced from text"
        );
        assert_eq!(t.decode(&ids).unwrap(), text);
    }

    #[test]
    fn unknown_names_and_ids_are_errors() {
        assert!(matches!(
            Tokenizer::builtin("llama"),
            Err(Error::UnknownTokenizer(_))
        ));
        let t = Tokenizer::builtin("gpt2").unwrap();
        assert!(t.decode_bytes(&[50_257]).is_err());
    }

    #[test]
    fn custom_rank_file_round_trips_and_rejects_garbage() {
        let b64 = |s: &[u8]| base64::engine::general_purpose::STANDARD.encode(s);
        let mut file = String::new();
        for b in 0u8..=255 {
            file.push_str(&format!("{} {}\n", b64(&[b]), b));
        }
        file.push_str(&format!("{} 256\n", b64(b"th")));
        file.push_str(&format!("{} 257\n", b64(b"the")));
        let t = Tokenizer::from_tiktoken_bytes("tiny", file.as_bytes(), "cl100k", &[]).unwrap();
        assert_eq!(t.vocab_size(), 258);
        let ids = t.encode("the theme");
        assert!(ids.contains(&257));
        assert_eq!(t.decode(&ids).unwrap(), "the theme");
        assert!(Tokenizer::from_tiktoken_bytes("x", b"!!! 1\n", "cl100k", &[]).is_err());
        assert!(Tokenizer::from_tiktoken_bytes("x", b"YQ== 1\nYQ== 2\n", "cl100k", &[]).is_err());
        assert!(Tokenizer::from_tiktoken_bytes("x", b"", "cl100k", &[]).is_err());
        assert!(
            Tokenizer::from_tiktoken_bytes("x", b"YQ== 1\n", "cl100k", &[]).is_err(),
            "single bytes missing"
        );
    }
}
