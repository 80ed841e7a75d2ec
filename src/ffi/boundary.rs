//! The boundary every `extern "C"` body goes through: panics are caught here, errors become a
//! status plus an optional message, and raw pointers become slices after their checks.

use std::ffi::{c_char, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::{tacc_buf, tacc_ids, tacc_status};
use crate::error::Error;
use crate::quiet_panic::catch_quietly;

/// A failed call: its status and the message for `err_msg`.
#[derive(Debug)]
pub(crate) struct Failure {
    pub status: tacc_status,
    pub message: String,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure {
            status: tacc_status::from(&e),
            message: e.to_string(),
        }
    }
}

pub(crate) type FfiResult<T = ()> = Result<T, Failure>;

pub(crate) fn null_arg(name: &str) -> Failure {
    Failure {
        status: tacc_status::TACC_ERR_NULL_ARGUMENT,
        message: format!("{name} is NULL"),
    }
}

pub(crate) fn invalid(message: impl Into<String>) -> Failure {
    Failure {
        status: tacc_status::TACC_ERR_INVALID_ARGUMENT,
        message: message.into(),
    }
}

/// Runs a fallible body: catches panics, maps failures to a status and writes `*err_msg` (a
/// library-allocated string, freed with `tacc_free` or `tacc_str_free`) only on failure, and only if non-NULL.
pub(crate) fn call(err_msg: *mut *mut c_char, body: impl FnOnce() -> FfiResult) -> tacc_status {
    let failure = match catch_quietly(body) {
        Ok(Ok(())) => return tacc_status::TACC_OK,
        Ok(Err(f)) => f,
        Err(message) => Failure {
            status: tacc_status::TACC_ERR_PANIC,
            message,
        },
    };
    if !err_msg.is_null() {
        // Writing the message can only fail on OOM, which aborts anyway; guard it all the same.
        let _ = catch_unwind(AssertUnwindSafe(|| {
            let msg = alloc_str(&failure.message);
            // SAFETY: err_msg is non-NULL and, per the API contract, points to a writable char*.
            unsafe { *err_msg = msg };
        }));
    }
    failure.status
}

/// Runs an infallible body (getters, free functions): a panic yields `fallback`.
pub(crate) fn value<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_quietly(body).unwrap_or(fallback)
}

/// A borrowed input slice. NULL is accepted only with length 0; lengths whose byte size cannot
/// be a Rust allocation, and misaligned pointers, are refused rather than trusted.
pub(crate) unsafe fn slice<'a, T>(ptr: *const T, len: usize, name: &str) -> FfiResult<&'a [T]> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(null_arg(name));
    }
    if len
        .checked_mul(std::mem::size_of::<T>())
        .is_none_or(|n| n > isize::MAX as usize)
    {
        return Err(invalid(format!(
            "{name}: length {len} is larger than any buffer can be"
        )));
    }
    if (ptr as usize) % std::mem::align_of::<T>() != 0 {
        return Err(invalid(format!(
            "{name} is not aligned to {} bytes",
            std::mem::align_of::<T>()
        )));
    }
    // SAFETY: non-NULL, aligned, size checked; the caller promises `len` valid elements.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// A borrowed UTF-8 text argument given as pointer + byte length.
pub(crate) unsafe fn text<'a>(ptr: *const c_char, len: usize, name: &str) -> FfiResult<&'a str> {
    let bytes = unsafe { slice(ptr.cast::<u8>(), len, name)? };
    std::str::from_utf8(bytes).map_err(|e| Failure {
        status: tacc_status::TACC_ERR_INVALID_UTF8,
        message: format!("{name} is not valid UTF-8: {e}"),
    })
}

/// A borrowed NUL-terminated UTF-8 string argument.
pub(crate) unsafe fn cstr<'a>(ptr: *const c_char, name: &str) -> FfiResult<&'a str> {
    if ptr.is_null() {
        return Err(null_arg(name));
    }
    // SAFETY: non-NULL; the caller promises a NUL-terminated string.
    let s = unsafe { CStr::from_ptr(ptr) };
    s.to_str().map_err(|e| Failure {
        status: tacc_status::TACC_ERR_INVALID_UTF8,
        message: format!("{name} is not valid UTF-8: {e}"),
    })
}

