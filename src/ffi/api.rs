//! The exported functions. Each body is one [`call`]/[`value`] over the public Rust API.
// A build without `encode` or `decode` leaves that direction's functions out; what they share
// may then be unused.
#![cfg_attr(
    not(all(feature = "encode", feature = "decode")),
    allow(dead_code, unused_imports)
)]

use std::ffi::{c_char, CStr, CString};

use super::boundary::{
    self, call, cstr, invalid, null_arg, out, slice, text, value, Failure, FfiResult,
};
use super::{
    tacc_buf, tacc_codec, tacc_content_kind, tacc_frame_info, tacc_ids, tacc_layout, tacc_limits,
    tacc_options, tacc_status, TACC_FLAG_NO_CHECKSUM, TACC_FORMAT_VERSION, TACC_METHOD_AUTO,
    TACC_VERSION_NUMBER,
};
use crate::codec::{Codec, Content, LopaceMethod, Options};
use crate::format::{ContentKind, Header, Method};
use crate::limits::Limits;

// ---- Version and names ------------------------------------------------------------------------

/// The version of the loaded library, packed like `TACC_VERSION_NUMBER`.
/// Thread rule: any thread, any time.
#[no_mangle]
pub extern "C" fn tacc_version() -> u32 {
    TACC_VERSION_NUMBER
}

/// The version of the loaded library as a static NUL-terminated string ("0.1.0").
/// Thread rule: any thread, any time.
#[no_mangle]
pub extern "C" fn tacc_version_string() -> *const c_char {
    value(c"?".as_ptr(), || {
        static V: &CStr =
            match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
                Ok(v) => v,
                Err(_) => panic!("version contains NUL"),
            };
        V.as_ptr()
    })
}

/// What this build of the library has: `TACC_FEATURE_*` bits (encode, decode, v1, vocabulary
/// families). A library built without a direction does not export its functions: a program that
/// loads the library dynamically checks this before looking them up.
/// Thread rule: any thread, any time.
#[no_mangle]
pub extern "C" fn tacc_features() -> u32 {
    super::features()
}

/// The frame format version this library writes (`TACC_FORMAT_VERSION`).
/// Thread rule: any thread, any time.
#[no_mangle]
pub extern "C" fn tacc_format_version() -> u32 {
    TACC_FORMAT_VERSION
}

/// A static, NUL-terminated description of a status code; never NULL, never to be freed.
/// Unknown codes give "unknown status code". Thread rule: any thread, any time.
#[no_mangle]
pub extern "C" fn tacc_status_str(status: i32) -> *const c_char {
    value(c"?".as_ptr(), || {
        tacc_status::message(status).as_ptr().cast()
    })
}

/// C strings of `Method::name` (a test holds the two lists equal).
const METHOD_NAMES: [(u32, &CStr); 10] = [
    (0, c"stored"),
    (1, c"zstd"),
    (2, c"gzip"),
    (3, c"lopace-token"),
    (4, c"lopace-hybrid"),
    (5, c"tacc"),
    (6, c"tacc-gzip"),
    (7, c"model-v1"),
    (9, c"model"),
    (TACC_METHOD_AUTO, c"auto"),
];

/// The name of a method ("tacc-gzip", "auto", ...): static, NUL-terminated; NULL for an
/// unknown value. Thread rule: any thread, any time.
#[no_mangle]
pub extern "C" fn tacc_method_name(method: u32) -> *const c_char {
    value(std::ptr::null(), || {
        METHOD_NAMES
            .iter()
            .find(|(id, _)| *id == method)
            .map_or(std::ptr::null(), |(_, n)| n.as_ptr())
    })
}

