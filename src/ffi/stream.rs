//! The stream calls (`tacc_stream_*`): thin wrappers over [`crate::stream`]. Chunks come back
//! as library-allocated `tacc_buf`s (released with `tacc_buf_free`), like every other call.

#![cfg_attr(
    not(all(feature = "encode", feature = "decode")),
    allow(dead_code, unused_imports)
)]

use std::ffi::c_char;

use super::boundary::{
    self, call, invalid, null_arg, out, read_sized, slice, text, value, Extensible, FfiResult,
};
use super::{tacc_buf, tacc_codec, tacc_ids, tacc_status};
#[cfg(feature = "decode")]
use crate::stream::StreamDecoder;
#[cfg(feature = "encode")]
use crate::stream::{StreamEncoder, StreamOptions};

/// `tacc_stream_options.flags` bit: every chunk carries a 16-bit check of its token IDs,
/// verified by the decoder at that chunk (2 bytes per chunk; docs/STREAM.md). For transports
/// without integrity of their own.
pub const TACC_STREAM_CHUNK_CHECK: u32 = 1;

/// Options of a stream encoder. Start from `tacc_stream_options_init()`, which sets
/// `struct_size` and the defaults (all off), then change fields. NULL means the defaults.
/// An extensible struct (docs/ABI.md): the library reads only the first `struct_size` bytes (at
/// least its 0.1 size: 16 bytes on 64-bit targets); later fields keep their defaults.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct tacc_stream_options {
    /// `sizeof(tacc_stream_options)` of the caller's header.
    pub struct_size: usize,
    /// `TACC_STREAM_*` bits; 0 for the defaults.
    pub flags: u32,
}

/// `sizeof(tacc_stream_options)` in 0.1 (64-bit targets), frozen: the smallest `struct_size` accepted.
const TACC_STREAM_OPTIONS_SIZE_0_1: usize = super::size_0_1!(16, tacc_stream_options);
const _: () = assert!(std::mem::size_of::<tacc_stream_options>() >= TACC_STREAM_OPTIONS_SIZE_0_1);

impl Extensible for tacc_stream_options {
    const NAME: &'static str = "tacc_stream_options";
    const SIZE_0_1: usize = TACC_STREAM_OPTIONS_SIZE_0_1;
    fn defaults() -> tacc_stream_options {
        tacc_stream_options {
            struct_size: std::mem::size_of::<tacc_stream_options>(),
            flags: 0,
        }
    }
}

/// Fills `opts` with the defaults (no per-chunk check) and sets `struct_size`. NULL does
/// nothing. Thread rule: one thread per struct.
#[no_mangle]
pub unsafe extern "C" fn tacc_stream_options_init(opts: *mut tacc_stream_options) {
    value((), || {
        // SAFETY: per the contract, a non-NULL opts points to a writable tacc_stream_options.
        if let Some(o) = unsafe { opts.as_mut() } {
            *o = tacc_stream_options::defaults();
        }
    })
}

#[cfg(feature = "encode")]
unsafe fn read_stream_options(p: *const tacc_stream_options) -> FfiResult<StreamOptions> {
    let o = unsafe { read_sized(p)? };
    if o.flags & !TACC_STREAM_CHUNK_CHECK != 0 {
        return Err(invalid(format!(
            "unknown bits in tacc_stream_options.flags: {:#x}",
            o.flags
        )));
    }
    Ok(StreamOptions {
        chunk_check: o.flags & TACC_STREAM_CHUNK_CHECK != 0,
    })
}

#[cfg(feature = "encode")]
/// A stream encoder: token IDs or text in, chunks out (see docs/STREAM.md).
///
/// Thread rule: one thread at a time; separate encoders in parallel. It holds its own copy of
/// the codec's tables, so the codec may be freed before it.
pub struct tacc_stream_encoder {
    inner: Option<StreamEncoder>,
}

#[cfg(feature = "decode")]
/// A stream decoder: chunks in, in order, token IDs and text out. After an error every later
/// push fails too. Thread rule: one thread at a time; separate decoders in parallel.
pub struct tacc_stream_decoder {
    inner: StreamDecoder,
}

