//! The design card's one-call entry points (`tacc_encode`, `tacc_decode`, `tacc_free`) and
//! what every compress/decompress call shares: the options reader and the one way into the
//! core (`Codec::compress`, `Codec::decompress_as`). The typed calls in `api.rs` are thin forms
//! of these.
#![cfg_attr(
    not(all(feature = "encode", feature = "decode")),
    allow(dead_code, unused_imports)
)]

use std::ffi::{c_char, c_void};
use std::sync::OnceLock;

use super::boundary::{
    self, call, invalid, null_arg, out as required, read_sized, slice, text, value, FfiResult,
};
use super::{tacc_codec, tacc_options, tacc_status, TACC_FLAG_NO_CHECKSUM, TACC_METHOD_AUTO};
use crate::codec::{Codec, Content, Input, Layout, Options};
use crate::format::{ContentKind, Method};

// ---- Options ----------------------------------------------------------------------------------

/// A `tacc_options.method` value: a method, or None for TACC_METHOD_AUTO.
pub(crate) fn method_of(v: u32) -> FfiResult<Option<Method>> {
    if v == TACC_METHOD_AUTO {
        return Ok(None);
    }
    u8::try_from(v)
        .ok()
        .and_then(|b| Method::from_id(b).ok())
        .map(Some)
        .ok_or_else(|| invalid(format!("unknown method {v} (see tacc_method)")))
}

/// The core's options from a C struct (already read with `read_sized`). A zero level means the
/// core's default, as 0.1 documented.
pub(crate) fn options_from(o: &tacc_options) -> FfiResult<Options> {
    if o.flags & !TACC_FLAG_NO_CHECKSUM != 0 {
        return Err(invalid(format!(
            "unknown bits in tacc_options.flags: {:#x}",
            o.flags
        )));
    }
    let d = Options::default();
    let or_default = |v: i32, d: i32| if v == 0 { d } else { v };
    Ok(d.with_method(method_of(o.method)?)
        .with_layout(Layout::from_id(o.layout)?)
        .with_zstd_level(or_default(o.zstd_level, d.zstd_level))
        .with_gzip_level(or_default(o.gzip_level, d.gzip_level))
        .with_checksum(o.flags & TACC_FLAG_NO_CHECKSUM == 0))
}

/// The one reader of a caller's `tacc_options` (NULL: the defaults), used by every call that
/// takes one.
pub(crate) unsafe fn read_options(p: *const tacc_options) -> FfiResult<Options> {
    options_from(&unsafe { read_sized(p)? })
}

// ---- The one way into the core ----------------------------------------------------------------

/// A codec argument: NULL is refused.
pub(crate) unsafe fn codec_ref<'a>(codec: *const tacc_codec) -> FfiResult<&'a Codec> {
    // SAFETY: per the contract, a non-NULL codec came from tacc_codec_new and is not yet freed.
    unsafe { codec.as_ref() }
        .map(|c| &c.codec)
        .ok_or_else(|| null_arg("codec"))
}

/// The codec a decode call uses when given NULL: one over the first built-in tokenizer of this
/// build, with the default limits. It decodes every frame made with a built-in tokenizer (the
/// frame names it; the core switches to that one), as `tacc::decompress` does.
fn builtin_codec() -> FfiResult<&'static Codec> {
    static CODEC: OnceLock<Option<Codec>> = OnceLock::new();
    CODEC
        .get_or_init(|| {
            crate::tokenizer::Builtin::ALL
                .into_iter()
                .find(|b| b.is_enabled())
                .and_then(|b| Codec::from_builtin(b).ok())
        })
        .as_ref()
        .ok_or_else(|| invalid("this build has no built-in tokenizer: pass a codec"))
}

/// A decode call's codec: the caller's, or (NULL, frame layout) [`builtin_codec`].
unsafe fn decode_codec<'a>(codec: *const tacc_codec, opts: &Options) -> FfiResult<&'a Codec> {
    // SAFETY: per the contract, a non-NULL codec came from tacc_codec_new and is not yet freed.
    match unsafe { codec.as_ref() } {
        Some(c) => Ok(&c.codec),
        None if opts.layout == Layout::Raw => Err(null_arg(
            "codec (the raw layout needs the tokenizer that made the payload)",
        )),
        None => builtin_codec(),
    }
}

#[cfg(feature = "encode")]
/// Every compress call: checks the pointers, then `Codec::compress`.
pub(crate) unsafe fn compress(
    codec: *const tacc_codec,
    input: Input<'_>,
    opts: *const tacc_options,
) -> FfiResult<Vec<u8>> {
    let codec = unsafe { codec_ref(codec)? };
    let opts = unsafe { read_options(opts)? };
    Ok(codec.compress(input, &opts)?)
}

#[cfg(feature = "decode")]
/// Every decompress call: `Codec::decompress_as` with the caller's codec or (NULL) the built-in
/// one.
pub(crate) unsafe fn decompress(
    codec: *const tacc_codec,
    data: &[u8],
    kind: ContentKind,
    opts: *const tacc_options,
) -> FfiResult<Content> {
    let opts = unsafe { read_options(opts)? };
    let codec = unsafe { decode_codec(codec, &opts)? };
    Ok(codec.decompress_as(data, kind, &opts)?)
}

