//! tacc's self-describing frame (docs/FORMAT.md). Writers emit wire-format version 2; readers
//! take version 2 and, through [`v1`], version 1.
//!
//! ```text
//! v2 (2 bytes for a built-in tokenizer):
//! byte 0     10 cc mmmm   v2 marker (10: a UTF-8 continuation byte, so never the first byte
//!                         of text, nor v1's D7, gzip's 1F, zstd's 28); cc checksum: 11 CRC-32
//!                         at the end, 00 none (01/10 refused); mmmm method
//! byte 1     kk pppppp    content kind; vocabulary profile (0: none, or an extension follows;
//!                         1-7 built-in tokenizer; 8-63 built-in tokenizer + model priors ID)
//! [extension]             profile 0 with a token method: flags, tokenizer ID or fingerprint,
//!                         priors ID, mapping / priors fingerprints
//! payload                 the method's bytes (no length: every payload knows where it ends)
//! [crc32]    4            CRC-32 (gzip's) of the header bytes followed by the content
//! ```
// An encode-only build never parses frames or stream headers.
#![cfg_attr(not(feature = "decode"), allow(dead_code))]

// The version 1 layout (read only). Hidden: the byte layout is docs/FORMAT.md.
#[cfg(feature = "v1")]
#[doc(hidden)]
pub mod v1;
/// Without the `v1` feature: the same entry points, each refusing v1 frames with one clear error.
#[cfg(not(feature = "v1"))]
#[path = "v1_off.rs"]
#[doc(hidden)]
pub mod v1;
/// `v1.rs`'s stand-in, also compiled by the tests of builds with `v1`, so it stays in step.
#[cfg(all(test, feature = "v1"))]
#[path = "v1_off.rs"]
#[allow(dead_code, unused_imports)]
mod v1_off;
// The version 2 layout. Hidden: the byte layout is docs/FORMAT.md; the hostile-input tests
// build frames with its length check.
#[doc(hidden)]
pub mod v2;

use crate::error::{Error, Result};

/// v1's magic bytes (`D7 AC`), also the start of v1 stream headers.
pub const MAGIC: [u8; 2] = v1::MAGIC;
/// The wire-format version this library writes: independent of the library version.
pub const FORMAT_VERSION: u8 = 2;

/// Calls the macro `$m` with the table of frame methods, one `(Variant, wire ID, "name", "doc")`
/// per method in ID order. [`Method`] is made from it, and so is every binding's declaration
/// that needs one item per method (uniffi's `Method`), so a new method is listed here only.
/// IDs are on the wire: never renumber or reuse one (8 is the stream header).
#[macro_export]
macro_rules! for_each_method {
    ($m:ident) => {
        $m! {
            (Stored, 0, "stored", "The content as is (text/bytes; token IDs as u32 LE)."),
            (Zstd, 1, "zstd", "zstd over the text bytes (LoPace's ZSTD payload)."),
            (Gzip, 2, "gzip", "gzip over the text bytes."),
            (LopaceToken, 3, "lopace-token", "LoPace's TOKEN payload (format byte + u16/u32 IDs)."),
            (LopaceHybrid, 4, "lopace-hybrid", "LoPace's HYBRID payload (zstd over the TOKEN payload)."),
            (Tacc, 5, "tacc", "tacc 0.1.0's Thrift payload of mapped IDs."),
            (TaccGzip, 6, "tacc-gzip", "tacc 0.1.0's Thrift payload, gzip-compressed."),
            (ModelV1, 7, "model-v1",
             "The first context-model coder: v1 frames' method 7, kept for reading them and for comparisons. Its priors are the v1 built-ins, frozen, so frames name none."),
            (Model, 9, "model",
             "The context-model coder (docs/MODEL.md): the default. Frames name its priors by ID."),
        }
    };
}

macro_rules! define_method {
    ($(($method:ident, $id:literal, $name:literal, $doc:literal)),* $(,)?) => {
        /// How the payload of a frame was made. Discriminants are on the wire: never renumber.
        /// The table is [`for_each_method!`](crate::for_each_method).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u8)]
        pub enum Method {
            $(#[doc = $doc] $method = $id,)*
        }

        const METHOD_COUNT: usize = [$($id),*].len();

        impl Method {
            /// Every method, in ID order.
            pub const ALL: [Method; METHOD_COUNT] = [$(Method::$method),*];

            /// The method's stable name: the one spelling of every layer (CLI, C, bindings,
            /// vectors).
            pub fn name(self) -> &'static str {
                match self {
                    $(Method::$method => $name,)*
                }
            }
        }
    };
}

for_each_method!(define_method);

/// Method 8 is the stream header (docs/STREAM.md), never a frame's method.
pub const STREAM_METHOD: u8 = 8;

