//! Training the flat priors from token sequences (deterministic: sorts only, no hash iteration;
//! the only floating point is the offline weight fit, in a fixed order, which IEEE 754 makes
//! reproducible, and its output is rounded to integers before it is stored).
// Loops over parallel fixed-size arrays (ids, counts, sources) index them side by side.
#![allow(clippy::needless_range_loop)]

use super::coder::{log2_fixed, CostMeter};
use super::params::{MAX_VOCAB_SIZE, NA2B, NBUCKETS, NCOARSE, NSETS, NTB, NW, WEIGHT_SUM};
use super::predictor::{
    bucket_base, bucket_of, default_weights, Model, MAX_PAIR, MAX_STATIC, MAX_TAIL,
};
use super::priors::{
    assemble, pair_hash, Priors, S_BUCKETS, S_CTX, S_IDRANK, S_RANK, S_SUCC, S_TRI, S_TSUCC,
    S_WEIGHTS, TRI_PROBES,
};
use std::sync::Arc;

/// The knobs that trade priors size against ratio (see docs/MODEL.md for the curve).
#[derive(Debug, Clone)]
pub struct TrainConfig {
    /// Successors kept per previous token (most frequent first), at most 48.
    pub successors: usize,
    /// A successor seen fewer times than this in training is dropped.
    pub min_count: u32,
    /// Largest stored log-probability step (1/16 bit): rarer successors are dropped.
    pub max_pq: u32,
    /// Pairs of previous tokens seen fewer times than this get no successor list.
    pub pair_min: u32,
    /// Successors kept per frequent pair (at most 32).
    pub pair_successors: usize,
    /// Successors kept per previous token seen at least `tail_min` times (the ones beyond the
    /// first `MAX_STATIC` are the escape path's second-level list); 0 = none.
    pub tail: usize,
    /// Previous tokens seen fewer times than this keep only `successors` successors.
    pub tail_min: u32,
    /// The built-in priors ID written into the file (0 = custom).
    pub id: u8,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            successors: 32,
            min_count: 2,
            max_pq: 176,
            pair_min: 128,
            pair_successors: 16,
            tail: 1024,
            tail_min: 1000,
            id: 0,
        }
    }
}

/// Every 8th sequence is held out to fit the mixing weights against statistics without it.
fn heldout(i: usize) -> bool {
    i % 8 == 7
}

/// Held-out tokens used for the weight fit.
const FIT_TOKENS: usize = 3_000_000;

/// Sorted (count desc, ID asc) successor entries of one context, as `id | pq << 24`.
fn entries(list: &mut [(u64, u32)], total: u64, keep: usize, max_pq: u32, out: &mut Vec<u32>) {
    list.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(n, id) in list.iter().take(keep) {
        // Probability n/total as a log step of 1/16 bit, rounded up (never above n/total).
        let d = (log2_fixed(total) - log2_fixed(n)) as u64 * 16;
        let pq = d.div_ceil(65536);
        if pq > max_pq.min(255) as u64 {
            break;
        }
        out.push(id | ((pq as u32) << 24));
    }
}

/// The pair table and its successor entries.
fn pair_sections(
    seqs: &[Vec<u32>],
    vocab: u32,
    use_seq: &dyn Fn(usize) -> bool,
    cfg: &TrainConfig,
) -> (Vec<u32>, Vec<u32>) {
    let mut tri: Vec<(u64, u32)> = Vec::new();
    for (i, s) in seqs.iter().enumerate() {
        if !use_seq(i) {
            continue;
        }
        let (mut p2, mut p1) = (u32::MAX, u32::MAX);
        for &t in s {
            if p1 != u32::MAX {
                let a = if p2 == u32::MAX { vocab } else { p2 };
                tri.push((((a as u64) << 32) | p1 as u64, t));
            }
            p2 = p1;
            p1 = t;
        }
    }
    tri.sort_unstable();
    let mut pairs: Vec<(u64, u32, u32, u32)> = Vec::new(); // key, off, len, count
    let mut tsucc: Vec<u32> = Vec::new();
    let mut list: Vec<(u64, u32)> = Vec::new();
    let mut i = 0;
    while i < tri.len() {
        let key = tri[i].0;
        let mut j = i;
        while j < tri.len() && tri[j].0 == key {
            j += 1;
        }
        let total = (j - i) as u64;
        if total >= cfg.pair_min as u64 {
            list.clear();
            let mut k = i;
            while k < j {
                let mut l = k;
                while l < j && tri[l].1 == tri[k].1 {
                    l += 1;
                }
                if (l - k) as u64 >= cfg.min_count as u64 {
                    list.push(((l - k) as u64, tri[k].1));
                }
                k = l;
            }
            let off = tsucc.len();
            entries(
                &mut list,
                total,
                cfg.pair_successors.min(MAX_PAIR),
                cfg.max_pq,
                &mut tsucc,
            );
            let len = tsucc.len() - off;
            if len > 0 {
                pairs.push((key, off as u32, len as u32, total.min(0x00FF_FFFF) as u32));
            }
        }
        i = j;
    }
    let slots = (pairs.len() * 2 + 2).next_power_of_two();
    let mask = slots - 1;
    let mut table = vec![0u32; 4 * slots];
    for &(key, off, len, count) in &pairs {
        let (p2, p1) = ((key >> 32) as u32, key as u32);
        let mut h = pair_hash(p2, p1) as usize & mask;
        for _ in 0..TRI_PROBES {
            if table[4 * h] == 0 {
                table[4 * h..4 * h + 4].copy_from_slice(&[p2 + 1, p1, off, (len << 24) | count]);
                break;
            }
            h = (h + 1) & mask;
        }
    }
    (table, tsucc)
}

