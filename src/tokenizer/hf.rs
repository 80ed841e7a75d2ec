//! Hugging Face `tokenizer.json` files (BPE models), read into our own tables.
//!
//! Two shapes are supported, both lossless (decoding the IDs of any text gives the text back, byte
//! for byte, and the bytes of a sequence are the bytes of its IDs in order, so blocks decode
//! independently):
//!
//! - **Byte-level BPE** (GPT-2, Llama 3, Qwen: a `ByteLevel` pre-tokenizer, with its built-in
//!   GPT-2 regex or after one `Split` regex). When the merges are tiktoken-style (merge order =
//!   token ID order, every merge result a token, every split of a token whose halves are tokens a
//!   merge, `ignore_merges`), the file is exactly a tiktoken rank table: it is read into a
//!   [`Parsed`] and takes the built-in encoder, and an open model's file (Llama 3's tokenizer.json)
//!   is recognized by its token table like its tiktoken file. Any other byte-level file takes
//!   [`HfBpe`], a merge-priority BPE that applies the merges in the file's order as the
//!   `tokenizers` crate does.
//! - **SentencePiece-style BPE** (Llama 2, Mistral v0.1: `▁` for spaces through a `Metaspace`
//!   pre-tokenizer or a `Prepend("▁")` + `Replace(" ", "▁")` normalizer, `byte_fallback` with
//!   `<0xNN>` tokens): [`HfBpe`].
//!
//! The rules where the library's own behaviour is lossy (documented, tested):
//! - added and special tokens are ordinary text (tiktoken's `encode_ordinary`; the reference is
//!   `tokenizers` with `encode_special_tokens = True`); their IDs decode to their strings;
//! - the dummy `▁` a SentencePiece-style file prepends to the text (and byte-level's
//!   `add_prefix_space`) is not added: decoding cannot tell it from a space of the text. The IDs
//!   are the library's with the prepend scheme `never`; with it, only the first token or two of a
//!   text differ;
//! - a `▁` (U+2581) in the text itself, which such a file turns into a space, is encoded as its
//!   three byte-fallback tokens, which decode to it;
//! - an `NFC` normalizer is not applied (IDs differ only for text NFC changes); any other
//!   normalizer, pre-tokenizer or model (WordPiece, Unigram, dropout, subword prefixes, a
//!   SentencePiece file without byte fallback) is refused with `InvalidArgument`.
//!
//! Hostile files are errors, never panics: IDs are bounded (2^24) and no table is sized by an ID
//! beyond twice the tokens the file holds; merges naming unknown tokens or results are `Corrupt`.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rustc_hash::FxHashMap;
use serde::Deserialize;
use serde_json::Value;

use super::custom::FancySplitter;
use super::load::Parsed;
use crate::error::{Error, Result};

/// Largest ID a file may use (as the other formats).
const MAX_ID: u32 = 1 << 24;
const NONE: u32 = u32::MAX;
/// The `ByteLevel` pre-tokenizer's own regex (`use_regex: true`): GPT-2's.
const GPT2_REGEX: &str =
    r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";
const METASPACE: char = '\u{2581}';

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    added_tokens: Vec<Added>,
    #[serde(default)]
    normalizer: Option<Value>,
    #[serde(default)]
    pre_tokenizer: Option<Value>,
    model: Model,
}

#[derive(Deserialize)]
struct Added {
    id: u32,
    content: String,
}

#[derive(Deserialize)]
struct Model {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    vocab: FxHashMap<String, u32>,
    #[serde(default)]
    merges: Vec<MergeEntry>,
    #[serde(default)]
    byte_fallback: bool,
    #[serde(default)]
    ignore_merges: bool,
    #[serde(default)]
    dropout: Option<f64>,
    #[serde(default)]
    continuing_subword_prefix: Option<String>,
    #[serde(default)]
    end_of_word_suffix: Option<String>,
}

/// `["a", "b"]` (tokenizers >= 0.20) or `"a b"` (older files). Read by hand: serde's untagged
/// enums buffer every entry first, which made loading Llama 3's 280,147 merges 3 times slower.
enum MergeEntry {
    Pair(String, String),
    Joined(String),
}

