//! Tests of the C ABI through its Rust signatures: NULLs, bad lengths, round trips, panics.

use std::ffi::{c_char, CStr};
use std::ptr::{null, null_mut};

use super::api::*;
use super::boundary;
use super::entry::*;
use super::stats::*;
use super::*;

const TEXT: &str = "The quick brown fox jumps over the lazy dog. Ünïcödé and emoji 🦊 too.";

fn codec() -> *mut tacc_codec {
    let mut c = null_mut();
    let st = unsafe { tacc_codec_new(c"cl100k_base".as_ptr(), &mut c, null_mut()) };
    assert_eq!(st, tacc_status::TACC_OK);
    assert!(!c.is_null());
    c
}

fn opts(method: u32, layout: tacc_layout) -> tacc_options {
    let mut o = tacc_options {
        struct_size: 0,
        method: 0,
        layout: 0,
        zstd_level: 0,
        gzip_level: 0,
        flags: 0,
    };
    unsafe { tacc_options_init(&mut o) };
    o.method = method;
    o.layout = layout as u32;
    o
}

fn empty_buf() -> tacc_buf {
    tacc_buf {
        data: null_mut(),
        len: 0,
    }
}

fn empty_ids() -> tacc_ids {
    tacc_ids {
        data: null_mut(),
        len: 0,
    }
}

unsafe fn take_msg(msg: *mut c_char) -> String {
    assert!(!msg.is_null(), "an error message was expected");
    let s = unsafe { CStr::from_ptr(msg) }.to_str().unwrap().to_string();
    unsafe { tacc_str_free(msg) };
    s
}

fn buf_bytes(b: &tacc_buf) -> Vec<u8> {
    if b.len == 0 {
        return vec![];
    }
    unsafe { std::slice::from_raw_parts(b.data, b.len) }.to_vec()
}

fn ids_vec(b: &tacc_ids) -> Vec<u32> {
    if b.len == 0 {
        return vec![];
    }
    unsafe { std::slice::from_raw_parts(b.data, b.len) }.to_vec()
}

#[test]
fn version_matches_cargo() {
    let v = format!(
        "{}.{}.{}",
        TACC_VERSION_MAJOR, TACC_VERSION_MINOR, TACC_VERSION_PATCH
    );
    assert_eq!(v, env!("CARGO_PKG_VERSION"));
    assert_eq!(
        tacc_version(),
        (TACC_VERSION_MAJOR << 16) | (TACC_VERSION_MINOR << 8) | TACC_VERSION_PATCH
    );
    assert_eq!(
        unsafe { CStr::from_ptr(tacc_version_string()) }
            .to_str()
            .unwrap(),
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(tacc_format_version(), crate::format::FORMAT_VERSION as u32);
}

#[test]
fn header_macros_match_cargo() {
    // The checked-in header must carry the same numbers (the drift check regenerates it).
    let h = include_str!("../../include/tacc.h");
    let get = |name: &str| -> String {
        let line = h
            .lines()
            .find(|l| l.starts_with(&format!("#define {name} ")))
            .unwrap_or_else(|| panic!("{name}"));
        line[format!("#define {name} ").len()..].trim().to_string()
    };
    assert_eq!(get("TACC_VERSION_MAJOR"), env!("CARGO_PKG_VERSION_MAJOR"));
    assert_eq!(get("TACC_VERSION_MINOR"), env!("CARGO_PKG_VERSION_MINOR"));
    assert_eq!(get("TACC_VERSION_PATCH"), env!("CARGO_PKG_VERSION_PATCH"));
}

#[test]
fn status_strings_and_method_names() {
    for code in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100, -1, 55, i32::MAX] {
        let s = unsafe { CStr::from_ptr(tacc_status_str(code)) };
        assert!(!s.to_bytes().is_empty());
    }
    assert_eq!(
        unsafe { CStr::from_ptr(tacc_status_str(0)) }
            .to_str()
            .unwrap(),
        "ok"
    );
    for m in crate::format::Method::ALL {
        let name = tacc_method_name(m as u32);
        assert!(!name.is_null(), "{m:?} has no C name");
        let n = unsafe { CStr::from_ptr(name) }.to_str().unwrap();
        assert_eq!(n, m.name());
        let mut back = 99;
        let cname = std::ffi::CString::new(n).unwrap();
        assert_eq!(
            unsafe { tacc_method_from_name(cname.as_ptr(), &mut back, null_mut()) },
            tacc_status::TACC_OK
        );
        assert_eq!(back, m as u32);
    }
    assert!(tacc_method_name(8).is_null());
    let mut m = 0;
    assert_eq!(
        unsafe { tacc_method_from_name(c"auto".as_ptr(), &mut m, null_mut()) },
        tacc_status::TACC_OK
    );
    assert_eq!(m, TACC_METHOD_AUTO);
    let mut msg = null_mut();
    assert_eq!(
        unsafe { tacc_method_from_name(c"brotli".as_ptr(), &mut m, &mut msg) },
        tacc_status::TACC_ERR_INVALID_ARGUMENT
    );
    assert!(unsafe { take_msg(msg) }.contains("brotli"));
}

#[test]
fn unknown_tokenizer_and_null_name() {
    let mut c = null_mut();
    let mut msg = null_mut();
    let st = unsafe { tacc_codec_new(c"llama".as_ptr(), &mut c, &mut msg) };
    assert_eq!(st, tacc_status::TACC_ERR_UNKNOWN_TOKENIZER);
    assert!(c.is_null(), "out written only on success");
    assert!(unsafe { take_msg(msg) }.contains("llama"));
    assert_eq!(
        unsafe { tacc_codec_new(null(), &mut c, null_mut()) },
        tacc_status::TACC_ERR_NULL_ARGUMENT
    );
    assert_eq!(
        unsafe { tacc_codec_new(c"gpt2".as_ptr(), null_mut(), null_mut()) },
        tacc_status::TACC_ERR_NULL_ARGUMENT
    );
    unsafe { tacc_codec_free(null_mut()) };
}

