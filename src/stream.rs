//! Streams: token IDs (or text) coded chunk by chunk as an LLM produces them, with the context
//! model's state carried across chunks (see docs/STREAM.md for the byte layout).
//!
//! ```text
//! stream header (first chunk only): a v2 frame header with method 8 (docs/FORMAT.md)
//!   B8 | kind 1 + vocabulary profile | [extension: custom tokenizer / priors]   (2 bytes built-in)
//! (v1 streams, still read: D7 AC 01 08 flags tokenizer [8 fp] [8 fp] mode; the old model)
//! every chunk: the arithmetic coder's bytes (the transport delimits chunks), coding in order
//!   seq      4 bits  chunk number mod 16 (reordered, duplicated or lost chunks are refused)
//!   any      flag    the chunk holds tokens (adaptive probability)
//!   tokens           each token through the context model, each followed by a
//!   more     flag    another token follows in this chunk (adaptive probability)
//!   end      flag    last chunk (P = 1/4096)
//!   crc     32 bits  last chunk only: CRC-32 of the v2 header bytes, then every token ID of
//!                    the stream (u32 LE); v1: of the token IDs only
//! ```
//!
//! ```
//! # #[cfg(all(feature = "encode", feature = "decode", feature = "cl100k"))] {
//! let codec = tacc::Codec::new("cl100k_base")?;
//! let mut enc = codec.stream_encoder()?;
//! let mut dec = tacc::StreamDecoder::new();
//! let mut text = String::new();
//! for piece in ["Hello", ", wor", "ld! ", "😀"] {
//!     enc.push_text(piece)?;
//!     text += &dec.push_chunk(&enc.flush()?)?.text;
//! }
//! let last = dec.push_chunk(&enc.finish()?)?;
//! text += &last.text;
//! assert!(last.finished);
//! assert_eq!(text, "Hello, world! 😀");
//! # }
//! # Ok::<(), tacc::Error>(())
//! ```

// A build with only one of `encode` / `decode` keeps the half it has; what the other half
// shares (constants, imports) is unused there.
#![cfg_attr(
    not(all(feature = "encode", feature = "decode")),
    allow(dead_code, unused_imports)
)]

use crate::codec::Codec;
use crate::error::{Error, Result};
use crate::format::{self, v1, v2, ContentKind, Method, Version};
use crate::limits::MAX_TOKENS;
use crate::model::{TokenDecoder, TokenEncoder};
use crate::tokenizer::Builtin;

/// The method number of a stream header (reserved for streams in docs/FORMAT.md).
pub const STREAM_METHOD: u8 = format::STREAM_METHOD;

const F: &str = "stream";
const SEQ_BITS: u32 = 4;
/// P(end = 1) of the per-chunk end flag, in 1/4096: nearly free on every chunk but the last.
const P_END: u32 = 1;
const P_START: u32 = 2048;

/// Adapts a flag's probability of 1 (in 1/4096) toward what was just coded; the encoder and
/// the decoder run the same integer updates.
fn adapt(p1: &mut u32, bit: bool) {
    if bit {
        *p1 += (4096 - *p1) >> 4;
    } else {
        *p1 -= *p1 >> 4;
    }
    *p1 = (*p1).clamp(1, 4095);
}

#[cfg(feature = "encode")]
/// Encodes one stream. One thread at a time; separate encoders in parallel.
pub struct StreamEncoder {
    codec: Codec,
    model: TokenEncoder,
    header: Option<Vec<u8>>,
    seq: u64,
    /// The current chunk's seq bits are coded.
    started: bool,
    pending: usize,
    total: u64,
    crc: libdeflater::Crc,
    p_any: u32,
    p_more: u32,
}

#[cfg(feature = "encode")]
impl std::fmt::Debug for StreamEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamEncoder")
            .field("tokenizer", &self.codec.tokenizer_name())
            .field("seq", &self.seq)
            .field("pending", &self.pending)
            .field("total", &self.total)
            .finish()
    }
}

