//! Tokenizers: the seven built-in tiktoken vocabularies, and custom `.tiktoken` rank files.
//!
//! Text is always encoded as tiktoken's `encode_ordinary` does, so strings such as
//! `<|endoftext|>` are ordinary text and every valid UTF-8 string round-trips exactly.
//!
//! The built-ins use our own flat tables (`vocab/`, see [`vocab`]) and encoder (`encode`),
//! loaded lazily and per direction: creating a tokenizer costs nothing, decoding loads only the
//! token bytes, encoding adds the rank table and the pretokenizer regex on first use. Custom rank
//! files are read into the same tables (or a hash map when their ranks are far apart) and split
//! with the built-in pretokenizer when their pattern is a built-in one, else with fancy-regex
//! (see `custom`); tiktoken-rs is the reference the tests hold both to.

use std::sync::{Arc, OnceLock};

#[cfg(feature = "encode")]
use rustc_hash::FxHashMap;

use crate::error::{Error, Result};
use crate::hash::fnv1a64;
#[cfg(feature = "encode")]
use crate::hash::fnv1a64_update;

// The encoder (pretokenizer regexes, byte-pair merges, rank tables): left out of decode-only builds.
#[cfg(feature = "encode")]
mod custom;
#[cfg(feature = "encode")]
mod encode;
// Tokenizer files by format (tiktoken rank files, Tekken JSON).
#[cfg(feature = "encode")]
mod hf;
#[cfg(feature = "encode")]
mod load;
mod open;
// The flat vocabulary tables. Hidden: for the CLI's `vocab` command, which generates `vocab/`.
#[doc(hidden)]
pub mod vocab;

#[cfg(feature = "encode")]
use custom::{FancySplitter, MapRanks};
#[cfg(feature = "encode")]
use encode::{Flat, Pattern};
#[cfg(feature = "encode")]
use vocab::RankTable;
use vocab::{Blob, TokenTable};

pub use crate::builtin_names::{BUILTIN_NAMES, OPEN_VOCAB_NAMES};
pub use open::OpenVocab;

/// A vocabulary a frame names by its one-byte ID: a built-in (embedded in the library) or an
/// open model's (its file supplied by the user).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Vocab {
    /// A built-in tiktoken vocabulary (IDs 1-7).
    Builtin(Builtin),
    /// An open-weight model's vocabulary (IDs 8-12).
    Open(OpenVocab),
}

impl Vocab {
    /// The vocabulary of a name: a built-in's or an open vocabulary's.
    pub fn from_name(name: &str) -> Result<Vocab> {
        Builtin::from_name(name)
            .map(Vocab::Builtin)
            .or_else(|_| OpenVocab::from_name(name).map(Vocab::Open))
    }

    /// The vocabulary with a frame header ID.
    pub fn from_id(id: u8) -> Option<Vocab> {
        Builtin::from_id(id)
            .map(Vocab::Builtin)
            .or_else(|| OpenVocab::from_id(id).map(Vocab::Open))
    }

    /// Its frame header ID.
    pub fn id(self) -> u8 {
        match self {
            Vocab::Builtin(b) => b as u8,
            Vocab::Open(v) => v as u8,
        }
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Vocab::Builtin(b) => b.name(),
            Vocab::Open(v) => v.name(),
        }
    }

    /// One more than the largest token ID, special tokens included.
    pub fn vocab_size(self) -> u32 {
        match self {
            Vocab::Builtin(b) => b.vocab_size(),
            Vocab::Open(v) => v.vocab_size(),
        }
    }
}

/// A built-in vocabulary. The discriminant is its ID in the frame header: never renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Builtin {
    /// `cl100k_base` (GPT-4, GPT-3.5).
    Cl100kBase = 1,
    /// `gpt2` (GPT-2: r50k_base's ranks with GPT-2's name).
    Gpt2 = 2,
    /// `o200k_base` (GPT-4o and later).
    O200kBase = 3,
    /// `o200k_harmony` (gpt-oss: o200k_base with the harmony format's special tokens).
    O200kHarmony = 4,
    /// `p50k_base` (Codex, text-davinci-002/003).
    P50kBase = 5,
    /// `p50k_edit` (p50k_base with the edit models' special tokens).
    P50kEdit = 6,
    /// `r50k_base` (GPT-3).
    R50kBase = 7,
}

