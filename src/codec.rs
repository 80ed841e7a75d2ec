//! `Codec`: the public API everything else (CLI, C ABI, bindings) wraps.

use std::sync::Arc;

use crate::codecs::{gzip, lopace, model_v1 as model_codec, thrift, zstd};
use crate::error::{Error, Result};
use crate::format::{self, ContentKind, Header, Method};
use crate::limits::{MAX_DECODED_BYTES, MAX_TOKENS};
use crate::mapping::Mapping;
use crate::model::v1::Priors;
use crate::tokenizer::{Builtin, Tokenizer};

/// The method a frame uses when the caller does not choose: the context model, the smallest on
/// chat text and prompts (measured with `tacc bench`, see README and docs/MODEL.md).
pub const DEFAULT_METHOD: Method = Method::Model;

/// Options of the framed calls.
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
}

impl Default for Options {
    fn default() -> Self {
        Options {
            method: Some(DEFAULT_METHOD),
            zstd_level: zstd::DEFAULT_LEVEL,
            gzip_level: gzip::DEFAULT_LEVEL,
            checksum: true,
        }
    }
}

impl Options {
    pub fn method(method: Method) -> Options {
        Options {
            method: Some(method),
            ..Options::default()
        }
    }

    pub fn auto() -> Options {
        Options {
            method: None,
            ..Options::default()
        }
    }
}

/// LoPace's three methods (its `CompressionMethod`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LopaceMethod {
    Zstd,
    Token,
    Hybrid,
}

impl LopaceMethod {
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Text(String),
    TokenIds(Vec<u32>),
    Bytes(Vec<u8>),
}

/// Largest tacc payload a gzip member may inflate to: every ID as a 5-byte varint.
const MAX_THRIFT_BYTES: usize = 8 + MAX_TOKENS * 5;

/// A tokenizer plus its tacc mapping. Immutable, `Send + Sync`, cheap to clone: share it freely
/// between threads. Built-in tables are loaded once per process.
#[derive(Debug, Clone)]
pub struct Codec {
    tokenizer: Arc<Tokenizer>,
    custom_mapping: Option<Arc<Mapping>>,
    custom_priors: Option<Arc<Priors>>,
}

impl Codec {
    /// A codec for a built-in tokenizer: cl100k_base, gpt2, o200k_base, o200k_harmony,
    /// p50k_base, p50k_edit, r50k_base.
    pub fn new(tokenizer: &str) -> Result<Codec> {
        Ok(Codec {
            tokenizer: Tokenizer::builtin(tokenizer)?,
            custom_mapping: None,
            custom_priors: None,
        })
    }

    /// A codec over any tokenizer (for example one loaded from a `.tiktoken` file).
    pub fn from_tokenizer(tokenizer: Arc<Tokenizer>) -> Codec {
        Codec {
            tokenizer,
            custom_mapping: None,
            custom_priors: None,
        }
    }

    /// Replaces the tacc mapping (tacc's `mapping_path`).
    pub fn with_mapping(mut self, mapping: Arc<Mapping>) -> Codec {
        self.custom_mapping = Some(mapping);
        self
    }

    /// Replaces the context model's priors (for example trained on your own domain with `tacc train`).
    pub fn with_priors(mut self, priors: Arc<Priors>) -> Codec {
        self.custom_priors = Some(priors);
        self
    }

    /// The model priors in use: the custom ones, or the built-in tokenizer's (None: adaptive only).
    pub fn priors(&self) -> Result<Option<Arc<Priors>>> {
        if let Some(p) = &self.custom_priors {
            return Ok(Some(p.clone()));
        }
        match self.tokenizer.builtin_id() {
            Some(b) => model_codec::builtin_priors(b),
            None => Ok(None),
        }
    }

    pub fn tokenizer(&self) -> &Arc<Tokenizer> {
        &self.tokenizer
    }

    pub fn tokenizer_name(&self) -> &str {
        self.tokenizer.name()
    }

    /// The tacc mapping in use: the custom one, or the built-in tokenizer's.
    pub fn mapping(&self) -> Result<Arc<Mapping>> {
        if let Some(m) = &self.custom_mapping {
            return Ok(m.clone());
        }
        match self.tokenizer.builtin_id() {
            Some(b) => Mapping::builtin(b),
            None => Err(Error::InvalidArgument(
                "a custom tokenizer has no tacc mapping: build one with `tacc mapping` and pass it"
                    .into(),
            )),
        }
    }