impl Codec {
    #[cfg(feature = "encode")]
    /// A stream encoder over this codec's tokenizer and model priors.
    pub fn stream_encoder(&self) -> Result<StreamEncoder> {
        StreamEncoder::new(self)
    }

    #[cfg(feature = "decode")]
    /// A stream decoder that resolves built-in tokenizers from the stream header, and this
    /// codec's custom tokenizer or priors when the header names them.
    pub fn stream_decoder(&self) -> StreamDecoder {
        StreamDecoder {
            codec: Some(self.clone()),
            ..StreamDecoder::new()
        }
    }
}

#[cfg(feature = "encode")]
impl StreamEncoder {
    /// Same as [`Codec::stream_encoder`].
    pub fn new(codec: &Codec) -> Result<StreamEncoder> {
        // The header names the priors (by ID, or a custom fingerprint): exactly those the coder uses.
        let h = codec.header_for(Method::Model, ContentKind::TokenIds, true)?;
        let priors = codec.priors_named(&h)?;
        let mut header = Vec::with_capacity(24);
        v2::write_stream(&h, &mut header)?;
        // The end check covers the header as well as every token, as frames' CRC does.
        let mut crc = libdeflater::Crc::new();
        crc.update(&header);
        Ok(StreamEncoder {
            model: TokenEncoder::new(codec.tokenizer().vocab_size(), priors)?,
            codec: codec.clone(),
            header: Some(header),
            seq: 0,
            started: false,
            pending: 0,
            total: 0,
            crc,
            p_any: P_START,
            p_more: P_START,
        })
    }

    /// Adds token IDs to the current chunk. Every ID must be one the tokenizer can decode;
    /// on error nothing is added.
    pub fn push_token_ids(&mut self, ids: &[u32]) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        if self.total + ids.len() as u64 > MAX_TOKENS as u64 {
            return Err(Error::TooLarge {
                what: "stream token count",
                size: self.total + ids.len() as u64,
                limit: MAX_TOKENS as u64,
            });
        }
        // Checked before coding anything: the decoder must be able to turn every ID into bytes.
        self.codec.tokenizer().decode_bytes(ids)?;
        let mut buf = [0u8; 4];
        let vocab = self.codec.tokenizer().vocab_size();
        if let Some(&id) = ids.iter().find(|&&id| id >= vocab) {
            return Err(Error::UnknownTokenId {
                id: id as i64,
                table: "model vocabulary",
                size: vocab,
            });
        }
        self.start_chunk();
        for &id in ids {
            if self.pending == 0 {
                self.model.push_flag(true, self.p_any);
                adapt(&mut self.p_any, true);
            } else {
                self.model.push_flag(true, self.p_more);
                adapt(&mut self.p_more, true);
            }
            self.model.push(id)?;
            self.pending += 1;
            buf.copy_from_slice(&id.to_le_bytes());
            self.crc.update(&buf);
        }
        self.total += ids.len() as u64;
        Ok(())
    }

    /// Tokenizes `text` and adds its tokens. Pieces are tokenized one by one, so the IDs may
    /// differ from those of the whole text; the text the decoder restores is the same.
    pub fn push_text(&mut self, text: &str) -> Result<()> {
        let ids = self.codec.tokenize(text);
        self.push_token_ids(&ids)
    }

    /// Ends the current chunk and returns it (the first one starts with the stream header).
    /// Flushing with no new tokens gives a chunk of a byte or so (possibly empty: send it anyway).
    pub fn flush(&mut self) -> Result<Vec<u8>> {
        self.chunk(false)
    }

    /// Ends the stream: the last chunk, with the pending tokens, the end marker and the
    /// CRC-32 of every token ID of the stream.
    pub fn finish(mut self) -> Result<Vec<u8>> {
        self.chunk(true)
    }

    /// Token IDs pushed since the last flush.
    pub fn pending_tokens(&self) -> usize {
        self.pending
    }

    fn start_chunk(&mut self) {
        if !self.started {
            self.model.push_bits(self.seq as u32, SEQ_BITS);
            self.started = true;
        }
    }

    fn chunk(&mut self, end: bool) -> Result<Vec<u8>> {
        self.start_chunk();
        if self.pending == 0 {
            self.model.push_flag(false, self.p_any);
            adapt(&mut self.p_any, false);
        } else {
            self.model.push_flag(false, self.p_more);
            adapt(&mut self.p_more, false);
        }
        self.model.push_flag(end, P_END);
        if end {
            self.model.push_bits(self.crc.sum(), 32);
        }
        // Sent as flushed, trailing zero bytes included: the decoder checks that a chunk ends
        // exactly where the coder's flush ended it, which is what refuses cut chunks.
        let coded = self.model.flush();
        let mut out = self.header.take().unwrap_or_default();
        out.extend_from_slice(&coded);
        self.seq += 1;
        self.started = false;
        self.pending = 0;
        Ok(out)
    }
}

