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
//!   check   16 bits  only in streams made with `StreamOptions { chunk_check: true }`
//!                    (header extension flag bit 4): the low 16 bits of the CRC-32 of the
//!                    header bytes, the chunk's token IDs (u32 LE) and its number (u64 LE)
//!   crc     32 bits  last chunk only: CRC-32 of the v2 header bytes, then every token ID of
//!                    the stream (u32 LE); v1: of the token IDs only
//! ```
//!
//! Decoding is bounded by the decoder's [`Limits`]: a chunk's output (its token IDs × 4 plus
//! its text bytes) by `max_output_bytes`, the stream's token count by `max_tokens`.
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
use crate::format::{self, v1, v2, ContentKind, Method};
use crate::limits::Limits;
use crate::model::{TokenDecoder, TokenEncoder};

/// The method number of a stream header (reserved for streams in docs/FORMAT.md).
pub use crate::format::STREAM_METHOD;

const F: &str = "stream";
const SEQ_BITS: u32 = 4;
/// P(end = 1) of the per-chunk end flag, in 1/4096: nearly free on every chunk but the last.
const P_END: u32 = 1;
const P_START: u32 = 2048;
/// Bits of the per-chunk check (`StreamOptions::chunk_check`).
const CHECK_BITS: u32 = 16;
/// Token IDs expanded into bytes at a time, checking the output limit between batches.
const EXPAND_BATCH: usize = 1024;

/// How a stream is coded (the decoder reads it from the stream header).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct StreamOptions {
    /// Every chunk carries a 16-bit check of its token IDs and its number, verified by the
    /// decoder at that chunk: for transports without integrity of their own. Costs 2 bytes per
    /// chunk (and 3 in the stream header); without it a corrupt chunk can decode to wrong IDs,
    /// caught only by the CRC-32 of the last chunk. Off by default.
    pub chunk_check: bool,
}

/// The per-chunk check: the low bits of the CRC-32 of the header bytes, the chunk's token IDs
/// (fed in as they come) and the chunk number.
fn chunk_check(crc_so_far: u32, seq: u64) -> u32 {
    let mut crc = libdeflater::Crc::with_initial(crc_so_far);
    crc.update(&seq.to_le_bytes());
    crc.sum() & ((1 << CHECK_BITS) - 1)
}

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
    /// With the chunk check: the CRC-32 of the header, and of the header and the chunk so far.
    check: Option<(u32, u32)>,
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

    #[cfg(feature = "encode")]
    /// A stream encoder with options (the per-chunk check).
    pub fn stream_encoder_with(&self, options: StreamOptions) -> Result<StreamEncoder> {
        StreamEncoder::with_options(self, options)
    }

    #[cfg(feature = "decode")]
    /// A stream decoder that resolves built-in tokenizers from the stream header, and this
    /// codec's custom tokenizer or priors when the header names them, within this codec's
    /// [`Limits`].
    pub fn stream_decoder(&self) -> StreamDecoder {
        StreamDecoder {
            codec: Some(self.clone()),
            ..StreamDecoder::new()
        }
        .with_limits(self.limits())
    }
}

#[cfg(feature = "encode")]
impl StreamEncoder {
    /// Same as [`Codec::stream_encoder`].
    pub fn new(codec: &Codec) -> Result<StreamEncoder> {
        StreamEncoder::with_options(codec, StreamOptions::default())
    }

