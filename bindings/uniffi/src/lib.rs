//! tacc for Kotlin and Swift: the uniffi layer (proc-macros) over tacc's public Rust API, built
//! as its own library (`libtacc_uniffi.so` / `.dylib` / `.a`), so Rust users of `tacc` never
//! compile uniffi. The generated sources are bindings/kotlin/src/main/kotlin/dev/tacc/tacc.kt
//! and bindings/swift/Sources/Tacc/tacc.swift (tools/gen-bindings.sh).
//!
//! Rules of this crate:
//! - no codec logic: every call forwards to [`tacc::Codec`], [`tacc::stats`] or
//!   [`tacc::decompress`]; the only code here converts types (binding enums/records <-> tacc's,
//!   packed ID buffers);
//! - vocabulary: frames are `compress*`/`decompress*`; tacc 0.1.0's and LoPace 0.1.5's raw payloads
//!   are named by peer (`compress_tacc_payload`, `compress_lopace_payload`, ...);
//! - errors cross the boundary as [`TaccError`], one variant per [`tacc::ErrorKind`], made from
//!   `kind()` in one place ([`TaccError::of_kind`]); every call that does work runs inside
//!   `call`, so a panic becomes `TaccError::Internal` (nothing printed, never an abort).
//!   `TaccError::NullArgument` exists because every kind has its variant, but is never raised
//!   here: it is the C ABI's alone (no call here takes a pointer);
//! - [`TaccError`] and [`Method`] are expanded from the core's tables (`tacc::for_each_error_kind!`,
//!   `tacc::for_each_method!`), so a new error kind or method needs no edit here;
//! - option defaults come from `tacc::Options::default()` (see [`Options`]);
//! - the binding types are separate from tacc's, so the core can change without breaking the
//!   foreign API, and new methods or objects are added without touching existing signatures.
//!
//! Token IDs: uniffi passes `Vec<u32>` as `List<UInt>` in Kotlin (one boxed object per ID) and a
//! `[UInt32]` in Swift. That is fine for short lists but costs far more than the codec itself on
//! long ones, so every call that takes or returns token IDs (or tacc's mapped IDs) also has a
//! `*_packed` twin that uses one byte buffer of little-endian 32-bit integers (`u32` for token IDs,
//! `i32` for mapped IDs): `ByteArray` in Kotlin, `Data` in Swift, each crossing as a single copy.
#![deny(missing_docs)]

use std::sync::{Arc, Mutex, MutexGuard};

use tacc::quiet_panic::catch_quietly;
#[cfg(feature = "encode")]
use tacc::stats as core_stats;
use tacc::ErrorKind;

uniffi::setup_scaffolding!("tacc");

mod batch;
pub use batch::{raise_batch_failure, BatchFailure, BytesItem, IdsItem, TextItem};

// The error kinds and the methods come from the core's tables (`tacc::for_each_error_kind!`,
// `tacc::for_each_method!`): a kind or method added there appears here, and in the generated
// Kotlin/Swift, with no edit to this file.
macro_rules! define_tacc_error {
    ($(($kind:ident, $code:literal, $description:literal, $doc:literal)),* $(,)?) => {
        /// Every failure of the bindings' calls: one variant per [`tacc::ErrorKind`], named as the
        /// kind (`kind.name()`) and documented by the core's table. The message is the library's
        /// own; the variant says what kind of failure it is, so callers can branch without
        /// parsing text. Kotlin: `TaccException.Corrupt` etc.; Swift: `TaccError.Corrupt`.
        ///
        /// `NullArgument` is a variant too (every kind has one) but no call here raises it: it is
        /// the C ABI's alone, and no call here takes a pointer.
        #[derive(Debug, PartialEq, Eq, thiserror::Error, uniffi::Error)]
        #[uniffi(flat_error)]
        pub enum TaccError {
            $(
                #[doc = $doc]
                #[error("{0}")]
                $kind(String),
            )*
        }

        impl TaccError {
            /// The one place where an error kind becomes a binding error.
            pub fn of_kind(kind: ErrorKind, message: String) -> TaccError {
                match kind {
                    $(ErrorKind::$kind => TaccError::$kind(message),)*
                    // `ErrorKind` is non-exhaustive; the table lists every kind, so this arm is
                    // only a compile-time requirement (a bug if ever taken).
                    _ => TaccError::Internal(message),
                }
            }

            /// The kind this error was made from (its variant's name is the kind's `name()`).
            pub fn kind(&self) -> ErrorKind {
                match self {
                    $(TaccError::$kind(_) => ErrorKind::$kind,)*
                }
            }
        }
    };
}

tacc::for_each_error_kind!(define_tacc_error);

impl From<tacc::Error> for TaccError {
    fn from(e: tacc::Error) -> Self {
        TaccError::of_kind(e.kind(), e.to_string())
    }
}

type Res<T> = std::result::Result<T, TaccError>;

/// Runs the body of one exported call at the boundary: a panic inside becomes
/// `TaccError::Internal` with its message, and nothing is printed (tacc's `quiet_panic`, the guard
/// of the C ABI and Python too). uniffi's own catch stays underneath for the trivial getters that
/// have no error type (they would surface as uniffi's internal exception).
fn call<T>(body: impl FnOnce() -> Res<T>) -> Res<T> {
    catch_quietly(body).unwrap_or_else(|message| Err(TaccError::Internal(message)))
}

// ---- Enums and records ---------------------------------------------------------------------

macro_rules! define_method {
    ($(($method:ident, $id:literal, $name:literal, $doc:literal)),* $(,)?) => {
        /// How a frame's payload is made (the frame's method byte), in wire-ID order. Names:
        /// [`method_name`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
        pub enum Method {
            $(#[doc = $doc] $method,)*
        }

        impl From<Method> for tacc::Method {
            fn from(m: Method) -> Self {
                match m {
                    $(Method::$method => tacc::Method::$method,)*
                }
            }
        }

        impl From<tacc::Method> for Method {
            fn from(m: tacc::Method) -> Self {
                match m {
                    $(tacc::Method::$method => Method::$method,)*
                }
            }
        }
    };
}

tacc::for_each_method!(define_method);

/// LoPace's three methods (its `CompressionMethod`): the raw LoPace payloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LopaceMethod {
    /// zstd over the text bytes.
    Zstd,
    /// Packed token IDs.
    Token,
    /// Packed token IDs, zstd'd.
    Hybrid,
}