/// The method whose name is `name` (as printed by `tacc_method_name`, "auto" included).
/// Thread rule: any thread, any time.
#[no_mangle]
pub unsafe extern "C" fn tacc_method_from_name(
    name: *const c_char,
    out_method: *mut u32,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    call(err_msg, || {
        let name = unsafe { cstr(name, "name")? };
        let out_method = unsafe { out(out_method, "out_method")? };
        *out_method = if name == "auto" {
            TACC_METHOD_AUTO
        } else {
            Method::from_name(name)? as u32
        };
        Ok(())
    })
}

// ---- Buffers ----------------------------------------------------------------------------------

/// Releases a buffer the library returned and sets it to {NULL, 0}. NULL, or a buffer already
/// released this way, does nothing. Thread rule: one thread per buffer.
#[no_mangle]
pub unsafe extern "C" fn tacc_buf_free(buf: *mut tacc_buf) {
    value((), || {
        if let Some(b) = unsafe { buf.as_mut() } {
            unsafe { boundary::free_buf(b) }
        }
    })
}

/// Releases a token-ID array the library returned and sets it to {NULL, 0}. NULL, or an array
/// already released this way, does nothing. Thread rule: one thread per array.
#[no_mangle]
pub unsafe extern "C" fn tacc_ids_free(ids: *mut tacc_ids) {
    value((), || {
        if let Some(i) = unsafe { ids.as_mut() } {
            unsafe { boundary::free_ids(i) }
        }
    })
}

/// Releases a string the library returned (an `err_msg`). NULL does nothing.
/// Thread rule: one thread per string.
#[no_mangle]
pub unsafe extern "C" fn tacc_str_free(s: *mut c_char) {
    value((), || {
        if !s.is_null() {
            // SAFETY: per the contract, s came from the library's CString::into_raw, freed once.
            drop(unsafe { CString::from_raw(s) });
        }
    })
}

// ---- Options ----------------------------------------------------------------------------------

/// Fills `opts` with the defaults (framed, TACC_METHOD_MODEL, default levels, checksum on)
/// and sets `struct_size`. NULL does nothing. Thread rule: one thread per struct.
#[no_mangle]
pub unsafe extern "C" fn tacc_options_init(opts: *mut tacc_options) {
    value((), || {
        if let Some(o) = unsafe { opts.as_mut() } {
            *o = default_options();
        }
    })
}

pub(crate) fn default_options() -> tacc_options {
    tacc_options {
        struct_size: std::mem::size_of::<tacc_options>(),
        method: crate::DEFAULT_METHOD as u32,
        layout: tacc_layout::TACC_LAYOUT_FRAME as u32,
        zstd_level: 0,
        gzip_level: 0,
        flags: 0,
    }
}

/// The size of tacc_options in 0.1: the smallest `struct_size` accepted, forever. Freeze this
/// number (as a literal) when a field is added.
const OPTIONS_MIN_SIZE: usize = std::mem::size_of::<tacc_options>();

/// Options as the Rust API takes them, plus the layout.
struct Opts {
    options: Options,
    raw: bool,
}

fn method_of(v: u32) -> FfiResult<Option<Method>> {
    if v == TACC_METHOD_AUTO {
        return Ok(None);
    }
    u8::try_from(v)
        .ok()
        .and_then(|b| Method::from_id(b).ok())
        .map(Some)
        .ok_or_else(|| invalid(format!("unknown method {v} (see tacc_method)")))
}

