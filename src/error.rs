//! The one error type of the library. Every public call returns `Result<T, Error>`.

use std::fmt;

/// What went wrong, with a message meant for the person reading it. [`Error::kind`] classifies it.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The tokenizer name is not one of the built-in or open vocabularies.
    #[error("unknown tokenizer '{0}' (built-in: {builtin}; open models, from their file: {open})", builtin = crate::builtin_names::BUILTIN_NAMES.join(", "), open = crate::builtin_names::OPEN_VOCAB_NAMES.join(", "))]
    UnknownTokenizer(String),
    /// A token ID the tokenizer (or the mapping) does not know.
    #[error("token ID {id} is not in the {table} (size {size})")]
    UnknownTokenId {
        /// The ID as given.
        id: i64,
        /// What it was looked up in ("vocabulary", "mapping table", ...).
        table: &'static str,
        /// How many IDs that holds.
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
        /// The format that was being read ("frame", "stream", "zstd", ...).
        format: &'static str,
        /// What is wrong with it.
        detail: String,
    },
    /// The decoded content does not match the checksum stored in the frame.
    #[error(
        "checksum mismatch: stored {stored:08x}, computed {computed:08x} (the frame is corrupt)"
    )]
    ChecksumMismatch {
        /// The CRC-32 the frame carries.
        stored: u32,
        /// The CRC-32 of what was decoded.
        computed: u32,
    },
    /// Input or output larger than a documented limit (see `limits`).
    #[error("{what} of {size} exceeds the limit of {limit}")]
    TooLarge {
        /// What was too large, naming the limit that refused it.
        what: &'static str,
        /// Its size (as much as is known, at least).
        size: u64,
        /// The limit.
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
    /// A bug in tacc: a panic caught at a language boundary (`quiet_panic`). Please report it.
    #[error("{0}")]
    Internal(String),
}

/// Calls the macro `$m` with the table of error kinds, one `(Variant, code, "description",
/// "doc")` per kind in code order. [`ErrorKind`] is made from it, and so is every binding's
/// declaration that needs one item per kind (uniffi's `TaccError`), so a new kind is added here
/// and nowhere else. Codes are never renumbered; a retired kind keeps its code reserved.
#[macro_export]
macro_rules! for_each_error_kind {
    ($m:ident) => {
        $m! {
            (InvalidArgument, 1, "invalid argument",
             "An argument out of its documented range (level, method for this content, options...)."),
            (NullArgument, 2, "NULL argument",
             "A required pointer was NULL: raised by the C ABI only (other languages have no NULL)."),
            (UnknownTokenizer, 3, "unknown tokenizer",
             "The tokenizer name is not built in (or was left out of this build)."),
            (UnknownId, 4, "unknown token ID",
             "A token ID, mapped ID or string token the tokenizer or mapping does not know."),
            (Corrupt, 5, "corrupt input",
             "The input is not what the named format produces (bad magic, truncated, ...)."),
            (ChecksumMismatch, 6, "checksum mismatch",
             "The decoded content does not match the frame's CRC-32."),
            (TooLarge, 7, "too large",
             "Input or output over a limit (the caller's decode limits or a format's hard cap)."),
            (InvalidUtf8, 8, "invalid UTF-8",
             "Text that is not valid UTF-8 (input text, or decoded content where text was expected)."),
            (Mismatch, 9, "tokenizer or mapping mismatch",
             "A frame made with a tokenizer, mapping or model other than the one supplied."),
            (Io, 10, "I/O error", "A file could not be read or written."),
            (Internal, 100, "internal error (caught panic)",
             "A bug in tacc: a panic caught at a language boundary. Please report it."),
        }
    };
}

macro_rules! define_error_kind {
    ($(($kind:ident, $code:literal, $description:literal, $doc:literal)),* $(,)?) => {
        /// The class of an [`Error`]: the one classification every layer maps from (C status
        /// codes, Python exception classes, Go sentinels, Kotlin/Swift exceptions, the
        /// playground's HTTP statuses). See docs/ARCHITECTURE.md; the table is
        /// [`for_each_error_kind!`](crate::for_each_error_kind).
        ///
        /// `code()` is the C ABI's `tacc_status` value and is never renumbered; a retired kind
        /// keeps its code reserved. `name()` is the stable name the bindings show (`e.kind` in
        /// Python, the exception class of Kotlin and Swift, `Error.Kind()` in Go).
        #[non_exhaustive]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(i32)]
        pub enum ErrorKind {
            $(#[doc = $doc] $kind = $code,)*
        }

        const KIND_COUNT: usize = [$($code),*].len();

        impl ErrorKind {
            /// Every kind, in code order.
            pub const ALL: [ErrorKind; KIND_COUNT] = [$(ErrorKind::$kind),*];

            /// The stable numeric code (the C ABI's `tacc_status`); 0 is success and never a kind.
            pub const fn code(self) -> i32 {
                self as i32
            }

            /// The stable name, as the bindings show it (the variant's name).
            pub const fn name(self) -> &'static str {
                match self {
                    $(ErrorKind::$kind => stringify!($kind),)*
                }
            }

            /// A short description without details (the C ABI's `tacc_status_str`).
            pub const fn description(self) -> &'static str {
                match self {
                    $(ErrorKind::$kind => $description,)*
                }
            }
        }
    };
}

for_each_error_kind!(define_error_kind);

impl ErrorKind {
    /// The kind with this code, if any.
    pub fn from_code(code: i32) -> Option<ErrorKind> {
        ErrorKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The kind with this name, if any.
    pub fn from_name(name: &str) -> Option<ErrorKind> {
        ErrorKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Error {
    /// The error's class: what every binding maps to its own error type.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::UnknownTokenizer(_) => ErrorKind::UnknownTokenizer,
            Error::UnknownTokenId { .. } | Error::UnknownMappedId(_) | Error::UnknownToken(_) => {
                ErrorKind::UnknownId
            }
            Error::Corrupt { .. } => ErrorKind::Corrupt,
            Error::ChecksumMismatch { .. } => ErrorKind::ChecksumMismatch,
            Error::TooLarge { .. } => ErrorKind::TooLarge,
            Error::InvalidUtf8(_) => ErrorKind::InvalidUtf8,
            Error::InvalidArgument(_) => ErrorKind::InvalidArgument,
            Error::Mismatch(_) => ErrorKind::Mismatch,
            Error::Io(_) => ErrorKind::Io,
            Error::Internal(_) => ErrorKind::Internal,
        }
    }

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

#[cfg(test)]
mod tests {
    use super::ErrorKind;

    #[test]
    fn kinds_have_unique_codes_and_names_that_round_trip() {
        for k in ErrorKind::ALL {
            assert_ne!(k.code(), 0, "0 is success");
            assert_eq!(ErrorKind::from_code(k.code()), Some(k));
            assert_eq!(ErrorKind::from_name(k.name()), Some(k));
        }
        let mut codes: Vec<_> = ErrorKind::ALL.iter().map(|k| k.code()).collect();
        codes.dedup();
        assert_eq!(
            codes.len(),
            ErrorKind::ALL.len(),
            "ALL is in code order, without repeats"
        );
    }
}
