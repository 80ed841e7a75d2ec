//! Documented caps that keep every decoder's memory bounded, whatever bytes it is fed.
//!
//! A decoder never allocates more than these limits, and never more than its input can
//! justify where the format lets it know (a Thrift list of n varints needs n bytes).

/// Largest decoded content (text bytes, or token IDs × 4) a single call will produce: 1 GiB.
pub const MAX_DECODED_BYTES: usize = 1 << 30;

/// Largest number of token IDs in one payload: 256 Mi tokens (1 GiB as u32).
pub const MAX_TOKENS: usize = MAX_DECODED_BYTES / 4;