unsafe fn read_options(p: *const tacc_options) -> FfiResult<Opts> {
    let mut o = default_options();
    if !p.is_null() {
        // SAFETY: non-NULL; the caller promises a tacc_options whose struct_size bytes are readable.
        let size = unsafe { std::ptr::read(p.cast::<usize>()) };
        if size < OPTIONS_MIN_SIZE {
            return Err(invalid(format!(
                "tacc_options.struct_size is {size}, smaller than {OPTIONS_MIN_SIZE}: call tacc_options_init first"
            )));
        }
        // Fields past the caller's struct_size (an older header) keep their defaults; bytes past
        // ours (a newer header) are fields this library does not know and are not read.
        let n = size.min(std::mem::size_of::<tacc_options>());
        // SAFETY: n bytes are readable at p (above) and writable in o.
        unsafe {
            std::ptr::copy_nonoverlapping(
                p.cast::<u8>(),
                (&mut o as *mut tacc_options).cast::<u8>(),
                n,
            )
        };
    }
    if o.flags & !TACC_FLAG_NO_CHECKSUM != 0 {
        return Err(invalid(format!(
            "unknown bits in tacc_options.flags: {:#x}",
            o.flags
        )));
    }
    let layout = crate::codec::Layout::from_id(o.layout)?;
    let raw = layout == crate::codec::Layout::Raw;
    let d = Options::default();
    Ok(Opts {
        options: Options {
            method: method_of(o.method)?,
            zstd_level: if o.zstd_level == 0 {
                d.zstd_level
            } else {
                o.zstd_level
            },
            gzip_level: if o.gzip_level == 0 {
                d.gzip_level
            } else {
                o.gzip_level
            },
            checksum: o.flags & TACC_FLAG_NO_CHECKSUM == 0,
            layout,
        },
        raw,
    })
}

const RAW_METHODS: &str =
    "the raw layout exists for peer formats only: tacc, tacc-gzip (tacc 0.1.0), \
                           zstd, lopace-token, lopace-hybrid (LoPace 0.1.5)";

/// A method that has a peer payload: tacc's (gzip flag) or LoPace's.
enum Peer {
    Tacc { gzip: bool },
    Lopace(LopaceMethod),
}

fn peer(method: Option<Method>) -> FfiResult<Peer> {
    match method {
        Some(Method::Tacc) => Ok(Peer::Tacc { gzip: false }),
        Some(Method::TaccGzip) => Ok(Peer::Tacc { gzip: true }),
        Some(Method::Zstd) => Ok(Peer::Lopace(LopaceMethod::Zstd)),
        Some(Method::LopaceToken) => Ok(Peer::Lopace(LopaceMethod::Token)),
        Some(Method::LopaceHybrid) => Ok(Peer::Lopace(LopaceMethod::Hybrid)),
        _ => Err(invalid(RAW_METHODS)),
    }
}

// ---- Limits -----------------------------------------------------------------------------------

/// Fills `limits` with the defaults (TACC_DEFAULT_MAX_OUTPUT_BYTES, TACC_DEFAULT_MAX_TOKENS) and
/// sets `struct_size`. NULL does nothing. Thread rule: one thread per struct.
#[no_mangle]
pub unsafe extern "C" fn tacc_limits_init(limits: *mut tacc_limits) {
    value((), || {
        if let Some(l) = unsafe { limits.as_mut() } {
            *l = c_limits(Limits::DEFAULT);
        }
    })
}

fn c_limits(l: Limits) -> tacc_limits {
    tacc_limits {
        struct_size: std::mem::size_of::<tacc_limits>(),
        max_output_bytes: l.max_output_bytes as u64,
        max_tokens: l.max_tokens as u64,
    }
}

/// The size of tacc_limits in 0.1: the smallest `struct_size` accepted, forever. Freeze this
/// number (as a literal) when a field is added.
const LIMITS_MIN_SIZE: usize = std::mem::size_of::<tacc_limits>();

/// Reads a caller's `tacc_limits` like [`read_options`]: the first `struct_size` bytes, defaults
/// for the rest; 0 means the default, values over the hard caps are lowered to them.
unsafe fn read_limits(p: *const tacc_limits) -> FfiResult<Limits> {
    if p.is_null() {
        return Err(null_arg("limits"));
    }
    // Only struct_size is read before it is checked: an older header's struct may be smaller
    // than ours (no reference to a whole tacc_limits is made).
    // SAFETY: non-NULL; the caller promises a tacc_limits whose struct_size bytes are readable.
    let size = unsafe { std::ptr::read(p.cast::<usize>()) };
    if size < LIMITS_MIN_SIZE {
        return Err(invalid(format!(
            "tacc_limits.struct_size is {size}, smaller than {LIMITS_MIN_SIZE}: call tacc_limits_init first"
        )));
    }
    let mut l = c_limits(Limits::DEFAULT);
    let n = size.min(std::mem::size_of::<tacc_limits>());
    // SAFETY: the caller promises struct_size readable bytes at p; n <= both sizes.
    unsafe {
        std::ptr::copy_nonoverlapping(p.cast::<u8>(), (&mut l as *mut tacc_limits).cast::<u8>(), n)
    };
    let usize_of = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
    Ok(Limits::new(
        usize_of(l.max_output_bytes),
        usize_of(l.max_tokens),
    ))
}

