//! `format::v1` in a build without the `v1` feature: the same entry points, each refusing with
//! one clear message (wired in `format/mod.rs`; the tests of builds with `v1` compile it too, so
//! it cannot fall behind `v1.rs`).

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::format::{Header, Parsed};
use crate::model::Priors;
use crate::tokenizer::Builtin;

/// Never constructed without the feature: the stream decoder's v1 variant needs a type.
pub(crate) mod coder {
    #[allow(unused_imports)]
    pub use crate::model::{Priors, TokenDecoder};
}

pub const MAGIC: [u8; 2] = [0xD7, 0xAC];
pub const VERSION: u8 = 1;

fn off<T>() -> Result<T> {
    Err(Error::Mismatch(
        "v1 frame: this build was made without the v1 feature".into(),
    ))
}

pub(crate) fn parse(_frame: &[u8]) -> Result<Parsed<'_>> {
    off()
}

pub(crate) fn parse_stream_header(_chunk: &[u8]) -> Result<(Header, bool, usize)> {
    off()
}

pub(crate) fn builtin_priors(_b: Builtin) -> Result<Option<Arc<coder::Priors>>> {
    off()
}

pub(crate) fn custom_priors(_p: &Arc<Priors>) -> Result<Arc<coder::Priors>> {
    off()
}

#[cfg(feature = "encode")]
pub(crate) fn encode(
    _ids: &[u32],
    _vocab: u32,
    _priors: Option<Arc<coder::Priors>>,
) -> Result<Vec<u8>> {
    off()
}

#[cfg(feature = "decode")]
pub(crate) fn decode(
    _payload: &[u8],
    _vocab: u32,
    _priors: Option<Arc<coder::Priors>>,
) -> Result<Vec<u32>> {
    off()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_entry_point_says_why() {
        let e = super::parse(&[0xD7, 0xAC, 1]).err().unwrap().to_string();
        assert_eq!(e, "v1 frame: this build was made without the v1 feature");
        assert!(super::parse_stream_header(&[]).is_err());
        #[cfg(feature = "decode")]
        assert!(super::decode(&[], 2, None).is_err());
    }
}