impl Method {
    /// The methods `Options::auto()` tries: all but `model-v1`, which `model` supersedes (the old
    /// coder is slower and its priors cost a few hundred milliseconds to load).
    pub const AUTO: [Method; 8] = [
        Method::Stored,
        Method::Zstd,
        Method::Gzip,
        Method::LopaceToken,
        Method::LopaceHybrid,
        Method::Tacc,
        Method::TaccGzip,
        Method::Model,
    ];

    /// The method with this name ([`Method::name`]).
    pub fn from_name(name: &str) -> Result<Method> {
        Method::ALL
            .into_iter()
            .find(|m| m.name() == name)
            .ok_or_else(|| {
                let names: Vec<_> = Method::ALL.iter().map(|m| m.name()).collect();
                Error::InvalidArgument(format!(
                    "unknown method '{name}' (available: {}, auto)",
                    names.join(", ")
                ))
            })
    }

    /// The method with this wire ID (a corrupt-frame error otherwise).
    pub fn from_id(id: u8) -> Result<Method> {
        Method::ALL
            .into_iter()
            .find(|m| *m as u8 == id)
            .ok_or_else(|| {
                Error::corrupt(
                    "frame",
                    if id == STREAM_METHOD {
                        "method 8 is a stream header, not a frame (decode it with a StreamDecoder)"
                            .to_string()
                    } else {
                        format!("unknown method {id} (made by a newer tacc?)")
                    },
                )
            })
    }

    /// Whether the method goes through a tokenizer (and so needs one named in the frame).
    pub fn uses_tokens(self) -> bool {
        matches!(
            self,
            Method::LopaceToken
                | Method::LopaceHybrid
                | Method::Tacc
                | Method::TaccGzip
                | Method::ModelV1
                | Method::Model
        )
    }

    /// Whether decoding token IDs from this method needs the vocabulary (tacc's mapping, or the
    /// model's vocabulary size and priors); stored and LoPace layouts need none.
    pub fn needs_vocabulary(self) -> bool {
        matches!(
            self,
            Method::Tacc | Method::TaccGzip | Method::ModelV1 | Method::Model
        )
    }
}

/// What a frame holds once decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ContentKind {
    /// UTF-8 text.
    Text = 0,
    /// Token IDs.
    TokenIds = 1,
    /// Bytes that are not UTF-8 (byte-level methods only).
    Bytes = 2,
}

impl ContentKind {
    /// Every kind, by value.
    pub const ALL: [ContentKind; 3] =
        [ContentKind::Text, ContentKind::TokenIds, ContentKind::Bytes];

    /// The kind's stable name ("text", "token_ids", "bytes"): the one spelling of the CLI,
    /// the playground, the test vectors and the bindings.
    pub fn name(self) -> &'static str {
        match self {
            ContentKind::Text => "text",
            ContentKind::TokenIds => "token_ids",
            ContentKind::Bytes => "bytes",
        }
    }

    /// How messages say it ("text", "token IDs", "non-UTF-8 bytes").
    pub fn describe(self) -> &'static str {
        match self {
            ContentKind::Text => "text",
            ContentKind::TokenIds => "token IDs",
            ContentKind::Bytes => "non-UTF-8 bytes",
        }
    }

    /// The kind with this stable name.
    pub fn from_name(name: &str) -> Result<ContentKind> {
        ContentKind::ALL
            .into_iter()
            .find(|k| k.name() == name)
            .ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "unknown content kind '{name}' (text, token_ids, bytes)"
                ))
            })
    }

    /// The kind with this value (the C ABI's `tacc_content_kind`).
    pub fn from_id(id: u32) -> Result<ContentKind> {
        ContentKind::ALL
            .into_iter()
            .find(|k| *k as u32 == id)
            .ok_or_else(|| Error::InvalidArgument(format!("unknown content kind {id}")))
    }

    pub(crate) fn from_bits(bits: u8) -> Result<ContentKind> {
        match bits {
            0 => Ok(ContentKind::Text),
            1 => Ok(ContentKind::TokenIds),
            2 => Ok(ContentKind::Bytes),
            _ => Err(Error::corrupt("frame", "unknown content kind 3")),
        }
    }
}

/// The wire-format version of some bytes, from their first bytes (see [`sniff`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// `D7 AC 01`: a v1 frame or v1 stream header.
    V1,
    /// First byte `10xx xxxx`: a v2 frame or v2 stream header.
    V2,
}

/// Which tacc wire format `bytes` start with, if any: cheap, reads at most 3 bytes, and says
/// nothing about whether the rest is valid. gzip (`1F 8B`), zstd (`28 B5 2F FD`) and UTF-8 text
/// never match.
pub fn sniff(bytes: &[u8]) -> Option<Version> {
    match bytes {
        [0xD7, 0xAC, 1, ..] => Some(Version::V1),
        [b, ..] if b & 0xC0 == 0x80 => Some(Version::V2),
        _ => None,
    }
}

