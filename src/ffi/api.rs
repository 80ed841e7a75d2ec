//! The exported functions. Each body is one `boundary::call`/`boundary::value` over the public Rust API.
// A build without `encode` or `decode` leaves that direction's functions out; what they share
// may then be unused.
#![cfg_attr(
    not(all(feature = "encode", feature = "decode")),
    allow(dead_code, unused_imports)
)]

use std::ffi::{c_char, CStr, CString};
use std::sync::OnceLock;

use super::boundary::{
    self, call, check_sized, cstr, invalid, null_arg, out, read_sized, slice, text, value,
    write_sized, Extensible, FfiResult,
};
use super::entry::codec_ref;
#[cfg(feature = "encode")]
use super::entry::compress;
#[cfg(feature = "decode")]
use super::entry::decompress;
use super::{
    tacc_buf, tacc_codec, tacc_codec_spec, tacc_frame_info, tacc_ids, tacc_limits, tacc_options,
    tacc_status, TACC_FORMAT_VERSION, TACC_METHOD_AUTO, TACC_VERSION_NUMBER,
};
use crate::codec::{Codec, Content, Input};
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

/// The C strings of the core's method names (`Method::ALL`, `Method::name`) plus "auto" for
/// TACC_METHOD_AUTO, made once and kept (the pointers are handed out as static).
fn method_names() -> &'static [(u32, CString)] {
    static NAMES: OnceLock<Vec<(u32, CString)>> = OnceLock::new();
    NAMES.get_or_init(|| {
        Method::ALL
            .into_iter()
            .map(|m| (m as u32, m.name()))
            .chain(std::iter::once((TACC_METHOD_AUTO, "auto")))
            .map(|(id, n)| (id, CString::new(n).unwrap_or_default()))
            .collect()
    })
}

