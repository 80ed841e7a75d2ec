//! Wire-format version 2: the header every frame and stream this library writes starts with.
//!
//! ```text
//! byte 0   1 0 c c m m m m   v2 marker 10; checksum cc: 11 = CRC-32 at the end, 00 = none,
//!                            01/10 refused (no single flipped bit drops the checksum);
//!                            method mmmm (8 = stream header)
//! byte 1   k k p p p p p p   content kind kk (0 text, 1 token IDs, 2 bytes);
//!                            vocabulary profile pppppp (PROFILES below)
//! profile 0 with a token method: the extension
//!   flags  1   bit 0: custom tokenizer (8-byte fingerprint instead of the 1-byte ID)
//!              bit 1: custom tacc mapping fingerprint follows
//!              bit 2: built-in model priors ID follows
//!              bit 3: custom model priors fingerprint follows (not with bit 2)
//!              bit 4: streams only: every chunk carries a check (docs/STREAM.md)
//!              bits 5-7 (and bit 4 in frames): zero (refused otherwise)
//!   tokenizer  1 byte built-in ID, or 8 bytes fingerprint
//!   [1]  priors ID        [8] mapping fingerprint        [8] priors fingerprint
//! ```

use super::{get_u64, split_crc, ContentKind, Header, Method, Parsed, STREAM_METHOD};
use crate::error::{Error, Result};
use crate::tokenizer::{Builtin, OpenVocab};

pub const VERSION: u8 = 2;

const MARKER: u8 = 0b1000_0000;
const MARKER_MASK: u8 = 0b1100_0000;
const CHECKSUM_ON: u8 = 0b0011_0000;
const CHECKSUM_MASK: u8 = 0b0011_0000;

const EXT_CUSTOM_TOKENIZER: u8 = 1;
const EXT_CUSTOM_MAPPING: u8 = 1 << 1;
const EXT_PRIORS_ID: u8 = 1 << 2;
const EXT_CUSTOM_PRIORS: u8 = 1 << 3;
const EXT_RESERVED: u8 = 0xF0;
/// Streams only: every chunk carries a 16-bit check of its token IDs (`StreamOptions`).
const EXT_STREAM_CHUNK_CHECK: u8 = 1 << 4;

const F: &str = "frame";

/// Vocabulary profiles 8-63: a named vocabulary (by its tokenizer ID: built-ins 1-7, open
/// models 8-12) with the `model` priors named by their ID (`codecs::model`'s table). Profiles
/// 1-7 are a built-in tokenizer alone, profile 0 none or the extension. Frozen: entries are only
/// appended (retrained priors get a new priors ID and a new profile here while there is room,
/// else frames name them in the extension).
///
/// (profile, tokenizer ID, priors ID); `tests` hold every default priors ID to having a profile.
pub const PROFILES: [(u8, u8, u8); 12] = [
    (8, Builtin::Cl100kBase as u8, 1),
    (9, Builtin::Gpt2 as u8, 4),
    (10, Builtin::O200kBase as u8, 2),
    (11, Builtin::O200kHarmony as u8, 2),
    (12, Builtin::P50kBase as u8, 3),
    (13, Builtin::P50kEdit as u8, 3),
    (14, Builtin::R50kBase as u8, 4),
    (15, OpenVocab::Llama3 as u8, 5),
    (16, OpenVocab::Llama4 as u8, 6),
    (17, OpenVocab::Qwen as u8, 7),
    (18, OpenVocab::Qwen3_6 as u8, 8),
    (19, OpenVocab::Tekken240911 as u8, 9),
];

pub(crate) fn profile_of(tokenizer_id: u8, priors_id: Option<u8>) -> Option<u8> {
    match priors_id {
        None if (1..=7).contains(&tokenizer_id) => Some(tokenizer_id),
        None => None,
        Some(p) => PROFILES
            .iter()
            .find(|&&(_, t, id)| t == tokenizer_id && id == p)
            .map(|&(profile, _, _)| profile),
    }
}