/// The parsed header of a frame (either version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Wire-format version: 1 or 2.
    pub version: u8,
    /// How the payload is coded.
    pub method: Method,
    /// What the frame holds.
    pub kind: ContentKind,
    /// A CRC-32 ends the frame (v1: of the content; v2: of the header and the content).
    pub checksum: bool,
    /// Built-in tokenizer ID, 0 for none or custom.
    pub tokenizer_id: u8,
    /// A custom tokenizer's fingerprint ([`Tokenizer::fingerprint`](crate::Tokenizer::fingerprint)).
    pub tokenizer_fingerprint: Option<u64>,
    /// A custom tacc mapping's fingerprint ([`Mapping::fingerprint`](crate::Mapping::fingerprint)).
    pub mapping_fingerprint: Option<u64>,
    /// v2 `model` frames: the built-in model priors used, by ID (`codecs::model`'s table).
    pub priors_id: Option<u8>,
    /// Custom model priors' fingerprint ([`Priors::fingerprint`](crate::Priors::fingerprint)).
    pub priors_fingerprint: Option<u64>,
    /// v1 only: text/bytes byte length, token ID count. v2 frames do not store it.
    pub content_len: Option<u64>,
}

impl Header {
    /// Writes the header (version 2; `version` and `content_len` are not used).
    pub fn write(&self, out: &mut Vec<u8>) -> Result<()> {
        v2::write(self, out)
    }

    /// Parses the header of a v1 or v2 frame; returns it and the payload (checksum removed).
    pub fn parse(frame: &[u8]) -> Result<(Header, &[u8])> {
        let p = parse_frame(frame)?;
        Ok((p.header, p.payload))
    }
}

/// A frame split into its parts.
pub(crate) struct Parsed<'a> {
    pub header: Header,
    /// The header's bytes: v2's checksum covers them.
    pub header_bytes: &'a [u8],
    pub payload: &'a [u8],
    /// The stored CRC-32, if the frame has one.
    pub stored_crc: Option<u32>,
}

pub(crate) fn parse_frame(frame: &[u8]) -> Result<Parsed<'_>> {
    match sniff(frame) {
        Some(Version::V2) => v2::parse(frame),
        Some(Version::V1) => v1::parse(frame),
        None if frame.starts_with(&MAGIC) && frame.len() >= 3 => Err(Error::corrupt(
            "frame",
            format!(
                "format version {} is not supported (this build reads 1 and {FORMAT_VERSION})",
                frame[2]
            ),
        )),
        None if frame.starts_with(&MAGIC) => Err(Error::corrupt("frame", "truncated header")),
        None => Err(Error::corrupt(
            "frame",
            "not a tacc frame (bad magic bytes: not v1's D7 AC 01, nor a v2 first byte 0x80-0xBF)",
        )),
    }
}

/// A parsed stream header (either version): what the first chunk of a stream starts with.
pub(crate) struct StreamHeader {
    /// As a frame header: method `model` (v2) or `model-v1` (v1), token IDs, checksum on.
    pub header: Header,
    /// The header's length in bytes (the first chunk's coded bytes follow).
    pub len: usize,
    /// v2: every chunk carries a check (`StreamOptions::chunk_check`).
    pub chunk_check: bool,
    /// The model codes with priors (v2: the header names them; v1: the mode byte asks for them).
    pub with_priors: bool,
}

/// Parses the stream header at the start of a stream's first chunk: the one place the stream
/// header's versions are told apart (the layouts are in `v1` and `v2`).
pub(crate) fn parse_stream_header(chunk: &[u8]) -> Result<StreamHeader> {
    match sniff(chunk) {
        Some(Version::V2) => {
            let (header, len, chunk_check) = v2::parse_stream_header(chunk)?;
            let with_priors = header.priors_id.is_some() || header.priors_fingerprint.is_some();
            Ok(StreamHeader {
                header,
                len,
                chunk_check,
                with_priors,
            })
        }
        Some(Version::V1) => {
            let (header, with_priors, len) = v1::parse_stream_header(chunk)?;
            Ok(StreamHeader {
                header,
                len,
                chunk_check: false,
                with_priors,
            })
        }
        None => Err(Error::corrupt(
            "stream",
            "the first chunk does not start with a stream header (bad magic bytes)",
        )),
    }
}

#[cfg(feature = "encode")]
/// Writes a stream header (always the current version, v2) for a `model` header `h`.
pub(crate) fn write_stream_header(h: &Header, chunk_check: bool, out: &mut Vec<u8>) -> Result<()> {
    v2::write_stream(h, chunk_check, out)
}

