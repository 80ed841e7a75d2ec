//! The `model-v1` method's payload around the context-model coder (`crate::model`), and the
//! built-in priors, embedded per vocabulary family and decoded once per process.
//!
//! Payload: one mode byte, then
//! - mode 0: the tokenizer's vocabulary, with its priors (built-in, or custom as the frame names);
//! - mode 1: the tokenizer's vocabulary, adaptive statistics only;
//! - mode 2: a vocabulary of `varint` IDs, adaptive only (token IDs from another tokenizer);
//!
//! then `varint` token count and the coder's bytes.

use std::sync::{Arc, OnceLock};

use crate::error::{Error, Result};
use crate::format::{get_uvarint, put_uvarint};
use crate::limits::MAX_TOKENS;
use crate::model::v1::{self as model, Priors, MAX_VOCAB_SIZE};
use crate::tokenizer::Builtin;

const FORMAT: &str = "model";

/// The priors shipped for a built-in tokenizer (trained on chat-train; see README), if this
/// build embeds them. Decoding a priors file takes a few hundred milliseconds: once per process.
pub fn builtin_priors(b: Builtin) -> Result<Option<Arc<Priors>>> {
    static CACHE: [OnceLock<Option<Arc<Priors>>>; 4] = [const { OnceLock::new() }; 4];
    macro_rules! embedded {
        ($feature:literal, $file:literal) => {{
            #[cfg(feature = $feature)]
            {
                Some(
                    &include_bytes!(concat!(
                        env!("CARGO_MANIFEST_DIR"),
                        "/models/",
                        $file,
                        ".tpri"
                    ))[..],
                )
            }
            #[cfg(not(feature = $feature))]
            {
                None::<&'static [u8]>
            }
        }};
    }
    let (slot, bytes) = match b {
        Builtin::Cl100kBase => (0, embedded!("cl100k", "cl100k_base")),
        Builtin::O200kBase | Builtin::O200kHarmony => (1, embedded!("o200k", "o200k_base")),
        Builtin::P50kBase | Builtin::P50kEdit => (2, embedded!("p50k", "p50k_base")),
        Builtin::Gpt2 | Builtin::R50kBase => (3, embedded!("r50k", "r50k_base")),
    };
    if let Some(p) = CACHE[slot].get() {
        return Ok(p.clone());
    }
    let loaded = match bytes {
        Some(b) => Some(Arc::new(Priors::from_bytes(b)?)),
        None => None,
    };
    Ok(CACHE[slot].get_or_init(|| loaded).clone())
}

/// Codes `ids` for a tokenizer of `vocab_size` IDs with `priors` (if any).
pub fn encode(ids: &[u32], vocab_size: u32, priors: Option<Arc<Priors>>) -> Result<Vec<u8>> {
    let max = ids.iter().copied().max().unwrap_or(0);
    let mut out = Vec::with_capacity(ids.len() + 8);
    let (vocab, priors) = if max < vocab_size {
        out.push(if priors.is_some() { 0 } else { 1 });
        (vocab_size, priors)
    } else {
        // IDs of another vocabulary (a Llama or Qwen server's): adaptive statistics only.
        if max >= MAX_VOCAB_SIZE {
            return Err(Error::UnknownTokenId {
                id: max as i64,
                table: "model vocabulary",
                size: MAX_VOCAB_SIZE,
            });
        }
        let vocab = (max + 1).max(2);
        out.push(2);
        put_uvarint(&mut out, vocab as u64);
        (vocab, None)
    };
    put_uvarint(&mut out, ids.len() as u64);
    out.extend_from_slice(&model::encode(ids, vocab, priors)?);
    Ok(out)
}

/// Decodes a payload; `priors` are those the frame names (None if it names none).
pub fn decode(payload: &[u8], vocab_size: u32, priors: Option<Arc<Priors>>) -> Result<Vec<u32>> {
    decode_with(payload, vocab_size, priors, MAX_TOKENS, &mut |_| Ok(()))
}