// ---- Codec ------------------------------------------------------------------------------------

/// Creates a codec for a built-in tokenizer: "cl100k_base", "gpt2", "o200k_base",
/// "o200k_harmony", "p50k_base", "p50k_edit", "r50k_base". Vocabularies load once per process.
///
/// On success `*out_codec` receives a codec to release with `tacc_codec_free`; on failure it is
/// not written (TACC_ERR_UNKNOWN_TOKENIZER for an unknown name).
/// Thread rule: any thread, any time.
#[no_mangle]
pub unsafe extern "C" fn tacc_codec_new(
    tokenizer: *const c_char,
    out_codec: *mut *mut tacc_codec,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    call(err_msg, || {
        let name = unsafe { cstr(tokenizer, "tokenizer")? };
        let out_codec = unsafe { out(out_codec, "out_codec")? };
        let codec = Codec::new(name)?;
        let name = CString::new(codec.tokenizer_name())
            .map_err(|_| invalid("tokenizer name contains NUL"))?;
        *out_codec = Box::into_raw(Box::new(tacc_codec { codec, name }));
        Ok(())
    })
}

/// A new codec: `codec` with other decode limits (`limits`: see `tacc_limits`; NULL is refused).
/// Every decode call on the new codec (`tacc_decompress_text`, `tacc_decompress_token_ids`,
/// `tacc_decompress_bytes` in both layouts, `tacc_detokenize`) and every stream decoder made from it
/// (`tacc_stream_decoder_new`) honours them: a payload that would pass one fails with
/// TACC_ERR_TOO_LARGE, naming the limit in `err_msg`. The tables are shared, so this is cheap.
///
/// `codec` NULL: a codec for what the decode calls take a NULL codec for (frames and streams
/// made with a built-in tokenizer, which the header names), within `limits`; it is a codec over
/// the first built-in tokenizer of this build (`tacc_codec_tokenizer` names it). Calls that take
/// no codec (NULL) decode within the defaults.
///
/// `*out_codec` receives a codec to release with `tacc_codec_free`, independent of `codec`
/// (either may be freed first); on failure it is not written.
/// Thread rule: codec shareable.
#[no_mangle]
pub unsafe extern "C" fn tacc_codec_with_limits(
    codec: *const tacc_codec,
    limits: *const tacc_limits,
    out_codec: *mut *mut tacc_codec,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    call(err_msg, || {
        // SAFETY: per the contract, a non-NULL codec came from tacc_codec_new (or this function)
        // and is not yet freed.
        let base = unsafe { codec.as_ref() };
        let limits = unsafe { read_limits(limits)? };
        let out_codec = unsafe { out(out_codec, "out_codec")? };
        let made = match base {
            Some(c) => tacc_codec {
                codec: c.codec.clone().with_limits(limits),
                name: c.name.clone(),
            },
            None => {
                let b = crate::tokenizer::Builtin::ALL
                    .into_iter()
                    .find(|b| b.is_enabled())
                    .ok_or_else(|| invalid("this build has no built-in tokenizer"))?;
                let codec = Codec::from_builtin(b)?.with_limits(limits);
                let name = CString::new(codec.tokenizer_name())
                    .map_err(|_| invalid("tokenizer name contains NUL"))?;
                tacc_codec { codec, name }
            }
        };
        *out_codec = Box::into_raw(Box::new(made));
        Ok(())
    })
}