#[test]
fn round_trip_text_every_method_framed() {
    let c = codec();
    assert_eq!(
        unsafe { CStr::from_ptr(tacc_codec_tokenizer(c)) }
            .to_str()
            .unwrap(),
        "cl100k_base"
    );
    for m in (0..7).chain([TACC_METHOD_AUTO]) {
        let o = opts(m, tacc_layout::TACC_LAYOUT_FRAME);
        let mut frame = empty_buf();
        let st = unsafe {
            tacc_compress_text(
                c,
                TEXT.as_ptr().cast(),
                TEXT.len(),
                &o,
                &mut frame,
                null_mut(),
            )
        };
        assert_eq!(st, tacc_status::TACC_OK, "method {m}");
        let mut info = tacc_frame_info {
            struct_size: std::mem::size_of::<tacc_frame_info>(),
            method: 0,
            content_kind: 9,
            content_len: 0,
            tokenizer_id: 0,
            has_checksum: 0,
        };
        assert_eq!(
            unsafe { tacc_frame_inspect(frame.data, frame.len, &mut info, null_mut()) },
            tacc_status::TACC_OK
        );
        assert_eq!(
            info.content_kind,
            tacc_content_kind::TACC_CONTENT_TEXT as u32
        );
        // v2 frames store no length.
        assert_eq!(info.content_len, u64::MAX);
        if m != TACC_METHOD_AUTO {
            assert_eq!(info.method, m);
        }
        for dec_codec in [c as *const tacc_codec, null()] {
            let mut back = empty_buf();
            let st = unsafe {
                tacc_decompress_text(
                    dec_codec,
                    frame.data,
                    frame.len,
                    null(),
                    &mut back,
                    null_mut(),
                )
            };
            assert_eq!(st, tacc_status::TACC_OK);
            assert_eq!(buf_bytes(&back), TEXT.as_bytes());
            unsafe { tacc_buf_free(&mut back) };
            assert!(back.data.is_null());
        }
        unsafe { tacc_buf_free(&mut frame) };
        unsafe { tacc_buf_free(&mut frame) }; // second free of a released buffer does nothing
    }
    unsafe { tacc_codec_free(c) };
}

#[test]
fn round_trip_raw_layouts() {
    let c = codec();
    for m in [
        Method::Zstd,
        Method::LopaceToken,
        Method::LopaceHybrid,
        Method::Tacc,
        Method::TaccGzip,
    ] {
        let o = opts(m as u32, tacc_layout::TACC_LAYOUT_RAW);
        let mut raw = empty_buf();
        assert_eq!(
            unsafe {
                tacc_compress_text(
                    c,
                    TEXT.as_ptr().cast(),
                    TEXT.len(),
                    &o,
                    &mut raw,
                    null_mut(),
                )
            },
            tacc_status::TACC_OK
        );
        let mut back = empty_buf();
        assert_eq!(
            unsafe { tacc_decompress_text(c, raw.data, raw.len, &o, &mut back, null_mut()) },
            tacc_status::TACC_OK
        );
        assert_eq!(buf_bytes(&back), TEXT.as_bytes());
        unsafe { tacc_buf_free(&mut raw) };
        unsafe { tacc_buf_free(&mut back) };
    }
    // Raw tacc payloads are tacc 0.1.0's encode_token_ids, byte for byte.
    let ids = crate::Codec::new("cl100k_base")
        .unwrap()
        .tokenize(TEXT)
        .unwrap();
    let expected = crate::Codec::new("cl100k_base")
        .unwrap()
        .compress_tacc_payload(&ids, false)
        .unwrap();
    let o = opts(Method::Tacc as u32, tacc_layout::TACC_LAYOUT_RAW);
    let mut raw = empty_buf();
    assert_eq!(
        unsafe { tacc_compress_token_ids(c, ids.as_ptr(), ids.len(), &o, &mut raw, null_mut()) },
        tacc_status::TACC_OK
    );
    assert_eq!(buf_bytes(&raw), expected);
    let mut back = empty_ids();
    assert_eq!(
        unsafe { tacc_decompress_token_ids(c, raw.data, raw.len, &o, &mut back, null_mut()) },
        tacc_status::TACC_OK
    );
    assert_eq!(ids_vec(&back), ids);
    unsafe { tacc_ids_free(&mut back) };
    unsafe { tacc_buf_free(&mut raw) };
    // Stored and gzip have no peer payload; raw decoding needs a codec.
    for m in [Method::Stored as u32, Method::Gzip as u32, TACC_METHOD_AUTO] {
        let o = opts(m, tacc_layout::TACC_LAYOUT_RAW);
        let mut out = empty_buf();
        assert_eq!(
            unsafe {
                tacc_compress_text(
                    c,
                    TEXT.as_ptr().cast(),
                    TEXT.len(),
                    &o,
                    &mut out,
                    null_mut(),
                )
            },
            tacc_status::TACC_ERR_INVALID_ARGUMENT
        );
    }
    let o = opts(Method::Tacc as u32, tacc_layout::TACC_LAYOUT_RAW);
    let mut out = empty_buf();
    assert_eq!(
        unsafe { tacc_decompress_text(null(), b"x".as_ptr(), 1, &o, &mut out, null_mut()) },
        tacc_status::TACC_ERR_NULL_ARGUMENT
    );
    unsafe { tacc_codec_free(c) };
}

#[test]
fn round_trip_token_ids_and_bytes() {
    let c = codec();
    let ids: Vec<u32> = (0..1000).map(|i| (i * 37) % 100_000).collect();
    for m in [0, 3, 4, 5, 6, TACC_METHOD_AUTO] {
        let o = opts(m, tacc_layout::TACC_LAYOUT_FRAME);
        let mut frame = empty_buf();
        assert_eq!(
            unsafe {
                tacc_compress_token_ids(c, ids.as_ptr(), ids.len(), &o, &mut frame, null_mut())
            },
            tacc_status::TACC_OK,
            "method {m}"
        );
        let mut back = empty_ids();
        assert_eq!(
            unsafe {
                tacc_decompress_token_ids(c, frame.data, frame.len, null(), &mut back, null_mut())
            },
            tacc_status::TACC_OK
        );
        assert_eq!(ids_vec(&back), ids);
        // Asking for text from a token-ID frame is an error with a message.
        let mut msg = null_mut();
        let mut t = empty_buf();
        assert_eq!(
            unsafe { tacc_decompress_text(c, frame.data, frame.len, null(), &mut t, &mut msg) },
            tacc_status::TACC_ERR_INVALID_ARGUMENT
        );
        assert!(unsafe { take_msg(msg) }.contains("token IDs"));
        unsafe { tacc_ids_free(&mut back) };
        unsafe { tacc_buf_free(&mut frame) };
    }
    // zstd/gzip cannot hold token IDs.
    let o = opts(1, tacc_layout::TACC_LAYOUT_FRAME);
    let mut f = empty_buf();
    assert_eq!(
        unsafe { tacc_compress_token_ids(c, ids.as_ptr(), ids.len(), &o, &mut f, null_mut()) },
        tacc_status::TACC_ERR_INVALID_ARGUMENT
    );
    // Empty inputs: NULL with length 0 is fine, and the results are empty.
    let mut frame = empty_buf();
    assert_eq!(
        unsafe { tacc_compress_token_ids(c, null(), 0, null(), &mut frame, null_mut()) },
        tacc_status::TACC_OK
    );
    let mut back = empty_ids();
    assert_eq!(
        unsafe {
            tacc_decompress_token_ids(c, frame.data, frame.len, null(), &mut back, null_mut())
        },
        tacc_status::TACC_OK
    );
    assert_eq!(back.len, 0);
    assert!(back.data.is_null());
    unsafe { tacc_buf_free(&mut frame) };
    // Non-UTF-8 bytes go through zstd.
    let bytes = [0xffu8, 0xfe, 0, 1, 2, 3, 0x80];
    let mut frame = empty_buf();
    assert_eq!(
        unsafe {
            tacc_compress_bytes(
                c,
                bytes.as_ptr(),
                bytes.len(),
                null(),
                &mut frame,
                null_mut(),
            )
        },
        tacc_status::TACC_OK
    );
    let mut back = empty_buf();
    assert_eq!(
        unsafe { tacc_decompress_bytes(null(), frame.data, frame.len, &mut back, null_mut()) },
        tacc_status::TACC_OK
    );
    assert_eq!(buf_bytes(&back), bytes);
    unsafe { tacc_buf_free(&mut back) };
    unsafe { tacc_buf_free(&mut frame) };
    unsafe { tacc_codec_free(c) };
}

