//! Streams: token IDs (or text) coded chunk by chunk as an LLM produces them, with the context
//! model's state carried across chunks (see docs/STREAM.md for the byte layout).
//!
//! ```text
//! stream header (first chunk only)
//!   magic 2 (D7 AC) | version 1 | method 1 (8) | flags 1 | tokenizer 1 | [8 fp] [8 fp] | mode 1
//! every chunk: the arithmetic coder's bytes (the transport delimits chunks), coding in order
//!   seq      4 bits  chunk number mod 16 (reordered, duplicated or lost chunks are refused)
//!   any      flag    the chunk holds tokens (adaptive probability)
//!   tokens           each token through the context model, each followed by a
//!   more     flag    another token follows in this chunk (adaptive probability)
//!   end      flag    last chunk (P = 1/4096)
//!   crc     32 bits  last chunk only: CRC-32 of every token ID of the stream (u32 LE)
//! ```
//!
//! ```
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
//! # Ok::<(), tacc::Error>(())
//! ```

use crate::codec::Codec;
use crate::error::{Error, Result};
use crate::format::{self, ContentKind, Header, Method, MAGIC};
use crate::limits::MAX_TOKENS;
use crate::model::v1::{TokenDecoder, TokenEncoder};
use crate::tokenizer::{Builtin, Tokenizer};

/// The method byte of a stream header (reserved for streams in docs/FORMAT.md).
pub const STREAM_METHOD: u8 = 8;

const F: &str = "stream";
const FLAG_CUSTOM_TOKENIZER: u8 = 1 << 3;
const FLAG_CUSTOM_PRIORS: u8 = 1 << 5;
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
    /// A stream encoder over this codec's tokenizer and model priors.
    pub fn stream_encoder(&self) -> Result<StreamEncoder> {
        StreamEncoder::new(self)
    }

    /// A stream decoder that resolves built-in tokenizers from the stream header, and this
    /// codec's custom tokenizer or priors when the header names them.
    pub fn stream_decoder(&self) -> StreamDecoder {
        StreamDecoder {
            codec: Some(self.clone()),
            ..StreamDecoder::new()
        }
    }
}

