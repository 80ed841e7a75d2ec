//! `Codec`: the public API everything else (CLI, C ABI, bindings) wraps.
//!
//! The writing half is behind the `encode` feature, the reading half behind `decode`; a build
//! with one of them leaves the other's code (and what only it shares) out.
#![cfg_attr(
    not(all(feature = "encode", feature = "decode")),
    allow(dead_code, unused_imports)
)]

use std::sync::{Arc, OnceLock};

use crate::codecs::{gzip, lopace, model as model_codec, thrift, zstd};
use crate::error::{Error, Result};
use crate::format::{self, v1, ContentKind, Header, Method};
use crate::limits::Limits;
use crate::mapping::Mapping;
use crate::model::Priors;
use crate::tokenizer::{Builtin, OpenVocab, Tokenizer, Vocab};

/// The method a frame uses when the caller does not choose: the context model, the smallest on
/// chat text and prompts (measured with `tacc bench`, see README and docs/MODEL.md).
pub const DEFAULT_METHOD: Method = Method::Model;

/// Where compressed bytes go: tacc's self-describing frame, or a peer package's payload alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum Layout {
    /// tacc's frame (method, vocabulary, checksum): decoders need no options.
    #[default]
    Frame = 0,
    /// The method's payload alone, byte-identical to the peer package that defined it (see
    /// [`Peer::of`]); the decoder must be given the same method and tokenizer.
    Raw = 1,
}

impl Layout {
    /// Both layouts, by value.
    pub const ALL: [Layout; 2] = [Layout::Frame, Layout::Raw];

    /// The layout's name ("frame", "raw").
    pub fn name(self) -> &'static str {
        match self {
            Layout::Frame => "frame",
            Layout::Raw => "raw",
        }
    }

    /// The layout with this value (the C ABI's `tacc_layout`).
    pub fn from_id(id: u32) -> Result<Layout> {
        Layout::ALL
            .into_iter()
            .find(|l| *l as u32 == id)
            .ok_or_else(|| Error::InvalidArgument(format!("unknown layout {id} (0 frame, 1 raw)")))
    }
}

/// The peer package whose payload a method's raw layout is ([`Layout::Raw`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Peer {
    /// tacc 0.1.0: frequency-mapped token IDs in Thrift CompactProtocol, optionally gzip'd.
    Tacc {
        /// tacc's `gzip=True`.
        gzip: bool,
    },
    /// LoPace 0.1.5, with its method.
    Lopace(LopaceMethod),
}

impl Peer {
    /// The peer payload a method carries, if it has one: the one table of raw layouts.
    pub fn of(method: Method) -> Result<Peer> {
        match method {
            Method::Tacc => Ok(Peer::Tacc { gzip: false }),
            Method::TaccGzip => Ok(Peer::Tacc { gzip: true }),
            Method::Zstd => Ok(Peer::Lopace(LopaceMethod::Zstd)),
            Method::LopaceToken => Ok(Peer::Lopace(LopaceMethod::Token)),
            Method::LopaceHybrid => Ok(Peer::Lopace(LopaceMethod::Hybrid)),
            m => Err(Error::InvalidArgument(format!(
                "method '{}' has no raw layout: raw payloads are the peers' tacc, tacc-gzip \
                 (tacc 0.1.0), zstd, lopace-token, lopace-hybrid (LoPace 0.1.5)",
                m.name()
            ))),
        }
    }
}

/// Borrowed content to compress: what [`Codec::compress`] takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input<'a> {
    /// UTF-8 text.
    Text(&'a str),
    /// Token IDs.
    TokenIds(&'a [u32]),
    /// Bytes (compressed as text when they are UTF-8).
    Bytes(&'a [u8]),
}

/// Options of the compress and decompress calls. Start from `Options::default()` and set fields
/// (the struct is `#[non_exhaustive]`: fields are added in minor versions).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// The method; `None` tries every method that fits the content and keeps the smallest.
    pub method: Option<Method>,
    /// zstd level 1-22 for zstd and LoPace hybrid (default 15, LoPace's).
    pub zstd_level: i32,
    /// gzip level 1-12 for gzip and tacc-gzip (default 9).
    pub gzip_level: i32,
    /// Store a CRC-32 of the content, so corruption is reported (default on).
    pub checksum: bool,
    /// Frame (default) or the peer's raw payload.
    pub layout: Layout,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            method: Some(DEFAULT_METHOD),
            zstd_level: zstd::DEFAULT_LEVEL,
            gzip_level: gzip::DEFAULT_LEVEL,
            checksum: true,
            layout: Layout::Frame,
        }
    }
}

impl Options {
    /// The defaults with `method`.
    pub fn method(method: Method) -> Options {
        Options::default().with_method(Some(method))
    }

    /// The defaults with every method tried (frames only): the smallest frame wins.
    pub fn auto() -> Options {
        Options::default().with_method(None)
    }

    /// The peer's raw payload of `method` (tacc, tacc-gzip, zstd, lopace-token, lopace-hybrid).
    pub fn raw(method: Method) -> Options {
        Options::method(method).with_layout(Layout::Raw)
    }

    /// These options with `method` (`None`: auto).
    pub fn with_method(mut self, method: Option<Method>) -> Options {
        self.method = method;
        self
    }

    /// These options with zstd `level` (1-22).
    pub fn with_zstd_level(mut self, level: i32) -> Options {
        self.zstd_level = level;
        self
    }

    /// These options with gzip `level` (1-12).
    pub fn with_gzip_level(mut self, level: i32) -> Options {
        self.gzip_level = level;
        self
    }

    /// These options with or without the CRC-32.
    pub fn with_checksum(mut self, checksum: bool) -> Options {
        self.checksum = checksum;
        self
    }

    /// These options with `layout`.
    pub fn with_layout(mut self, layout: Layout) -> Options {
        self.layout = layout;
        self
    }
}

/// LoPace's three methods (its `CompressionMethod`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LopaceMethod {
    /// The text's UTF-8 bytes, zstd-compressed.
    Zstd,
    /// The token IDs packed in 16 or 32 bits each.
    Token,
    /// The packed token IDs, zstd-compressed.
    Hybrid,
}

impl LopaceMethod {
    /// Every LoPace method, in LoPace's order.
    pub const ALL: [LopaceMethod; 3] = [
        LopaceMethod::Zstd,
        LopaceMethod::Token,
        LopaceMethod::Hybrid,
    ];

    /// LoPace's names: "zstd", "token", "hybrid".
    pub fn name(self) -> &'static str {
        match self {
            LopaceMethod::Zstd => "zstd",
            LopaceMethod::Token => "token",
            LopaceMethod::Hybrid => "hybrid",
        }
    }

    /// The method of a LoPace name ([`LopaceMethod::name`]); `InvalidArgument` for any other.
    pub fn from_name(name: &str) -> Result<LopaceMethod> {
        LopaceMethod::ALL
            .into_iter()
            .find(|m| m.name() == name)
            .ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "unknown LoPace method '{name}' (zstd, token, hybrid)"
                ))
            })
    }

    /// The frame method that carries this LoPace payload unchanged.
    pub fn frame_method(self) -> Method {
        match self {
            LopaceMethod::Zstd => Method::Zstd,
            LopaceMethod::Token => Method::LopaceToken,
            LopaceMethod::Hybrid => Method::LopaceHybrid,
        }
    }
}

/// The content of a decoded frame.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// UTF-8 text.
    Text(String),
    /// Token IDs.
    TokenIds(Vec<u32>),
    /// Bytes that are not UTF-8.
    Bytes(Vec<u8>),
}

impl Content {
    /// What the content is.
    pub fn kind(&self) -> ContentKind {
        match self {
            Content::Text(_) => ContentKind::Text,
            Content::TokenIds(_) => ContentKind::TokenIds,
            Content::Bytes(_) => ContentKind::Bytes,
        }
    }

    /// The content borrowed as input to [`Codec::compress`].
    pub fn as_input(&self) -> Input<'_> {
        match self {
            Content::Text(t) => Input::Text(t),
            Content::TokenIds(ids) => Input::TokenIds(ids),
            Content::Bytes(b) => Input::Bytes(b),
        }
    }
}