#[test]
fn tokenize_detokenize() {
    let c = codec();
    let mut ids = empty_ids();
    assert_eq!(
        unsafe { tacc_tokenize(c, TEXT.as_ptr().cast(), TEXT.len(), &mut ids, null_mut()) },
        tacc_status::TACC_OK
    );
    assert!(ids.len > 10);
    let mut text = empty_buf();
    assert_eq!(
        unsafe { tacc_detokenize(c, ids.data, ids.len, &mut text, null_mut()) },
        tacc_status::TACC_OK
    );
    assert_eq!(buf_bytes(&text), TEXT.as_bytes());
    unsafe { tacc_buf_free(&mut text) };
    unsafe { tacc_ids_free(&mut ids) };
    let bad = [u32::MAX];
    let mut msg = null_mut();
    assert_eq!(
        unsafe { tacc_detokenize(c, bad.as_ptr(), 1, &mut text, &mut msg) },
        tacc_status::TACC_ERR_UNKNOWN_TOKEN
    );
    unsafe { take_msg(msg) };
    unsafe { tacc_codec_free(c) };
}

#[test]
fn null_pointers_and_bad_lengths_are_errors() {
    let c = codec();
    let mut out = empty_buf();
    let mut ids = empty_ids();
    let n = tacc_status::TACC_ERR_NULL_ARGUMENT;
    unsafe {
        assert_eq!(
            tacc_compress_text(
                null(),
                TEXT.as_ptr().cast(),
                3,
                null(),
                &mut out,
                null_mut()
            ),
            n
        );
        assert_eq!(
            tacc_compress_text(c, null(), 3, null(), &mut out, null_mut()),
            n
        );
        assert_eq!(
            tacc_compress_text(c, TEXT.as_ptr().cast(), 3, null(), null_mut(), null_mut()),
            n
        );
        assert_eq!(
            tacc_compress_token_ids(c, null(), 5, null(), &mut out, null_mut()),
            n
        );
        assert_eq!(
            tacc_decompress_text(c, null(), 5, null(), &mut out, null_mut()),
            n
        );
        assert_eq!(
            tacc_decompress_token_ids(c, null(), 5, null(), &mut ids, null_mut()),
            n
        );
        assert_eq!(tacc_decompress_bytes(c, null(), 5, &mut out, null_mut()), n);
        assert_eq!(tacc_tokenize(c, null(), 1, &mut ids, null_mut()), n);
        assert_eq!(tacc_detokenize(c, null(), 1, &mut out, null_mut()), n);
        assert_eq!(tacc_frame_inspect(null(), 1, null_mut(), null_mut()), n);
        assert_eq!(
            tacc_codec_stats(null(), null(), 0, null(), null_mut(), null_mut()),
            n
        );
        // Lengths no buffer can have.
        let mut msg = null_mut();
        assert_eq!(
            tacc_compress_token_ids(
                c,
                [1u32].as_ptr(),
                usize::MAX / 2,
                null(),
                &mut out,
                &mut msg
            ),
            tacc_status::TACC_ERR_INVALID_ARGUMENT
        );
        assert!(take_msg(msg).contains("length"));
        assert_eq!(
            tacc_decompress_text(c, [1u8].as_ptr(), usize::MAX, null(), &mut out, null_mut()),
            tacc_status::TACC_ERR_INVALID_ARGUMENT
        );
        // Misaligned ID pointer.
        let raw = [0u32; 4];
        let mis = (raw.as_ptr() as *const u8).add(1) as *const u32;
        assert_eq!(
            tacc_compress_token_ids(c, mis, 2, null(), &mut out, null_mut()),
            tacc_status::TACC_ERR_INVALID_ARGUMENT
        );
        // Invalid UTF-8 text.
        let bad = [b'a', 0xff];
        assert_eq!(
            tacc_compress_text(c, bad.as_ptr().cast(), 2, null(), &mut out, null_mut()),
            tacc_status::TACC_ERR_INVALID_UTF8
        );
        // Bad options.
        let mut o = opts(6, tacc_layout::TACC_LAYOUT_FRAME);
        o.struct_size = 4;
        assert_eq!(
            tacc_compress_text(c, TEXT.as_ptr().cast(), 3, &o, &mut out, null_mut()),
            tacc_status::TACC_ERR_INVALID_ARGUMENT
        );
        for bad in [
            tacc_options {
                method: 8,
                ..opts(6, tacc_layout::TACC_LAYOUT_FRAME)
            },
            tacc_options {
                method: 1 << 20,
                ..opts(6, tacc_layout::TACC_LAYOUT_FRAME)
            },
            tacc_options {
                layout: 9,
                ..opts(6, tacc_layout::TACC_LAYOUT_FRAME)
            },
            tacc_options {
                flags: 2,
                ..opts(6, tacc_layout::TACC_LAYOUT_FRAME)
            },
            tacc_options {
                zstd_level: 99,
                ..opts(1, tacc_layout::TACC_LAYOUT_FRAME)
            },
            tacc_options {
                gzip_level: -5,
                ..opts(2, tacc_layout::TACC_LAYOUT_FRAME)
            },
        ] {
            assert_eq!(
                tacc_compress_text(c, TEXT.as_ptr().cast(), 3, &bad, &mut out, null_mut()),
                tacc_status::TACC_ERR_INVALID_ARGUMENT,
                "{bad:?}"
            );
        }
        // A larger struct_size (a newer header) is accepted.
        let mut o = opts(1, tacc_layout::TACC_LAYOUT_FRAME);
        o.struct_size = std::mem::size_of::<tacc_options>();
        assert_eq!(
            tacc_compress_text(c, TEXT.as_ptr().cast(), 3, &o, &mut out, null_mut()),
            tacc_status::TACC_OK
        );
        tacc_buf_free(&mut out);
        tacc_buf_free(null_mut());
        tacc_ids_free(null_mut());
        tacc_str_free(null_mut());
        tacc_stats_free(null_mut());
        assert!(tacc_codec_tokenizer(null()).is_null());
    }
    assert!(out.data.is_null(), "outputs are untouched on failure");
    unsafe { tacc_codec_free(c) };
}