#[cfg(feature = "encode")]
unsafe fn encoder<'a>(enc: *mut tacc_stream_encoder) -> FfiResult<&'a mut StreamEncoder> {
    // SAFETY: per the contract, a non-NULL enc came from tacc_stream_encoder_new, is not yet
    // freed, and only one thread uses it at a time.
    unsafe { enc.as_mut() }
        .ok_or_else(|| null_arg("enc"))?
        .inner
        .as_mut()
        .ok_or_else(|| invalid("the stream encoder has already finished"))
}

#[cfg(feature = "encode")]
/// Creates a stream encoder over `codec`'s tokenizer and model priors. On success `*out_enc`
/// receives an encoder to release with `tacc_stream_encoder_free`; on failure it is not written.
/// Thread rule: codec shareable.
#[no_mangle]
pub unsafe extern "C" fn tacc_stream_encoder_new(
    codec: *const tacc_codec,
    out_enc: *mut *mut tacc_stream_encoder,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    // SAFETY: forwarded under the same contract; NULL options are the defaults.
    unsafe { tacc_stream_encoder_new_with(codec, std::ptr::null(), out_enc, err_msg) }
}

#[cfg(feature = "encode")]
/// `tacc_stream_encoder_new` with options (`opts` NULL: the defaults; else set up with
/// `tacc_stream_options_init`). TACC_ERR_INVALID_ARGUMENT for unknown flags or a
/// `struct_size` too small. Thread rule: codec shareable.
#[no_mangle]
pub unsafe extern "C" fn tacc_stream_encoder_new_with(
    codec: *const tacc_codec,
    opts: *const tacc_stream_options,
    out_enc: *mut *mut tacc_stream_encoder,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    call(err_msg, || {
        // SAFETY: per the contract, a non-NULL codec came from tacc_codec_new and is not freed.
        let codec = unsafe { codec.as_ref() }.ok_or_else(|| null_arg("codec"))?;
        let out_enc = unsafe { out(out_enc, "out_enc")? };
        let options = unsafe { read_stream_options(opts)? };
        let inner = codec.codec.stream_encoder_with(options)?;
        *out_enc = Box::into_raw(Box::new(tacc_stream_encoder { inner: Some(inner) }));
        Ok(())
    })
}

#[cfg(feature = "encode")]
/// Adds `n_ids` token IDs to the current chunk. TACC_ERR_UNKNOWN_TOKEN (nothing added) when an
/// ID is not in the tokenizer. Thread rule: one thread at a time per encoder.
#[no_mangle]
pub unsafe extern "C" fn tacc_stream_encoder_push(
    enc: *mut tacc_stream_encoder,
    ids: *const u32,
    n_ids: usize,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    call(err_msg, || {
        let enc = unsafe { encoder(enc)? };
        let ids = unsafe { slice(ids, n_ids, "ids")? };
        enc.push_token_ids(ids)?;
        Ok(())
    })
}

#[cfg(feature = "encode")]
/// Tokenizes UTF-8 text (`len` bytes, not NUL-terminated) and adds its tokens to the current
/// chunk. Thread rule: one thread at a time per encoder.
#[no_mangle]
pub unsafe extern "C" fn tacc_stream_encoder_push_text(
    enc: *mut tacc_stream_encoder,
    text_ptr: *const c_char,
    len: usize,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    call(err_msg, || {
        let enc = unsafe { encoder(enc)? };
        let t = unsafe { text(text_ptr, len, "text")? };
        enc.push_text(t)?;
        Ok(())
    })
}

#[cfg(feature = "encode")]
/// Ends the current chunk: `*out_buf` receives it (the first one carries the stream header), to
/// send as one message and release with `tacc_buf_free`. Thread rule: one thread at a time.
#[no_mangle]
pub unsafe extern "C" fn tacc_stream_encoder_flush(
    enc: *mut tacc_stream_encoder,
    out_buf: *mut tacc_buf,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    call(err_msg, || {
        let enc = unsafe { encoder(enc)? };
        let out_buf = unsafe { out(out_buf, "out_buf")? };
        *out_buf = boundary::into_buf(enc.flush()?);
        Ok(())
    })
}

