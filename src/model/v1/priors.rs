//! Static statistics for one vocabulary: unigram counts, a pruned bigram table and
//! pretrained mixer weights. Immutable; shared between codecs through `Arc`.

use super::coder::{BitIo, Decoder, Encoder};
use super::predictor::{Predictor, NIN, NSETS};
use super::ModelError;

const MAGIC: &[u8; 8] = b"TACCPRI\x01";
const VERSION: u32 = 1;
/// Largest number of bigram entries kept (bounds file size: ~2.2 bytes per entry).
pub const MAX_BIGRAMS: usize = 1_300_000;
/// Largest vocabulary a priors file may describe.
const MAX_VOCAB: u32 = 1 << 24;

/// Static statistics trained for one vocabulary; immutable, shared via Arc.
pub struct Priors {
    pub(crate) vocab_size: u32,
    uni_q: Vec<u8>,
    /// cum[i] = sum of dequantized unigram counts of tokens < i (len vocab+1).
    pub(crate) cum: Vec<u32>,
    /// Bigram lists: entries of previous token `p` (p == vocab_size is start-of-text) are
    /// bg_start[p]..bg_start[p+1], sorted by next id.
    pub(crate) bg_start: Vec<u32>,
    bg_q: Vec<u8>,
    /// Per entry (and one past the end): next id in the low 32 bits, prefix sum of the
    /// (scaled) dequantized counts of all entries before it in the high 32 bits. Packed so a
    /// search and its count share a cache line.
    pub(crate) bg_ent: Vec<u64>,
    pub(crate) weights: Vec<i32>,
    /// Bits of the priors' own tree (vocab_size rounded up to a power of two).
    pub(crate) nbits: u32,
    /// Per list: offset into `bg_idx` of a 257-entry jump table over the top 8 tree bits
    /// (u32::MAX when the list is short): entry k = first position p with next >= k << (nbits-8),
    /// packed as (prefix count at p) << 32 | p.
    pub(crate) bg_idx_off: Vec<u32>,
    pub(crate) bg_idx: Vec<u64>,
    fingerprint: u64,
}

/// Lists at least this long get a jump table.
const IDX_MIN_LEN: usize = 256;

impl std::fmt::Debug for Priors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Priors")
            .field("vocab_size", &self.vocab_size)
            .field("bigrams", &self.bg_q.len())
            .field("fingerprint", &format_args!("{:016x}", self.fingerprint))
            .finish()
    }
}

/// Log-scale count quantizer: exact below 16, then 8 steps per octave.
pub(crate) fn quantize(c: u64) -> u8 {
    if c < 16 {
        return c as u8;
    }
    let c = c.min(u32::MAX as u64);
    let e = 63 - c.leading_zeros(); // >= 4
    let m = (c >> (e - 3)) & 7;
    (16 + (e - 4) * 8 + m as u32) as u8
}

pub(crate) fn dequantize(q: u8) -> u64 {
    if q < 16 {
        return q as u64;
    }
    let q = q as u32 - 16;
    let e = q / 8 + 4;
    let m = (q % 8) as u64;
    // middle of the bucket
    ((8 + m) << (e - 3)) + ((1u64 << (e - 3)) >> 1)
}

use crate::hash::fnv1a64;

/// Field kinds of the entropy-coded priors body; each has its own byte models.
const K_UNI: usize = 0; // unigram quantized counts (context: previous one)
const K_PREV: usize = 1; // list prev deltas (context: varint byte index)
const K_LEN: usize = 2; // list lengths
const K_NEXT: usize = 3; // next-id deltas
const K_Q: usize = 4; // bigram quantized counts (context: previous in list)
const K_RAW: usize = 5; // fixed-width integers
const CTX_BASE: [usize; 7] = [0, 256, 259, 262, 265, 522, 526];

/// Byte models: per context a 255-node binary tree of 12-bit probabilities.
struct ByteModel {
    p: Vec<u16>,
}