/// What one chunk made available.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreamUpdate {
    /// The chunk's token IDs.
    pub token_ids: Vec<u32>,
    /// Newly complete text: always valid UTF-8; the bytes of a character split across tokens
    /// are held back until the token that completes it.
    pub text: String,
    /// The chunk ended the stream, and the stream's checksum matched.
    pub finished: bool,
}

#[cfg(feature = "decode")]
/// Decodes one stream, chunk by chunk, in order. After an error every later call fails too.
/// One thread at a time; separate decoders in parallel.
pub struct StreamDecoder {
    codec: Option<Codec>,
    state: Option<(Codec, StreamModel)>,
    seq: u64,
    total: u64,
    crc: libdeflater::Crc,
    held: Vec<u8>,
    failed: Option<Error>,
    finished: bool,
    p_any: u32,
    p_more: u32,
}

#[cfg(feature = "decode")]
impl std::fmt::Debug for StreamDecoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamDecoder")
            .field("seq", &self.seq)
            .field("total", &self.total)
            .field("failed", &self.failed)
            .field("finished", &self.finished)
            .finish()
    }
}

#[cfg(feature = "decode")]
impl Default for StreamDecoder {
    fn default() -> Self {
        StreamDecoder::new()
    }
}

#[cfg(feature = "decode")]
impl StreamDecoder {
    /// A decoder for streams made with a built-in tokenizer (named by the stream header).
    pub fn new() -> StreamDecoder {
        StreamDecoder {
            codec: None,
            state: None,
            seq: 0,
            total: 0,
            crc: libdeflater::Crc::new(),
            held: Vec::new(),
            failed: None,
            finished: false,
            p_any: P_START,
            p_more: P_START,
        }
    }

    /// Whether the end marker arrived and the stream's checksum matched.
    /// False after a truncated stream.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Whether an earlier error put the decoder in its failed state.
    pub fn is_failed(&self) -> bool {
        self.failed.is_some()
    }

    /// Tokens decoded so far.
    pub fn token_count(&self) -> u64 {
        self.total
    }

    /// Decodes the next chunk. Chunks must arrive in order, each exactly once.
    pub fn push_chunk(&mut self, chunk: &[u8]) -> Result<StreamUpdate> {
        if let Some(e) = &self.failed {
            return Err(Error::InvalidArgument(format!(
                "the stream decoder failed earlier: {e}"
            )));
        }
        let r = self.decode(chunk);
        if let Err(e) = &r {
            self.failed = Some(e.clone());
        }
        r
    }