/// The lead byte for a method ID and checksum choice.
fn lead(method: u8, checksum: bool) -> u8 {
    MARKER | if checksum { CHECKSUM_ON } else { 0 } | method
}

/// Writes a v2 frame header.
pub(crate) fn write(h: &Header, out: &mut Vec<u8>) -> Result<()> {
    write_common(h, h.method as u8, 0, out)
}

#[cfg(feature = "encode")]
/// Writes a v2 stream header: a frame header with method 8, token IDs, checksum on; with
/// `chunk_check`, the extension (always present then) says every chunk carries a check.
pub(crate) fn write_stream(h: &Header, chunk_check: bool, out: &mut Vec<u8>) -> Result<()> {
    let extra = if chunk_check {
        EXT_STREAM_CHUNK_CHECK
    } else {
        0
    };
    write_common(h, STREAM_METHOD, extra, out)
}

/// `extra`: extension flags beyond the vocabulary's (the stream's chunk check); when set, the
/// extension is written even where a profile could say the rest.
fn write_common(h: &Header, method: u8, extra: u8, out: &mut Vec<u8>) -> Result<()> {
    let invalid = |what: &str| Err(Error::InvalidArgument(format!("v2 header: {what}")));
    let tokenized = method == STREAM_METHOD || h.method.uses_tokens();
    let custom = h.tokenizer_fingerprint.is_some();
    if custom && h.tokenizer_id != 0 {
        return invalid("both a built-in tokenizer and a fingerprint");
    }
    if h.priors_id.is_some() && h.priors_fingerprint.is_some() {
        return invalid("both built-in priors and a priors fingerprint");
    }
    out.push(lead(method, h.checksum));
    let kind = (h.kind as u8) << 6;
    if !tokenized {
        if h.tokenizer_id != 0
            || custom
            || h.mapping_fingerprint.is_some()
            || h.priors_id.is_some()
            || h.priors_fingerprint.is_some()
        {
            return invalid("a byte-level method names no vocabulary");
        }
        out.push(kind);
        return Ok(());
    }
    let plain =
        !custom && h.mapping_fingerprint.is_none() && h.priors_fingerprint.is_none() && extra == 0;
    if let Some(p) = profile_of(h.tokenizer_id, h.priors_id).filter(|_| plain) {
        out.push(kind | p);
        return Ok(());
    }
    // The extension: anything the profiles cannot say.
    out.push(kind);
    let mut flags = extra;
    flags |= if custom { EXT_CUSTOM_TOKENIZER } else { 0 };
    flags |= if h.mapping_fingerprint.is_some() {
        EXT_CUSTOM_MAPPING
    } else {
        0
    };
    flags |= if h.priors_id.is_some() {
        EXT_PRIORS_ID
    } else {
        0
    };
    flags |= if h.priors_fingerprint.is_some() {
        EXT_CUSTOM_PRIORS
    } else {
        0
    };
    out.push(flags);
    match h.tokenizer_fingerprint {
        Some(fp) => out.extend_from_slice(&fp.to_le_bytes()),
        None if h.tokenizer_id == 0 => return invalid("a token method needs a tokenizer"),
        None => out.push(h.tokenizer_id),
    }
    if let Some(id) = h.priors_id {
        out.push(id);
    }
    for fp in [h.mapping_fingerprint, h.priors_fingerprint]
        .into_iter()
        .flatten()
    {
        out.extend_from_slice(&fp.to_le_bytes());
    }
    Ok(())
}

