//! Quantiles and size bins: the statistics the charts and the summary table show.

/// The p-quantile (0..=1) of sorted values, linear between neighbours.
pub(super) fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let x = p * (sorted.len() - 1) as f64;
    let (i, f) = (x.floor() as usize, x.fract());
    if i + 1 < sorted.len() {
        sorted[i] + f * (sorted[i + 1] - sorted[i])
    } else {
        sorted[i]
    }
}

pub(super) fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(|a, b| a.total_cmp(b));
    v
}

/// p5, p25, median, p75, p95.
pub(super) fn five(sorted: &[f64]) -> [f64; 5] {
    [0.05, 0.25, 0.5, 0.75, 0.95].map(|p| quantile(sorted, p))
}

/// Points of a scaling chart: (median record size, median value, records) per bin.
pub(super) type Bins = Vec<(f64, f64, usize)>;

/// Median per power-of-two bin of record size, bins with at least `min` records.
pub(super) fn binned(points: impl Iterator<Item = (u64, f64)>, min: usize) -> Bins {
    let mut bins: std::collections::BTreeMap<u32, (Vec<f64>, Vec<f64>)> = Default::default();
    for (size, v) in points {
        let b = 63 - size.max(1).leading_zeros();
        let e = bins.entry(b).or_default();
        e.0.push(size as f64);
        e.1.push(v);
    }
    bins.into_values()
        .filter(|(s, _)| s.len() >= min)
        .map(|(s, v)| {
            let n = s.len();
            (quantile(&sorted(s), 0.5), quantile(&sorted(v), 0.5), n)
        })
        .collect()
}
