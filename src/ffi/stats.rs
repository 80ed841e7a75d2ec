//! `tacc_stats`: every frame method measured on one text (the Rust API's `Codec::stats`).

use std::ffi::c_char;

use super::boundary::{
    call, check_sized, invalid, null_arg, out, read_sized, text, value, write_sized, Extensible,
};
use super::entry::{codec_ref, options_from};
use super::{size_0_1, tacc_codec, tacc_layout, tacc_options, tacc_status, TACC_METHOD_AUTO};
use crate::format::Method;

/// Sizes and timings of every frame method on one text.
///
/// Thread rule: immutable after creation, share it freely. Release it with `tacc_stats_free`.
pub struct tacc_stats {
    inner: crate::stats::Stats,
}

/// One method's result (`tacc_stats_method`). An extensible struct: set `struct_size` (at least
/// its 0.1 size: 72 bytes on 64-bit targets) before the call; the library writes only the fields
/// that fit, so fields can be appended in later minor versions.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct tacc_method_stats {
    /// `sizeof(tacc_method_stats)` of the caller's header.
    pub struct_size: usize,
    /// The `tacc_method` measured.
    pub method: u32,
    /// Size of the frame in bytes.
    pub compressed_bytes: u64,
    /// original / compressed (higher is better); 0 for empty input.
    pub ratio: f64,
    /// compressed / original.
    pub size_fraction: f64,
    /// (1 - size_fraction) * 100.
    pub space_saved_percent: f64,
    /// original - compressed (negative when the frame is larger).
    pub bytes_saved: i64,
    /// Wall time of one compress call, seconds.
    pub encode_seconds: f64,
    /// Wall time of one decompress call, seconds.
    pub decode_seconds: f64,
}

/// `sizeof(tacc_method_stats)` in 0.1 (64-bit targets), frozen: the smallest `struct_size` accepted.
const TACC_METHOD_STATS_SIZE_0_1: usize = size_0_1!(72, tacc_method_stats);
const _: () = assert!(std::mem::size_of::<tacc_method_stats>() >= TACC_METHOD_STATS_SIZE_0_1);

impl Extensible for tacc_method_stats {
    const NAME: &'static str = "tacc_method_stats";
    const SIZE_0_1: usize = TACC_METHOD_STATS_SIZE_0_1;
    fn defaults() -> tacc_method_stats {
        tacc_method_stats {
            struct_size: std::mem::size_of::<tacc_method_stats>(),
            method: 0,
            compressed_bytes: 0,
            ratio: 0.0,
            size_fraction: 0.0,
            space_saved_percent: 0.0,
            bytes_saved: 0,
            encode_seconds: 0.0,
            decode_seconds: 0.0,
        }
    }
}

/// Compresses `text` with every frame method (levels and checksum from `opts`, NULL: defaults;
/// its method and layout are ignored), checks each restores the text, and times each (the median of several runs: the core's `Codec::stats`).
/// `*out_stats` receives an object to release with `tacc_stats_free`.
/// Thread rule: codec shareable.
#[no_mangle]
pub unsafe extern "C" fn tacc_codec_stats(
    codec: *const tacc_codec,
    text_ptr: *const c_char,
    len: usize,
    opts: *const tacc_options,
    out_stats: *mut *mut tacc_stats,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    call(err_msg, || {
        let codec = unsafe { codec_ref(codec)? };
        let t = unsafe { text(text_ptr, len, "text")? };
        // The one options reader; the method and layout are not this call's to choose.
        let options = options_from(&tacc_options {
            method: TACC_METHOD_AUTO,
            layout: tacc_layout::TACC_LAYOUT_FRAME as u32,
            ..unsafe { read_sized(opts)? }
        })?;
        let out_stats = unsafe { out(out_stats, "out_stats")? };
        let inner = codec.stats(t, &options)?;
        *out_stats = Box::into_raw(Box::new(tacc_stats { inner }));
        Ok(())
    })
}

/// Releases a stats object. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn tacc_stats_free(stats: *mut tacc_stats) {
    value((), || {
        if !stats.is_null() {
            // SAFETY: per the contract, stats came from tacc_codec_stats and is freed once.
            drop(unsafe { Box::from_raw(stats) });
        }
    })
}

unsafe fn stats_ref<'a>(stats: *const tacc_stats) -> Option<&'a crate::stats::Stats> {
    // SAFETY: per the contract, a non-NULL stats came from tacc_codec_stats and is alive.
    unsafe { stats.as_ref() }.map(|s| &s.inner)
}

/// Size of the text in UTF-8 bytes; 0 if `stats` is NULL.
#[no_mangle]
pub unsafe extern "C" fn tacc_stats_original_bytes(stats: *const tacc_stats) -> u64 {
    value(0, || {
        unsafe { stats_ref(stats) }.map_or(0, |s| s.original_bytes)
    })
}

/// Number of tokens in the text; 0 if `stats` is NULL.
#[no_mangle]
pub unsafe extern "C" fn tacc_stats_original_tokens(stats: *const tacc_stats) -> u64 {
    value(0, || {
        unsafe { stats_ref(stats) }.map_or(0, |s| s.original_tokens)
    })
}

/// Number of methods measured; 0 if `stats` is NULL.
#[no_mangle]
pub unsafe extern "C" fn tacc_stats_method_count(stats: *const tacc_stats) -> usize {
    value(0, || {
        unsafe { stats_ref(stats) }.map_or(0, |s| s.methods.len())
    })
}

/// The result of method number `index` (0 <= index < tacc_stats_method_count).
/// TACC_ERR_INVALID_ARGUMENT for an index out of range or a too small `struct_size`.
#[no_mangle]
pub unsafe extern "C" fn tacc_stats_method(
    stats: *const tacc_stats,
    index: usize,
    out_method: *mut tacc_method_stats,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    call(err_msg, || {
        let s = unsafe { stats_ref(stats) }.ok_or_else(|| null_arg("stats"))?;
        unsafe { check_sized(out_method, "out_method")? };
        let m = s.methods.get(index).ok_or_else(|| {
            invalid(format!(
                "index {index} is out of range (count {})",
                s.methods.len()
            ))
        })?;
        let method = Method::from_name(&m.name)? as u32;
        let value = tacc_method_stats {
            method,
            compressed_bytes: m.compressed_bytes,
            ratio: m.ratio,
            size_fraction: m.size_fraction,
            space_saved_percent: m.space_saved_percent,
            bytes_saved: m.bytes_saved,
            encode_seconds: m.encode_seconds,
            decode_seconds: m.decode_seconds,
            ..tacc_method_stats::defaults()
        };
        unsafe { write_sized(out_method, value, "out_method")? };
        Ok(())
    })
}
