//! The one error type of the library. Every public call returns `Result<T, Error>`.

use std::fmt;

/// What went wrong, with a message meant for the person reading it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The tokenizer name is not one of the built-in ones.
    #[error("unknown tokenizer '{0}' (available: {available})", available = crate::tokenizer::BUILTIN_NAMES.join(", "))]
    UnknownTokenizer(String),
    /// A token ID the tokenizer (or the mapping) does not know.
    #[error("token ID {id} is not in the {table} (size {size})")]
    UnknownTokenId {
        id: i64,
        table: &'static str,
        size: u32,
    },
    /// A mapped ID that the mapping table does not contain.
    #[error("mapped ID {0} is not in the mapping table")]
    UnknownMappedId(i64),
    /// A string token (tacc's `encode_tokens`) that is not one token of the vocabulary.
    #[error("'{0}' is not a single token of this tokenizer")]
    UnknownToken(String),
    /// Input bytes that cannot be what the named format produces.
    #[error("corrupt {format} payload: {detail}")]
    Corrupt {
        format: &'static str,
        detail: String,
    },
    /// The decoded content does not match the checksum stored in the frame.
    #[error(
        "checksum mismatch: stored {stored:08x}, computed {computed:08x} (the frame is corrupt)"
    )]
    ChecksumMismatch { stored: u32, computed: u32 },
    /// Input or output larger than a documented limit (see `limits`).
    #[error("{what} of {size} exceeds the limit of {limit}")]
    TooLarge {
        what: &'static str,
        size: u64,
        limit: u64,
    },
    /// Decoded bytes are not valid UTF-8 where text was expected.
    #[error("decoded content is not valid UTF-8: {0}")]
    InvalidUtf8(String),
    /// An argument out of its documented range (compression level, method for this content...).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// A frame made with a tokenizer, mapping or model that differs from the one supplied.
    #[error("{0}")]
    Mismatch(String),
    /// A file could not be read or written.
    #[error("I/O error: {0}")]
    Io(String),
}

impl Error {
    pub(crate) fn corrupt(format: &'static str, detail: impl fmt::Display) -> Error {
        Error::Corrupt {
            format,
            detail: detail.to_string(),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e.to_string())
    }
}

/// Shorthand used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