/// The name of a method ("tacc-gzip", "auto", ...): static, NUL-terminated; NULL for an
/// unknown value. Thread rule: any thread, any time.
#[no_mangle]
pub extern "C" fn tacc_method_name(method: u32) -> *const c_char {
    value(std::ptr::null(), || {
        method_names()
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

/// Releases a buffer the library returned and sets it to {NULL, 0}: the typed form of
/// `tacc_free(buf->data)`. NULL, or a buffer already released this way, does nothing.
/// Thread rule: one thread per buffer.
#[no_mangle]
pub unsafe extern "C" fn tacc_buf_free(buf: *mut tacc_buf) {
    value((), || {
        if let Some(b) = unsafe { buf.as_mut() } {
            unsafe { boundary::free_buf(b) }
        }
    })
}

/// Releases a token-ID array the library returned and sets it to {NULL, 0}: the typed form of
/// `tacc_free(ids->data)`. NULL, or an array already released this way, does nothing.
/// Thread rule: one thread per array.
#[no_mangle]
pub unsafe extern "C" fn tacc_ids_free(ids: *mut tacc_ids) {
    value((), || {
        if let Some(i) = unsafe { ids.as_mut() } {
            unsafe { boundary::free_ids(i) }
        }
    })
}

/// Releases a string the library returned (an `err_msg`): the typed form of `tacc_free(s)`.
/// NULL does nothing. Thread rule: one thread per string.
#[no_mangle]
pub unsafe extern "C" fn tacc_str_free(s: *mut c_char) {
    // SAFETY: per the contract, s came from the library's allocator and is freed once.
    value((), || unsafe { boundary::release(s.cast::<u8>()) })
}

// ---- Options ----------------------------------------------------------------------------------

/// Fills `opts` with the defaults (the core's `Options::default()`: frame layout,
/// TACC_METHOD_MODEL, zstd level 15, gzip level 9, checksum on) and sets `struct_size` to
/// `sizeof(tacc_options)` of this library. NULL does nothing. Thread rule: one thread per struct.
#[no_mangle]
pub unsafe extern "C" fn tacc_options_init(opts: *mut tacc_options) {
    value((), || {
        if let Some(o) = unsafe { opts.as_mut() } {
            *o = tacc_options::defaults();
        }
    })
}

// ---- Limits -----------------------------------------------------------------------------------

/// Fills `limits` with the defaults (TACC_DEFAULT_MAX_OUTPUT_BYTES, TACC_DEFAULT_MAX_TOKENS) and
/// sets `struct_size`. NULL does nothing. Thread rule: one thread per struct.
#[no_mangle]
pub unsafe extern "C" fn tacc_limits_init(limits: *mut tacc_limits) {
    value((), || {
        if let Some(l) = unsafe { limits.as_mut() } {
            *l = tacc_limits::defaults();
        }
    })
}

/// Reads a caller's `tacc_limits` (`read_sized`; NULL is refused): 0 means the default, values
/// over the hard caps are lowered to them.
unsafe fn read_limits(p: *const tacc_limits) -> FfiResult<Limits> {
    if p.is_null() {
        return Err(null_arg("limits"));
    }
    let l = unsafe { read_sized(p)? };
    let usize_of = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
    Ok(Limits::new(
        usize_of(l.max_output_bytes),
        usize_of(l.max_tokens),
    ))
}

// ---- Codec ------------------------------------------------------------------------------------

/// Creates a codec for a built-in tokenizer: "cl100k_base", "gpt2", "o200k_base",
/// "o200k_harmony", "p50k_base", "p50k_edit", "r50k_base". Vocabularies load once per process.
/// An open model's name ("llama3", ...: `tacc_open_vocab_name`) gives a codec for its token IDs
/// only (its tokenizer file is not built in; text calls fail with TACC_ERR_INVALID_ARGUMENT):
/// `tacc_codec_new_from_spec` loads files.
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
/// Every decode call on the new codec (`tacc_decode`, `tacc_decompress_text`, `tacc_decompress_token_ids`,
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
        unsafe { write_sized(out_limits, tacc_limits::of(codec.limits()), "out_limits")? };
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

// ---- Codec from a spec ------------------------------------------------------------------------

/// Fills `spec` with an empty spec (every pointer NULL, every length 0: a cl100k_base codec until
/// something is set) and sets `struct_size` to `sizeof(tacc_codec_spec)` of this library. NULL
/// does nothing. Thread rule: one thread per struct.
#[no_mangle]
pub unsafe extern "C" fn tacc_codec_spec_init(spec: *mut tacc_codec_spec) {
    value((), || {
        if let Some(s) = unsafe { spec.as_mut() } {
            *s = tacc_codec_spec::defaults();
        }
    })
}

/// An optional path argument: NULL is None; on Unix any bytes (paths need not be UTF-8),
/// elsewhere UTF-8.
unsafe fn opt_path(p: *const c_char, name: &str) -> FfiResult<Option<std::path::PathBuf>> {
    if p.is_null() {
        return Ok(None);
    }
    #[cfg(unix)]
    {
        let _ = name; // any bytes are a path: nothing to report
        use std::os::unix::ffi::OsStrExt;
        // SAFETY: non-NULL; the caller promises a NUL-terminated string.
        let bytes = unsafe { CStr::from_ptr(p) }.to_bytes();
        Ok(Some(std::ffi::OsStr::from_bytes(bytes).into()))
    }
    #[cfg(not(unix))]
    {
        Ok(Some(unsafe { cstr(p, name)? }.into()))
    }
}

/// An optional UTF-8 string argument: NULL is None.
unsafe fn opt_str(p: *const c_char, name: &str) -> FfiResult<Option<String>> {
    if p.is_null() {
        return Ok(None);
    }
    Ok(Some(unsafe { cstr(p, name)? }.to_owned()))
}

/// One file of a spec: a path or bytes (copied), never both.
unsafe fn source(
    path: *const c_char,
    bytes: *const u8,
    len: usize,
    name: &str,
) -> FfiResult<Option<crate::Source>> {
    let path = unsafe { opt_path(path, &format!("tacc_codec_spec.{name}_file"))? };
    if bytes.is_null() {
        if len != 0 {
            return Err(null_arg(&format!(
                "tacc_codec_spec.{name}_bytes (with {name}_len {len})"
            )));
        }
        return Ok(path.map(crate::Source::Path));
    }
    if path.is_some() {
        return Err(invalid(format!(
            "tacc_codec_spec: both {name}_file and {name}_bytes are set; give one"
        )));
    }
    let b = unsafe { slice(bytes, len, &format!("tacc_codec_spec.{name}_bytes"))? };
    Ok(Some(crate::Source::Bytes(b.to_vec())))
}

/// The core's `CodecSpec` of a caller's `tacc_codec_spec` (read with `read_sized`; NULL refused).
unsafe fn read_spec(p: *const tacc_codec_spec) -> FfiResult<crate::CodecSpec> {
    if p.is_null() {
        return Err(null_arg("spec"));
    }
    let s = unsafe { read_sized(p)? };
    let mut spec = crate::CodecSpec::new();
    spec.tokenizer = unsafe { opt_str(s.tokenizer, "tacc_codec_spec.tokenizer")? };
    spec.tokenizer_file = unsafe {
        source(
            s.tokenizer_file,
            s.tokenizer_bytes,
            s.tokenizer_len,
            "tokenizer",
        )?
    };
    spec.pattern = unsafe { opt_str(s.pattern, "tacc_codec_spec.pattern")? };
    spec.mapping = unsafe { source(s.mapping_file, s.mapping_bytes, s.mapping_len, "mapping")? };
    spec.priors = unsafe { source(s.priors_file, s.priors_bytes, s.priors_len, "priors")? };
    spec.priors_dir = unsafe { opt_path(s.priors_dir, "tacc_codec_spec.priors_dir")? };
    if !s.limits.is_null() {
        spec.limits = unsafe { read_limits(s.limits)? };
    }
    Ok(spec)
}

/// Creates a codec from a spec (see `tacc_codec_spec`): the core's `CodecSpec::build`, which
/// reads and checks every file now, so a bad file fails here and not at the first message.
///
/// On success `*out_codec` receives a codec to release with `tacc_codec_free`; on failure it is
/// not written. Errors: TACC_ERR_NULL_ARGUMENT (`spec`, `out_codec`, bytes NULL with a length),
/// TACC_ERR_INVALID_ARGUMENT (`struct_size`, a file given both ways, a pattern without a
/// tokenizer file, ...), TACC_ERR_INVALID_UTF8 (a name or pattern), TACC_ERR_UNKNOWN_TOKENIZER,
/// TACC_ERR_IO (a file that cannot be read), TACC_ERR_CORRUPT (a file that is not what it
/// should be), TACC_ERR_MISMATCH (a file of another vocabulary than the one named).
/// Thread rule: any thread, any time.
#[no_mangle]
pub unsafe extern "C" fn tacc_codec_new_from_spec(
    spec: *const tacc_codec_spec,
    out_codec: *mut *mut tacc_codec,
    err_msg: *mut *mut c_char,
) -> tacc_status {
    call(err_msg, || {
        let spec = unsafe { read_spec(spec)? };
        let out_codec = unsafe { out(out_codec, "out_codec")? };
        let codec = spec.build()?;
        let name = CString::new(codec.tokenizer_name())
            .map_err(|_| invalid("tokenizer name contains NUL"))?;
        *out_codec = Box::into_raw(Box::new(tacc_codec { codec, name }));
        Ok(())
    })
}

/// The name of open vocabulary `index` (0, 1, ...: "llama3", "llama4", "qwen", "qwen3_6",
/// "tekken_240911", in frame-ID order), static and NUL-terminated; NULL past the last. These
/// are the names `tacc_codec_spec.tokenizer` and `tacc_codec_new` take for the open models
/// (whose tokenizer files are not built in: `tacc_codec_new` gives a token-ID-only codec).
/// Thread rule: any thread, any time.
#[no_mangle]
pub extern "C" fn tacc_open_vocab_name(index: usize) -> *const c_char {
    value(std::ptr::null(), || {
        static NAMES: OnceLock<Vec<CString>> = OnceLock::new();
        NAMES
            .get_or_init(|| {
                crate::OPEN_VOCAB_NAMES
                    .iter()
                    .map(|n| CString::new(*n).unwrap_or_default())
                    .collect()
            })
            .get(index)
            .map_or(std::ptr::null(), |n| n.as_ptr())
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
        *out_ids = boundary::into_ids(codec.tokenize(t)?);
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

// ---- Encode: typed forms of tacc_encode -------------------------------------------------------

#[cfg(feature = "encode")]
/// Compresses text (UTF-8, `len` bytes, not NUL-terminated) with `opts` (NULL: defaults):
/// `tacc_encode` with TACC_CONTENT_TEXT, returned as a `tacc_buf`.
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
        let t = unsafe { text(text_ptr, len, "text")? };
        let out_buf = unsafe { out(out_buf, "out")? };
        *out_buf = boundary::into_buf(unsafe { compress(codec, Input::Text(t), opts)? });
        Ok(())
    })
}

#[cfg(feature = "encode")]
/// Compresses token IDs with `opts` (NULL: defaults): `tacc_encode` with
/// TACC_CONTENT_TOKEN_IDS. Frame layout: stored, lopace-token, lopace-hybrid, tacc, tacc-gzip or
/// auto (IDs outside the vocabulary are fine for all but tacc and tacc-gzip). Raw layout: tacc
/// or tacc-gzip (tacc 0.1.0's `encode_token_ids`).
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
        let ids = unsafe { slice(ids, n_ids, "ids")? };
        let out_buf = unsafe { out(out_buf, "out")? };
        *out_buf = boundary::into_buf(unsafe { compress(codec, Input::TokenIds(ids), opts)? });
        Ok(())
    })
}

