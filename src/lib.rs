//! tacc: token-aware compression for LLM text and token streams.
//!
//! One Rust core behind the CLI, the C ABI and the bindings. It reads and writes the payloads
//! of tacc 0.1.0 (frequency-mapped token IDs in Thrift CompactProtocol, optionally gzip'd) and
//! LoPace 0.1.5 (zstd, packed token IDs, hybrid) byte for byte, and adds a self-describing frame.
//!
//! ```
//! let codec = tacc::Codec::new("cl100k_base")?;
//! let frame = codec.compress_text("Hello, world!", &tacc::Options::default())?;
//! assert_eq!(codec.decompress_text(&frame)?, "Hello, world!");
//! # Ok::<(), tacc::Error>(())
//! ```

pub mod codec;
pub mod codecs;
pub mod error;
pub mod ffi;
pub mod format;
pub mod limits;
pub mod mapping;
pub mod model;
pub mod stats;
pub mod stream;
pub mod tokenizer;
/// cbindgen:ignore
mod uniffi_api;

uniffi::setup_scaffolding!("tacc");

pub use codec::{decompress, Codec, Content, LopaceMethod, Options, DEFAULT_METHOD};
pub use error::{Error, Result};
pub use format::Method;
pub use mapping::Mapping;
pub use stream::{StreamDecoder, StreamEncoder, StreamUpdate};
pub use tokenizer::{Builtin, Tokenizer, BUILTIN_NAMES};

/// The library version, from Cargo.toml.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