impl Builtin {
    /// Every built-in, in ID order.
    pub const ALL: [Builtin; 7] = [
        Builtin::Cl100kBase,
        Builtin::Gpt2,
        Builtin::O200kBase,
        Builtin::O200kHarmony,
        Builtin::P50kBase,
        Builtin::P50kEdit,
        Builtin::R50kBase,
    ];

    /// The built-in's name (one of [`BUILTIN_NAMES`]).
    pub fn name(self) -> &'static str {
        BUILTIN_NAMES[self as usize - 1]
    }

    /// The built-in of a name; `UnknownTokenizer` for any other.
    pub fn from_name(name: &str) -> Result<Builtin> {
        Builtin::ALL
            .into_iter()
            .find(|b| b.name() == name)
            .ok_or_else(|| Error::UnknownTokenizer(name.to_string()))
    }

    /// The built-in with a frame header ID (the enum's discriminant).
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

    fn check_enabled(self) -> Result<()> {
        if self.is_enabled() {
            Ok(())
        } else {
            Err(Error::InvalidArgument(format!(
                "tokenizer '{}' was left out of this build (cargo feature)",
                self.name()
            )))
        }
    }

    /// The vocabulary file this built-in shares with others of its family: the families differ
    /// only in their special tokens.
    fn family(self) -> Family {
        match self {
            Builtin::Cl100kBase => Family::Cl100k,
            Builtin::O200kBase | Builtin::O200kHarmony => Family::O200k,
            Builtin::P50kBase | Builtin::P50kEdit => Family::P50k,
            Builtin::Gpt2 | Builtin::R50kBase => Family::R50k,
        }
    }

    /// Special tokens (ID, string), as tiktoken-rs 0.12.1 defines them. They decode, and
    /// [`Tokenizer::token_of`] names them, but text never encodes to them.
    fn specials(self) -> &'static [(u32, &'static str)] {
        const EOT: &str = "<|endoftext|>";
        match self {
            Builtin::Cl100kBase => &[
                (100257, EOT),
                (100258, "<|fim_prefix|>"),
                (100259, "<|fim_middle|>"),
                (100260, "<|fim_suffix|>"),
                (100276, "<|endofprompt|>"),
            ],
            Builtin::Gpt2 | Builtin::R50kBase | Builtin::P50kBase => &[(50256, EOT)],
            Builtin::P50kEdit => &[
                (50256, EOT),
                (50281, "<|fim_prefix|>"),
                (50282, "<|fim_middle|>"),
                (50283, "<|fim_suffix|>"),
            ],
            Builtin::O200kBase => &[(199999, EOT), (200018, "<|endofprompt|>")],
            // Plus <|reserved_N|> for every N in HARMONY_RESERVED.
            Builtin::O200kHarmony => &[
                (199998, "<|startoftext|>"),
                (199999, EOT),
                (200000, "<|reserved_200000|>"),
                (200001, "<|reserved_200001|>"),
                (200002, "<|return|>"),
                (200003, "<|constrain|>"),
                (200004, "<|reserved_200004|>"),
                (200005, "<|channel|>"),
                (200006, "<|start|>"),
                (200007, "<|end|>"),
                (200008, "<|message|>"),
                (200009, "<|reserved_200009|>"),
                (200010, "<|reserved_200010|>"),
                (200011, "<|reserved_200011|>"),
                (200012, "<|call|>"),
            ],
        }
    }

    /// Appends the bytes of special token `id`; false if `id` is none.
    fn push_special(self, id: u32, out: &mut Vec<u8>) -> bool {
        if let Some((_, s)) = self.specials().iter().find(|(i, _)| *i == id) {
            out.extend_from_slice(s.as_bytes());
            return true;
        }
        if self == Builtin::O200kHarmony && HARMONY_RESERVED.contains(&id) {
            use std::io::Write as _;
            // Writing to a Vec cannot fail.
            let _ = write!(out, "<|reserved_{id}|>");
            return true;
        }
        false
    }

    /// The special token whose string is exactly `s`.
    #[cfg(feature = "encode")]
    fn special_of(self, s: &str) -> Option<u32> {
        if let Some((id, _)) = self.specials().iter().find(|(_, t)| *t == s) {
            return Some(*id);
        }
        if self == Builtin::O200kHarmony {
            let n: u32 = s
                .strip_prefix("<|reserved_")?
                .strip_suffix("|>")?
                .parse()
                .ok()?;
            // Only the canonical spelling (no sign, no leading zeros).
            if HARMONY_RESERVED.contains(&n) && s == format!("<|reserved_{n}|>") {
                return Some(n);
            }
        }
        None
    }
}

