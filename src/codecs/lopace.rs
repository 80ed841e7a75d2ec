//! LoPace 0.1.5's payload layouts.
//!
//! - ZSTD: the UTF-8 text, zstd-compressed.
//! - TOKEN: one format byte (0: every ID as u16 LE, 1: u32 LE), then the IDs.
//! - HYBRID: TOKEN's bytes, zstd-compressed.
//!
//! LoPace decodes any format byte other than 1 as u16; it only ever writes 0 or 1, so
//! anything else is reported as corrupt here.

use crate::error::{Error, Result};
use crate::limits::MAX_TOKENS;

#[cfg(feature = "encode")]
/// Packs token IDs in LoPace's TOKEN layout.
pub fn pack_ids(ids: &[u32]) -> Vec<u8> {
    let wide = ids.iter().any(|&id| id > u16::MAX as u32);
    let mut out = Vec::with_capacity(1 + ids.len() * if wide { 4 } else { 2 });
    out.push(wide as u8);
    if wide {
        for &id in ids {
            out.extend_from_slice(&id.to_le_bytes());
        }
    } else {
        for &id in ids {
            out.extend_from_slice(&(id as u16).to_le_bytes());
        }
    }
    out
}

/// Unpacks LoPace's TOKEN layout.
pub fn unpack_ids(bytes: &[u8]) -> Result<Vec<u32>> {
    const FORMAT: &str = "LoPace token";
    let (&flag, body) = bytes
        .split_first()
        .ok_or_else(|| Error::corrupt(FORMAT, "missing format byte"))?;
    let width = match flag {
        0 => 2,
        1 => 4,
        other => {
            return Err(Error::corrupt(
                FORMAT,
                format!("format byte {other} (expected 0 or 1)"),
            ))
        }
    };
    if body.len() % width != 0 {
        return Err(Error::corrupt(
            FORMAT,
            format!("{} data bytes are not a multiple of {width}", body.len()),
        ));
    }
    if body.len() / width > MAX_TOKENS {
        return Err(Error::TooLarge {
            what: "token count",
            size: (body.len() / width) as u64,
            limit: MAX_TOKENS as u64,
        });
    }
    Ok(if width == 2 {
        body.chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]) as u32)
            .collect()
    } else {
        body.chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use super::*;

    #[cfg(feature = "encode")]
    #[test]
    fn layouts() {
        assert_eq!(pack_ids(&[]), vec![0]);
        assert_eq!(pack_ids(&[1, 258]), vec![0, 1, 0, 2, 1]);
        assert_eq!(pack_ids(&[70_000]), vec![1, 0x70, 0x11, 0x01, 0x00]);
        for ids in [vec![], vec![5], vec![65_535, 0], vec![65_536, 3, 200_018]] {
            assert_eq!(unpack_ids(&pack_ids(&ids)).unwrap(), ids);
        }
        assert!(unpack_ids(&[]).is_err());
        assert!(unpack_ids(&[0, 1]).is_err());
        assert!(unpack_ids(&[1, 1, 2, 3]).is_err());
        assert!(unpack_ids(&[7, 1, 2]).is_err());
    }
}
