//! Progress bars for long commands (many files, bench, train, mapping). Drawn on stderr only
//! when it is a terminal, so logs and pipes get no escape codes.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar, or nothing when it would not be seen.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// `len` items of `what` (a verb or a noun); hidden when quiet, off a terminal, or for one item.
    pub fn new(len: u64, quiet: bool, what: &str) -> Progress {
        if quiet || len < 2 || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {elapsed} (eta {eta})")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        bar.set_prefix(what.to_string());
        Progress(Some(bar))
    }

    /// A bar over `len` files.
    pub fn files(len: u64, quiet: bool, verb: &str) -> Progress {
        Progress::new(len, quiet, verb)
    }

    pub fn inc(&self, n: u64) {
        if let Some(b) = &self.0 {
            b.inc(n);
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}
