//! The stable C ABI (`tacc_*`), a thin layer over the Rust API. See include/tacc.h and docs/ABI.md.
//!
//! Rules kept by every function here (docs/ABI.md says them to C users):
//! - every `extern "C"` body runs inside `boundary::call` (or `boundary::value`), which catches
//!   panics and turns them into `TACC_ERR_PANIC`; `panic = "unwind"` is kept in Cargo.toml for that;
//! - fallible calls return a [`tacc_status`]; results go to out-parameters written only on success;
//!   a message for the failure goes to the optional `err_msg` out-parameter, freed with `tacc_free`;
//! - every buffer the library returns is handed over by `boundary`'s one allocator (the Rust
//!   vector itself, no copy, recorded in a table of live buffers), so `tacc_free(ptr)` releases any of them; `tacc_buf_free`,
//!   `tacc_ids_free` and `tacc_str_free` are the equivalent typed forms;
//! - extensible structs (`struct_size` first) are read and written only by `boundary::read_sized`
//!   / `boundary::write_sized`, against sizes frozen at 0.1;
//! - status codes and enum values are never renumbered: new ones are appended.
//!
//! All unsafe pointer handling lives in this module.

#![deny(missing_docs)] // every item of the C API is documented (the header carries the docs)
#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)] // each function's header comment states its pointer rules

pub mod api;
pub mod batch;
mod boundary;
pub mod entry;
// The functions of a direction a build leaves out (cargo features `encode`, `decode`) are not
// exported at all; include/tacc.h declares every function, and `tacc_features()` tells a
// program at run time what the library it loaded has (docs/ABI.md, "Build features").
#[cfg(feature = "encode")]
pub mod stats;
pub mod stream;
#[cfg(all(test, feature = "encode", feature = "decode"))]
mod tests;

use crate::error::{Error, ErrorKind};
use crate::format::ContentKind;
use boundary::Extensible;

/// `sizeof` of an extensible struct in 0.1, frozen: the literal on 64-bit targets (the only ones
/// 0.1 was released for); on other widths the struct's own size, to be frozen as a literal the
/// day such a target ships. A struct that grows keeps this number (docs/ABI.md).
macro_rules! size_0_1 {
    ($lit:literal, $t:ty) => {
        if cfg!(target_pointer_width = "64") {
            $lit
        } else {
            std::mem::size_of::<$t>()
        }
    };
}
pub(crate) use size_0_1;

/// Library version, major part. Checked against Cargo.toml at compile time.
pub const TACC_VERSION_MAJOR: u32 = 0;
/// Library version, minor part.
pub const TACC_VERSION_MINOR: u32 = 1;
/// Library version, patch part.
pub const TACC_VERSION_PATCH: u32 = 0;
/// The version packed as `(MAJOR << 16) | (MINOR << 8) | PATCH`: 0.1.0 is 0x000100 (256).
/// Compare it with `tacc_version()` to check that the loaded library matches the header.
pub const TACC_VERSION_NUMBER: u32 =
    (TACC_VERSION_MAJOR << 16) | (TACC_VERSION_MINOR << 8) | TACC_VERSION_PATCH;
/// The version as a string; the header builds TACC_VERSION_STRING from the numbers above.
const VERSION_STRING: &str = "0.1.0";
/// Version of the frame format this library writes (independent of the library version).
pub const TACC_FORMAT_VERSION: u32 = 2;
/// `tacc_options.method` value that tries every method and keeps the smallest frame.
pub const TACC_METHOD_AUTO: u32 = 255;
/// `tacc_options.flags` bit: do not store a CRC-32 of the content in the frame.
pub const TACC_FLAG_NO_CHECKSUM: u32 = 1;

