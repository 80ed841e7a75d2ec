//! Context-model entropy coder over token IDs (the `model` method).
//!
//! Each token is coded in about one step of a multi-symbol range coder: a small candidate set
//! (the most probable static successors of the previous token, the token's recent successors in
//! this message, the match model's prediction) whose frequencies are a linear mix with integer
//! weights chosen by context confidence and trained offline, plus one escape symbol. An escape
//! codes the token from the message's own order-0 statistics (tokens seen so far) or from the
//! static frequency-rank buckets of the vocabulary. Integer arithmetic only: bit-exact on every
//! platform. See docs/MODEL.md. The first coder (binary decomposition) lives on as [`v1`].

pub(crate) mod coder;
mod params;
mod predictor;
mod priors;
#[cfg(test)]
mod tests;
mod train;
/// The format-1 binary-decomposition coder, behind the `v1` feature.
#[cfg(feature = "v1")]
pub mod v1;

pub use priors::Priors;
pub use train::TrainConfig;

pub(crate) use coder::{code_bits, code_flag};
use coder::{CostMeter, Decoder, Encoder};
pub(crate) use params::*;
pub use params::{ModelError, MAX_VOCAB_SIZE};
pub(crate) use predictor::Model;
use std::sync::Arc;

pub(crate) fn check_setup(vocab_size: u32, priors: &Option<Arc<Priors>>) -> Result<(), ModelError> {
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
    model: Model,
    coder: Encoder,
}

impl TokenEncoder {
    /// `priors.vocab_size()` must be <= `vocab_size` (IDs above the priors' vocabulary are coded
    /// by the adaptive models and the escape path), else `BadPriors`.
    pub fn new(vocab_size: u32, priors: Option<Arc<Priors>>) -> Result<TokenEncoder, ModelError> {
        check_setup(vocab_size, &priors)?;
        Ok(TokenEncoder {
            vocab_size,
            model: Model::new(vocab_size, priors),
            coder: Encoder::new(),
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

    /// Bytes of the chunk so far (0..=4 bytes of coder tail beyond the coded symbols; empty
    /// when nothing was coded). Model state is kept; the next chunk starts a fresh coder.
    pub fn flush(&mut self) -> Vec<u8> {
        self.coder.flush()
    }

    /// Upper bound of this codec's working memory in bytes (excluding shared priors).
    pub fn max_memory(&self) -> usize {
        self.model.max_memory()
    }

    /// Working memory held now (tables grow with the message).
    pub fn memory(&self) -> usize {
        self.model.memory()
    }

    /// Codes one binary decision with P(1) = `p1`/4096 into the current chunk (framing that
    /// rides in the coder, as streams do; the model state is not touched).
    pub fn push_flag(&mut self, bit: bool, p1: u32) {
        code_flag(&mut self.coder, bit, p1);
    }

    /// Codes the low `nbits` bits of `value` (uniform).
    pub fn push_bits(&mut self, value: u32, nbits: u32) {
        code_bits(&mut self.coder, value, nbits);
    }
}

/// Reads one chunk symbol by symbol: tokens and framing in the order the encoder coded them.
pub struct ChunkReader<'a> {
    model: &'a mut Model,
    dec: Decoder<'a>,
}

impl ChunkReader<'_> {
    /// The next token (always < vocab_size; garbage in gives some token, `ends_exactly` fails).
    pub fn token(&mut self) -> u32 {
        self.model.code_token(&mut self.dec, 0)
    }
    pub fn flag(&mut self, p1: u32) -> bool {
        code_flag(&mut self.dec, false, p1)
    }
    pub fn bits(&mut self, nbits: u32) -> u32 {
        code_bits(&mut self.dec, 0, nbits)
    }
    /// Whether the chunk ends exactly where the encoder's flush ended it (see `Decoder`).
    pub fn ends_exactly(&self) -> bool {
        self.dec.ends_exactly()
    }
    /// Whether the bytes already read cannot come from the encoder (cheap; checked as you go).
    pub fn is_broken(&self) -> bool {
        self.dec.bad || self.dec.overrun() > 4
    }
}

/// Stateful decoder mirroring `TokenEncoder`.
pub struct TokenDecoder {
    vocab_size: u32,
    model: Model,
}

impl TokenDecoder {
    pub fn new(vocab_size: u32, priors: Option<Arc<Priors>>) -> Result<TokenDecoder, ModelError> {
        check_setup(vocab_size, &priors)?;
        Ok(TokenDecoder {
            vocab_size,
            model: Model::new(vocab_size, priors),
        })
    }