/// The decode limits of `codec` as they apply (defaults filled in, values over the hard caps
/// lowered): set `out_limits->struct_size` first (or call `tacc_limits_init`); the library writes
/// the fields that fit. A codec from `tacc_codec_new` has the defaults.
/// Thread rule: codec shareable.
#[no_mangle]
pub unsafe extern "C" fn tacc_codec_limits(
    codec: *const tacc_codec,
    out_limits: *mut tacc_limits,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    call(err_msg, || {
        let codec = unsafe { codec_ref(codec)? };
        if out_limits.is_null() {
            return Err(null_arg("out_limits"));
        }
        // SAFETY: non-NULL; the caller promises a tacc_limits with struct_size set.
        let size = unsafe { std::ptr::read(out_limits.cast::<usize>()) };
        if size < LIMITS_MIN_SIZE {
            return Err(invalid(format!(
                "tacc_limits.struct_size is {size}, smaller than {LIMITS_MIN_SIZE}: call tacc_limits_init first"
            )));
        }
        let l = tacc_limits {
            struct_size: size,
            ..c_limits(codec.limits())
        };
        let n = size.min(std::mem::size_of::<tacc_limits>());
        // SAFETY: the caller's struct has struct_size >= n writable bytes; ours has n readable.
        unsafe {
            std::ptr::copy_nonoverlapping(
                (&l as *const tacc_limits).cast::<u8>(),
                out_limits.cast::<u8>(),
                n,
            )
        };
        Ok(())
    })
}

/// Releases a codec. NULL does nothing. Call it once, after every other call on the codec
/// has returned.
#[no_mangle]
pub unsafe extern "C" fn tacc_codec_free(codec: *mut tacc_codec) {
    value((), || {
        if !codec.is_null() {
            // SAFETY: per the contract, codec came from tacc_codec_new/_with_limits, freed once.
            drop(unsafe { Box::from_raw(codec) });
        }
    })
}

/// The codec's tokenizer name, NUL-terminated, valid until `tacc_codec_free`; NULL if `codec`
/// is NULL. Thread rule: shareable, like the codec.
#[no_mangle]
pub unsafe extern "C" fn tacc_codec_tokenizer(codec: *const tacc_codec) -> *const c_char {
    value(std::ptr::null(), || {
        unsafe { codec.as_ref() }.map_or(std::ptr::null(), |c| c.name.as_ptr())
    })
}

unsafe fn codec_ref<'a>(codec: *const tacc_codec) -> FfiResult<&'a Codec> {
    // SAFETY: per the contract, a non-NULL codec came from tacc_codec_new and is not yet freed.
    unsafe { codec.as_ref() }
        .map(|c| &c.codec)
        .ok_or_else(|| null_arg("codec"))
}

// ---- Tokens -----------------------------------------------------------------------------------

#[cfg(feature = "encode")]
/// Text (UTF-8, `len` bytes, not NUL-terminated) to token IDs, as the tokenizer sees it.
/// `*out` receives an array to release with `tacc_ids_free`. Thread rule: codec shareable.
#[no_mangle]
pub unsafe extern "C" fn tacc_tokenize(
    codec: *const tacc_codec,
    text_ptr: *const c_char,
    len: usize,
    out_ids: *mut tacc_ids,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    call(err_msg, || {
        let codec = unsafe { codec_ref(codec)? };
        let t = unsafe { text(text_ptr, len, "text")? };
        let out_ids = unsafe { out(out_ids, "out_ids")? };
        *out_ids = boundary::into_ids(codec.tokenize(t));
        Ok(())
    })
}

