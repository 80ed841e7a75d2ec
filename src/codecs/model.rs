//! The `model` method's payload around the context-model coder (`crate::model`), and the
//! built-in priors (flat files, embedded zstd-compressed, expanded once per process).
//!
//! The payload is one range-coded chunk, self-contained and lean: the vocabulary mode, the
//! explicit vocabulary size if any, the token count, then the tokens, all in the same coder.
//!
//! - mode (P = 60/64): the tokenizer's vocabulary with the priors the frame names;
//! - mode (2/64): the tokenizer's vocabulary, adaptive statistics only;
//! - mode (2/64): an explicit vocabulary size (IDs from another tokenizer, e.g. a Llama
//!   server's), adaptive only: its bit length in 5 bits, then the bits below the top one;
//! - token count: its bit length (a fixed table favouring 4-12), then the bits below the top one.

use std::sync::{Arc, OnceLock};

use crate::error::{Error, Result};
use crate::limits::Limits;
#[cfg(feature = "encode")]
use crate::model::coder::Encoder;
use crate::model::coder::RangeIo;
use crate::model::{check_setup, code_bits, Model, ModelError, Priors, MAX_VOCAB_SIZE};
#[cfg(feature = "decode")]
use crate::model::{coder::Decoder, decode_token};
use crate::tokenizer::{Builtin, Vocab};

const FORMAT: &str = "model";

impl From<ModelError> for Error {
    fn from(e: ModelError) -> Self {
        match e {
            ModelError::InvalidToken { id, vocab_size } => Error::UnknownTokenId {
                id: id as i64,
                table: "model vocabulary",
                size: vocab_size,
            },
            ModelError::Corrupt(d) => Error::corrupt(FORMAT, d),
            ModelError::BadPriors(d) => Error::corrupt("model priors", d),
        }
    }
}

/// The named priors: (ID, vocabulary the frame names with them, fingerprint of the file). An ID
/// is never reused: retrained priors get a new ID (and a new file), so a frame naming an old ID
/// keeps decoding as it was coded. IDs 1-4 are embedded by the family features; the open
/// vocabularies' (5-9) are files in `models/` that a build embeds with the `open-priors`
/// feature, or that a caller loads ([`crate::Codec::with_priors`], [`crate::Codec::from_priors`]):
/// loaded priors with a known ID and this fingerprint are named by ID in frames.
pub const PRIORS_TABLE: [(u8, &str, u64); 9] = [
    (1, "cl100k_base", 0x0b93_f190_a231_4de9),
    (2, "o200k_base", 0xd698_b7d8_13b0_43f2),
    (3, "p50k_base", 0x5554_950b_f62e_c400),
    (4, "r50k_base", 0x418a_6808_561e_30dd),
    (5, "llama3", 0x6a55_c4ad_c9b7_18d1),
    (6, "llama4", 0xd256_22e0_4f5e_1e60),
    (7, "qwen", 0x56fe_ea7e_c204_0806),
    (8, "qwen3_6", 0x0a67_e661_66d2_0e28),
    (9, "tekken_240911", 0xc1f3_eda9_b2cb_6c33),
];

/// The vocabulary priors with this ID are for.
pub fn priors_vocab(id: u8) -> Result<Vocab> {
    let (_, name, _) = PRIORS_TABLE
        .iter()
        .find(|r| r.0 == id)
        .ok_or_else(|| Error::Mismatch(format!("unknown model priors ID {id}")))?;
    Vocab::from_name(name)
}

/// The ID a frame names these priors by: theirs, if it is in [`PRIORS_TABLE`] with their
/// fingerprint (None: custom priors, named by fingerprint).
pub fn named_priors_id(p: &Priors) -> Option<u8> {
    let id = p.id()?;
    PRIORS_TABLE
        .iter()
        .any(|&(i, _, fp)| i == id && fp == p.fingerprint())
        .then_some(id)
}

/// Whether this build embeds the priors with this ID.
pub fn is_embedded(id: u8) -> bool {
    embedded(id).is_some()
}

