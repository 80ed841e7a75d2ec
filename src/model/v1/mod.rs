//! The first context-model coder (payload method `model-v1`), kept unchanged so its frames
//! keep decoding: binary decomposition of token IDs.
//!
//! Each token ID is coded MSB-first as a path in a binary tree; every binary decision is
//! predicted by an integer logistic mixer over static statistics (`Priors`: unigram + pruned
//! bigram counts, pretrained mixer weights) and adaptive in-message statistics (order-0/1/2
//! hashed bit contexts, a long-repeat match model), then coded with a carry-less binary
//! arithmetic coder. Integer arithmetic only: output is bit-exact on every platform.
//! See docs/MODEL.md.

mod coder;
mod predictor;
mod priors;
mod tables;

pub use priors::Priors;

use coder::BitIo;
use predictor::Predictor;
use std::sync::Arc;

pub use super::{ModelError, MAX_VOCAB_SIZE};

fn check_setup(vocab_size: u32, priors: &Option<Arc<Priors>>) -> Result<(), ModelError> {
    if vocab_size == 0 || vocab_size > MAX_VOCAB_SIZE {
        return Err(ModelError::Corrupt(format!(
            "vocab_size {vocab_size} out of range 1..={MAX_VOCAB_SIZE}"
        )));
    }
    if let Some(p) = priors.as_ref().filter(|p| p.vocab_size() > vocab_size) {
        return Err(ModelError::BadPriors(format!(
            "priors trained for vocab_size {} used with vocab_size {vocab_size}",
            p.vocab_size()
        )));
    }
    Ok(())
}

/// Stateful encoder: tokens go in one at a time; `flush()` ends the current chunk on a byte
/// boundary while keeping the model state.
pub struct TokenEncoder {
    vocab_size: u32,
    model: Predictor,
    coder: coder::Encoder,
}

impl TokenEncoder {
    /// `priors.vocab_size()` must be <= `vocab_size` (IDs above the priors' vocabulary are coded
    /// by the adaptive models and a uniform-ish fallback), else `BadPriors`.
    pub fn new(vocab_size: u32, priors: Option<Arc<Priors>>) -> Result<TokenEncoder, ModelError> {
        check_setup(vocab_size, &priors)?;
        Ok(TokenEncoder {
            vocab_size,
            model: Predictor::new(vocab_size, priors),
            coder: coder::Encoder::new(),
        })
    }

    pub fn push(&mut self, id: u32) -> Result<(), ModelError> {
        if id >= self.vocab_size {
            return Err(ModelError::InvalidToken {
                id,
                vocab_size: self.vocab_size,
            });
        }
        self.model.code_token(&mut self.coder, id);
        Ok(())
    }

    /// Bytes of the chunk so far (0..=4 bytes of coder tail beyond the coded bits; empty when
    /// nothing needs to be said). Model state is kept; the next chunk starts a fresh coder.
    pub fn flush(&mut self) -> Vec<u8> {
        self.coder.flush()
    }

    /// Upper bound of this codec's working memory in bytes (excluding shared priors).
    pub fn max_memory(&self) -> usize {
        self.model.max_memory()
    }

    /// Codes one binary decision with P(1) = `p1`/4096 into the current chunk (framing that
    /// rides in the coder, as streams do; the model state is not touched).
    pub fn push_flag(&mut self, bit: bool, p1: u32) {
        self.coder.code(bit as u32, p1.clamp(1, 4095));
    }

    /// Codes the low `nbits` bits of `value` (MSB first), one bit each.
    pub fn push_bits(&mut self, value: u32, nbits: u32) {
        for i in (0..nbits.min(32)).rev() {
            self.coder.code((value >> i) & 1, 2048);
        }
    }
}

/// Reads one chunk decision by decision: tokens and framing in the order the encoder coded
/// them. Reading past the chunk's bytes sees zeros (never panics).
pub struct ChunkReader<'a> {
    model: &'a mut Predictor,
    dec: coder::Decoder<'a>,
}

