//! The API exported to Kotlin, Swift and Python through uniffi (proc-macros), a thin layer over the Rust API.
//! cbindgen:ignore
//!
//! Rules of this module:
//! - no codec logic: every call forwards to [`crate::Codec`], [`crate::stats`] or [`crate::decompress`];
//!   the only code here converts types (binding enums/records <-> crate types, packed ID buffers);
//! - errors cross the boundary as [`TaccError`], made for the bindings and mapped from
//!   [`crate::Error`] in exactly one place (`impl From<crate::Error> for TaccError`); a panic
//!   becomes uniffi's own "unexpected error" exception, never an abort;
//! - the binding types are separate from the crate's, so the crate can change without breaking
//!   the foreign API, and new methods (a context model, a streaming encoder/decoder) are added as
//!   new enum variants / new objects without touching existing signatures.
//!
//! Token IDs: uniffi passes `Vec<u32>` as `List<UInt>` in Kotlin (one boxed object per ID), a
//! `[UInt32]` in Swift and a Python list packed element by element in Python code. That is fine
//! for short lists but costs far more than the codec itself on long ones, so every call that takes
//! or returns token IDs (or tacc's mapped IDs) also has a `*_packed` twin that uses one byte buffer
//! of little-endian 32-bit integers (`u32` for token IDs, `i32` for mapped IDs): `ByteArray` in
//! Kotlin, `Data` in Swift, `bytes` in Python, each crossing the boundary as a single copy.

use std::sync::{Arc, Mutex, MutexGuard};

#[cfg(feature = "encode")]
use crate::stats as core_stats;

/// Every failure of the bindings' calls. The message is the library's own; the variant says
/// what kind of failure it is, so callers can branch without parsing text.
/// Kotlin: `TaccException.Corrupt` etc.; Swift: `TaccError.Corrupt`; Python: `TaccError.Corrupt`.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
pub enum TaccError {
    /// The tokenizer name is not a built-in one.
    #[error("{0}")]
    UnknownTokenizer(String),
    /// A token ID that the tokenizer or the tacc mapping does not know.
    #[error("{0}")]
    UnknownTokenId(String),
    /// A mapped ID that the tacc mapping does not contain.
    #[error("{0}")]
    UnknownMappedId(String),
    /// A string that is not exactly one token of the vocabulary (tacc's `encode_tokens`).
    #[error("{0}")]
    UnknownToken(String),
    /// Input that cannot be what the named format produces (corrupt or truncated payload/frame).
    #[error("{0}")]
    Corrupt(String),
    /// The decoded content does not match the frame's checksum.
    #[error("{0}")]
    ChecksumMismatch(String),
    /// Input or output beyond a documented size limit.
    #[error("{0}")]
    TooLarge(String),
    /// Decoded bytes are not valid UTF-8 where text was expected.
    #[error("{0}")]
    InvalidUtf8(String),
    /// An argument out of range (level, method for this content, packed buffer length...).
    #[error("{0}")]
    InvalidArgument(String),
    /// A frame made with a tokenizer or mapping other than the one supplied.
    #[error("{0}")]
    Mismatch(String),
    /// A file could not be read.
    #[error("{0}")]
    Io(String),
    /// A bug in tacc (a caught panic): please report it.
    #[error("{0}")]
    Internal(String),
}

/// The one place where crate errors become binding errors.
impl From<crate::Error> for TaccError {
    fn from(e: crate::Error) -> Self {
        use crate::Error as E;
        let msg = e.to_string();
        match e {
            E::UnknownTokenizer(_) => TaccError::UnknownTokenizer(msg),
            E::UnknownTokenId { .. } => TaccError::UnknownTokenId(msg),
            E::UnknownMappedId(_) => TaccError::UnknownMappedId(msg),
            E::UnknownToken(_) => TaccError::UnknownToken(msg),
            E::Corrupt { .. } => TaccError::Corrupt(msg),
            E::ChecksumMismatch { .. } => TaccError::ChecksumMismatch(msg),
            E::TooLarge { .. } => TaccError::TooLarge(msg),
            E::InvalidUtf8(_) => TaccError::InvalidUtf8(msg),
            E::InvalidArgument(_) => TaccError::InvalidArgument(msg),
            E::Mismatch(_) => TaccError::Mismatch(msg),
            E::Io(_) => TaccError::Io(msg),
            _ => TaccError::Internal(msg),
        }
    }
}