/// The compressed file of the priors with this ID, if this build embeds it.
fn embedded(id: u8) -> Option<&'static [u8]> {
    macro_rules! file {
        ($feature:literal, $file:literal) => {{
            #[cfg(feature = $feature)]
            {
                Some(
                    &include_bytes!(concat!(
                        env!("CARGO_MANIFEST_DIR"),
                        "/models/",
                        $file,
                        ".tpf.zst"
                    ))[..],
                )
            }
            #[cfg(not(feature = $feature))]
            {
                None::<&'static [u8]>
            }
        }};
    }
    match id {
        1 => file!("cl100k", "cl100k_base"),
        2 => file!("o200k", "o200k_base"),
        3 => file!("p50k", "p50k_base"),
        4 => file!("r50k", "r50k_base"),
        5 => file!("open-priors", "llama3"),
        6 => file!("open-priors", "llama4"),
        7 => file!("open-priors", "qwen"),
        8 => file!("open-priors", "qwen3_6"),
        9 => file!("open-priors", "tekken_240911"),
        _ => None,
    }
}

/// ID of the priors a new frame uses for this tokenizer (None: this build has none).
pub fn default_priors_id(b: Builtin) -> Option<u8> {
    let id = match b {
        Builtin::Cl100kBase => 1,
        Builtin::O200kBase | Builtin::O200kHarmony => 2,
        Builtin::P50kBase | Builtin::P50kEdit => 3,
        Builtin::Gpt2 | Builtin::R50kBase => 4,
    };
    embedded(id).map(|_| id)
}

/// The built-in priors with this ID (expanded on first use, then shared).
pub fn builtin_priors_by_id(id: u8) -> Result<Arc<Priors>> {
    static CACHE: [OnceLock<Arc<Priors>>; PRIORS_TABLE.len()] =
        [const { OnceLock::new() }; PRIORS_TABLE.len()];
    let slot = PRIORS_TABLE
        .iter()
        .position(|&(i, _, _)| i == id)
        .ok_or_else(|| Error::Mismatch(format!("unknown model priors ID {id}")))?;
    if let Some(p) = CACHE[slot].get() {
        return Ok(p.clone());
    }
    let bytes = embedded(id).ok_or_else(|| {
        Error::Mismatch(format!(
            "the model priors {id} ({name}) are not in this build: load models/{name}.tpf.zst (with_priors, or the priors file option of your language)",
            name = PRIORS_TABLE[slot].1
        ))
    })?;
    let p = Arc::new(Priors::from_zstd(bytes)?);
    Ok(CACHE[slot].get_or_init(|| p).clone())
}

/// The priors a new frame uses for a built-in tokenizer, if this build embeds them.
pub fn builtin_priors(b: Builtin) -> Result<Option<Arc<Priors>>> {
    match default_priors_id(b) {
        Some(id) => builtin_priors_by_id(id).map(Some),
        None => Ok(None),
    }
}

const MODE_TOTAL: u32 = 64;
const MODE_CUM: [u32; 4] = [0, 60, 62, 64];

/// Frequencies of the bit length (0..=31) of the token count.
const LEN_FREQ: [u32; 32] = [
    2, 2, 2, 4, 8, 16, 24, 28, 28, 24, 20, 16, 12, 8, 4, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2,
];
const LEN_TOTAL: u32 = {
    let mut s = 0;
    let mut i = 0;
    while i < 32 {
        s += LEN_FREQ[i];
        i += 1;
    }
    s
};

fn code_mode<C: RangeIo>(io: &mut C, mode: usize) -> usize {
    let m = if C::DECODE {
        let v = io.target(MODE_TOTAL);
        (0..3).rfind(|&m| v >= MODE_CUM[m]).unwrap_or(0)
    } else {
        io.target(MODE_TOTAL);
        mode
    };
    io.code(MODE_CUM[m], MODE_CUM[m + 1] - MODE_CUM[m], MODE_TOTAL);
    m
}

/// A number in 0..2^31 as its bit length (table `freq`, or 5 uniform bits) and the bits below
/// the top one.
fn code_number<C: RangeIo>(io: &mut C, value: u32, table: bool) -> u32 {
    let len = 32 - value.leading_zeros();
    let len = if table {
        let l = if C::DECODE {
            let v = io.target(LEN_TOTAL);
            let mut cum = 0;
            let mut l = 0;
            while l < 31 && v >= cum + LEN_FREQ[l] {
                cum += LEN_FREQ[l];
                l += 1;
            }
            l as u32
        } else {
            io.target(LEN_TOTAL);
            len
        };
        let cum: u32 = LEN_FREQ[..l as usize].iter().sum();
        io.code(cum, LEN_FREQ[l as usize], LEN_TOTAL);
        l
    } else {
        code_bits(io, len, 5)
    };
    if len <= 1 {
        return len;
    }
    (1 << (len - 1)) | code_bits(io, value, len - 1)
}