impl ByteModel {
    fn new() -> Self {
        ByteModel {
            p: vec![2048; CTX_BASE[6] * 256],
        }
    }
    fn code<C: BitIo>(&mut self, io: &mut C, ctx: usize, byte: u8) -> u8 {
        let base = ctx * 256;
        let mut node = 1usize;
        for i in (0..8).rev() {
            let pr = &mut self.p[base + node];
            let bit = io.code(((byte >> i) & 1) as u32, (*pr as u32).clamp(1, 4095));
            if bit != 0 {
                *pr += (4096 - *pr) >> 4;
            } else {
                *pr -= *pr >> 4;
            }
            node = node * 2 + bit as usize;
        }
        (node - 256) as u8
    }
}

struct Writer {
    enc: Encoder,
    m: ByteModel,
    prev: [u8; 7],
}

impl Writer {
    fn byte(&mut self, kind: usize, sub: usize, b: u8) {
        let ctx = CTX_BASE[kind] + sub;
        self.m.code(&mut self.enc, ctx, b);
    }
    fn varint(&mut self, kind: usize, mut v: u64) {
        let mut i = 0;
        while v >= 0x80 {
            self.byte(kind, i.min(2), (v as u8) | 0x80);
            v >>= 7;
            i += 1;
        }
        self.byte(kind, i.min(2), v as u8);
    }
    fn ctx_byte(&mut self, kind: usize, b: u8) {
        let c = self.prev[kind] as usize;
        self.byte(kind, c, b);
        self.prev[kind] = b;
    }
    fn u32(&mut self, v: u32) {
        for (i, b) in v.to_le_bytes().into_iter().enumerate() {
            self.byte(K_RAW, i, b);
        }
    }
}

struct Reader<'a> {
    dec: Decoder<'a>,
    m: ByteModel,
    prev: [u8; 7],
}

impl Reader<'_> {
    fn err(what: &str) -> ModelError {
        ModelError::BadPriors(format!("malformed {what}"))
    }
    fn byte(&mut self, kind: usize, sub: usize) -> u8 {
        let ctx = CTX_BASE[kind] + sub;
        self.m.code(&mut self.dec, ctx, 0)
    }
    fn varint(&mut self, kind: usize, what: &str) -> Result<u64, ModelError> {
        let mut v = 0u64;
        for i in 0..10 {
            let b = self.byte(kind, i.min(2));
            v |= ((b & 0x7f) as u64) << (7 * i);
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(Self::err(what))
    }
    fn ctx_byte(&mut self, kind: usize) -> u8 {
        let c = self.prev[kind] as usize;
        let b = self.byte(kind, c);
        self.prev[kind] = b;
        b
    }
    fn u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        for (i, x) in b.iter_mut().enumerate() {
            *x = self.byte(K_RAW, i);
        }
        u32::from_le_bytes(b)
    }
}

