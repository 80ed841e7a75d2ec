//! The per-token model: candidate set, integer mixing, escape path, and the in-message tables.
// Loops over parallel fixed-size arrays (ids, counts, sources) index them side by side.
#![allow(clippy::needless_range_loop)]

use super::coder::{code_bits, code_flag, RangeIo};
use super::params::{ESC_MIN, NA2B, NAB, NBUCKETS, NMB, NSB, NSETS, NTB, NW, TOT, WEIGHT_SUM};
use super::priors::{
    Priors, S_BUCKETS, S_CTX, S_IDRANK, S_RANK, S_SUCC, S_TRI, S_TSUCC, S_WEIGHTS,
};
use std::sync::Arc;

/// Static successors taken per token at most (the candidate step's share of a list).
pub(crate) const MAX_STATIC: usize = 32;
/// Longest successor list: the entries beyond `MAX_STATIC` are the escape path's second level.
pub(crate) const MAX_TAIL: usize = 1024;
/// Static pair successors taken per token at most.
pub(crate) const MAX_PAIR: usize = 32;
const MAXC: usize = MAX_STATIC + MAX_PAIR + 2 * O1N + 1;

/// 65536 * 2^(-i/16), rounded down (a successor's stored log-probability -> frequency).
const fn build_p16() -> [u32; 256] {
    let mut t = [0u32; 256];
    let mut p: u64 = 65536 << 16;
    let mut i = 0;
    while i < 256 {
        t[i] = (p >> 16) as u32;
        p = (p * 4_112_874_773) >> 32;
        i += 1;
    }
    t
}
pub(crate) const P16: [u32; 256] = build_p16();

/// Escape buckets over static frequency ranks: ranks 0-7 alone, then 4 buckets per octave.
#[inline(always)]
pub(crate) const fn bucket_of(r: u32) -> usize {
    if r < 8 {
        r as usize
    } else {
        let e = 31 - r.leading_zeros();
        let sub = (r >> (e - 2)) & 3;
        (8 + (e - 3) * 4 + sub) as usize
    }
}

/// First rank of bucket `b` and the number of bits of a rank inside it.
#[inline(always)]
pub(crate) const fn bucket_base(b: usize) -> (u32, u32) {
    if b < 8 {
        (b as u32, 0)
    } else {
        let e = 3 + (b as u32 - 8) / 4;
        let sub = (b as u32 - 8) % 4;
        ((4 + sub) << (e - 2), e - 2)
    }
}

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

/// Successors kept per in-message context.
const O1N: usize = 8;

/// In-message successors of one token: the most frequent recent ones.
#[derive(Clone, Copy, Default)]
struct O1 {
    ids: [u32; O1N],
    cnt: [u16; O1N],
    n: u16,
}

/// Growing open-addressing table of `O1` keyed by the previous token (+2; 1 = start).
struct O1Table {
    keys: Vec<u32>,
    slots: Vec<O1>,
    used: usize,
    bits: u32,
}
const O1_MAX_BITS: u32 = 16;

