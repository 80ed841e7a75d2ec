//! `format::v1` in a build without the `v1` feature: the same entry points, each refusing with
//! one clear message (wired in `format/mod.rs`; the tests of builds with `v1` compile it too, so
//! it cannot fall behind `v1.rs`).

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::format::{Header, Parsed};
use crate::model::Priors;
use crate::tokenizer::Builtin;

/// The old coder's types, uninhabited without the feature: no v1 priors or stream decoder can
/// exist, so the code that would use them compiles but cannot run.
pub(crate) mod coder {
    use std::sync::Arc;

    use crate::error::Result;

    pub enum Priors {}
    pub enum TokenDecoder {}
    pub struct ChunkReader<'a> {
        never: TokenDecoderRef<'a>,
    }
    enum TokenDecoderRef<'a> {
        _Never(&'a TokenDecoder),
    }

    impl TokenDecoder {
        pub fn new(_vocab: u32, _priors: Option<Arc<Priors>>) -> Result<TokenDecoder> {
            super::off()
        }
        pub fn vocab_size(&self) -> u32 {
            match *self {}
        }
        pub fn read_chunk<'a>(&'a mut self, _chunk: &'a [u8]) -> ChunkReader<'a> {
            match *self {}
        }
    }

    impl ChunkReader<'_> {
        fn never(&self) -> ! {
            match self.never {
                TokenDecoderRef::_Never(d) => match *d {},
            }
        }
        pub fn token(&mut self) -> u32 {
            self.never()
        }
        pub fn flag(&mut self, _p1: u32) -> bool {
            self.never()
        }
        pub fn bits(&mut self, _nbits: u32) -> u32 {
            self.never()
        }
        pub fn ends_exactly(&self) -> bool {
            self.never()
        }
    }
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
pub(crate) fn decode_with(
    _payload: &[u8],
    _vocab: u32,
    _priors: Option<Arc<coder::Priors>>,
    _max_tokens: usize,
    _on_token: &mut dyn FnMut(u32) -> Result<()>,
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
        assert!(super::decode_with(&[], 2, None, 10, &mut |_| Ok(())).is_err());
    }
}