fn sections(
    seqs: &[Vec<u32>],
    vocab: u32,
    use_seq: &dyn Fn(usize) -> bool,
    cfg: &TrainConfig,
    weights: &[u32],
    escape_buckets: Option<&[u64; NBUCKETS]>,
) -> Vec<u8> {
    let v = vocab as usize;
    let mut uni = vec![0u64; v];
    let mut pairs: Vec<u64> = Vec::new();
    for (i, s) in seqs.iter().enumerate() {
        if !use_seq(i) {
            continue;
        }
        let mut prev = vocab;
        for &t in s {
            uni[t as usize] += 1;
            pairs.push(((prev as u64) << 32) | t as u64);
            prev = t;
        }
    }
    pairs.sort_unstable();
    let mut ctx = Vec::with_capacity(2 * (v + 2));
    let mut succ: Vec<u32> = Vec::new();
    let mut i = 0;
    let mut list: Vec<(u64, u32)> = Vec::new();
    for c in 0..=vocab {
        list.clear();
        let mut total = 0u64;
        while i < pairs.len() && (pairs[i] >> 32) as u32 == c {
            let mut j = i;
            while j < pairs.len() && pairs[j] == pairs[i] {
                j += 1;
            }
            let n = (j - i) as u64;
            total += n;
            if n >= cfg.min_count as u64 {
                list.push((n, pairs[i] as u32));
            }
            i = j;
        }
        ctx.push(succ.len() as u32);
        ctx.push(total.min(u32::MAX as u64) as u32);
        if cfg.tail > MAX_STATIC && total >= cfg.tail_min as u64 {
            entries(&mut list, total, cfg.tail.min(MAX_TAIL), 255, &mut succ);
        } else {
            entries(
                &mut list,
                total,
                cfg.successors.min(MAX_STATIC),
                cfg.max_pq,
                &mut succ,
            );
        }
    }
    ctx.push(succ.len() as u32);
    ctx.push(0);
    drop(pairs);
    let mut order: Vec<u32> = (0..vocab).collect();
    order.sort_unstable_by(|&a, &b| uni[b as usize].cmp(&uni[a as usize]).then(a.cmp(&b)));
    let mut idrank = vec![0u32; v];
    for (r, &id) in order.iter().enumerate() {
        idrank[id as usize] = r as u32;
    }
    // Escape buckets: from the escapes seen while fitting, else from the unigram counts.
    let mut bsum = [0u64; NBUCKETS];
    match escape_buckets {
        Some(e) => bsum = *e,
        None => {
            for (r, &id) in order.iter().enumerate() {
                bsum[bucket_of(r as u32)] += uni[id as usize];
            }
        }
    }
    let total: u64 = bsum.iter().sum::<u64>().max(1);
    let buckets: Vec<u32> = (0..NBUCKETS)
        .map(|b| {
            if bucket_base(b).0 >= vocab {
                0
            } else {
                ((bsum[b] * 4096 / total) as u32).max(1)
            }
        })
        .collect();
    let (tri, tsucc) = pair_sections(seqs, vocab, use_seq, cfg);
    assemble(
        vocab,
        cfg.id as u32,
        &[
            (S_TRI, tri),
            (S_TSUCC, tsucc),
            (S_CTX, ctx),
            (S_SUCC, succ),
            (S_RANK, order),
            (S_IDRANK, idrank),
            (S_BUCKETS, buckets),
            (S_WEIGHTS, weights.to_vec()),
        ],
    )
}

