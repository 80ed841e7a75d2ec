//! The names of the built-in tokenizers: a leaf module, so that the error messages
//! ([`crate::Error::UnknownTokenizer`]) and the tokenizers ([`crate::Builtin`]) read one table
//! without depending on each other.

/// The names accepted by [`Tokenizer::builtin`](crate::Tokenizer::builtin), in tacc 0.1.0's
/// order; `BUILTIN_NAMES[id - 1]` is the name of the built-in with frame header ID `id`.
pub const BUILTIN_NAMES: [&str; 7] = [
    "cl100k_base",
    "gpt2",
    "o200k_base",
    "o200k_harmony",
    "p50k_base",
    "p50k_edit",
    "r50k_base",
];

/// The names of the open models' vocabularies ([`OpenVocab`](crate::OpenVocab)), in frame ID
/// order from 8: `OPEN_VOCAB_NAMES[id - 8]`.
pub const OPEN_VOCAB_NAMES: [&str; 5] = ["llama3", "llama4", "qwen", "qwen3_6", "tekken_240911"];