    // ---- Text <-> token IDs -------------------------------------------------------------

    /// Text to token IDs (special-token strings are ordinary text).
    pub fn tokenize(&self, text: &str) -> Vec<u32> {
        self.tokenizer.encode(text)
    }

    /// Token IDs to text; an error if an ID is unknown or the bytes are not UTF-8.
    pub fn detokenize(&self, ids: &[u32]) -> Result<String> {
        self.tokenizer.decode(ids)
    }

    // ---- tacc 0.1.0's API ---------------------------------------------------------------

    pub fn token_id_to_mapped_id(&self, ids: &[u32]) -> Result<Vec<i32>> {
        self.mapping()?.map_ids(ids)
    }

    pub fn mapped_id_to_token_id(&self, mapped: &[i32]) -> Result<Vec<u32>> {
        self.mapping()?.unmap_ids(mapped)
    }

    /// tacc payload of mapped IDs (optionally gzip'd), byte-identical to tacc 0.1.0.
    pub fn encode_mapped_ids(&self, mapped: &[i32], gzip: bool) -> Result<Vec<u8>> {
        Ok(finish_tacc(thrift::encode(mapped), gzip))
    }

    pub fn decode_mapped_ids(&self, payload: &[u8], gzip: bool) -> Result<Vec<i32>> {
        if gzip {
            thrift::decode(&gzip::decompress(payload, MAX_THRIFT_BYTES)?)
        } else {
            thrift::decode(payload)
        }
    }

    /// tacc payload of token IDs (mapped, Thrift, optionally gzip), byte-identical to tacc 0.1.0.
    pub fn encode_token_ids(&self, ids: &[u32], gzip: bool) -> Result<Vec<u8>> {
        Ok(finish_tacc(self.thrift_of_ids(ids)?, gzip))
    }

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

    pub fn decode_token_ids(&self, payload: &[u8], gzip: bool) -> Result<Vec<u32>> {
        let mapped = self.decode_mapped_ids(payload, gzip)?;
        self.mapping()?.unmap_ids(&mapped)
    }