#[test]
fn corrupt_frames_are_errors() {
    let c = codec();
    let mut frame = empty_buf();
    assert_eq!(
        unsafe {
            tacc_compress_text(
                c,
                TEXT.as_ptr().cast(),
                TEXT.len(),
                null(),
                &mut frame,
                null_mut(),
            )
        },
        tacc_status::TACC_OK
    );
    let good = buf_bytes(&frame);
    unsafe { tacc_buf_free(&mut frame) };
    let mut out = empty_buf();
    let mut msg = null_mut();
    assert_eq!(
        unsafe { tacc_decompress_text(c, b"hello".as_ptr(), 5, null(), &mut out, &mut msg) },
        tacc_status::TACC_ERR_CORRUPT
    );
    assert!(unsafe { take_msg(msg) }.contains("magic"));
    // Every truncation and every single-byte flip fails cleanly (no crash, no output).
    for cut in 0..good.len() {
        let st =
            unsafe { tacc_decompress_text(c, good.as_ptr(), cut, null(), &mut out, null_mut()) };
        assert_ne!(st, tacc_status::TACC_OK);
        assert_ne!(st, tacc_status::TACC_ERR_PANIC);
    }
    for i in 0..good.len() {
        let mut bad = good.clone();
        bad[i] ^= 0x41;
        let st = unsafe {
            tacc_decompress_text(c, bad.as_ptr(), bad.len(), null(), &mut out, null_mut())
        };
        assert_ne!(st, tacc_status::TACC_ERR_PANIC);
        if st == tacc_status::TACC_OK {
            unsafe { tacc_buf_free(&mut out) };
        }
    }
    let mut bad = good.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    assert_eq!(
        unsafe { tacc_decompress_text(c, bad.as_ptr(), bad.len(), null(), &mut out, null_mut()) },
        tacc_status::TACC_ERR_CHECKSUM
    );
    unsafe { tacc_codec_free(c) };
}

#[test]
fn stats_cover_every_method() {
    let c = codec();
    let mut s = null_mut();
    assert_eq!(
        unsafe {
            tacc_codec_stats(
                c,
                TEXT.as_ptr().cast(),
                TEXT.len(),
                null(),
                &mut s,
                null_mut(),
            )
        },
        tacc_status::TACC_OK
    );
    unsafe {
        assert_eq!(tacc_stats_original_bytes(s), TEXT.len() as u64);
        assert!(tacc_stats_original_tokens(s) > 0);
        let n = tacc_stats_method_count(s);
        assert_eq!(n, Method::ALL.len());
        let mut m = tacc_method_stats {
            struct_size: std::mem::size_of::<tacc_method_stats>(),
            method: 0,
            compressed_bytes: 0,
            ratio: 0.0,
            size_fraction: 0.0,
            space_saved_percent: 0.0,
            bytes_saved: 0,
            encode_seconds: 0.0,
            decode_seconds: 0.0,
        };
        for i in 0..n {
            assert_eq!(
                tacc_stats_method(s, i, &mut m, null_mut()),
                tacc_status::TACC_OK
            );
            assert_eq!(m.method, Method::ALL[i] as u32);
            assert!(m.compressed_bytes > 0);
        }
        assert_eq!(
            tacc_stats_method(s, n, &mut m, null_mut()),
            tacc_status::TACC_ERR_INVALID_ARGUMENT
        );
        m.struct_size = 8;
        assert_eq!(
            tacc_stats_method(s, 0, &mut m, null_mut()),
            tacc_status::TACC_ERR_INVALID_ARGUMENT
        );
        tacc_stats_free(s);
    }
    unsafe { tacc_codec_free(c) };
}

#[test]
fn one_codec_many_threads() {
    let c = codec() as usize; // raw pointers are not Send: pass the address, as a C caller would
    std::thread::scope(|scope| {
        for t in 0..4 {
            scope.spawn(move || {
                let c = c as *const tacc_codec;
                let text = format!("thread {t}: {TEXT}");
                for i in 0..20u32 {
                    let o = opts(i % 7, tacc_layout::TACC_LAYOUT_FRAME);
                    let mut frame = empty_buf();
                    assert_eq!(
                        unsafe {
                            tacc_compress_text(
                                c,
                                text.as_ptr().cast(),
                                text.len(),
                                &o,
                                &mut frame,
                                null_mut(),
                            )
                        },
                        tacc_status::TACC_OK
                    );
                    let mut back = empty_buf();
                    assert_eq!(
                        unsafe {
                            tacc_decompress_text(
                                c,
                                frame.data,
                                frame.len,
                                null(),
                                &mut back,
                                null_mut(),
                            )
                        },
                        tacc_status::TACC_OK
                    );
                    assert_eq!(buf_bytes(&back), text.as_bytes());
                    unsafe { tacc_buf_free(&mut back) };
                    unsafe { tacc_buf_free(&mut frame) };
                }
            });
        }
    });
    unsafe { tacc_codec_free(c as *mut tacc_codec) };
}

#[test]
fn panics_become_a_status_and_a_message() {
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut msg = null_mut();
    let st = boundary::call(&mut msg, || panic!("boom"));
    assert_eq!(st, tacc_status::TACC_ERR_PANIC);
    let m = unsafe { take_msg(msg) };
    assert!(m.contains("boom"), "{m}");
    assert_eq!(
        boundary::call(null_mut(), || panic!("{}", String::from("owned"))),
        tacc_status::TACC_ERR_PANIC
    );
    assert_eq!(boundary::value(7, || panic!("x")), 7);
    std::panic::set_hook(prev);
}

use crate::format::Method;

fn limits(max_output_bytes: u64, max_tokens: u64) -> tacc_limits {
    let mut l = tacc_limits {
        struct_size: 0,
        max_output_bytes: 1,
        max_tokens: 1,
    };
    unsafe { tacc_limits_init(&mut l) };
    assert_eq!(l.struct_size, std::mem::size_of::<tacc_limits>());
    assert_eq!(l.max_output_bytes, TACC_DEFAULT_MAX_OUTPUT_BYTES);
    assert_eq!(l.max_tokens, TACC_DEFAULT_MAX_TOKENS);
    l.max_output_bytes = max_output_bytes;
    l.max_tokens = max_tokens;
    l
}

fn codec_limits(c: *const tacc_codec) -> (u64, u64) {
    let mut l = limits(0, 0);
    assert_eq!(
        unsafe { tacc_codec_limits(c, &mut l, null_mut()) },
        tacc_status::TACC_OK
    );
    (l.max_output_bytes, l.max_tokens)
}