/// `tacc_features()` bit: the library writes (`tacc_encode`, `tacc_compress_*`, `tacc_tokenize`, `tacc_stats_*`,
/// `tacc_stream_encoder_*` are exported).
pub const TACC_FEATURE_ENCODE: u32 = 1 << 0;
/// `tacc_features()` bit: the library reads (`tacc_decode`, `tacc_decompress_*`, `tacc_detokenize`,
/// `tacc_stream_decoder_*` are exported).
pub const TACC_FEATURE_DECODE: u32 = 1 << 1;
/// `tacc_features()` bit: version 1 frames and streams (and the `model-v1` method) are read.
pub const TACC_FEATURE_V1: u32 = 1 << 2;
/// `tacc_features()` bit: the cl100k_base vocabulary family is built in.
pub const TACC_FEATURE_CL100K: u32 = 1 << 8;
/// `tacc_features()` bit: the o200k_base / o200k_harmony family is built in.
pub const TACC_FEATURE_O200K: u32 = 1 << 9;
/// `tacc_features()` bit: the p50k_base / p50k_edit family is built in.
pub const TACC_FEATURE_P50K: u32 = 1 << 10;
/// `tacc_features()` bit: the r50k_base / gpt2 family is built in.
pub const TACC_FEATURE_R50K: u32 = 1 << 11;

/// The `TACC_FEATURE_*` bits of this build (cargo features).
pub(crate) const fn features() -> u32 {
    let mut f = 0;
    if cfg!(feature = "encode") {
        f |= TACC_FEATURE_ENCODE;
    }
    if cfg!(feature = "decode") {
        f |= TACC_FEATURE_DECODE;
    }
    if cfg!(feature = "v1") {
        f |= TACC_FEATURE_V1;
    }
    if cfg!(feature = "cl100k") {
        f |= TACC_FEATURE_CL100K;
    }
    if cfg!(feature = "o200k") {
        f |= TACC_FEATURE_O200K;
    }
    if cfg!(feature = "p50k") {
        f |= TACC_FEATURE_P50K;
    }
    if cfg!(feature = "r50k") {
        f |= TACC_FEATURE_R50K;
    }
    f
}

const fn parse_u32(s: &str) -> u32 {
    let b = s.as_bytes();
    let mut i = 0;
    let mut v = 0u32;
    while i < b.len() {
        v = v * 10 + (b[i] - b'0') as u32;
        i += 1;
    }
    v
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

// The header's version macros are literals (cbindgen cannot evaluate env!): a release that bumps
// Cargo.toml without them does not compile.
const _: () = assert!(
    TACC_VERSION_MAJOR == parse_u32(env!("CARGO_PKG_VERSION_MAJOR")),
    "update TACC_VERSION_MAJOR"
);
const _: () = assert!(
    TACC_VERSION_MINOR == parse_u32(env!("CARGO_PKG_VERSION_MINOR")),
    "update TACC_VERSION_MINOR"
);
const _: () = assert!(
    TACC_VERSION_PATCH == parse_u32(env!("CARGO_PKG_VERSION_PATCH")),
    "update TACC_VERSION_PATCH"
);
const _: () = assert!(
    str_eq(VERSION_STRING, env!("CARGO_PKG_VERSION")),
    "update VERSION_STRING"
);
const _: () = assert!(
    TACC_FORMAT_VERSION == crate::format::FORMAT_VERSION as u32,
    "update TACC_FORMAT_VERSION"
);

/// The result of every fallible call. `TACC_OK` is 0; every error is non-zero.
/// Values are never renumbered; a retired one stays reserved.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tacc_status {
    /// Success.
    TACC_OK = 0,
    /// An argument out of its documented range (level, method for this content, options size...).
    TACC_ERR_INVALID_ARGUMENT = 1,
    /// A required pointer was NULL (a data pointer may be NULL only with length 0).
    TACC_ERR_NULL_ARGUMENT = 2,
    /// The tokenizer name is not built in (or was left out of this build).
    TACC_ERR_UNKNOWN_TOKENIZER = 3,
    /// A token ID (or mapped ID) that the tokenizer or mapping does not know.
    TACC_ERR_UNKNOWN_TOKEN = 4,
    /// The input is not what the named format produces (bad magic, truncated, ...).
    TACC_ERR_CORRUPT = 5,
    /// The decoded content does not match the frame's CRC-32.
    TACC_ERR_CHECKSUM = 6,
    /// Input or output over a documented limit (1 GiB of content, 2^28 token IDs).
    TACC_ERR_TOO_LARGE = 7,
    /// Text that is not valid UTF-8 (input text, or decoded content where text was expected).
    TACC_ERR_INVALID_UTF8 = 8,
    /// A frame made with a custom tokenizer or mapping that this codec does not have.
    TACC_ERR_MISMATCH = 9,
    /// A file could not be read.
    TACC_ERR_IO = 10,
    /// A bug in tacc: a Rust panic was caught at the boundary. Please report it.
    TACC_ERR_PANIC = 100,
}