#[cfg(feature = "encode")]
/// Ends the stream: `*out_buf` receives the last chunk (pending tokens, end marker, CRC-32),
/// to release with `tacc_buf_free`. Later calls on the encoder fail with
/// TACC_ERR_INVALID_ARGUMENT; it must still be freed. Thread rule: one thread at a time.
#[no_mangle]
pub unsafe extern "C" fn tacc_stream_encoder_finish(
    enc: *mut tacc_stream_encoder,
    out_buf: *mut tacc_buf,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    call(err_msg, || {
        // Checked before taking the encoder, so a NULL out_buf leaves it usable.
        unsafe { encoder(enc)? };
        let out_buf = unsafe { out(out_buf, "out_buf")? };
        // SAFETY: checked non-NULL and live just above.
        let inner = unsafe { &mut *enc }.inner.take();
        let chunk = inner
            .ok_or_else(|| invalid("the stream encoder has already finished"))?
            .finish()?;
        *out_buf = boundary::into_buf(chunk);
        Ok(())
    })
}

#[cfg(feature = "encode")]
/// Releases an encoder (finished or not). NULL does nothing. Call it once.
#[no_mangle]
pub unsafe extern "C" fn tacc_stream_encoder_free(enc: *mut tacc_stream_encoder) {
    value((), || {
        if !enc.is_null() {
            // SAFETY: per the contract, enc came from tacc_stream_encoder_new and is freed once.
            drop(unsafe { Box::from_raw(enc) });
        }
    })
}

#[cfg(feature = "decode")]
/// Creates a stream decoder. `codec` may be NULL for streams made with a built-in tokenizer
/// (the stream header names it); a stream made with a custom tokenizer or priors needs the
/// codec that has them. The decoder works within the codec's limits (the defaults with NULL):
/// each chunk's output, token IDs × 4 plus text bytes, within max_output_bytes, the stream's
/// token count within max_tokens; past them a push fails with TACC_ERR_TOO_LARGE before the
/// memory is allocated. `*out_dec` receives a decoder to release with
/// `tacc_stream_decoder_free`. Thread rule: codec shareable.
#[no_mangle]
pub unsafe extern "C" fn tacc_stream_decoder_new(
    codec: *const tacc_codec,
    out_dec: *mut *mut tacc_stream_decoder,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    call(err_msg, || {
        // SAFETY: per the contract, a non-NULL codec came from tacc_codec_new and is not freed.
        let codec = unsafe { codec.as_ref() };
        let out_dec = unsafe { out(out_dec, "out_dec")? };
        let inner = match codec {
            Some(c) => c.codec.stream_decoder(),
            None => StreamDecoder::new(),
        };
        *out_dec = Box::into_raw(Box::new(tacc_stream_decoder { inner }));
        Ok(())
    })
}

#[cfg(feature = "decode")]
/// Decodes the next chunk (`len` bytes). On success `*out_ids` receives its token IDs (release
/// with `tacc_ids_free`), `*out_text` the newly complete UTF-8 text (release with
/// `tacc_buf_free`; bytes of a character split across chunks are held back until it completes)
/// and `*out_finished` whether the chunk ended the stream with a matching CRC-32.
/// TACC_ERR_CORRUPT for a reordered, duplicated, truncated or corrupt chunk,
/// TACC_ERR_CHECKSUM when the end marker's CRC-32 (or the chunk's own check, in streams made
/// with TACC_STREAM_CHUNK_CHECK) differs, TACC_ERR_TOO_LARGE past the decoder's limits; after
/// any error every later push fails. Thread rule: one thread at a time per decoder.
#[no_mangle]
pub unsafe extern "C" fn tacc_stream_decoder_push(
    dec: *mut tacc_stream_decoder,
    chunk: *const u8,
    len: usize,
    out_ids: *mut tacc_ids,
    out_text: *mut tacc_buf,
    out_finished: *mut bool,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    call(err_msg, || {
        // SAFETY: per the contract, a non-NULL dec came from tacc_stream_decoder_new, is not
        // yet freed, and only one thread uses it at a time.
        let dec = unsafe { dec.as_mut() }.ok_or_else(|| null_arg("dec"))?;
        let chunk = unsafe { slice(chunk, len, "chunk")? };
        let out_ids = unsafe { out(out_ids, "out_ids")? };
        let out_text = unsafe { out(out_text, "out_text")? };
        let out_finished = unsafe { out(out_finished, "out_finished")? };
        let u = dec.inner.push_chunk(chunk)?;
        *out_ids = boundary::into_ids(u.token_ids);
        *out_text = boundary::into_buf(u.text.into_bytes());
        *out_finished = u.finished;
        Ok(())
    })
}