#[test]
fn limits_are_read_like_options_and_reported() {
    unsafe { tacc_limits_init(null_mut()) };
    let base = codec();
    assert_eq!(
        codec_limits(base),
        (TACC_DEFAULT_MAX_OUTPUT_BYTES, TACC_DEFAULT_MAX_TOKENS)
    );
    // Zeros are the defaults, values past the hard caps are lowered to them.
    for (asked, got) in [
        (
            (0, 0),
            (TACC_DEFAULT_MAX_OUTPUT_BYTES, TACC_DEFAULT_MAX_TOKENS),
        ),
        ((1000, 7), (1000, 7)),
        (
            (u64::MAX, u64::MAX),
            (TACC_MAX_OUTPUT_BYTES, TACC_MAX_TOKENS),
        ),
    ] {
        let l = limits(asked.0, asked.1);
        let mut c = null_mut();
        let st = unsafe { tacc_codec_with_limits(base, &l, &mut c, null_mut()) };
        assert_eq!(st, tacc_status::TACC_OK);
        assert_eq!(codec_limits(c), got);
        assert_eq!(
            unsafe { CStr::from_ptr(tacc_codec_tokenizer(c)) }.to_str(),
            Ok("cl100k_base")
        );
        unsafe { tacc_codec_free(c) };
    }
    // A NULL base: a codec over a built-in tokenizer of this build.
    let l = limits(5000, 0);
    let mut c = null_mut();
    let st = unsafe { tacc_codec_with_limits(null(), &l, &mut c, null_mut()) };
    assert_eq!(st, tacc_status::TACC_OK);
    assert_eq!(codec_limits(c), (5000, TACC_DEFAULT_MAX_TOKENS));
    // The new codec outlives its base.
    let mut derived = null_mut();
    let l2 = limits(6000, 0);
    let st = unsafe { tacc_codec_with_limits(c, &l2, &mut derived, null_mut()) };
    assert_eq!(st, tacc_status::TACC_OK);
    unsafe { tacc_codec_free(c) };
    assert_eq!(codec_limits(derived), (6000, TACC_DEFAULT_MAX_TOKENS));
    unsafe { tacc_codec_free(derived) };
    // struct_size: too small is refused (and nothing is written), larger is fine.
    let mut small = limits(1, 1);
    small.struct_size = std::mem::size_of::<usize>();
    let mut c = null_mut();
    let mut msg = null_mut();
    let st = unsafe { tacc_codec_with_limits(base, &small, &mut c, &mut msg) };
    assert_eq!(st, tacc_status::TACC_ERR_INVALID_ARGUMENT);
    assert!(c.is_null());
    assert!(unsafe { take_msg(msg) }.contains("tacc_limits_init"));
    assert_eq!(
        unsafe { tacc_codec_limits(base, &mut small, null_mut()) },
        tacc_status::TACC_ERR_INVALID_ARGUMENT
    );
    #[repr(C)]
    struct Newer {
        l: tacc_limits,
        future: u64,
    }
    let mut newer = Newer {
        l: limits(1234, 0),
        future: 99,
    };
    newer.l.struct_size = std::mem::size_of::<Newer>();
    let st = unsafe { tacc_codec_with_limits(base, &newer.l, &mut c, null_mut()) };
    assert_eq!(st, tacc_status::TACC_OK);
    assert_eq!(codec_limits(c), (1234, TACC_DEFAULT_MAX_TOKENS));
    assert_eq!(
        unsafe { tacc_codec_limits(c, &mut newer.l, null_mut()) },
        tacc_status::TACC_OK
    );
    assert_eq!(newer.l.struct_size, std::mem::size_of::<Newer>());
    assert_eq!(newer.future, 99);
    unsafe { tacc_codec_free(c) };
    // NULLs.
    let st = unsafe { tacc_codec_with_limits(base, null(), &mut c, null_mut()) };
    assert_eq!(st, tacc_status::TACC_ERR_NULL_ARGUMENT);
    let st = unsafe { tacc_codec_with_limits(base, &l, null_mut(), null_mut()) };
    assert_eq!(st, tacc_status::TACC_ERR_NULL_ARGUMENT);
    let st = unsafe { tacc_codec_limits(null(), &mut newer.l, null_mut()) };
    assert_eq!(st, tacc_status::TACC_ERR_NULL_ARGUMENT);
    unsafe { tacc_codec_free(base) };
}

#[test]
fn decode_calls_honour_the_codec_limits() {
    let base = codec();
    let text = "limits ".repeat(2000); // 14,000 bytes
    let mut frames = Vec::new();
    for m in [
        Method::Stored as u32,
        Method::Zstd as u32,
        Method::Gzip as u32,
        Method::LopaceHybrid as u32,
        Method::TaccGzip as u32,
        Method::Model as u32,
    ] {
        let o = opts(m, tacc_layout::TACC_LAYOUT_FRAME);
        let mut f = empty_buf();
        let st = unsafe {
            tacc_compress_text(
                base,
                text.as_ptr().cast(),
                text.len(),
                &o,
                &mut f,
                null_mut(),
            )
        };
        assert_eq!(st, tacc_status::TACC_OK);
        frames.push((m, buf_bytes(&f)));
        unsafe { tacc_buf_free(&mut f) };
    }
    let small = limits(10_000, 0);
    let mut limited = null_mut();
    assert_eq!(
        unsafe { tacc_codec_with_limits(base, &small, &mut limited, null_mut()) },
        tacc_status::TACC_OK
    );
    let roomy = limits(20_000, 0);
    let mut ok = null_mut();
    assert_eq!(
        unsafe { tacc_codec_with_limits(null(), &roomy, &mut ok, null_mut()) },
        tacc_status::TACC_OK
    );
    for (m, f) in &frames {
        let mut out = empty_buf();
        let mut msg = null_mut();
        let st = unsafe {
            tacc_decompress_text(limited, f.as_ptr(), f.len(), null(), &mut out, &mut msg)
        };
        assert_eq!(st, tacc_status::TACC_ERR_TOO_LARGE, "method {m}");
        assert!(out.data.is_null());
        assert!(unsafe { take_msg(msg) }.contains("max_"), "method {m}");
        let st =
            unsafe { tacc_decompress_bytes(limited, f.as_ptr(), f.len(), &mut out, null_mut()) };
        assert_eq!(st, tacc_status::TACC_ERR_TOO_LARGE, "method {m}");
        // Within the limits (a codec made from NULL decodes any built-in tokenizer's frames).
        let st =
            unsafe { tacc_decompress_text(ok, f.as_ptr(), f.len(), null(), &mut out, null_mut()) };
        assert_eq!(st, tacc_status::TACC_OK, "method {m}");
        assert_eq!(buf_bytes(&out), text.as_bytes());
        unsafe { tacc_buf_free(&mut out) };
    }
    // Token IDs: 4 bytes each against max_output_bytes, and max_tokens.
    let ids: Vec<u32> = (0..3000).map(|i| 1000 + i % 50).collect();
    let mut f = empty_buf();
    let o = opts(Method::Model as u32, tacc_layout::TACC_LAYOUT_FRAME);
    let st =
        unsafe { tacc_compress_token_ids(base, ids.as_ptr(), ids.len(), &o, &mut f, null_mut()) };
    assert_eq!(st, tacc_status::TACC_OK);
    let few = limits(0, 2999);
    let mut c = null_mut();
    assert_eq!(
        unsafe { tacc_codec_with_limits(base, &few, &mut c, null_mut()) },
        tacc_status::TACC_OK
    );
    for (codec, want) in [
        (limited, tacc_status::TACC_ERR_TOO_LARGE),
        (c, tacc_status::TACC_ERR_TOO_LARGE),
        (ok, tacc_status::TACC_OK),
    ] {
        let mut back = empty_ids();
        let st = unsafe {
            tacc_decompress_token_ids(codec, f.data, f.len, null(), &mut back, null_mut())
        };
        assert_eq!(st, want);
        unsafe { tacc_ids_free(&mut back) };
    }
    // Raw layouts go through the same codec.
    for m in [Method::TaccGzip as u32, Method::LopaceHybrid as u32] {
        let o = opts(m, tacc_layout::TACC_LAYOUT_RAW);
        let mut raw = empty_buf();
        let st = unsafe {
            tacc_compress_text(
                base,
                text.as_ptr().cast(),
                text.len(),
                &o,
                &mut raw,
                null_mut(),
            )
        };
        assert_eq!(st, tacc_status::TACC_OK);
        let mut out = empty_buf();
        let st =
            unsafe { tacc_decompress_text(limited, raw.data, raw.len, &o, &mut out, null_mut()) };
        assert_eq!(st, tacc_status::TACC_ERR_TOO_LARGE, "raw method {m}");
        unsafe { tacc_buf_free(&mut raw) };
    }
    unsafe {
        tacc_buf_free(&mut f);
        tacc_codec_free(c);
        tacc_codec_free(ok);
        tacc_codec_free(limited);
        tacc_codec_free(base);
    }
}