/// o200k_harmony's `<|reserved_N|>` tokens that are not in [`Builtin::specials`]' list.
const HARMONY_RESERVED: std::ops::RangeInclusive<u32> = 200013..=201087;

/// A vocabulary file pair under `vocab/`, shared by the built-ins of one family.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Family {
    Cl100k = 0,
    O200k = 1,
    P50k = 2,
    R50k = 3,
}

/// 8-byte alignment for embedded tables, so their u32 and u64 words lie aligned.
/// (Unused in a build without any vocabulary family.)
#[allow(dead_code)]
#[repr(C, align(8))]
struct Aligned<B: ?Sized>(B);

macro_rules! embedded {
    ($feature:literal, $file:literal) => {{
        #[cfg(feature = $feature)]
        {
            static DATA: &Aligned<[u8]> = &Aligned(*include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/vocab/",
                $file
            )));
            Some(&DATA.0)
        }
        #[cfg(not(feature = $feature))]
        {
            None
        }
    }};
}

impl Family {
    #[cfg(feature = "encode")]
    fn pattern(self) -> Pattern {
        match self {
            Family::Cl100k => Pattern::Cl100k,
            Family::O200k => Pattern::O200k,
            Family::P50k | Family::R50k => Pattern::Gpt2,
        }
    }

    fn tokens_file(self) -> Option<&'static [u8]> {
        match self {
            Family::Cl100k => embedded!("cl100k", "cl100k_base.tokens"),
            Family::O200k => embedded!("o200k", "o200k_base.tokens"),
            Family::P50k => embedded!("p50k", "p50k_base.tokens"),
            Family::R50k => embedded!("r50k", "r50k_base.tokens"),
        }
    }

    #[cfg(feature = "encode")]
    fn ranks_file(self) -> Option<&'static [u8]> {
        match self {
            Family::Cl100k => embedded!("cl100k", "cl100k_base.ranks"),
            Family::O200k => embedded!("o200k", "o200k_base.ranks"),
            Family::P50k => embedded!("p50k", "p50k_base.ranks"),
            Family::R50k => embedded!("r50k", "r50k_base.ranks"),
        }
    }

    /// The token bytes table, checked and kept on first use.
    fn tokens(self) -> Result<&'static TokenTable> {
        static CACHE: [OnceLock<std::result::Result<TokenTable, String>>; 4] =
            [const { OnceLock::new() }; 4];
        CACHE[self as usize]
            .get_or_init(|| {
                let file = self.tokens_file().ok_or("left out of this build")?;
                TokenTable::new(blob(file)?).map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|e| Error::corrupt("built-in vocabulary", e))
    }

    /// The rank table, checked and kept on first use.
    #[cfg(feature = "encode")]
    fn ranks(self) -> Result<&'static RankTable> {
        static CACHE: [OnceLock<std::result::Result<RankTable, String>>; 4] =
            [const { OnceLock::new() }; 4];
        let tokens = self.tokens()?;
        CACHE[self as usize]
            .get_or_init(|| {
                let file = self.ranks_file().ok_or("left out of this build")?;
                RankTable::new(blob(file)?, tokens).map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|e| Error::corrupt("built-in vocabulary", e))
    }
}

/// An embedded table: used in place, or expanded once if it was embedded zstd-compressed
/// (none is today: the tables are used where they lie, and the rank tables are stored without
/// their empty slots, as small as zstd would make them, so nothing needs expanding).
fn blob(file: &'static [u8]) -> std::result::Result<Blob, String> {
    if file.starts_with(&vocab::ZSTD_MAGIC) {
        crate::codecs::zstd::decompress(file, vocab::MAX_TABLE)
            .map(Blob::Owned)
            .map_err(|e| e.to_string())
    } else {
        Ok(Blob::Static(file))
    }
}