impl O1Table {
    fn new() -> Self {
        O1Table {
            keys: vec![0; 256],
            slots: vec![O1::default(); 256],
            used: 0,
            bits: 8,
        }
    }
    #[inline(always)]
    fn get(&self, key: u32) -> Option<&O1> {
        let mask = (1usize << self.bits) - 1;
        let mut i = fmix(key) as usize & mask;
        for _ in 0..8 {
            let k = self.keys[i];
            if k == key {
                return Some(&self.slots[i]);
            }
            if k == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
        None
    }
    fn slot(&mut self, key: u32) -> &mut O1 {
        if self.bits < O1_MAX_BITS && self.used * 4 >= 3 << self.bits {
            self.grow();
        }
        let mask = (1usize << self.bits) - 1;
        let mut i = fmix(key) as usize & mask;
        for _ in 0..8 {
            let k = self.keys[i];
            if k == key {
                return &mut self.slots[i];
            }
            if k == 0 {
                self.keys[i] = key;
                self.used += 1;
                return &mut self.slots[i];
            }
            i = (i + 1) & mask;
        }
        // A full neighbourhood (only at the size cap): the home slot starts over.
        let i = fmix(key) as usize & mask;
        self.keys[i] = key;
        self.slots[i] = O1::default();
        &mut self.slots[i]
    }
    fn grow(&mut self) {
        let nb = self.bits + 1;
        let mask = (1usize << nb) - 1;
        let mut keys = vec![0u32; 1 << nb];
        let mut slots = vec![O1::default(); 1 << nb];
        for (k, s) in self.keys.iter().zip(self.slots.iter()) {
            if *k == 0 {
                continue;
            }
            let mut i = fmix(*k) as usize & mask;
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
    fn mem(&self) -> usize {
        self.keys.len() * (4 + std::mem::size_of::<O1>())
    }
}

/// The message's own order-0 statistics: distinct tokens seen, with counts in a Fenwick tree.
struct Seen {
    toks: Vec<u32>,
    cnt: Vec<u16>,
    tree: Vec<u32>,
    cap: usize,
    total: u32,
    hkeys: Vec<u32>,
    hvals: Vec<u32>,
    /// Indices whose count is 2 or more: the only ones a halving changes. With more than
    /// `SEEN_LIMIT` distinct tokens the counts stay above the limit after a halving, and a
    /// halving comes with every token: it must cost what it changes, not the table's size.
    multi: Vec<u32>,
}
const SEEN_MAX: usize = 1 << 16;
const SEEN_LIMIT: u32 = 60_000;

impl Seen {
    fn new() -> Self {
        Seen {
            toks: Vec::new(),
            cnt: Vec::new(),
            tree: vec![0; 65],
            cap: 64,
            total: 0,
            hkeys: vec![0; 128],
            hvals: vec![0; 128],
            multi: Vec::new(),
        }
    }
    #[inline(always)]
    fn index_of(&self, t: u32) -> Option<usize> {
        let key = t + 1;
        let mask = self.hkeys.len() - 1;
        let mut i = fmix(key) as usize & mask;
        loop {
            let k = self.hkeys[i];
            if k == key {
                return Some(self.hvals[i] as usize);
            }
            if k == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }
    fn hinsert(&mut self, t: u32, idx: usize) {
        let mask = self.hkeys.len() - 1;
        let mut i = fmix(t + 1) as usize & mask;
        while self.hkeys[i] != 0 {
            i = (i + 1) & mask;
        }
        self.hkeys[i] = t + 1;
        self.hvals[i] = idx as u32;
    }
    fn rebuild(&mut self) {
        self.tree.clear();
        self.tree.resize(self.cap + 1, 0);
        for (i, &c) in self.cnt.iter().enumerate() {
            self.tree[i + 1] = c as u32;
        }
        // Every node passes its sum up, the empty tail included (it carries its children's).
        for i in 1..=self.cap {
            let j = i + (i & (!i + 1));
            if j <= self.cap {
                let v = self.tree[i];
                self.tree[j] += v;
            }
        }
    }
    #[inline(always)]
    fn bump(&mut self, idx: usize, by: u32) {
        let mut i = idx + 1;
        while i <= self.cap {
            self.tree[i] = self.tree[i].wrapping_add(by);
            i += i & (!i + 1);
        }
    }
    #[inline(always)]
    fn prefix(&self, idx: usize) -> u32 {
        let mut s = 0;
        let mut i = idx;
        while i > 0 {
            s += self.tree[i];
            i &= i - 1;
        }
        s
    }
    /// The index whose interval holds `v` (< total) and the interval's start.
    #[inline(always)]
    fn find(&self, v: u32) -> (usize, u32) {
        let mut pos = 0usize;
        let mut rem = v;
        let mut step = self.cap;
        while step > 0 {
            let nx = pos + step;
            if nx <= self.cap && self.tree[nx] <= rem {
                pos = nx;
                rem -= self.tree[nx];
            }
            step >>= 1;
        }
        (pos.min(self.toks.len().saturating_sub(1)), v - rem)
    }
    fn add(&mut self, t: u32) {
        if let Some(i) = self.index_of(t) {
            self.cnt[i] += 1;
            if self.cnt[i] == 2 {
                self.multi.push(i as u32);
            }
            self.bump(i, 1);
        } else if self.toks.len() < SEEN_MAX {
            if self.toks.len() == self.cap {
                self.cap *= 2;
                self.hkeys = vec![0; self.cap * 2];
                self.hvals = vec![0; self.cap * 2];
                for i in 0..self.toks.len() {
                    self.hinsert(self.toks[i], i);
                }
                self.rebuild();
            }
            let i = self.toks.len();
            self.toks.push(t);
            self.cnt.push(1);
            self.hinsert(t, i);
            self.bump(i, 1);
        } else {
            return;
        }
        self.total += 1;
        if self.total > SEEN_LIMIT {
            // Halve every count (rounding up): counts of 1 stay, so only `multi` changes. The
            // tree and the total end exactly as a full pass and a rebuild would leave them,
            // and the work is paid for by the adds that raised those counts.
            let mut keep = 0;
            for j in 0..self.multi.len() {
                let i = self.multi[j] as usize;
                let c = self.cnt[i];
                let h = c.div_ceil(2);
                let d = (c - h) as u32;
                self.cnt[i] = h;
                self.bump(i, d.wrapping_neg());
                self.total -= d;
                if h >= 2 {
                    self.multi[keep] = i as u32;
                    keep += 1;
                }
            }
            self.multi.truncate(keep);
        }
    }
    fn mem(&self) -> usize {
        self.toks.capacity() * 4
            + self.cnt.capacity() * 2
            + self.tree.capacity() * 4
            + self.hkeys.len() * 8
            + self.multi.capacity() * 4
    }
}

const HIST_BITS: u32 = 20; // match history ring (4 MiB max)
const MT_MAX_BITS: u32 = 18; // match hash table (1 MiB max)
const MINLEN: u64 = 3;
const BUCKET_INC: u32 = 32;
/// In-message adaptation rate of the mixing weights (1/2^k per token of the set).
const ADAPT_SHIFT: i32 = 4;
const BUCKET_LIMIT: u32 = 60_000;

/// What the trainer needs to know about one token before it is coded.
pub(crate) struct Probe {
    pub(crate) set: usize,
    pub(crate) p: [f64; 6],
    /// The rank bucket the escape path codes this token with (not a candidate, not seen).
    pub(crate) bucket: Option<usize>,
}

pub(crate) struct Model {
    vocab: u32,
    priors: Option<Arc<Priors>>,
    pvocab: u32,
    weights: Vec<u32>,
    prev1: u32,
    prev2: u32,
    o1: O1Table,
    o2: O1Table,
    hist: Vec<u32>,
    pos: u64,
    mtab: Vec<u32>,
    mt_bits: u32,
    mptr: u64,
    mlen: u32,
    buckets: [u32; NBUCKETS],
    btotal: u32,
    seen: Seen,
    p_seen: [u32; 2],
    p_tail: [u32; NTAILB],
    p_esc: [u32; NESCB],
    tail_cache: Box<[(u32, u32, u32); TAIL_CACHE]>,
    cands: Box<Cands>,
    /// One bit per recent token: whether it went through the escape.
    esc_hist: u8,
    /// Whether the last token went through the escape path (for diagnostics).
    pub(crate) last_escaped: bool,
    /// Which escape path the last escaped token took (true: the message's seen tokens).
    pub(crate) last_seen_path: bool,
    /// The escape symbol's frequency (of `TOT`) at the last token (for diagnostics).
    pub(crate) last_esc: u32,
    /// The list tail (range of `S_SUCC`) the current escape was coded as not in, if any: the
    /// decoder refuses a token of it from the later paths.
    tail_refused: Option<(usize, usize)>,
}

const BOS: u32 = u32::MAX;
/// Bins of the escape's secondary estimation: half octaves of the mixed escape frequency.
const NESCB: usize = 18;
const ESC_RATE: u32 = 5;

/// Half-octave bin of an escape frequency (1..=TOT).
#[inline(always)]
fn esc_bin(esc: u32) -> usize {
    let esc = esc.clamp(256, TOT);
    let e = 31 - esc.leading_zeros();
    (((e - 8) * 2 + ((esc >> (e - 1)) & 1)) as usize).min(NESCB - 1)
}

/// The middle of bin `b` (the initial escape frequency of the bin).
fn esc_bin_mid(b: usize) -> u32 {
    let e = 8 + b as u32 / 2;
    let half = b as u32 % 2;
    (((4 + 2 * half + 1) << e) >> 2).min(TOT - ESC_MIN)
}
/// Bins of the tail flag's probability (by the tail's share of the mass left).
const NTAILB: usize = 16;
/// Entries of the cache of successor-list masses (direct-mapped, keyed by list offset).
const TAIL_CACHE: usize = 512;

/// Weights without priors (or for untrained sets): by in-message and match confidence.
pub(crate) fn default_weights() -> Vec<u32> {
    let mut w = vec![0u32; NSETS * NW];
    for set in 0..NSETS {
        let (sb, ab, mb, tb, a2b) = split_set(set);
        let ws = [0, 30000, 38000, 44000, 48000][sb];
        let wa = [0, 8000, 14000, 20000][ab];
        let wm = [0, 10000, 20000, 30000][mb];
        let wt = [0, 10000, 20000][tb];
        let wa2 = [0, 8000, 16000][a2b];
        let mut v = [ws, wa, wm, wt, wa2];
        let sum: u32 = v.iter().sum();
        if sum > WEIGHT_SUM - 4000 {
            for x in v.iter_mut() {
                *x = (*x as u64 * (WEIGHT_SUM - 4000) as u64 / sum as u64) as u32;
            }
        }
        w[set * NW..set * NW + NW].copy_from_slice(&v);
    }
    w
}

/// (static, in-message, match, static pair, in-message pair) confidence of a set.
pub(crate) const fn split_set(set: usize) -> (usize, usize, usize, usize, usize) {
    let coarse = (set / (NTB * NA2B)) % (NSB * NAB * NMB);
    let fine = set % (NTB * NA2B);
    (
        coarse / (NAB * NMB),
        (coarse / NMB) % NAB,
        coarse % NMB,
        fine / NA2B,
        fine % NA2B,
    )
}

/// Candidate list of one token with a small hash index so that a token named by several
/// sources is one symbol whose frequency is the sum.
/// Lives in the model so that only the slots used are cleared after each token.
struct Cands {
    ids: [u32; MAXC],
    fr: [u32; MAXC],
    /// Each candidate's frequency by source (for the in-message weight update).
    src: [[u32; NW]; MAXC],
    slot: [u8; MAXC],
    n: usize,
    tag: [u32; 256],
    at: [u8; 256],
}

impl Cands {
    fn new() -> Self {
        Cands {
            ids: [0; MAXC],
            fr: [0; MAXC],
            src: [[0; NW]; MAXC],
            slot: [0; MAXC],
            n: 0,
            tag: [0; 256],
            at: [0; 256],
        }
    }
    #[inline(always)]
    fn clear(&mut self) {
        for i in 0..self.n {
            self.tag[self.slot[i] as usize] = 0;
        }
        self.n = 0;
    }
    #[inline(always)]
    fn add(&mut self, id: u32, f: u32, source: usize) {
        let mut h = (id.wrapping_mul(0x9E37_79B1) >> 24) as usize;
        loop {
            let t = self.tag[h];
            if t == id + 1 {
                let i = self.at[h] as usize;
                self.fr[i] += f;
                self.src[i][source] += f;
                return;
            }
            if t == 0 {
                let i = self.n;
                self.tag[h] = id + 1;
                self.at[h] = i as u8;
                self.slot[i] = h as u8;
                self.ids[i] = id;
                self.fr[i] = f;
                self.src[i] = [0; NW];
                self.src[i][source] = f;
                self.n += 1;
                return;
            }
            h = (h + 1) & 255;
        }
    }
    #[inline(always)]
    fn find(&self, id: u32) -> Option<usize> {
        let mut h = (id.wrapping_mul(0x9E37_79B1) >> 24) as usize;
        loop {
            let t = self.tag[h];
            if t == id + 1 {
                return Some(self.at[h] as usize);
            }
            if t == 0 {
                return None;
            }
            h = (h + 1) & 255;
        }
    }
}

/// The state a token is predicted from (shared by coding and the trainer's probe).
struct Ctx {
    big: Option<(usize, usize, u32)>,
    pair: Option<(usize, usize, u32)>,
    o1: O1,
    o2: O1,
    set: usize,
}

impl Model {
    pub(crate) fn new(vocab: u32, priors: Option<Arc<Priors>>) -> Self {
        Self::with_weights(vocab, priors, None)
    }

    pub(crate) fn with_weights(vocab: u32, priors: Option<Arc<Priors>>, w: Option<&[u32]>) -> Self {
        let pvocab = priors.as_ref().map_or(0, |p| p.vocab_size);
        let weights = match (w, &priors) {
            (Some(w), _) => w.to_vec(),
            (None, Some(p)) => p.section(S_WEIGHTS).to_vec(),
            (None, None) => default_weights(),
        };
        let mut buckets = [0u32; NBUCKETS];
        let pb = priors.as_ref().map(|p| p.section(S_BUCKETS));
        for (b, f) in buckets.iter_mut().enumerate() {
            let (base, _) = bucket_base(b);
            *f = if base >= vocab {
                0
            } else if base < pvocab {
                pb.map_or(1, |pb| pb[b].max(1))
            } else {
                1
            };
        }
        let btotal = buckets.iter().sum();
        Model {
            vocab,
            priors,
            pvocab,
            weights,
            prev1: BOS,
            prev2: BOS,
            o1: O1Table::new(),
            o2: O1Table::new(),
            hist: Vec::new(),
            pos: 0,
            mtab: vec![0; 1 << 10],
            mt_bits: 10,
            mptr: 0,
            mlen: 0,
            buckets,
            btotal,
            seen: Seen::new(),
            p_seen: [2048; 2],
            p_esc: core::array::from_fn(esc_bin_mid),
            tail_cache: Box::new([(0, 0, 0); TAIL_CACHE]),
            p_tail: core::array::from_fn(|i| {
                ((2 * i as u32 + 1) * 2048 / NTAILB as u32).clamp(64, 4032)
            }),
            cands: Box::new(Cands::new()),
            esc_hist: 0,
            last_escaped: false,
            last_seen_path: false,
            last_esc: 0,
            tail_refused: None,
        }
    }

    /// Upper bound of working memory in bytes (the tables' caps).
    pub(crate) fn max_memory(&self) -> usize {
        2 * (1usize << O1_MAX_BITS) * (4 + std::mem::size_of::<O1>())
            + (4usize << HIST_BITS)
            + (4usize << MT_MAX_BITS)
            + SEEN_MAX * (4 + 2 + 4 + 16 + 4)
            + self.weights.len() * 4
            + TAIL_CACHE * 12
    }

    /// Working memory held now.
    pub(crate) fn memory(&self) -> usize {
        self.o1.mem()
            + self.o2.mem()
            + self.hist.capacity() * 4
            + self.mtab.len() * 4
            + self.seen.mem()
            + self.weights.len() * 4
            + TAIL_CACHE * 12
            + std::mem::size_of::<Self>()
    }

    #[inline(always)]
    fn o1_key(prev: u32) -> u32 {
        if prev == BOS {
            1
        } else {
            prev + 2
        }
    }

    #[inline(always)]
    fn o2_key(prev2: u32, prev1: u32) -> u32 {
        fmix(prev2.wrapping_mul(0x2545_F491) ^ prev1) | 1
    }

    #[inline(always)]
    fn ctx(&self) -> Ctx {
        let mut big = None;
        let mut pair = None;
        if let Some(p) = &self.priors {
            let c = if self.prev1 == BOS {
                Some(self.pvocab)
            } else if self.prev1 < self.pvocab {
                Some(self.prev1)
            } else {
                None
            };
            if let Some(c) = c {
                let c = c as usize;
                let ctx = p.section(S_CTX);
                big = Some((ctx[2 * c] as usize, ctx[2 * c + 2] as usize, ctx[2 * c + 1]));
                if self.prev1 != BOS {
                    let p2 = if self.prev2 == BOS {
                        Some(self.pvocab)
                    } else if self.prev2 < self.pvocab {
                        Some(self.prev2)
                    } else {
                        None
                    };
                    if let Some(p2) = p2 {
                        pair = p.pair(p2, self.prev1);
                    }
                }
            }
        }
        let o1 = self
            .o1
            .get(Self::o1_key(self.prev1))
            .copied()
            .unwrap_or_default();
        let o2 = if self.prev2 == BOS {
            O1::default()
        } else {
            self.o2
                .get(Self::o2_key(self.prev2, self.prev1))
                .copied()
                .unwrap_or_default()
        };
        let n_static = big.map_or(0, |s| s.2);
        let sb = match n_static {
            0 => 0,
            1..=15 => 1,
            16..=255 => 2,
            256..=4095 => 3,
            _ => 4,
        };
        let ab = match o1.n {
            0 => 0,
            1 => 1,
            2..=3 => 2,
            _ => 3,
        };
        let mb = match self.mlen {
            0 => 0,
            1..=4 => 1,
            5..=11 => 2,
            _ => 3,
        };
        let tb = match pair.map_or(0, |t| t.2) {
            0 => 0,
            1..=255 => 1,
            _ => 2,
        };
        let a2b = match o2.n {
            0 => 0,
            1 => 1,
            _ => 2,
        };
        let eb = match self.esc_hist.count_ones() {
            0 => 0,
            1..=2 => 1,
            _ => 2,
        };
        let set = ((((eb * NSB + sb) * NAB + ab) * NMB + mb) * NTB + tb) * NA2B + a2b;
        Ctx {
            big,
            pair,
            o1,
            o2,
            set,
        }
    }

    #[inline(always)]
    fn predicted(&self) -> Option<u32> {
        (self.mlen > 0).then(|| self.hist[(self.mptr & ((1 << HIST_BITS) - 1)) as usize])
    }

    /// Code one token (encode: `sym` is the token; decode: `sym` ignored). Returns the token.
    pub(crate) fn code_token<C: RangeIo>(&mut self, io: &mut C, sym: u32) -> u32 {
        let cx = self.ctx();
        let predicted = self.predicted();
        let c = &mut *self.cands;
        let w = &self.weights[cx.set * NW..cx.set * NW + NW];
        let (ws, wa, wm, wt, wa2) = (w[0], w[1], w[2], w[3], w[4]);
        if let Some(p) = self.priors.as_ref() {
            if let Some((a, b, _)) = cx.pair {
                let succ = p.section(S_TSUCC);
                for &e in &succ[a..b.min(a + MAX_PAIR)] {
                    let f = (wt * P16[(e >> 24) as usize]) >> 16;
                    if f == 0 {
                        break;
                    }
                    c.add(e & 0x00FF_FFFF, f, 3);
                }
            }
            if let Some((a, b, _)) = cx.big {
                let succ = p.section(S_SUCC);
                for &e in &succ[a..b.min(a + MAX_STATIC)] {
                    let f = (ws * P16[(e >> 24) as usize]) >> 16;
                    if f == 0 {
                        break;
                    }
                    c.add(e & 0x00FF_FFFF, f, 0);
                }
            }
        }
        for (o, wo, k) in [(&cx.o2, wa2, 4), (&cx.o1, wa, 1)] {
            if o.n > 0 {
                for j in 0..O1N {
                    if o.cnt[j] > 0 {
                        c.add(o.ids[j], ((wo * o.cnt[j] as u32) / o.n as u32).max(1), k);
                    }
                }
            }
        }
        if let Some(t) = predicted {
            c.add(t, wm.max(1), 2);
        }
        let n = c.n;
        let mut sum: u32 = c.fr[..n].iter().sum();
        // Only custom priors with inconsistent probabilities get here: scale down until the
        // escape keeps its floor.
        while sum > TOT - ESC_MIN / 2 {
            for f in c.fr[..n].iter_mut() {
                *f = (*f / 2).max(1);
            }
            sum = c.fr[..n].iter().sum();
        }
        let mut esc = TOT - sum;
        // Secondary estimation of the escape: an adaptive escape probability per half-octave
        // bin of the mixed one; the candidates are scaled to leave it (3/4 of it, 1/4 the mix).
        let eb = esc_bin(esc);
        if n > 0 {
            let want = ((esc + 3 * self.p_esc[eb]) / 4).clamp(ESC_MIN, TOT - ESC_MIN);
            if want != esc {
                let scale = (((TOT - want) as u64) << 16) / sum as u64;
                for f in c.fr[..n].iter_mut() {
                    *f = ((*f as u64 * scale) >> 16).max(1) as u32;
                }
                sum = c.fr[..n].iter().sum();
                esc = TOT - sum;
            }
        }
        self.last_esc = esc;
        // The candidate coded, or None for the escape.
        let hit: Option<usize> = if C::DECODE {
            let v = io.target(TOT);
            if v < esc {
                io.code(0, esc, TOT);
                None
            } else {
                let mut cum = esc;
                let mut i = 0;
                while i + 1 < n && v >= cum + c.fr[i] {
                    cum += c.fr[i];
                    i += 1;
                }
                io.code(cum, c.fr[i], TOT);
                Some(i)
            }
        } else {
            io.target(TOT);
            match c.find(sym) {
                Some(i) => {
                    let cum = esc + c.fr[..i].iter().sum::<u32>();
                    io.code(cum, c.fr[i], TOT);
                    Some(i)
                }
                None => {
                    io.code(0, esc, TOT);
                    None
                }
            }
        };
        // In-message weight update, an online EM step: each source's weight moves toward its
        // share of the coded token's frequency (all toward zero on an escape).
        let w = &mut self.weights[cx.set * NW..cx.set * NW + NW];
        match hit {
            Some(i) => {
                // One division: the share of each source as a 32-bit fraction of WEIGHT_SUM.
                let own: u32 = c.src[i].iter().sum();
                let inv = ((WEIGHT_SUM as u64) << 32) / own.max(1) as u64;
                for j in 0..NW {
                    let target = ((c.src[i][j] as u64 * inv) >> 32) as i32;
                    let d = (target - w[j] as i32) >> ADAPT_SHIFT;
                    w[j] = (w[j] as i32 + d).max(0) as u32;
                }
            }
            None => {
                for x in w.iter_mut() {
                    *x -= *x >> ADAPT_SHIFT;
                }
            }
        }
        let pe = &mut self.p_esc[eb];
        if hit.is_none() {
            *pe += (TOT - *pe) >> ESC_RATE;
        } else {
            *pe -= *pe >> ESC_RATE;
        }
        self.last_escaped = hit.is_none();
        self.esc_hist = (self.esc_hist << 1) | hit.is_none() as u8;
        let tok = match hit {
            Some(i) => {
                let t = c.ids[i];
                c.clear();
                t
            }
            None => {
                // The in-message candidates (seen tokens) cannot be the token: the seen-token
                // path excludes them.
                let mut ex = [0u32; MAXC];
                let mut n = 0;
                for i in 0..c.n {
                    let s = &c.src[i];
                    if s[1] | s[2] | s[4] != 0 {
                        ex[n] = c.ids[i];
                        n += 1;
                    }
                }
                self.tail_refused = None;
                let t = if let Some(t) = self.code_tail(io, sym, cx.big) {
                    t
                } else {
                    self.code_escape(io, sym, cx.big.is_some(), &ex[..n])
                };
                let c = &mut *self.cands;
                if C::DECODE {
                    // The encoder escapes only tokens outside the candidates, and codes a token
                    // of the list's tail in the tail: anything else is not its data.
                    let in_tail = self.tail_refused.is_some_and(|(a, b)| {
                        self.priors.as_ref().is_some_and(|p| {
                            p.section(S_SUCC)[a..b]
                                .iter()
                                .any(|&e| e & 0x00FF_FFFF == t)
                        })
                    });
                    if in_tail || c.find(t).is_some() {
                        io.fail();
                    }
                }
                c.clear();
                t
            }
        };
        self.update(tok);
        tok
    }

    /// Second level of the escape: the previous token's static successors beyond the candidate
    /// step's share, if its list is longer. A flag (adaptive, by the list tail's share of the
    /// probability left) says whether the token is one of them; then it is coded with the stored
    /// probabilities. Returns the token, or None when it is not in the tail (or there is none).
    fn code_tail<C: RangeIo>(
        &mut self,
        io: &mut C,
        sym: u32,
        big: Option<(usize, usize, u32)>,
    ) -> Option<u32> {
        let (a, b, _) = big?;
        if b - a <= MAX_STATIC {
            return None;
        }
        let p = self.priors.as_ref()?;
        let succ = p.section(S_SUCC);
        let tail = &succ[a + MAX_STATIC..b];
        // Masses of the head and the tail of this list (a pure function of the priors, cached).
        let slot = &mut self.tail_cache[fmix(a as u32) as usize & (TAIL_CACHE - 1)];
        let (head, tmass) = if slot.0 == a as u32 + 1 {
            (slot.1, slot.2)
        } else {
            let head: u32 = succ[a..a + MAX_STATIC]
                .iter()
                .map(|&e| P16[(e >> 24) as usize])
                .sum();
            let tmass: u32 = tail.iter().map(|&e| P16[(e >> 24) as usize]).sum();
            *slot = (a as u32 + 1, head, tmass);
            (head, tmass)
        };
        if tmass == 0 || tmass > TOT || head >= TOT {
            return None;
        }
        let left = (TOT - head).max(tmass + 1);
        let bin = ((tmass as u64 * NTAILB as u64) / left as u64) as usize;
        let pos = if C::DECODE {
            None
        } else {
            tail.iter().position(|&e| e & 0x00FF_FFFF == sym)
        };
        let pt = &mut self.p_tail[bin.min(NTAILB - 1)];
        let inside = code_flag(io, pos.is_some(), *pt);
        if inside {
            *pt += (4096 - *pt) >> 4;
        } else {
            *pt -= *pt >> 4;
            self.tail_refused = Some((a + MAX_STATIC, b));
            return None;
        }
        if C::DECODE {
            let v = io.target(tmass);
            let mut cum = 0;
            for (i, &e) in tail.iter().enumerate() {
                let f = P16[(e >> 24) as usize];
                if v < cum + f {
                    io.code(cum, f, tmass);
                    let t = e & 0x00FF_FFFF;
                    // The encoder codes a token listed twice at its first place.
                    if tail[..i].iter().any(|&e| e & 0x00FF_FFFF == t) {
                        io.fail();
                    }
                    return Some(t);
                }
                cum += f;
            }
            io.fail();
            Some(0)
        } else {
            let i = pos.unwrap_or(0);
            let cum: u32 = tail[..i].iter().map(|&e| P16[(e >> 24) as usize]).sum();
            io.target(tmass);
            io.code(cum, P16[(tail[i] >> 24) as usize], tmass);
            Some(sym)
        }
    }

    #[inline(always)]
    fn rank_of(&self, id: u32) -> u32 {
        match &self.priors {
            Some(p) if id < self.pvocab => p.section(S_IDRANK)[id as usize],
            _ => id,
        }
    }

    #[inline(always)]
    fn id_of(&self, rank: u32) -> u32 {
        match &self.priors {
            Some(p) if rank < self.pvocab => p.section(S_RANK)[rank as usize],
            _ => rank,
        }
    }

    fn code_escape<C: RangeIo>(
        &mut self,
        io: &mut C,
        sym: u32,
        has_static: bool,
        excluded: &[u32],
    ) -> u32 {
        let seen_idx = if C::DECODE {
            None
        } else {
            self.seen.index_of(sym)
        };
        let mut use_seen = false;
        if self.seen.total > 0 {
            let c = has_static as usize;
            use_seen = code_flag(io, seen_idx.is_some(), self.p_seen[c]);
            let p = &mut self.p_seen[c];
            if use_seen {
                *p += (4096 - *p) >> 4;
            } else {
                *p -= *p >> 4;
            }
        }
        self.last_seen_path = use_seen;
        if use_seen {
            // Exclusion: the seen tokens that were candidates leave the distribution for
            // this step (their counts come back right after).
            let mut saved = [(0u32, 0u16); MAXC];
            let mut ns = 0;
            let mut total = self.seen.total;
            for &id in excluded {
                if let Some(i) = self.seen.index_of(id) {
                    let f = self.seen.cnt[i];
                    if f > 0 {
                        self.seen.bump(i, (f as u32).wrapping_neg());
                        self.seen.cnt[i] = 0;
                        total -= f as u32;
                        saved[ns] = (i as u32, f);
                        ns += 1;
                    }
                }
            }
            let out = if total == 0 {
                // Only corrupt data asks for a seen token when every one was excluded.
                io.fail();
                0
            } else if C::DECODE {
                let v = io.target(total);
                let (i, cum) = self.seen.find(v);
                let f = self.seen.cnt[i] as u32;
                if v >= cum + f {
                    io.fail();
                }
                io.code(cum, f.max(1), total);
                self.seen.toks[i]
            } else {
                let i = seen_idx.unwrap_or(0);
                io.target(total);
                io.code(self.seen.prefix(i), self.seen.cnt[i] as u32, total);
                sym
            };
            for &(i, f) in &saved[..ns] {
                self.seen.cnt[i as usize] = f;
                self.seen.bump(i as usize, f as u32);
            }
            return out;
        }
        let b;
        let mut rank = 0;
        if C::DECODE {
            let v = io.target(self.btotal);
            let mut cum = 0;
            let mut i = 0;
            while i + 1 < NBUCKETS && v >= cum + self.buckets[i] {
                cum += self.buckets[i];
                i += 1;
            }
            if self.buckets[i] == 0 {
                io.fail();
            }
            io.code(cum, self.buckets[i].max(1), self.btotal);
            b = i;
        } else {
            rank = self.rank_of(sym);
            b = bucket_of(rank);
            let cum: u32 = self.buckets[..b].iter().sum();
            io.target(self.btotal);
            io.code(cum, self.buckets[b], self.btotal);
        }
        let (base, bits) = bucket_base(b);
        let off = code_bits(io, rank.wrapping_sub(base), bits);
        let mut rank = base + off;
        if rank >= self.vocab {
            io.fail();
            rank = self.vocab - 1;
        }
        self.buckets[b] += BUCKET_INC;
        self.btotal += BUCKET_INC;
        if self.btotal > BUCKET_LIMIT {
            self.btotal = 0;
            for f in self.buckets.iter_mut() {
                *f = f.div_ceil(2);
                self.btotal += *f;
            }
        }
        if C::DECODE {
            let t = self.id_of(rank);
            // The encoder takes the seen-token path for every token seen so far.
            if self.seen.index_of(t).is_some() {
                io.fail();
            }
            t
        } else {
            sym
        }
    }

    /// For the trainer: the set this token is coded with and the probability each source
    /// gives it (static successors, in-message successors, match, static pair successors,
    /// in-message pair successors, escape path; the escape path only for non-candidates).
    pub(crate) fn probe(&self, t: u32) -> Probe {
        let cx = self.ctx();
        let mut p = [0f64; 6];
        let mut cand = false;
        let mut bucket = None;
        if let Some(pr) = self.priors.as_ref() {
            for (k, sec, r, lim) in [
                (0, S_SUCC, cx.big, MAX_STATIC),
                (3, S_TSUCC, cx.pair, MAX_PAIR),
            ] {
                if let Some((a, b, _)) = r {
                    let succ = pr.section(sec);
                    for &e in &succ[a..b.min(a + lim)] {
                        if e & 0x00FF_FFFF == t {
                            p[k] = P16[(e >> 24) as usize] as f64 / 65536.0;
                            cand = true;
                        }
                    }
                }
            }
        }
        for (k, o) in [(1, &cx.o1), (4, &cx.o2)] {
            for j in 0..O1N {
                if o.cnt[j] > 0 && o.ids[j] == t {
                    p[k] = o.cnt[j] as f64 / o.n as f64;
                    cand = true;
                }
            }
        }
        if self.predicted() == Some(t) {
            p[2] = 1.0;
            cand = true;
        }
        if !cand {
            let ps = self.p_seen[cx.big.is_some() as usize] as f64 / 4096.0;
            p[5] = match self.seen.index_of(t) {
                Some(i) => ps * self.seen.cnt[i] as f64 / self.seen.total as f64,
                None => {
                    let r = self.rank_of(t);
                    let b = bucket_of(r);
                    bucket = Some(b);
                    let q = if self.seen.total > 0 { 1.0 - ps } else { 1.0 };
                    q * self.buckets[b] as f64
                        / self.btotal as f64
                        / (1u64 << bucket_base(b).1) as f64
                }
            };
        }
        Probe {
            set: cx.set,
            p,
            bucket,
        }
    }

    fn mt_hash(&self, end: u64) -> usize {
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

    fn update(&mut self, t: u32) {
        self.seen.add(t);
        o1_update(self.o1.slot(Self::o1_key(self.prev1)), t);
        if self.prev2 != BOS {
            o1_update(self.o2.slot(Self::o2_key(self.prev2, self.prev1)), t);
        }
        // Match model: the token after the last occurrence of the current 3-token context.
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
        // The next token's contexts: start their cache misses together, now.
        if let Some(p) = &self.priors {
            if t < self.pvocab {
                prefetch(p.section(S_CTX), 2 * t as usize);
                let p2 = if self.prev2 < self.pvocab {
                    self.prev2
                } else {
                    self.pvocab
                };
                prefetch(p.section(S_TRI), p.pair_slot(p2, t));
            }
        }
        let k1 = Self::o1_key(t);
        prefetch(&self.o1.keys, fmix(k1) as usize & (self.o1.keys.len() - 1));
    }
}

fn o1_update(s: &mut O1, t: u32) {
    let mut hit = false;
    for k in 0..O1N {
        if s.cnt[k] > 0 && s.ids[k] == t {
            s.cnt[k] += 1;
            hit = true;
            break;
        }
    }
    if !hit {
        // Replace the least frequent (the first of equals).
        let mut j = 0;
        for k in 1..O1N {
            if s.cnt[k] < s.cnt[j] {
                j = k;
            }
        }
        s.ids[j] = t;
        s.cnt[j] = 1;
    }
    s.n += 1;
    if s.n > 1000 {
        s.n = 0;
        for k in 0..O1N {
            s.cnt[k] = s.cnt[k].div_ceil(2);
            s.n += s.cnt[k];
        }
    }
}