#[cfg(feature = "decode")]
/// Whether the decoder has seen the end of its stream (false after a truncated stream).
/// NULL gives false. Thread rule: one thread at a time per decoder.
#[no_mangle]
pub unsafe extern "C" fn tacc_stream_decoder_finished(dec: *const tacc_stream_decoder) -> bool {
    value(false, || {
        // SAFETY: as in tacc_stream_decoder_push.
        unsafe { dec.as_ref() }.is_some_and(|d| d.inner.is_finished())
    })
}

#[cfg(feature = "decode")]
/// Releases a decoder. NULL does nothing. Call it once.
#[no_mangle]
pub unsafe extern "C" fn tacc_stream_decoder_free(dec: *mut tacc_stream_decoder) {
    value((), || {
        if !dec.is_null() {
            // SAFETY: per the contract, dec came from tacc_stream_decoder_new and is freed once.
            drop(unsafe { Box::from_raw(dec) });
        }
    })
}

#[cfg(all(test, feature = "encode", feature = "decode"))]
mod tests {
    use super::super::api::{tacc_buf_free, tacc_codec_free, tacc_codec_new, tacc_ids_free};
    use super::*;
    use std::ptr::{null, null_mut};

    unsafe fn new_codec() -> *mut tacc_codec {
        let mut c = null_mut();
        assert_eq!(
            unsafe { tacc_codec_new(c"cl100k_base".as_ptr(), &mut c, null_mut()) },
            tacc_status::TACC_OK
        );
        c
    }

    unsafe fn take_buf(b: &mut tacc_buf) -> Vec<u8> {
        let v = if b.len == 0 {
            Vec::new()
        } else {
            unsafe { std::slice::from_raw_parts(b.data, b.len) }.to_vec()
        };
        unsafe { tacc_buf_free(b) };
        v
    }

    #[test]
    fn round_trip_through_the_abi() {
        unsafe {
            let codec = new_codec();
            let mut enc = null_mut();
            assert_eq!(
                tacc_stream_encoder_new(codec, &mut enc, null_mut()),
                tacc_status::TACC_OK
            );
            // The encoder outlives the codec.
            tacc_codec_free(codec);
            let text = "Hello 😀 世界, streamed!";
            let mut chunks = Vec::new();
            for piece in ["Hello 😀", " 世界", ", streamed!"] {
                let st = tacc_stream_encoder_push_text(
                    enc,
                    piece.as_ptr().cast(),
                    piece.len(),
                    null_mut(),
                );
                assert_eq!(st, tacc_status::TACC_OK);
                let mut b = tacc_buf {
                    data: null_mut(),
                    len: 0,
                };
                assert_eq!(
                    tacc_stream_encoder_flush(enc, &mut b, null_mut()),
                    tacc_status::TACC_OK
                );
                chunks.push(take_buf(&mut b));
            }
            let ids = [13u32, 14];
            assert_eq!(
                tacc_stream_encoder_push(enc, ids.as_ptr(), 2, null_mut()),
                tacc_status::TACC_OK
            );
            let mut b = tacc_buf {
                data: null_mut(),
                len: 0,
            };
            assert_eq!(
                tacc_stream_encoder_finish(enc, &mut b, null_mut()),
                tacc_status::TACC_OK
            );
            chunks.push(take_buf(&mut b));
            // Finished: later calls fail, freeing still works.
            let mut b = tacc_buf {
                data: null_mut(),
                len: 0,
            };
            assert_eq!(
                tacc_stream_encoder_flush(enc, &mut b, null_mut()),
                tacc_status::TACC_ERR_INVALID_ARGUMENT
            );
            assert!(b.data.is_null());
            tacc_stream_encoder_free(enc);

            let mut dec = null_mut();
            assert_eq!(
                tacc_stream_decoder_new(null(), &mut dec, null_mut()),
                tacc_status::TACC_OK
            );
            let mut out_text = Vec::new();
            let mut n_ids = 0;
            for (i, c) in chunks.iter().enumerate() {
                let mut ids = tacc_ids {
                    data: null_mut(),
                    len: 0,
                };
                let mut t = tacc_buf {
                    data: null_mut(),
                    len: 0,
                };
                let mut fin = false;
                let st = tacc_stream_decoder_push(
                    dec,
                    c.as_ptr(),
                    c.len(),
                    &mut ids,
                    &mut t,
                    &mut fin,
                    null_mut(),
                );
                assert_eq!(st, tacc_status::TACC_OK);
                assert_eq!(fin, i + 1 == chunks.len());
                n_ids += ids.len;
                tacc_ids_free(&mut ids);
                out_text.extend(take_buf(&mut t));
            }
            assert!(n_ids > 0);
            assert!(tacc_stream_decoder_finished(dec));
            assert_eq!(String::from_utf8(out_text).unwrap(), format!("{text}./"));
            tacc_stream_decoder_free(dec);
        }
    }