#[test]
fn encode_decode_free_every_kind() {
    let c = codec();
    let ids: Vec<u32> = vec![1, 2, 3, 50_000];
    let bytes: Vec<u8> = vec![0xff, 0x00, 0xfe, 0x80];
    let raw = opts(
        tacc_method::TACC_METHOD_TACC as u32,
        tacc_layout::TACC_LAYOUT_RAW,
    );
    let cases: [(
        tacc_content_kind,
        *const std::ffi::c_void,
        usize,
        Vec<u8>,
        *const tacc_options,
    ); 4] = [
        (
            tacc_content_kind::TACC_CONTENT_TEXT,
            TEXT.as_ptr().cast(),
            TEXT.len(),
            TEXT.as_bytes().to_vec(),
            null(),
        ),
        (
            tacc_content_kind::TACC_CONTENT_TOKEN_IDS,
            ids.as_ptr().cast(),
            ids.len(),
            ids.iter().flat_map(|i| i.to_ne_bytes()).collect(),
            null(),
        ),
        (
            tacc_content_kind::TACC_CONTENT_BYTES,
            bytes.as_ptr().cast(),
            bytes.len(),
            bytes.clone(),
            null(),
        ),
        (
            tacc_content_kind::TACC_CONTENT_TEXT,
            TEXT.as_ptr().cast(),
            TEXT.len(),
            TEXT.as_bytes().to_vec(),
            &raw,
        ),
    ];
    for (kind, input, len, want, o) in cases {
        let (mut frame, mut n) = (null_mut(), 0);
        let st = unsafe {
            tacc_encode(
                c,
                kind as u32,
                input,
                len,
                o,
                &mut frame,
                &mut n,
                null_mut(),
            )
        };
        assert_eq!(st, tacc_status::TACC_OK, "{kind:?}");
        assert!(!frame.is_null() && n > 0);
        for codec in [c as *const tacc_codec, null()] {
            if !o.is_null() && codec.is_null() {
                continue; // the raw layout needs its codec
            }
            let (mut back, mut m) = (null_mut(), 0);
            let st = unsafe {
                tacc_decode(
                    codec,
                    frame,
                    n,
                    kind as u32,
                    o,
                    &mut back,
                    &mut m,
                    null_mut(),
                )
            };
            assert_eq!(st, tacc_status::TACC_OK, "{kind:?}");
            let unit = if kind == tacc_content_kind::TACC_CONTENT_TOKEN_IDS {
                4
            } else {
                1
            };
            assert_eq!(m * unit, want.len());
            assert_eq!((back as usize) % 16, 0, "outputs are aligned");
            let got = unsafe { std::slice::from_raw_parts(back.cast::<u8>(), m * unit) };
            assert_eq!(got, &want[..]);
            unsafe { tacc_free(back) };
        }
        unsafe { tacc_free(frame.cast()) };
    }
    // Empty content decodes to NULL, 0; tacc_free(NULL) is a no-op.
    let (mut frame, mut n) = (null_mut(), 0);
    let k = tacc_content_kind::TACC_CONTENT_TEXT as u32;
    assert_eq!(
        unsafe { tacc_encode(c, k, null(), 0, null(), &mut frame, &mut n, null_mut()) },
        tacc_status::TACC_OK
    );
    let (mut back, mut m) = (std::ptr::dangling_mut::<std::ffi::c_void>(), 7);
    assert_eq!(
        unsafe { tacc_decode(null(), frame, n, k, null(), &mut back, &mut m, null_mut()) },
        tacc_status::TACC_OK
    );
    assert!(back.is_null() && m == 0);
    unsafe { tacc_free(frame.cast()) };
    unsafe { tacc_free(null_mut()) };
    // Errors: unknown kind, NULL outs, wrong kind; messages are freed by tacc_free too.
    let mut msg = null_mut();
    let st = unsafe {
        tacc_encode(
            c,
            9,
            TEXT.as_ptr().cast(),
            3,
            null(),
            &mut frame,
            &mut n,
            &mut msg,
        )
    };
    assert_eq!(st, tacc_status::TACC_ERR_INVALID_ARGUMENT);
    assert!(unsafe { CStr::from_ptr(msg) }
        .to_str()
        .unwrap()
        .contains("content kind"));
    unsafe { tacc_free(msg.cast()) };
    let st = unsafe {
        tacc_encode(
            c,
            k,
            TEXT.as_ptr().cast(),
            3,
            null(),
            null_mut(),
            &mut n,
            null_mut(),
        )
    };
    assert_eq!(st, tacc_status::TACC_ERR_NULL_ARGUMENT);
    let st = unsafe {
        tacc_encode(
            null(),
            k,
            TEXT.as_ptr().cast(),
            3,
            null(),
            &mut frame,
            &mut n,
            null_mut(),
        )
    };
    assert_eq!(st, tacc_status::TACC_ERR_NULL_ARGUMENT);
    assert_eq!(
        unsafe {
            tacc_encode(
                c,
                k,
                TEXT.as_ptr().cast(),
                3,
                null(),
                &mut frame,
                &mut n,
                null_mut(),
            )
        },
        tacc_status::TACC_OK
    );
    let ik = tacc_content_kind::TACC_CONTENT_TOKEN_IDS as u32;
    let st = unsafe { tacc_decode(c, frame, n, ik, null(), &mut back, &mut m, null_mut()) };
    assert_eq!(st, tacc_status::TACC_ERR_INVALID_ARGUMENT);
    let st = unsafe { tacc_decode(null(), frame, n, k, &raw, &mut back, &mut m, null_mut()) };
    assert_eq!(st, tacc_status::TACC_ERR_NULL_ARGUMENT, "raw needs a codec");
    unsafe { tacc_free(frame.cast()) };
    // The typed buffers are the same allocations: tacc_free releases their data.
    let mut b = empty_buf();
    assert_eq!(
        unsafe {
            tacc_compress_text(
                c,
                TEXT.as_ptr().cast(),
                TEXT.len(),
                null(),
                &mut b,
                null_mut(),
            )
        },
        tacc_status::TACC_OK
    );
    unsafe { tacc_free(b.data.cast()) };
    let mut i = empty_ids();
    assert_eq!(
        unsafe { tacc_tokenize(c, TEXT.as_ptr().cast(), TEXT.len(), &mut i, null_mut()) },
        tacc_status::TACC_OK
    );
    unsafe { tacc_free(i.data.cast()) };
    unsafe { tacc_codec_free(c) };
}