impl<'de> Deserialize<'de> for MergeEntry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = MergeEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a merge: [\"left\", \"right\"] or \"left right\"")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> std::result::Result<MergeEntry, E> {
                Ok(MergeEntry::Joined(s.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> std::result::Result<MergeEntry, A::Error> {
                use serde::de::Error as _;
                let l: String = a
                    .next_element()?
                    .ok_or_else(|| A::Error::invalid_length(0, &self))?;
                let r: String = a
                    .next_element()?
                    .ok_or_else(|| A::Error::invalid_length(1, &self))?;
                if a.next_element::<serde::de::IgnoredAny>()?.is_some() {
                    return Err(A::Error::invalid_length(3, &self));
                }
                Ok(MergeEntry::Pair(l, r))
            }
        }
        d.deserialize_any(V)
    }
}

/// A tokenizer.json, read: a tiktoken-style table, or a merge-priority BPE of its own.
pub(crate) enum Read {
    Ranks(Parsed),
    Merges(Box<HfBpe>),
}

/// Whether `file` looks like a tokenizer.json (a JSON object with `"model"` and
/// `"pre_tokenizer"` or `"normalizer"` keys); cheap, decides only which reader to try.
pub(crate) fn looks_like(file: &[u8]) -> bool {
    let has = |k: &[u8]| file.windows(k.len()).any(|w| w == k);
    file.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
        && has(b"\"model\"")
        && (has(b"\"pre_tokenizer\"") || has(b"\"normalizer\""))
}

/// load.rs's reader of a tokenizer.json: only the tiktoken-style ones fit [`Parsed`].
pub(crate) fn parse_ranked(file: &[u8]) -> Result<Parsed> {
    match read(file)? {
        Read::Ranks(p) => Ok(p),
        Read::Merges(_) => Err(Error::InvalidArgument(
            "this tokenizer.json's merges are not tiktoken-style: load it with Tokenizer::from_bytes"
                .into(),
        )),
    }
}

fn bad(what: impl std::fmt::Display) -> Error {
    Error::corrupt("tokenizer.json", what.to_string())
}

fn unsupported(what: impl std::fmt::Display) -> Error {
    Error::InvalidArgument(format!("tokenizer.json: {what} is not supported"))
}

/// The items of a `Sequence` (or the one item), as (type, object).
fn items<'a>(v: &'a Option<Value>, list: &str) -> Vec<(&'a str, &'a Value)> {
    let Some(v) = v.as_ref().filter(|v| !v.is_null()) else {
        return Vec::new();
    };
    let ty = v.get("type").and_then(Value::as_str).unwrap_or("");
    if ty == "Sequence" {
        v.get(list)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|x| (x.get("type").and_then(Value::as_str).unwrap_or(""), x))
                    .collect()
            })
            .unwrap_or_default()
    } else {
        vec![(ty, v)]
    }
}

fn string_pattern(v: &Value) -> Option<(&str, bool)> {
    let p = v.get("pattern")?;
    if let Some(s) = p.get("String").and_then(Value::as_str) {
        return Some((s, false));
    }
    p.get("Regex").and_then(Value::as_str).map(|s| (s, true))
}

enum Flavor {
    /// The split regex (None: the whole text is one piece).
    ByteLevel(Option<String>),
    /// Metaspace `split`: a word starts at every space.
    SentencePiece { split: bool },
}