impl From<LopaceMethod> for tacc::LopaceMethod {
    fn from(m: LopaceMethod) -> Self {
        match m {
            LopaceMethod::Zstd => tacc::LopaceMethod::Zstd,
            LopaceMethod::Token => tacc::LopaceMethod::Token,
            LopaceMethod::Hybrid => tacc::LopaceMethod::Hybrid,
        }
    }
}

/// The unit whose frequencies an order-0 entropy counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum EntropyUnit {
    /// Unicode scalar values (LoPace's 'character').
    Character,
    /// UTF-8 bytes (LoPace's 'byte').
    Byte,
    /// Token IDs of the codec's tokenizer.
    Token,
}

#[cfg(feature = "encode")]
impl From<EntropyUnit> for core_stats::Unit {
    fn from(u: EntropyUnit) -> Self {
        match u {
            EntropyUnit::Character => core_stats::Unit::Character,
            EntropyUnit::Byte => core_stats::Unit::Byte,
            EntropyUnit::Token => core_stats::Unit::Token,
        }
    }
}

// The defaults live in `tacc::Options::default()`. uniffi's field defaults must be literals, so the
// ones below repeat it; the test `record_defaults_are_the_core_defaults` fails if they ever differ
// (and the Kotlin/Swift tests check `Options(method = MODEL) == defaultOptions()`).
/// Options of the frame calls (`compress_text`, ...). `method = null/nil` tries every method that
/// fits the content and keeps the smallest; [`default_options`] gives the library's defaults.
/// Frames only: the raw peer payloads have calls of their own (`compress_tacc_payload`, ...).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Options {
    /// The method; null/nil tries every method that fits the content and keeps the smallest.
    pub method: Option<Method>,
    /// zstd level 1-22 (zstd, LoPace hybrid).
    #[uniffi(default = 15)]
    pub zstd_level: i32,
    /// gzip level 1-12 (gzip, tacc-gzip).
    #[uniffi(default = 9)]
    pub gzip_level: i32,
    /// Store a CRC-32 of the content in the frame.
    #[uniffi(default = true)]
    pub checksum: bool,
}

impl From<Options> for tacc::Options {
    fn from(o: Options) -> Self {
        tacc::Options::default()
            .with_method(o.method.map(Into::into))
            .with_zstd_level(o.zstd_level)
            .with_gzip_level(o.gzip_level)
            .with_checksum(o.checksum)
    }
}

impl From<tacc::Options> for Options {
    fn from(o: tacc::Options) -> Self {
        Options {
            method: o.method.map(Into::into),
            zstd_level: o.zstd_level,
            gzip_level: o.gzip_level,
            checksum: o.checksum,
        }
    }
}

/// What one decode call may produce: payloads come from the network, so every decode is bounded.
/// A payload that would exceed a limit fails with `TooLarge` (the message names the limit) before
/// the memory is allocated. 0 in a field means the library's default for it; larger values than
/// the hard caps (1 GiB, 256 Mi tokens) are clamped to them. See [`default_limits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct Limits {
    /// Largest output of one call, in bytes: decoded text or bytes, or token IDs × 4 (for a stream
    /// decoder, of one pushed chunk: its text bytes plus its token IDs × 4). Default 64 MiB.
    #[uniffi(default = 0)]
    pub max_output_bytes: u64,
    /// Largest number of token IDs one call decodes (for a stream decoder: in the whole stream).
    /// Default 16 Mi.
    #[uniffi(default = 0)]
    pub max_tokens: u64,
}

impl From<Limits> for tacc::Limits {
    fn from(l: Limits) -> Self {
        let size = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
        tacc::Limits::new(size(l.max_output_bytes), size(l.max_tokens))
    }
}

impl From<tacc::Limits> for Limits {
    fn from(l: tacc::Limits) -> Self {
        Limits {
            max_output_bytes: l.max_output_bytes as u64,
            max_tokens: l.max_tokens as u64,
        }
    }
}

/// The content of a decoded frame.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Content {
    /// UTF-8 text.
    Text {
        /// The text.
        text: String,
    },
    /// Token IDs of the frame's tokenizer.
    TokenIds {
        /// The IDs.
        ids: Vec<u32>,
    },
    /// Arbitrary bytes.
    Bytes {
        /// The bytes.
        bytes: Vec<u8>,
    },
}

#[cfg(feature = "decode")]
impl Content {
    /// tacc's content as the binding's; a kind added to the core later is `Internal` until it has
    /// a variant here.
    fn of(c: tacc::Content) -> Res<Content> {
        match c {
            tacc::Content::Text(text) => Ok(Content::Text { text }),
            tacc::Content::TokenIds(ids) => Ok(Content::TokenIds { ids }),
            tacc::Content::Bytes(bytes) => Ok(Content::Bytes { bytes }),
            other => Err(TaccError::Internal(format!(
                "content kind '{}' has no binding yet",
                other.kind().name()
            ))),
        }
    }
}

/// One method's result on one input (see `tacc::stats::MethodStats`).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct MethodStats {
    /// The method's name ([`method_name`], or LoPace's "zstd"/"token"/"hybrid").
    pub name: String,
    /// Size of the method's output.
    pub compressed_bytes: u64,
    /// original / compressed (higher is better); 0 for empty input.
    pub ratio: f64,
    /// compressed / original (LoPace's `compression_ratio`).
    pub size_fraction: f64,
    /// (1 - size_fraction) × 100.
    pub space_saved_percent: f64,
    /// original - compressed (negative when the output is larger).
    pub bytes_saved: i64,
    /// Seconds for one compress call (0 when not timed).
    pub encode_seconds: f64,
    /// Seconds for one decompress call (0 when not timed).
    pub decode_seconds: f64,
}

/// Sizes of several methods on one text.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Stats {
    /// UTF-8 bytes of the text.
    pub original_bytes: u64,
    /// Tokens of the text.
    pub original_tokens: u64,
    /// Unicode scalar values of the text.
    pub characters: u64,
    /// One entry per method.
    pub methods: Vec<MethodStats>,
}