    /// tacc payload of token IDs without the mapping: each ID written as an i32 (IDs above
    /// i32::MAX wrap to negative values, as in tacc 0.1.0).
    pub fn encode_raw_token_ids(&self, ids: &[u32], gzip: bool) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        thrift::encode_into(ids.iter().map(|&id| id as i32), &mut out);
        Ok(finish_tacc(out, gzip))
    }

    /// Reads what [`Codec::encode_raw_token_ids`] wrote.
    pub fn decode_raw_token_ids(&self, payload: &[u8], gzip: bool) -> Result<Vec<u32>> {
        Ok(self
            .decode_mapped_ids(payload, gzip)?
            .into_iter()
            .map(|v| v as u32)
            .collect())
    }

    /// tacc payload of string tokens: each string must be exactly one token of the vocabulary.
    pub fn encode_tokens<S: AsRef<str>>(&self, tokens: &[S], gzip: bool) -> Result<Vec<u8>> {
        let ids: Result<Vec<u32>> = tokens
            .iter()
            .map(|t| {
                self.tokenizer
                    .token_of(t.as_ref())
                    .ok_or_else(|| Error::UnknownToken(t.as_ref().to_string()))
            })
            .collect();
        self.encode_token_ids(&ids?, gzip)
    }

    /// The string of each token; a token that is only part of a UTF-8 character comes out
    /// with U+FFFD in place of its bytes, as in tacc (use `decode_token_ids` to stay exact).
    pub fn decode_tokens(&self, payload: &[u8], gzip: bool) -> Result<Vec<String>> {
        let ids = self.decode_token_ids(payload, gzip)?;
        ids.iter()
            .map(|&id| {
                Ok(String::from_utf8_lossy(&self.tokenizer.decode_bytes(&[id])?).into_owned())
            })
            .collect()
    }

    // ---- LoPace 0.1.5's API -------------------------------------------------------------

    /// LoPace's payload for `text` (its `compress(text, method)`), at zstd `level` 1-22.
    pub fn lopace_compress(&self, text: &str, method: LopaceMethod, level: i32) -> Result<Vec<u8>> {
        match method {
            LopaceMethod::Zstd => zstd::compress(text.as_bytes(), level),
            LopaceMethod::Token => Ok(lopace::pack_ids(&self.tokenize(text))),
            LopaceMethod::Hybrid => zstd::compress(&lopace::pack_ids(&self.tokenize(text)), level),
        }
    }

    /// Restores text from a LoPace payload (its `decompress(blob, method)`).
    pub fn lopace_decompress(&self, payload: &[u8], method: LopaceMethod) -> Result<String> {
        match method {
            LopaceMethod::Zstd => String::from_utf8(zstd::decompress(payload, MAX_DECODED_BYTES)?)
                .map_err(|e| Error::InvalidUtf8(e.to_string())),
            LopaceMethod::Token => self.detokenize(&lopace::unpack_ids(payload)?),
            LopaceMethod::Hybrid => self.detokenize(&lopace::unpack_ids(&zstd::decompress(
                payload,
                1 + 4 * MAX_TOKENS,
            )?)?),
        }
    }

    // ---- Frames ---------------------------------------------------------------------------

    /// Compresses text into a self-describing frame.
    pub fn compress_text(&self, text: &str, opts: &Options) -> Result<Vec<u8>> {
        let mut ids = None;
        let checksum = opts.checksum.then(|| format::crc32_bytes(text.as_bytes()));
        self.build_frame(
            ContentKind::Text,
            text.len() as u64,
            checksum,
            opts,
            &mut |m| self.text_payload(text, m, opts, &mut ids),
        )
    }

    /// Compresses token IDs into a frame. IDs outside the tokenizer are fine for methods
    /// that do not need the vocabulary (stored, LoPace layouts).
    pub fn compress_token_ids(&self, ids: &[u32], opts: &Options) -> Result<Vec<u8>> {
        if ids.len() > MAX_TOKENS {
            return Err(Error::TooLarge {
                what: "token count",
                size: ids.len() as u64,
                limit: MAX_TOKENS as u64,
            });
        }
        let checksum = opts.checksum.then(|| format::crc32_ids(ids));
        self.build_frame(
            ContentKind::TokenIds,
            ids.len() as u64,
            checksum,
            opts,
            &mut |m| self.ids_payload(ids, m, opts),
        )
    }

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
        let checksum = opts.checksum.then(|| format::crc32_bytes(bytes));
        let opts = Options {
            method: Some(method),
            ..*opts
        };
        self.build_frame(
            ContentKind::Bytes,
            bytes.len() as u64,
            checksum,
            &opts,
            &mut |m| byte_payload(bytes, m, &opts),
        )
    }

    fn build_frame(
        &self,
        kind: ContentKind,
        content_len: u64,
        checksum: Option<u32>,
        opts: &Options,
        payload: &mut dyn FnMut(Method) -> Result<Vec<u8>>,
    ) -> Result<Vec<u8>> {
        let (method, body) = match opts.method {
            Some(m) => (m, payload(m)?),
            None => {
                // Auto: every method that applies to this content; the smallest wins, stored breaks ties.
                let mut best: Option<(Method, Vec<u8>)> = None;
                for m in Method::ALL {
                    if let Ok(b) = payload(m) {
                        if best.as_ref().is_none_or(|(_, bb)| b.len() < bb.len()) {
                            best = Some((m, b));
                        }
                    }
                }
                best.expect("stored always applies")
            }
        };
        let header = self.header_for(method, kind, checksum.is_some(), content_len)?;
        let mut out = Vec::with_capacity(body.len() + 32);
        header.write(&mut out);
        out.extend_from_slice(&body);
        if let Some(c) = checksum {
            out.extend_from_slice(&c.to_le_bytes());
        }
        Ok(out)
    }

    pub(crate) fn header_for(
        &self,
        method: Method,
        kind: ContentKind,
        checksum: bool,
        content_len: u64,
    ) -> Result<Header> {
        let tokenized = method.uses_tokens();
        let (tokenizer_id, tokenizer_fingerprint) = match self.tokenizer.builtin_id() {
            _ if !tokenized => (0, None),
            Some(b) => (b as u8, None),
            None => (0, Some(self.tokenizer.fingerprint())),
        };
        let mapping_fingerprint = match (&self.custom_mapping, method) {
            (Some(m), Method::Tacc | Method::TaccGzip) => Some(m.fingerprint()),
            _ => None,
        };
        Ok(Header {
            method,
            kind,
            checksum,
            tokenizer_id,
            tokenizer_fingerprint,
            mapping_fingerprint,
            priors_fingerprint: match (&self.custom_priors, method) {
                (Some(p), Method::Model) => Some(p.fingerprint()),
                _ => None,
            },
            content_len,
        })
    }

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
        let ids = ids.get_or_insert_with(|| self.tokenize(text));
        self.ids_payload(ids, method, opts)
    }

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
            Method::Model => model_codec::encode(ids, self.tokenizer.vocab_size(), self.priors()?),
        }
    }

    /// Decodes any frame. A frame that names a built-in tokenizer other than this codec's is
    /// decoded with that tokenizer; one made with a custom tokenizer or mapping must match this codec's.
    pub fn decompress(&self, frame: &[u8]) -> Result<Content> {
        decode_frame(frame, Some(self))
    }

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

    /// How many bits the context model spends on each token of `ids`, coded as one message
    /// with this codec's priors: what the `model` method's payload is made of, token by token
    /// (their sum is its size before the coder's final bytes and the frame header).
    pub fn model_token_bits(&self, ids: &[u32]) -> Result<Vec<f64>> {
        let costs =
            crate::model::v1::token_costs(ids, self.tokenizer.vocab_size(), self.priors()?)?;
        // token_costs counts in 1/256 bit.
        Ok(costs.into_iter().map(|c| c as f64 / 256.0).collect())
    }

    /// The codec that decodes a token-method frame: this one, or the built-in the frame names.
    pub(crate) fn codec_for(&self, h: &Header) -> Result<Codec> {
        let mut codec = match (h.tokenizer_id, h.tokenizer_fingerprint) {
            (0, Some(fp)) if self.tokenizer.builtin_id().is_none() && fp == self.tokenizer.fingerprint() => self.clone(),
            (0, Some(fp)) => {
                return Err(Error::Mismatch(format!(
                    "the frame was made with a custom tokenizer (fingerprint {fp:016x}); decode it with a codec built from that tokenizer"
                )))
            }
            (id, None) => {
                let b = Builtin::from_id(id).ok_or_else(|| Error::corrupt("frame", format!("unknown tokenizer ID {id}")))?;
                if self.tokenizer.builtin_id() == Some(b) {
                    self.clone()
                } else {
                    Codec::from_tokenizer(Tokenizer::from_builtin(b)?)
                }
            }
            (_, Some(_)) => return Err(Error::corrupt("frame", "both a built-in tokenizer and a fingerprint")),
        };
        // The frame says which mapping made it: the built-in one, or a custom one this codec must hold.
        codec.custom_mapping = match h.mapping_fingerprint {
            None => None,
            Some(fp) => match &self.custom_mapping {
                Some(m) if m.fingerprint() == fp => Some(m.clone()),
                _ => {
                    return Err(Error::Mismatch(format!(
                        "the frame was made with a custom tacc mapping (fingerprint {fp:016x}); decode it with a codec that has it"
                    )))
                }
            },
        };
        // Likewise for model priors.
        codec.custom_priors = match h.priors_fingerprint {
            None => None,
            Some(fp) => match &self.custom_priors {
                Some(p) if p.fingerprint() == fp => Some(p.clone()),
                _ => {
                    return Err(Error::Mismatch(format!(
                        "the frame was made with custom model priors (fingerprint {fp:016x}); decode it with a codec that has them"
                    )))
                }
            },
        };
        Ok(codec)
    }

    fn decode_ids_payload(&self, payload: &[u8], method: Method) -> Result<Vec<u32>> {
        match method {
            Method::Tacc => self.decode_token_ids(payload, false),
            Method::TaccGzip => self.decode_token_ids(payload, true),
            Method::Model => {
                model_codec::decode(payload, self.tokenizer.vocab_size(), self.priors()?)
            }
            other => decode_plain_ids(payload, other),
        }
    }
}