#[cfg(feature = "encode")]
/// Compresses arbitrary bytes: `tacc_encode` with TACC_CONTENT_BYTES. As text when they are
/// UTF-8, else with zstd, gzip or stored (token methods are refused for non-UTF-8). The raw
/// layout takes UTF-8 bytes only (as text).
/// `*out` receives the bytes, to release with `tacc_buf_free`. Thread rule: codec shareable.
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
        let data = unsafe { slice(data, len, "data")? };
        let out_buf = unsafe { out(out_buf, "out")? };
        *out_buf = boundary::into_buf(unsafe { compress(codec, Input::Bytes(data), opts)? });
        Ok(())
    })
}

// ---- Decode: typed forms of tacc_decode -------------------------------------------------------

#[cfg(feature = "decode")]
/// Restores text: `tacc_decode` with TACC_CONTENT_TEXT, returned as a `tacc_buf`. Frame layout
/// (`opts` NULL or layout FRAME): `codec` may be NULL for frames made with a built-in tokenizer.
/// Raw layout: `codec` and `opts->method` must be the ones that made it.
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
        let data = unsafe { slice(data, len, "data")? };
        let out_text = unsafe { out(out_text, "out")? };
        *out_text = match unsafe { decompress(codec, data, ContentKind::Text, opts)? } {
            Content::Text(t) => boundary::into_buf(t.into_bytes()),
            other => return Err(unexpected(&other)),
        };
        Ok(())
    })
}