fn flavor(f: &File) -> Result<Flavor> {
    let pres = items(&f.pre_tokenizer, "pretokenizers");
    let norms = items(&f.normalizer, "normalizers");
    let byte_level = pres.iter().any(|(t, _)| *t == "ByteLevel");
    let metaspace =
        pres.iter().any(|(t, _)| *t == "Metaspace") || norms.iter().any(|(t, _)| *t == "Prepend");
    if byte_level {
        for (t, _) in &norms {
            if *t != "NFC" {
                return Err(unsupported(format!("a byte-level file's `{t}` normalizer")));
            }
        }
        let mut pattern: Option<String> = None;
        for (t, v) in &pres {
            match *t {
                "Split" => {
                    let isolated = v.get("behavior").and_then(Value::as_str) == Some("Isolated");
                    let invert = v.get("invert").and_then(Value::as_bool).unwrap_or(false);
                    let (p, regex) =
                        string_pattern(v).ok_or_else(|| bad("Split without pattern"))?;
                    if !isolated || invert || pattern.is_some() {
                        return Err(unsupported(
                            "this Split pre-tokenizer (one Isolated regex only)",
                        ));
                    }
                    pattern = Some(if regex {
                        p.to_string()
                    } else {
                        fancy_regex::escape(p).into_owned()
                    });
                }
                "ByteLevel" => {
                    if v.get("use_regex").and_then(Value::as_bool).unwrap_or(true) {
                        if pattern.is_some() {
                            return Err(unsupported(
                                "a Split before a ByteLevel with its own regex",
                            ));
                        }
                        pattern = Some(GPT2_REGEX.to_string());
                    }
                }
                other => return Err(unsupported(format!("the `{other}` pre-tokenizer"))),
            }
        }
        return Ok(Flavor::ByteLevel(pattern));
    }
    if metaspace {
        for (t, v) in &norms {
            let ok = match *t {
                "Prepend" => v.get("prepend").and_then(Value::as_str) == Some("\u{2581}"),
                "Replace" => {
                    let content = v.get("content").and_then(Value::as_str);
                    matches!(
                        (string_pattern(v), content),
                        (Some((" ", false)), Some("\u{2581}"))
                            | (Some(("\\A\u{2581}", true)), Some("\u{2581}\u{2581}"))
                    )
                }
                _ => false,
            };
            if !ok {
                return Err(unsupported(format!(
                    "a SentencePiece-style file's `{t}` normalizer"
                )));
            }
        }
        let mut split = false;
        for (t, v) in &pres {
            if *t != "Metaspace" || v.get("replacement").and_then(Value::as_str) != Some("\u{2581}")
            {
                return Err(unsupported(format!(
                    "a SentencePiece-style file's `{t}` pre-tokenizer"
                )));
            }
            split = v.get("split").and_then(Value::as_bool).unwrap_or(true);
        }
        if !f.model.byte_fallback {
            return Err(unsupported(
                "a SentencePiece-style file without byte_fallback (unknown characters would be lost)",
            ));
        }
        return Ok(Flavor::SentencePiece { split });
    }
    Err(unsupported(
        "a file that is neither byte-level (ByteLevel pre-tokenizer) nor SentencePiece-style (Metaspace)",
    ))
}

/// GPT-2's `bytes_to_unicode`, reversed: the character each byte is written as -> the byte.
fn byte_level_chars() -> FxHashMap<char, u8> {
    let mut printable: Vec<u32> = (b'!' as u32..=b'~' as u32)
        .chain(0xA1..=0xAC)
        .chain(0xAE..=0xFF)
        .collect();
    let mut map = FxHashMap::default();
    for &b in &printable {
        map.insert(char::from_u32(b).unwrap_or('?'), b as u8);
    }
    let mut n = 0;
    for b in 0..=255u32 {
        if !printable.contains(&b) {
            map.insert(char::from_u32(256 + n).unwrap_or('?'), b as u8);
            n += 1;
        }
    }
    printable.clear();
    map
}

/// `<0xNN>` -> NN.
fn byte_token(s: &str) -> Option<u8> {
    let h = s.strip_prefix("<0x")?.strip_suffix('>')?;
    (h.len() == 2)
        .then(|| u8::from_str_radix(h, 16).ok())
        .flatten()
}