    fn decode(&mut self, chunk: &[u8]) -> Result<StreamUpdate> {
        if self.finished {
            return Err(Error::corrupt(F, "a chunk after the end of the stream"));
        }
        let mut pos = 0;
        if self.state.is_none() {
            self.state = Some(self.parse_header(chunk, &mut pos)?);
        }
        let body = &chunk[pos..];
        let Some((codec, model)) = self.state.as_mut() else {
            return Err(Error::corrupt(F, "no stream header"));
        };
        // Each token costs at least a few coded decisions (see `min_decisions_per_token`), each at
        // least log2(4096/4095) bits, so a larger count cannot come from these bytes.
        let decisions = model.min_decisions_per_token();
        let max_tokens = ((body.len() as u64 + 4) * 8 * 2909 / decisions)
            .min(MAX_TOKENS as u64 - self.total.min(MAX_TOKENS as u64));
        let mut fields = ChunkFields {
            expected_seq: self.seq & ((1 << SEQ_BITS) - 1),
            max_tokens,
            body_len: body.len(),
            p_any: &mut self.p_any,
            p_more: &mut self.p_more,
        };
        let (ids, stored) = match model {
            StreamModel::Current(d) => fields.read(d.read_chunk(body))?,
            StreamModel::V1(d) => fields.read(d.read_chunk(body))?,
        };
        let count = ids.len() as u64;
        let bytes = codec.tokenizer().decode_bytes(&ids)?;
        let mut buf = [0u8; 4];
        for &id in &ids {
            buf.copy_from_slice(&id.to_le_bytes());
            self.crc.update(&buf);
        }
        self.total += count;
        self.seq += 1;
        self.held.extend_from_slice(&bytes);
        let text = match std::str::from_utf8(&self.held) {
            Ok(s) => {
                let s = s.to_string();
                self.held.clear();
                s
            }
            Err(e) if e.error_len().is_none() => {
                let n = e.valid_up_to();
                // Valid up to n by the check above.
                let s = String::from_utf8_lossy(&self.held[..n]).into_owned();
                self.held.drain(..n);
                s
            }
            Err(e) => return Err(Error::InvalidUtf8(e.to_string())),
        };
        if let Some(stored) = stored {
            let computed = self.crc.sum();
            if computed != stored {
                return Err(Error::ChecksumMismatch { stored, computed });
            }
            if !self.held.is_empty() {
                return Err(Error::InvalidUtf8(format!(
                    "the stream ends inside a character ({} bytes left)",
                    self.held.len()
                )));
            }
            self.finished = true;
        }
        Ok(StreamUpdate {
            token_ids: ids,
            text,
            finished: self.finished,
        })
    }

    fn parse_header(&mut self, chunk: &[u8], pos: &mut usize) -> Result<(Codec, StreamModel)> {
        let (h, with_priors, len) = match format::sniff(chunk) {
            Some(Version::V2) => {
                let (h, len) = v2::parse_stream_header(chunk)?;
                let named = h.priors_id.is_some() || h.priors_fingerprint.is_some();
                (h, named, len)
            }
            Some(Version::V1) => v1::parse_stream_header(chunk)?,
            None => {
                return Err(Error::corrupt(
                    F,
                    "the first chunk does not start with a stream header (bad magic bytes)",
                ))
            }
        };
        *pos = len;
        let codec = match &self.codec {
            Some(c) => c.codec_for(&h)?,
            None if h.tokenizer_id == 0 => {
                return Err(Error::Mismatch(
                    "the stream was made with a custom tokenizer: decode it with Codec::stream_decoder on a codec built from it".into(),
                ))
            }
            None => {
                let b = Builtin::from_id(h.tokenizer_id).ok_or_else(|| {
                    Error::corrupt(F, format!("unknown tokenizer ID {}", h.tokenizer_id))
                })?;
                Codec::from_builtin(b)?.codec_for(&h)?
            }
        };
        let vocab = codec.tokenizer().vocab_size();
        let model = if h.version == v2::VERSION {
            // v2's end check starts with the header bytes.
            self.crc.update(&chunk[..len]);
            StreamModel::Current(Box::new(TokenDecoder::new(vocab, codec.priors_named(&h)?)?))
        } else {
            let priors = if with_priors {
                Some(codec.priors_v1()?.ok_or_else(|| {
                    Error::Mismatch(
                        "the stream was coded with model priors this build does not have".into(),
                    )
                })?)
            } else {
                None
            };
            StreamModel::V1(Box::new(v1::coder::TokenDecoder::new(vocab, priors)?))
        };
        Ok((codec, model))
    }
}

