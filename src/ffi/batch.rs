//! Batch calls: many items compressed or restored in one call, on several threads
//! (`Codec::compress_batch` / `Codec::decompress_batch`). Each item has its own status, output
//! and message, in input order; one bad item fails alone.
#![cfg_attr(
    not(all(feature = "encode", feature = "decode")),
    allow(dead_code, unused_imports)
)]

use std::ffi::{c_char, c_void};

use super::boundary::{self, call, invalid, slice, text, Failure, FfiResult};
use super::entry::{codec_ref, read_options};
use super::{tacc_codec, tacc_options, tacc_status};
use crate::codec::{Content, Input};
use crate::format::ContentKind;

/// One input of a batch call: `len` bytes of UTF-8 text or bytes, or `len` token IDs
/// (`const uint32_t *`), at `data` (NULL only with `len` 0). A fixed layout: it never grows.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct tacc_item {
    /// The item's first byte or token ID.
    pub data: *const c_void,
    /// Its length: bytes for text and bytes, a count for token IDs.
    pub len: usize,
}

/// One output of a batch call, written for every item. On success `status` is TACC_OK and
/// `data`/`len` are the output as the one-item call gives it (`tacc_encode`: bytes;
/// `tacc_decode`: text or bytes, or `len` token IDs), released with `tacc_free(data)`;
/// `err_msg` is NULL. On failure `data` is NULL, `len` 0, and `err_msg` (freed with `tacc_free`)
/// says why. A fixed layout: it never grows.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct tacc_item_result {
    /// This item's status.
    pub status: tacc_status,
    /// Its output (library-allocated), or NULL.
    pub data: *mut c_void,
    /// The output's length (bytes, or token IDs).
    pub len: usize,
    /// Why it failed (library-allocated, NUL-terminated), or NULL.
    pub err_msg: *mut c_char,
}

/// The threads argument: 0 means one per core.
fn threads_of(threads: u32) -> usize {
    threads as usize
}

/// The content kind argument.
fn kind_of(kind: u32) -> FfiResult<ContentKind> {
    ContentKind::from_id(kind).map_err(|_| {
        invalid(format!(
            "unknown content kind {kind} (see tacc_content_kind)"
        ))
    })
}

/// The items as borrowed inputs; a bad item (NULL with a length, text that is not UTF-8) is a
/// failure of that item only.
unsafe fn inputs<'a>(items: &[tacc_item], kind: ContentKind) -> Vec<FfiResult<Input<'a>>> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let name = format!("items[{i}]");
            Ok(match kind {
                ContentKind::Text => {
                    Input::Text(unsafe { text(item.data.cast(), item.len, &name)? })
                }
                ContentKind::TokenIds => {
                    Input::TokenIds(unsafe { slice(item.data.cast(), item.len, &name)? })
                }
                ContentKind::Bytes => {
                    Input::Bytes(unsafe { slice(item.data.cast(), item.len, &name)? })
                }
            })
        })
        .collect()
}

/// Writes every result and returns the call's status: TACC_OK when every item succeeded, else
/// the first failed item's status with `err_msg` naming its index.
fn finish(
    outcomes: Vec<FfiResult<(*mut c_void, usize)>>,
    results: &mut [tacc_item_result],
) -> FfiResult {
    let mut first: Option<(usize, Failure)> = None;
    for (i, (outcome, slot)) in outcomes.into_iter().zip(results.iter_mut()).enumerate() {
        *slot = match outcome {
            Ok((data, len)) => tacc_item_result {
                status: tacc_status::TACC_OK,
                data,
                len,
                err_msg: std::ptr::null_mut(),
            },
            Err(f) => {
                let r = tacc_item_result {
                    status: f.status,
                    data: std::ptr::null_mut(),
                    len: 0,
                    err_msg: boundary::alloc_str(&f.message),
                };
                first.get_or_insert((i, f));
                r
            }
        };
    }
    match first {
        None => Ok(()),
        Some((i, f)) => Err(Failure {
            status: f.status,
            message: format!(
                "item {i} (and maybe others: see each result): {}",
                f.message
            ),
        }),
    }
}