/// Reads a tokenizer.json.
pub(crate) fn read(file: &[u8]) -> Result<Read> {
    let f: File = serde_json::from_slice(file).map_err(bad)?;
    let m = &f.model;
    match m.kind.as_deref() {
        None | Some("BPE") => {}
        Some(other) => return Err(unsupported(format!("the `{other}` model (BPE only)"))),
    }
    if m.dropout.is_some_and(|d| d > 0.0) {
        return Err(unsupported("BPE dropout"));
    }
    if m.continuing_subword_prefix
        .as_deref()
        .is_some_and(|s| !s.is_empty())
        || m.end_of_word_suffix
            .as_deref()
            .is_some_and(|s| !s.is_empty())
    {
        return Err(unsupported("a subword prefix or suffix"));
    }
    if m.vocab.is_empty() {
        return Err(bad("empty vocabulary"));
    }
    let flavor = flavor(&f)?;
    let count = m.vocab.len() + f.added_tokens.len();
    // No table is sized by a number alone: IDs must be about as many as the tokens held.
    let max_id = m
        .vocab
        .values()
        .chain(f.added_tokens.iter().map(|a| &a.id))
        .copied()
        .max()
        .unwrap_or(0);
    if max_id >= MAX_ID || max_id as usize > 2 * count + 1024 {
        return Err(bad(format!(
            "token ID {max_id} for {count} tokens (IDs must be dense and below 2^24)"
        )));
    }
    let byte_level = matches!(flavor, Flavor::ByteLevel(_));
    let chars = if byte_level {
        byte_level_chars()
    } else {
        FxHashMap::default()
    };
    // Token bytes by ID (what each decodes to).
    let mut by_id: Vec<Option<Vec<u8>>> = vec![None; max_id as usize + 1];
    for (s, &id) in &m.vocab {
        if s.is_empty() {
            return Err(bad(format!("ID {id}: empty token")));
        }
        let bytes = if byte_level {
            s.chars()
                .map(|c| chars.get(&c).copied())
                .collect::<Option<Vec<u8>>>()
                .ok_or_else(|| bad(format!("ID {id}: {s:?} is not a byte-level token")))?
        } else if let Some(b) = byte_token(s) {
            vec![b]
        } else {
            s.replace(METASPACE, " ").into_bytes()
        };
        if by_id[id as usize].replace(bytes).is_some() {
            return Err(bad(format!("ID {id} is used twice")));
        }
    }
    let mut specials: Vec<(u32, String)> = f
        .added_tokens
        .iter()
        .filter(|a| by_id[a.id as usize].is_none())
        .map(|a| (a.id, a.content.clone()))
        .collect();
    specials.sort();
    specials.dedup_by_key(|s| s.0);

    // Merges: (left, right) -> (rank, result). Later duplicates win, as in `tokenizers`.
    let mut merges: FxHashMap<(u32, u32), (u32, u32)> = FxHashMap::default();
    let mut result_ids: Vec<u32> = Vec::new();
    let id_of = |s: &str| {
        m.vocab
            .get(s)
            .copied()
            .ok_or_else(|| bad(format!("merge names {s:?}, which is not a token")))
    };
    for (rank, e) in m.merges.iter().enumerate() {
        let (l, r) = match e {
            MergeEntry::Pair(l, r) => (l.as_str(), r.as_str()),
            MergeEntry::Joined(s) => s
                .split_once(' ')
                .ok_or_else(|| bad(format!("merge {s:?} is not a pair")))?,
        };
        let (a, b) = (id_of(l)?, id_of(r)?);
        let joined = format!("{l}{r}");
        let c = id_of(&joined)?;
        if !byte_level && (byte_token(l).is_some() || byte_token(r).is_some()) {
            return Err(unsupported("a merge of byte-fallback tokens"));
        }
        merges.insert((a, b), (rank as u32, c));
        result_ids.push(c);
    }

    if let Flavor::ByteLevel(Some(pattern)) = &flavor {
        if m.ignore_merges && tiktoken_style(&m.vocab, &merges, &result_ids) {
            let mut by_id = by_id;
            while by_id.last().is_some_and(Option::is_none) {
                by_id.pop();
            }
            return Ok(Read::Ranks(Parsed {
                by_id,
                pattern: Some(pattern.clone()),
                specials,
                format: "Hugging Face tokenizer.json",
            }));
        }
    }
    HfBpe::new(
        flavor,
        &m.vocab,
        by_id,
        merges,
        specials,
        m.ignore_merges,
        max_id,
    )
    .map(|b| Read::Merges(Box::new(b)))
}

/// Whether the merges make the same tokens as tiktoken's rule (merge the adjacent pair whose
/// joined bytes have the lowest ID) on this vocabulary: results in ID order, every multi-character
/// token made by a merge, every split of a token into two tokens a merge.
fn tiktoken_style(
    vocab: &FxHashMap<String, u32>,
    merges: &FxHashMap<(u32, u32), (u32, u32)>,
    result_ids: &[u32],
) -> bool {
    if result_ids.windows(2).any(|w| w[0] > w[1]) || merges.len() != result_ids.len() {
        return false;
    }
    let mut made = vec![false; result_ids.iter().copied().max().unwrap_or(0) as usize + 1];
    for &c in result_ids {
        made[c as usize] = true;
    }
    for (s, &id) in vocab {
        let mut splits = s.char_indices().skip(1).peekable();
        if splits.peek().is_none() {
            continue;
        }
        if !made.get(id as usize).copied().unwrap_or(false) {
            return false;
        }
        for (k, _) in splits {
            if let (Some(&a), Some(&b)) = (vocab.get(&s[..k]), vocab.get(&s[k..])) {
                if !merges.contains_key(&(a, b)) {
                    return false;
                }
            }
        }
    }
    true
}