#[cfg(feature = "decode")]
/// The model a stream is decoded with: the current one (v2 streams) or the old one (v1).
enum StreamModel {
    Current(Box<TokenDecoder>),
    V1(Box<v1::coder::TokenDecoder>),
}

#[cfg(feature = "decode")]
impl StreamModel {
    /// A lower bound on what one token of a chunk costs, in units of the cheapest binary
    /// decision (log2(4096/4095) bits): it caps the tokens a chunk's bytes can hold, which keeps
    /// hostile chunks cheap to refuse. The old model codes one decision per bit of the
    /// vocabulary; the new one codes a token in one range-coder step of at least 1/107 bit
    /// (its escape floor, codecs/model.rs), worth 26 such decisions, plus the "more" flag: 20
    /// stays below both (a larger bound would refuse valid streams).
    fn min_decisions_per_token(&self) -> u64 {
        match self {
            StreamModel::Current(_) => 20,
            StreamModel::V1(d) => (31 - d.vocab_size().leading_zeros()).max(1) as u64,
        }
    }
}

#[cfg(feature = "decode")]
/// What the chunk framing reads through a model's chunk reader (both models' readers have the
/// same calls).
trait ChunkRead {
    fn token(&mut self) -> u32;
    fn flag(&mut self, p1: u32) -> bool;
    fn bits(&mut self, nbits: u32) -> u32;
    fn ends_exactly(&self) -> bool;
}

#[cfg(feature = "decode")]
macro_rules! chunk_read {
    ($t:ty) => {
        impl ChunkRead for $t {
            fn token(&mut self) -> u32 {
                <$t>::token(self)
            }
            fn flag(&mut self, p1: u32) -> bool {
                <$t>::flag(self, p1)
            }
            fn bits(&mut self, nbits: u32) -> u32 {
                <$t>::bits(self, nbits)
            }
            fn ends_exactly(&self) -> bool {
                <$t>::ends_exactly(self)
            }
        }
    };
}
#[cfg(feature = "decode")]
chunk_read!(crate::model::ChunkReader<'_>);
#[cfg(feature = "decode")]
chunk_read!(v1::coder::ChunkReader<'_>);

#[cfg(feature = "decode")]
/// The per-chunk framing: seq, tokens with their "more" flags, end flag, CRC.
struct ChunkFields<'a> {
    expected_seq: u64,
    max_tokens: u64,
    body_len: usize,
    p_any: &'a mut u32,
    p_more: &'a mut u32,
}

#[cfg(feature = "decode")]
impl ChunkFields<'_> {
    /// The chunk's token IDs and, on the last chunk, the stored CRC.
    fn read(&mut self, mut r: impl ChunkRead) -> Result<(Vec<u32>, Option<u32>)> {
        let seq = r.bits(SEQ_BITS) as u64;
        let expected = self.expected_seq;
        if seq != expected {
            return Err(Error::corrupt(
                F,
                format!(
                    "chunk {seq} arrived where chunk {expected} was expected (reordered, duplicated or lost)"
                ),
            ));
        }
        let mut ids = Vec::new();
        let any = r.flag(*self.p_any);
        adapt(self.p_any, any);
        if any {
            loop {
                if ids.len() as u64 >= self.max_tokens {
                    return Err(Error::corrupt(
                        F,
                        format!("more tokens than {} bytes can code", self.body_len),
                    ));
                }
                ids.push(r.token());
                let more = r.flag(*self.p_more);
                adapt(self.p_more, more);
                if !more {
                    break;
                }
            }
        }
        let end = r.flag(P_END);
        let stored = if end { Some(r.bits(32)) } else { None };
        if !r.ends_exactly() {
            return Err(Error::corrupt(
                F,
                "the chunk's bytes do not end where its last decision ends",
            ));
        }
        Ok((ids, stored))
    }
}

#[cfg(all(test, feature = "encode"))]
mod tests;