#[cfg(feature = "decode")]
/// Largest tacc payload of `n` IDs: every ID as a 5-byte varint, plus the struct's framing.
fn thrift_bytes_for(n: usize) -> usize {
    thrift::encoded_len_bound(n) + 8
}

#[cfg(feature = "decode")]
/// Output that grows against a byte limit: an error as soon as an append would pass it, and
/// never more capacity than the limit (so a hostile payload costs at most the limit).
struct LimitedBytes {
    out: Vec<u8>,
    limits: Limits,
    what: &'static str,
}

#[cfg(feature = "decode")]
impl LimitedBytes {
    fn new(limits: Limits, what: &'static str) -> LimitedBytes {
        LimitedBytes {
            out: Vec::new(),
            limits,
            what,
        }
    }

    fn max(&self) -> usize {
        self.limits.max_output_bytes
    }

    fn extend(&mut self, b: &[u8]) -> Result<()> {
        let need = self.out.len() + b.len();
        if need > self.max() {
            return Err(self.limits.output_error(self.what, need as u64));
        }
        if need > self.out.capacity() {
            let want = (self.out.capacity() * 2)
                .max(need)
                .max(4096)
                .min(self.max());
            self.out.reserve_exact(want - self.out.len());
        }
        self.out.extend_from_slice(b);
        Ok(())
    }
}

/// A tokenizer plus its tacc mapping. Immutable, `Send + Sync`, cheap to clone: share it freely
/// between threads. Built-in tables are loaded once per process, and only when a call needs
/// them: a codec that only makes or reads stored/zstd/gzip frames never loads a tokenizer,
/// mapping or priors.
#[derive(Debug, Clone)]
pub struct Codec {
    /// The named vocabulary (built-in or open), known without loading anything; `None` for a
    /// custom tokenizer.
    vocab: Option<Vocab>,
    /// Loaded on first use for a built-in; set at creation for a custom tokenizer. Shared by clones.
    tokenizer: Arc<OnceLock<Arc<Tokenizer>>>,
    custom_mapping: Option<Arc<Mapping>>,
    custom_priors: Option<Arc<Priors>>,
    /// What one decode may produce (see [`Limits`]).
    limits: Limits,
}

impl Codec {
    /// A codec for a named vocabulary. A built-in (cl100k_base, gpt2, o200k_base,
    /// o200k_harmony, p50k_base, p50k_edit, r50k_base) is complete. An open model's (llama3,
    /// llama4, qwen, qwen3_6, tekken_240911) codes token IDs with its priors only: for text, build
    /// the codec from the model's file ([`Codec::from_tokenizer_file`]). Cheap: no table is
    /// loaded until a call needs it.
    pub fn new(tokenizer: &str) -> Result<Codec> {
        Codec::from_vocab(Vocab::from_name(tokenizer)?)
    }

    /// A codec for a built-in tokenizer, by value (see [`Codec::new`]).
    pub fn from_builtin(b: Builtin) -> Result<Codec> {
        // The one way loading a built-in can fail later: checked now, so `tokenizer()` cannot.
        if !b.is_enabled() {
            return Err(Error::InvalidArgument(format!(
                "tokenizer '{}' was left out of this build (cargo feature)",
                b.name()
            )));
        }
        Ok(Codec::bare(Some(Vocab::Builtin(b))))
    }

    /// A codec for a named vocabulary, by value (see [`Codec::new`]).
    pub fn from_vocab(v: Vocab) -> Result<Codec> {
        match v {
            Vocab::Builtin(b) => Codec::from_builtin(b),
            Vocab::Open(o) => Ok(Codec::from_open_vocab(o)),
        }
    }

    /// A codec for an open model's token IDs, without its tokenizer: what a server that already
    /// has token IDs needs. The `model` method uses the vocabulary's priors when this build
    /// embeds them (cargo feature `open-priors`) or when given ([`Codec::with_priors`], or
    /// [`Codec::from_priors`] in one step).
    pub fn from_open_vocab(v: OpenVocab) -> Codec {
        Codec::bare(Some(Vocab::Open(v)))
    }

    fn bare(vocab: Option<Vocab>) -> Codec {
        Codec {
            vocab,
            tokenizer: Arc::new(OnceLock::new()),
            custom_mapping: None,
            custom_priors: None,
            limits: Limits::DEFAULT,
        }
    }

    /// A codec over any tokenizer (for example one loaded from a model's file).
    pub fn from_tokenizer(tokenizer: Arc<Tokenizer>) -> Codec {
        Codec {
            vocab: tokenizer.vocab(),
            tokenizer: Arc::new(OnceLock::from(tokenizer)),
            custom_mapping: None,
            custom_priors: None,
            limits: Limits::DEFAULT,
        }
    }

    /// A codec over a tokenizer file: an open model's (recognized, see
    /// [`Tokenizer::from_bytes`]) or any tiktoken rank file or Tekken file.
    #[cfg(feature = "encode")]
    pub fn from_tokenizer_file(path: &std::path::Path) -> Result<Codec> {
        Ok(Codec::from_tokenizer(Arc::new(Tokenizer::from_file(
            path, None,
        )?)))
    }

    /// A codec for token IDs from a priors file alone (no tokenizer): the priors name their
    /// vocabulary by their ID (the built-ins' and the open models' priors do; priors trained
    /// with `tacc train --id 0` name none and are refused: add those to a codec built from their
    /// tokenizer with [`Codec::with_priors`]).
    pub fn from_priors(priors: Arc<Priors>) -> Result<Codec> {
        let id = model_codec::named_priors_id(&priors).ok_or_else(|| {
            Error::InvalidArgument(
                "these model priors name no vocabulary (custom priors): build the codec from their tokenizer and add them with with_priors".into(),
            )
        })?;
        let vocab = model_codec::priors_vocab(id)?;
        Ok(Codec::from_vocab(vocab)?.with_priors(priors))
    }

    /// The same codec with other decode limits (clamped to the hard caps in [`crate::limits`]).
    /// Every decode call on the returned codec, and every stream decoder made from it, honours
    /// them. Cheap: the tables are shared.
    pub fn with_limits(mut self, limits: Limits) -> Codec {
        self.limits = limits.clamped();
        self
    }