#[cfg(feature = "encode")]
impl From<core_stats::Stats> for Stats {
    fn from(s: core_stats::Stats) -> Self {
        Stats {
            original_bytes: s.original_bytes,
            original_tokens: s.original_tokens,
            characters: s.characters,
            methods: s
                .methods
                .into_iter()
                .map(|m| MethodStats {
                    name: m.name,
                    compressed_bytes: m.compressed_bytes,
                    ratio: m.ratio,
                    size_fraction: m.size_fraction,
                    space_saved_percent: m.space_saved_percent,
                    bytes_saved: m.bytes_saved,
                    encode_seconds: m.encode_seconds,
                    decode_seconds: m.decode_seconds,
                })
                .collect(),
        }
    }
}

/// What an order-0 coder over a unit would need (LoPace's "theoretical limit"; not a real limit).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Order0Estimate {
    /// Shannon entropy of the unit's frequencies in this text, bits per unit.
    pub entropy_bits_per_unit: f64,
    /// Units counted.
    pub units: u64,
    /// entropy × units.
    pub min_bits: f64,
    /// min_bits / 8.
    pub min_bytes: f64,
    /// UTF-8 bytes of the text.
    pub original_bytes: u64,
    /// min_bytes / original_bytes (LoPace's `theoretical_compression_ratio`).
    pub size_fraction: f64,
    /// (1 - size_fraction) × 100.
    pub space_saved_percent: f64,
}

#[cfg(feature = "encode")]
impl From<core_stats::Order0Estimate> for Order0Estimate {
    fn from(e: core_stats::Order0Estimate) -> Self {
        Order0Estimate {
            entropy_bits_per_unit: e.entropy_bits_per_unit,
            units: e.units,
            min_bits: e.min_bits,
            min_bytes: e.min_bytes,
            original_bytes: e.original_bytes,
            size_fraction: e.size_fraction,
            space_saved_percent: e.space_saved_percent,
        }
    }
}

// ---- Packed ID buffers (the only conversion code here) --------------------------------------

fn unpack<T>(buf: &[u8], what: &str, layout: &str, from: fn([u8; 4]) -> T) -> Res<Vec<T>> {
    if buf.len() % 4 != 0 {
        return Err(tacc::Error::InvalidArgument(format!(
            "packed {what} must be a multiple of 4 bytes ({layout}), got {}",
            buf.len()
        ))
        .into());
    }
    Ok(buf
        .chunks_exact(4)
        .map(|c| from([c[0], c[1], c[2], c[3]]))
        .collect())
}

fn unpack_u32(buf: &[u8]) -> Res<Vec<u32>> {
    unpack(buf, "token IDs", "u32 little-endian", u32::from_le_bytes)
}

fn unpack_i32(buf: &[u8]) -> Res<Vec<i32>> {
    unpack(buf, "mapped IDs", "i32 little-endian", i32::from_le_bytes)
}

fn pack_u32(ids: &[u32]) -> Vec<u8> {
    ids.iter().flat_map(|id| id.to_le_bytes()).collect()
}

fn pack_i32(ids: &[i32]) -> Vec<u8> {
    ids.iter().flat_map(|id| id.to_le_bytes()).collect()
}

// ---- Free functions ------------------------------------------------------------------------

/// The built-in tokenizer names, in tacc 0.1.0's order (each a complete codec by name); the open
/// models' are [`list_open_vocabs`].
#[uniffi::export]
pub fn list_available_tokenizers() -> Vec<String> {
    tacc::BUILTIN_NAMES.iter().map(|s| s.to_string()).collect()
}

/// The open models' vocabularies: `llama3`, `llama4`, `qwen`, `qwen3_6`, `tekken_240911`. By name
/// alone a codec codes their token IDs; for text, build it from the model's own tokenizer file
/// ([`CodecSpec::tokenizer_file`]).
#[uniffi::export]
pub fn list_open_vocabs() -> Vec<String> {
    tacc::OPEN_VOCAB_NAMES
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// Whether this library embeds the open models' priors (cargo feature `open-priors`, off by
/// default): if not, pass their files (`models/<name>.tpf.zst`) as [`CodecSpec::priors`] or
/// [`CodecSpec::priors_dir`], else the `model` method codes their IDs adaptively only.
#[uniffi::export]
pub fn open_priors_embedded() -> bool {
    tacc::OpenVocab::ALL
        .iter()
        .all(|v| tacc::codecs::model::is_embedded(v.priors_id()))
}

/// The library version (Cargo.toml).
#[uniffi::export]
pub fn version() -> String {
    tacc::VERSION.to_string()
}

/// The library's default options (`tacc::Options::default()`: the one place they are defined).
#[uniffi::export]
pub fn default_options() -> Options {
    tacc::Options::default().into()
}

/// The method's name as the CLI and frame docs spell it ("tacc-gzip", "lopace-hybrid"...).
#[uniffi::export]
pub fn method_name(method: Method) -> String {
    tacc::Method::from(method).name().to_string()
}

/// The method with that name; "auto" is not a method (use `Options.method = null`).
#[uniffi::export]
pub fn method_from_name(name: String) -> Res<Method> {
    call(|| Ok(tacc::Method::from_name(&name)?.into()))
}

/// The default decode limits (64 MiB of output, 16 Mi tokens), with the values filled in.
#[uniffi::export]
pub fn default_limits() -> Limits {
    tacc::Limits::DEFAULT.into()
}

#[cfg(feature = "decode")]
/// Decodes any frame made with a built-in tokenizer, without a codec, within the default limits.
#[uniffi::export]
pub fn decompress(frame: Vec<u8>) -> Res<Content> {
    call(|| Content::of(tacc::decompress(&frame)?))
}

#[cfg(feature = "decode")]
/// [`decompress`] within the caller's limits.
#[uniffi::export]
pub fn decompress_with_limits(frame: Vec<u8>, limits: Limits) -> Res<Content> {
    call(|| Content::of(tacc::decompress_with_limits(&frame, &limits.into())?))
}

// ---- CodecSpec -----------------------------------------------------------------------------

/// A file the codec is built from: where to read it, or its contents.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum FileSource {
    /// Read from this path when the codec is built.
    Path {
        /// The file's path.
        path: String,
    },
    /// These bytes (a file the app ships as a resource or downloads).
    Bytes {
        /// The file's contents.
        bytes: Vec<u8>,
    },
}

