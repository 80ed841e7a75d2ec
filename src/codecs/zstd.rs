//! zstd via the `zstd` crate (libzstd), with bounded decompression.

use std::cell::RefCell;
use std::io::Read;

use crate::error::{Error, Result};
use crate::limits::MAX_DECODED_BYTES;

/// LoPace's default level.
pub const DEFAULT_LEVEL: i32 = 15;

/// A zstd block of 128 KiB can hold at most ~32 Ki sequences of 3-byte minimum matches; a frame
/// cannot expand its input by more than this factor (a loose bound: RLE blocks expand more, and
/// fall back to the streaming reader).
const ZSTD_MAX_EXPANSION: u64 = 1 << 10;

thread_local! {
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
    // zstd contexts at high levels hold megabytes: reuse one per thread and level.
    #[cfg(feature = "encode")]
    static COMPRESSOR: RefCell<Option<(i32, zstd::bulk::Compressor<'static>)>> = const { RefCell::new(None) };
}

pub fn check_level(level: i32) -> Result<()> {
    if (1..=22).contains(&level) {
        Ok(())
    } else {
        Err(Error::InvalidArgument(format!(
            "zstd level {level} is outside 1-22"
        )))
    }
}

#[cfg(feature = "encode")]
/// One zstd frame with the content size in its header (as python-zstandard writes it).
pub fn compress(data: &[u8], level: i32) -> Result<Vec<u8>> {
    check_level(level)?;
    COMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        if !matches!(&*slot, Some((l, _)) if *l == level) {
            let c = zstd::bulk::Compressor::new(level)
                .map_err(|e| Error::InvalidArgument(format!("zstd: {e}")))?;
            *slot = Some((level, c));
        }
        let c = &mut slot.as_mut().unwrap().1;
        c.compress(data)
            .map_err(|e| Error::InvalidArgument(format!("zstd: {e}")))
    })
}

/// A reader of the frames in `data`, decompressing as it is read (memory: zstd's window,
/// whatever the content's size).
pub fn stream_reader(data: &[u8]) -> Result<impl std::io::Read + '_> {
    if !data.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) {
        return Err(Error::corrupt("zstd", "not a zstd frame"));
    }
    let mut dec =
        zstd::stream::read::Decoder::with_buffer(data).map_err(|e| Error::corrupt("zstd", e))?;
    // 2^27 (128 MiB) is zstd's own default cap on the window a frame may ask for; what we
    // write (levels 1-22 within the 1 GiB content cap) fits in it.
    dec.window_log_max(27)
        .map_err(|e| Error::corrupt("zstd", e))?;
    Ok(dec)
}

/// Decompresses zstd frames, never producing more than `limit` bytes.
pub fn decompress(data: &[u8], limit: usize) -> Result<Vec<u8>> {
    let limit = limit.min(MAX_DECODED_BYTES);
    if !data.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) {
        return Err(Error::corrupt("zstd", "not a zstd frame"));
    }
    let declared = zstd::zstd_safe::get_frame_content_size(data).ok().flatten();
    if let Some(n) = declared {
        if n > limit as u64 {
            return Err(Error::TooLarge {
                what: "zstd content (max_output_bytes)",
                size: n,
                limit: limit as u64,
            });
        }
    }
    if let Some(n) = declared {
        // One frame with its size declared (what LoPace and this library write): decode in one
        // call with a per-thread context. The size is bounded by the limit checked above and by
        // a loose expansion bound on the input; anything else takes the streaming reader.
        if n <= (data.len() as u64).saturating_mul(ZSTD_MAX_EXPANSION) {
            let fast = DECOMPRESSOR.with(|cell| {
                let mut slot = cell.borrow_mut();
                if slot.is_none() {
                    *slot = zstd::bulk::Decompressor::new().ok();
                }
                slot.as_mut().map(|d| d.decompress(data, n as usize))
            });
            // Several frames, a lying size or corruption: the streaming reader decides.
            if let Some(Ok(out)) = fast {
                if out.len() as u64 == n {
                    return Ok(out);
                }
            }
        }
    }
    let mut dec =
        zstd::stream::read::Decoder::with_buffer(data).map_err(|e| Error::corrupt("zstd", e))?;
    // A declared size only sizes the first allocation, and only as far as the input could justify.
    let mut out = Vec::with_capacity(declared.unwrap_or(0).min(data.len() as u64 * 64) as usize);
    (&mut dec)
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| Error::corrupt("zstd", e))?;
    if out.len() > limit {
        return Err(Error::TooLarge {
            what: "zstd content (max_output_bytes)",
            size: out.len() as u64,
            limit: limit as u64,
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
        let data = b"token token token".repeat(100);
        for level in [1, 3, 15, 19, 22] {
            assert_eq!(
                decompress(&compress(&data, level).unwrap(), usize::MAX).unwrap(),
                data
            );
        }
        assert!(compress(&data, 0).is_err());
        assert!(compress(&data, 23).is_err());
        let z = compress(&data, 3).unwrap();
        assert!(decompress(&z, 100).is_err());
        assert!(decompress(&z[..z.len() - 3], usize::MAX).is_err());
        assert!(decompress(b"garbage", usize::MAX).is_err());
    }
}
