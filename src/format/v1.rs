//! Reading wire-format version 1: frames, stream headers and the first model coder they carry.
//!
//! Everything that only v1 needs is reached through this module, so a lean build can leave it
//! out behind a default-on cargo feature `v1` (the integrator adds it): with the feature off,
//! `v1_off.rs` takes this module's place and every entry point answers
//! "v1 frame: this build was made without the v1 feature".
//!
//! ```text
//! magic      2  D7 AC
//! version    1  1
//! method     1  0-7 (7: model-v1)
//! flags      1  bit 0 checksum, bits 1-2 content kind, bit 3 custom tokenizer,
//!               bit 4 custom mapping, bit 5 custom model priors, bits 6-7 zero
//! tokenizer  1  built-in tokenizer ID (0: none/custom)
//! [8]           tokenizer fingerprint, if bit 3
//! [8]           mapping fingerprint, if bit 4
//! [8]           model priors fingerprint, if bit 5
//! length     LEB128 varint: content size (text/bytes: bytes; token IDs: count)
//! payload    the method's bytes
//! checksum   4  CRC-32 (gzip's) of the content only, if bit 0
//! ```

use std::sync::Arc;

use super::{get_u64, get_uvarint, split_crc, ContentKind, Header, Method, Parsed};
use crate::error::{Error, Result};
use crate::model::v1::Priors;
use crate::tokenizer::Builtin;

/// The old context model (`model-v1`): its payload codec and its stream coder.
pub(crate) use crate::codecs::model_v1 as payload;
pub(crate) use crate::model::v1 as coder;

pub const MAGIC: [u8; 2] = [0xD7, 0xAC];
pub const VERSION: u8 = 1;

const FLAG_CHECKSUM: u8 = 1;
const FLAG_CUSTOM_TOKENIZER: u8 = 1 << 3;
const FLAG_CUSTOM_MAPPING: u8 = 1 << 4;
const FLAG_CUSTOM_PRIORS: u8 = 1 << 5;
const FLAGS_RESERVED: u8 = 0b1100_0000;
const F: &str = "frame";

/// Parses a v1 frame (the caller saw `D7 AC 01`).
pub(crate) fn parse(frame: &[u8]) -> Result<Parsed<'_>> {
    if frame.len() < 7 {
        return Err(Error::corrupt(F, "truncated header"));
    }
    let method = Method::from_id(frame[3])?;
    if method == Method::Model {
        return Err(Error::corrupt(F, "v1 frames have no method 9"));
    }
    let flags = frame[4];
    if flags & FLAGS_RESERVED != 0 {
        return Err(Error::corrupt(F, "reserved flag bits are set"));
    }
    let kind = ContentKind::from_bits((flags >> 1) & 3)?;
    let tokenizer_id = frame[5];
    let mut pos = 6;
    let mut fingerprint = |bit: u8, what| -> Result<Option<u64>> {
        if flags & bit == 0 {
            return Ok(None);
        }
        get_u64(frame, &mut pos, what).map(Some)
    };
    let tokenizer_fingerprint = fingerprint(FLAG_CUSTOM_TOKENIZER, "tokenizer fingerprint")?;
    let mapping_fingerprint = fingerprint(FLAG_CUSTOM_MAPPING, "mapping fingerprint")?;
    let priors_fingerprint = fingerprint(FLAG_CUSTOM_PRIORS, "priors fingerprint")?;
    let content_len =
        get_uvarint(frame, &mut pos).ok_or_else(|| Error::corrupt(F, "bad content length"))?;
    let checksum = flags & FLAG_CHECKSUM != 0;
    let (payload, stored_crc) = split_crc(&frame[pos..], checksum)?;
    Ok(Parsed {
        header: Header {
            version: VERSION,
            method,
            kind,
            checksum,
            tokenizer_id,
            tokenizer_fingerprint,
            mapping_fingerprint,
            priors_id: None,
            priors_fingerprint,
            content_len: Some(content_len),
        },
        header_bytes: &frame[..pos],
        payload,
        stored_crc,
    })
}