/// A `tacc_content_kind` argument.
fn kind_of(kind: u32) -> FfiResult<ContentKind> {
    ContentKind::from_id(kind).map_err(|_| {
        invalid(format!(
            "unknown content kind {kind} (see tacc_content_kind)"
        ))
    })
}

// ---- Entry points -----------------------------------------------------------------------------

#[cfg(feature = "encode")]
/// The one-call compressor. `kind` is a `tacc_content_kind`: `input` is UTF-8 text (`len`
/// bytes, not NUL-terminated), token IDs (`const uint32_t *`, `len` = count) or bytes (`len`
/// bytes). `opts` NULL means the defaults (frame layout, TACC_METHOD_MODEL); with the raw layout
/// the peer's payload is written (see `tacc_layout`).
///
/// On success `*out` receives `*out_len` bytes allocated by the library, to release with
/// `tacc_free(*out)`; compressed output is never empty. On failure neither is written.
/// Thread rule: codec shareable.
#[no_mangle]
pub unsafe extern "C" fn tacc_encode(
    codec: *const tacc_codec,
    kind: u32,
    input: *const c_void,
    len: usize,
    opts: *const tacc_options,
    out: *mut *mut u8,
    out_len: *mut usize,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    call(err_msg, || {
        let kind = kind_of(kind)?;
        let out = unsafe { required(out, "out")? };
        let out_len = unsafe { required(out_len, "out_len")? };
        let bytes = match kind {
            ContentKind::Text => unsafe {
                compress(codec, Input::Text(text(input.cast(), len, "input")?), opts)?
            },
            ContentKind::TokenIds => unsafe {
                compress(
                    codec,
                    Input::TokenIds(slice(input.cast(), len, "input")?),
                    opts,
                )?
            },
            ContentKind::Bytes => unsafe {
                compress(
                    codec,
                    Input::Bytes(slice(input.cast(), len, "input")?),
                    opts,
                )?
            },
        };
        *out_len = bytes.len();
        *out = boundary::alloc_bytes(bytes);
        Ok(())
    })
}

#[cfg(feature = "decode")]
/// The inverse of `tacc_encode`: restores content of `kind` (a `tacc_content_kind`) from `len`
/// bytes at `data`. `opts` NULL means the frame layout; the raw layout needs `opts->method` and
/// the codec that made the payload. `codec` may be NULL for frames made with a built-in
/// tokenizer (decoded within the default limits).
///
/// On success `*out` receives text or bytes (`*out_len` bytes; text is UTF-8, not
/// NUL-terminated) or token IDs (`uint32_t`, aligned, `*out_len` = count), to release with
/// `tacc_free(*out)`. Empty content gives `*out` = NULL and `*out_len` = 0. A frame holding
/// another kind is TACC_ERR_INVALID_ARGUMENT, except that text restores as bytes. Within the
/// codec's limits (`tacc_codec_with_limits`), else TACC_ERR_TOO_LARGE.
/// Thread rule: codec shareable.
#[no_mangle]
pub unsafe extern "C" fn tacc_decode(
    codec: *const tacc_codec,
    data: *const u8,
    len: usize,
    kind: u32,
    opts: *const tacc_options,
    out: *mut *mut c_void,
    out_len: *mut usize,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    call(err_msg, || {
        let kind = kind_of(kind)?;
        let data = unsafe { slice(data, len, "data")? };
        let out = unsafe { required(out, "out")? };
        let out_len = unsafe { required(out_len, "out_len")? };
        let (n, ptr) = match unsafe { decompress(codec, data, kind, opts)? } {
            Content::Text(t) => (t.len(), boundary::alloc_bytes(t.into_bytes())),
            Content::Bytes(b) => (b.len(), boundary::alloc_bytes(b)),
            Content::TokenIds(ids) => (ids.len(), boundary::alloc_ids(ids).cast::<u8>()),
        };
        *out = ptr.cast::<c_void>();
        *out_len = n;
        Ok(())
    })
}

/// Releases any buffer the library returned: `tacc_encode`/`tacc_decode` outputs, a
/// `tacc_buf.data`, a `tacc_ids.data`, an `err_msg` string. NULL does nothing. Passing anything
/// else, or a buffer twice, aborts the process (as an invalid `free` does).
/// Thread rule: one thread per buffer.
#[no_mangle]
pub unsafe extern "C" fn tacc_free(ptr: *mut c_void) {
    // SAFETY: per the contract, ptr came from the library's allocator and is freed once.
    value((), || unsafe { boundary::release(ptr.cast::<u8>()) })
}

/// The stable name of a status code: "Ok", or the error kind's name ("InvalidArgument",
/// "Corrupt", ... "Internal" for TACC_ERR_PANIC), the same in every binding. Static,
/// NUL-terminated, never to be freed; NULL for an unknown code.
/// Thread rule: any thread, any time.
#[no_mangle]
pub extern "C" fn tacc_status_name(status: i32) -> *const c_char {
    value(std::ptr::null(), || {
        tacc_status::name(status).map_or(std::ptr::null(), |n| n.as_ptr())
    })
}