/// Parses a v2 header from `bytes` (a frame, or a stream's first chunk); returns the header,
/// the raw method number, the header's length and the stream-only extension flags (zero for
/// frames, which refuse them).
fn parse_common(bytes: &[u8], what: &'static str) -> Result<(Header, u8, usize, u8)> {
    let corrupt = |d: String| Error::corrupt(what, d);
    let (&b0, rest) = bytes.split_first().ok_or_else(|| corrupt("empty".into()))?;
    if b0 & MARKER_MASK != MARKER {
        return Err(corrupt("not a v2 header".into()));
    }
    let checksum = match b0 & CHECKSUM_MASK {
        CHECKSUM_ON => true,
        0 => false,
        _ => {
            return Err(corrupt(
                "the two checksum bits disagree (a corrupt first byte)".into(),
            ))
        }
    };
    let method = b0 & 0x0F;
    // A frame's method is checked first, so method 8 is refused as "a stream header".
    if what == F {
        Method::from_id(method)?;
    }
    let &b1 = rest
        .first()
        .ok_or_else(|| corrupt("truncated header".into()))?;
    let kind = ContentKind::from_bits(b1 >> 6)?;
    let profile = b1 & 0x3F;
    let tokenized = method == STREAM_METHOD || Method::from_id(method)?.uses_tokens();
    let mut h = Header {
        version: VERSION,
        method: Method::from_id(method).unwrap_or(Method::Model),
        kind,
        checksum,
        tokenizer_id: 0,
        tokenizer_fingerprint: None,
        mapping_fingerprint: None,
        priors_id: None,
        priors_fingerprint: None,
        content_len: None,
    };
    let mut pos = 2;
    let mut stream_flags = 0;
    match profile {
        0 if !tokenized => {}
        0 => {
            let flags = *bytes
                .get(pos)
                .ok_or_else(|| corrupt("truncated header extension".into()))?;
            pos += 1;
            let reserved = if method == STREAM_METHOD {
                stream_flags = flags & EXT_STREAM_CHUNK_CHECK;
                EXT_RESERVED & !EXT_STREAM_CHUNK_CHECK
            } else {
                EXT_RESERVED
            };
            if flags & reserved != 0 {
                return Err(corrupt(format!(
                    "unknown header extension flags {:#04x} (made by a newer tacc?)",
                    flags & reserved
                )));
            }
            if flags & EXT_PRIORS_ID != 0 && flags & EXT_CUSTOM_PRIORS != 0 {
                return Err(corrupt(
                    "both built-in priors and a priors fingerprint".into(),
                ));
            }
            if flags & EXT_CUSTOM_TOKENIZER != 0 {
                h.tokenizer_fingerprint = Some(get_u64(bytes, &mut pos, "tokenizer fingerprint")?);
            } else {
                h.tokenizer_id = *bytes
                    .get(pos)
                    .ok_or_else(|| corrupt("truncated tokenizer ID".into()))?;
                pos += 1;
                if h.tokenizer_id == 0 {
                    return Err(corrupt("tokenizer ID 0 in the extension".into()));
                }
            }
            if flags & EXT_PRIORS_ID != 0 {
                h.priors_id = Some(
                    *bytes
                        .get(pos)
                        .ok_or_else(|| corrupt("truncated priors ID".into()))?,
                );
                pos += 1;
            }
            if flags & EXT_CUSTOM_MAPPING != 0 {
                h.mapping_fingerprint = Some(get_u64(bytes, &mut pos, "mapping fingerprint")?);
            }
            if flags & EXT_CUSTOM_PRIORS != 0 {
                h.priors_fingerprint = Some(get_u64(bytes, &mut pos, "priors fingerprint")?);
            }
        }
        _ if !tokenized => {
            return Err(corrupt(format!(
                "a byte-level method with vocabulary profile {profile}"
            )))
        }
        1..=7 => h.tokenizer_id = profile,
        _ => {
            let &(_, b, id) = PROFILES
                .iter()
                .find(|&&(p, _, _)| p == profile)
                .ok_or_else(|| {
                    corrupt(format!(
                        "unknown vocabulary profile {profile} (made by a newer tacc?)"
                    ))
                })?;
            h.tokenizer_id = b;
            h.priors_id = Some(id);
        }
    }
    Ok((h, method, pos, stream_flags))
}