/// A required out-parameter.
pub(crate) unsafe fn out<'a, T>(ptr: *mut T, name: &str) -> FfiResult<&'a mut T> {
    // SAFETY: the caller promises a valid, writable, aligned pointer when non-NULL.
    unsafe { ptr.as_mut() }.ok_or_else(|| null_arg(name))
}

// ---- The one allocator of what crosses the boundary ---------------------------------------------
//
// Every buffer the library hands to C (tacc_encode/tacc_decode outputs, tacc_buf.data,
// tacc_ids.data, err_msg strings) is the Rust vector that made it, handed over without a copy
// (a decode's output is never held twice) and recorded in a table of live buffers by its address:
// one pointer is then enough to free it (`tacc_free`), whatever it holds, and the typed frees are
// the same release. A pointer the table does not hold (not returned by the library, or already
// freed) is caught there instead of being handed to the allocator.

/// A buffer handed to C, kept here (only to be dropped) until it is freed.
#[allow(dead_code)] // the vectors are held for their allocations, never read
enum Owned {
    Bytes(Vec<u8>),
    Ids(Vec<u32>),
}

fn live() -> std::sync::MutexGuard<'static, std::collections::HashMap<usize, Owned>> {
    static LIVE: std::sync::OnceLock<std::sync::Mutex<std::collections::HashMap<usize, Owned>>> =
        std::sync::OnceLock::new();
    // A panic while the lock was held cannot leave the map half-updated (insert/remove are
    // single calls): keep using it.
    LIVE.get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

/// Frees what the `alloc_*` functions returned. NULL does nothing. A pointer the library did not
/// return (or one already freed) aborts, as C allocators do on an invalid free.
pub(crate) unsafe fn release(data: *mut u8) {
    if data.is_null() {
        return;
    }
    let owned = live().remove(&(data as usize));
    match owned {
        Some(owned) => drop(owned),
        None => std::process::abort(),
    }
}

/// Bytes for C (NULL when empty), freed by `tacc_free`.
pub(crate) fn alloc_bytes(mut bytes: Vec<u8>) -> *mut u8 {
    if bytes.is_empty() {
        return std::ptr::null_mut();
    }
    let ptr = bytes.as_mut_ptr();
    live().insert(ptr as usize, Owned::Bytes(bytes));
    ptr
}

/// Token IDs for C (NULL when empty), freed by `tacc_free`.
pub(crate) fn alloc_ids(mut ids: Vec<u32>) -> *mut u32 {
    if ids.is_empty() {
        return std::ptr::null_mut();
    }
    let ptr = ids.as_mut_ptr();
    live().insert(ptr as usize, Owned::Ids(ids));
    ptr
}

/// A NUL-terminated string for C (never NULL), freed by `tacc_free`. Inner NULs are escaped.
pub(crate) fn alloc_str(s: &str) -> *mut c_char {
    let mut bytes = s.replace('\0', "\\0").into_bytes();
    bytes.push(0);
    alloc_bytes(bytes).cast::<c_char>()
}

/// Hands a byte vector to C.
pub(crate) fn into_buf(v: Vec<u8>) -> tacc_buf {
    let len = v.len();
    tacc_buf {
        data: alloc_bytes(v),
        len,
    }
}

/// Hands a token-ID vector to C.
pub(crate) fn into_ids(v: Vec<u32>) -> tacc_ids {
    let len = v.len();
    tacc_ids {
        data: alloc_ids(v),
        len,
    }
}

/// Releases what [`into_buf`] made and sets it to {NULL, 0}.
pub(crate) unsafe fn free_buf(buf: &mut tacc_buf) {
    // SAFETY: data came from into_buf (the API contract: unchanged, freed once).
    unsafe { release(buf.data) };
    buf.data = std::ptr::null_mut();
    buf.len = 0;
}