impl tacc_status {
    /// Every status, in code order.
    const ALL: [tacc_status; 12] = [
        tacc_status::TACC_OK,
        tacc_status::TACC_ERR_INVALID_ARGUMENT,
        tacc_status::TACC_ERR_NULL_ARGUMENT,
        tacc_status::TACC_ERR_UNKNOWN_TOKENIZER,
        tacc_status::TACC_ERR_UNKNOWN_TOKEN,
        tacc_status::TACC_ERR_CORRUPT,
        tacc_status::TACC_ERR_CHECKSUM,
        tacc_status::TACC_ERR_TOO_LARGE,
        tacc_status::TACC_ERR_INVALID_UTF8,
        tacc_status::TACC_ERR_MISMATCH,
        tacc_status::TACC_ERR_IO,
        tacc_status::TACC_ERR_PANIC,
    ];

    /// The static message of a status (`tacc_status_str`), NUL-terminated: the core's
    /// [`ErrorKind::description`].
    pub(crate) fn message(code: i32) -> &'static std::ffi::CStr {
        use std::ffi::CString;
        use std::sync::OnceLock;
        // Made once from the core's descriptions, and kept: the pointers are handed out as static.
        static MESSAGES: OnceLock<Vec<(i32, CString)>> = OnceLock::new();
        let all = MESSAGES.get_or_init(|| {
            let kinds = ErrorKind::ALL.iter().map(|k| (k.code(), k.description()));
            std::iter::once((0, "ok"))
                .chain(kinds)
                .map(|(c, d)| (c, CString::new(d).unwrap_or_default()))
                .collect()
        });
        all.iter()
            .find(|(c, _)| *c == code)
            .map_or(c"unknown status code", |(_, m)| m.as_c_str())
    }
}

/// The one place where an error kind becomes a C status: the codes are the kinds' codes
/// (checked for every kind by `statuses_are_the_error_kinds`).
impl From<ErrorKind> for tacc_status {
    fn from(kind: ErrorKind) -> tacc_status {
        tacc_status::ALL
            .into_iter()
            .find(|s| *s as i32 == kind.code())
            .unwrap_or(tacc_status::TACC_ERR_PANIC)
    }
}

impl tacc_status {
    /// The stable name of a status (`tacc_status_name`): "Ok", or the core's [`ErrorKind::name`];
    /// None for an unknown code.
    pub(crate) fn name(code: i32) -> Option<&'static std::ffi::CStr> {
        use std::ffi::CString;
        use std::sync::OnceLock;
        static NAMES: OnceLock<Vec<(i32, CString)>> = OnceLock::new();
        let all = NAMES.get_or_init(|| {
            let kinds = ErrorKind::ALL.iter().map(|k| (k.code(), k.name()));
            std::iter::once((0, "Ok"))
                .chain(kinds)
                .map(|(c, n)| (c, CString::new(n).unwrap_or_default()))
                .collect()
        });
        all.iter()
            .find(|(c, _)| *c == code)
            .map(|(_, n)| n.as_c_str())
    }
}

impl From<&Error> for tacc_status {
    fn from(e: &Error) -> tacc_status {
        e.kind().into()
    }
}

#[cfg(test)]
mod status_tests {
    use super::*;

    #[test]
    fn statuses_are_the_error_kinds() {
        for kind in ErrorKind::ALL {
            assert_eq!(tacc_status::from(kind) as i32, kind.code(), "{kind}");
        }
        assert_eq!(
            tacc_status::ALL.len(),
            ErrorKind::ALL.len() + 1,
            "one status per kind, and OK"
        );
    }
}