    /// The decode limits of this codec ([`Limits::DEFAULT`] unless set).
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Replaces the tacc mapping (tacc's `mapping_path`).
    pub fn with_mapping(mut self, mapping: Arc<Mapping>) -> Codec {
        self.custom_mapping = Some(mapping);
        self
    }

    /// Replaces the context model's priors: trained on your own domain with `tacc train`, or an
    /// open vocabulary's priors file (`models/<name>.tpf.zst`), which frames then name by ID.
    pub fn with_priors(mut self, priors: Arc<Priors>) -> Codec {
        self.custom_priors = Some(priors);
        self
    }

    /// The model priors in use for the `model` method: the custom ones, or the built-in
    /// tokenizer's (None: adaptive only).
    pub fn priors(&self) -> Result<Option<Arc<Priors>>> {
        if let Some(p) = &self.custom_priors {
            return Ok(Some(p.clone()));
        }
        match self.default_priors_id() {
            Some(id) => model_codec::builtin_priors_by_id(id).map(Some),
            None => Ok(None),
        }
    }

    /// The ID of the priors a new `model` frame names and uses: the named priors this codec
    /// holds, or its vocabulary's when this build embeds them (None: custom priors or none).
    fn default_priors_id(&self) -> Option<u8> {
        match (&self.custom_priors, self.vocab) {
            (Some(p), _) => model_codec::named_priors_id(p),
            (None, Some(Vocab::Builtin(b))) => model_codec::default_priors_id(b),
            (None, Some(Vocab::Open(v))) => {
                model_codec::is_embedded(v.priors_id()).then_some(v.priors_id())
            }
            (None, None) => None,
        }
    }

    /// The priors of the old model (`model-v1`): custom, or the v1 built-ins (frozen).
    pub(crate) fn priors_v1(&self) -> Result<Option<Arc<v1::coder::Priors>>> {
        match (&self.custom_priors, self.vocab) {
            (Some(p), _) => v1::custom_priors(p).map(Some),
            (None, Some(Vocab::Builtin(b))) => v1::builtin_priors(b),
            (None, _) => Ok(None),
        }
    }

    /// The tokenizer, loaded on first use. An error only for an open vocabulary's codec made
    /// without its file ([`Codec::from_open_vocab`]).
    pub fn tokenizer(&self) -> Result<&Arc<Tokenizer>> {
        if let Some(t) = self.tokenizer.get() {
            return Ok(t);
        }
        let t = match self.vocab {
            // `from_builtin` checked the one condition under which loading fails.
            Some(Vocab::Builtin(b)) => Tokenizer::from_builtin(b)?,
            Some(Vocab::Open(v)) => {
                return Err(Error::InvalidArgument(format!(
                    "{}'s tokenizer is not loaded (this codec codes token IDs only): build the codec from the model's {} ({})",
                    v.name(),
                    v.file_name(),
                    v.source()
                )))
            }
            None => return Err(Error::Internal("a custom codec without its tokenizer".into())),
        };
        Ok(self.tokenizer.get_or_init(|| t))
    }

    /// The tokenizer's name: a built-in's (`cl100k_base`, ...) or the custom tokenizer's.
    pub fn tokenizer_name(&self) -> &str {
        match (self.vocab, self.tokenizer.get()) {
            (Some(v), _) => v.name(),
            (None, Some(t)) => t.name(),
            (None, None) => "custom",
        }
    }

    /// The named vocabulary (built-in or open); `None` for a custom tokenizer.
    pub fn vocab(&self) -> Option<Vocab> {
        self.vocab
    }

    /// One more than the largest token ID, known for named vocabularies without loading them.
    pub fn vocab_size(&self) -> u32 {
        match (self.vocab, self.tokenizer.get()) {
            (Some(v), _) => v.vocab_size(),
            (None, Some(t)) => t.vocab_size(),
            (None, None) => 0,
        }
    }

    /// The tacc mapping in use: the custom one, or the built-in tokenizer's.
    pub fn mapping(&self) -> Result<Arc<Mapping>> {
        if let Some(m) = &self.custom_mapping {
            return Ok(m.clone());
        }
        match self.vocab {
            Some(Vocab::Builtin(b)) => Mapping::builtin(b),
            Some(Vocab::Open(v)) => Mapping::open(v),
            _ => Err(Error::InvalidArgument(format!(
                "{} has no built-in tacc mapping: build one with `tacc mapping` and pass it",
                self.tokenizer_name()
            ))),
        }
    }

    // ---- Text <-> token IDs -------------------------------------------------------------

    #[cfg(feature = "encode")]
    /// Text to token IDs (special-token strings are ordinary text). An error only for an open
    /// vocabulary's codec made without its tokenizer file.
    pub fn tokenize(&self, text: &str) -> Result<Vec<u32>> {
        Ok(self.tokenizer()?.encode(text))
    }

    #[cfg(feature = "decode")]
    /// Token IDs to text; an error if an ID is unknown, the bytes are not UTF-8, or the text
    /// would pass the codec's `max_output_bytes`.
    pub fn detokenize(&self, ids: &[u32]) -> Result<String> {
        let mut out = LimitedBytes::new(self.limits, "text (max_output_bytes)");
        self.detokenize_into(ids, &mut out)?;
        String::from_utf8(out.out).map_err(|e| Error::InvalidUtf8(e.to_string()))
    }

    #[cfg(feature = "decode")]
    /// Appends the bytes of `ids` to `out` a block at a time, so an over-limit expansion stops
    /// within one block (at most 4096 tokens' bytes) of the limit.
    fn detokenize_into(&self, ids: &[u32], out: &mut LimitedBytes) -> Result<()> {
        let tokenizer = self.tokenizer()?;
        for block in ids.chunks(4096) {
            out.extend(&tokenizer.decode_bytes(block)?)?;
        }
        Ok(())
    }

    // ---- tacc 0.1.0's API ---------------------------------------------------------------

    /// tacc 0.1.0's frequency-mapped IDs of token IDs (this codec's mapping).
    pub fn token_id_to_mapped_id(&self, ids: &[u32]) -> Result<Vec<i32>> {
        self.mapping()?.map_ids(ids)
    }

    /// The token IDs of tacc 0.1.0's mapped IDs (inverse of [`Codec::token_id_to_mapped_id`]).
    pub fn mapped_id_to_token_id(&self, mapped: &[i32]) -> Result<Vec<u32>> {
        self.mapping()?.unmap_ids(mapped)
    }

    #[cfg(feature = "encode")]
    /// tacc payload of mapped IDs (optionally gzip'd), byte-identical to tacc 0.1.0.
    pub fn compress_tacc_payload_mapped(&self, mapped: &[i32], gzip: bool) -> Result<Vec<u8>> {
        Ok(finish_tacc(thrift::encode(mapped), gzip))
    }

    #[cfg(feature = "decode")]
    /// tacc's mapped IDs from its payload (optionally gzip'd), at most `limits().max_tokens`
    /// of them and 4 bytes of output each.
    pub fn decompress_tacc_payload_mapped(&self, payload: &[u8], gzip: bool) -> Result<Vec<i32>> {
        self.decompress_tacc_payload_mapped_max(payload, gzip, self.limits.id_tokens())
    }

    #[cfg(feature = "decode")]
    /// At most `max` IDs: the count the list header declares is checked before inflating
    /// further or allocating.
    fn decompress_tacc_payload_mapped_max(
        &self,
        payload: &[u8],
        gzip: bool,
        max: usize,
    ) -> Result<Vec<i32>> {
        if !gzip {
            return thrift::decode_limited(payload, max);
        }
        // The list header is in the first few inflated bytes: read them alone first.
        let mut head = [0u8; 8];
        let got = gzip::decompress_prefix(payload, &mut head);
        if let Some(n) = thrift::declared_len(&head[..got]) {
            Limits::check_tokens(n, max)?;
        }
        thrift::decode_limited(&gzip::decompress(payload, thrift_bytes_for(max))?, max)
    }

    #[cfg(feature = "encode")]
    /// tacc payload of token IDs (mapped, Thrift, optionally gzip), byte-identical to tacc 0.1.0.
    pub fn compress_tacc_payload(&self, ids: &[u32], gzip: bool) -> Result<Vec<u8>> {
        Ok(finish_tacc(self.thrift_of_ids(ids)?, gzip))
    }

    #[cfg(feature = "encode")]
    /// Maps and writes in one pass: no intermediate vector of mapped IDs.
    fn thrift_of_ids(&self, ids: &[u32]) -> Result<Vec<u8>> {
        let mapping = self.mapping()?;
        if let Some(&bad) = ids.iter().find(|&&id| mapping.to_mapped(id).is_err()) {
            return Err(mapping.to_mapped(bad).unwrap_err());
        }
        let mut out = Vec::new();
        thrift::encode_into(
            ids.iter().map(|&id| mapping.to_mapped(id).unwrap_or(0)),
            &mut out,
        );
        Ok(out)
    }

    #[cfg(feature = "decode")]
    /// Token IDs from a tacc payload (at most `limits().max_tokens`, 4 bytes of output each).
    pub fn decompress_tacc_payload(&self, payload: &[u8], gzip: bool) -> Result<Vec<u32>> {
        self.decompress_tacc_payload_max(payload, gzip, self.limits.id_tokens())
    }

    #[cfg(feature = "decode")]
    fn decompress_tacc_payload_max(
        &self,
        payload: &[u8],
        gzip: bool,
        max: usize,
    ) -> Result<Vec<u32>> {
        let mapped = self.decompress_tacc_payload_mapped_max(payload, gzip, max)?;
        self.mapping()?.unmap_ids(&mapped)
    }

    #[cfg(feature = "encode")]
    /// tacc payload of token IDs without the mapping: each ID written as an i32 (IDs above
    /// i32::MAX wrap to negative values, as in tacc 0.1.0).
    pub fn compress_tacc_payload_unmapped(&self, ids: &[u32], gzip: bool) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        thrift::encode_into(ids.iter().map(|&id| id as i32), &mut out);
        Ok(finish_tacc(out, gzip))
    }