enum Mode {
    ByteLevel(Option<FancySplitter>),
    SentencePiece { split: bool, space: u32 },
}

/// A BPE that merges by the file's merge priority (lowest rank first, leftmost on ties), as the
/// `tokenizers` crate's `BPE` model does.
pub(crate) struct HfBpe {
    mode: Mode,
    /// Token bytes by ID (ordinary tokens; holes `None`).
    by_id: Vec<Option<Vec<u8>>>,
    /// The pre-tokenized piece -> its ID (byte-level: the piece's bytes; SentencePiece: the
    /// normalized string, `▁` for spaces).
    vocab: FxHashMap<Vec<u8>, u32>,
    merges: FxHashMap<(u32, u32), (u32, u32)>,
    /// Byte-level: each byte's token; SentencePiece: `<0xNN>`'s.
    byte_ids: [u32; 256],
    ignore_merges: bool,
    /// Added tokens outside the model's vocabulary (ID, string), sorted by ID.
    pub(crate) specials: Vec<(u32, String)>,
    pub(crate) vocab_size: u32,
}

struct Sym {
    id: u32,
    prev: u32,
    next: u32,
    alive: bool,
}

impl HfBpe {
    fn new(
        flavor: Flavor,
        model_vocab: &FxHashMap<String, u32>,
        by_id: Vec<Option<Vec<u8>>>,
        merges: FxHashMap<(u32, u32), (u32, u32)>,
        specials: Vec<(u32, String)>,
        ignore_merges: bool,
        max_id: u32,
    ) -> Result<HfBpe> {
        let mut byte_ids = [NONE; 256];
        let mut vocab: FxHashMap<Vec<u8>, u32> = FxHashMap::default();
        vocab.reserve(model_vocab.len());
        let mode = match flavor {
            Flavor::ByteLevel(pattern) => {
                for (id, t) in by_id.iter().enumerate() {
                    if let Some(t) = t {
                        if let [b] = t.as_slice() {
                            byte_ids[*b as usize] = id as u32;
                        }
                        vocab.insert(t.clone(), id as u32);
                    }
                }
                let splitter = pattern
                    .map(|p| FancySplitter::new(&p))
                    .transpose()
                    .map_err(|e| Error::InvalidArgument(format!("bad tokenizer pattern: {e}")))?;
                Mode::ByteLevel(splitter)
            }
            Flavor::SentencePiece { split } => {
                for (s, &id) in model_vocab {
                    match byte_token(s) {
                        Some(b) => byte_ids[b as usize] = id,
                        None => {
                            vocab.insert(s.as_bytes().to_vec(), id);
                        }
                    }
                }
                let space = vocab
                    .get("\u{2581}".as_bytes())
                    .copied()
                    .unwrap_or(byte_ids[b' ' as usize]);
                Mode::SentencePiece { split, space }
            }
        };
        if let Some(b) = byte_ids.iter().position(|&id| id == NONE) {
            return Err(Error::InvalidArgument(format!(
                "tokenizer.json: byte {b:#04x} has no token (all 256 are needed to encode any text)"
            )));
        }
        Ok(HfBpe {
            mode,
            by_id,
            vocab,
            merges,
            byte_ids,
            ignore_merges,
            specials,
            vocab_size: max_id + 1,
        })
    }

    /// The bytes of an ID: an ordinary token's, or an added token's string.
    pub(crate) fn token(&self, id: u32) -> Option<&[u8]> {
        match self.by_id.get(id as usize) {
            Some(Some(t)) => Some(t),
            _ => {
                let i = self.specials.binary_search_by_key(&id, |(i, _)| *i).ok()?;
                Some(self.specials[i].1.as_bytes())
            }
        }
    }

