//! gzip via libdeflate (libdeflater). Single-member streams, as tacc writes them.

use std::cell::RefCell;

use libdeflater::Decompressor;
#[cfg(feature = "encode")]
use libdeflater::{CompressionLvl, Compressor};

use crate::error::{Error, Result};
use crate::limits::MAX_DECODED_BYTES;

/// Default level: libdeflate's 9 is a little smaller than zlib's 6 (tacc's) at similar speed.
pub const DEFAULT_LEVEL: i32 = 9;
/// Deflate cannot expand data by more than this factor (258-byte matches in 2 bits).
const MAX_EXPANSION: usize = 1032;

thread_local! {
    // A libdeflate compressor is hundreds of KB: build one per thread and level, not per call.
    #[cfg(feature = "encode")]
    static COMPRESSOR: RefCell<Option<(i32, Compressor)>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<Decompressor>> = const { RefCell::new(None) };
}

#[cfg(feature = "encode")]
/// gzip at `level` 1-12 (libdeflate's scale).
pub fn compress(data: &[u8], level: i32) -> Result<Vec<u8>> {
    let lvl = CompressionLvl::new(level)
        .map_err(|_| Error::InvalidArgument(format!("gzip level {level} is outside 1-12")))?;
    COMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        if !matches!(&*slot, Some((l, _)) if *l == level) {
            *slot = Some((level, Compressor::new(lvl)));
        }
        let c = &mut slot.as_mut().unwrap().1;
        let mut out = vec![0u8; c.gzip_compress_bound(data.len())];
        let n = c
            .gzip_compress(data, &mut out)
            .map_err(|e| Error::InvalidArgument(format!("gzip: {e:?}")))?;
        out.truncate(n);
        Ok(out)
    })
}

#[cfg(feature = "encode")]
/// gzip exactly as tacc 0.1.0 writes it (flate2 over zlib-rs at the default level 6), so raw
/// tacc payloads match the original byte for byte. Frames use libdeflate ([`compress`]) instead.
pub fn compress_tacc_compatible(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 2 + 32),
        flate2::Compression::default(),
    );
    enc.write_all(data).expect("writing to a Vec cannot fail");
    enc.finish().expect("writing to a Vec cannot fail")
}

/// Inflates the first bytes of a gzip member into `head`; how many (0 if the data is not gzip).
pub fn decompress_prefix(data: &[u8], head: &mut [u8]) -> usize {
    use std::io::Read;
    let mut r = flate2::read::GzDecoder::new(data);
    let mut got = 0;
    while got < head.len() {
        match r.read(&mut head[got..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => got += n,
        }
    }
    got
}

/// Decompresses one gzip member, never producing more than `limit` bytes.
pub fn decompress(data: &[u8], limit: usize) -> Result<Vec<u8>> {
    if data.len() < 18 || data[0] != 0x1f || data[1] != 0x8b {
        return Err(Error::corrupt("gzip", "not a gzip stream"));
    }
    // ISIZE (the last 4 bytes) is the size mod 2^32; deflate's maximum expansion bounds it too.
    let isize = u32::from_le_bytes(data[data.len() - 4..].try_into().unwrap()) as usize;
    let cap = limit
        .min(MAX_DECODED_BYTES)
        .min(data.len().saturating_mul(MAX_EXPANSION));
    if isize > cap {
        return streamed(data, cap);
    }
    let fast = DECOMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        let d = slot.get_or_insert_with(Decompressor::new);
        let mut out = vec![0u8; isize];
        let n = d
            .gzip_decompress(data, &mut out)
            .map_err(|e| Error::corrupt("gzip", format!("{e:?}")))?;
        if n != isize {
            return Err(Error::corrupt("gzip", "size does not match the trailer"));
        }
        Ok(out)
    });
    // The last 4 bytes are not the trailer when data follows the member (tacc ignores such data).
    fast.or_else(|_| streamed(data, cap))
}

/// The first gzip member, read incrementally up to `cap` bytes; anything after it is ignored.
fn streamed(data: &[u8], cap: usize) -> Result<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(data)
        .take(cap as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| Error::corrupt("gzip", e))?;
    if out.len() > cap {
        return Err(Error::TooLarge {
            what: "gzip content (max_output_bytes)",
            size: out.len() as u64,
            limit: cap as u64,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use super::*;

    #[cfg(feature = "encode")]
    #[test]
    fn round_trip_and_errors() {
        let data = b"hello hello hello hello".repeat(50);
        for level in [1, 6, 9, 12] {
            let z = compress(&data, level).unwrap();
            assert_eq!(decompress(&z, usize::MAX).unwrap(), data);
        }
        assert!(compress(b"x", 13).is_err());
        let mut z = compress(&data, 9).unwrap();
        let n = z.len();
        z[n - 1] = 0x7f; // ISIZE far beyond what the input can expand to
        assert!(decompress(&z, usize::MAX).is_err());
        assert!(decompress(b"not gzip at all, definitely", usize::MAX).is_err());
        let z = compress(&data, 9).unwrap();
        assert!(decompress(&z, 10).is_err(), "limit must hold");
    }
}