    #[cfg(feature = "decode")]
    /// Reads what [`Codec::compress_tacc_payload_unmapped`] wrote.
    pub fn decompress_tacc_payload_unmapped(&self, payload: &[u8], gzip: bool) -> Result<Vec<u32>> {
        Ok(self
            .decompress_tacc_payload_mapped(payload, gzip)?
            .into_iter()
            .map(|v| v as u32)
            .collect())
    }

    #[cfg(feature = "encode")]
    /// tacc payload of string tokens: each string must be exactly one token of the vocabulary.
    pub fn compress_tacc_payload_tokens<S: AsRef<str>>(
        &self,
        tokens: &[S],
        gzip: bool,
    ) -> Result<Vec<u8>> {
        let tokenizer = self.tokenizer()?;
        let ids: Result<Vec<u32>> = tokens
            .iter()
            .map(|t| {
                tokenizer
                    .token_of(t.as_ref())
                    .ok_or_else(|| Error::UnknownToken(t.as_ref().to_string()))
            })
            .collect();
        self.compress_tacc_payload(&ids?, gzip)
    }

    #[cfg(feature = "decode")]
    /// The string of each token; a token that is only part of a UTF-8 character comes out
    /// with U+FFFD in place of its bytes, as in tacc (use `decompress_tacc_payload` to stay exact).
    pub fn decompress_tacc_payload_tokens(
        &self,
        payload: &[u8],
        gzip: bool,
    ) -> Result<Vec<String>> {
        let ids = self.decompress_tacc_payload_max(payload, gzip, self.limits.text_tokens())?;
        let tokenizer = self.tokenizer()?;
        // Each string costs its bytes and a String: counted against max_output_bytes.
        let mut size = 0usize;
        ids.iter()
            .map(|&id| {
                let s = String::from_utf8_lossy(&tokenizer.decode_bytes(&[id])?).into_owned();
                size += s.len() + std::mem::size_of::<String>();
                if size > self.limits.max_output_bytes {
                    return Err(self
                        .limits
                        .output_error("token strings (max_output_bytes)", size as u64));
                }
                Ok(s)
            })
            .collect()
    }

    // ---- LoPace 0.1.5's API -------------------------------------------------------------

    #[cfg(feature = "encode")]
    /// LoPace's payload for `text` (its `compress(text, method)`), at zstd `level` 1-22.
    pub fn compress_lopace_payload(
        &self,
        text: &str,
        method: LopaceMethod,
        level: i32,
    ) -> Result<Vec<u8>> {
        match method {
            LopaceMethod::Zstd => zstd::compress(text.as_bytes(), level),
            LopaceMethod::Token => Ok(lopace::pack_ids(&self.tokenize(text)?)),
            LopaceMethod::Hybrid => zstd::compress(&lopace::pack_ids(&self.tokenize(text)?), level),
        }
    }

    #[cfg(feature = "decode")]
    /// Restores text from a LoPace payload (its `decompress(blob, method)`).
    /// Within the codec's limits: the text's bytes count against `max_output_bytes`, its IDs
    /// against `max_tokens`.
    pub fn decompress_lopace_payload(
        &self,
        payload: &[u8],
        method: LopaceMethod,
    ) -> Result<String> {
        let bytes = match method {
            LopaceMethod::Zstd => zstd::decompress(payload, self.limits.max_output_bytes)?,
            LopaceMethod::Token => {
                let mut out = LimitedBytes::new(self.limits, "text (max_output_bytes)");
                let ids = lopace::unpack_ids_limited(payload, self.limits.text_tokens())?;
                self.detokenize_into(&ids, &mut out)?;
                out.out
            }
            LopaceMethod::Hybrid => self.lopace_hybrid_text(payload)?,
        };
        String::from_utf8(bytes).map_err(|e| Error::InvalidUtf8(e.to_string()))
    }

    #[cfg(feature = "decode")]
    /// LoPace's hybrid layout to text, streamed: zstd's output is unpacked and detokenized a
    /// block at a time, so neither the packed IDs nor the IDs are ever held whole.
    fn lopace_hybrid_text(&self, payload: &[u8]) -> Result<Vec<u8>> {
        let r = zstd::stream_reader(payload)?;
        let mut out = LimitedBytes::new(self.limits, "text (max_output_bytes)");
        lopace::read_ids(r, self.limits.text_tokens(), |ids| {
            self.detokenize_into(ids, &mut out)
        })?;
        Ok(out.out)
    }

    // ---- One entry for every layout and content kind ------------------------------------

    #[cfg(feature = "encode")]
    /// Compresses `input` as `opts` say: a frame ([`Layout::Frame`], any method or auto) or the
    /// peer's raw payload ([`Layout::Raw`], see [`Peer::of`]). Every layer's compress call
    /// (C's `tacc_encode`, the CLI, the bindings) comes here.
    pub fn compress(&self, input: Input<'_>, opts: &Options) -> Result<Vec<u8>> {
        match (opts.layout, input) {
            (Layout::Frame, Input::Text(t)) => self.compress_text(t, opts),
            (Layout::Frame, Input::TokenIds(ids)) => self.compress_token_ids(ids, opts),
            (Layout::Frame, Input::Bytes(b)) => self.compress_bytes(b, opts),
            (Layout::Raw, input) => self.compress_raw(input, opts),
        }
    }

    #[cfg(feature = "encode")]
    fn compress_raw(&self, input: Input<'_>, opts: &Options) -> Result<Vec<u8>> {
        let method = opts.method.ok_or_else(|| {
            Error::InvalidArgument("the raw layout needs a method (auto writes frames)".into())
        })?;
        let text = |input| match input {
            Input::Text(t) => Ok(t),
            Input::Bytes(b) => {
                std::str::from_utf8(b).map_err(|e| Error::InvalidUtf8(e.to_string()))
            }
            Input::TokenIds(_) => Err(Error::InvalidArgument(
                "LoPace payloads are made from text, not token IDs".into(),
            )),
        };
        match Peer::of(method)? {
            Peer::Tacc { gzip } => match input {
                Input::TokenIds(ids) => self.compress_tacc_payload(ids, gzip),
                other => self.compress_tacc_payload(&self.tokenize(text(other)?)?, gzip),
            },
            Peer::Lopace(m) => self.compress_lopace_payload(text(input)?, m, opts.zstd_level),
        }
    }

    #[cfg(feature = "decode")]
    /// Restores content of `kind` from what [`Codec::compress`] made with the same `opts`
    /// layout (and, raw, the same method). A frame holding another kind is an error, except
    /// that text frames restore as bytes. Within the codec's limits.
    pub fn decompress_as(&self, data: &[u8], kind: ContentKind, opts: &Options) -> Result<Content> {
        let content = match opts.layout {
            Layout::Frame => self.decompress(data)?,
            Layout::Raw => self.decompress_raw(data, kind, opts)?,
        };
        match (content, kind) {
            (c, k) if c.kind() == k => Ok(c),
            (Content::Text(t), ContentKind::Bytes) => Ok(Content::Bytes(t.into_bytes())),
            (c, k) => Err(Error::InvalidArgument(format!(
                "the frame holds {}, not {}",
                content_name(&c),
                k.describe()
            ))),
        }
    }