impl From<FileSource> for tacc::Source {
    fn from(s: FileSource) -> Self {
        match s {
            FileSource::Path { path } => tacc::Source::Path(path.into()),
            FileSource::Bytes { bytes } => tacc::Source::Bytes(bytes),
        }
    }
}

/// What a codec is made of ([`Codec::from_spec`]); every field is optional, and the rules for
/// combining them are the core's (`tacc::CodecSpec`, the same for every language and the CLI):
///
/// | given | the codec |
/// |---|---|
/// | `tokenizer` only | the named vocabulary: a built-in, or an open model's for token IDs only |
/// | `tokenizer_file` (and an open model's name, checked) | the file's tokenizer: an open model's file is recognized and named; any other is custom, split by `pattern` |
/// | `priors` only | token IDs with the vocabulary the priors name |
/// | nothing | cl100k_base |
///
/// `mapping` and `priors` then replace the defaults, and `limits` bound every decode.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CodecSpec {
    /// A vocabulary name: built-in (`cl100k_base`, ...: [`list_available_tokenizers`]) or open
    /// (`llama3`, ...: [`list_open_vocabs`]).
    #[uniffi(default = None)]
    pub tokenizer: Option<String>,
    /// A tokenizer file: a tiktoken rank file (`.tiktoken`, Llama's `tokenizer.model`) or a
    /// Tekken JSON file (Mistral's `tekken_240911.json`).
    #[uniffi(default = None)]
    pub tokenizer_file: Option<FileSource>,
    /// The split pattern of a custom tokenizer file: a preset (`cl100k`, `o200k`, `gpt2`,
    /// `qwen2`) or a regex. Default: the file's own, else `cl100k`. Not for an open model's file.
    #[uniffi(default = None)]
    pub pattern: Option<String>,
    /// A tacc mapping file (`tacc mapping`).
    #[uniffi(default = None)]
    pub mapping: Option<FileSource>,
    /// A priors file (`tacc train`, or an open model's `models/<name>.tpf.zst`).
    #[uniffi(default = None)]
    pub priors: Option<FileSource>,
    /// A directory holding `<name>.tpf.zst`, read for a named open vocabulary whose priors this
    /// library does not embed when `priors` is not set (a missing file is no error: the codec
    /// then codes adaptively; a file that is there must be that vocabulary's priors).
    #[uniffi(default = None)]
    pub priors_dir: Option<String>,
    /// Decode limits (the defaults when not set).
    #[uniffi(default = None)]
    pub limits: Option<Limits>,
}

impl CodecSpec {
    fn empty() -> CodecSpec {
        CodecSpec {
            tokenizer: None,
            tokenizer_file: None,
            pattern: None,
            mapping: None,
            priors: None,
            priors_dir: None,
            limits: None,
        }
    }
}

impl From<CodecSpec> for tacc::CodecSpec {
    fn from(s: CodecSpec) -> Self {
        let mut spec = tacc::CodecSpec::new();
        if let Some(t) = s.tokenizer {
            spec = spec.with_tokenizer(t);
        }
        if let Some(f) = s.tokenizer_file {
            spec = spec.with_tokenizer_file(f.into());
        }
        if let Some(p) = s.pattern {
            spec = spec.with_pattern(p);
        }
        if let Some(m) = s.mapping {
            spec = spec.with_mapping(m.into());
        }
        if let Some(p) = s.priors {
            spec = spec.with_priors(p.into());
        }
        if let Some(d) = s.priors_dir {
            spec = spec.with_priors_dir(d);
        }
        if let Some(l) = s.limits {
            spec = spec.with_limits(l.into());
        }
        spec
    }
}

/// Builds a codec from binding fields: every constructor that reads files goes through here,
/// that is through `tacc::CodecSpec::build`.
fn build(spec: CodecSpec) -> Res<Arc<Codec>> {
    call(|| Ok(Codec::wrap(tacc::CodecSpec::from(spec).build()?)))
}

// ---- Codec ---------------------------------------------------------------------------------

/// A tokenizer plus its tacc mapping. Immutable after creation: share one codec freely between
/// threads (all methods take `&self`). Creating one for a built-in tokenizer is cheap after the
/// first time in a process (vocabularies are loaded once).
#[derive(Debug, uniffi::Object)]
pub struct Codec {
    inner: tacc::Codec,
}

impl Codec {
    fn wrap(inner: tacc::Codec) -> Arc<Codec> {
        Arc::new(Codec { inner })
    }
}

#[uniffi::export]
impl Codec {
    /// A codec for a named vocabulary: a built-in ([`list_available_tokenizers`]), or an open
    /// model's ([`list_open_vocabs`]) for token IDs only (text needs its file:
    /// [`Codec::from_spec`]).
    #[uniffi::constructor]
    pub fn new(tokenizer: String) -> Res<Arc<Codec>> {
        call(|| Ok(Codec::wrap(tacc::Codec::new(&tokenizer)?)))
    }

    /// A codec from names and files (tokenizer, tokenizer file, pattern, mapping, priors, priors
    /// directory, limits): see [`CodecSpec`]. Every file is read and checked now.
    #[uniffi::constructor]
    pub fn from_spec(spec: CodecSpec) -> Res<Arc<Codec>> {
        build(spec)
    }

    /// A built-in tokenizer with a custom tacc mapping file (tacc's `mapping_path`).
    #[uniffi::constructor]
    pub fn with_mapping_file(tokenizer: String, mapping_path: String) -> Res<Arc<Codec>> {
        build(CodecSpec {
            tokenizer: Some(tokenizer),
            mapping: Some(FileSource::Path { path: mapping_path }),
            ..CodecSpec::empty()
        })
    }

    /// The same codec with other decode limits: every decode call on it, and every stream decoder
    /// it makes, honours them. Cheap (the tables are shared).
    pub fn with_limits(&self, limits: Limits) -> Arc<Codec> {
        Codec::wrap(self.inner.clone().with_limits(limits.into()))
    }

