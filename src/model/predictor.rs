//! The per-token model: candidate set, integer mixing, escape path, and the in-message tables.

use super::coder::RangeIo;
use super::priors::{Priors, S_BUCKETS, S_CTX, S_IDRANK, S_RANK, S_SUCC, S_WEIGHTS};
use super::{code_bits, code_flag, ESC_MIN, NAB, NBUCKETS, NMB, NSETS, NW, TOT, WEIGHT_SUM};
use std::sync::Arc;

/// Static successors taken per token at most.
pub(crate) const MAX_STATIC: usize = 48;
const MAXC: usize = MAX_STATIC + 4 + 1;

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

#[inline(always)]
fn fmix(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// In-message successors of one token: the 4 most frequent recent ones.
#[derive(Clone, Copy, Default)]
struct O1 {
    ids: [u32; 4],
    cnt: [u16; 4],
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
            self.tree[i + 1] += c as u32;
            let j = (i + 1) + ((i + 1) & (!(i + 1) + 1));
            if j <= self.cap {
                let v = self.tree[i + 1];
                self.tree[j] += v;
            }
        }
    }
    #[inline(always)]
    fn bump(&mut self, idx: usize, by: u32) {
        let mut i = idx + 1;
        while i <= self.cap {
            self.tree[i] += by;
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
            self.total = 0;
            for c in self.cnt.iter_mut() {
                *c = c.div_ceil(2);
                self.total += *c as u32;
            }
            self.rebuild();
        }
    }
    fn mem(&self) -> usize {
        self.toks.capacity() * 4
            + self.cnt.capacity() * 2
            + self.tree.capacity() * 4
            + self.hkeys.len() * 8
    }
}

const HIST_BITS: u32 = 20; // match history ring (4 MiB max)
const MT_MAX_BITS: u32 = 18; // match hash table (1 MiB max)
const MINLEN: u64 = 3;
const BUCKET_INC: u32 = 32;
const BUCKET_LIMIT: u32 = 60_000;

/// What the trainer needs to know about one token before it is coded.
pub(crate) struct Probe {
    pub(crate) set: usize,
    pub(crate) p: [f64; 4],
    /// The rank bucket the escape path codes this token with (not a candidate, not seen).
    pub(crate) bucket: Option<usize>,
}

pub(crate) struct Model {
    vocab: u32,
    priors: Option<Arc<Priors>>,
    pvocab: u32,
    weights: Vec<u32>,
    prev1: u32,
    o1: O1Table,
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
    /// Whether the last token went through the escape path (for diagnostics).
    pub(crate) last_escaped: bool,
}

const BOS: u32 = u32::MAX;

