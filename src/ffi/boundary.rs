//! The boundary every `extern "C"` body goes through: panics are caught here, errors become a
//! status plus an optional message, and raw pointers become slices after their checks.

use std::ffi::{c_char, CStr, CString};
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
/// library-allocated string, freed with `tacc_str_free`) only on failure, and only if non-NULL.
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
            let msg = CString::new(failure.message.replace('\0', "\\0")).unwrap_or_default();
            // SAFETY: err_msg is non-NULL and, per the API contract, points to a writable char*.
            unsafe { *err_msg = msg.into_raw() };
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

/// Hands a byte vector to C.
pub(crate) fn into_buf(v: Vec<u8>) -> tacc_buf {
    if v.is_empty() {
        return tacc_buf {
            data: std::ptr::null_mut(),
            len: 0,
        };
    }
    let b = v.into_boxed_slice();
    let len = b.len();
    tacc_buf {
        data: Box::into_raw(b).cast::<u8>(),
        len,
    }
}

/// Hands a token-ID vector to C.
pub(crate) fn into_ids(v: Vec<u32>) -> tacc_ids {
    if v.is_empty() {
        return tacc_ids {
            data: std::ptr::null_mut(),
            len: 0,
        };
    }
    let b = v.into_boxed_slice();
    let len = b.len();
    tacc_ids {
        data: Box::into_raw(b).cast::<u32>(),
        len,
    }
}

/// Releases what [`into_buf`] made.
pub(crate) unsafe fn free_buf(buf: &mut tacc_buf) {
    if !buf.data.is_null() {
        // SAFETY: data/len came from into_buf (the API contract: unchanged, freed once).
        drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(buf.data, buf.len)) });
    }
    buf.data = std::ptr::null_mut();
    buf.len = 0;
}

/// Releases what [`into_ids`] made.
pub(crate) unsafe fn free_ids(ids: &mut tacc_ids) {
    if !ids.data.is_null() {
        // SAFETY: data/len came from into_ids (the API contract: unchanged, freed once).
        drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ids.data, ids.len)) });
    }
    ids.data = std::ptr::null_mut();
    ids.len = 0;
}
