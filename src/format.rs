//! tacc's self-describing frame. Byte layout (all integers little-endian; see docs/FORMAT.md):
//!
//! ```text
//! magic      2  0xD7 0xAC
//! version    1  1
//! method     1  Method as u8
//! flags      1  bit 0 checksum, bits 1-2 content kind, bit 3 custom tokenizer,
//!               bit 4 custom mapping, bit 5 custom model priors, bits 6-7 zero
//! tokenizer  1  built-in tokenizer ID (0: none/custom)
//! [8]           tokenizer fingerprint, if bit 3
//! [8]           mapping fingerprint, if bit 4
//! [8]           model priors fingerprint, if bit 5
//! length     LEB128 varint: content size (text/bytes: bytes; token IDs: count)
//! payload    the method's bytes (for peer methods exactly the peer's payload)
//! checksum   4  CRC-32 (gzip's) of the content, if bit 0 (text/bytes: the bytes; IDs: u32 LE each)
//! ```

use crate::error::{Error, Result};

pub const MAGIC: [u8; 2] = [0xD7, 0xAC];
/// Wire-format version: independent of the library version.
pub const FORMAT_VERSION: u8 = 1;

const FLAG_CHECKSUM: u8 = 1;
const FLAG_CUSTOM_TOKENIZER: u8 = 1 << 3;
const FLAG_CUSTOM_MAPPING: u8 = 1 << 4;
const FLAG_CUSTOM_PRIORS: u8 = 1 << 5;
const FLAGS_RESERVED: u8 = 0b1100_0000;

/// How the payload of a frame was made. Discriminants are on the wire: never renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Method {
    /// The content as is (text/bytes; token IDs as u32 LE).
    Stored = 0,
    /// zstd over the text bytes (LoPace's ZSTD payload).
    Zstd = 1,
    /// gzip over the text bytes.
    Gzip = 2,
    /// LoPace's TOKEN payload (format byte + u16/u32 IDs).
    LopaceToken = 3,
    /// LoPace's HYBRID payload (zstd over the TOKEN payload).
    LopaceHybrid = 4,
    /// tacc's Thrift payload of mapped IDs.
    Tacc = 5,
    /// tacc's Thrift payload, gzip-compressed.
    TaccGzip = 6,
    /// The context-model entropy coder over token IDs (`model`, docs/MODEL.md).
    Model = 7,
}