/// tacc's gzip step: its exact zlib stream, so raw payloads match tacc's bytes.
fn finish_tacc(thrift_bytes: Vec<u8>, gzip: bool) -> Vec<u8> {
    if gzip {
        gzip::compress_tacc_compatible(&thrift_bytes)
    } else {
        thrift_bytes
    }
}

fn content_name(c: &Content) -> &'static str {
    match c {
        Content::Text(_) => "text",
        Content::TokenIds(_) => "token IDs",
        Content::Bytes(_) => "non-UTF-8 bytes",
    }
}

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

fn decode_byte_payload(payload: &[u8], method: Method, expected: usize) -> Result<Vec<u8>> {
    let bytes = match method {
        Method::Stored => payload.to_vec(),
        Method::Zstd => zstd::decompress(payload, expected)?,
        Method::Gzip => gzip::decompress(payload, expected)?,
        _ => {
            return Err(Error::corrupt(
                "frame",
                format!("method '{}' cannot hold bytes", method.name()),
            ))
        }
    };
    if bytes.len() != expected {
        return Err(Error::corrupt(
            "frame",
            format!("content is {} bytes, header says {expected}", bytes.len()),
        ));
    }
    Ok(bytes)
}

/// Decodes any frame made with a built-in tokenizer, with no other information.
pub fn decompress(frame: &[u8]) -> Result<Content> {
    decode_frame(frame, None)
}