impl StreamEncoder {
    /// Same as [`Codec::stream_encoder`].
    pub fn new(codec: &Codec) -> Result<StreamEncoder> {
        let priors = codec.priors()?;
        let h = codec.header_for(Method::Model, ContentKind::TokenIds, true, 0)?;
        let mut header = Vec::with_capacity(24);
        header.extend_from_slice(&MAGIC);
        header.push(format::FORMAT_VERSION);
        header.push(STREAM_METHOD);
        let mut flags = (ContentKind::TokenIds as u8) << 1 | 1;
        flags |= if h.tokenizer_fingerprint.is_some() {
            FLAG_CUSTOM_TOKENIZER
        } else {
            0
        };
        flags |= if h.priors_fingerprint.is_some() {
            FLAG_CUSTOM_PRIORS
        } else {
            0
        };
        header.push(flags);
        header.push(h.tokenizer_id);
        for fp in [h.tokenizer_fingerprint, h.priors_fingerprint]
            .into_iter()
            .flatten()
        {
            header.extend_from_slice(&fp.to_le_bytes());
        }
        header.push(if priors.is_some() { 0 } else { 1 });
        Ok(StreamEncoder {
            model: TokenEncoder::new(codec.tokenizer().vocab_size(), priors)?,
            codec: codec.clone(),
            header: Some(header),
            seq: 0,
            started: false,
            pending: 0,
            total: 0,
            crc: libdeflater::Crc::new(),
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
        let mut coded = self.model.flush();
        // The decoder reads zeros past the end: trailing zero bytes need not be sent.
        while coded.last() == Some(&0) {
            coded.pop();
        }
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

/// Decodes one stream, chunk by chunk, in order. After an error every later call fails too.
/// One thread at a time; separate decoders in parallel.
pub struct StreamDecoder {
    codec: Option<Codec>,
    state: Option<(Codec, TokenDecoder)>,
    seq: u64,
    total: u64,
    crc: libdeflater::Crc,
    held: Vec<u8>,
    failed: Option<Error>,
    finished: bool,
    p_any: u32,
    p_more: u32,
}

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

impl Default for StreamDecoder {
    fn default() -> Self {
        StreamDecoder::new()
    }
}

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
        let (codec, model) = self.state.as_mut().expect("set above");
        // As in codecs/model.rs: each token costs at least one decision per vocabulary bit, each
        // at least log2(4096/4095) bits, so a larger count cannot come from this coder.
        let vocab = model.vocab_size();
        let decisions = (31 - vocab.leading_zeros()).max(1) as u64;
        let max_tokens = ((body.len() as u64 + 4) * 8 * 2909 / decisions)
            .min(MAX_TOKENS as u64 - self.total.min(MAX_TOKENS as u64));
        let mut r = model.read_chunk(body);
        let seq = r.bits(SEQ_BITS) as u64;
        let expected = self.seq & ((1 << SEQ_BITS) - 1);
        if seq != expected {
            return Err(Error::corrupt(
                F,
                format!(
                    "chunk {seq} arrived where chunk {expected} was expected (reordered, duplicated or lost)"
                ),
            ));
        }
        let mut ids = Vec::new();
        let any = r.flag(self.p_any);
        adapt(&mut self.p_any, any);
        if any {
            loop {
                if ids.len() as u64 >= max_tokens {
                    return Err(Error::corrupt(
                        F,
                        format!("more tokens than {} bytes can code", body.len()),
                    ));
                }
                ids.push(r.token());
                let more = r.flag(self.p_more);
                adapt(&mut self.p_more, more);
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

    fn parse_header(&self, chunk: &[u8], pos: &mut usize) -> Result<(Codec, TokenDecoder)> {
        if chunk.len() < 2 || chunk[..2] != MAGIC {
            return Err(Error::corrupt(
                F,
                "the first chunk does not start with a stream header (bad magic bytes)",
            ));
        }
        if chunk.len() < 7 {
            return Err(Error::corrupt(F, "truncated header"));
        }
        if chunk[2] != format::FORMAT_VERSION {
            return Err(Error::corrupt(
                F,
                format!("format version {} is not supported", chunk[2]),
            ));
        }
        if chunk[3] != STREAM_METHOD {
            return Err(Error::corrupt(
                F,
                format!(
                    "method {} is not a stream (a frame? decode it with tacc::decompress)",
                    chunk[3]
                ),
            ));
        }
        let flags = chunk[4];
        let expected = (ContentKind::TokenIds as u8) << 1 | 1;
        if flags & !(FLAG_CUSTOM_TOKENIZER | FLAG_CUSTOM_PRIORS) != expected {
            return Err(Error::corrupt(F, "unknown header flags"));
        }
        let tokenizer_id = chunk[5];
        *pos = 6;
        let mut fingerprint = |bit: u8| -> Result<Option<u64>> {
            if flags & bit == 0 {
                return Ok(None);
            }
            let b = chunk
                .get(*pos..*pos + 8)
                .ok_or_else(|| Error::corrupt(F, "truncated fingerprint"))?;
            *pos += 8;
            Ok(Some(u64::from_le_bytes(b.try_into().unwrap_or_default())))
        };
        let tokenizer_fingerprint = fingerprint(FLAG_CUSTOM_TOKENIZER)?;
        let priors_fingerprint = fingerprint(FLAG_CUSTOM_PRIORS)?;
        let mode = *chunk
            .get(*pos)
            .ok_or_else(|| Error::corrupt(F, "truncated header"))?;
        *pos += 1;
        let h = Header {
            method: Method::Model,
            kind: ContentKind::TokenIds,
            checksum: true,
            tokenizer_id,
            tokenizer_fingerprint,
            mapping_fingerprint: None,
            priors_fingerprint,
            content_len: 0,
        };
        let codec = match &self.codec {
            Some(c) => c.codec_for(&h)?,
            None if tokenizer_id == 0 => {
                return Err(Error::Mismatch(
                    "the stream was made with a custom tokenizer: decode it with Codec::stream_decoder on a codec built from it".into(),
                ))
            }
            None => {
                let b = Builtin::from_id(tokenizer_id).ok_or_else(|| {
                    Error::corrupt(F, format!("unknown tokenizer ID {tokenizer_id}"))
                })?;
                Codec::from_tokenizer(Tokenizer::from_builtin(b)?).codec_for(&h)?
            }
        };
        let priors = match mode {
            0 => Some(codec.priors()?.ok_or_else(|| {
                Error::Mismatch(
                    "the stream was coded with model priors this build does not have".into(),
                )
            })?),
            1 => None,
            _ => return Err(Error::corrupt(F, "unknown model mode")),
        };
        let model = TokenDecoder::new(codec.tokenizer().vocab_size(), priors)?;
        Ok((codec, model))
    }
}

#[cfg(test)]
mod tests;
