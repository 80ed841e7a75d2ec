//! The byte-level codecs behind every method: tacc's Thrift list, gzip, zstd and LoPace's layouts.
//!
//! Each is a pair of plain functions over bytes and integers; the framing and the choice of
//! method live in `format` and `codec`.

pub mod gzip;
pub mod lopace;
pub mod model;
/// The format-1 coder's payload (`model-v1`): read for v1 frames, behind the `v1` feature.
#[cfg(feature = "v1")]
pub mod model_v1;
pub mod thrift;
pub mod zstd;