#[test]
fn status_names_are_the_error_kinds() {
    let name = |c| {
        unsafe { CStr::from_ptr(tacc_status_name(c)) }
            .to_str()
            .unwrap()
    };
    assert_eq!(name(0), "Ok");
    for k in crate::error::ErrorKind::ALL {
        assert_eq!(name(k.code()), k.name());
        let desc = unsafe { CStr::from_ptr(tacc_status_str(k.code())) };
        assert_eq!(desc.to_str().unwrap(), k.description());
    }
    assert!(tacc_status_name(55).is_null());
    assert!(tacc_status_name(-1).is_null());
}

#[test]
fn extensible_structs_written_only_up_to_struct_size() {
    // A caller with the 0.1 struct and canary bytes after it: nothing past struct_size changes.
    #[repr(C)]
    struct Padded<T> {
        v: T,
        canary: [u8; 32],
    }
    let c = codec();
    let mut frame = empty_buf();
    assert_eq!(
        unsafe {
            tacc_compress_text(
                c,
                TEXT.as_ptr().cast(),
                TEXT.len(),
                null(),
                &mut frame,
                null_mut(),
            )
        },
        tacc_status::TACC_OK
    );
    let mut info: Padded<tacc_frame_info> = unsafe { std::mem::zeroed() };
    info.canary = [0xAA; 32];
    info.v.struct_size = TACC_FRAME_INFO_SIZE_0_1;
    assert_eq!(
        unsafe { tacc_frame_inspect(frame.data, frame.len, &mut info.v, null_mut()) },
        tacc_status::TACC_OK
    );
    assert_eq!(info.v.method, tacc_method::TACC_METHOD_MODEL as u32);
    assert_eq!(info.canary, [0xAA; 32]);
    info.v.struct_size = TACC_FRAME_INFO_SIZE_0_1 - 1;
    assert_eq!(
        unsafe { tacc_frame_inspect(frame.data, frame.len, &mut info.v, null_mut()) },
        tacc_status::TACC_ERR_INVALID_ARGUMENT
    );
    // Options past the 0.1 size are not read (the canary is garbage for us).
    let mut o: Padded<tacc_options> = Padded {
        v: opts(
            tacc_method::TACC_METHOD_ZSTD as u32,
            tacc_layout::TACC_LAYOUT_FRAME,
        ),
        canary: [0xFF; 32],
    };
    o.v.struct_size = TACC_OPTIONS_SIZE_0_1;
    let mut out = empty_buf();
    assert_eq!(
        unsafe {
            tacc_compress_text(
                c,
                TEXT.as_ptr().cast(),
                TEXT.len(),
                &o.v,
                &mut out,
                null_mut(),
            )
        },
        tacc_status::TACC_OK
    );
    unsafe { tacc_buf_free(&mut out) };
    o.v.struct_size = TACC_OPTIONS_SIZE_0_1 - 1;
    assert_eq!(
        unsafe {
            tacc_compress_text(
                c,
                TEXT.as_ptr().cast(),
                TEXT.len(),
                &o.v,
                &mut out,
                null_mut(),
            )
        },
        tacc_status::TACC_ERR_INVALID_ARGUMENT
    );
    // The defaults come from the core's Options::default().
    let d = crate::codec::Options::default();
    let o = opts(TACC_METHOD_AUTO, tacc_layout::TACC_LAYOUT_FRAME);
    assert_eq!((o.zstd_level, o.gzip_level), (d.zstd_level, d.gzip_level));
    unsafe { tacc_buf_free(&mut frame) };
    unsafe { tacc_codec_free(c) };
}

// ---- tacc_codec_spec (issue 14) -----------------------------------------------------------------

fn spec() -> tacc_codec_spec {
    let mut s = std::mem::MaybeUninit::<tacc_codec_spec>::zeroed();
    unsafe { tacc_codec_spec_init(s.as_mut_ptr()) };
    unsafe { s.assume_init() }
}

fn from_spec(s: &tacc_codec_spec) -> Result<*mut tacc_codec, (tacc_status, String)> {
    let mut c = null_mut();
    let mut err: *mut c_char = null_mut();
    let st = unsafe { tacc_codec_new_from_spec(s, &mut c, &mut err) };
    if st == tacc_status::TACC_OK {
        assert!(err.is_null() && !c.is_null());
        return Ok(c);
    }
    assert!(c.is_null());
    let msg = unsafe { CStr::from_ptr(err) }
        .to_string_lossy()
        .into_owned();
    unsafe { tacc_free(err.cast()) };
    Err((st, msg))
}