    #[cfg(feature = "decode")]
    fn decompress_raw(&self, data: &[u8], kind: ContentKind, opts: &Options) -> Result<Content> {
        let method = opts.method.ok_or_else(|| {
            Error::InvalidArgument("the raw layout needs the method that made the payload".into())
        })?;
        Ok(match (Peer::of(method)?, kind) {
            (Peer::Tacc { gzip }, ContentKind::TokenIds) => {
                Content::TokenIds(self.decompress_tacc_payload(data, gzip)?)
            }
            (Peer::Tacc { gzip }, _) => {
                let ids =
                    self.decompress_tacc_payload_max(data, gzip, self.limits.text_tokens())?;
                let mut out = LimitedBytes::new(self.limits, "text (max_output_bytes)");
                self.detokenize_into(&ids, &mut out)?;
                Content::Text(
                    String::from_utf8(out.out).map_err(|e| Error::InvalidUtf8(e.to_string()))?,
                )
            }
            (Peer::Lopace(_), ContentKind::TokenIds) => {
                return Err(Error::InvalidArgument(
                    "LoPace payloads hold text; raw token IDs exist for tacc and tacc-gzip".into(),
                ))
            }
            (Peer::Lopace(m), _) => Content::Text(self.decompress_lopace_payload(data, m)?),
        })
    }

    // ---- Frames ---------------------------------------------------------------------------

    #[cfg(feature = "encode")]
    /// Compresses text into a self-describing frame.
    pub fn compress_text(&self, text: &str, opts: &Options) -> Result<Vec<u8>> {
        let mut ids = None;
        self.build_frame(
            ContentKind::Text,
            ContentRef::Bytes(text.as_bytes()),
            opts,
            &mut |m| self.text_payload(text, m, opts, &mut ids),
        )
    }

    #[cfg(feature = "encode")]
    /// Compresses token IDs into a frame. IDs outside the tokenizer are fine for methods
    /// that do not need the vocabulary (stored, LoPace layouts).
    pub fn compress_token_ids(&self, ids: &[u32], opts: &Options) -> Result<Vec<u8>> {
        Limits::check_encode_tokens("token count", ids.len() as u64)?;
        self.build_frame(
            ContentKind::TokenIds,
            ContentRef::Ids(ids),
            opts,
            &mut |m| self.ids_payload(ids, m, opts),
        )
    }

    #[cfg(feature = "encode")]
    /// Compresses bytes: as text when they are UTF-8, else with a byte-level method
    /// (zstd, unless the caller named gzip or stored; token methods are refused).
    pub fn compress_bytes(&self, bytes: &[u8], opts: &Options) -> Result<Vec<u8>> {
        if let Ok(text) = std::str::from_utf8(bytes) {
            return self.compress_text(text, opts);
        }
        let method = match opts.method {
            Some(m) if m.uses_tokens() && opts.method != Options::default().method => {
                return Err(Error::InvalidArgument(format!(
                    "input is not valid UTF-8, so it cannot be tokenized for method '{}': use zstd, gzip or stored",
                    m.name()
                )))
            }
            Some(m @ (Method::Gzip | Method::Stored | Method::Zstd)) => m,
            _ => Method::Zstd,
        };
        let opts = Options {
            method: Some(method),
            ..*opts
        };
        self.build_frame(
            ContentKind::Bytes,
            ContentRef::Bytes(bytes),
            &opts,
            &mut |m| byte_payload(bytes, m, &opts),
        )
    }

    #[cfg(feature = "encode")]
    fn build_frame(
        &self,
        kind: ContentKind,
        content: ContentRef<'_>,
        opts: &Options,
        payload: &mut dyn FnMut(Method) -> Result<Vec<u8>>,
    ) -> Result<Vec<u8>> {
        let (method, body) = match opts.method {
            Some(m) => (m, payload(m)?),
            None => {
                // Auto: every method that applies to this content; the smallest wins, stored breaks ties.
                let mut best: Option<(Method, Vec<u8>)> = None;
                for m in Method::AUTO {
                    if let Ok(b) = payload(m) {
                        if best.as_ref().is_none_or(|(_, bb)| b.len() < bb.len()) {
                            best = Some((m, b));
                        }
                    }
                }
                best.ok_or_else(|| Error::InvalidArgument("no method applies".into()))?
            }
        };
        let header = self.header_for(method, kind, opts.checksum)?;
        let mut out = Vec::with_capacity(body.len() + 32);
        header.write(&mut out)?;
        let header_len = out.len();
        out.extend_from_slice(&body);
        if opts.checksum {
            // v2: the CRC covers the header too, so a corrupt header is caught like corrupt content.
            let mut crc = libdeflater::Crc::new();
            crc.update(&out[..header_len]);
            content.update_crc(&mut crc);
            out.extend_from_slice(&crc.sum().to_le_bytes());
        } else {
            out.extend_from_slice(&format::v2::length_check(body.len()));
        }
        Ok(out)
    }

    #[cfg(feature = "encode")]
    /// The v2 header of a frame this codec makes with `method`.
    pub(crate) fn header_for(
        &self,
        method: Method,
        kind: ContentKind,
        checksum: bool,
    ) -> Result<Header> {
        let tokenized = method.uses_tokens();
        let (tokenizer_id, tokenizer_fingerprint) = match self.vocab {
            _ if !tokenized => (0, None),
            Some(v) => (v.id(), None),
            None => (0, Some(self.tokenizer()?.fingerprint())),
        };
        let mapping_fingerprint = match (&self.custom_mapping, method) {
            // An open vocabulary's own mapping, loaded from its file, is named by the
            // vocabulary's ID like a built-in's: no fingerprint.
            (Some(m), _)
                if self.vocab.is_some() && m.open_vocab().map(Vocab::Open) == self.vocab =>
            {
                None
            }
            (Some(m), Method::Tacc | Method::TaccGzip) => Some(m.fingerprint()),
            _ => None,
        };
        let model = matches!(method, Method::Model | Method::ModelV1);
        Ok(Header {
            version: format::FORMAT_VERSION,
            method,
            kind,
            checksum,
            tokenizer_id,
            tokenizer_fingerprint,
            mapping_fingerprint,
            // Only the new model's priors are named by ID: model-v1's built-ins are frozen.
            priors_id: match method {
                Method::Model => self.default_priors_id(),
                _ => None,
            },
            priors_fingerprint: match &self.custom_priors {
                Some(p) if model && model_codec::named_priors_id(p).is_none() => {
                    Some(p.fingerprint())
                }
                // model-v1 names no priors ID: its custom priors go by fingerprint.
                Some(p) if method == Method::ModelV1 => Some(p.fingerprint()),
                _ => None,
            },
            content_len: None,
        })
    }

    #[cfg(feature = "encode")]
    fn text_payload(
        &self,
        text: &str,
        method: Method,
        opts: &Options,
        ids: &mut Option<Vec<u32>>,
    ) -> Result<Vec<u8>> {
        if !method.uses_tokens() {
            return byte_payload(text.as_bytes(), method, opts);
        }
        if ids.is_none() {
            *ids = Some(self.tokenize(text)?);
        }
        let ids = ids.as_deref().unwrap_or_default();
        self.ids_payload(ids, method, opts)
    }

    #[cfg(feature = "encode")]
    fn ids_payload(&self, ids: &[u32], method: Method, opts: &Options) -> Result<Vec<u8>> {
        match method {
            Method::Stored => Ok(ids.iter().flat_map(|id| id.to_le_bytes()).collect()),
            Method::Zstd | Method::Gzip => Err(Error::InvalidArgument(format!(
                "method '{}' compresses text bytes; for token IDs use lopace-hybrid, tacc or tacc-gzip",
                method.name()
            ))),
            Method::LopaceToken => Ok(lopace::pack_ids(ids)),
            Method::LopaceHybrid => zstd::compress(&lopace::pack_ids(ids), opts.zstd_level),
            Method::Tacc => self.thrift_of_ids(ids),
            // Inside frames, gzip is libdeflate's: smaller and faster than tacc's zlib stream.
            Method::TaccGzip => gzip::compress(&self.thrift_of_ids(ids)?, opts.gzip_level),
            Method::ModelV1 => v1::encode(ids, self.vocab_size(), self.priors_v1()?),
            Method::Model => model_codec::encode(ids, self.vocab_size(), self.priors()?),
        }
    }