/// Pre-tokenization regexes for custom rank files.
#[cfg(feature = "encode")]
pub mod patterns {
    /// cl100k_base's split pattern. Llama 3's own (its file is recognized and gets it) is the
    /// older form without `\s++$`, which splits a whitespace run after a line end at the end of
    /// the text after the line end; the `llama3` preset stays this one for custom files (their
    /// fingerprint includes the pattern, so changing it would orphan their frames).
    pub const CL100K: &str = "'(?i:[sdmt]|ll|ve|re)|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}++|\\p{N}{1,3}+| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*+|\\s++$|\\s*[\\r\\n]|\\s+(?!\\S)|\\s";
    /// Qwen2/2.5/3: as cl100k, but digits one at a time.
    pub const QWEN2: &str = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    /// GPT-2 / r50k / p50k.
    pub const GPT2: &str =
        "'(?:[sdmt]|ll|ve|re)| ?\\p{L}++| ?\\p{N}++| ?[^\\s\\p{L}\\p{N}]++|\\s++$|\\s+(?!\\S)|\\s";
    /// o200k_base (`tiktoken_rs::O200K_BASE_PAT_STR`).
    pub const O200K: &str = concat!(
        "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
        "|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
        "|\\p{N}{1,3}",
        "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*",
        "|\\s*[\\r\\n]+",
        "|\\s+(?!\\S)",
        "|\\s+",
    );

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

enum Inner {
    /// Our flat tables, loaded on first use per direction.
    Builtin(Builtin),
    /// A loaded file: our tables made from it at load (flat, or a hash map when its ranks are
    /// far apart), split by a built-in pretokenizer (the built-ins' and the open models'
    /// patterns) or by the user's pattern through fancy-regex. Never panics, whatever the text
    /// or pattern.
    #[cfg(feature = "encode")]
    Own(Box<OwnTables>),
    /// A Hugging Face tokenizer.json whose merges are not tiktoken-style (SentencePiece-style
    /// BPE, most byte-level files not converted from tiktoken): merged by priority (`hf`).
    #[cfg(feature = "encode")]
    Hf(Box<hf::HfBpe>),
}

#[cfg(feature = "encode")]
enum Tables {
    Flat {
        tokens: TokenTable,
        ranks: RankTable,
    },
    Map(MapRanks),
}

#[cfg(feature = "encode")]
enum Splitter {
    Builtin(Pattern),
    Fancy(FancySplitter),
}

#[cfg(feature = "encode")]
struct OwnTables {
    tables: Tables,
    splitter: Splitter,
    /// (ID, string), sorted by ID.
    specials: Vec<(u32, String)>,
    /// Llama 3 and 4: the text is cut as llama-models' `Tokenizer.encode` cuts it before
    /// tiktoken sees it ([`open::llama_parts`]).
    llama_chunks: bool,
}

#[cfg(feature = "encode")]
impl OwnTables {
    fn special(&self, id: u32) -> Option<&str> {
        let i = self.specials.binary_search_by_key(&id, |(i, _)| *i).ok()?;
        Some(&self.specials[i].1)
    }

    fn token(&self, id: u32) -> Option<&[u8]> {
        match &self.tables {
            Tables::Flat { tokens, .. } => tokens.get(id),
            Tables::Map(m) => m.decoder.get(&id).map(Vec::as_slice),
        }
    }

    fn encode(&self, text: &str) -> Vec<u32> {
        match &self.tables {
            Tables::Flat { tokens, ranks } => self.encode_with(&Flat { tokens, ranks }, text),
            Tables::Map(m) => self.encode_with(m, text),
        }
    }

    fn encode_with<R: encode::Ranks>(&self, ranks: &R, text: &str) -> Vec<u32> {
        let mut out = Vec::with_capacity(text.len() / 3 + 1);
        let mut scratch = encode::Scratch::default();
        if self.llama_chunks {
            open::llama_parts(text, |part| {
                self.encode_part(ranks, part, &mut scratch, &mut out)
            });
        } else {
            self.encode_part(ranks, text, &mut scratch, &mut out);
        }
        out
    }

    /// Appends the IDs of `text` as the pattern splits it.
    fn encode_part<R: encode::Ranks>(
        &self,
        ranks: &R,
        text: &str,
        scratch: &mut encode::Scratch,
        out: &mut Vec<u32>,
    ) {
        match &self.splitter {
            Splitter::Builtin(p) => encode::encode_into(*p, ranks, text, scratch, out),
            Splitter::Fancy(re) => re.split(text, |piece| {
                encode::encode_piece(ranks, piece.as_bytes(), scratch, out)
            }),
        }
    }
}

/// A tokenizer: built-in or loaded from a rank file. Immutable, `Send + Sync`; share it with `Arc`.
pub struct Tokenizer {
    name: String,
    inner: Inner,
    vocab_size: u32,
    fingerprint: u64,
    /// The open vocabulary this is (recognized by its token table), if any.
    open: Option<OpenVocab>,
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