/// Codes `ids` for a tokenizer of `vocab_size` IDs with `priors` (if any).
#[cfg(feature = "encode")]
pub fn encode(ids: &[u32], vocab_size: u32, priors: Option<Arc<Priors>>) -> Result<Vec<u8>> {
    let max = ids.iter().copied().max().unwrap_or(0);
    let mut enc = Encoder::new();
    let (vocab, priors) = if max < vocab_size {
        code_mode(&mut enc, if priors.is_some() { 0 } else { 1 });
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
        code_mode(&mut enc, 2);
        code_number(&mut enc, vocab - 1, false);
        (vocab, None)
    };
    Limits::check_encode_tokens("token count", ids.len() as u64)?;
    check_setup(vocab, &priors)?;
    code_number(&mut enc, ids.len() as u32, true);
    let mut m = Model::new(vocab, priors);
    for &id in ids {
        m.code_token(&mut enc, id);
    }
    Ok(enc.flush())
}

/// Decodes a payload; `priors` are those the frame names (None if it names none). A token count
/// above `max_tokens`, or above what the payload's bytes can code, is refused before anything
/// is allocated; decoding stops at the first sign that the bytes cannot come from the encoder.
#[cfg(feature = "decode")]
pub fn decode(
    payload: &[u8],
    vocab_size: u32,
    priors: Option<Arc<Priors>>,
    max_tokens: usize,
) -> Result<Vec<u32>> {
    decode_with(payload, vocab_size, priors, max_tokens, &mut |_| Ok(()))
}

/// [`decode`], calling `on_token` with every token as soon as it is decoded (before the next
/// one is): an error from it stops the decode and is returned as is. A caller that turns
/// tokens into text stops here as soon as the text passes its byte limit, so the work done is
/// bounded by what the caller accepts, not by what the payload declares.
///
/// Cost: the model's state is bounded (`Model::max_memory`, 14 MiB, whatever the input);
/// the output grows with the tokens decoded, never from the declared count; every token is a
/// bounded amount of work (see docs/FORMAT.md, "Cost of decoding hostile model payloads").
#[cfg(feature = "decode")]
pub fn decode_with(
    payload: &[u8],
    vocab_size: u32,
    priors: Option<Arc<Priors>>,
    max_tokens: usize,
    on_token: &mut dyn FnMut(u32) -> Result<()>,
) -> Result<Vec<u32>> {
    let bad = |d: &str| Error::corrupt(FORMAT, d);
    let mut dec = Decoder::new(payload);
    let mode = code_mode(&mut dec, 0);
    let explicit = mode == 2;
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
        _ => {
            let v = code_number(&mut dec, 0, false) as u64 + 1;
            if !(2..=MAX_VOCAB_SIZE as u64).contains(&v) {
                return Err(bad("vocabulary size out of range"));
            }
            (v as u32, None)
        }
    };
    check_setup(vocab, &priors)?;
    let n = code_number(&mut dec, 0, true) as usize;
    // Every token costs at least -log2(1 - 427/65536) > 1/107 bit (the escape's floor).
    let plausible = (payload.len() + 4) * 8 * 107;
    if !dec.bad {
        Limits::check_tokens(n as u64, max_tokens)?;
    }
    if n > plausible || dec.bad {
        return Err(bad(&format!(
            "{n} tokens cannot be coded in {} bytes",
            payload.len()
        )));
    }
    let mut model = Model::new(vocab, priors);
    // Grows with the tokens decoded: sized from the bytes, never from `n` alone.
    let mut out = Vec::with_capacity(n.min(payload.len() * 4 + 16));
    let mut max = 0;
    for _ in 0..n {
        let t = decode_token(&mut model, &mut dec)?;
        on_token(t)?;
        max = max.max(t);
        out.push(t);
    }
    // The encoder names a vocabulary only for IDs at or above the tokenizer's, and names the
    // smallest that holds them.
    if explicit && (max < vocab_size || vocab != (max + 1).max(2)) {
        return Err(bad("the vocabulary named is not the one the tokens need"));
    }
    if !dec.ends_exactly() {
        return Err(bad("the coded bytes do not end where the last token ends"));
    }
    Ok(out)
}

// The tests encode and decode, and walk every family's priors.
#[cfg(all(
    test,
    feature = "encode",
    feature = "decode",
    feature = "cl100k",
    feature = "o200k",
    feature = "p50k",
    feature = "r50k"
))]
mod tests;
