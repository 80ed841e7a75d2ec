//! Training the flat priors from token sequences (deterministic: sorts only, no hash iteration;
//! the only floating point is the offline weight fit, in a fixed order, which IEEE 754 makes
//! reproducible, and its output is rounded to integers before it is stored).

use super::coder::{log2_fixed, CostMeter};
use super::predictor::{bucket_base, bucket_of, default_weights, Model, MAX_STATIC};
use super::priors::{assemble, Priors, S_BUCKETS, S_CTX, S_IDRANK, S_RANK, S_SUCC, S_WEIGHTS};
use super::{MAX_VOCAB_SIZE, NBUCKETS, NSETS, NW, WEIGHT_SUM};
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
    /// The built-in priors ID written into the file (0 = custom).
    pub id: u8,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            successors: 32,
            min_count: 2,
            max_pq: 176,
            id: 0,
        }
    }
}

/// Every 16th sequence is held out to fit the mixing weights against statistics without it.
fn heldout(i: usize) -> bool {
    i % 16 == 7
}

/// Held-out tokens used for the weight fit.
const FIT_TOKENS: usize = 1_500_000;

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
        // Most frequent first; equal counts by ID.
        list.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for &(n, id) in list.iter().take(cfg.successors.min(MAX_STATIC)) {
            // Probability n/total as a log step of 1/16 bit, rounded up (never above n/total).
            let d = (log2_fixed(total) - log2_fixed(n)) as u64 * 16;
            let pq = d.div_ceil(65536);
            if pq > cfg.max_pq.min(255) as u64 {
                break;
            }
            succ.push(id | ((pq as u32) << 24));
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
    assemble(
        vocab,
        cfg.id as u32,
        &[
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
fn fit(
    seqs: &[Vec<u32>],
    vocab: u32,
    partial: Arc<Priors>,
) -> (Vec<u32>, [u64; NBUCKETS]) {
    let mut samples: Vec<Vec<[f64; 4]>> = vec![Vec::new(); NSETS];
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
    for (set, ss) in samples.iter().enumerate() {
        if ss.len() < 200 {
            continue;
        }
        let mut w = [0.25f64; 4];
        for _ in 0..40 {
            let mut acc = [0f64; 4];
            for p in ss {
                let d = w[0] * p[0] + w[1] * p[1] + w[2] * p[2] + w[3] * p[3];
                if d <= 0.0 {
                    continue;
                }
                for j in 0..4 {
                    acc[j] += w[j] * p[j] / d;
                }
            }
            let n: f64 = acc.iter().sum();
            if n <= 0.0 {
                break;
            }
            for j in 0..4 {
                w[j] = acc[j] / n;
            }
        }
        for j in 0..NW {
            weights[set * NW + j] = (w[j] * WEIGHT_SUM as f64) as u32;
        }
        let sum: u32 = weights[set * NW..set * NW + NW].iter().sum();
        if sum > WEIGHT_SUM {
            weights[set * NW] -= sum - WEIGHT_SUM;
        }
    }
    (weights, esc)
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
        let partial = sections(&seqs, vocab, &|i| !heldout(i), cfg, &default_weights(), None);
        let partial = Arc::new(
            Priors::from_bytes(&partial).unwrap_or_else(|e| unreachable!("trainer output: {e}")),
        );
        let (weights, esc) = fit(&seqs, vocab, partial);
        let full = sections(&seqs, vocab, &|_| true, cfg, &weights, Some(&esc));
        Priors::from_bytes(&full).unwrap_or_else(|e| unreachable!("trainer output: {e}"))
    }
}