    /// This codec's decode limits (the defaults unless set with [`Codec::with_limits`]).
    pub fn limits(&self) -> Limits {
        self.inner.limits().into()
    }

    /// The tokenizer's name ("cl100k_base", "llama3", or the custom rank file's).
    pub fn tokenizer_name(&self) -> String {
        self.inner.tokenizer_name().to_string()
    }

    /// The named vocabulary ("cl100k_base", "llama3", ...); null for a custom tokenizer.
    pub fn vocab(&self) -> Option<String> {
        self.inner.vocab().map(|v| v.name().to_string())
    }

    /// One more than the largest token ID.
    pub fn vocab_size(&self) -> u32 {
        self.inner.vocab_size()
    }

    /// Token IDs to tacc's mapped IDs (the mapping's frequency ranks).
    pub fn token_id_to_mapped_id(&self, ids: Vec<u32>) -> Res<Vec<i32>> {
        call(|| Ok(self.inner.token_id_to_mapped_id(&ids)?))
    }

    /// [`Codec::token_id_to_mapped_id`] over packed buffers.
    pub fn token_id_to_mapped_id_packed(&self, ids: Vec<u8>) -> Res<Vec<u8>> {
        call(|| {
            Ok(pack_i32(
                &self.inner.token_id_to_mapped_id(&unpack_u32(&ids)?)?,
            ))
        })
    }

    /// tacc's mapped IDs to token IDs.
    pub fn mapped_id_to_token_id(&self, mapped: Vec<i32>) -> Res<Vec<u32>> {
        call(|| Ok(self.inner.mapped_id_to_token_id(&mapped)?))
    }

    /// [`Codec::mapped_id_to_token_id`] over packed buffers.
    pub fn mapped_id_to_token_id_packed(&self, mapped: Vec<u8>) -> Res<Vec<u8>> {
        call(|| {
            Ok(pack_u32(
                &self.inner.mapped_id_to_token_id(&unpack_i32(&mapped)?)?,
            ))
        })
    }
}

/// What writes (the `encode` feature): tokenizing, frames, the peers' payloads, stats, streams.
#[cfg(feature = "encode")]
#[uniffi::export]
impl Codec {
    /// A custom tokenizer from a `.tiktoken` rank file split by `pattern`, a preset ("cl100k",
    /// "llama3", "qwen2", "gpt2", "o200k") or a regex ([`Codec::from_spec`] with `tokenizer_file`
    /// and `pattern`; leave the pattern out there to have an open model's file recognized). Its
    /// tacc calls need [`Codec::with_mapping_file`]'s mapping, so use frames with the
    /// lopace/stored methods, or add a mapping.
    #[uniffi::constructor]
    pub fn from_tiktoken_file(path: String, pattern: String) -> Res<Arc<Codec>> {
        build(CodecSpec {
            tokenizer_file: Some(FileSource::Path { path }),
            pattern: Some(pattern),
            ..CodecSpec::empty()
        })
    }

    /// Text to token IDs (special-token strings are ordinary text).
    pub fn tokenize(&self, text: String) -> Res<Vec<u32>> {
        call(|| Ok(self.inner.tokenize(&text)?))
    }

    /// [`Codec::tokenize`] into a packed buffer.
    pub fn tokenize_packed(&self, text: String) -> Res<Vec<u8>> {
        call(|| Ok(pack_u32(&self.inner.tokenize(&text)?)))
    }

    /// A frame of `text` with `options`.
    pub fn compress_text(&self, text: String, options: Options) -> Res<Vec<u8>> {
        call(|| Ok(self.inner.compress_text(&text, &options.into())?))
    }

    /// A frame of token IDs with `options`.
    pub fn compress_token_ids(&self, ids: Vec<u32>, options: Options) -> Res<Vec<u8>> {
        call(|| Ok(self.inner.compress_token_ids(&ids, &options.into())?))
    }

    /// [`Codec::compress_token_ids`] from a packed buffer.
    pub fn compress_token_ids_packed(&self, ids: Vec<u8>, options: Options) -> Res<Vec<u8>> {
        call(|| {
            Ok(self
                .inner
                .compress_token_ids(&unpack_u32(&ids)?, &options.into())?)
        })
    }

    /// A frame of bytes: as text when they are UTF-8, else with a byte-level method.
    pub fn compress_bytes(&self, bytes: Vec<u8>, options: Options) -> Res<Vec<u8>> {
        call(|| Ok(self.inner.compress_bytes(&bytes, &options.into())?))
    }

    /// tacc 0.1.0's payload of token IDs (mapped, Thrift, optionally gzip'd), byte-identical to
    /// tacc's `encode_token_ids`.
    pub fn compress_tacc_payload(&self, ids: Vec<u32>, gzip: bool) -> Res<Vec<u8>> {
        call(|| Ok(self.inner.compress_tacc_payload(&ids, gzip)?))
    }

    /// [`Codec::compress_tacc_payload`] from a packed buffer.
    pub fn compress_tacc_payload_packed(&self, ids: Vec<u8>, gzip: bool) -> Res<Vec<u8>> {
        call(|| Ok(self.inner.compress_tacc_payload(&unpack_u32(&ids)?, gzip)?))
    }

    /// tacc 0.1.0's payload of mapped IDs (tacc's `encode_mapped_ids`).
    pub fn compress_tacc_payload_mapped(&self, mapped: Vec<i32>, gzip: bool) -> Res<Vec<u8>> {
        call(|| Ok(self.inner.compress_tacc_payload_mapped(&mapped, gzip)?))
    }

    /// [`Codec::compress_tacc_payload_mapped`] from a packed buffer.
    pub fn compress_tacc_payload_mapped_packed(&self, mapped: Vec<u8>, gzip: bool) -> Res<Vec<u8>> {
        call(|| {
            Ok(self
                .inner
                .compress_tacc_payload_mapped(&unpack_i32(&mapped)?, gzip)?)
        })
    }

    /// tacc 0.1.0's payload of token IDs written without the mapping (tacc's
    /// `encode_raw_token_ids`).
    pub fn compress_tacc_payload_unmapped(&self, ids: Vec<u32>, gzip: bool) -> Res<Vec<u8>> {
        call(|| Ok(self.inner.compress_tacc_payload_unmapped(&ids, gzip)?))
    }