    /// Same as [`Codec::stream_encoder_with`].
    pub fn with_options(codec: &Codec, options: StreamOptions) -> Result<StreamEncoder> {
        // The header names the priors (by ID, or a custom fingerprint): exactly those the coder uses.
        let h = codec.header_for(Method::Model, ContentKind::TokenIds, true)?;
        let priors = codec.priors_named(&h)?;
        let mut header = Vec::with_capacity(24);
        format::write_stream_header(&h, options.chunk_check, &mut header)?;
        // The end check covers the header as well as every token, as frames' CRC does.
        let mut crc = libdeflater::Crc::new();
        crc.update(&header);
        let check = options.chunk_check.then(|| (crc.sum(), crc.sum()));
        Ok(StreamEncoder {
            model: TokenEncoder::new(codec.vocab_size(), priors)?,
            codec: codec.clone(),
            header: Some(header),
            seq: 0,
            started: false,
            pending: 0,
            total: 0,
            crc,
            check,
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
        Limits::check_encode_tokens("stream token count", self.total + ids.len() as u64)?;
        // Checked before coding anything: the decoder must be able to turn every ID into bytes.
        self.codec.tokenizer()?.decode_bytes(ids)?;
        let mut buf = [0u8; 4];
        let vocab = self.codec.vocab_size();
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
            if let Some((_, c)) = &mut self.check {
                let mut crc = libdeflater::Crc::with_initial(*c);
                crc.update(&buf);
                *c = crc.sum();
            }
        }
        self.total += ids.len() as u64;
        Ok(())
    }

    /// Tokenizes `text` and adds its tokens. Pieces are tokenized one by one, so the IDs may
    /// differ from those of the whole text; the text the decoder restores is the same.
    pub fn push_text(&mut self, text: &str) -> Result<()> {
        let ids = self.codec.tokenize(text)?;
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
        if let Some((base, c)) = &mut self.check {
            self.model.push_bits(chunk_check(*c, self.seq), CHECK_BITS);
            *c = *base;
        }
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
    limits: Limits,
    /// The stream's chunks carry a check: the CRC-32 of the header bytes to start it from.
    check: Option<u32>,
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
    /// A decoder for streams made with a built-in tokenizer (named by the stream header),
    /// within [`Limits::DEFAULT`].
    pub fn new() -> StreamDecoder {
        StreamDecoder {
            codec: None,
            state: None,
            limits: Limits::DEFAULT,
            check: None,
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

    /// The same decoder within other limits (clamped to the hard caps): each chunk's output,
    /// its token IDs × 4 plus its text bytes, at most `max_output_bytes`; the stream's token
    /// count at most `max_tokens` (the model keeps every token as context).
    pub fn with_limits(mut self, limits: Limits) -> StreamDecoder {
        self.limits = limits.clamped();
        self
    }

    /// The decoder's limits.
    pub fn limits(&self) -> Limits {
        self.limits
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
        // least log2(4096/4095) bits, so a larger count cannot come from these bytes. The limits
        // cap the count too, while decoding: a chunk's IDs (4 bytes each) and their text (at
        // least 1 byte each) within max_output_bytes, the stream within max_tokens.
        let decisions = model.min_decisions_per_token();
        let limits = self.limits;
        let by_bytes = (body.len() as u64 + 4) * 8 * 2909 / decisions;
        let by_tokens = limits.max_tokens as u64 - self.total.min(limits.max_tokens as u64);
        let by_output = limits.max_output_bytes as u64 / 5;
        let (max_tokens, over) = if by_bytes <= by_tokens.min(by_output) {
            (by_bytes, Over::Bytes)
        } else if by_tokens <= by_output {
            (by_tokens, Over::Tokens)
        } else {
            (by_output, Over::Output)
        };
        let mut fields = ChunkFields {
            expected_seq: self.seq & ((1 << SEQ_BITS) - 1),
            max_tokens,
            check: self.check.is_some(),
            p_any: &mut self.p_any,
            p_more: &mut self.p_more,
        };
        let read = match model {
            StreamModel::Current(d) => fields.read(d.read_chunk(body)),
            StreamModel::V1(d) => fields.read(d.read_chunk(body)),
        };
        let (ids, check, stored) = match read {
            Ok(r) => r,
            Err(None) => {
                return Err(match over {
                    Over::Bytes => {
                        Error::corrupt(F, format!("more tokens than {} bytes can code", body.len()))
                    }
                    Over::Tokens => Error::TooLarge {
                        what: "stream token count (max_tokens)",
                        size: self.total + max_tokens + 1,
                        limit: limits.max_tokens as u64,
                    },
                    Over::Output => Error::TooLarge {
                        what: "stream chunk output, token IDs × 4 + text bytes (max_output_bytes)",
                        size: (max_tokens + 1) * 5,
                        limit: limits.max_output_bytes as u64,
                    },
                })
            }
            Err(Some(e)) => return Err(e),
        };
        // What the doubling left unused is returned before the bytes are expanded (a large
        // Vec shrinks in place), so IDs and text together stay within the limit.
        let mut ids = ids;
        if ids.capacity() - ids.len() > 4096 {
            ids.shrink_to_fit();
        }
        let mut buf = [0u8; 4];
        if let Some(base) = self.check {
            let mut crc = libdeflater::Crc::with_initial(base);
            for &id in &ids {
                buf.copy_from_slice(&id.to_le_bytes());
                crc.update(&buf);
            }
            let computed = chunk_check(crc.sum(), self.seq);
            let stored = check.unwrap_or(0);
            if computed != stored {
                return Err(Error::ChecksumMismatch { stored, computed });
            }
        }
        for &id in &ids {
            buf.copy_from_slice(&id.to_le_bytes());
            self.crc.update(&buf);
        }
        self.total += ids.len() as u64;
        self.seq += 1;
        expand(&mut self.held, self.limits, codec, &ids)?;
        // The complete characters leave without a copy; at most 3 bytes stay held back.
        let text = match std::str::from_utf8(&self.held) {
            Ok(_) => std::mem::take(&mut self.held),
            Err(e) if e.error_len().is_none() => {
                let tail = self.held.split_off(e.valid_up_to());
                std::mem::replace(&mut self.held, tail)
            }
            Err(e) => return Err(Error::InvalidUtf8(e.to_string())),
        };
        // Valid by the check above.
        let text = String::from_utf8(text).map_err(|e| Error::InvalidUtf8(e.to_string()))?;
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
        let format::StreamHeader {
            header: h,
            len,
            chunk_check,
            with_priors,
        } = format::parse_stream_header(chunk)?;
        if chunk_check {
            self.check = Some(libdeflater::crc32(&chunk[..len]));
        }
        *pos = len;
        let codec = Codec::for_header(self.codec.as_ref(), &h, self.limits, F)?;
        let vocab = codec.vocab_size();
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
/// Appends the bytes of `ids` to the held-back bytes, a batch at a time, within the output
/// limit (the IDs' 4 bytes each count too): never more than the limit plus a batch.
fn expand(held: &mut Vec<u8>, limits: Limits, codec: &Codec, ids: &[u32]) -> Result<()> {
    let limit = limits.max_output_bytes;
    // At most max_output_bytes / 5 IDs were decoded, so this does not underflow.
    let budget = limit.saturating_sub(ids.len() * 4);
    let start = held.len();
    for batch in ids.chunks(EXPAND_BATCH) {
        let bytes = codec.tokenizer()?.decode_bytes(batch)?;
        let produced = held.len() - start + bytes.len();
        if produced > budget {
            return Err(Error::TooLarge {
                what: "stream chunk output, token IDs × 4 + text bytes (max_output_bytes)",
                size: (ids.len() * 4 + produced) as u64,
                limit: limit as u64,
            });
        }
        // Grow by doubling, but never past what the limit allows.
        let need = held.len() + bytes.len();
        if need > held.capacity() {
            let cap = need.max((held.capacity() * 2).min(start + budget));
            held.reserve_exact(cap - held.len());
        }
        held.extend_from_slice(&bytes);
    }
    Ok(())
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
/// What capped a chunk's token count.
enum Over {
    /// What its bytes can code: a corrupt chunk.
    Bytes,
    /// The decoder's max_tokens.
    Tokens,
    /// The decoder's max_output_bytes.
    Output,
}

#[cfg(feature = "decode")]
/// The per-chunk framing: seq, tokens with their "more" flags, end flag, check, CRC.
struct ChunkFields<'a> {
    expected_seq: u64,
    max_tokens: u64,
    check: bool,
    p_any: &'a mut u32,
    p_more: &'a mut u32,
}

#[cfg(feature = "decode")]
impl ChunkFields<'_> {
    /// The chunk's token IDs, its check (if the stream has them) and, on the last chunk, the
    /// stored CRC. `Err(None)`: more than `max_tokens` tokens.
    #[allow(clippy::type_complexity)]
    fn read(
        &mut self,
        mut r: impl ChunkRead,
    ) -> std::result::Result<(Vec<u32>, Option<u32>, Option<u32>), Option<Error>> {
        let seq = r.bits(SEQ_BITS) as u64;
        let expected = self.expected_seq;
        if seq != expected {
            return Err(Some(Error::corrupt(
                F,
                format!(
                    "chunk {seq} arrived where chunk {expected} was expected (reordered, duplicated or lost)"
                ),
            )));
        }
        let mut ids = Vec::new();
        let any = r.flag(*self.p_any);
        adapt(self.p_any, any);
        if any {
            loop {
                if ids.len() as u64 >= self.max_tokens {
                    return Err(None);
                }
                // Grown by doubling up to the cap, never past it.
                if ids.len() == ids.capacity() {
                    let room = (self.max_tokens - ids.len() as u64).min(ids.len().max(64) as u64);
                    ids.reserve_exact(room as usize);
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
        let check = self.check.then(|| r.bits(CHECK_BITS));
        let stored = if end { Some(r.bits(32)) } else { None };
        if !r.ends_exactly() {
            return Err(Some(Error::corrupt(
                F,
                "the chunk's bytes do not end where its last decision ends",
            )));
        }
        Ok((ids, check, stored))
    }
}

#[cfg(all(test, feature = "encode"))]
mod tests;