/// Frame methods. The values are the method IDs written in frames: never renumbered.
/// Fields that hold a method are `uint32_t` (any value may arrive from C; unknown ones are refused).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tacc_method {
    /// The content as is.
    TACC_METHOD_STORED = 0,
    /// zstd over the text bytes (LoPace 0.1.5's "zstd" payload in the raw layout).
    TACC_METHOD_ZSTD = 1,
    /// gzip over the text bytes.
    TACC_METHOD_GZIP = 2,
    /// LoPace 0.1.5's "token" payload (packed u16/u32 token IDs).
    TACC_METHOD_LOPACE_TOKEN = 3,
    /// LoPace 0.1.5's "hybrid" payload (zstd over the token payload).
    TACC_METHOD_LOPACE_HYBRID = 4,
    /// tacc 0.1.0's payload: frequency-mapped token IDs in Thrift CompactProtocol.
    TACC_METHOD_TACC = 5,
    /// tacc 0.1.0's payload, gzip-compressed.
    TACC_METHOD_TACC_GZIP = 6,
    /// The first context-model coder, kept to read v1 frames and for comparisons (frames only).
    TACC_METHOD_MODEL_V1 = 7,
    /// The context-model entropy coder (the default; frames only). Was 7 before format v2.
    TACC_METHOD_MODEL = 9,
}

/// `tacc_options.layout`: what the encode calls write and the decode calls read.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tacc_layout {
    /// tacc's self-describing frame (method, tokenizer, length, CRC-32): decoders need no options.
    TACC_LAYOUT_FRAME = 0,
    /// The method's payload alone, byte-identical to the peer package: tacc 0.1.0 for
    /// TACC_METHOD_TACC/TACC_GZIP, LoPace 0.1.5 for ZSTD/LOPACE_TOKEN/LOPACE_HYBRID.
    /// The decoder must be given the same method.
    TACC_LAYOUT_RAW = 1,
}

/// What a frame holds (`tacc_frame_info.content_kind`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tacc_content_kind {
    /// UTF-8 text.
    TACC_CONTENT_TEXT = 0,
    /// Token IDs.
    TACC_CONTENT_TOKEN_IDS = 1,
    /// Bytes that are not UTF-8.
    TACC_CONTENT_BYTES = 2,
}

// The values are the core's ContentKind IDs (frames store them): one numbering.
const _: () = assert!(
    tacc_content_kind::TACC_CONTENT_TEXT as u32 == ContentKind::Text as u32
        && tacc_content_kind::TACC_CONTENT_TOKEN_IDS as u32 == ContentKind::TokenIds as u32
        && tacc_content_kind::TACC_CONTENT_BYTES as u32 == ContentKind::Bytes as u32,
    "tacc_content_kind must be ContentKind's IDs"
);
// Likewise the layouts.
const _: () = assert!(
    tacc_layout::TACC_LAYOUT_FRAME as u32 == crate::codec::Layout::Frame as u32
        && tacc_layout::TACC_LAYOUT_RAW as u32 == crate::codec::Layout::Raw as u32,
    "tacc_layout must be Layout's IDs"
);

/// Options of the encode and decode calls. Always start from `tacc_options_init()`, which sets
/// `struct_size` and the defaults, then change fields. Passing NULL means the defaults.
///
/// An extensible struct (docs/ABI.md): the library reads only the first `struct_size` bytes
/// (at least its 0.1 size: 32 bytes on 64-bit targets) and gives later fields their defaults.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct tacc_options {
    /// `sizeof(tacc_options)` of the caller's header.
    pub struct_size: usize,
    /// A `tacc_method` value, or `TACC_METHOD_AUTO` (frames only). Default TACC_METHOD_MODEL.
    pub method: u32,
    /// A `tacc_layout` value. Default TACC_LAYOUT_FRAME.
    pub layout: u32,
    /// zstd level 1-22 for ZSTD and LOPACE_HYBRID; 0 also means the default (what
    /// `tacc_options_init` sets: 15).
    pub zstd_level: i32,
    /// gzip level 1-12 for GZIP and TACC_GZIP frames; 0 also means the default (what
    /// `tacc_options_init` sets: 9). The raw tacc-gzip layout always uses 9, as tacc 0.1.0 does.
    pub gzip_level: i32,
    /// `TACC_FLAG_*` bits; 0 for the defaults.
    pub flags: u32,
}

/// `sizeof(tacc_options)` in 0.1 (64-bit targets), frozen: the smallest `struct_size` accepted.
pub(crate) const TACC_OPTIONS_SIZE_0_1: usize = size_0_1!(32, tacc_options);
const _: () = assert!(std::mem::size_of::<tacc_options>() >= TACC_OPTIONS_SIZE_0_1);

