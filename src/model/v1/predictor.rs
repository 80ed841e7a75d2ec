//! The context model: binary decomposition of token IDs (MSB first) with integer logistic mixing
//! of static (priors) and adaptive (in-message) predictions, plus a long-repeat match model.

use super::coder::BitIo;
use super::priors::Priors;
use super::tables::{ln256, squash, stretch};
use std::sync::Arc;

/// Mixer inputs.
pub(crate) const NIN: usize = 9;
const NBG: usize = 12; // bigram-confidence buckets
const NO1: usize = 4; // adaptive order-1 confidence buckets
const NMS: usize = 3; // match states
const NSETS1: usize = NBG * NO1 * NMS;
const NSETS2: usize = 24 * NMS * 4;
pub(crate) const NSETS: usize = NSETS1 + NSETS2;

const HIST_BITS: u32 = 20; // match history ring (4 MiB max)
const MT_MAX_BITS: u32 = 18; // match hash table (1 MiB max)
const MINLEN: u64 = 3;

/// Cache prefetch hint (no effect on results).
#[inline(always)]
fn prefetch<T>(s: &[T], i: usize) {
    #[cfg(target_arch = "x86_64")]
    if i < s.len() {
        // SAFETY: SSE is baseline on x86_64; a prefetch never faults and reads nothing.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                s[i..].as_ptr() as *const i8
            )
        };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (s, i);
}