    #[cfg(feature = "decode")]
    /// Decodes any frame. A frame that names a built-in tokenizer other than this codec's is
    /// decoded with that tokenizer; one made with a custom tokenizer or mapping must match this codec's.
    pub fn decompress(&self, frame: &[u8]) -> Result<Content> {
        decode_frame(frame, Some(self), self.limits)
    }

    #[cfg(feature = "decode")]
    /// Decodes a frame that holds text.
    pub fn decompress_text(&self, frame: &[u8]) -> Result<String> {
        match self.decompress(frame)? {
            Content::Text(t) => Ok(t),
            other => Err(Error::InvalidArgument(format!(
                "the frame holds {}, not text",
                content_name(&other)
            ))),
        }
    }

    #[cfg(feature = "decode")]
    /// Decodes a frame that holds token IDs.
    pub fn decompress_token_ids(&self, frame: &[u8]) -> Result<Vec<u32>> {
        match self.decompress(frame)? {
            Content::TokenIds(ids) => Ok(ids),
            other => Err(Error::InvalidArgument(format!(
                "the frame holds {}, not token IDs",
                content_name(&other)
            ))),
        }
    }

    #[cfg(feature = "encode")]
    /// How many bits the context model spends on each token of `ids`, coded as one message
    /// with this codec's priors: what the `model` method's payload is made of, token by token
    /// (their sum is its size before the coder's final bytes and the frame header).
    pub fn model_token_bits(&self, ids: &[u32]) -> Result<Vec<f64>> {
        let costs = crate::model::token_costs(ids, self.vocab_size(), self.priors()?)?;
        // token_costs counts in 1/256 bit.
        Ok(costs.into_iter().map(|c| c as f64 / 256.0).collect())
    }

    #[cfg(feature = "decode")]
    /// The codec that decodes a frame or stream (`what`) with header `h`: `codec` when the
    /// caller has one (the custom tokenizer, mapping and priors the header names must be its
    /// own), else the built-in the header names, within `limits`. The one place a header picks
    /// its tokenizer, mapping and priors.
    pub(crate) fn for_header(
        codec: Option<&Codec>,
        h: &Header,
        limits: Limits,
        what: &'static str,
    ) -> Result<Codec> {
        match codec {
            Some(c) => c.codec_for(h, what),
            None if h.tokenizer_id == 0 => Err(Error::Mismatch(format!(
                "the {what} was made with a custom tokenizer: decode it with a codec built from it"
            ))),
            None => Codec::from_vocab(vocab_of(h, what)?)?
                .with_limits(limits)
                .codec_for(h, what),
        }
    }

    #[cfg(feature = "decode")]
    /// The codec that decodes a token-method frame or stream: this one, or the built-in it names.
    fn codec_for(&self, h: &Header, what: &'static str) -> Result<Codec> {
        let mut codec = match (h.tokenizer_id, h.tokenizer_fingerprint) {
            (0, Some(fp))
                if self.vocab.is_none()
                    && self.tokenizer.get().is_some_and(|t| t.fingerprint() == fp) =>
            {
                self.clone()
            }
            (0, Some(fp)) => {
                return Err(Error::Mismatch(format!(
                    "the {what} was made with a custom tokenizer (fingerprint {fp:016x}); decode it with a codec built from that tokenizer"
                )))
            }
            (_, None) => {
                let v = vocab_of(h, what)?;
                if self.vocab == Some(v) {
                    self.clone()
                } else {
                    Codec::from_vocab(v)?.with_limits(self.limits)
                }
            }
            (_, Some(_)) => return Err(Error::corrupt(what, "both a built-in tokenizer and a fingerprint")),
        };
        // The frame says which mapping made it: the built-in one, or a custom one this codec must hold.
        codec.custom_mapping = match h.mapping_fingerprint {
            // The vocabulary's own mapping: this codec's when it loaded it from its file (an
            // open vocabulary's, when the build does not embed it).
            None => self.custom_mapping.clone().filter(|m| {
                codec.vocab.is_some() && m.open_vocab().map(Vocab::Open) == codec.vocab
            }),
            Some(fp) => match &self.custom_mapping {
                Some(m) if m.fingerprint() == fp => Some(m.clone()),
                _ => {
                    return Err(Error::Mismatch(format!(
                        "the {what} was made with a custom tacc mapping (fingerprint {fp:016x}); decode it with a codec that has it"
                    )))
                }
            },
        };
        // Likewise for model priors.
        codec.custom_priors = match h.priors_fingerprint {
            // Priors named by ID: this codec's own when they are those (an open vocabulary's
            // priors loaded from their file), else the build's (`priors_named`).
            None => self
                .custom_priors
                .clone()
                .filter(|p| h.priors_id.is_some() && model_codec::named_priors_id(p) == h.priors_id),
            Some(fp) => match &self.custom_priors {
                Some(p) if p.fingerprint() == fp => Some(p.clone()),
                _ => {
                    return Err(Error::Mismatch(format!(
                        "the {what} was made with custom model priors (fingerprint {fp:016x}); decode it with a codec that has them"
                    )))
                }
            },
        };
        // Text of an open vocabulary needs its tokenizer file: say so before anything else
        // (the priors may be missing too, but the file is what the caller must find).
        if h.kind == ContentKind::Text && matches!(codec.vocab, Some(Vocab::Open(_))) {
            codec
                .tokenizer()
                .map_err(|e| Error::Mismatch(format!("the {what} holds text: {e}")))?;
        }
        Ok(codec)
    }

    /// The priors a `model` frame or stream names: custom (already matched by `codec_for`), a
    /// built-in by ID, or none.
    pub(crate) fn priors_named(&self, h: &Header) -> Result<Option<Arc<Priors>>> {
        match (&self.custom_priors, h.priors_id) {
            (Some(p), _) => Ok(Some(p.clone())),
            (None, Some(id)) => model_codec::builtin_priors_by_id(id).map(Some),
            (None, None) => Ok(None),
        }
    }

    #[cfg(feature = "decode")]
    /// Token IDs of a method that needs the vocabulary (tacc's mapping or the model), at most
    /// `max_tokens`; the model coders hand each to `on_token` as it decodes (its error stops them).
    fn decode_ids_payload(
        &self,
        payload: &[u8],
        h: &Header,
        max_tokens: usize,
        on_token: &mut dyn FnMut(u32) -> Result<()>,
    ) -> Result<Vec<u32>> {
        match h.method {
            Method::Tacc => self.decompress_tacc_payload_max(payload, false, max_tokens),
            Method::TaccGzip => self.decompress_tacc_payload_max(payload, true, max_tokens),
            Method::ModelV1 => v1::decode_with(
                payload,
                self.vocab_size(),
                self.priors_v1()?,
                max_tokens,
                on_token,
            ),
            Method::Model => model_codec::decode_with(
                payload,
                self.vocab_size(),
                self.priors_named(h)?,
                max_tokens,
                on_token,
            ),
            other => decode_plain_ids(payload, other, max_tokens),
        }
    }
}

#[cfg(feature = "encode")]
/// The content a frame's checksum covers.
enum ContentRef<'a> {
    Bytes(&'a [u8]),
    Ids(&'a [u32]),
}

#[cfg(feature = "encode")]
impl ContentRef<'_> {
    fn update_crc(&self, crc: &mut libdeflater::Crc) {
        match self {
            ContentRef::Bytes(b) => crc.update(b),
            ContentRef::Ids(ids) => format::update_crc_ids(crc, ids),
        }
    }
}

#[cfg(feature = "encode")]
/// tacc's gzip step: its exact zlib stream, so raw payloads match tacc's bytes.
fn finish_tacc(thrift_bytes: Vec<u8>, gzip: bool) -> Vec<u8> {
    if gzip {
        gzip::compress_tacc_compatible(&thrift_bytes)
    } else {
        thrift_bytes
    }
}

#[cfg(feature = "decode")]
fn content_name(c: &Content) -> &'static str {
    c.kind().describe()
}