impl Extensible for tacc_options {
    const NAME: &'static str = "tacc_options";
    const SIZE_0_1: usize = TACC_OPTIONS_SIZE_0_1;
    /// The core's `Options::default()`, the one place option defaults live.
    fn defaults() -> tacc_options {
        let d = crate::codec::Options::default();
        tacc_options {
            struct_size: std::mem::size_of::<tacc_options>(),
            method: d.method.map_or(TACC_METHOD_AUTO, |m| m as u32),
            layout: d.layout as u32,
            zstd_level: d.zstd_level,
            gzip_level: d.gzip_level,
            flags: if d.checksum { 0 } else { TACC_FLAG_NO_CHECKSUM },
        }
    }
}

/// Default `tacc_limits.max_output_bytes`: 64 MiB.
pub const TACC_DEFAULT_MAX_OUTPUT_BYTES: u64 = 67108864;
/// Default `tacc_limits.max_tokens`: 16 Mi token IDs.
pub const TACC_DEFAULT_MAX_TOKENS: u64 = 16777216;
/// Hard cap on `tacc_limits.max_output_bytes` (1 GiB): larger values are lowered to it.
pub const TACC_MAX_OUTPUT_BYTES: u64 = 1073741824;
/// Hard cap on `tacc_limits.max_tokens` (256 Mi): larger values are lowered to it.
pub const TACC_MAX_TOKENS: u64 = 268435456;

// The header's literals are the Rust constants.
const _: () = assert!(
    TACC_DEFAULT_MAX_OUTPUT_BYTES == crate::limits::DEFAULT_MAX_OUTPUT_BYTES as u64
        && TACC_DEFAULT_MAX_TOKENS == crate::limits::DEFAULT_MAX_TOKENS as u64
        && TACC_MAX_OUTPUT_BYTES == crate::limits::MAX_DECODED_BYTES as u64
        && TACC_MAX_TOKENS == crate::limits::MAX_TOKENS as u64,
    "update the TACC_*_MAX_* constants"
);

/// What one decode may produce (`tacc_codec_with_limits`). Payloads come from the network: a
/// decode that would pass a limit fails with TACC_ERR_TOO_LARGE before the memory is allocated
/// or the work done. Always start from `tacc_limits_init()`, which sets `struct_size` and the
/// defaults; a zeroed field (with `struct_size` set) also means its default.
///
/// An extensible struct, as `tacc_options` (at least its 0.1 size: 24 bytes on 64-bit targets).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct tacc_limits {
    /// `sizeof(tacc_limits)` of the caller's header.
    pub struct_size: usize,
    /// Largest output of one decode call, in bytes: text or bytes, or token IDs x 4. For a
    /// stream decoder, the largest output of one pushed chunk. 0: the default
    /// (TACC_DEFAULT_MAX_OUTPUT_BYTES, 64 MiB); at most TACC_MAX_OUTPUT_BYTES (1 GiB).
    pub max_output_bytes: u64,
    /// Largest number of token IDs one decode call produces (a stream decoder: the whole
    /// stream). 0: the default (TACC_DEFAULT_MAX_TOKENS, 16 Mi); at most TACC_MAX_TOKENS.
    pub max_tokens: u64,
}

/// `sizeof(tacc_limits)` in 0.1 (64-bit targets), frozen: the smallest `struct_size` accepted.
const TACC_LIMITS_SIZE_0_1: usize = size_0_1!(24, tacc_limits);
const _: () = assert!(std::mem::size_of::<tacc_limits>() >= TACC_LIMITS_SIZE_0_1);

impl Extensible for tacc_limits {
    const NAME: &'static str = "tacc_limits";
    const SIZE_0_1: usize = TACC_LIMITS_SIZE_0_1;
    fn defaults() -> tacc_limits {
        tacc_limits::of(crate::limits::Limits::DEFAULT)
    }
}

impl tacc_limits {
    /// The C form of the core's limits.
    pub(crate) fn of(l: crate::limits::Limits) -> tacc_limits {
        tacc_limits {
            struct_size: std::mem::size_of::<tacc_limits>(),
            max_output_bytes: l.max_output_bytes as u64,
            max_tokens: l.max_tokens as u64,
        }
    }
}