    /// Decodes `n` tokens from one chunk produced by one `flush()`. Fails (without decoding
    /// further) as soon as the bytes cannot come from the encoder.
    pub fn decode_chunk(&mut self, data: &[u8], n: usize) -> Result<Vec<u32>, ModelError> {
        let mut dec = Decoder::new(data);
        let out = decode_tokens(&mut self.model, &mut dec, n)?;
        if !dec.ends_exactly() {
            return Err(ModelError::Corrupt(
                "the coded bytes do not end where the last token ends".into(),
            ));
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
            dec: Decoder::new(chunk),
        }
    }

    pub fn max_memory(&self) -> usize {
        self.model.max_memory()
    }
}

/// Decodes `n` tokens, stopping with an error as soon as the data is seen to be broken; the
/// output grows as tokens decode (never sized from `n` alone).
pub(crate) fn decode_tokens(
    model: &mut Model,
    dec: &mut Decoder<'_>,
    n: usize,
) -> Result<Vec<u32>, ModelError> {
    let mut out = Vec::with_capacity(n.min(dec.remaining() * 4 + 16));
    for _ in 0..n {
        out.push(decode_token(model, dec)?);
    }
    Ok(out)
}

/// Decodes one token, or fails as soon as the bytes read cannot come from the encoder: a
/// symbol no encoder writes (a value beyond a total, a rank beyond the vocabulary, an excluded
/// token), or a read more than 4 bytes past the end (the decoder's window reads 4 bytes ahead
/// of what the encoder had shifted out, and its flush writes 0-4 of them).
#[inline]
pub(crate) fn decode_token(model: &mut Model, dec: &mut Decoder<'_>) -> Result<u32, ModelError> {
    let t = model.code_token(dec, 0);
    if dec.bad || dec.overrun() > 4 {
        return Err(ModelError::Corrupt(
            "the coded bytes end before the tokens do".into(),
        ));
    }
    Ok(t)
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
    let mut m = Model::new(vocab_size, priors);
    let mut meter = CostMeter { total: 0 };
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

/// Diagnostics: escapes through the seen-token path (count, cost) and the bucket path, then
/// the escape symbol's cost in 1/256 bit and what an ideal per-bin recalibration would cost
/// (bins of the escape frequency).
#[doc(hidden)]
pub fn cost_split_paths(
    ids: &[u32],
    vocab_size: u32,
    priors: Option<Arc<Priors>>,
    bins: &mut [[u64; 2]; 64],
) -> [(u64, u64); 3] {
    let mut m = Model::new(vocab_size, priors);
    let mut meter = CostMeter { total: 0 };
    let mut r = [(0, 0); 3];
    for &id in ids {
        let before = meter.total;
        m.code_token(&mut meter, id.min(vocab_size - 1));
        let e = m.last_esc as f64 / TOT as f64;
        let bin = ((-e.log2()) * 4.0).min(63.0) as usize;
        bins[bin][m.last_escaped as usize] += 1;
        if m.last_escaped {
            let k = (!m.last_seen_path) as usize;
            r[k].0 += 1;
            r[k].1 += meter.total - before;
            r[2].1 += (-e.log2() * 256.0) as u64;
        } else {
            r[2].0 += (-(1.0 - e).log2() * 256.0) as u64;
        }
    }
    r
}

/// Diagnostics: (tokens escaped, their cost, cost of the others), costs in 1/256 bit.
#[doc(hidden)]
pub fn cost_split(ids: &[u32], vocab_size: u32, priors: Option<Arc<Priors>>) -> (u64, u64, u64) {
    let mut m = Model::new(vocab_size, priors);
    let mut meter = CostMeter { total: 0 };
    let (mut n, mut e, mut c) = (0, 0, 0);
    for &id in ids {
        let before = meter.total;
        m.code_token(&mut meter, id.min(vocab_size - 1));
        if m.last_escaped {
            n += 1;
            e += meter.total - before;
        } else {
            c += meter.total - before;
        }
    }
    (n, e, c)
}