#[cfg(feature = "encode")]
fn byte_payload(bytes: &[u8], method: Method, opts: &Options) -> Result<Vec<u8>> {
    match method {
        Method::Stored => Ok(bytes.to_vec()),
        Method::Zstd => zstd::compress(bytes, opts.zstd_level),
        Method::Gzip => gzip::compress(bytes, opts.gzip_level),
        _ => Err(Error::InvalidArgument(format!(
            "method '{}' needs text",
            method.name()
        ))),
    }
}

#[cfg(feature = "decode")]
/// Bytes of a byte-level method. `limit`: v1's declared length (also the required one), or
/// the global cap for v2, whose payloads know their own size.
fn decode_byte_payload(payload: &[u8], method: Method, limit: usize) -> Result<Vec<u8>> {
    Ok(match method {
        Method::Stored => {
            if payload.len() > limit {
                return Err(Error::TooLarge {
                    what: "stored content (max_output_bytes)",
                    size: payload.len() as u64,
                    limit: limit as u64,
                });
            }
            payload.to_vec()
        }
        Method::Zstd => zstd::decompress(payload, limit)?,
        Method::Gzip => gzip::decompress(payload, limit)?,
        _ => {
            return Err(Error::corrupt(
                "frame",
                format!("method '{}' cannot hold bytes", method.name()),
            ))
        }
    })
}

#[cfg(feature = "decode")]
/// Decodes any frame made with a built-in tokenizer, with no other information, within the
/// default [`Limits`].
pub fn decompress(frame: &[u8]) -> Result<Content> {
    decode_frame(frame, None, Limits::DEFAULT)
}

#[cfg(feature = "decode")]
/// [`decompress`] within the caller's limits.
pub fn decompress_with_limits(frame: &[u8], limits: &Limits) -> Result<Content> {
    decode_frame(frame, None, limits.clamped())
}

#[cfg(feature = "decode")]
/// The one frame decoder (v1 and v2). `codec` resolves custom tokenizers and mappings; without
/// it only built-in ones are known. Byte-level frames never load a tokenizer, mapping or priors;
/// token IDs from a model frame need no tokenizer tables, only its vocabulary size.
fn decode_frame(frame: &[u8], codec: Option<&Codec>, limits: Limits) -> Result<Content> {
    let p = format::parse_frame(frame)?;
    let h = &p.header;
    // Text and bytes: at most max_output_bytes; token IDs: at most what 4 bytes each allow.
    let max = match h.kind {
        ContentKind::TokenIds => limits.id_tokens(),
        _ => limits.max_output_bytes,
    };
    // v1 declares the content's size: it must be within the limits, and is what must come out.
    let declared = match h.content_len {
        Some(n) if n > max as u64 => {
            return Err(match h.kind {
                ContentKind::TokenIds => Limits::tokens_error(n, max),
                _ => limits.output_error("declared content size (max_output_bytes)", n),
            })
        }
        Some(n) => Some(n as usize),
        None => None,
    };
    let limit = declared.unwrap_or(max);
    let resolve = || Codec::for_header(codec, h, limits, "frame");
    let content = match (h.kind, h.method.uses_tokens()) {
        (ContentKind::Bytes, true) => {
            return Err(Error::corrupt(
                "frame",
                "a token method cannot hold non-UTF-8 bytes",
            ))
        }
        (ContentKind::Bytes, false) => {
            Content::Bytes(decode_byte_payload(p.payload, h.method, limit)?)
        }
        (ContentKind::TokenIds, _) => {
            // Stored and LoPace layouts need no vocabulary: only tacc's mapping and the model do.
            let ids = if h.method.needs_vocabulary() {
                resolve()?.decode_ids_payload(p.payload, h, limit, &mut |_| Ok(()))?
            } else {
                decode_plain_ids(p.payload, h.method, limit)?
            };
            Limits::check_tokens(ids.len() as u64, limit)?;
            Content::TokenIds(ids)
        }
        (ContentKind::Text, tokens) => {
            let bytes = if tokens {
                let c = resolve()?;
                let text_limits = Limits {
                    max_output_bytes: limit,
                    ..limits
                };
                let mut out = LimitedBytes::new(text_limits, "text (max_output_bytes)");
                if h.method == Method::LopaceHybrid {
                    // Streamed: neither the packed IDs nor the IDs are held whole.
                    let r = zstd::stream_reader(p.payload)?;
                    lopace::read_ids(r, text_limits.text_tokens(), |ids| {
                        c.detokenize_into(ids, &mut out)
                    })?;
                } else if matches!(h.method, Method::Model | Method::ModelV1) {
                    // Text as the tokens decode, a block at a time: a payload past the byte
                    // limit stops there, not after all the tokens it declares.
                    let mut block = Vec::with_capacity(1024);
                    c.decode_ids_payload(p.payload, h, text_limits.text_tokens(), &mut |id| {
                        block.push(id);
                        if block.len() == 1024 {
                            c.detokenize_into(&block, &mut out)?;
                            block.clear();
                        }
                        Ok(())
                    })?;
                    c.detokenize_into(&block, &mut out)?;
                } else {
                    // Every token is at least one byte of text.
                    let ids =
                        c.decode_ids_payload(p.payload, h, text_limits.text_tokens(), &mut |_| {
                            Ok(())
                        })?;
                    c.detokenize_into(&ids, &mut out)?;
                }
                out.out
            } else {
                decode_byte_payload(p.payload, h.method, limit)?
            };
            if bytes.len() > limit {
                return Err(limits.output_error("text (max_output_bytes)", bytes.len() as u64));
            }
            Content::Text(String::from_utf8(bytes).map_err(|e| Error::InvalidUtf8(e.to_string()))?)
        }
    };
    if let Some(n) = declared {
        let got = match &content {
            Content::Text(t) => t.len(),
            Content::Bytes(b) => b.len(),
            Content::TokenIds(ids) => ids.len(),
        };
        if got != n {
            return Err(Error::corrupt(
                "frame",
                format!("content is {got} long, header says {n}"),
            ));
        }
    }
    if let Some(stored) = p.stored_crc {
        let mut crc = libdeflater::Crc::new();
        // v1's CRC covers the content only; v2's the header bytes, then the content.
        if h.version >= 2 {
            crc.update(p.header_bytes);
        }
        match &content {
            Content::Text(t) => crc.update(t.as_bytes()),
            Content::Bytes(b) => crc.update(b),
            Content::TokenIds(ids) => format::update_crc_ids(&mut crc, ids),
        }
        let computed = crc.sum();
        if stored != computed {
            return Err(Error::ChecksumMismatch { stored, computed });
        }
    }
    Ok(content)
}

#[cfg(feature = "decode")]
/// The named vocabulary a header names by ID.
fn vocab_of(h: &Header, what: &'static str) -> Result<Vocab> {
    Vocab::from_id(h.tokenizer_id)
        .ok_or_else(|| Error::corrupt(what, format!("unknown tokenizer ID {}", h.tokenizer_id)))
}

