//! The slice of a bench run the charts and the page draw from.

use std::path::Path;

use super::stats::sorted;
use crate::results::{Bench, RowRun};
use crate::units::thousands;

/// Bins of the scaling charts with fewer records than 1 % of the set, or than this, are not drawn:
/// a median of a handful of records is noise.
pub(super) const MIN_BIN: usize = 5;

/// What the charts show: the rows that take text (the token-ID rows are in the table only, their
/// speeds exclude tokenization and would not compare), in the order `tacc bench` prints them.
pub(super) struct View<'a> {
    pub(super) bench: &'a Bench,
    pub(super) rows: Vec<&'a RowRun>,
    pub(super) corpus: String,
}

impl<'a> View<'a> {
    pub(super) fn new(bench: &'a Bench) -> View<'a> {
        let text_rows: Vec<&RowRun> = bench.rows.iter().filter(|r| !r.token_input).collect();
        let rows = if text_rows.is_empty() {
            bench.rows.iter().collect()
        } else {
            text_rows
        };
        View {
            bench,
            rows,
            corpus: corpus_name(&bench.input),
        }
    }

    pub(super) fn subtitle(&self) -> String {
        let b = self.bench;
        format!(
            "{}: {} records, {} tokens ({}), each record compressed alone",
            self.corpus,
            thousands(b.text_bytes.len() as u64),
            thousands(b.total_tokens()),
            b.tokenizer
        )
    }

    /// Fewest records a scaling-chart bin needs to be drawn.
    pub(super) fn min_bin(&self) -> usize {
        (self.bench.text_bytes.len() / 100).max(MIN_BIN)
    }

    pub(super) fn ratios(&self, r: &RowRun) -> impl Iterator<Item = (u64, f64)> + '_ {
        let sizes = &self.bench.text_bytes;
        sizes
            .iter()
            .zip(r.payload.clone())
            .map(|(&t, p)| (t, t as f64 / p.max(1) as f64))
    }

    /// The ratios of a row's records in size band `band`, sorted.
    pub(super) fn band_ratios(&self, r: &RowRun, band: usize) -> Vec<f64> {
        let bands = &self.bench.bands;
        sorted(
            self.ratios(r)
                .filter(|&(t, _)| bands.of(t) == band)
                .map(|(_, x)| x)
                .collect(),
        )
    }
}

/// "chat-dev" from "../shared/corpus/chat-dev.jsonl.gz".
fn corpus_name(input: &str) -> String {
    let name = Path::new(input)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| input.to_string());
    [".gz", ".jsonl", ".json"]
        .iter()
        .fold(name, |n, ext| n.strip_suffix(ext).unwrap_or(&n).to_string())
}