    /// [`Codec::compress_tacc_payload_unmapped`] from a packed buffer.
    pub fn compress_tacc_payload_unmapped_packed(&self, ids: Vec<u8>, gzip: bool) -> Res<Vec<u8>> {
        call(|| {
            Ok(self
                .inner
                .compress_tacc_payload_unmapped(&unpack_u32(&ids)?, gzip)?)
        })
    }

    /// tacc 0.1.0's payload of string tokens, each exactly one token of the vocabulary (tacc's
    /// `encode_tokens`).
    pub fn compress_tacc_payload_tokens(&self, tokens: Vec<String>, gzip: bool) -> Res<Vec<u8>> {
        call(|| Ok(self.inner.compress_tacc_payload_tokens(&tokens, gzip)?))
    }

    /// LoPace 0.1.5's payload for `text` at zstd `level` (1-22; LoPace's default is 15).
    pub fn compress_lopace_payload(
        &self,
        text: String,
        method: LopaceMethod,
        level: i32,
    ) -> Res<Vec<u8>> {
        call(|| {
            Ok(self
                .inner
                .compress_lopace_payload(&text, method.into(), level)?)
        })
    }

    /// LoPace's `get_compression_stats`: one method, or all three when `method` is null.
    pub fn lopace_stats(
        &self,
        text: String,
        method: Option<LopaceMethod>,
        zstd_level: i32,
    ) -> Res<Stats> {
        call(|| {
            Ok(self
                .inner
                .lopace_stats(&text, method.map(Into::into), zstd_level)?
                .into())
        })
    }

    /// Order-0 Shannon entropy figures of `text` (LoPace's `get_theoretical_compression_limit`).
    pub fn order0_estimate(&self, text: String, unit: EntropyUnit) -> Res<Order0Estimate> {
        call(|| Ok(core_stats::order0_estimate(&self.inner, &text, unit.into())?.into()))
    }

    /// Every frame method on `text`, each timed (median of several runs) and checked to restore it.
    pub fn stats(&self, text: String, options: Options) -> Res<Stats> {
        call(|| Ok(self.inner.stats(&text, &options.into())?.into()))
    }

    /// A stream encoder over this codec's tokenizer and model priors.
    pub fn stream_encoder(&self) -> Res<Arc<StreamEncoder>> {
        call(|| Ok(StreamEncoder::wrap(self.inner.stream_encoder()?)))
    }

    /// A stream encoder whose every chunk carries a 16-bit check (`chunk_check`), so a corrupt
    /// chunk is refused at that chunk: for transports without integrity (2 bytes a chunk).
    pub fn stream_encoder_with_chunk_check(&self) -> Res<Arc<StreamEncoder>> {
        call(|| {
            let opts = tacc::StreamOptions { chunk_check: true };
            Ok(StreamEncoder::wrap(self.inner.stream_encoder_with(opts)?))
        })
    }
}

/// What reads (the `decode` feature): detokenizing, frames, the peers' payloads, streams.
#[cfg(feature = "decode")]
#[uniffi::export]
impl Codec {
    /// Token IDs to text; fails on an unknown ID or bytes that are not UTF-8.
    pub fn detokenize(&self, ids: Vec<u32>) -> Res<String> {
        call(|| Ok(self.inner.detokenize(&ids)?))
    }

    /// [`Codec::detokenize`] from a packed buffer.
    pub fn detokenize_packed(&self, ids: Vec<u8>) -> Res<String> {
        call(|| Ok(self.inner.detokenize(&unpack_u32(&ids)?)?))
    }

    /// Decodes any frame (text, token IDs or bytes).
    pub fn decompress(&self, frame: Vec<u8>) -> Res<Content> {
        call(|| Content::of(self.inner.decompress(&frame)?))
    }

    /// Decodes a frame of text.
    pub fn decompress_text(&self, frame: Vec<u8>) -> Res<String> {
        call(|| Ok(self.inner.decompress_text(&frame)?))
    }

    /// Decodes a frame of token IDs.
    pub fn decompress_token_ids(&self, frame: Vec<u8>) -> Res<Vec<u32>> {
        call(|| Ok(self.inner.decompress_token_ids(&frame)?))
    }

    /// [`Codec::decompress_token_ids`] into a packed buffer.
    pub fn decompress_token_ids_packed(&self, frame: Vec<u8>) -> Res<Vec<u8>> {
        call(|| Ok(pack_u32(&self.inner.decompress_token_ids(&frame)?)))
    }

    /// Token IDs from tacc 0.1.0's payload (tacc's `decode_token_ids`).
    pub fn decompress_tacc_payload(&self, payload: Vec<u8>, gzip: bool) -> Res<Vec<u32>> {
        call(|| Ok(self.inner.decompress_tacc_payload(&payload, gzip)?))
    }

    /// [`Codec::decompress_tacc_payload`] into a packed buffer.
    pub fn decompress_tacc_payload_packed(&self, payload: Vec<u8>, gzip: bool) -> Res<Vec<u8>> {
        call(|| {
            Ok(pack_u32(
                &self.inner.decompress_tacc_payload(&payload, gzip)?,
            ))
        })
    }

    /// Mapped IDs from tacc 0.1.0's payload (tacc's `decode_mapped_ids`).
    pub fn decompress_tacc_payload_mapped(&self, payload: Vec<u8>, gzip: bool) -> Res<Vec<i32>> {
        call(|| Ok(self.inner.decompress_tacc_payload_mapped(&payload, gzip)?))
    }

    /// [`Codec::decompress_tacc_payload_mapped`] into a packed buffer.
    pub fn decompress_tacc_payload_mapped_packed(
        &self,
        payload: Vec<u8>,
        gzip: bool,
    ) -> Res<Vec<u8>> {
        call(|| {
            Ok(pack_i32(
                &self.inner.decompress_tacc_payload_mapped(&payload, gzip)?,
            ))
        })
    }

    /// Token IDs from tacc 0.1.0's payload written without the mapping (tacc's
    /// `decode_raw_token_ids`).
    pub fn decompress_tacc_payload_unmapped(&self, payload: Vec<u8>, gzip: bool) -> Res<Vec<u32>> {
        call(|| {
            Ok(self
                .inner
                .decompress_tacc_payload_unmapped(&payload, gzip)?)
        })
    }