/// Parses a v2 frame.
pub(crate) fn parse(frame: &[u8]) -> Result<Parsed<'_>> {
    let (mut header, method, pos, _) = parse_common(frame, F)?;
    // Method 8 (a stream header) is refused here, with a message that says so.
    header.method = Method::from_id(method)?;
    if header.kind == ContentKind::Bytes && header.method.uses_tokens() {
        return Err(Error::corrupt(
            F,
            "a token method cannot hold non-UTF-8 bytes",
        ));
    }
    let (payload, stored_crc) = if header.checksum {
        split_crc(&frame[pos..], true)?
    } else {
        (split_length_check(&frame[pos..])?, None)
    };
    Ok(Parsed {
        header,
        header_bytes: &frame[..pos],
        payload,
        stored_crc,
    })
}

/// Bytes of the length check that ends a frame without checksum.
pub const LENGTH_CHECK_LEN: usize = 2;

/// The length check of a frame without checksum: the payload's length mod 2^16, u16 LE. It
/// costs 2 bytes and catches a cut (or an appended tail) of any length but multiples of 64 KiB,
/// which the payloads' own framing cannot always do (a cut model payload can be exactly what
/// the encoder writes for other text).
pub fn length_check(payload_len: usize) -> [u8; LENGTH_CHECK_LEN] {
    (payload_len as u16).to_le_bytes()
}

/// Splits the length check off a frame without checksum and verifies it.
fn split_length_check(rest: &[u8]) -> Result<&[u8]> {
    let end = rest
        .len()
        .checked_sub(LENGTH_CHECK_LEN)
        .ok_or_else(|| Error::corrupt(F, "truncated (no room for the length check)"))?;
    let (payload, check) = rest.split_at(end);
    if check != length_check(payload.len()) {
        return Err(Error::corrupt(
            F,
            format!(
                "the length check says {} (mod 65536), the payload is {} bytes: the frame was cut or extended",
                u16::from_le_bytes([check[0], check[1]]),
                payload.len()
            ),
        ));
    }
    Ok(payload)
}