    /// Cheap: no table is touched until the first encode or decode.
    pub fn from_builtin(b: Builtin) -> Result<Arc<Tokenizer>> {
        static CACHE: [OnceLock<Arc<Tokenizer>>; 7] = [const { OnceLock::new() }; 7];
        b.check_enabled()?;
        Ok(CACHE[b as usize - 1]
            .get_or_init(|| {
                Arc::new(Tokenizer {
                    name: b.name().to_string(),
                    inner: Inner::Builtin(b),
                    vocab_size: b.vocab_size(),
                    fingerprint: fnv1a64(b.name().as_bytes()),
                    open: None,
                })
            })
            .clone())
    }

    /// Loads a `.tiktoken` rank file (lines of `base64-token rank`) as a custom tokenizer.
    /// `pattern` is a preset name (see [`patterns::resolve`]) or a regex; `specials` are extra
    /// special tokens (string, ID), which decode but are never produced from text. For the open
    /// models' files, [`Tokenizer::from_bytes`] recognizes the vocabulary and needs neither.
    #[cfg(feature = "encode")]
    pub fn from_tiktoken_bytes(
        name: &str,
        rank_file: &[u8],
        pattern: &str,
        specials: &[(String, u32)],
    ) -> Result<Tokenizer> {
        let pattern = patterns::resolve(pattern);
        let by_id = vocab::parse_rank_file(rank_file)
            .map_err(|e| Error::corrupt("tiktoken rank file", e))?;
        let specials: Vec<(u32, String)> =
            specials.iter().map(|(s, id)| (*id, s.clone())).collect();
        let fingerprint = custom_fingerprint(rank_file, pattern, &specials);
        Self::from_table(name, by_id, pattern, specials, fingerprint, None)
    }

    /// Loads a tokenizer file of any supported format: a tiktoken rank file (OpenAI's
    /// `.tiktoken`, Llama's `tokenizer.model`, Qwen's `.tiktoken`) or a Tekken JSON file
    /// (Mistral). The open models' files ([`OpenVocab`]) are recognized by their token table
    /// and get that model's name, split pattern and special tokens; frames then name the
    /// vocabulary in one byte. Any other file is a custom tokenizer split by `pattern` (a preset
    /// name or a regex; default: the file's own, else `cl100k`). Passing a `pattern` turns
    /// recognition off.
    #[cfg(feature = "encode")]
    pub fn from_bytes(name: &str, file: &[u8], pattern: Option<&str>) -> Result<Tokenizer> {
        let parsed = if hf::looks_like(file) {
            match hf::read(file)? {
                hf::Read::Ranks(p) => p,
                hf::Read::Merges(bpe) => return Self::from_hf(name, bpe, file, pattern),
            }
        } else {
            load::parse(file)?
        };
        if pattern.is_none() {
            if let Some(v) = open::recognize(&parsed.by_id) {
                return Self::open_from(v, parsed);
            }
        }
        let pattern = patterns::resolve(match (pattern, &parsed.pattern) {
            (Some(p), _) => p,
            (None, Some(p)) => p.as_str(),
            (None, None) => "cl100k",
        })
        .to_string();
        let fingerprint = custom_fingerprint(file, &pattern, &parsed.specials);
        Self::from_table(
            name,
            parsed.by_id,
            &pattern,
            parsed.specials,
            fingerprint,
            None,
        )
    }

    /// Reads a tokenizer file from disk; see [`Tokenizer::from_bytes`]. The name of a file
    /// that is not an open model's is its file stem.
    #[cfg(feature = "encode")]
    pub fn from_file(path: &std::path::Path, pattern: Option<&str>) -> Result<Tokenizer> {
        let bytes =
            std::fs::read(path).map_err(|e| Error::Io(format!("{}: {e}", path.display())))?;
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("custom");
        Self::from_bytes(name, &bytes, pattern)
    }