#[cfg(feature = "decode")]
/// Token IDs from the methods that need no vocabulary, at most `max` of them.
fn decode_plain_ids(payload: &[u8], method: Method, max: usize) -> Result<Vec<u32>> {
    match method {
        Method::Stored => {
            if payload.len() % 4 != 0 {
                return Err(Error::corrupt(
                    "frame",
                    "stored token IDs are not a multiple of 4 bytes",
                ));
            }
            Limits::check_tokens((payload.len() / 4) as u64, max)?;
            Ok(payload
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect())
        }
        Method::LopaceToken => lopace::unpack_ids_limited(payload, max),
        Method::LopaceHybrid => {
            let mut ids = Vec::new();
            lopace::read_ids(zstd::stream_reader(payload)?, max, |block| {
                ids.extend_from_slice(block);
                Ok(())
            })?;
            Ok(ids)
        }
        _ => Err(Error::corrupt(
            "frame",
            format!("method '{}' cannot hold token IDs", method.name()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "encode")]
    /// Pay only for what is used: byte-level frames and model token IDs never load the tokenizer.
    #[test]
    fn byte_level_frames_never_load_the_tokenizer() {
        let c = Codec::new("o200k_harmony").unwrap();
        for m in [Method::Stored, Method::Zstd, Method::Gzip] {
            let f = c
                .compress_text("Hello, world", &Options::method(m))
                .unwrap();
            assert_eq!(c.decompress_text(&f).unwrap(), "Hello, world");
            let f = c.compress_bytes(b"\xff\xfe", &Options::method(m)).unwrap();
            assert_eq!(c.decompress(&f).unwrap(), Content::Bytes(vec![0xff, 0xfe]));
        }
        let f = c
            .compress_token_ids(&[1, 2, 3], &Options::method(Method::Stored))
            .unwrap();
        assert_eq!(c.decompress_token_ids(&f).unwrap(), [1, 2, 3]);
        assert!(c.tokenizer.get().is_none(), "no tokenizer was loaded");
        assert_eq!(c.tokenizer_name(), "o200k_harmony");
        assert!(c.tokenizer.get().is_none());
        // Token IDs through the model need the vocabulary size and priors, not the tables.
        let f = c
            .compress_token_ids(&[9906, 11, 1917], &Options::default())
            .unwrap();
        assert_eq!(c.decompress_token_ids(&f).unwrap(), [9906, 11, 1917]);
        assert!(c.tokenizer.get().is_none());
        // Text does need it.
        c.compress_text("Hello", &Options::default()).unwrap();
        assert!(c.tokenizer.get().is_some());
    }

    #[cfg(feature = "encode")]
    /// A tacc-gzip payload is refused from the count its list header declares, before the
    /// rest is inflated (10^9 IDs aborted the process with a 4 GiB allocation before), and
    /// every raw and framed decode honours the codec's limits.
    #[test]
    fn limits_are_checked_before_the_work() {
        use std::io::Write;
        let c = Codec::new("cl100k_base").unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&[0x19, 0xF5, 0x80, 0x94, 0xEB, 0xDC, 0x03])
            .unwrap();
        gz.write_all(&vec![2u8; 1 << 20]).unwrap();
        let p = gz.finish().unwrap();
        let e = c.decompress_tacc_payload(&p, true).unwrap_err();
        assert!(
            matches!(
                e,
                Error::TooLarge {
                    size: 1_000_000_000,
                    ..
                }
            ),
            "{e}"
        );
        assert!(e.to_string().contains("max_tokens"), "{e}");

        // Tight limits: 100 tokens / 1000 bytes.
        let text = "word ".repeat(400); // 400+ tokens, 2000 bytes
        let small = c.clone().with_limits(Limits::new(1000, 100));
        assert_eq!(small.limits(), Limits::new(1000, 100));
        for m in Method::ALL {
            let Ok(f) = c.compress_text(&text, &Options::method(m)) else {
                continue;
            };
            assert_eq!(c.decompress_text(&f).unwrap(), text, "{m:?}");
            let e = small.decompress_text(&f).unwrap_err();
            assert!(matches!(e, Error::TooLarge { .. }), "{m:?}: {e}");
            let e = decompress_with_limits(&f, &Limits::new(1000, 100)).unwrap_err();
            assert!(matches!(e, Error::TooLarge { .. }), "{m:?}: {e}");
        }
        let ids = c.tokenize(&text).unwrap();
        assert!(small.detokenize(&ids).is_err());
        let p = c.compress_tacc_payload(&ids, true).unwrap();
        assert!(matches!(
            small.decompress_tacc_payload(&p, true),
            Err(Error::TooLarge { .. })
        ));
        for lm in LopaceMethod::ALL {
            let p = c.compress_lopace_payload(&text, lm, 3).unwrap();
            assert_eq!(c.decompress_lopace_payload(&p, lm).unwrap(), text);
            assert!(
                matches!(
                    small.decompress_lopace_payload(&p, lm),
                    Err(Error::TooLarge { .. })
                ),
                "{lm:?}"
            );
        }
        // 0 means the default; anything above the hard caps is clamped.
        assert_eq!(Limits::new(0, 0), Limits::DEFAULT);
        assert_eq!(Limits::new(usize::MAX, usize::MAX), Limits::MAX);
    }

    /// Every built-in tokenizer's default `model` priors have a 2-byte profile, and the priors
    /// a profile names are the ones that tokenizer's frames are coded with.
    #[test]
    fn every_default_priors_id_has_a_profile() {
        for b in Builtin::ALL {
            if let Some(id) = model_codec::default_priors_id(b) {
                assert!(
                    format::v2::profile_of(b as u8, Some(id)).is_some(),
                    "{b:?} priors ID {id}: add a profile to format::v2::PROFILES"
                );
                let named = model_codec::builtin_priors_by_id(id).unwrap();
                let used = Codec::from_builtin(b).unwrap().priors().unwrap().unwrap();
                assert_eq!(named.fingerprint(), used.fingerprint(), "{b:?}");
            }
        }
        for v in OpenVocab::ALL {
            assert!(
                format::v2::profile_of(v as u8, Some(v.priors_id())).is_some(),
                "{v:?}: add a profile to format::v2::PROFILES"
            );
            assert_eq!(
                model_codec::priors_vocab(v.priors_id()).unwrap(),
                Vocab::Open(v)
            );
        }
    }

    /// An open vocabulary's codec without its file codes token IDs and says what text needs;
    /// given its priors file through a `CodecSpec` directory, frames name them by ID.
    #[cfg(feature = "encode")]
    #[test]
    fn open_vocab_codec_without_its_file() {
        let c = Codec::new("llama3").unwrap();
        assert_eq!(c.vocab(), Some(Vocab::Open(OpenVocab::Llama3)));
        assert_eq!(c.vocab_size(), 128_256);
        let e = c.tokenize("hi").unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument);
        assert!(e.to_string().contains("tokenizer.model"), "{e}");
        let ids = [128_000, 9906, 11, 1917, 0, 128_255];
        let models = concat!(env!("CARGO_MANIFEST_DIR"), "/models");
        let with = crate::CodecSpec::new()
            .with_tokenizer("llama3")
            .with_priors_dir(models)
            .build()
            .unwrap();
        let frame = with.compress_token_ids(&ids, &Options::default()).unwrap();
        assert_eq!(frame[1] & 0x3f, 15, "profile 15: llama3 with priors 5");
        assert_eq!(with.decompress_token_ids(&frame).unwrap(), ids);
        // Adaptive only without priors: a longer frame naming no priors, still decodable.
        let bare = c.compress_token_ids(&ids, &Options::default()).unwrap();
        assert_eq!(bare[1] & 0x3f, 0);
        assert_eq!(c.decompress_token_ids(&bare).unwrap(), ids);
    }

    #[cfg(feature = "encode")]
    /// Custom priors are named by fingerprint in the header extension; built-in ones by ID.
    #[test]
    fn custom_priors_are_named_and_required() {
        let c = Codec::new("cl100k_base").unwrap();
        let text = "the cat sat on the mat. the cat sat on the mat.";
        let ids = c.tokenize(text).unwrap();
        let priors = Arc::new(Priors::train(vec![ids.clone(); 3], c.vocab_size()));
        let custom = c.clone().with_priors(priors);
        let f = custom
            .compress_text(text, &Options::method(Method::Model))
            .unwrap();
        let (h, _) = Header::parse(&f).unwrap();
        assert!(h.priors_fingerprint.is_some() && h.priors_id.is_none());
        // 2 bytes + extension flags, tokenizer ID, 8-byte fingerprint.
        assert_eq!(f[1] & 0x3F, 0);
        assert_eq!(custom.decompress_text(&f).unwrap(), text);
        assert!(matches!(c.decompress_text(&f), Err(Error::Mismatch(_))));
        assert!(matches!(decompress(&f), Err(Error::Mismatch(_))));
        // Custom priors are the new model's: the old coder cannot use them, and says so.
        assert!(matches!(
            custom.compress_text(text, &Options::method(Method::ModelV1)),
            Err(Error::Mismatch(_))
        ));
        let f = c.compress_text(text, &Options::default()).unwrap();
        let (h, _) = Header::parse(&f).unwrap();
        assert_eq!((h.priors_id, h.priors_fingerprint), (Some(1), None));
    }
}