type Res<T> = std::result::Result<T, TaccError>;

// ---- Enums and records ---------------------------------------------------------------------

/// How a frame's payload is made (the frame's method byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Method {
    /// The content as is.
    Stored,
    /// zstd over the text bytes (LoPace's ZSTD payload).
    Zstd,
    /// gzip over the text bytes.
    Gzip,
    /// LoPace's TOKEN payload.
    LopaceToken,
    /// LoPace's HYBRID payload.
    LopaceHybrid,
    /// tacc's Thrift payload of mapped IDs.
    Tacc,
    /// tacc's Thrift payload, gzip'd.
    TaccGzip,
    /// The context-model entropy coder (the library's default).
    Model,
    /// The first context-model coder (reads v1 frames; for comparisons).
    ModelV1,
}

impl From<Method> for crate::Method {
    fn from(m: Method) -> Self {
        match m {
            Method::Stored => crate::Method::Stored,
            Method::Zstd => crate::Method::Zstd,
            Method::Gzip => crate::Method::Gzip,
            Method::LopaceToken => crate::Method::LopaceToken,
            Method::LopaceHybrid => crate::Method::LopaceHybrid,
            Method::Tacc => crate::Method::Tacc,
            Method::TaccGzip => crate::Method::TaccGzip,
            Method::Model => crate::Method::Model,
            Method::ModelV1 => crate::Method::ModelV1,
        }
    }
}

impl From<crate::Method> for Method {
    fn from(m: crate::Method) -> Self {
        match m {
            crate::Method::Stored => Method::Stored,
            crate::Method::Zstd => Method::Zstd,
            crate::Method::Gzip => Method::Gzip,
            crate::Method::LopaceToken => Method::LopaceToken,
            crate::Method::LopaceHybrid => Method::LopaceHybrid,
            crate::Method::Tacc => Method::Tacc,
            crate::Method::TaccGzip => Method::TaccGzip,
            crate::Method::Model => Method::Model,
            crate::Method::ModelV1 => Method::ModelV1,
        }
    }
}

/// LoPace's three methods (its `CompressionMethod`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LopaceMethod {
    Zstd,
    Token,
    Hybrid,
}