/// Releases what [`into_ids`] made and sets it to {NULL, 0}.
pub(crate) unsafe fn free_ids(ids: &mut tacc_ids) {
    // SAFETY: data came from into_ids (the API contract: unchanged, freed once).
    unsafe { release(ids.data.cast::<u8>()) };
    ids.data = std::ptr::null_mut();
    ids.len = 0;
}

// ---- Extensible structs: one reader and one writer ----------------------------------------------

/// A struct of the C ABI that starts with `size_t struct_size` and gains fields only at its end
/// in minor versions (docs/ABI.md, "Extensible structs"). Its 0.1 size is frozen: it is the
/// smallest `struct_size` accepted, forever.
pub(crate) trait Extensible: Copy {
    /// The C name, for messages.
    const NAME: &'static str;
    /// `sizeof` of the struct in 0.1 (a literal, frozen; never `size_of` of today's struct).
    const SIZE_0_1: usize;
    /// Every field at its default, `struct_size` = today's size.
    fn defaults() -> Self;
}

/// The caller's `struct_size`, checked against the 0.1 size. Only that word is read first: the
/// caller's struct may be smaller than ours (an older header).
unsafe fn caller_size<T: Extensible>(p: *const T) -> FfiResult<usize> {
    // SAFETY: non-NULL (callers check); every version of the struct starts with struct_size.
    let size = unsafe { std::ptr::read_unaligned(p.cast::<usize>()) };
    if size < T::SIZE_0_1 {
        let name = T::NAME;
        return Err(invalid(format!(
            "{name}.struct_size is {size}, smaller than {} (its size in 0.1): call {name}_init \
             or set struct_size = sizeof({name})",
            T::SIZE_0_1
        )));
    }
    Ok(size)
}

/// Reads a caller's struct: the first min(struct_size, ours) bytes; fields past the caller's
/// size (an older header) keep their defaults, bytes past ours (a newer header) are not read.
/// NULL gives the defaults.
pub(crate) unsafe fn read_sized<T: Extensible>(p: *const T) -> FfiResult<T> {
    let mut v = T::defaults();
    if p.is_null() {
        return Ok(v);
    }
    let n = unsafe { caller_size(p)? }.min(std::mem::size_of::<T>());
    // SAFETY: the caller promises struct_size readable bytes at p; n <= both sizes.
    unsafe { std::ptr::copy_nonoverlapping(p.cast::<u8>(), (&mut v as *mut T).cast::<u8>(), n) };
    Ok(v)
}

/// Checks an out-struct before any work is done (NULL, `struct_size` below the 0.1 size); returns
/// the caller's `struct_size`. [`write_sized`] checks again, so calling this first is optional.
pub(crate) unsafe fn check_sized<T: Extensible>(p: *mut T, name: &str) -> FfiResult<usize> {
    if p.is_null() {
        return Err(null_arg(name));
    }
    unsafe { caller_size(p.cast_const()) }
}

/// Writes `value` into a caller's struct: only the first min(struct_size, ours) bytes (the fields
/// that fit), keeping the caller's struct_size; nothing past the caller's size is touched.
/// `name` is the parameter, for the NULL message.
pub(crate) unsafe fn write_sized<T: Extensible>(p: *mut T, value: T, name: &str) -> FfiResult {
    let size = unsafe { check_sized(p, name)? };
    let n = size.min(std::mem::size_of::<T>());
    let mut v = value;
    // SAFETY: struct_size is the first field of every Extensible struct (repr(C)).
    unsafe { std::ptr::write_unaligned((&mut v as *mut T).cast::<usize>(), size) };
    // SAFETY: the caller promises struct_size writable bytes at p; n <= both sizes.
    unsafe { std::ptr::copy_nonoverlapping((&v as *const T).cast::<u8>(), p.cast::<u8>(), n) };
    Ok(())
}