impl Priors {
    /// Build from quantized tables (shared by `train` and `from_bytes`).
    fn build(
        vocab_size: u32,
        uni_q: Vec<u8>,
        bg_start: Vec<u32>,
        bg_next: Vec<u32>,
        bg_q: Vec<u8>,
        weights: Vec<i32>,
        fingerprint: Option<u64>,
    ) -> Priors {
        let utotal: u64 = uni_q.iter().map(|&q| dequantize(q)).sum();
        let mut ushift = 0;
        while (utotal >> ushift) >= (1u64 << 30) {
            ushift += 1;
        }
        let mut cum = Vec::with_capacity(uni_q.len() + 1);
        let mut s = 0u64;
        cum.push(0);
        for &q in &uni_q {
            s += dequantize(q);
            cum.push((s >> ushift) as u32);
        }
        let total: u64 = bg_q.iter().map(|&q| dequantize(q)).sum();
        let mut shift = 0;
        while (total >> shift) >= (1u64 << 32) {
            shift += 1;
        }
        let mut bg_ent = Vec::with_capacity(bg_q.len() + 1);
        let mut s = 0u64;
        for (i, &q) in bg_q.iter().enumerate() {
            bg_ent.push(((s >> shift) << 32) | bg_next[i] as u64);
            s += dequantize(q);
        }
        bg_ent.push((s >> shift) << 32);
        let nbits = (32 - (vocab_size.max(2) - 1).leading_zeros()).max(1);
        let nl = bg_start.len() - 1;
        let mut bg_idx_off = vec![u32::MAX; nl];
        let mut bg_idx = Vec::new();
        if nbits >= 9 {
            for l in 0..nl {
                let (a, b) = (bg_start[l] as usize, bg_start[l + 1] as usize);
                if b - a < IDX_MIN_LEN {
                    continue;
                }
                bg_idx_off[l] = bg_idx.len() as u32;
                let mut i = a;
                for k in 0..=256u32 {
                    while i < b && (bg_next[i] >> (nbits - 8)) < k {
                        i += 1;
                    }
                    bg_idx.push((bg_ent[i] >> 32 << 32) | i as u64);
                }
            }
        }
        let mut p = Priors {
            nbits,
            bg_idx_off,
            bg_idx,
            vocab_size,
            uni_q,
            cum,
            bg_start,
            bg_q,
            bg_ent,
            weights,
            fingerprint: 0,
        };
        p.fingerprint = fingerprint.unwrap_or_else(|| fnv1a64(&p.to_bytes()));
        p
    }

    /// Train from token sequences (deterministic: output depends only on the input).
    pub fn train<I: IntoIterator<Item = Vec<u32>>>(sequences: I, vocab_size: u32) -> Priors {
        let vocab_size = vocab_size.clamp(1, MAX_VOCAB);
        let seqs: Vec<Vec<u32>> = sequences
            .into_iter()
            .map(|s| s.into_iter().filter(|&t| t < vocab_size).collect())
            .collect();
        // Held-out sequences (every 16th) train the mixer against statistics that did not see them.
        let heldout = |i: usize| i % 16 == 7;
        let stats = |use_all: bool| -> Priors {
            let mut uni = vec![0u64; vocab_size as usize];
            let mut pairs: Vec<u64> = Vec::new();
            for (i, s) in seqs.iter().enumerate() {
                if !use_all && heldout(i) {
                    continue;
                }
                let mut prev = vocab_size;
                for &t in s {
                    uni[t as usize] += 1;
                    pairs.push(((prev as u64) << 32) | t as u64);
                    prev = t;
                }
            }
            pairs.sort_unstable();
            let mut bg: Vec<(u64, u64)> = Vec::new(); // (pair, count)
            let mut i = 0;
            while i < pairs.len() {
                let mut j = i;
                while j < pairs.len() && pairs[j] == pairs[i] {
                    j += 1;
                }
                bg.push((pairs[i], (j - i) as u64));
                i = j;
            }
            drop(pairs);
            // prune: keep the most frequent pairs (ties broken by pair value; deterministic)
            if bg.len() > MAX_BIGRAMS {
                let mut order: Vec<(u64, u64)> =
                    bg.iter().map(|&(p, c)| (u64::MAX - c, p)).collect();
                order.sort_unstable();
                let mut keep: Vec<u64> = order[..MAX_BIGRAMS].iter().map(|x| x.1).collect();
                keep.sort_unstable();
                let mut k = 0;
                bg.retain(|&(p, _)| {
                    while k < keep.len() && keep[k] < p {
                        k += 1;
                    }
                    k < keep.len() && keep[k] == p
                });
            }
            let uni_q: Vec<u8> = uni.iter().map(|&c| quantize(c)).collect();
            let mut bg_start = vec![0u32; vocab_size as usize + 2];
            let mut bg_next = Vec::with_capacity(bg.len());
            let mut bg_q = Vec::with_capacity(bg.len());
            for &(p, c) in &bg {
                bg_start[(p >> 32) as usize + 1] += 1;
                bg_next.push(p as u32);
                bg_q.push(quantize(c));
            }
            for i in 1..bg_start.len() {
                bg_start[i] += bg_start[i - 1];
            }
            Priors::build(
                vocab_size,
                uni_q,
                bg_start,
                bg_next,
                bg_q,
                Predictor::default_weights(),
                Some(0),
            )
        };
        let partial = std::sync::Arc::new(stats(false));
        // Train mixer weights online over (a bounded number of) held-out sequences.
        let mut weights = Predictor::default_weights();
        let mut budget: usize = 1_500_000;
        for (i, s) in seqs.iter().enumerate() {
            if !heldout(i) || s.is_empty() {
                continue;
            }
            if budget == 0 {
                break;
            }
            budget = budget.saturating_sub(s.len());
            let mut pr = Predictor::new(vocab_size, Some(partial.clone()));
            pr.set_weights(&weights, true);
            let mut meter = super::coder::CostMeter { total: 0 };
            for &t in s {
                pr.code_token(&mut meter, t);
            }
            weights = pr.weights().to_vec();
        }
        let full = stats(true);
        Priors::build(
            vocab_size,
            full.uni_q,
            full.bg_start,
            full.bg_ent[..full.bg_q.len()]
                .iter()
                .map(|&e| e as u32)
                .collect(),
            full.bg_q,
            weights,
            None,
        )
    }