    /// The tokenizer of an open model from its publisher's file (see [`OpenVocab::source`]);
    /// `Mismatch` if the file holds another vocabulary.
    #[cfg(feature = "encode")]
    pub fn open(v: OpenVocab, file: &[u8]) -> Result<Tokenizer> {
        let parsed = load::parse(file)?;
        match open::recognize(&parsed.by_id) {
            Some(found) if found == v => Self::open_from(v, parsed),
            found => Err(Error::Mismatch(format!(
                "this {} is not {}'s {} ({}){}",
                parsed.format,
                v.name(),
                v.file_name(),
                v.source(),
                match found {
                    Some(f) => format!(": it is {}'s", f.name()),
                    None => String::new(),
                }
            ))),
        }
    }

    #[cfg(feature = "encode")]
    fn open_from(v: OpenVocab, parsed: load::Parsed) -> Result<Tokenizer> {
        let fingerprint = v.table_fingerprint();
        let mut t = Self::from_table(
            v.name(),
            parsed.by_id,
            v.pattern(),
            v.specials(),
            fingerprint,
            Some(v),
        )?;
        if t.vocab_size != v.vocab_size() {
            return Err(Error::Internal(format!(
                "{}: {} IDs, expected {}",
                v.name(),
                t.vocab_size,
                v.vocab_size()
            )));
        }
        t.open = Some(v);
        Ok(t)
    }

    /// A tokenizer.json merged by priority: its own pre-tokenization, no `pattern`.
    #[cfg(feature = "encode")]
    fn from_hf(
        name: &str,
        bpe: Box<hf::HfBpe>,
        file: &[u8],
        pattern: Option<&str>,
    ) -> Result<Tokenizer> {
        if pattern.is_some() {
            return Err(Error::InvalidArgument(
                "this tokenizer.json splits text its own way: a pattern cannot be given".into(),
            ));
        }
        Ok(Tokenizer {
            name: name.to_string(),
            vocab_size: bpe.vocab_size,
            fingerprint: custom_fingerprint(file, "", &bpe.specials),
            inner: Inner::Hf(bpe),
            open: None,
        })
    }

    /// A tokenizer from its ordinary token table and special tokens (ID, string).
    #[cfg(feature = "encode")]
    fn from_table(
        name: &str,
        by_id: Vec<Option<Vec<u8>>>,
        pattern: &str,
        mut specials: Vec<(u32, String)>,
        fingerprint: u64,
        open: Option<OpenVocab>,
    ) -> Result<Tokenizer> {
        let bad = |what: String| Error::corrupt("tokenizer file", what);
        let count = by_id.iter().filter(|t| t.is_some()).count();
        if count == 0 {
            return Err(bad("no tokens".into()));
        }
        let max_ordinary = by_id.len() as u32 - 1;
        let mut encoder: FxHashMap<Vec<u8>, u32> = FxHashMap::default();
        encoder.reserve(count);
        for (id, t) in by_id.iter().enumerate() {
            if let Some(t) = t {
                // CoreBPE::new panics on duplicates; refuse them here with a message instead.
                if encoder.insert(t.clone(), id as u32).is_some() {
                    return Err(bad(format!("ID {id}: duplicate token")));
                }
            }
        }
        // Byte-level BPE falls back to single bytes: without all 256 of them, some text cannot be encoded.
        if let Some(b) = (0..=255u8).find(|b| !encoder.contains_key(&[*b][..])) {
            return Err(bad(format!(
                "byte {b:#04x} has no token (all 256 single bytes are required)"
            )));
        }
        specials.sort();
        let mut max_id = max_ordinary;
        for w in specials.windows(2) {
            if w[0].0 == w[1].0 || specials.iter().filter(|(_, s)| *s == w[0].1).count() > 1 {
                return Err(Error::InvalidArgument(format!(
                    "special token '{}' ({}) collides",
                    w[0].1, w[0].0
                )));
            }
        }
        for (id, s) in &specials {
            let taken = by_id.get(*id as usize).is_some_and(Option::is_some);
            if taken || *id >= 1 << 24 {
                return Err(Error::InvalidArgument(format!(
                    "special token '{s}' ({id}) collides or is out of range"
                )));
            }
            max_id = max_id.max(*id);
        }
        let splitter = match encode::builtin_pattern(pattern) {
            Some(p) => Splitter::Builtin(p),
            None => Splitter::Fancy(
                FancySplitter::new(pattern)
                    .map_err(|e| Error::InvalidArgument(format!("bad tokenizer pattern: {e}")))?,
            ),
        };
        // The flat tables index IDs densely: a file with far-apart IDs gets a hash map.
        let flat = if count as u64 * 2 > max_ordinary as u64 {
            vocab::build_from_ranks(&by_id).ok().and_then(|built| {
                let tokens = TokenTable::new(Blob::Owned(built.tokens)).ok()?;
                let ranks = RankTable::new(Blob::Owned(built.ranks), &tokens).ok()?;
                Some(Tables::Flat { tokens, ranks })
            })
        } else {
            None
        };
        let tables = match flat {
            Some(t) => t,
            None => Tables::Map(
                MapRanks::new(encoder).ok_or_else(|| bad("a single byte has no token".into()))?,
            ),
        };
        Ok(Tokenizer {
            name: name.to_string(),
            inner: Inner::Own(Box::new(OwnTables {
                tables,
                splitter,
                specials,
                llama_chunks: matches!(open, Some(OpenVocab::Llama3 | OpenVocab::Llama4)),
            })),
            vocab_size: max_id + 1,
            fingerprint,
            open,
        })
    }