/// A codec described by names, files and bytes (`tacc_codec_new_from_spec`): the C form of the
/// core's `CodecSpec`, whose `build` holds every rule for combining the fields (the library adds
/// none). Always start from `tacc_codec_spec_init()`, which zeroes every field and sets
/// `struct_size`; then set what you need. Every field is optional (NULL):
///
/// | given | the codec |
/// |---|---|
/// | `tokenizer` only | that vocabulary: a built-in, or an open model's ("llama3", ...) for token IDs only |
/// | a tokenizer file (and optionally an open model's name, checked against it) | the file's tokenizer: an open model's file is recognized by its token table and named; any other is custom, split by `pattern` |
/// | a priors file only | token IDs, with the vocabulary the priors name |
/// | nothing | cl100k_base |
///
/// A mapping or priors file then replaces the default, and `limits` bounds every decode.
/// Each file is given as a path (`*_file`, NUL-terminated) **or** as bytes (`*_bytes` + `*_len`),
/// never both (TACC_ERR_INVALID_ARGUMENT). Bytes count as given when the pointer is not NULL
/// (`len` may be 0); a NULL pointer with `len` > 0 is TACC_ERR_NULL_ARGUMENT. Names and the
/// pattern are UTF-8 (else TACC_ERR_INVALID_UTF8); paths are the platform's bytes. Everything is
/// read during the call and not kept.
///
/// An extensible struct, as `tacc_options` (at least its first size: 112 bytes on 64-bit
/// targets).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct tacc_codec_spec {
    /// `sizeof(tacc_codec_spec)` of the caller's header.
    pub struct_size: usize,
    /// A vocabulary name: built-in ("cl100k_base", ...) or open ("llama3", "llama4", "qwen",
    /// "qwen3_6", "tekken_240911"; `tacc_open_vocab_name`). NULL: none.
    pub tokenizer: *const std::ffi::c_char,
    /// Path of a tokenizer file: a tiktoken rank file (`.tiktoken`, Llama's `tokenizer.model`)
    /// or Tekken JSON. NULL: none.
    pub tokenizer_file: *const std::ffi::c_char,
    /// The tokenizer file's bytes instead of its path. NULL: none.
    pub tokenizer_bytes: *const u8,
    /// Length of `tokenizer_bytes`.
    pub tokenizer_len: usize,
    /// The split pattern of a custom tokenizer file: a preset ("cl100k", "o200k", "gpt2",
    /// "qwen2") or a regex. NULL: the file's own, else "cl100k".
    pub pattern: *const std::ffi::c_char,
    /// Path of a tacc mapping file (`tacc mapping`). NULL: none.
    pub mapping_file: *const std::ffi::c_char,
    /// The mapping file's bytes instead of its path. NULL: none.
    pub mapping_bytes: *const u8,
    /// Length of `mapping_bytes`.
    pub mapping_len: usize,
    /// Path of a priors file (`tacc train`, or an open model's `models/<name>.tpf.zst`).
    pub priors_file: *const std::ffi::c_char,
    /// The priors file's bytes instead of its path. NULL: none.
    pub priors_bytes: *const u8,
    /// Length of `priors_bytes`.
    pub priors_len: usize,
    /// A folder of named priors files: an open vocabulary's priors are read from
    /// `<priors_dir>/<name>.tpf.zst` when no priors file is given (a missing file is no error:
    /// the codec then codes adaptively). NULL: none.
    pub priors_dir: *const std::ffi::c_char,
    /// Decode limits (see `tacc_limits`; read during the call). NULL: the defaults.
    pub limits: *const tacc_limits,
}

/// The first `sizeof(tacc_codec_spec)` (64-bit targets), frozen: the smallest `struct_size`
/// accepted. The struct came after 0.1.0's others, so this is its size when it was added.
pub(crate) const TACC_CODEC_SPEC_SIZE_0_1: usize = size_0_1!(112, tacc_codec_spec);
const _: () = assert!(std::mem::size_of::<tacc_codec_spec>() >= TACC_CODEC_SPEC_SIZE_0_1);

