//! tacc: token-aware compression for LLM text and token streams.
//!
//! Cargo features: `encode` and `decode` (both default: an app that only receives builds with
//! `decode` alone and leaves out the BPE encoder, its regexes and the compressors), `v1`
//! (default: reads version 1 frames and streams and the first model coder), and one per
//! vocabulary family (`cl100k`, `o200k`, `p50k`, `r50k`).
//!
//! One Rust core behind the CLI, the C ABI and the bindings. It reads and writes the payloads
//! of tacc 0.1.0 (frequency-mapped token IDs in Thrift CompactProtocol, optionally gzip'd) and
//! LoPace 0.1.5 (zstd, packed token IDs, hybrid) byte for byte, and adds a self-describing frame.
//!
//! ```
//! # #[cfg(all(feature = "encode", feature = "decode", feature = "cl100k"))] {
//! let codec = tacc::Codec::new("cl100k_base")?;
//! let frame = codec.compress_text("Hello, world!", &tacc::Options::default())?;
//! assert_eq!(codec.decompress_text(&frame)?, "Hello, world!");
//! # }
//! # Ok::<(), tacc::Error>(())
//! ```

#![deny(missing_docs)]

pub mod batch;
mod builtin_names;
pub mod codec;
// The raw coders under the frames. Hidden, not a stable API: the CLI's `train` and `bench`, the
// benches, examples and fuzz targets call them directly; Rust users go through `Codec`.
#[doc(hidden)]
pub mod codecs;
pub mod error;
pub mod ffi;
pub mod format;
mod hash;
pub mod limits;
pub mod mapping;
// The context model's coder and trainer. Hidden, not a stable API: the CLI's `train`, the
// benches and fuzz targets use it; frames and streams reach it through `Codec`, and custom
// priors are a `Priors` (re-exported below).
#[doc(hidden)]
pub mod model;
// Panics caught without the default hook's message: for the bindings' boundaries only.
#[doc(hidden)]
pub mod quiet_panic;
pub mod spec;
#[cfg(feature = "encode")]
pub mod stats;
pub mod stream;
pub mod tokenizer;
// The corpus samples of tests/data, shared with the integration tests.
#[cfg(test)]
#[path = "../tests/common/corpus.rs"]
mod test_corpus;

#[cfg(feature = "decode")]
pub use codec::{decompress, decompress_with_limits};
pub use codec::{Codec, Content, Input, Layout, LopaceMethod, Options, Peer, DEFAULT_METHOD};
pub use error::{Error, ErrorKind, Result};
pub use format::{ContentKind, Method};
pub use limits::Limits;
pub use mapping::Mapping;
pub use model::Priors;
pub use spec::{CodecSpec, Source};
#[cfg(feature = "decode")]
pub use stream::StreamDecoder;
#[cfg(feature = "encode")]
pub use stream::StreamEncoder;
pub use stream::{StreamOptions, StreamUpdate};
pub use tokenizer::{Builtin, OpenVocab, Tokenizer, Vocab, BUILTIN_NAMES, OPEN_VOCAB_NAMES};

/// The library version, from Cargo.toml.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