    /// Serialize: magic, version, vocab_size, sections, FNV-1a 64 checksum of all preceding bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.uni_q.len() + self.bg_q.len() * 2 + 4096);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&self.vocab_size.to_le_bytes());
        let mut w = Writer {
            enc: Encoder::new(),
            m: ByteModel::new(),
            prev: [0; 7],
        };
        for &q in &self.uni_q {
            w.ctx_byte(K_UNI, q);
        }
        // bigrams: number of non-empty lists, then per list: prev delta, length, next deltas, counts
        let nprev = (0..self.bg_start.len() - 1)
            .filter(|&p| self.bg_start[p + 1] > self.bg_start[p])
            .count();
        w.varint(K_PREV, nprev as u64);
        let mut last_prev = 0u64;
        for p in 0..self.bg_start.len() - 1 {
            let (a, b) = (self.bg_start[p] as usize, self.bg_start[p + 1] as usize);
            if a == b {
                continue;
            }
            w.varint(K_PREV, p as u64 - last_prev);
            last_prev = p as u64;
            w.varint(K_LEN, (b - a) as u64);
            let mut last = 0u64;
            for i in a..b {
                let next = self.bg_ent[i] as u32 as u64;
                w.varint(K_NEXT, next - last);
                last = next;
            }
            w.prev[K_Q] = 0;
            for i in a..b {
                w.ctx_byte(K_Q, self.bg_q[i]);
            }
        }
        w.u32(NSETS as u32);
        w.u32(NIN as u32);
        for &x in &self.weights {
            w.u32(x as u32);
        }
        out.extend_from_slice(&w.enc.flush());
        let h = fnv1a64(&out);
        out.extend_from_slice(&h.to_le_bytes());
        out
    }

    /// Parse and validate; never panics.
    pub fn from_bytes(bytes: &[u8]) -> Result<Priors, ModelError> {
        let bad = |s: &str| ModelError::BadPriors(s.to_string());
        if bytes.len() < 8 + 4 + 4 + 8 {
            return Err(bad("too short"));
        }
        if &bytes[..8] != MAGIC {
            return Err(bad("bad magic"));
        }
        let (body, tail) = bytes.split_at(bytes.len() - 8);
        if fnv1a64(body) != u64::from_le_bytes(tail.try_into().unwrap()) {
            return Err(bad("checksum mismatch"));
        }
        let version = u32::from_le_bytes(body[8..12].try_into().unwrap());
        if version != VERSION {
            return Err(ModelError::BadPriors(format!(
                "unsupported version {version}"
            )));
        }
        let vocab_size = u32::from_le_bytes(body[12..16].try_into().unwrap());
        if vocab_size == 0 || vocab_size > MAX_VOCAB {
            return Err(bad("vocab size out of range"));
        }
        let mut r = Reader {
            dec: Decoder::new(&body[16..]),
            m: ByteModel::new(),
            prev: [0; 7],
        };
        let uni_q: Vec<u8> = (0..vocab_size).map(|_| r.ctx_byte(K_UNI)).collect();
        if uni_q.iter().any(|&q| q > 250) {
            return Err(bad("unigram count out of range"));
        }
        let nlists = vocab_size as u64 + 1;
        let nprev = r.varint(K_PREV, "bigram list count")?;
        if nprev > nlists {
            return Err(bad("too many bigram lists"));
        }
        let mut bg_start = vec![0u32; nlists as usize + 1];
        let mut bg_next: Vec<u32> = Vec::new();
        let mut bg_q: Vec<u8> = Vec::new();
        let mut prev: u64 = 0;
        for k in 0..nprev {
            let d = r.varint(K_PREV, "bigram prev")?;
            if k > 0 && d == 0 {
                return Err(bad("bigram lists out of order"));
            }
            prev = prev
                .checked_add(d)
                .ok_or_else(|| bad("bigram prev overflow"))?;
            if prev >= nlists {
                return Err(bad("bigram prev out of range"));
            }
            let len = r.varint(K_LEN, "bigram list length")?;
            if len == 0
                || len > vocab_size as u64
                || bg_next.len() as u64 + len > MAX_BIGRAMS as u64 * 4
            {
                return Err(bad("bigram list length out of range"));
            }
            let mut last = 0u64;
            for i in 0..len {
                let d = r.varint(K_NEXT, "bigram next")?;
                if i > 0 && d == 0 {
                    return Err(bad("bigram entries out of order"));
                }
                last = last
                    .checked_add(d)
                    .ok_or_else(|| bad("bigram next overflow"))?;
                if last >= vocab_size as u64 {
                    return Err(bad("bigram next out of range"));
                }
                bg_next.push(last as u32);
            }
            r.prev[K_Q] = 0;
            for _ in 0..len {
                let q = r.ctx_byte(K_Q);
                if q == 0 || q > 250 {
                    return Err(bad("bigram count out of range"));
                }
                bg_q.push(q);
            }
            bg_start[prev as usize + 1] = len as u32;
        }
        for i in 1..bg_start.len() {
            bg_start[i] += bg_start[i - 1];
        }
        let nsets = r.u32();
        let nin = r.u32();
        if nsets as usize != NSETS || nin as usize != NIN {
            return Err(bad("mixer shape mismatch"));
        }
        let mut weights = Vec::with_capacity(NSETS * NIN);
        for _ in 0..NSETS * NIN {
            let w = r.u32() as i32;
            if !(-(1 << 22)..=(1 << 22)).contains(&w) {
                return Err(bad("mixer weight out of range"));
            }
            weights.push(w);
        }
        // fingerprint of the bytes as given (equal to fnv1a64(to_bytes()) for canonical files)
        Ok(Priors::build(
            vocab_size,
            uni_q,
            bg_start,
            bg_next,
            bg_q,
            weights,
            Some(fnv1a64(bytes)),
        ))
    }

    pub fn vocab_size(&self) -> u32 {
        self.vocab_size
    }

    /// FNV-1a 64 of the serialized bytes (`to_bytes()`, or the bytes given to `from_bytes`).
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// Approximate heap memory held by these priors, in bytes.
    pub fn heap_bytes(&self) -> usize {
        self.uni_q.len()
            + self.cum.len() * 4
            + self.bg_start.len() * 4
            + self.bg_q.len()
            + self.bg_ent.len() * 8
            + self.weights.len() * 4
            + self.bg_idx_off.len() * 4
            + self.bg_idx.len() * 8
    }

    /// Number of bigram entries kept.
    pub fn bigram_count(&self) -> usize {
        self.bg_q.len()
    }
}