#[test]
fn codec_spec_is_codec_spec_build() {
    let priors_path = concat!(env!("CARGO_MANIFEST_DIR"), "/models/qwen.tpf.zst\0");
    let bytes = std::fs::read(priors_path.trim_end_matches('\0')).unwrap();
    let ids: Vec<u32> = (0..200).map(|i| (i * 7919 + 13) % 50_000).collect();
    let want = crate::CodecSpec::new()
        .with_priors(crate::Source::Bytes(bytes.clone()))
        .build()
        .unwrap()
        .compress_token_ids(&ids, &crate::codec::Options::default())
        .unwrap();
    // By path and by bytes: the core's codec, the core's frame.
    let mut s = spec();
    s.priors_file = priors_path.as_ptr().cast();
    let by_path = from_spec(&s).unwrap();
    let mut s = spec();
    s.priors_bytes = bytes.as_ptr();
    s.priors_len = bytes.len();
    let by_bytes = from_spec(&s).unwrap();
    for c in [by_path, by_bytes] {
        let name = unsafe { CStr::from_ptr(tacc_codec_tokenizer(c)) };
        assert_eq!(name.to_str().unwrap(), "qwen");
        let mut b = empty_buf();
        let st = unsafe {
            tacc_compress_token_ids(c, ids.as_ptr(), ids.len(), null(), &mut b, null_mut())
        };
        assert_eq!(st, tacc_status::TACC_OK);
        assert_eq!(buf_bytes(&b), want);
        unsafe { tacc_buf_free(&mut b) };
        unsafe { tacc_codec_free(c) };
    }
    // Both a path and bytes; bytes NULL with a length; NULLs; small struct_size.
    s.priors_file = priors_path.as_ptr().cast();
    assert_eq!(
        from_spec(&s).unwrap_err().0,
        tacc_status::TACC_ERR_INVALID_ARGUMENT
    );
    let mut s = spec();
    s.mapping_len = 3;
    assert_eq!(
        from_spec(&s).unwrap_err().0,
        tacc_status::TACC_ERR_NULL_ARGUMENT
    );
    let mut c = null_mut();
    let st = unsafe { tacc_codec_new_from_spec(null(), &mut c, null_mut()) };
    assert_eq!(st, tacc_status::TACC_ERR_NULL_ARGUMENT);
    let st = unsafe { tacc_codec_new_from_spec(&spec(), null_mut(), null_mut()) };
    assert_eq!(st, tacc_status::TACC_ERR_NULL_ARGUMENT);
    let mut s = spec();
    s.struct_size = 8;
    let (st, msg) = from_spec(&s).unwrap_err();
    assert_eq!(st, tacc_status::TACC_ERR_INVALID_ARGUMENT);
    assert!(msg.contains("tacc_codec_spec.struct_size"), "{msg}");
    let mut s = spec();
    s.tokenizer = c"q\xffwen".as_ptr();
    assert_eq!(
        from_spec(&s).unwrap_err().0,
        tacc_status::TACC_ERR_INVALID_UTF8
    );
    // The empty spec is the core's empty spec: cl100k_base.
    let c = from_spec(&spec()).unwrap();
    let name = unsafe { CStr::from_ptr(tacc_codec_tokenizer(c)) };
    assert_eq!(name.to_str().unwrap(), "cl100k_base");
    unsafe { tacc_codec_free(c) };
}

#[test]
fn open_vocab_names_are_the_cores() {
    let names: Vec<String> = (0usize..)
        .map(|i| tacc_open_vocab_name(i))
        .take_while(|p| !p.is_null())
        .map(|p| unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, crate::OPEN_VOCAB_NAMES);
}

// ---- Batch calls ----------------------------------------------------------------------------

mod batch {
    use super::super::batch::*;
    use super::*;
    use std::ffi::c_void;

    fn empty_result() -> tacc_item_result {
        tacc_item_result {
            status: tacc_status::TACC_ERR_PANIC,
            data: null_mut(),
            len: 0,
            err_msg: null_mut(),
        }
    }

    fn item(b: &[u8]) -> tacc_item {
        tacc_item {
            data: b.as_ptr().cast(),
            len: b.len(),
        }
    }

    /// Takes a result's bytes and frees them (and its message).
    fn take(r: &tacc_item_result) -> Vec<u8> {
        let v = if r.len == 0 {
            vec![]
        } else {
            unsafe { std::slice::from_raw_parts(r.data.cast::<u8>(), r.len) }.to_vec()
        };
        unsafe {
            tacc_free(r.data);
            tacc_free(r.err_msg.cast::<c_void>());
        }
        v
    }

    #[test]
    fn items_keep_their_order_and_fail_alone() {
        let c = codec();
        let texts: Vec<Vec<u8>> = (0..40)
            .map(|i| format!("{TEXT} record {i}").into_bytes())
            .collect();
        let mut items: Vec<tacc_item> = texts.iter().map(|t| item(t)).collect();
        let bad = [0xFFu8, 0xFE, b'x'];
        items[5] = item(&bad); // not UTF-8: this item alone fails
        let mut frames_by_threads = Vec::new();
        for threads in [1u32, 2, 0] {
            let mut results = vec![empty_result(); items.len()];
            let mut msg = null_mut();
            let st = unsafe {
                tacc_encode_batch(
                    c,
                    tacc_content_kind::TACC_CONTENT_TEXT as u32,
                    items.as_ptr(),
                    items.len(),
                    null(),
                    threads,
                    results.as_mut_ptr(),
                    &mut msg,
                )
            };
            assert_eq!(st, tacc_status::TACC_ERR_INVALID_UTF8);
            assert!(unsafe { take_msg(msg) }.starts_with("item 5 "));
            assert_eq!(results[5].status, tacc_status::TACC_ERR_INVALID_UTF8);
            assert!(results[5].data.is_null() && !results[5].err_msg.is_null());
            let frames: Vec<Vec<u8>> = results.iter().map(take).collect();
            frames_by_threads.push(frames);
        }
        assert_eq!(frames_by_threads[0], frames_by_threads[1]);
        assert_eq!(frames_by_threads[0], frames_by_threads[2]);

        // Restore them, with one frame corrupted: that item alone fails.
        let mut frames = frames_by_threads.swap_remove(0);
        frames[5] = frames[6].clone();
        let last = frames[9].len() - 1;
        frames[9][last] ^= 0x40;
        let fitems: Vec<tacc_item> = frames.iter().map(|f| item(f)).collect();
        let mut results = vec![empty_result(); fitems.len()];
        let st = unsafe {
            tacc_decode_batch(
                c,
                fitems.as_ptr(),
                fitems.len(),
                tacc_content_kind::TACC_CONTENT_TEXT as u32,
                null(),
                2,
                results.as_mut_ptr(),
                null_mut(),
            )
        };
        assert_ne!(st, tacc_status::TACC_OK);
        for (i, r) in results.iter().enumerate() {
            let status = r.status;
            let out = take(r);
            match i {
                9 => assert_ne!(status, tacc_status::TACC_OK),
                5 => assert_eq!(out, texts[6]),
                _ => assert_eq!(out, texts[i], "item {i}"),
            }
        }
        unsafe { tacc_codec_free(c) };
    }

    #[test]
    fn argument_errors_fail_the_call_before_any_work() {
        let c = codec();
        let t = b"hello".to_vec();
        let items = [item(&t)];
        let mut results = [empty_result()];
        let kind = tacc_content_kind::TACC_CONTENT_TEXT as u32;
        let call = |codec, kind, results: *mut tacc_item_result| unsafe {
            tacc_encode_batch(
                codec,
                kind,
                items.as_ptr(),
                1,
                null(),
                0,
                results,
                null_mut(),
            )
        };
        assert_eq!(
            call(null(), kind, results.as_mut_ptr()),
            tacc_status::TACC_ERR_NULL_ARGUMENT
        );
        assert_eq!(
            call(c, 99, results.as_mut_ptr()),
            tacc_status::TACC_ERR_INVALID_ARGUMENT
        );
        assert_eq!(
            call(c, kind, null_mut()),
            tacc_status::TACC_ERR_NULL_ARGUMENT
        );
        assert_eq!(
            results[0].status,
            tacc_status::TACC_ERR_PANIC,
            "not written"
        );
        // Zero items: nothing to do, OK, NULL arrays allowed.
        let st =
            unsafe { tacc_decode_batch(c, null(), 0, kind, null(), 0, null_mut(), null_mut()) };
        assert_eq!(st, tacc_status::TACC_OK);
        unsafe { tacc_codec_free(c) };
    }
}
