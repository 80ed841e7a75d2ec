//! LoPace 0.1.5's payload layouts.
//!
//! - ZSTD: the UTF-8 text, zstd-compressed.
//! - TOKEN: one format byte (0: every ID as u16 LE, 1: u32 LE), then the IDs.
//! - HYBRID: TOKEN's bytes, zstd-compressed.
//!
//! LoPace decodes any format byte other than 1 as u16; it only ever writes 0 or 1, so
//! anything else is reported as corrupt here.

use crate::error::{Error, Result};
use crate::limits::{Limits, MAX_TOKENS};

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

const FORMAT: &str = "LoPace token";

/// The ID width a format byte names.
fn width_of(flag: u8) -> Result<usize> {
    match flag {
        0 => Ok(2),
        1 => Ok(4),
        other => Err(Error::corrupt(
            FORMAT,
            format!("format byte {other} (expected 0 or 1)"),
        )),
    }
}

fn unpack_into(body: &[u8], width: usize, out: &mut Vec<u32>) {
    if width == 2 {
        out.extend(
            body.chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]) as u32),
        );
    } else {
        out.extend(
            body.chunks_exact(4)
                .map(|c| u32::from_le_bytes(c.try_into().unwrap())),
        );
    }
}

/// Unpacks LoPace's TOKEN layout (at most the hard cap of IDs).
pub fn unpack_ids(bytes: &[u8]) -> Result<Vec<u32>> {
    unpack_ids_limited(bytes, MAX_TOKENS)
}

/// Unpacks LoPace's TOKEN layout; more than `max_tokens` IDs is refused before allocating.
pub fn unpack_ids_limited(bytes: &[u8], max_tokens: usize) -> Result<Vec<u32>> {
    let (&flag, body) = bytes
        .split_first()
        .ok_or_else(|| Error::corrupt(FORMAT, "missing format byte"))?;
    let width = width_of(flag)?;
    if body.len() % width != 0 {
        return Err(Error::corrupt(
            FORMAT,
            format!("{} data bytes are not a multiple of {width}", body.len()),
        ));
    }
    let n = body.len() / width;
    Limits::check_tokens(n as u64, max_tokens)?;
    let mut out = Vec::with_capacity(n);
    unpack_into(body, width, &mut out);
    Ok(out)
}

#[cfg(feature = "decode")]
/// Reads the TOKEN layout from `r` (the hybrid layout's zstd stream, decompressed as it is
/// read) and hands the IDs to `sink` a block at a time: memory stays one block whatever the
/// payload says, and more than `max_tokens` IDs is refused as soon as they are seen.
pub fn read_ids(
    mut r: impl std::io::Read,
    max_tokens: usize,
    mut sink: impl FnMut(&[u32]) -> Result<()>,
) -> Result<()> {
    let read = |r: &mut dyn std::io::Read, buf: &mut [u8]| -> Result<usize> {
        loop {
            match r.read(buf) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::corrupt("zstd", e)),
            }
        }
    };
    let mut flag = [0u8; 1];
    if read(&mut r, &mut flag)? == 0 {
        return Err(Error::corrupt(FORMAT, "missing format byte"));
    }
    let width = width_of(flag[0])?;
    let max = max_tokens.min(MAX_TOKENS);
    let mut buf = vec![0u8; 64 << 10];
    let mut have = 0; // bytes in buf not yet unpacked (less than one ID)
    let mut ids = Vec::with_capacity(buf.len() / 2);
    let mut total = 0usize;
    loop {
        let n = read(&mut r, &mut buf[have..])?;
        if n == 0 {
            break;
        }
        have += n;
        let whole = have - have % width;
        total += whole / width;
        if total > max {
            return Err(Limits::tokens_error(total as u64, max));
        }
        ids.clear();
        unpack_into(&buf[..whole], width, &mut ids);
        sink(&ids)?;
        buf.copy_within(whole..have, 0);
        have -= whole;
    }
    if have != 0 {
        return Err(Error::corrupt(
            FORMAT,
            format!("the data bytes are not a multiple of {width}"),
        ));
    }
    Ok(())
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
