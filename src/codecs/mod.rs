//! The byte-level codecs behind every method: tacc's Thrift list, gzip, zstd and LoPace's layouts.
//!
//! Each is a pair of plain functions over bytes and integers; the framing and the choice of
//! method live in `format` and `codec`.

pub mod gzip;
pub mod lopace;
pub mod model;
pub mod model_v1;
pub mod thrift;
pub mod zstd;