    /// Reads a rank file from disk; see [`Tokenizer::from_tiktoken_bytes`].
    #[cfg(feature = "encode")]
    pub fn from_tiktoken_file(path: &std::path::Path, pattern: &str) -> Result<Tokenizer> {
        let bytes =
            std::fs::read(path).map_err(|e| Error::Io(format!("{}: {e}", path.display())))?;
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("custom");
        Self::from_tiktoken_bytes(name, &bytes, pattern, &[])
    }

    /// The tokenizer's name (a built-in's, or the one a custom tokenizer was given).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The built-in this is, `None` for a custom tokenizer.
    pub fn builtin_id(&self) -> Option<Builtin> {
        match self.inner {
            Inner::Builtin(b) => Some(b),
            #[cfg(feature = "encode")]
            Inner::Own(_) | Inner::Hf(_) => None,
        }
    }

    /// The open model's vocabulary this is (recognized from its file), if any.
    pub fn open_vocab(&self) -> Option<OpenVocab> {
        self.open
    }

    /// The vocabulary a frame names this tokenizer by (built-in or open), `None` for a custom
    /// tokenizer (named by its fingerprint).
    pub fn vocab(&self) -> Option<Vocab> {
        match (self.builtin_id(), self.open) {
            (Some(b), _) => Some(Vocab::Builtin(b)),
            (None, Some(v)) => Some(Vocab::Open(v)),
            (None, None) => None,
        }
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
    #[cfg(feature = "encode")]
    pub fn encode(&self, text: &str) -> Vec<u32> {
        match &self.inner {
            Inner::Builtin(b) => {
                let f = b.family();
                match (f.tokens(), f.ranks()) {
                    (Ok(tokens), Ok(ranks)) => {
                        encode::encode(f.pattern(), &Flat { tokens, ranks }, text)
                    }
                    // The embedded tables are checked by the tests of every build (a corrupt
                    // build, not an input, could get here); there is no error to return.
                    (Err(e), _) | (_, Err(e)) => panic!("built-in vocabulary: {e}"),
                }
            }
            Inner::Own(t) => t.encode(text),
            Inner::Hf(t) => t.encode(text),
        }
    }

    /// Token IDs to the bytes they stand for (not always UTF-8 on its own).
    pub fn decode_bytes(&self, ids: &[u32]) -> Result<Vec<u8>> {
        let unknown = |id: u32| Error::UnknownTokenId {
            id: id as i64,
            table: "tokenizer vocabulary",
            size: self.vocab_size,
        };
        match &self.inner {
            Inner::Builtin(b) => {
                let tokens = b.family().tokens()?;
                let mut out = Vec::with_capacity(ids.len() * 4);
                for &id in ids {
                    match tokens.get(id) {
                        Some(t) => out.extend_from_slice(t),
                        None => {
                            if !b.push_special(id, &mut out) {
                                return Err(unknown(id));
                            }
                        }
                    }
                }
                Ok(out)
            }
            #[cfg(feature = "encode")]
            Inner::Own(t) => {
                let mut out = Vec::with_capacity(ids.len() * 4);
                for &id in ids {
                    match t.token(id) {
                        Some(b) => out.extend_from_slice(b),
                        None => out.extend_from_slice(t.special(id).ok_or(unknown(id))?.as_bytes()),
                    }
                }
                Ok(out)
            }
            #[cfg(feature = "encode")]
            Inner::Hf(t) => {
                let mut out = Vec::with_capacity(ids.len() * 4);
                for &id in ids {
                    out.extend_from_slice(t.token(id).ok_or(unknown(id))?);
                }
                Ok(out)
            }
        }
    }

    /// Token IDs to text; an error if the bytes are not UTF-8 (never replaced silently).
    pub fn decode(&self, ids: &[u32]) -> Result<String> {
        String::from_utf8(self.decode_bytes(ids)?).map_err(|e| Error::InvalidUtf8(e.to_string()))
    }

    /// The single token whose bytes are exactly `piece`, if any (tacc's `encode_tokens`):
    /// a special token's string names it; other text must encode to exactly one token.
    #[cfg(feature = "encode")]
    pub fn token_of(&self, piece: &str) -> Option<u32> {
        let ids = match &self.inner {
            Inner::Builtin(b) => {
                if let Some(id) = b.special_of(piece) {
                    return Some(id);
                }
                // tiktoken's encode_with_special_tokens splits at special strings: text that
                // holds one and more is never a single token.
                if piece.contains("<|") && piece.contains("|>") && contains_special(*b, piece) {
                    return None;
                }
                self.encode(piece)
            }
            Inner::Own(t) => {
                if let Some((id, _)) = t.specials.iter().find(|(_, s)| s == piece) {
                    return Some(*id);
                }
                // As tiktoken splits at special strings: text holding one is not one token.
                if t.specials
                    .iter()
                    .any(|(_, s)| !s.is_empty() && piece.contains(s.as_str()))
                {
                    return None;
                }
                self.encode(piece)
            }
            Inner::Hf(t) => {
                if let Some((id, _)) = t.specials.iter().find(|(_, s)| s == piece) {
                    return Some(*id);
                }
                if t.specials
                    .iter()
                    .any(|(_, s)| !s.is_empty() && piece.contains(s.as_str()))
                {
                    return None;
                }
                self.encode(piece)
            }
        };
        match ids.as_slice() {
            [id] if self.decode_bytes(&[*id]).ok()?.as_slice() == piece.as_bytes() => Some(*id),
            _ => None,
        }
    }
}

/// The frame fingerprint of a custom tokenizer: FNV-1a 64 of its file, pattern and special
/// tokens (kept as tacc has always computed it, so frames of custom tokenizers keep decoding).
#[cfg(feature = "encode")]
fn custom_fingerprint(file: &[u8], pattern: &str, specials: &[(u32, String)]) -> u64 {
    let mut h = fnv1a64(file);
    h = fnv1a64_update(h, b"\0pattern\0");
    h = fnv1a64_update(h, pattern.as_bytes());
    let mut sorted: Vec<(&str, u32)> = specials.iter().map(|(id, s)| (s.as_str(), *id)).collect();
    sorted.sort();
    for (s, id) in sorted {
        h = fnv1a64_update(h, s.as_bytes());
        h = fnv1a64_update(h, &id.to_le_bytes());
    }
    h
}

/// Whether `text` holds a special token string of `b` (rare; only for [`Tokenizer::token_of`]).
#[cfg(feature = "encode")]
fn contains_special(b: Builtin, text: &str) -> bool {
    text.match_indices("<|").any(|(at, _)| {
        text[at..]
            .find("|>")
            .is_some_and(|end| b.special_of(&text[at..at + end + 2]).is_some())
    })
}

#[cfg(all(test, feature = "encode"))]
mod tests {
    use super::*;
    use base64::Engine as _;

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

/// First-use costs per family, in this process (each step runs once):
/// `cargo test --release --lib -- --ignored first_use_costs --nocapture`.
#[cfg(all(test, feature = "encode"))]
mod costs {
    use super::*;

    #[test]
    #[ignore = "a measurement, not a check"]
    fn first_use_costs() {
        let ms = |t: std::time::Instant| t.elapsed().as_secs_f64() * 1e3;
        for f in [Family::Cl100k, Family::O200k, Family::P50k, Family::R50k] {
            let t = std::time::Instant::now();
            let tokens = f.tokens().unwrap();
            let a = ms(t);
            let t = std::time::Instant::now();
            f.ranks().unwrap();
            let b = ms(t);
            let t = std::time::Instant::now();
            encode::pretokenizer(f.pattern());
            let c = ms(t);
            eprintln!(
                "{f:?}: token table {a:.2} ms ({} ranks), rank table (checks) {b:.2} ms, regex build {c:.2} ms",
                tokens.len()
            );
        }
    }
}