/// The one frame decoder. `codec` resolves custom tokenizers and mappings; without it only
/// built-in ones are known. Byte-level frames never load a tokenizer.
fn decode_frame(frame: &[u8], codec: Option<&Codec>) -> Result<Content> {
    let (h, payload) = Header::parse(frame)?;
    let max = match h.kind {
        ContentKind::TokenIds => MAX_TOKENS as u64,
        _ => MAX_DECODED_BYTES as u64,
    };
    if h.content_len > max {
        return Err(Error::TooLarge {
            what: "declared content size",
            size: h.content_len,
            limit: max,
        });
    }
    let len = h.content_len as usize;
    let resolve = || -> Result<Codec> {
        match codec {
            Some(c) => c.codec_for(&h),
            None if h.tokenizer_id == 0 => Err(Error::Mismatch(
                "the frame was made with a custom tokenizer: decode it with Codec::decompress on a codec built from it".into(),
            )),
            None => {
                let b = Builtin::from_id(h.tokenizer_id)
                    .ok_or_else(|| Error::corrupt("frame", format!("unknown tokenizer ID {}", h.tokenizer_id)))?;
                Codec::from_tokenizer(Tokenizer::from_builtin(b)?).codec_for(&h)
            }
        }
    };
    let content = match (h.kind, h.method.uses_tokens()) {
        (ContentKind::Bytes, true) => {
            return Err(Error::corrupt(
                "frame",
                "a token method cannot hold non-UTF-8 bytes",
            ))
        }
        (ContentKind::Bytes, false) => Content::Bytes(decode_byte_payload(payload, h.method, len)?),
        (ContentKind::TokenIds, _) => {
            // Stored and LoPace layouts need no vocabulary: only tacc's mapping does.
            let ids = if matches!(h.method, Method::Tacc | Method::TaccGzip | Method::Model) {
                resolve()?.decode_ids_payload(payload, h.method)?
            } else {
                decode_plain_ids(payload, h.method)?
            };
            if ids.len() != len {
                return Err(Error::corrupt(
                    "frame",
                    format!("{} token IDs decoded, header says {len}", ids.len()),
                ));
            }
            Content::TokenIds(ids)
        }
        (ContentKind::Text, tokens) => {
            let bytes = if tokens {
                let c = resolve()?;
                let ids = c.decode_ids_payload(payload, h.method)?;
                c.tokenizer.decode_bytes(&ids)?
            } else {
                decode_byte_payload(payload, h.method, len)?
            };
            if bytes.len() != len {
                return Err(Error::corrupt(
                    "frame",
                    format!("content is {} bytes, header says {len}", bytes.len()),
                ));
            }
            Content::Text(String::from_utf8(bytes).map_err(|e| Error::InvalidUtf8(e.to_string()))?)
        }
    };
    if h.checksum {
        let computed = match &content {
            Content::Text(t) => format::crc32_bytes(t.as_bytes()),
            Content::Bytes(b) => format::crc32_bytes(b),
            Content::TokenIds(ids) => format::crc32_ids(ids),
        };
        let stored = format::stored_checksum(frame);
        if stored != computed {
            return Err(Error::ChecksumMismatch { stored, computed });
        }
    }
    Ok(content)
}

/// Token IDs from the methods that need no vocabulary.
fn decode_plain_ids(payload: &[u8], method: Method) -> Result<Vec<u32>> {
    match method {
        Method::Stored => {
            if payload.len() % 4 != 0 {
                return Err(Error::corrupt(
                    "frame",
                    "stored token IDs are not a multiple of 4 bytes",
                ));
            }
            Ok(payload
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
                .collect())
        }
        Method::LopaceToken => lopace::unpack_ids(payload),
        Method::LopaceHybrid => lopace::unpack_ids(&zstd::decompress(payload, 1 + 4 * MAX_TOKENS)?),
        _ => Err(Error::corrupt(
            "frame",
            format!("method '{}' cannot hold token IDs", method.name()),
        )),
    }
}