/// The v1 stream header (method 8), after the caller saw `D7 AC 01`.
///
/// ```text
/// magic 2 (D7 AC) | version 1 | method 1 (8) | flags 1 | tokenizer 1 | [8 fp] [8 fp] | mode 1
/// ```
/// Returns the header as a frame header (method model-v1, token IDs), whether the model mode
/// byte asks for priors, and the header's length.
pub(crate) fn parse_stream_header(chunk: &[u8]) -> Result<(Header, bool, usize)> {
    const S: &str = "stream";
    if chunk.len() < 7 {
        return Err(Error::corrupt(S, "truncated header"));
    }
    if chunk[3] != super::STREAM_METHOD {
        return Err(Error::corrupt(
            S,
            format!(
                "method {} is not a stream (a frame? decode it with tacc::decompress)",
                chunk[3]
            ),
        ));
    }
    let flags = chunk[4];
    let expected = (ContentKind::TokenIds as u8) << 1 | FLAG_CHECKSUM;
    if flags & !(FLAG_CUSTOM_TOKENIZER | FLAG_CUSTOM_PRIORS) != expected {
        return Err(Error::corrupt(S, "unknown header flags"));
    }
    let tokenizer_id = chunk[5];
    let mut pos = 6;
    let tokenizer_fingerprint = if flags & FLAG_CUSTOM_TOKENIZER != 0 {
        Some(get_u64(chunk, &mut pos, "tokenizer fingerprint")?)
    } else {
        None
    };
    let priors_fingerprint = if flags & FLAG_CUSTOM_PRIORS != 0 {
        Some(get_u64(chunk, &mut pos, "priors fingerprint")?)
    } else {
        None
    };
    let mode = *chunk
        .get(pos)
        .ok_or_else(|| Error::corrupt(S, "truncated header"))?;
    let with_priors = match mode {
        0 => true,
        1 => false,
        _ => return Err(Error::corrupt(S, "unknown model mode")),
    };
    let h = Header {
        version: VERSION,
        method: Method::ModelV1,
        kind: ContentKind::TokenIds,
        checksum: true,
        tokenizer_id,
        tokenizer_fingerprint,
        mapping_fingerprint: None,
        priors_id: None,
        priors_fingerprint,
        content_len: None,
    };
    Ok((h, with_priors, pos + 1))
}

/// The v1 built-in priors of a tokenizer's family, if this build has them.
pub(crate) fn builtin_priors(b: Builtin) -> Result<Option<Arc<Priors>>> {
    payload::builtin_priors(b)
}

/// Custom priors are the new model's (`model::Priors`): a `model-v1` frame made with custom
/// (v1) priors cannot be read with them, so it is refused with a reason, never misread.
pub(crate) fn custom_priors(_p: &Arc<crate::model::Priors>) -> Result<Arc<coder::Priors>> {
    Err(Error::Mismatch(
        "the frame was made by the model-v1 coder with custom v1 priors; this codec's custom priors are for the new model".into(),
    ))
}

#[cfg(feature = "encode")]
/// Codes `ids` with the old model (`model-v1` payload: mode byte, count, coder bytes).
pub(crate) fn encode(ids: &[u32], vocab_size: u32, priors: Option<Arc<Priors>>) -> Result<Vec<u8>> {
    payload::encode(ids, vocab_size, priors)
}

#[cfg(feature = "decode")]
/// Decodes a `model-v1` payload: at most `max_tokens`, each handed to `on_token` as it decodes.
pub(crate) fn decode_with(
    payload: &[u8],
    vocab_size: u32,
    priors: Option<Arc<Priors>>,
    max_tokens: usize,
    on_token: &mut dyn FnMut(u32) -> Result<()>,
) -> Result<Vec<u32>> {
    self::payload::decode_with(payload, vocab_size, priors, max_tokens, on_token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_headers() {
        assert!(parse(&[0xD7, 0xAC, 1, 99, 0, 0, 0]).is_err());
        assert!(
            parse(&[0xD7, 0xAC, 1, 9, 0, 0, 0]).is_err(),
            "no method 9 in v1"
        );
        assert!(
            parse(&[0xD7, 0xAC, 1, 8, 0, 0, 0]).is_err(),
            "streams are not frames"
        );
        assert!(parse(&[0xD7, 0xAC, 1, 0, 0x80, 0, 0]).is_err());
        assert!(
            parse(&[0xD7, 0xAC, 1, 0, 6, 0, 0]).is_err(),
            "content kind 3"
        );
        assert!(
            parse(&[0xD7, 0xAC, 1, 0, 1, 0, 0]).is_err(),
            "checksum flag with no room"
        );
        assert!(parse(&[0xD7, 0xAC, 1, 0, 0, 0, 0xFF]).is_err());
        assert!(
            parse(&[0xD7, 0xAC, 1, 0, 8, 0, 0]).is_err(),
            "truncated fingerprint"
        );
        let p = parse(&[0xD7, 0xAC, 1, 5, 0, 1, 3, 9, 9, 9]).unwrap();
        assert_eq!(p.header.content_len, Some(3));
        assert_eq!(p.header.tokenizer_id, 1);
        assert_eq!(p.payload, &[9, 9, 9]);
        assert_eq!(p.header_bytes.len(), 7);
    }
}