/// Splits the 4-byte CRC off the end, if the header says there is one.
pub(crate) fn split_crc(rest: &[u8], checksum: bool) -> Result<(&[u8], Option<u32>)> {
    if !checksum {
        return Ok((rest, None));
    }
    let end = rest
        .len()
        .checked_sub(4)
        .ok_or_else(|| Error::corrupt("frame", "truncated (no room for the checksum)"))?;
    let (payload, crc) = rest.split_at(end);
    Ok((
        payload,
        Some(u32::from_le_bytes([crc[0], crc[1], crc[2], crc[3]])),
    ))
}

#[cfg(test)]
fn crc32_bytes(bytes: &[u8]) -> u32 {
    libdeflater::crc32(bytes)
}

#[cfg(test)]
/// The CRC-32 of token IDs as u32 LE (what a frame's checksum covers).
fn crc32_ids(ids: &[u32]) -> u32 {
    let mut crc = libdeflater::Crc::new();
    update_crc_ids(&mut crc, ids);
    crc.sum()
}

/// Feeds token IDs to a CRC as u32 LE, without a buffer the size of the input.
pub(crate) fn update_crc_ids(crc: &mut libdeflater::Crc, ids: &[u32]) {
    let mut buf = [0u8; 4096];
    for chunk in ids.chunks(1024) {
        for (i, id) in chunk.iter().enumerate() {
            buf[i * 4..i * 4 + 4].copy_from_slice(&id.to_le_bytes());
        }
        crc.update(&buf[..chunk.len() * 4]);
    }
}

/// Appends `v` as an unsigned LEB128 varint (v1 lengths, model-v1 payloads).
#[cfg_attr(not(feature = "v1"), allow(dead_code))]
pub(crate) fn put_uvarint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads an unsigned LEB128 varint at `*pos` and moves past it; `None` if cut or over 64 bits.
#[cfg_attr(not(feature = "v1"), allow(dead_code))]
pub(crate) fn get_uvarint(bytes: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*pos)?;
        *pos += 1;
        v |= ((b & 0x7F) as u64).checked_shl(shift)?;
        if b < 0x80 {
            return Some(v);
        }
    }
    None
}

/// Reads 8 bytes LE at `*pos`.
pub(crate) fn get_u64(bytes: &[u8], pos: &mut usize, what: &'static str) -> Result<u64> {
    let b = bytes
        .get(*pos..*pos + 8)
        .ok_or_else(|| Error::corrupt("frame", format!("truncated {what}")))?;
    *pos += 8;
    let mut a = [0u8; 8];
    a.copy_from_slice(b);
    Ok(u64::from_le_bytes(a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_of_ids_is_crc_of_le_bytes() {
        let ids: Vec<u32> = (0..3000).map(|i| i * 31).collect();
        let bytes: Vec<u8> = ids.iter().flat_map(|i| i.to_le_bytes()).collect();
        assert_eq!(crc32_ids(&ids), crc32_bytes(&bytes));
    }

    #[test]
    fn sniffing_tells_versions_and_others_apart() {
        assert_eq!(sniff(&[0xD7, 0xAC, 1, 0]), Some(Version::V1));
        assert_eq!(sniff(&[0xB9, 0x48]), Some(Version::V2));
        assert_eq!(sniff(&[0x80]), Some(Version::V2));
        for other in [
            &b"\x1f\x8b\x08"[..],
            b"\x28\xb5\x2f\xfd",
            b"Hello",
            "日本".as_bytes(),
            b"\xD7\xAC\x02",
            b"\xD7\xAC",
            b"{\"a\":1}",
            b"",
        ] {
            assert_eq!(sniff(other), None, "{other:?}");
        }
        // No UTF-8 text starts with a v2 first byte: every first byte of a character is outside 0x80-0xBF.
        for c in ['\0', 'a', '\u{7f}', 'é', '€', '😀', '\u{10FFFF}'] {
            let mut b = [0u8; 4];
            assert_eq!(sniff(c.encode_utf8(&mut b).as_bytes()), None);
        }
    }

    #[test]
    fn unknown_versions_and_non_frames_are_refused_with_a_reason() {
        let e = parse_frame(&[0xD7, 0xAC, 3, 0, 0, 0, 0]).err().unwrap();
        assert!(e.to_string().contains("version 3"), "{e}");
        let e = parse_frame(b"hello").err().unwrap();
        assert!(e.to_string().contains("not a tacc frame"), "{e}");
        assert!(parse_frame(b"").is_err());
        assert!(parse_frame(&[0xD7]).is_err());
        assert!(parse_frame(&[0xD7, 0xAC]).is_err());
    }
}