    /// [`Codec::decompress_tacc_payload_unmapped`] into a packed buffer.
    pub fn decompress_tacc_payload_unmapped_packed(
        &self,
        payload: Vec<u8>,
        gzip: bool,
    ) -> Res<Vec<u8>> {
        call(|| {
            Ok(pack_u32(
                &self
                    .inner
                    .decompress_tacc_payload_unmapped(&payload, gzip)?,
            ))
        })
    }

    /// Each token's string from tacc 0.1.0's payload (U+FFFD where a token is part of a UTF-8
    /// character, as in tacc's `decode_tokens`).
    pub fn decompress_tacc_payload_tokens(&self, payload: Vec<u8>, gzip: bool) -> Res<Vec<String>> {
        call(|| Ok(self.inner.decompress_tacc_payload_tokens(&payload, gzip)?))
    }

    /// The text of LoPace 0.1.5's payload made with `method`.
    pub fn decompress_lopace_payload(&self, payload: Vec<u8>, method: LopaceMethod) -> Res<String> {
        call(|| {
            Ok(self
                .inner
                .decompress_lopace_payload(&payload, method.into())?)
        })
    }

    /// A stream decoder that also knows this codec's custom tokenizer or priors, within this
    /// codec's limits.
    pub fn stream_decoder(&self) -> Arc<StreamDecoder> {
        StreamDecoder::wrap(self.inner.stream_decoder())
    }
}

// ---- Streams -------------------------------------------------------------------------------

/// Locks a stream object's state. A poisoned lock means a panic in an earlier call on this
/// object: a bug, so `Internal`.
fn lock<T>(m: &Mutex<T>) -> Res<MutexGuard<'_, T>> {
    m.lock().map_err(|_| {
        TaccError::Internal("internal error in tacc (please report it): the stream object failed in an earlier call".into())
    })
}

/// What one stream chunk made available (see `tacc::StreamUpdate`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StreamUpdate {
    /// The chunk's token IDs.
    pub token_ids: Vec<u32>,
    /// Newly complete text, always valid UTF-8 (a split character waits for its last token).
    pub text: String,
    /// The chunk ended the stream and the stream's checksum matched.
    pub finished: bool,
}

impl From<tacc::StreamUpdate> for StreamUpdate {
    fn from(u: tacc::StreamUpdate) -> Self {
        StreamUpdate {
            token_ids: u.token_ids,
            text: u.text,
            finished: u.finished,
        }
    }
}

#[cfg(feature = "encode")]
/// Encodes one stream (token IDs or text in, chunks out). Calls are serialized by a lock; use
/// one encoder per stream. After `finish` every call is an `InvalidArgument` error.
#[derive(Debug, uniffi::Object)]
pub struct StreamEncoder {
    inner: Mutex<Option<tacc::StreamEncoder>>,
}

#[cfg(feature = "encode")]
impl StreamEncoder {
    fn wrap(inner: tacc::StreamEncoder) -> Arc<StreamEncoder> {
        Arc::new(StreamEncoder {
            inner: Mutex::new(Some(inner)),
        })
    }

    /// Runs `f` on the encoder at the boundary ([`call`]); an error once finished.
    fn with<T>(&self, f: impl FnOnce(&mut tacc::StreamEncoder) -> tacc::Result<T>) -> Res<T> {
        call(|| {
            let mut guard = lock(&self.inner)?;
            let enc = guard.as_mut().ok_or_else(finished_error)?;
            Ok(f(enc)?)
        })
    }
}

#[cfg(feature = "encode")]
fn finished_error() -> TaccError {
    tacc::Error::InvalidArgument("the stream encoder has already finished".into()).into()
}

#[uniffi::export]
#[cfg(feature = "encode")]
impl StreamEncoder {
    /// Same as [`Codec::stream_encoder`].
    #[uniffi::constructor]
    pub fn new(codec: Arc<Codec>) -> Res<Arc<StreamEncoder>> {
        codec.stream_encoder()
    }

    /// Adds token IDs to the current chunk (nothing is added when an ID is unknown).
    pub fn push_token_ids(&self, ids: Vec<u32>) -> Res<()> {
        self.with(|e| e.push_token_ids(&ids))
    }

    /// [`StreamEncoder::push_token_ids`] from a packed buffer.
    pub fn push_token_ids_packed(&self, ids: Vec<u8>) -> Res<()> {
        let ids = unpack_u32(&ids)?;
        self.with(|e| e.push_token_ids(&ids))
    }

    /// Tokenizes `text` and adds its tokens.
    pub fn push_text(&self, text: String) -> Res<()> {
        self.with(|e| e.push_text(&text))
    }

    /// Ends the current chunk and returns it (send it even when empty).
    pub fn flush(&self) -> Res<Vec<u8>> {
        self.with(|e| e.flush())
    }

    /// Ends the stream: the last chunk. A second call is an error.
    pub fn finish(&self) -> Res<Vec<u8>> {
        call(|| {
            let enc = lock(&self.inner)?.take().ok_or_else(finished_error)?;
            Ok(enc.finish()?)
        })
    }

    /// Token IDs pushed since the last flush (0 after finish).
    pub fn pending_tokens(&self) -> u64 {
        lock(&self.inner)
            .ok()
            .and_then(|g| g.as_ref().map(|e| e.pending_tokens() as u64))
            .unwrap_or(0)
    }
}

#[cfg(feature = "decode")]
/// Decodes one stream, chunk by chunk, in order. Calls are serialized by a lock. After an error
/// every later push fails too.
#[derive(Debug, uniffi::Object)]
pub struct StreamDecoder {
    inner: Mutex<tacc::StreamDecoder>,
}

#[cfg(feature = "decode")]
impl StreamDecoder {
    fn wrap(inner: tacc::StreamDecoder) -> Arc<StreamDecoder> {
        Arc::new(StreamDecoder {
            inner: Mutex::new(inner),
        })
    }
}

