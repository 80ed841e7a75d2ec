//! When a call releases the GIL.

use pyo3::marker::Ungil;
use pyo3::Python;

/// Below this much input (bytes of text or payload, 4 x IDs), a call keeps the GIL: releasing and
/// retaking it costs more than another thread could gain during so short a call.
const DETACH_MIN_BYTES: usize = 4096;

/// Runs `f` without the GIL when `work` (input bytes) is large enough; always for `work = usize::MAX`.
pub(crate) fn run<T: Ungil, F: Ungil + FnOnce() -> T>(py: Python<'_>, work: usize, f: F) -> T {
    if work >= DETACH_MIN_BYTES {
        py.detach(f)
    } else {
        f()
    }
}

/// Calls that always do heavy work (tokenizing, zstd, loading tables) release the GIL.
pub(crate) const HEAVY: usize = usize::MAX;