    /// Text to IDs (added tokens' strings are ordinary text).
    pub(crate) fn encode(&self, text: &str) -> Vec<u32> {
        let mut out = Vec::with_capacity(text.len() / 3 + 1);
        let mut syms: Vec<Sym> = Vec::new();
        let mut heap = BinaryHeap::new();
        match &self.mode {
            Mode::ByteLevel(splitter) => {
                let mut piece = |p: &str| {
                    if self.ignore_merges {
                        if let Some(&id) = self.vocab.get(p.as_bytes()) {
                            out.push(id);
                            return;
                        }
                    }
                    syms.clear();
                    for &b in p.as_bytes() {
                        self.push_sym(&mut syms, self.byte_ids[b as usize]);
                    }
                    self.merge(&mut syms, &mut heap, &mut out);
                };
                match splitter {
                    Some(s) => s.split(text, &mut piece),
                    None if text.is_empty() => {}
                    None => piece(text),
                }
            }
            Mode::SentencePiece { split, space } => {
                let mut key = Vec::new();
                let mut word = |w: &str| {
                    if self.ignore_merges && !w.contains(METASPACE) {
                        key.clear();
                        for c in w.chars() {
                            let c = if c == ' ' { METASPACE } else { c };
                            key.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                        }
                        if let Some(&id) = self.vocab.get(&key) {
                            out.push(id);
                            return;
                        }
                    }
                    syms.clear();
                    for c in w.chars() {
                        if c == ' ' {
                            self.push_sym(&mut syms, *space);
                            continue;
                        }
                        let mut buf = [0; 4];
                        let s = c.encode_utf8(&mut buf);
                        match self.vocab.get(s.as_bytes()) {
                            Some(&id) if c != METASPACE => self.push_sym(&mut syms, id),
                            _ => {
                                for &b in s.as_bytes() {
                                    self.push_sym(&mut syms, self.byte_ids[b as usize]);
                                }
                            }
                        }
                    }
                    self.merge(&mut syms, &mut heap, &mut out);
                };
                if *split {
                    let mut start = 0;
                    for (i, _) in text.match_indices(' ') {
                        if i > start {
                            word(&text[start..i]);
                        }
                        start = i;
                    }
                    if start < text.len() {
                        word(&text[start..]);
                    }
                } else if !text.is_empty() {
                    word(text);
                }
            }
        }
        out
    }

    fn push_sym(&self, syms: &mut Vec<Sym>, id: u32) {
        let i = syms.len() as u32;
        syms.push(Sym {
            id,
            prev: if i == 0 { NONE } else { i - 1 },
            next: i + 1,
            alive: true,
        });
    }

    /// Merges the symbols by priority (lowest rank, then leftmost), then appends their IDs.
    fn merge(
        &self,
        syms: &mut [Sym],
        heap: &mut BinaryHeap<Reverse<(u32, u32, u32)>>,
        out: &mut Vec<u32>,
    ) {
        let Some(last) = syms.last_mut() else {
            return;
        };
        last.next = NONE;
        heap.clear();
        for i in 0..syms.len().saturating_sub(1) {
            if let Some(&(rank, new)) = self.merges.get(&(syms[i].id, syms[i + 1].id)) {
                heap.push(Reverse((rank, i as u32, new)));
            }
        }
        while let Some(Reverse((rank, pos, new))) = heap.pop() {
            let p = pos as usize;
            let next = syms[p].next;
            if !syms[p].alive || next == NONE {
                continue;
            }
            if self.merges.get(&(syms[p].id, syms[next as usize].id)) != Some(&(rank, new)) {
                continue;
            }
            syms[p].id = new;
            let after = syms[next as usize].next;
            syms[next as usize].alive = false;
            syms[p].next = after;
            if after != NONE {
                syms[after as usize].prev = pos;
            }
            let prev = syms[p].prev;
            if prev != NONE {
                if let Some(&(r, n)) = self.merges.get(&(syms[prev as usize].id, new)) {
                    heap.push(Reverse((r, prev, n)));
                }
            }
            if after != NONE {
                if let Some(&(r, n)) = self.merges.get(&(new, syms[after as usize].id)) {
                    heap.push(Reverse((r, pos, n)));
                }
            }
        }
        let mut i = 0;
        while i != NONE {
            out.push(syms[i as usize].id);
            i = syms[i as usize].next;
        }
    }
}