#[inline(always)]
fn fmix(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// Adaptive bit counter in a u16: 12-bit probability (xor 0x800 so that 0 = 1/2) and 4-bit count.
#[inline(always)]
fn ctr_p(v: u16) -> u32 {
    ((v >> 4) ^ 0x800) as u32
}
#[inline(always)]
fn ctr_n(v: u16) -> u32 {
    (v & 15) as u32
}
const RATE: [u32; 16] = {
    let mut t = [0u32; 16];
    let mut i = 0;
    while i < 16 {
        t[i] = 65536 * 2 / (2 * i as u32 + 3);
        i += 1;
    }
    t
};
const CTR_LIMIT: u32 = 14;
#[inline(always)]
fn ctr_update(v: &mut u16, bit: u32) {
    let p = ctr_p(*v) as i32;
    let n = ctr_n(*v);
    let target = if bit != 0 { 4095 } else { 1 };
    let np = p + (((target - p) * RATE[n as usize] as i32) >> 16);
    let nn = if n < CTR_LIMIT { n + 1 } else { n };
    *v = ((((np as u32) ^ 0x800) << 4) | nn) as u16;
}

/// Growable hash table of 16-slot buckets (15 tree nodes = 4 bits of the token ID).
struct HTable {
    keys: Vec<u32>,
    slots: Vec<[u16; 16]>,
    used: usize,
    bits: u32,
    max_bits: u32,
}

impl HTable {
    fn new(bits: u32, max_bits: u32) -> Self {
        HTable {
            keys: vec![0; 1 << bits],
            slots: vec![[0; 16]; 1 << bits],
            used: 0,
            bits,
            max_bits,
        }
    }
    fn mem(&self) -> usize {
        (1usize << self.max_bits) * 36
    }
    #[inline]
    fn find(&mut self, h: u32) -> usize {
        let h = h | 1;
        let mask = (1usize << self.bits) - 1;
        let mut i = h as usize & mask;
        for _ in 0..8 {
            let k = self.keys[i];
            if k == h {
                return i;
            }
            if k == 0 {
                self.keys[i] = h;
                self.used += 1;
                return i;
            }
            i = (i + 1) & mask;
        }
        let i = h as usize & mask;
        self.keys[i] = h;
        self.slots[i] = [0; 16];
        i
    }
    /// Called between tokens only (indices stay valid within a token).
    fn maybe_grow(&mut self) {
        if self.bits >= self.max_bits || (self.used + 8) * 4 < (3usize << self.bits) {
            return;
        }
        let nb = self.bits + 1;
        let mut keys = vec![0u32; 1 << nb];
        let mut slots = vec![[0u16; 16]; 1 << nb];
        let mask = (1usize << nb) - 1;
        for (k, s) in self.keys.iter().zip(self.slots.iter()) {
            if *k == 0 {
                continue;
            }
            let mut i = *k as usize & mask;
            while keys[i] != 0 {
                i = (i + 1) & mask;
            }
            keys[i] = *k;
            slots[i] = *s;
        }
        self.keys = keys;
        self.slots = slots;
        self.bits = nb;
    }
}

pub(crate) struct Predictor {
    vocab: u32,
    nbits: u32,
    priors: Option<Arc<Priors>>,
    pvocab: u32,
    t0: HTable,
    t1: HTable,
    t2: HTable,
    weights: Vec<i32>,
    lr: i32,
    prev1: u32,
    prev2: u32,
    // match model
    hist: Vec<u32>,
    pos: u64,
    mtab: Vec<u32>,
    mt_bits: u32,
    mptr: u64,
    mlen: u32,
    mctr: [u16; 16],
}

const BOS: u32 = u32::MAX;

impl Predictor {
    pub(crate) fn default_weights() -> Vec<i32> {
        let mut w = vec![0i32; NSETS * NIN];
        for s in 0..NSETS {
            let ws = &mut w[s * NIN..(s + 1) * NIN];
            ws[0] = 20000;
            ws[1] = 12000;
            ws[2] = 20000;
            ws[3] = 12000;
            ws[4] = 16000;
            ws[5] = 16000;
            ws[6] = 24000;
            ws[7] = 0;
            ws[8] = 0;
        }
        w
    }

    pub(crate) fn new(vocab: u32, priors: Option<Arc<Priors>>) -> Self {
        let nbits = (32 - (vocab.max(2) - 1).leading_zeros()).max(1);
        let (weights, lr) = match &priors {
            Some(p) => (p.weights.clone(), 1),
            None => (Self::default_weights(), 8),
        };
        let pvocab = priors.as_ref().map_or(0, |p| p.vocab_size);
        Predictor {
            vocab,
            nbits,
            priors,
            pvocab,
            t0: HTable::new(8, 14),
            t1: HTable::new(9, 16),
            t2: HTable::new(9, 16),
            weights,
            lr,
            prev1: BOS,
            prev2: BOS,
            hist: Vec::new(),
            pos: 0,
            mtab: vec![0; 1 << 10],
            mt_bits: 10,
            mptr: 0,
            mlen: 0,
            mctr: [0; 16],
        }
    }

    /// Upper bound of working memory in bytes.
    pub(crate) fn max_memory(&self) -> usize {
        self.t0.mem()
            + self.t1.mem()
            + self.t2.mem()
            + (4usize << HIST_BITS)
            + (4usize << MT_MAX_BITS)
            + self.weights.len() * 4
    }

    pub(crate) fn set_weights(&mut self, w: &[i32], training: bool) {
        self.weights.copy_from_slice(w);
        if training {
            self.lr = 2;
        }
    }
    pub(crate) fn weights(&self) -> &[i32] {
        &self.weights
    }

    #[inline(always)]
    fn uni_mass(&self, a: u32, b: u32) -> u64 {
        // 2*count + 1 per token (unseen tokens get half a count)
        let p = self.priors.as_ref().unwrap();
        let ca = p.cum[a.min(self.pvocab) as usize];
        let cb = p.cum[b.min(self.pvocab) as usize];
        2 * (cb - ca) as u64 + (b - a) as u64
    }

    /// Code one token (encode: `sym` is the token; decode: `sym` ignored). Returns the token.
    pub(crate) fn code_token<C: BitIo>(&mut self, io: &mut C, sym: u32) -> u32 {
        self.t0.maybe_grow();
        self.t1.maybe_grow();
        self.t2.maybe_grow();
        let nbits = self.nbits;
        let vocab = self.vocab;
        let c0 = 0x5bd1_e995u32;
        let c1 = fmix(self.prev1 ^ 0x9e37_79b9);
        let c2 = fmix(fmix(self.prev2 ^ 0x7f4a_7c15) ^ self.prev1);
        let has_priors = self.priors.is_some();
        // bigram list
        let (mut ba, mut bb) = (0usize, 0usize);
        let mut jump = u32::MAX as usize;
        let mut pshift = 0u32; // codec depth at which the priors' tree starts
        let (mut pre_a, mut pre_b) = (0u64, 0u64);
        if let Some(p) = &self.priors {
            let idx = if self.prev1 == BOS {
                self.pvocab
            } else {
                self.prev1
            };
            if idx <= self.pvocab {
                ba = p.bg_start[idx as usize] as usize;
                bb = p.bg_start[idx as usize + 1] as usize;
                jump = p.bg_idx_off[idx as usize] as usize;
            }
            pshift = nbits.saturating_sub(p.nbits);
            pre_a = p.bg_ent[ba] >> 32;
            pre_b = p.bg_ent[bb] >> 32;
        }
        let pred: Option<u32> = if self.mlen > 0 {
            Some(self.hist[(self.mptr & ((1 << HIST_BITS) - 1)) as usize])
        } else {
            None
        };
        let mut pred_ok = pred.is_some();
        let mlb = (self.mlen.min(15)) as usize;
        let mstate = if self.mlen == 0 {
            0
        } else if self.mlen < 16 {
            1
        } else {
            2
        };

        let lr = self.lr;
        let mut lo = 0u32;
        let (mut i0, mut i1, mut i2) = (0usize, 0usize, 0usize);
        for d in 0..nbits {
            let sh = nbits - 1 - d;
            let half = 1u32 << sh;
            let mid = lo + half;
            if d & 3 == 0 {
                let prefix = lo >> (sh + 1);
                let k = fmix((prefix << 5) | d);
                i0 = self.t0.find(fmix(c0 ^ k));
                i1 = self.t1.find(fmix(c1 ^ k));
                i2 = self.t2.find(fmix(c2 ^ k));
            }
            if mid >= vocab {
                continue; // right subtree empty: bit is 0, nothing coded
            }
            let j = ((1u32 << (d & 3)) | ((lo >> (sh + 1)) & ((1 << (d & 3)) - 1))) as usize - 1;
            let hi = (lo + 2 * half).min(vocab);
            let mut x = [0i32; NIN];
            let mut bgb = 0usize;
            let mut bm = 0usize;
            let mut pre_m = 0u64;
            if has_priors {
                let p = self.priors.as_ref().unwrap();
                let s0 = self.uni_mass(lo, mid);
                let s1 = self.uni_mass(mid, hi);
                x[0] = ln256(s1) - ln256(s0);
                let (k0, k1) = if ba == bb {
                    pre_m = pre_a;
                    bm = ba;
                    (0, 0)
                } else {
                    let pm;
                    if jump != u32::MAX as usize && d >= pshift && d < pshift + 8 {
                        let e = p.bg_idx[jump + (mid >> (p.nbits - 8)) as usize];
                        bm = e as u32 as usize;
                        pm = e >> 32;
                    } else {
                        bm = ba + p.bg_ent[ba..bb].partition_point(|&e| (e as u32) < mid);
                        pm = p.bg_ent[bm] >> 32;
                    }
                    pre_m = pm;
                    (pm - pre_a, pre_b - pm)
                };
                // prefetch what the next decision reads on either outcome
                if sh > 0 {
                    let q = half >> 1;
                    let (m0, m1) = (lo + q, mid + q);
                    prefetch(&p.cum, m0.min(self.pvocab) as usize);
                    prefetch(&p.cum, m1.min(self.pvocab) as usize);
                    if jump != u32::MAX as usize && d + 1 >= pshift && d + 1 < pshift + 8 {
                        prefetch(&p.bg_idx, jump + (m0 >> (p.nbits - 8)) as usize);
                        prefetch(&p.bg_idx, jump + (m1 >> (p.nbits - 8)).min(256) as usize);
                    } else if ba != bb {
                        prefetch(&p.bg_ent, (ba + bm) / 2);
                        prefetch(&p.bg_ent, (bm + bb) / 2);
                    }
                }
                let n = k0 + k1;
                bgb = ((64 - (n + 1).leading_zeros()) as usize - 1).min(NBG - 1);
                x[1] = ln256(2 * k1 + 1) - ln256(2 * k0 + 1);
                let st = s0 + s1;
                x[2] = ln256(k1 * st + 2 * s1) - ln256(k0 * st + 2 * s0);
            }
            let v0 = self.t0.slots[i0][j];
            let v1 = self.t1.slots[i1][j];
            let v2 = self.t2.slots[i2][j];
            x[3] = stretch(ctr_p(v0));
            x[4] = stretch(ctr_p(v1));
            x[5] = stretch(ctr_p(v2));
            let n1 = ctr_n(v1);
            let o1b = if n1 == 0 {
                0
            } else if n1 < 3 {
                1
            } else if n1 < 8 {
                2
            } else {
                3
            };
            let mut ebit = 0;
            if pred_ok {
                ebit = (pred.unwrap() >> sh) & 1;
                let s = stretch(ctr_p(self.mctr[mlb]));
                x[6] = if ebit != 0 { s } else { -s };
            }
            x[7] = ln256(ctr_n(v2) as u64 + 1) * ((ctr_p(v2) as i32 >> 11) * 2 - 1) / 4;
            x[8] = 256;
            for v in x.iter_mut().take(8) {
                *v = (*v).clamp(-2047, 2047);
            }
            let ms = if pred_ok { mstate } else { 0 };
            let set = (bgb * NO1 + o1b) * NMS + ms;
            let n2 = ctr_n(v2);
            let o2b = if n2 == 0 {
                0
            } else if n2 < 3 {
                1
            } else if n2 < 8 {
                2
            } else {
                3
            };
            let set2 = NSETS1 + ((d as usize * NMS + ms) * 4 + o2b);
            let (wa, wb) = self.weights.split_at_mut(NSETS1 * NIN);
            let w = &mut wa[set * NIN..(set + 1) * NIN];
            let w2 = &mut wb[(set2 - NSETS1) * NIN..(set2 - NSETS1 + 1) * NIN];
            let mut dot: i64 = 0;
            let mut dot2: i64 = 0;
            for i in 0..NIN {
                dot += w[i] as i64 * x[i] as i64;
                dot2 += w2[i] as i64 * x[i] as i64;
            }
            let dot1 = ((dot >> 16) as i32).clamp(-2047, 2047);
            let dot2 = ((dot2 >> 16) as i32).clamp(-2047, 2047);
            let pa = squash(dot1) as i32;
            let pb = squash(dot2) as i32;
            let dot = (dot1 + dot2) >> 1;
            let p1 = squash(dot).clamp(1, 4095);
            let bit = io.code((sym >> sh) & 1, p1);
            // update
            let e = (((bit as i32) << 12) - pa) * lr;
            let e2 = (((bit as i32) << 12) - pb) * lr;
            for i in 0..NIN {
                w[i] = (w[i] + ((x[i] * e) >> 12)).clamp(-(1 << 22), 1 << 22);
                w2[i] = (w2[i] + ((x[i] * e2) >> 12)).clamp(-(1 << 22), 1 << 22);
            }
            ctr_update(&mut self.t0.slots[i0][j], bit);
            ctr_update(&mut self.t1.slots[i1][j], bit);
            ctr_update(&mut self.t2.slots[i2][j], bit);
            if pred_ok {
                ctr_update(&mut self.mctr[mlb], (bit == ebit) as u32);
                if bit != ebit {
                    pred_ok = false;
                }
            }
            if bit != 0 {
                lo = mid;
                ba = bm;
                pre_a = pre_m;
            } else {
                bb = bm;
                pre_b = pre_m;
            }
        }
        self.update_token(lo);
        lo
    }

    fn mt_hash(&self, end: u64) -> usize {
        // hash of the MINLEN tokens before position `end`
        let mut h = 0u32;
        for k in 1..=MINLEN {
            h = fmix(h ^ self.hist_at(end - k));
        }
        (h >> (32 - self.mt_bits)) as usize
    }
    #[inline(always)]
    fn hist_at(&self, i: u64) -> u32 {
        self.hist[(i & ((1 << HIST_BITS) - 1)) as usize]
    }

    fn update_token(&mut self, t: u32) {
        let hmask = (1u64 << HIST_BITS) - 1;
        if self.hist.len() < (1 << HIST_BITS) {
            self.hist.push(t);
        } else {
            self.hist[(self.pos & hmask) as usize] = t;
        }
        self.pos += 1;
        if self.mlen > 0 {
            if self.hist_at(self.mptr) == t && self.pos - self.mptr - 1 < hmask {
                self.mlen += 1;
                self.mptr += 1;
            } else {
                self.mlen = 0;
            }
        }
        // grow the match table as history grows
        if self.mt_bits < MT_MAX_BITS && self.pos.min(1 << HIST_BITS) * 2 > (1u64 << self.mt_bits) {
            self.mt_bits += 1;
            self.mtab = vec![0; 1 << self.mt_bits];
            let start = self.pos.saturating_sub(hmask).max(MINLEN);
            for e in start..self.pos {
                let h = self.mt_hash(e);
                self.mtab[h] = e as u32;
            }
        }
        if self.pos >= MINLEN {
            let h = self.mt_hash(self.pos);
            if self.mlen == 0 {
                let stored = self.mtab[h];
                let delta = (self.pos as u32).wrapping_sub(stored) as u64;
                let cand = self.pos - delta.min(self.pos);
                if stored != 0 && delta > 0 && delta < hmask && cand > 0 {
                    let mut l = 0u64;
                    while l < 32
                        && cand > l
                        && self.hist_at(cand - 1 - l) == self.hist_at(self.pos - 1 - l)
                    {
                        l += 1;
                    }
                    if l >= MINLEN {
                        self.mlen = l as u32;
                        self.mptr = cand;
                    }
                }
            }
            self.mtab[h] = (self.pos & 0xffff_ffff) as u32;
        }
        self.prev2 = self.prev1;
        self.prev1 = t;
    }
}