/// Fits the mixing weights of each set by EM on held-out sequences (mixture of the four
/// sources), and counts which rank buckets the escape path codes.
fn fit(seqs: &[Vec<u32>], vocab: u32, partial: Arc<Priors>) -> (Vec<u32>, [u64; NBUCKETS]) {
    let mut samples: Vec<Vec<[f64; 6]>> = vec![Vec::new(); NSETS];
    let mut esc = [0u64; NBUCKETS];
    let mut budget = FIT_TOKENS;
    for (i, s) in seqs.iter().enumerate() {
        if !heldout(i) || s.is_empty() {
            continue;
        }
        if budget == 0 {
            break;
        }
        budget = budget.saturating_sub(s.len());
        let mut m = Model::new(vocab, Some(partial.clone()));
        let mut meter = CostMeter { total: 0 };
        for &t in s {
            let p = m.probe(t);
            samples[p.set].push(p.p);
            if let Some(b) = p.bucket {
                esc[b] += 1;
            }
            m.code_token(&mut meter, t);
        }
    }
    let mut weights = default_weights();
    // Coarse sets first (all fine sets of one static x in-message x match state pooled); a
    // fine set with too few samples keeps its coarse set's weights.
    let per = NTB * NA2B;
    for c in 0..NCOARSE {
        let pooled: Vec<&[f64; 6]> = (0..per).flat_map(|f| samples[c * per + f].iter()).collect();
        let coarse = em(&pooled);
        for f in 0..per {
            let set = c * per + f;
            let own: Vec<&[f64; 6]> = samples[set].iter().collect();
            let w = if own.len() >= 300 { em(&own) } else { coarse };
            if let Some(w) = w {
                for j in 0..NW {
                    weights[set * NW + j] = (w[j] * WEIGHT_SUM as f64) as u32;
                }
                let sum: u32 = weights[set * NW..set * NW + NW].iter().sum();
                if sum > WEIGHT_SUM {
                    let x = &mut weights[set * NW..set * NW + NW];
                    let over = sum - WEIGHT_SUM;
                    let j = (0..NW).max_by_key(|&j| (x[j], NW - j)).unwrap_or(0);
                    x[j] -= over.min(x[j]);
                }
            }
        }
    }
    (weights, esc)
}

/// Mixture weights of the six sources by EM (None: too few samples).
fn em(ss: &[&[f64; 6]]) -> Option<[f64; 6]> {
    if ss.len() < 200 {
        return None;
    }
    let mut w = [1.0 / 6.0; 6];
    for _ in 0..40 {
        let mut acc = [0f64; 6];
        for p in ss {
            let mut d = 0.0;
            for j in 0..6 {
                d += w[j] * p[j];
            }
            if d <= 0.0 {
                continue;
            }
            for j in 0..6 {
                acc[j] += w[j] * p[j] / d;
            }
        }
        let n: f64 = acc.iter().sum();
        if n <= 0.0 {
            return None;
        }
        for j in 0..6 {
            w[j] = acc[j] / n;
        }
    }
    Some(w)
}

impl Priors {
    /// Train from token sequences with the default configuration.
    pub fn train<I: IntoIterator<Item = Vec<u32>>>(sequences: I, vocab_size: u32) -> Priors {
        Self::train_with(sequences, vocab_size, &TrainConfig::default())
    }

    /// Train from token sequences (deterministic: the output depends only on the input).
    /// IDs at or above `vocab_size` are dropped.
    pub fn train_with<I: IntoIterator<Item = Vec<u32>>>(
        sequences: I,
        vocab_size: u32,
        cfg: &TrainConfig,
    ) -> Priors {
        let vocab = vocab_size.clamp(2, MAX_VOCAB_SIZE);
        let seqs: Vec<Vec<u32>> = sequences
            .into_iter()
            .map(|s| s.into_iter().filter(|&t| t < vocab).collect())
            .collect();
        let partial = sections(
            &seqs,
            vocab,
            &|i| !heldout(i),
            cfg,
            &default_weights(),
            None,
        );
        let partial = Arc::new(
            Priors::from_bytes(&partial).unwrap_or_else(|e| unreachable!("trainer output: {e}")),
        );
        let (weights, esc) = fit(&seqs, vocab, partial);
        let full = sections(&seqs, vocab, &|_| true, cfg, &weights, Some(&esc));
        Priors::from_bytes(&full).unwrap_or_else(|e| unreachable!("trainer output: {e}"))
    }
}