impl Extensible for tacc_codec_spec {
    const NAME: &'static str = "tacc_codec_spec";
    const SIZE_0_1: usize = TACC_CODEC_SPEC_SIZE_0_1;
    fn defaults() -> tacc_codec_spec {
        tacc_codec_spec {
            struct_size: std::mem::size_of::<tacc_codec_spec>(),
            tokenizer: std::ptr::null(),
            tokenizer_file: std::ptr::null(),
            tokenizer_bytes: std::ptr::null(),
            tokenizer_len: 0,
            pattern: std::ptr::null(),
            mapping_file: std::ptr::null(),
            mapping_bytes: std::ptr::null(),
            mapping_len: 0,
            priors_file: std::ptr::null(),
            priors_bytes: std::ptr::null(),
            priors_len: 0,
            priors_dir: std::ptr::null(),
            limits: std::ptr::null(),
        }
    }
}

/// A byte buffer allocated by the library. Release it with `tacc_buf_free` or `tacc_free(data)`,
/// never with `free`.
/// `data` is NULL when `len` is 0. Text results are UTF-8 and not NUL-terminated.
#[repr(C)]
#[derive(Debug)]
pub struct tacc_buf {
    /// The bytes (owned by the library until `tacc_buf_free`).
    pub data: *mut u8,
    /// Number of bytes.
    pub len: usize,
}

/// A token-ID array allocated by the library. Release it with `tacc_ids_free` or
/// `tacc_free(data)`, never with `free`.
/// `data` is NULL when `len` is 0.
#[repr(C)]
#[derive(Debug)]
pub struct tacc_ids {
    /// The token IDs (owned by the library until `tacc_ids_free`).
    pub data: *mut u32,
    /// Number of token IDs.
    pub len: usize,
}

/// What a frame's header says (`tacc_frame_inspect`). An extensible struct: set `struct_size`
/// (at least its 0.1 size: 32 bytes on 64-bit targets) before the call; the library writes only the fields that
/// fit in it.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct tacc_frame_info {
    /// `sizeof(tacc_frame_info)` of the caller's header.
    pub struct_size: usize,
    /// The frame's `tacc_method`.
    pub method: u32,
    /// The frame's `tacc_content_kind`.
    pub content_kind: u32,
    /// v1 frames: text and bytes, length in bytes; token IDs, count. v2 frames do not store
    /// it: UINT64_MAX (decode the frame to learn it).
    pub content_len: u64,
    /// Built-in tokenizer ID (1 cl100k_base ... 7 r50k_base), 0 for none or custom.
    pub tokenizer_id: u32,
    /// 1 if the frame stores a CRC-32 of its content.
    pub has_checksum: u32,
}

/// `sizeof(tacc_frame_info)` in 0.1 (64-bit targets), frozen: the smallest `struct_size` accepted.
pub(crate) const TACC_FRAME_INFO_SIZE_0_1: usize = size_0_1!(32, tacc_frame_info);
const _: () = assert!(std::mem::size_of::<tacc_frame_info>() >= TACC_FRAME_INFO_SIZE_0_1);

impl Extensible for tacc_frame_info {
    const NAME: &'static str = "tacc_frame_info";
    const SIZE_0_1: usize = TACC_FRAME_INFO_SIZE_0_1;
    fn defaults() -> tacc_frame_info {
        tacc_frame_info {
            struct_size: std::mem::size_of::<tacc_frame_info>(),
            method: 0,
            content_kind: 0,
            content_len: u64::MAX,
            tokenizer_id: 0,
            has_checksum: 0,
        }
    }
}

/// A codec: a tokenizer plus its tacc mapping.
///
/// Thread rule: immutable after creation, share it freely: any number of threads may call any
/// function on one codec at the same time. Free it once, after every call on it has returned.
pub struct tacc_codec {
    pub(crate) codec: crate::Codec,
    pub(crate) name: std::ffi::CString,
}

#[cfg(test)]
mod feature_tests {
    #[test]
    fn tacc_features_reports_this_build() {
        let f = super::api::tacc_features();
        assert_eq!(
            f & super::TACC_FEATURE_ENCODE != 0,
            cfg!(feature = "encode")
        );
        assert_eq!(
            f & super::TACC_FEATURE_DECODE != 0,
            cfg!(feature = "decode")
        );
        assert_eq!(f & super::TACC_FEATURE_V1 != 0, cfg!(feature = "v1"));
        assert_eq!(
            f & super::TACC_FEATURE_CL100K != 0,
            cfg!(feature = "cl100k")
        );
        assert_eq!(f & super::TACC_FEATURE_O200K != 0, cfg!(feature = "o200k"));
    }
}