/// The items and results arrays of a batch call (NULL only with `count` 0).
unsafe fn arrays<'a>(
    items: *const tacc_item,
    results: *mut tacc_item_result,
    count: usize,
) -> FfiResult<(&'a [tacc_item], &'a mut [tacc_item_result])> {
    let items = unsafe { slice(items, count, "items")? };
    let results = if count == 0 {
        &mut []
    } else {
        if results.is_null() {
            return Err(boundary::null_arg("results"));
        }
        if (results as usize) % std::mem::align_of::<tacc_item_result>() != 0 {
            return Err(invalid("results is not aligned"));
        }
        // SAFETY: non-NULL, aligned; the caller provides `count` writable results.
        unsafe { std::slice::from_raw_parts_mut(results, count) }
    };
    Ok((items, results))
}

#[cfg(feature = "encode")]
/// Compresses `count` items of one `kind` (a `tacc_content_kind`) as `tacc_encode` would each,
/// on `threads` threads (0: one per core), and writes `results[i]` for every item `i`. The
/// bytes are the same at any thread count.
///
/// Returns TACC_OK when every item succeeded. When some failed, returns the first failed item's
/// status (and `*err_msg` names its index); the other items' outputs are still in `results`, to
/// be freed. An argument error (NULL codec, unknown kind, bad options) fails the whole call
/// before any work, and `results` is not written.
/// Thread rule: codec shareable.
#[no_mangle]
pub unsafe extern "C" fn tacc_encode_batch(
    codec: *const tacc_codec,
    kind: u32,
    items: *const tacc_item,
    count: usize,
    opts: *const tacc_options,
    threads: u32,
    results: *mut tacc_item_result,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    call(err_msg, || {
        let codec = unsafe { codec_ref(codec)? };
        let kind = kind_of(kind)?;
        let opts = unsafe { read_options(opts)? };
        let (items, results) = unsafe { arrays(items, results, count)? };
        let inputs = unsafe { inputs(items, kind) };
        let outcomes = crate::batch::map_ordered(&inputs, threads_of(threads), |input| {
            Ok(match input {
                Ok(input) => codec.compress(*input, &opts).map_err(Failure::from),
                Err(f) => Err(Failure {
                    status: f.status,
                    message: f.message.clone(),
                }),
            })
        });
        let outcomes = outcomes
            .into_iter()
            .map(|r| {
                let bytes = r.map_err(Failure::from)??;
                let len = bytes.len();
                Ok((boundary::alloc_bytes(bytes).cast::<c_void>(), len))
            })
            .collect();
        finish(outcomes, results)
    })
}

#[cfg(feature = "decode")]
/// Restores `count` items as `tacc_decode` would each (content `kind`, `opts` NULL for frames),
/// on `threads` threads (0: one per core), and writes `results[i]` for every item `i`: text or
/// bytes (`len` bytes) or token IDs (`len` IDs). Each item within the codec's limits.
///
/// Returns TACC_OK when every item restored; else the first failed item's status (`*err_msg`
/// names its index) with every result written. An argument error fails the whole call before
/// any work, and `results` is not written. `codec` must not be NULL.
/// Thread rule: codec shareable.
#[no_mangle]
pub unsafe extern "C" fn tacc_decode_batch(
    codec: *const tacc_codec,
    items: *const tacc_item,
    count: usize,
    kind: u32,
    opts: *const tacc_options,
    threads: u32,
    results: *mut tacc_item_result,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    call(err_msg, || {
        let codec = unsafe { codec_ref(codec)? };
        let kind = kind_of(kind)?;
        let opts = unsafe { read_options(opts)? };
        let (items, results) = unsafe { arrays(items, results, count)? };
        let data: Vec<FfiResult<&[u8]>> = items
            .iter()
            .enumerate()
            .map(|(i, item)| unsafe {
                slice(item.data.cast::<u8>(), item.len, &format!("items[{i}]"))
            })
            .collect();
        let outcomes = crate::batch::map_ordered(&data, threads_of(threads), |d| {
            Ok(match d {
                Ok(d) => codec.decompress_as(d, kind, &opts).map_err(Failure::from),
                Err(f) => Err(Failure {
                    status: f.status,
                    message: f.message.clone(),
                }),
            })
        });
        let outcomes = outcomes
            .into_iter()
            .map(|r| {
                let (len, data): (usize, *mut c_void) = match r.map_err(Failure::from)?? {
                    Content::Text(t) => (t.len(), boundary::alloc_bytes(t.into_bytes()).cast()),
                    Content::Bytes(b) => (b.len(), boundary::alloc_bytes(b).cast()),
                    Content::TokenIds(ids) => (ids.len(), boundary::alloc_ids(ids).cast()),
                };
                Ok((data, len))
            })
            .collect();
        finish(outcomes, results)
    })
}