/// Weights without priors (or for untrained sets): by in-message and match confidence.
pub(crate) fn default_weights() -> Vec<u32> {
    let mut w = vec![0u32; NSETS * NW];
    for set in 0..NSETS {
        let mb = set % NMB;
        let ab = (set / NMB) % NAB;
        let sb = set / (NMB * NAB);
        let ws = [0, 30000, 34000, 38000, 42000, 44000, 46000, 48000, 50000][sb];
        let wa = [0, 8000, 14000, 20000][ab];
        let wm = [0, 10000, 20000, 30000][mb];
        let mut v = [ws, wa, wm];
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
            o1: O1Table::new(),
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
            last_escaped: false,
        }
    }

    /// Upper bound of working memory in bytes (the tables' caps).
    pub(crate) fn max_memory(&self) -> usize {
        (1usize << O1_MAX_BITS) * (4 + std::mem::size_of::<O1>())
            + (4usize << HIST_BITS)
            + (4usize << MT_MAX_BITS)
            + SEEN_MAX * (4 + 2 + 4 + 16)
            + self.weights.len() * 4
    }

    /// Working memory held now.
    pub(crate) fn memory(&self) -> usize {
        self.o1.mem()
            + self.hist.capacity() * 4
            + self.mtab.len() * 4
            + self.seen.mem()
            + self.weights.len() * 4
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

    /// The static successor list of the previous token: (entries range, total count).
    #[inline(always)]
    fn static_ctx(&self) -> Option<(usize, usize, u32)> {
        let p = self.priors.as_ref()?;
        let c = if self.prev1 == BOS {
            self.pvocab
        } else if self.prev1 < self.pvocab {
            self.prev1
        } else {
            return None;
        } as usize;
        let ctx = p.section(S_CTX);
        Some((ctx[2 * c] as usize, ctx[2 * c + 2] as usize, ctx[2 * c + 1]))
    }

    #[inline(always)]
    fn set_of(&self, n_static: u32, o1n: u16) -> usize {
        let sb = if n_static == 0 {
            0
        } else {
            1 + ((31 - n_static.leading_zeros()) / 2).min(7) as usize
        };
        let ab = match o1n {
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
        (sb * NAB + ab) * NMB + mb
    }

    #[inline(always)]
    fn predicted(&self) -> Option<u32> {
        (self.mlen > 0).then(|| self.hist[(self.mptr & ((1 << HIST_BITS) - 1)) as usize])
    }

    /// Code one token (encode: `sym` is the token; decode: `sym` ignored). Returns the token.
    pub(crate) fn code_token<C: RangeIo>(&mut self, io: &mut C, sym: u32) -> u32 {
        let mut ids = [0u32; MAXC];
        let mut fr = [0u32; MAXC];
        let mut n = 0usize;
        let sctx = self.static_ctx();
        let o1 = self
            .o1
            .get(Self::o1_key(self.prev1))
            .copied()
            .unwrap_or_default();
        let set = self.set_of(sctx.map_or(0, |s| s.2), o1.n);
        let w = &self.weights[set * NW..set * NW + NW];
        let (ws, wa, wm) = (w[0], w[1], w[2]);
        if let (Some((a, b, _)), Some(p)) = (sctx, self.priors.as_ref()) {
            let succ = p.section(S_SUCC);
            let b = b.min(a + MAX_STATIC);
            for &e in &succ[a..b] {
                let f = (ws * P16[(e >> 24) as usize]) >> 16;
                if f == 0 {
                    break;
                }
                ids[n] = e & 0x00FF_FFFF;
                fr[n] = f;
                n += 1;
            }
        }
        let ns = n;
        if o1.n > 0 {
            for k in 0..4 {
                if o1.cnt[k] == 0 {
                    continue;
                }
                let f = ((wa * o1.cnt[k] as u32) / o1.n as u32).max(1);
                let t = o1.ids[k];
                match ids[..ns].iter().position(|&x| x == t) {
                    Some(i) => fr[i] += f,
                    None => {
                        ids[n] = t;
                        fr[n] = f;
                        n += 1;
                    }
                }
            }
        }
        if let Some(t) = self.predicted() {
            let f = wm.max(1);
            match ids[..n].iter().position(|&x| x == t) {
                Some(i) => fr[i] += f,
                None => {
                    ids[n] = t;
                    fr[n] = f;
                    n += 1;
                }
            }
        }
        let mut sum: u32 = fr[..n].iter().sum();
        // Only custom priors with inconsistent probabilities get here: scale down until the
        // escape keeps its floor.
        while sum > TOT - ESC_MIN / 2 {
            for f in fr[..n].iter_mut() {
                *f = (*f / 2).max(1);
            }
            sum = fr[..n].iter().sum();
        }
        let esc = TOT - sum;
        let tok;
        self.last_escaped = false;
        if C::DECODE {
            let v = io.target(TOT);
            if v < esc {
                io.code(0, esc, TOT);
                tok = self.code_escape(io, 0, sctx.is_some());
            } else {
                let mut cum = esc;
                let mut i = 0;
                while i + 1 < n && v >= cum + fr[i] {
                    cum += fr[i];
                    i += 1;
                }
                io.code(cum, fr[i], TOT);
                tok = ids[i];
            }
        } else {
            io.target(TOT);
            match ids[..n].iter().position(|&x| x == sym) {
                Some(i) => {
                    let cum = esc + fr[..i].iter().sum::<u32>();
                    io.code(cum, fr[i], TOT);
                    tok = sym;
                }
                None => {
                    io.code(0, esc, TOT);
                    tok = self.code_escape(io, sym, sctx.is_some());
                }
            }
        }
        self.update(tok);
        tok
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

    fn code_escape<C: RangeIo>(&mut self, io: &mut C, sym: u32, has_static: bool) -> u32 {
        self.last_escaped = true;
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
        if use_seen {
            let total = self.seen.total;
            if C::DECODE {
                let v = io.target(total);
                let (i, cum) = self.seen.find(v);
                let f = self.seen.cnt[i] as u32;
                if v >= cum + f {
                    io.fail();
                }
                io.code(cum, f.max(1), total);
                return self.seen.toks[i];
            }
            let i = seen_idx.unwrap_or(0);
            io.target(total);
            io.code(self.seen.prefix(i), self.seen.cnt[i] as u32, total);
            return sym;
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
            self.id_of(rank)
        } else {
            sym
        }
    }

    /// For the trainer: the set this token is coded with and the probability each of the four
    /// sources (static successors, in-message successors, match, escape path) gives it.
    pub(crate) fn probe(&self, t: u32) -> Probe {
        let sctx = self.static_ctx();
        let o1 = self
            .o1
            .get(Self::o1_key(self.prev1))
            .copied()
            .unwrap_or_default();
        let set = self.set_of(sctx.map_or(0, |s| s.2), o1.n);
        let mut p = [0f64; 4];
        let mut cand = false;
        let mut bucket = None;
        if let (Some((a, b, _)), Some(pr)) = (sctx, self.priors.as_ref()) {
            let succ = pr.section(S_SUCC);
            for &e in &succ[a..b.min(a + MAX_STATIC)] {
                if e & 0x00FF_FFFF == t {
                    p[0] = P16[(e >> 24) as usize] as f64 / 65536.0;
                    cand = true;
                }
            }
        }
        for k in 0..4 {
            if o1.cnt[k] > 0 && o1.ids[k] == t {
                p[1] = o1.cnt[k] as f64 / o1.n as f64;
                cand = true;
            }
        }
        if self.predicted() == Some(t) {
            p[2] = 1.0;
            cand = true;
        }
        if !cand {
            let ps = self.p_seen[sctx.is_some() as usize] as f64 / 4096.0;
            p[3] = match self.seen.index_of(t) {
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
        Probe { set, p, bucket }
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
        {
            let s = self.o1.slot(Self::o1_key(self.prev1));
            let mut hit = false;
            for k in 0..4 {
                if s.cnt[k] > 0 && s.ids[k] == t {
                    s.cnt[k] += 1;
                    hit = true;
                    break;
                }
            }
            if !hit {
                // Replace the least frequent (the first of equals).
                let mut j = 0;
                for k in 1..4 {
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
                for k in 0..4 {
                    s.cnt[k] = s.cnt[k].div_ceil(2);
                    s.n += s.cnt[k];
                }
            }
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
        if self.mt_bits < MT_MAX_BITS && self.pos.min(1 << HIST_BITS) * 2 > (1u64 << self.mt_bits)
        {
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
        self.prev1 = t;
    }
}