#[cfg(feature = "decode")]
/// Token IDs to text. `*out` receives UTF-8 bytes to release with `tacc_buf_free`.
/// TACC_ERR_UNKNOWN_TOKEN or TACC_ERR_INVALID_UTF8 when the IDs do not make text;
/// TACC_ERR_TOO_LARGE past the codec's limits (`tacc_codec_with_limits`).
/// Thread rule: codec shareable.
#[no_mangle]
pub unsafe extern "C" fn tacc_detokenize(
    codec: *const tacc_codec,
    ids: *const u32,
    n_ids: usize,
    out_text: *mut tacc_buf,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    call(err_msg, || {
        let codec = unsafe { codec_ref(codec)? };
        let ids = unsafe { slice(ids, n_ids, "ids")? };
        let out_text = unsafe { out(out_text, "out_text")? };
        *out_text = boundary::into_buf(codec.detokenize(ids)?.into_bytes());
        Ok(())
    })
}

// ---- Encode -----------------------------------------------------------------------------------

#[cfg(feature = "encode")]
/// Compresses text (UTF-8, `len` bytes, not NUL-terminated) with `opts` (NULL: defaults).
/// Frame layout: any method or TACC_METHOD_AUTO. Raw layout: tacc, tacc-gzip, zstd,
/// lopace-token, lopace-hybrid, byte-identical to tacc 0.1.0 / LoPace 0.1.5.
/// `*out` receives the bytes, to release with `tacc_buf_free`. Thread rule: codec shareable.
#[no_mangle]
pub unsafe extern "C" fn tacc_compress_text(
    codec: *const tacc_codec,
    text_ptr: *const c_char,
    len: usize,
    opts: *const tacc_options,
    out_buf: *mut tacc_buf,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    call(err_msg, || {
        let codec = unsafe { codec_ref(codec)? };
        let t = unsafe { text(text_ptr, len, "text")? };
        let o = unsafe { read_options(opts)? };
        let out_buf = unsafe { out(out_buf, "out")? };
        let bytes = if o.raw {
            match peer(o.options.method)? {
                Peer::Tacc { gzip } => codec.compress_tacc_payload(&codec.tokenize(t), gzip)?,
                Peer::Lopace(m) => codec.compress_lopace_payload(t, m, o.options.zstd_level)?,
            }
        } else {
            codec.compress_text(t, &o.options)?
        };
        *out_buf = boundary::into_buf(bytes);
        Ok(())
    })
}

#[cfg(feature = "encode")]
/// Compresses token IDs with `opts` (NULL: defaults). Frame layout: stored, lopace-token,
/// lopace-hybrid, tacc, tacc-gzip or auto (IDs outside the vocabulary are fine for all but tacc
/// and tacc-gzip). Raw layout: tacc or tacc-gzip (tacc 0.1.0's `encode_token_ids`).
/// `*out` receives the bytes, to release with `tacc_buf_free`. Thread rule: codec shareable.
#[no_mangle]
pub unsafe extern "C" fn tacc_compress_token_ids(
    codec: *const tacc_codec,
    ids: *const u32,
    n_ids: usize,
    opts: *const tacc_options,
    out_buf: *mut tacc_buf,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    call(err_msg, || {
        let codec = unsafe { codec_ref(codec)? };
        let ids = unsafe { slice(ids, n_ids, "ids")? };
        let o = unsafe { read_options(opts)? };
        let out_buf = unsafe { out(out_buf, "out")? };
        let bytes = if o.raw {
            match peer(o.options.method)? {
                Peer::Tacc { gzip } => codec.compress_tacc_payload(ids, gzip)?,
                Peer::Lopace(_) => {
                    return Err(invalid("raw token IDs exist for tacc and tacc-gzip only"))
                }
            }
        } else {
            codec.compress_token_ids(ids, &o.options)?
        };
        *out_buf = boundary::into_buf(bytes);
        Ok(())
    })
}