#[cfg(feature = "decode")]
/// Restores token IDs: `tacc_decode` with TACC_CONTENT_TOKEN_IDS, returned as a `tacc_ids`.
/// Frame layout: `codec` may be NULL for frames made with a built-in tokenizer. Raw layout:
/// tacc or tacc-gzip, with the codec that made it.
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
        let data = unsafe { slice(data, len, "data")? };
        let out_ids = unsafe { out(out_ids, "out")? };
        *out_ids = match unsafe { decompress(codec, data, ContentKind::TokenIds, opts)? } {
            Content::TokenIds(ids) => boundary::into_ids(ids),
            other => return Err(unexpected(&other)),
        };
        Ok(())
    })
}

#[cfg(feature = "decode")]
/// Restores the bytes of a frame holding text or bytes (what `tacc_compress_bytes` made):
/// `tacc_decode` with TACC_CONTENT_BYTES and the frame layout. `codec` may be NULL for built-in
/// tokenizers. `*out` is released with `tacc_buf_free`.
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
        let data = unsafe { slice(data, len, "data")? };
        let out_buf = unsafe { out(out_buf, "out")? };
        let none = std::ptr::null();
        *out_buf = match unsafe { decompress(codec, data, ContentKind::Bytes, none)? } {
            Content::Bytes(b) => boundary::into_buf(b),
            other => return Err(unexpected(&other)),
        };
        Ok(())
    })
}

#[cfg(feature = "decode")]
/// `decompress_as` returns the kind it was asked for: anything else is a bug in the core.
fn unexpected(c: &Content) -> boundary::Failure {
    boundary::Failure {
        status: tacc_status::TACC_ERR_PANIC,
        message: format!("the core returned {} for another kind", c.kind().describe()),
    }
}

/// Reads a frame's header without decoding it. Set `out_info->struct_size` first (or start from
/// a zeroed struct with it set); the library writes the fields that fit (`tacc_frame_info`).
/// TACC_ERR_CORRUPT when `data` is not a frame.
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
        unsafe { check_sized(out_info, "out_info")? };
        let (h, _) = Header::parse(data)?;
        let info = tacc_frame_info {
            method: h.method as u32,
            content_kind: h.kind as u32,
            content_len: h.content_len.unwrap_or(u64::MAX),
            tokenizer_id: h.tokenizer_id as u32,
            has_checksum: h.checksum as u32,
            ..tacc_frame_info::defaults()
        };
        unsafe { write_sized(out_info, info, "out_info")? };
        Ok(())
    })
}