    #[test]
    fn errors_and_nulls() {
        unsafe {
            let codec = new_codec();
            let mut enc = null_mut();
            assert_eq!(
                tacc_stream_encoder_new(null(), &mut enc, null_mut()),
                tacc_status::TACC_ERR_NULL_ARGUMENT
            );
            assert!(enc.is_null());
            assert_eq!(
                tacc_stream_encoder_new(codec, null_mut(), null_mut()),
                tacc_status::TACC_ERR_NULL_ARGUMENT
            );
            assert_eq!(
                tacc_stream_encoder_new(codec, &mut enc, null_mut()),
                tacc_status::TACC_OK
            );
            let bad = [u32::MAX];
            let mut msg = null_mut();
            assert_eq!(
                tacc_stream_encoder_push(enc, bad.as_ptr(), 1, &mut msg),
                tacc_status::TACC_ERR_UNKNOWN_TOKEN
            );
            assert!(!msg.is_null());
            super::super::api::tacc_str_free(msg);
            assert_eq!(
                tacc_stream_encoder_push(enc, null(), 1, null_mut()),
                tacc_status::TACC_ERR_NULL_ARGUMENT
            );
            assert_eq!(
                tacc_stream_encoder_push(enc, null(), 0, null_mut()),
                tacc_status::TACC_OK
            );
            assert_eq!(
                tacc_stream_encoder_finish(enc, null_mut(), null_mut()),
                tacc_status::TACC_ERR_NULL_ARGUMENT
            );
            let mut b = tacc_buf {
                data: null_mut(),
                len: 0,
            };
            let mut b2 = tacc_buf {
                data: null_mut(),
                len: 0,
            };
            assert_eq!(
                tacc_stream_encoder_flush(enc, &mut b, null_mut()),
                tacc_status::TACC_OK
            );
            assert_eq!(
                tacc_stream_encoder_finish(enc, &mut b2, null_mut()),
                tacc_status::TACC_OK
            );
            tacc_stream_encoder_free(enc);
            tacc_stream_encoder_free(null_mut());

            let mut dec = null_mut();
            assert_eq!(
                tacc_stream_decoder_new(codec, &mut dec, null_mut()),
                tacc_status::TACC_OK
            );
            let mut ids = tacc_ids {
                data: null_mut(),
                len: 0,
            };
            let mut t = tacc_buf {
                data: null_mut(),
                len: 0,
            };
            let mut fin = false;
            // The second chunk first: corrupt, and the decoder stays failed.
            let st = tacc_stream_decoder_push(
                dec,
                b2.data,
                b2.len,
                &mut ids,
                &mut t,
                &mut fin,
                null_mut(),
            );
            assert_eq!(st, tacc_status::TACC_ERR_CORRUPT);
            assert!(ids.data.is_null() && t.data.is_null() && !fin);
            let st = tacc_stream_decoder_push(
                dec,
                b.data,
                b.len,
                &mut ids,
                &mut t,
                &mut fin,
                null_mut(),
            );
            assert_ne!(st, tacc_status::TACC_OK);
            assert!(!tacc_stream_decoder_finished(dec));
            assert_eq!(
                tacc_stream_decoder_push(
                    null_mut(),
                    b.data,
                    b.len,
                    &mut ids,
                    &mut t,
                    &mut fin,
                    null_mut()
                ),
                tacc_status::TACC_ERR_NULL_ARGUMENT
            );
            tacc_stream_decoder_free(dec);
            tacc_stream_decoder_free(null_mut());
            assert!(!tacc_stream_decoder_finished(null()));
            tacc_buf_free(&mut b);
            tacc_buf_free(&mut b2);
            tacc_codec_free(codec);
        }
    }