#[cfg(feature = "encode")]
/// Compresses arbitrary bytes into a frame: as text when they are UTF-8, else with zstd, gzip or
/// stored (token methods are refused for non-UTF-8). Frame layout only.
/// `*out` receives the frame, to release with `tacc_buf_free`. Thread rule: codec shareable.
#[no_mangle]
pub unsafe extern "C" fn tacc_compress_bytes(
    codec: *const tacc_codec,
    data: *const u8,
    len: usize,
    opts: *const tacc_options,
    out_buf: *mut tacc_buf,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    call(err_msg, || {
        let codec = unsafe { codec_ref(codec)? };
        let data = unsafe { slice(data, len, "data")? };
        let o = unsafe { read_options(opts)? };
        let out_buf = unsafe { out(out_buf, "out")? };
        if o.raw {
            return Err(invalid("tacc_compress_bytes writes frames only"));
        }
        *out_buf = boundary::into_buf(codec.compress_bytes(data, &o.options)?);
        Ok(())
    })
}

// ---- Decode -----------------------------------------------------------------------------------

#[cfg(feature = "decode")]
/// The Rust API's frame decoder: with this codec, or (codec NULL) built-in tokenizers only.
fn decode_frame(codec: Option<&Codec>, frame: &[u8]) -> FfiResult<Content> {
    Ok(match codec {
        Some(c) => c.decompress(frame)?,
        None => crate::decompress(frame)?,
    })
}

#[cfg(feature = "decode")]
fn wrong_content(content: &Content, wanted: &str) -> Failure {
    let held = match content {
        Content::Text(_) => "text",
        Content::TokenIds(_) => "token IDs",
        Content::Bytes(_) => "non-UTF-8 bytes",
    };
    invalid(format!("the frame holds {held}, not {wanted}"))
}

#[cfg(feature = "decode")]
/// Restores text. Frame layout (`opts` NULL or layout FRAME): `codec` may be NULL for frames made
/// with a built-in tokenizer. Raw layout: `codec` and `opts->method` must be the ones that made it.
/// `*out` receives UTF-8 bytes (not NUL-terminated), to release with `tacc_buf_free`.
/// Within the codec's limits (`tacc_codec_with_limits`; NULL codec: the defaults), else
/// TACC_ERR_TOO_LARGE before the output is allocated.
/// Thread rule: codec shareable.
#[no_mangle]
pub unsafe extern "C" fn tacc_decompress_text(
    codec: *const tacc_codec,
    data: *const u8,
    len: usize,
    opts: *const tacc_options,
    out_text: *mut tacc_buf,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    call(err_msg, || {
        let codec = unsafe { codec.as_ref() }.map(|c| &c.codec);
        let data = unsafe { slice(data, len, "data")? };
        let o = unsafe { read_options(opts)? };
        let out_text = unsafe { out(out_text, "out")? };
        let s = if o.raw {
            let codec =
                codec.ok_or_else(|| null_arg("codec (the raw layout needs the tokenizer)"))?;
            match peer(o.options.method)? {
                Peer::Tacc { gzip } => {
                    codec.detokenize(&codec.decompress_tacc_payload(data, gzip)?)?
                }
                Peer::Lopace(m) => codec.decompress_lopace_payload(data, m)?,
            }
        } else {
            match decode_frame(codec, data)? {
                Content::Text(t) => t,
                other => return Err(wrong_content(&other, "text")),
            }
        };
        *out_text = boundary::into_buf(s.into_bytes());
        Ok(())
    })
}