/// Parses a v2 stream header (method 8, token IDs, checksum on); returns it, its length and
/// whether every chunk carries a check.
pub(crate) fn parse_stream_header(chunk: &[u8]) -> Result<(Header, usize, bool)> {
    const S: &str = "stream";
    let (mut h, method, pos, flags) = parse_common(chunk, S)?;
    if method != STREAM_METHOD {
        return Err(Error::corrupt(
            S,
            format!("method {method} is not a stream (a frame? decode it with tacc::decompress)"),
        ));
    }
    if h.kind != ContentKind::TokenIds || !h.checksum || h.mapping_fingerprint.is_some() {
        return Err(Error::corrupt(S, "unknown header flags"));
    }
    h.method = Method::Model;
    Ok((h, pos, flags & EXT_STREAM_CHUNK_CHECK != 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(method: Method, tokenizer_id: u8, priors_id: Option<u8>) -> Header {
        Header {
            version: 2,
            method,
            kind: ContentKind::Text,
            checksum: true,
            tokenizer_id,
            tokenizer_fingerprint: None,
            mapping_fingerprint: None,
            priors_id,
            priors_fingerprint: None,
            content_len: None,
        }
    }

    #[test]
    fn built_in_headers_are_two_bytes() {
        for (h, bytes) in [
            (header(Method::Model, 1, Some(1)), [0xB9, 0x08]),
            (header(Method::Stored, 0, None), [0xB0, 0x00]),
            (header(Method::TaccGzip, 3, None), [0xB6, 0x03]),
            (header(Method::ModelV1, 7, None), [0xB7, 0x07]),
        ] {
            let mut out = Vec::new();
            write(&h, &mut out).unwrap();
            assert_eq!(out, bytes, "{h:?}");
            out.extend_from_slice(&[1, 2, 3, 4, 5]);
            let p = parse(&out).unwrap();
            assert_eq!(p.header, h);
            assert_eq!(p.header_bytes, bytes);
            assert_eq!(p.payload, &[1]);
            assert_eq!(p.stored_crc, Some(u32::from_le_bytes([2, 3, 4, 5])));
        }
    }

    #[test]
    fn every_field_round_trips() {
        let fps = [None, Some(0x0123_4567_89AB_CDEFu64)];
        for method in Method::ALL {
            for kind in [ContentKind::Text, ContentKind::TokenIds, ContentKind::Bytes] {
                for checksum in [false, true] {
                    for tokenizer_id in [0u8, 1, 4, 7, 200] {
                        for priors_id in [None, Some(1u8), Some(2), Some(77)] {
                            for tfp in fps {
                                for mfp in fps {
                                    for pfp in fps {
                                        let h = Header {
                                            version: 2,
                                            method,
                                            kind,
                                            checksum,
                                            tokenizer_id,
                                            tokenizer_fingerprint: tfp,
                                            mapping_fingerprint: mfp,
                                            priors_id,
                                            priors_fingerprint: pfp,
                                            content_len: None,
                                        };
                                        let mut out = Vec::new();
                                        if write(&h, &mut out).is_err() {
                                            continue;
                                        }
                                        if checksum {
                                            out.extend_from_slice(&[0; 4]);
                                        } else {
                                            out.extend_from_slice(&length_check(0));
                                        }
                                        match parse(&out) {
                                            Ok(p) => assert_eq!(p.header, h),
                                            Err(_) => assert!(
                                                kind == ContentKind::Bytes && method.uses_tokens()
                                            ),
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn refuses_what_it_does_not_know() {
        let e = |b: &[u8]| parse(b).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e(&[0x9A, 0]).contains("checksum bits disagree"));
        assert!(e(&[0xAA, 0]).contains("checksum bits disagree"));
        assert!(e(&[0x8A, 0]).contains("unknown method 10"));
        assert!(e(&[0x88, 0x40]).contains("stream header"));
        assert!(e(&[0x80, 0xC0]).contains("content kind"));
        assert!(e(&[0x89, 0x3F]).contains("unknown vocabulary profile 63"));
        assert!(e(&[0x80, 0x01]).contains("byte-level method"));
        assert!(e(&[0x89, 0x00, 0x10]).contains("extension flags"));
        assert!(e(&[0x89, 0x00, 0x0C, 1, 1]).contains("both"));
        assert!(e(&[0x89, 0x00, 0x00, 0]).contains("tokenizer ID 0"));
        assert!(e(&[0x89]).contains("truncated"));
        assert!(e(&[0xB0, 0x00, 1, 2]).contains("checksum"));
        assert!(parse(&[0x80, 0x80, 0, 0]).is_ok(), "stored bytes");
        assert!(e(&[0x80, 0x80, 1, 0]).contains("length check"));
        assert!(e(&[0x80, 0x80, 0]).contains("length check"));
        assert!(
            parse(&[0x83, 0x81]).is_err(),
            "token methods only hold text or IDs"
        );
        assert!(parse(&[0x89, 0x80]).is_err());
    }

    #[cfg(feature = "encode")]
    #[test]
    fn stream_headers() {
        let mut h = header(Method::Model, 1, Some(1));
        h.kind = ContentKind::TokenIds;
        let mut out = Vec::new();
        write_stream(&h, false, &mut out).unwrap();
        assert_eq!(out, [0xB8, 0x48]);
        let (back, len, check) = parse_stream_header(&out).unwrap();
        assert_eq!((back.clone(), len, check), (h.clone(), 2, false));
        // The chunk check: the extension (flags: priors ID + check), tokenizer 1, priors 1.
        out.clear();
        write_stream(&h, true, &mut out).unwrap();
        assert_eq!(out, [0xB8, 0x40, 0x14, 0x01, 0x01]);
        assert_eq!(parse_stream_header(&out).unwrap(), (h, 5, true));
        assert!(
            parse(&[0xB9, 0x40, 0x14, 0x01, 0x01, 0, 0, 0, 0]).is_err(),
            "frames refuse the stream flag"
        );
        assert!(parse_stream_header(&[0xB8, 0x40, 0x24, 0x01, 0x01]).is_err());
        assert!(parse_stream_header(&[0xB9, 0x48]).is_err(), "a frame");
        assert!(parse_stream_header(&[0x88, 0x48]).is_err(), "no checksum");
        assert!(parse_stream_header(&[0xB8, 0x08]).is_err(), "text");
    }
}