    #[test]
    fn options_and_chunk_check_through_the_abi() {
        unsafe {
            let codec = new_codec();
            let mut opts = tacc_stream_options {
                struct_size: 0,
                flags: 0,
            };
            tacc_stream_options_init(&mut opts);
            tacc_stream_options_init(null_mut());
            assert_eq!(opts.struct_size, std::mem::size_of::<tacc_stream_options>());
            opts.flags = TACC_STREAM_CHUNK_CHECK;
            let mut enc = null_mut();
            assert_eq!(
                tacc_stream_encoder_new_with(codec, &opts, &mut enc, null_mut()),
                tacc_status::TACC_OK
            );
            let ids = [9906u32, 11, 1917];
            assert_eq!(
                tacc_stream_encoder_push(enc, ids.as_ptr(), ids.len(), null_mut()),
                tacc_status::TACC_OK
            );
            let mut b = tacc_buf {
                data: null_mut(),
                len: 0,
            };
            assert_eq!(
                tacc_stream_encoder_finish(enc, &mut b, null_mut()),
                tacc_status::TACC_OK
            );
            tacc_stream_encoder_free(enc);
            let chunk = take_buf(&mut b);
            assert_eq!(&chunk[..3], &[0xB8, 0x40, 0x14]);
            // Decodes; with a flipped bit in the body it is refused at once.
            for flip in [None, Some(chunk.len() - 1)] {
                let mut c = chunk.clone();
                if let Some(i) = flip {
                    c[i] ^= 0x10;
                }
                let mut dec = null_mut();
                assert_eq!(
                    tacc_stream_decoder_new(codec, &mut dec, null_mut()),
                    tacc_status::TACC_OK
                );
                let mut out_ids = tacc_ids {
                    data: null_mut(),
                    len: 0,
                };
                let mut t = tacc_buf {
                    data: null_mut(),
                    len: 0,
                };
                let mut fin = false;
                let st = tacc_stream_decoder_push(
                    dec,
                    c.as_ptr(),
                    c.len(),
                    &mut out_ids,
                    &mut t,
                    &mut fin,
                    null_mut(),
                );
                if flip.is_none() {
                    assert_eq!(st, tacc_status::TACC_OK);
                    assert!(fin);
                    assert_eq!(String::from_utf8(take_buf(&mut t)).unwrap(), "Hello, world");
                    tacc_ids_free(&mut out_ids);
                } else {
                    assert_ne!(st, tacc_status::TACC_OK);
                }
                tacc_stream_decoder_free(dec);
            }
            // NULL options: the defaults (the 2-byte header).
            assert_eq!(
                tacc_stream_encoder_new_with(codec, null(), &mut enc, null_mut()),
                tacc_status::TACC_OK
            );
            assert_eq!(
                tacc_stream_encoder_finish(enc, &mut b, null_mut()),
                tacc_status::TACC_OK
            );
            assert_eq!(&take_buf(&mut b)[..2], &[0xB8, 0x48]);
            tacc_stream_encoder_free(enc);
            // Unknown flags and a short struct_size are refused.
            let mut enc = null_mut();
            opts.flags = 2;
            assert_eq!(
                tacc_stream_encoder_new_with(codec, &opts, &mut enc, null_mut()),
                tacc_status::TACC_ERR_INVALID_ARGUMENT
            );
            opts.flags = 0;
            opts.struct_size = 4;
            assert_eq!(
                tacc_stream_encoder_new_with(codec, &opts, &mut enc, null_mut()),
                tacc_status::TACC_ERR_INVALID_ARGUMENT
            );
            assert!(enc.is_null());
            tacc_codec_free(codec);
        }
    }
}