#[cfg(feature = "decode")]
#[uniffi::export]
impl StreamDecoder {
    /// A decoder for streams made with a built-in tokenizer (see also [`Codec::stream_decoder`]).
    #[uniffi::constructor]
    pub fn new() -> Arc<StreamDecoder> {
        StreamDecoder::wrap(tacc::StreamDecoder::new())
    }

    /// A decoder for streams made with a built-in tokenizer, within `limits` (per pushed chunk for
    /// the output, per stream for the tokens): a `TooLarge` error past them.
    #[uniffi::constructor]
    pub fn with_limits(limits: Limits) -> Arc<StreamDecoder> {
        StreamDecoder::wrap(tacc::StreamDecoder::new().with_limits(limits.into()))
    }

    /// Decodes the next chunk.
    pub fn push(&self, chunk: Vec<u8>) -> Res<StreamUpdate> {
        call(|| Ok(lock(&self.inner)?.push_chunk(&chunk)?.into()))
    }

    /// Whether the end marker arrived and the stream's checksum matched.
    pub fn is_finished(&self) -> bool {
        lock(&self.inner).is_ok_and(|d| d.is_finished())
    }

    /// Whether an earlier error put the decoder in its failed state.
    pub fn is_failed(&self) -> bool {
        lock(&self.inner).map_or(true, |d| d.is_failed())
    }

    /// Tokens decoded so far.
    pub fn token_count(&self) -> u64 {
        lock(&self.inner).map_or(0, |d| d.token_count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_the_variant_of_its_name() {
        for kind in ErrorKind::ALL {
            let e = TaccError::of_kind(kind, "m".into());
            assert_eq!(format!("{e:?}"), format!("{}(\"m\")", kind.name()));
            assert_eq!(e.kind(), kind);
        }
    }

    #[test]
    fn every_method_converts_both_ways() {
        for m in tacc::Method::ALL {
            let b = Method::from(m);
            assert_eq!(format!("{b:?}"), format!("{m:?}"));
            assert_eq!(tacc::Method::from(b), m);
        }
    }

    #[test]
    fn errors_keep_the_library_message_and_map_by_kind() {
        let e: TaccError = tacc::Error::UnknownMappedId(7).into();
        assert_eq!(
            e,
            TaccError::UnknownId("mapped ID 7 is not in the mapping table".into())
        );
        assert!(matches!(
            Codec::new("nope".into()),
            Err(TaccError::UnknownTokenizer(_))
        ));
    }

    /// `from_spec` is `tacc::CodecSpec::build`: its rules and error kinds, through the record.
    #[test]
    fn codec_from_spec() {
        let root = env!("CARGO_MANIFEST_DIR").to_string() + "/../..";
        let priors = |name: &str| FileSource::Path {
            path: format!("{root}/models/{name}.tpf.zst"),
        };
        let c = Codec::from_spec(CodecSpec {
            priors: Some(priors("qwen")),
            limits: Some(Limits {
                max_output_bytes: 1000,
                max_tokens: 0,
            }),
            ..CodecSpec::empty()
        })
        .unwrap();
        assert_eq!(c.vocab().as_deref(), Some("qwen"));
        assert_eq!(c.limits().max_output_bytes, 1000);
        assert_eq!(
            Codec::from_spec(CodecSpec::empty()).unwrap().vocab(),
            Some("cl100k_base".into())
        );
        assert!(matches!(
            Codec::from_spec(CodecSpec {
                priors: Some(FileSource::Bytes {
                    bytes: b"nope".to_vec()
                }),
                ..CodecSpec::empty()
            }),
            Err(TaccError::Corrupt(_))
        ));
        assert!(matches!(
            Codec::from_spec(CodecSpec {
                pattern: Some("cl100k".into()),
                ..CodecSpec::empty()
            }),
            Err(TaccError::InvalidArgument(_))
        ));
        // A priors_dir without the file is no error (adaptive only).
        assert!(Codec::from_spec(CodecSpec {
            tokenizer: Some("llama3".into()),
            priors_dir: Some(format!("{root}/no-such-dir")),
            ..CodecSpec::empty()
        })
        .is_ok());
        assert_eq!(list_open_vocabs().len(), tacc::OPEN_VOCAB_NAMES.len());
    }

    #[test]
    fn a_panic_at_the_boundary_is_internal() {
        let r: Res<()> = call(|| panic!("boom"));
        assert_eq!(
            r,
            Err(TaccError::Internal(
                "internal error in tacc (please report it): boom".into()
            ))
        );
        // A stream object whose lock a panic poisoned refuses every later call as Internal.
        let dec = StreamDecoder::new();
        let _ = call(|| -> Res<()> {
            let _guard = dec.inner.lock();
            panic!("inside")
        });
        assert!(matches!(dec.push(vec![1]), Err(TaccError::Internal(_))));
        assert!(dec.is_failed());
    }

    /// uniffi's field defaults must be literals: they must be the core's defaults.
    #[test]
    fn record_defaults_are_the_core_defaults() {
        let src = include_str!("lib.rs");
        let record = &src[src.find("pub struct Options {").unwrap()..];
        let record = &record[..record.find('}').unwrap()];
        let literal = |field: &str| -> String {
            let before = &record[..record.find(&format!("pub {field}:")).unwrap()];
            let attr = before.rfind("#[uniffi(default = ").unwrap();
            let value = &before[attr + "#[uniffi(default = ".len()..];
            value[..value.find(")]").unwrap()].to_string()
        };
        let d = tacc::Options::default();
        assert_eq!(literal("zstd_level"), d.zstd_level.to_string());
        assert_eq!(literal("gzip_level"), d.gzip_level.to_string());
        assert_eq!(literal("checksum"), d.checksum.to_string());
    }

    #[test]
    fn packed_buffers_must_be_whole_ids() {
        let e = unpack_u32(&[1, 2, 3]).unwrap_err();
        assert_eq!(
            e,
            TaccError::InvalidArgument(
                "invalid argument: packed token IDs must be a multiple of 4 bytes (u32 little-endian), got 3".into()
            )
        );
        assert_eq!(unpack_i32(&pack_i32(&[-1, 7])).unwrap(), vec![-1, 7]);
        assert_eq!(
            unpack_u32(&pack_u32(&[1, 70_000])).unwrap(),
            vec![1, 70_000]
        );
    }
}