impl From<LopaceMethod> for crate::LopaceMethod {
    fn from(m: LopaceMethod) -> Self {
        match m {
            LopaceMethod::Zstd => crate::LopaceMethod::Zstd,
            LopaceMethod::Token => crate::LopaceMethod::Token,
            LopaceMethod::Hybrid => crate::LopaceMethod::Hybrid,
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

/// Options of the framed calls. `method = null/nil/None` tries every method that fits the content
/// and keeps the smallest; [`default_options`] gives the library's defaults (model).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Options {
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

impl From<Options> for crate::Options {
    fn from(o: Options) -> Self {
        crate::Options::default()
            .with_method(o.method.map(Into::into))
            .with_zstd_level(o.zstd_level)
            .with_gzip_level(o.gzip_level)
            .with_checksum(o.checksum)
    }
}

impl From<crate::Options> for Options {
    fn from(o: crate::Options) -> Self {
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

impl From<Limits> for crate::Limits {
    fn from(l: Limits) -> Self {
        let size = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
        crate::Limits::new(size(l.max_output_bytes), size(l.max_tokens))
    }
}

impl From<crate::Limits> for Limits {
    fn from(l: crate::Limits) -> Self {
        Limits {
            max_output_bytes: l.max_output_bytes as u64,
            max_tokens: l.max_tokens as u64,
        }
    }
}

/// The content of a decoded frame.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Content {
    Text { text: String },
    TokenIds { ids: Vec<u32> },
    Bytes { bytes: Vec<u8> },
}

impl From<crate::Content> for Content {
    fn from(c: crate::Content) -> Self {
        match c {
            crate::Content::Text(text) => Content::Text { text },
            crate::Content::TokenIds(ids) => Content::TokenIds { ids },
            crate::Content::Bytes(bytes) => Content::Bytes { bytes },
        }
    }
}

/// One method's result on one input (see `crate::stats::MethodStats`).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct MethodStats {
    pub name: String,
    pub compressed_bytes: u64,
    /// original / compressed (higher is better); 0 for empty input.
    pub ratio: f64,
    /// compressed / original (LoPace's `compression_ratio`).
    pub size_fraction: f64,
    pub space_saved_percent: f64,
    pub bytes_saved: i64,
    /// Seconds for one compress / one decompress call (0 when not timed).
    pub encode_seconds: f64,
    pub decode_seconds: f64,
}

/// Sizes of several methods on one text.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Stats {
    pub original_bytes: u64,
    pub original_tokens: u64,
    pub characters: u64,
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
    pub entropy_bits_per_unit: f64,
    pub units: u64,
    pub min_bits: f64,
    pub min_bytes: f64,
    pub original_bytes: u64,
    pub size_fraction: f64,
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

fn unpack_u32(buf: &[u8]) -> Res<Vec<u32>> {
    if buf.len() % 4 != 0 {
        return Err(TaccError::InvalidArgument(format!(
            "invalid argument: packed token IDs must be a multiple of 4 bytes (u32 little-endian), got {}",
            buf.len()
        )));
    }
    Ok(buf
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect())
}

fn unpack_i32(buf: &[u8]) -> Res<Vec<i32>> {
    if buf.len() % 4 != 0 {
        return Err(TaccError::InvalidArgument(format!(
            "invalid argument: packed mapped IDs must be a multiple of 4 bytes (i32 little-endian), got {}",
            buf.len()
        )));
    }
    Ok(buf
        .chunks_exact(4)
        .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect())
}

fn pack_u32(ids: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(ids.len() * 4);
    ids.iter()
        .for_each(|id| out.extend_from_slice(&id.to_le_bytes()));
    out
}

fn pack_i32(ids: &[i32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(ids.len() * 4);
    ids.iter()
        .for_each(|id| out.extend_from_slice(&id.to_le_bytes()));
    out
}

// ---- Free functions ------------------------------------------------------------------------

/// The built-in tokenizer names, in tacc 0.1.0's order.
#[uniffi::export]
pub fn list_available_tokenizers() -> Vec<String> {
    crate::BUILTIN_NAMES.iter().map(|s| s.to_string()).collect()
}

/// The library version (Cargo.toml).
#[uniffi::export]
pub fn version() -> String {
    crate::VERSION.to_string()
}

/// The library's default options: method model, zstd level 15, gzip level 9, checksum on.
#[uniffi::export]
pub fn default_options() -> Options {
    crate::Options::default().into()
}

/// The method's name as the CLI and frame docs spell it ("tacc-gzip", "lopace-hybrid"...).
#[uniffi::export]
pub fn method_name(method: Method) -> String {
    crate::Method::from(method).name().to_string()
}

/// The method with that name; "auto" is not a method (use `Options.method = null`).
#[uniffi::export]
pub fn method_from_name(name: String) -> Res<Method> {
    Ok(crate::Method::from_name(&name)?.into())
}

/// The default decode limits (64 MiB of output, 16 Mi tokens), with the values filled in.
#[uniffi::export]
pub fn default_limits() -> Limits {
    crate::Limits::DEFAULT.into()
}

#[cfg(feature = "decode")]
/// Decodes any frame made with a built-in tokenizer, without a codec, within the default limits.
#[uniffi::export]
pub fn decompress(frame: Vec<u8>) -> Res<Content> {
    Ok(crate::decompress(&frame)?.into())
}

#[cfg(feature = "decode")]
/// [`decompress`] within the caller's limits.
#[uniffi::export]
pub fn decompress_with_limits(frame: Vec<u8>, limits: Limits) -> Res<Content> {
    Ok(crate::decompress_with_limits(&frame, &limits.into())?.into())
}

// ---- Codec ---------------------------------------------------------------------------------

/// A tokenizer plus its tacc mapping. Immutable after creation: share one codec freely between
/// threads (all methods take `&self`). Creating one for a built-in tokenizer is cheap after the
/// first time in a process (vocabularies are loaded once).
#[derive(Debug, uniffi::Object)]
pub struct Codec {
    inner: crate::Codec,
}

#[uniffi::export]
impl Codec {
    /// A codec for a built-in tokenizer (see [`list_available_tokenizers`]).
    #[uniffi::constructor]
    pub fn new(tokenizer: String) -> Res<Arc<Codec>> {
        Ok(Arc::new(Codec {
            inner: crate::Codec::new(&tokenizer)?,
        }))
    }

    /// A built-in tokenizer with a custom tacc mapping file (tacc's `mapping_path`).
    #[uniffi::constructor]
    pub fn with_mapping_file(tokenizer: String, mapping_path: String) -> Res<Arc<Codec>> {
        let mapping = crate::Mapping::from_file(std::path::Path::new(&mapping_path))?;
        Ok(Arc::new(Codec {
            inner: crate::Codec::new(&tokenizer)?.with_mapping(Arc::new(mapping)),
        }))
    }

    /// The same codec with other decode limits: every decode call on it, and every stream decoder
    /// it makes, honours them. Cheap (the tables are shared).
    pub fn with_limits(&self, limits: Limits) -> Arc<Codec> {
        Arc::new(Codec {
            inner: self.inner.clone().with_limits(limits.into()),
        })
    }

    /// This codec's decode limits (the defaults unless set with [`Codec::with_limits`]).
    pub fn limits(&self) -> Limits {
        self.inner.limits().into()
    }

    pub fn tokenizer_name(&self) -> String {
        self.inner.tokenizer_name().to_string()
    }

    /// One more than the largest token ID.
    pub fn vocab_size(&self) -> u32 {
        self.inner.tokenizer().vocab_size()
    }

    pub fn token_id_to_mapped_id(&self, ids: Vec<u32>) -> Res<Vec<i32>> {
        Ok(self.inner.token_id_to_mapped_id(&ids)?)
    }

    pub fn token_id_to_mapped_id_packed(&self, ids: Vec<u8>) -> Res<Vec<u8>> {
        Ok(pack_i32(
            &self.inner.token_id_to_mapped_id(&unpack_u32(&ids)?)?,
        ))
    }

    pub fn mapped_id_to_token_id(&self, mapped: Vec<i32>) -> Res<Vec<u32>> {
        Ok(self.inner.mapped_id_to_token_id(&mapped)?)
    }

    pub fn mapped_id_to_token_id_packed(&self, mapped: Vec<u8>) -> Res<Vec<u8>> {
        Ok(pack_u32(
            &self.inner.mapped_id_to_token_id(&unpack_i32(&mapped)?)?,
        ))
    }
}

/// What writes (the `encode` feature): tokenizing, the peers' encode calls, frames, stats, streams.
#[cfg(feature = "encode")]
#[uniffi::export]
impl Codec {
    /// A custom tokenizer from a `.tiktoken` rank file; `pattern` is a preset ("cl100k", "llama3",
    /// "qwen2", "gpt2", "o200k") or a regex. Its tacc calls need [`Codec::with_mapping_file`]'s
    /// mapping, so use frames with the lopace/stored methods, or add a mapping.
    #[uniffi::constructor]
    pub fn from_tiktoken_file(path: String, pattern: String) -> Res<Arc<Codec>> {
        let tok = crate::Tokenizer::from_tiktoken_file(std::path::Path::new(&path), &pattern)?;
        Ok(Arc::new(Codec {
            inner: crate::Codec::from_tokenizer(Arc::new(tok)),
        }))
    }

    /// Text to token IDs (special-token strings are ordinary text).
    pub fn tokenize(&self, text: String) -> Vec<u32> {
        self.inner.tokenize(&text)
    }

    pub fn tokenize_packed(&self, text: String) -> Vec<u8> {
        pack_u32(&self.inner.tokenize(&text))
    }

    /// tacc payload of token IDs (mapped, Thrift, optionally gzip'd): byte-identical to tacc 0.1.0.
    pub fn encode_token_ids(&self, ids: Vec<u32>, gzip: bool) -> Res<Vec<u8>> {
        Ok(self.inner.compress_tacc_payload(&ids, gzip)?)
    }

    pub fn encode_token_ids_packed(&self, ids: Vec<u8>, gzip: bool) -> Res<Vec<u8>> {
        Ok(self.inner.compress_tacc_payload(&unpack_u32(&ids)?, gzip)?)
    }

    pub fn encode_mapped_ids(&self, mapped: Vec<i32>, gzip: bool) -> Res<Vec<u8>> {
        Ok(self.inner.compress_tacc_payload_mapped(&mapped, gzip)?)
    }

    pub fn encode_mapped_ids_packed(&self, mapped: Vec<u8>, gzip: bool) -> Res<Vec<u8>> {
        Ok(self
            .inner
            .compress_tacc_payload_mapped(&unpack_i32(&mapped)?, gzip)?)
    }

    /// tacc payload of token IDs written without the mapping.
    pub fn encode_raw_token_ids(&self, ids: Vec<u32>, gzip: bool) -> Res<Vec<u8>> {
        Ok(self.inner.compress_tacc_payload_unmapped(&ids, gzip)?)
    }

    pub fn encode_raw_token_ids_packed(&self, ids: Vec<u8>, gzip: bool) -> Res<Vec<u8>> {
        Ok(self
            .inner
            .compress_tacc_payload_unmapped(&unpack_u32(&ids)?, gzip)?)
    }

    /// tacc payload of string tokens (each exactly one token of the vocabulary).
    pub fn encode_tokens(&self, tokens: Vec<String>, gzip: bool) -> Res<Vec<u8>> {
        Ok(self.inner.compress_tacc_payload_tokens(&tokens, gzip)?)
    }

    /// LoPace's payload for `text` at zstd `level` (1-22; LoPace's default is 15).
    pub fn lopace_compress(&self, text: String, method: LopaceMethod, level: i32) -> Res<Vec<u8>> {
        Ok(self
            .inner
            .compress_lopace_payload(&text, method.into(), level)?)
    }

    /// LoPace's `get_compression_stats`: one method, or all three when `method` is null.
    pub fn lopace_stats(
        &self,
        text: String,
        method: Option<LopaceMethod>,
        zstd_level: i32,
    ) -> Res<Stats> {
        Ok(self
            .inner
            .lopace_stats(&text, method.map(Into::into), zstd_level)?
            .into())
    }

    /// Order-0 Shannon entropy figures of `text` (LoPace's `get_theoretical_compression_limit`).
    pub fn order0_estimate(&self, text: String, unit: EntropyUnit) -> Order0Estimate {
        core_stats::order0_estimate(&self.inner, &text, unit.into()).into()
    }

    pub fn compress_text(&self, text: String, options: Options) -> Res<Vec<u8>> {
        Ok(self.inner.compress_text(&text, &options.into())?)
    }

    pub fn compress_token_ids(&self, ids: Vec<u32>, options: Options) -> Res<Vec<u8>> {
        Ok(self.inner.compress_token_ids(&ids, &options.into())?)
    }

    pub fn compress_token_ids_packed(&self, ids: Vec<u8>, options: Options) -> Res<Vec<u8>> {
        Ok(self
            .inner
            .compress_token_ids(&unpack_u32(&ids)?, &options.into())?)
    }

    /// Compresses bytes: as text when they are UTF-8, else with a byte-level method.
    pub fn compress_bytes(&self, bytes: Vec<u8>, options: Options) -> Res<Vec<u8>> {
        Ok(self.inner.compress_bytes(&bytes, &options.into())?)
    }

    /// Every frame method on `text`, timed once each and checked to restore it.
    pub fn stats(&self, text: String, options: Options) -> Res<Stats> {
        Ok(self.inner.stats(&text, &options.into())?.into())
    }

    /// A stream encoder over this codec's tokenizer and model priors.
    pub fn stream_encoder(&self) -> Res<Arc<StreamEncoder>> {
        Ok(Arc::new(StreamEncoder {
            inner: Mutex::new(Some(self.inner.stream_encoder()?)),
        }))
    }

    /// A stream encoder whose every chunk carries a 16-bit check (`chunk_check`), so a corrupt
    /// chunk is refused at that chunk: for transports without integrity (2 bytes a chunk).
    pub fn stream_encoder_with_chunk_check(&self) -> Res<Arc<StreamEncoder>> {
        let opts = crate::stream::StreamOptions { chunk_check: true };
        Ok(Arc::new(StreamEncoder {
            inner: Mutex::new(Some(self.inner.stream_encoder_with(opts)?)),
        }))
    }
}

/// What reads (the `decode` feature): detokenizing, the peers' decode calls, frames, streams.
#[cfg(feature = "decode")]
#[uniffi::export]
impl Codec {
    /// Token IDs to text; fails on an unknown ID or bytes that are not UTF-8.
    pub fn detokenize(&self, ids: Vec<u32>) -> Res<String> {
        Ok(self.inner.detokenize(&ids)?)
    }

    pub fn detokenize_packed(&self, ids: Vec<u8>) -> Res<String> {
        Ok(self.inner.detokenize(&unpack_u32(&ids)?)?)
    }

    pub fn decode_token_ids(&self, payload: Vec<u8>, gzip: bool) -> Res<Vec<u32>> {
        Ok(self.inner.decompress_tacc_payload(&payload, gzip)?)
    }

    pub fn decode_token_ids_packed(&self, payload: Vec<u8>, gzip: bool) -> Res<Vec<u8>> {
        Ok(pack_u32(
            &self.inner.decompress_tacc_payload(&payload, gzip)?,
        ))
    }

    pub fn decode_mapped_ids(&self, payload: Vec<u8>, gzip: bool) -> Res<Vec<i32>> {
        Ok(self.inner.decompress_tacc_payload_mapped(&payload, gzip)?)
    }

    pub fn decode_mapped_ids_packed(&self, payload: Vec<u8>, gzip: bool) -> Res<Vec<u8>> {
        Ok(pack_i32(
            &self.inner.decompress_tacc_payload_mapped(&payload, gzip)?,
        ))
    }

    pub fn decode_raw_token_ids(&self, payload: Vec<u8>, gzip: bool) -> Res<Vec<u32>> {
        Ok(self
            .inner
            .decompress_tacc_payload_unmapped(&payload, gzip)?)
    }

    pub fn decode_raw_token_ids_packed(&self, payload: Vec<u8>, gzip: bool) -> Res<Vec<u8>> {
        Ok(pack_u32(
            &self
                .inner
                .decompress_tacc_payload_unmapped(&payload, gzip)?,
        ))
    }

    /// Each token's string (U+FFFD where a token is part of a UTF-8 character, as in tacc).
    pub fn decode_tokens(&self, payload: Vec<u8>, gzip: bool) -> Res<Vec<String>> {
        Ok(self.inner.decompress_tacc_payload_tokens(&payload, gzip)?)
    }

    pub fn lopace_decompress(&self, payload: Vec<u8>, method: LopaceMethod) -> Res<String> {
        Ok(self
            .inner
            .decompress_lopace_payload(&payload, method.into())?)
    }

    /// Decodes any frame (text, token IDs or bytes).
    pub fn decompress(&self, frame: Vec<u8>) -> Res<Content> {
        Ok(self.inner.decompress(&frame)?.into())
    }

    pub fn decompress_text(&self, frame: Vec<u8>) -> Res<String> {
        Ok(self.inner.decompress_text(&frame)?)
    }

    pub fn decompress_token_ids(&self, frame: Vec<u8>) -> Res<Vec<u32>> {
        Ok(self.inner.decompress_token_ids(&frame)?)
    }

    pub fn decompress_token_ids_packed(&self, frame: Vec<u8>) -> Res<Vec<u8>> {
        Ok(pack_u32(&self.inner.decompress_token_ids(&frame)?))
    }

    /// A stream decoder that also knows this codec's custom tokenizer or priors, within this
    /// codec's limits.
    pub fn stream_decoder(&self) -> Arc<StreamDecoder> {
        Arc::new(StreamDecoder {
            inner: Mutex::new(self.inner.stream_decoder()),
        })
    }
}

// ---- Streams -------------------------------------------------------------------------------

/// Locks a stream object's state; a poisoned lock (a panic in an earlier call) is an error.
fn lock<T>(m: &Mutex<T>) -> Res<MutexGuard<'_, T>> {
    m.lock().map_err(|_| {
        crate::Error::InvalidArgument("the stream object failed earlier (panic)".into()).into()
    })
}

/// What one stream chunk made available (see `crate::StreamUpdate`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StreamUpdate {
    /// The chunk's token IDs.
    pub token_ids: Vec<u32>,
    /// Newly complete text, always valid UTF-8 (a split character waits for its last token).
    pub text: String,
    /// The chunk ended the stream and the stream's checksum matched.
    pub finished: bool,
}

impl From<crate::StreamUpdate> for StreamUpdate {
    fn from(u: crate::StreamUpdate) -> Self {
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
    inner: Mutex<Option<crate::StreamEncoder>>,
}

#[cfg(feature = "encode")]
impl StreamEncoder {
    fn with<T>(&self, f: impl FnOnce(&mut crate::StreamEncoder) -> crate::Result<T>) -> Res<T> {
        let mut guard = lock(&self.inner)?;
        let enc = guard.as_mut().ok_or_else(finished_error)?;
        Ok(f(enc)?)
    }
}

#[cfg(feature = "encode")]
fn finished_error() -> TaccError {
    crate::Error::InvalidArgument("the stream encoder has already finished".into()).into()
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
        let enc = lock(&self.inner)?.take().ok_or_else(finished_error)?;
        Ok(enc.finish()?)
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
    inner: Mutex<crate::StreamDecoder>,
}

#[cfg(feature = "decode")]
#[uniffi::export]
impl StreamDecoder {
    /// A decoder for streams made with a built-in tokenizer (see also [`Codec::stream_decoder`]).
    #[uniffi::constructor]
    pub fn new() -> Arc<StreamDecoder> {
        Arc::new(StreamDecoder {
            inner: Mutex::new(crate::StreamDecoder::new()),
        })
    }

    /// A decoder for streams made with a built-in tokenizer, within `limits` (per pushed chunk for
    /// the output, per stream for the tokens): a `TooLarge` error past them.
    #[uniffi::constructor]
    pub fn with_limits(limits: Limits) -> Arc<StreamDecoder> {
        Arc::new(StreamDecoder {
            inner: Mutex::new(crate::StreamDecoder::new().with_limits(limits.into())),
        })
    }

    /// Decodes the next chunk.
    pub fn push(&self, chunk: Vec<u8>) -> Res<StreamUpdate> {
        Ok(lock(&self.inner)?.push_chunk(&chunk)?.into())
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