impl ChunkReader<'_> {
    /// The next token.
    pub fn token(&mut self) -> u32 {
        self.model.code_token(&mut self.dec, 0)
    }

    /// The next decision coded with [`TokenEncoder::push_flag`] and the same `p1`.
    pub fn flag(&mut self, p1: u32) -> bool {
        self.dec.code(0, p1.clamp(1, 4095)) != 0
    }

    /// After the chunk's last decision: whether its bytes end exactly where `flush` ended them
    /// (bytes appended to or cut from a chunk usually show here; see `coder::Decoder::ends_exactly`).
    pub fn ends_exactly(&self) -> bool {
        self.dec.ends_exactly()
    }

    /// Whether the bytes already read cannot come from the encoder: more than 4 read past the
    /// chunk's end (cheap; check as you go, as `ChunkReader` of the current coder allows).
    pub fn is_broken(&self) -> bool {
        self.dec.overrun() > 4
    }

    /// The next `nbits` bits coded with [`TokenEncoder::push_bits`].
    pub fn bits(&mut self, nbits: u32) -> u32 {
        let mut v = 0u32;
        for _ in 0..nbits.min(32) {
            v = (v << 1) | self.dec.code(0, 2048);
        }
        v
    }
}

pub struct TokenDecoder {
    vocab_size: u32,
    model: Predictor,
}

impl TokenDecoder {
    pub fn new(vocab_size: u32, priors: Option<Arc<Priors>>) -> Result<TokenDecoder, ModelError> {
        check_setup(vocab_size, &priors)?;
        Ok(TokenDecoder {
            vocab_size,
            model: Predictor::new(vocab_size, priors),
        })
    }

    /// Decode exactly `n` tokens from one chunk produced by one `flush()`. Garbage input yields
    /// in-range garbage tokens (never panics or hangs) until the bytes run out, which stops the
    /// decode; the output grows with the tokens decoded (never sized from `n` alone).
    pub fn decode_chunk(&mut self, chunk: &[u8], n: usize) -> Result<Vec<u32>, ModelError> {
        self.decode_chunk_with(chunk, n, &mut |_| Ok(()))
    }

    /// [`decode_chunk`](Self::decode_chunk), calling `on_token` with every token as soon as it
    /// is decoded; its error stops the decode and is returned.
    pub(crate) fn decode_chunk_with<E: From<ModelError>>(
        &mut self,
        chunk: &[u8],
        n: usize,
        on_token: &mut dyn FnMut(u32) -> Result<(), E>,
    ) -> Result<Vec<u32>, E> {
        let mut dec = coder::Decoder::new(chunk);
        let mut out = Vec::with_capacity(n.min(chunk.len() * 4 + 16));
        for _ in 0..n {
            let t = self.model.code_token(&mut dec, 0);
            debug_assert!(t < self.vocab_size);
            if dec.overrun() > 4 {
                return Err(
                    ModelError::Corrupt("the coded bytes end before the tokens do".into()).into(),
                );
            }
            on_token(t)?;
            out.push(t);
        }
        if !dec.ends_exactly() {
            return Err(ModelError::Corrupt(
                "the coded bytes do not end where the last token ends".into(),
            )
            .into());
        }
        Ok(out)
    }

    pub fn vocab_size(&self) -> u32 {
        self.vocab_size
    }

    /// Starts reading one chunk produced by one `flush()` that may hold framing decisions.
    pub fn read_chunk<'a>(&'a mut self, chunk: &'a [u8]) -> ChunkReader<'a> {
        ChunkReader {
            model: &mut self.model,
            dec: coder::Decoder::new(chunk),
        }
    }
}

/// One-shot: new + push all + flush.
pub fn encode(
    ids: &[u32],
    vocab_size: u32,
    priors: Option<Arc<Priors>>,
) -> Result<Vec<u8>, ModelError> {
    let mut e = TokenEncoder::new(vocab_size, priors)?;
    for &id in ids {
        e.push(id)?;
    }
    Ok(e.flush())
}

/// One-shot: new + decode_chunk.
pub fn decode(
    data: &[u8],
    n: usize,
    vocab_size: u32,
    priors: Option<Arc<Priors>>,
) -> Result<Vec<u32>, ModelError> {
    TokenDecoder::new(vocab_size, priors)?.decode_chunk(data, n)
}

/// Ideal code length of each token in 1/256 bit (integer fixed point), as one chunk.
pub fn token_costs(
    ids: &[u32],
    vocab_size: u32,
    priors: Option<Arc<Priors>>,
) -> Result<Vec<u32>, ModelError> {
    check_setup(vocab_size, &priors)?;
    let mut m = Predictor::new(vocab_size, priors);
    let mut meter = coder::CostMeter { total: 0 };
    let mut out = Vec::with_capacity(ids.len());
    for &id in ids {
        if id >= vocab_size {
            return Err(ModelError::InvalidToken { id, vocab_size });
        }
        let before = meter.total;
        m.code_token(&mut meter, id);
        out.push((meter.total - before).min(u32::MAX as u64) as u32);
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