#[cfg(feature = "decode")]
/// Restores token IDs. Frame layout: `codec` may be NULL for frames made with a built-in
/// tokenizer. Raw layout: tacc or tacc-gzip, with the codec that made it.
/// `*out` receives the IDs, to release with `tacc_ids_free`. Within the codec's limits
/// (`tacc_codec_with_limits`; NULL codec: the defaults), else TACC_ERR_TOO_LARGE.
/// Thread rule: codec shareable.
#[no_mangle]
pub unsafe extern "C" fn tacc_decompress_token_ids(
    codec: *const tacc_codec,
    data: *const u8,
    len: usize,
    opts: *const tacc_options,
    out_ids: *mut tacc_ids,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    call(err_msg, || {
        let codec = unsafe { codec.as_ref() }.map(|c| &c.codec);
        let data = unsafe { slice(data, len, "data")? };
        let o = unsafe { read_options(opts)? };
        let out_ids = unsafe { out(out_ids, "out")? };
        let ids = if o.raw {
            let codec =
                codec.ok_or_else(|| null_arg("codec (the raw layout needs the mapping)"))?;
            match peer(o.options.method)? {
                Peer::Tacc { gzip } => codec.decompress_tacc_payload(data, gzip)?,
                Peer::Lopace(_) => {
                    return Err(invalid("raw token IDs exist for tacc and tacc-gzip only"))
                }
            }
        } else {
            match decode_frame(codec, data)? {
                Content::TokenIds(ids) => ids,
                other => return Err(wrong_content(&other, "token IDs")),
            }
        };
        *out_ids = boundary::into_ids(ids);
        Ok(())
    })
}

#[cfg(feature = "decode")]
/// Restores the bytes of a frame holding text or bytes (what `tacc_compress_bytes` made).
/// `codec` may be NULL for built-in tokenizers. `*out` is released with `tacc_buf_free`.
/// Within the codec's limits (`tacc_codec_with_limits`; NULL codec: the defaults), else
/// TACC_ERR_TOO_LARGE. Thread rule: codec shareable.
#[no_mangle]
pub unsafe extern "C" fn tacc_decompress_bytes(
    codec: *const tacc_codec,
    data: *const u8,
    len: usize,
    out_buf: *mut tacc_buf,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    call(err_msg, || {
        let codec = unsafe { codec.as_ref() }.map(|c| &c.codec);
        let data = unsafe { slice(data, len, "data")? };
        let out_buf = unsafe { out(out_buf, "out")? };
        let bytes = match decode_frame(codec, data)? {
            Content::Text(t) => t.into_bytes(),
            Content::Bytes(b) => b,
            other => return Err(wrong_content(&other, "text or bytes")),
        };
        *out_buf = boundary::into_buf(bytes);
        Ok(())
    })
}

/// Reads a frame's header without decoding it. Set `out_info->struct_size` first; the library
/// writes the fields that fit. TACC_ERR_CORRUPT when `data` is not a frame.
/// Thread rule: any thread, any time.
#[no_mangle]
pub unsafe extern "C" fn tacc_frame_inspect(
    data: *const u8,
    len: usize,
    out_info: *mut tacc_frame_info,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    call(err_msg, || {
        let data = unsafe { slice(data, len, "data")? };
        if out_info.is_null() {
            return Err(null_arg("out_info"));
        }
        // SAFETY: non-NULL; the caller promises a tacc_frame_info with struct_size set.
        let size = unsafe { std::ptr::read(out_info.cast::<usize>()) };
        let full = std::mem::size_of::<tacc_frame_info>();
        if size < full {
            return Err(invalid(format!(
                "tacc_frame_info.struct_size is {size}, smaller than {full}"
            )));
        }
        let (h, _) = Header::parse(data)?;
        let info = tacc_frame_info {
            struct_size: size,
            method: h.method as u32,
            content_kind: match h.kind {
                ContentKind::Text => tacc_content_kind::TACC_CONTENT_TEXT,
                ContentKind::TokenIds => tacc_content_kind::TACC_CONTENT_TOKEN_IDS,
                ContentKind::Bytes => tacc_content_kind::TACC_CONTENT_BYTES,
            } as u32,
            content_len: h.content_len.unwrap_or(u64::MAX),
            tokenizer_id: h.tokenizer_id as u32,
            has_checksum: h.checksum as u32,
        };
        // SAFETY: the caller's struct is at least as large as ours (checked above).
        unsafe { std::ptr::write(out_info, info) };
        Ok(())
    })
}