impl Method {
    pub const ALL: [Method; 8] = [
        Method::Stored,
        Method::Zstd,
        Method::Gzip,
        Method::LopaceToken,
        Method::LopaceHybrid,
        Method::Tacc,
        Method::TaccGzip,
        Method::Model,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Method::Stored => "stored",
            Method::Zstd => "zstd",
            Method::Gzip => "gzip",
            Method::LopaceToken => "lopace-token",
            Method::LopaceHybrid => "lopace-hybrid",
            Method::Tacc => "tacc",
            Method::TaccGzip => "tacc-gzip",
            Method::Model => "model",
        }
    }

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

    pub fn from_id(id: u8) -> Result<Method> {
        Method::ALL
            .into_iter()
            .find(|m| *m as u8 == id)
            .ok_or_else(|| {
                Error::corrupt(
                    "frame",
                    format!("unknown method {id} (made by a newer tacc?)"),
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
                | Method::Model
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

/// The parsed header of a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub method: Method,
    pub kind: ContentKind,
    pub checksum: bool,
    /// Built-in tokenizer ID, 0 for none or custom.
    pub tokenizer_id: u8,
    pub tokenizer_fingerprint: Option<u64>,
    pub mapping_fingerprint: Option<u64>,
    pub priors_fingerprint: Option<u64>,
    /// Text/bytes: byte length; token IDs: count.
    pub content_len: u64,
}

impl Header {
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&MAGIC);
        out.push(FORMAT_VERSION);
        out.push(self.method as u8);
        let mut flags = (self.kind as u8) << 1;
        flags |= if self.checksum { FLAG_CHECKSUM } else { 0 };
        flags |= if self.tokenizer_fingerprint.is_some() {
            FLAG_CUSTOM_TOKENIZER
        } else {
            0
        };
        flags |= if self.mapping_fingerprint.is_some() {
            FLAG_CUSTOM_MAPPING
        } else {
            0
        };
        flags |= if self.priors_fingerprint.is_some() {
            FLAG_CUSTOM_PRIORS
        } else {
            0
        };
        out.push(flags);
        out.push(self.tokenizer_id);
        for fp in [
            self.tokenizer_fingerprint,
            self.mapping_fingerprint,
            self.priors_fingerprint,
        ]
        .into_iter()
        .flatten()
        {
            out.extend_from_slice(&fp.to_le_bytes());
        }
        put_uvarint(out, self.content_len);
    }

    /// Parses the header; returns it and the payload (checksum removed).
    pub fn parse(frame: &[u8]) -> Result<(Header, &[u8])> {
        const F: &str = "frame";
        if frame.len() < 2 || frame[..2] != MAGIC {
            return Err(Error::corrupt(F, "not a tacc frame (bad magic bytes)"));
        }
        if frame.len() < 7 {
            return Err(Error::corrupt(F, "truncated header"));
        }
        if frame[2] != FORMAT_VERSION {
            return Err(Error::corrupt(
                F,
                format!(
                    "format version {} is not supported (this build reads {FORMAT_VERSION})",
                    frame[2]
                ),
            ));
        }
        let method = Method::from_id(frame[3])?;
        let flags = frame[4];
        if flags & FLAGS_RESERVED != 0 {
            return Err(Error::corrupt(F, "reserved flag bits are set"));
        }
        let kind = match (flags >> 1) & 3 {
            0 => ContentKind::Text,
            1 => ContentKind::TokenIds,
            2 => ContentKind::Bytes,
            _ => return Err(Error::corrupt(F, "unknown content kind")),
        };
        let tokenizer_id = frame[5];
        let mut pos = 6;
        let mut fingerprint = |bit: u8| -> Result<Option<u64>> {
            if flags & bit == 0 {
                return Ok(None);
            }
            let b = frame
                .get(pos..pos + 8)
                .ok_or_else(|| Error::corrupt(F, "truncated fingerprint"))?;
            pos += 8;
            Ok(Some(u64::from_le_bytes(b.try_into().unwrap())))
        };
        let tokenizer_fingerprint = fingerprint(FLAG_CUSTOM_TOKENIZER)?;
        let mapping_fingerprint = fingerprint(FLAG_CUSTOM_MAPPING)?;
        let priors_fingerprint = fingerprint(FLAG_CUSTOM_PRIORS)?;
        let content_len =
            get_uvarint(frame, &mut pos).ok_or_else(|| Error::corrupt(F, "bad content length"))?;
        let checksum = flags & FLAG_CHECKSUM != 0;
        let end = if checksum {
            frame
                .len()
                .checked_sub(4)
                .filter(|&e| e >= pos)
                .ok_or_else(|| Error::corrupt(F, "truncated (no room for the checksum)"))?
        } else {
            frame.len()
        };
        let header = Header {
            method,
            kind,
            checksum,
            tokenizer_id,
            tokenizer_fingerprint,
            mapping_fingerprint,
            priors_fingerprint,
            content_len,
        };
        Ok((header, &frame[pos..end]))
    }
}

/// The checksum stored at the end of a frame, if any.
pub fn stored_checksum(frame: &[u8]) -> u32 {
    u32::from_le_bytes(frame[frame.len() - 4..].try_into().unwrap())
}

pub fn crc32_bytes(bytes: &[u8]) -> u32 {
    libdeflater::crc32(bytes)
}

pub fn crc32_ids(ids: &[u32]) -> u32 {
    let mut crc = libdeflater::Crc::new();
    let mut buf = [0u8; 4096];
    for chunk in ids.chunks(1024) {
        for (i, id) in chunk.iter().enumerate() {
            buf[i * 4..i * 4 + 4].copy_from_slice(&id.to_le_bytes());
        }
        crc.update(&buf[..chunk.len() * 4]);
    }
    crc.sum()
}

pub fn put_uvarint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

pub fn get_uvarint(bytes: &[u8], pos: &mut usize) -> Option<u64> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trip_and_size() {
        let h = Header {
            method: Method::TaccGzip,
            kind: ContentKind::Text,
            checksum: true,
            tokenizer_id: 1,
            tokenizer_fingerprint: None,
            mapping_fingerprint: None,
            priors_fingerprint: None,
            content_len: 1800,
        };
        let mut f = Vec::new();
        h.write(&mut f);
        assert_eq!(
            f.len(),
            8,
            "a typical chat frame header is 8 bytes (+4 checksum)"
        );
        f.extend_from_slice(b"payload");
        f.extend_from_slice(&[1, 2, 3, 4]);
        let (back, payload) = Header::parse(&f).unwrap();
        assert_eq!(back, h);
        assert_eq!(payload, b"payload");
        assert_eq!(stored_checksum(&f), 0x04030201);
    }

    #[test]
    fn rejects_bad_headers() {
        assert!(Header::parse(b"").is_err());
        assert!(Header::parse(&[0xD7, 0xAC, 2, 0, 0, 0, 0]).is_err());
        assert!(Header::parse(&[0xD7, 0xAC, 1, 99, 0, 0, 0]).is_err());
        assert!(Header::parse(&[0xD7, 0xAC, 1, 0, 0x80, 0, 0]).is_err());
        assert!(
            Header::parse(&[0xD7, 0xAC, 1, 0, 1, 0, 0]).is_err(),
            "checksum flag with no room"
        );
        assert!(Header::parse(&[0xD7, 0xAC, 1, 0, 0, 0, 0xFF]).is_err());
    }

    #[test]
    fn crc_of_ids_is_crc_of_le_bytes() {
        let ids: Vec<u32> = (0..3000).map(|i| i * 31).collect();
        let bytes: Vec<u8> = ids.iter().flat_map(|i| i.to_le_bytes()).collect();
        assert_eq!(crc32_ids(&ids), crc32_bytes(&bytes));
    }
}