/// [`decode`] with a token limit (a larger declared count is refused before anything is
/// allocated), calling `on_token` with every token as soon as it is decoded: its error stops
/// the decode and is returned as is. Decoding also stops as soon as the coder reads past the
/// payload's end.
pub fn decode_with(
    payload: &[u8],
    vocab_size: u32,
    priors: Option<Arc<Priors>>,
    max_tokens: usize,
    on_token: &mut dyn FnMut(u32) -> Result<()>,
) -> Result<Vec<u32>> {
    let bad = |d: &str| Error::corrupt(FORMAT, d);
    let mode = *payload.first().ok_or_else(|| bad("empty payload"))?;
    let mut pos = 1;
    let (vocab, priors) = match mode {
        0 => (
            vocab_size,
            Some(priors.ok_or_else(|| {
                Error::Mismatch(
                    "the frame was coded with model priors this build does not have".into(),
                )
            })?),
        ),
        1 => (vocab_size, None),
        2 => {
            let v = get_uvarint(payload, &mut pos).ok_or_else(|| bad("bad vocabulary size"))?;
            if !(2..=MAX_VOCAB_SIZE as u64).contains(&v) {
                return Err(bad("vocabulary size out of range"));
            }
            (v as u32, None)
        }
        _ => return Err(bad("unknown mode")),
    };
    let n = get_uvarint(payload, &mut pos).ok_or_else(|| bad("bad token count"))?;
    let body = &payload[pos..];
    // Every token costs at least one binary decision per bit of the vocabulary, and a decision
    // at least log2(4096/4095) bits: a larger count cannot come from this coder.
    let decisions = (31 - vocab.leading_zeros()).max(1) as u64;
    let plausible = ((body.len() as u64 + 4) * 8 * 2909 / decisions).min(MAX_TOKENS as u64);
    if n > plausible {
        return Err(bad(&format!(
            "{n} tokens cannot be coded in {} bytes",
            body.len()
        )));
    }
    crate::limits::Limits::check_tokens(n, max_tokens)?;
    let mut max = 0;
    let out = model::TokenDecoder::new(vocab, priors)
        .map_err(Error::from)?
        .decode_chunk_with(body, n as usize, &mut |t| {
            max = max.max(t);
            on_token(t)
        })?;
    // The encoder names a vocabulary only for IDs at or above the tokenizer's, and names the
    // smallest that holds them.
    if mode == 2 && (max < vocab_size || vocab != (max + 1).max(2)) {
        return Err(bad("the vocabulary named is not the one the tokens need"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_round_trip() {
        let ids = vec![5, 17, 5, 17, 99];
        let p = encode(&ids, 100, None).unwrap();
        assert_eq!(p[0], 1);
        assert_eq!(decode(&p, 100, None).unwrap(), ids);
        // With the shipped cl100k_base priors: mode 0, and the priors are needed to decode.
        let priors = builtin_priors(Builtin::Cl100kBase)
            .unwrap()
            .expect("default build ships them");
        let ids = vec![9906, 11, 1917, 0, 9906, 11, 1917];
        let p = encode(&ids, 100_277, Some(priors.clone())).unwrap();
        assert_eq!(p[0], 0);
        assert_eq!(decode(&p, 100_277, Some(priors)).unwrap(), ids);
        assert!(matches!(decode(&p, 100_277, None), Err(Error::Mismatch(_))));
        // IDs beyond the tokenizer: mode 2 with the vocabulary in the payload.
        let llama = vec![128_000, 9906, 128_009];
        let p = encode(&llama, 100, None).unwrap();
        assert_eq!(p[0], 2);
        assert_eq!(decode(&p, 100, None).unwrap(), llama);
    }

    #[test]
    fn impossible_counts_are_refused_before_allocating() {
        let mut p = vec![1u8];
        put_uvarint(&mut p, 1 << 30);
        assert!(decode(&p, 100_277, None).is_err());
        assert!(decode(&[7, 0], 100, None).is_err());
        assert!(
            decode(&[0, 0], 100, None).is_err(),
            "priors named but absent"
        );
    }
}
