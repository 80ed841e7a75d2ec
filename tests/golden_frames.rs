//! Golden frames and streams of both wire-format versions (tests/golden/frames_v1.json, frozen;
//! tests/vectors/frames.json, read by every language): every reader must decode them to the content they hold.
//!
//! tests/vectors/frames.json is written by this file:
//! `cargo test --release --test golden_frames -- --ignored write_golden_v2`
//! (rewrite it only when a v2 payload changes on purpose, e.g. when the `model` coder lands).
//! frames_v1.json came from the last v1 writer (the commit that added it holds its generator).
//!
//! Lean builds run what applies: a decode-only build (`--no-default-features --features
//! cl100k,decode,v1`) decodes the cases of the families it has; the v1 cases need `v1`, the
//! writer's checks `encode`.
#![cfg(feature = "decode")]

#[cfg(feature = "encode")]
use serde_json::json;
use serde_json::Value;
use std::sync::Arc;
use tacc::format::Header;
use tacc::{Builtin, Codec, Content, Mapping, StreamDecoder};
#[cfg(feature = "encode")]
use tacc::{Method, Options};

fn dir() -> String {
    format!("{}/tests/golden", env!("CARGO_MANIFEST_DIR"))
}

/// The current format's vectors, which every language's tests read.
fn load_v2() -> Value {
    let path = format!("{}/tests/vectors/frames.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn load(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{}/{name}", dir())).unwrap()).unwrap()
}

#[cfg(feature = "encode")]
fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn content(case: &Value) -> Content {
    match case["kind"].as_str().unwrap() {
        "text" => Content::Text(case["text"].as_str().unwrap().to_string()),
        "token_ids" => Content::TokenIds(
            case["token_ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap() as u32)
                .collect(),
        ),
        "bytes" => Content::Bytes(unhex(case["bytes_hex"].as_str().unwrap())),
        other => panic!("kind {other}"),
    }
}

/// The codec a case needs: its tokenizer, and its custom mapping if it has one.
fn codec_of(case: &Value) -> Codec {
    let c = Codec::new(case["tokenizer"].as_str().unwrap()).unwrap();
    match case.get("mapping_hex").and_then(Value::as_str) {
        Some(m) => c.with_mapping(Arc::new(Mapping::from_bytes(&unhex(m)).unwrap())),
        None => c,
    }
}

/// Whether this build has the case's tokenizer (cargo features); all do in the default build.
fn enabled(case: &Value) -> bool {
    Builtin::from_name(case["tokenizer"].as_str().unwrap()).is_ok_and(|b| b.is_enabled())
}

/// Checks every case this build can decode; the number of methods seen, or None when cases of a
/// family left out of this build were skipped.
fn check_frames(doc: &Value, version: u8) -> Option<usize> {
    let mut methods = std::collections::BTreeSet::new();
    let cases = doc["cases"].as_array().unwrap();
    let mut skipped = false;
    for case in cases {
        if !enabled(case) {
            skipped = true;
            continue;
        }
        let frame = unhex(case["frame_hex"].as_str().unwrap());
        let what = format!(
            "{} {} {} {}",
            case["tokenizer"], case["method"], case["kind"], case["label"]
        );
        let expected = content(case);
        let (h, _) = Header::parse(&frame).unwrap();
        assert_eq!(h.version, version, "{what}");
        // v1 called method 7 "model"; it is "model-v1" now.
        let name = match case["method"].as_str().unwrap() {
            "model" if version == 1 => "model-v1",
            other => other,
        };
        assert_eq!(h.method.name(), name, "{what}");
        assert_eq!(h.checksum, case["checksum"].as_bool().unwrap(), "{what}");
        methods.insert(h.method.name());
        assert_eq!(
            codec_of(case).decompress(&frame).unwrap(),
            expected,
            "{what}"
        );
        if case.get("mapping_hex").is_none() {
            assert_eq!(tacc::decompress(&frame).unwrap(), expected, "{what}");
        }
    }
    (!skipped).then_some(methods.len())
}

#[cfg(feature = "v1")]
#[test]
fn v1_frames_decode_as_they_always_did() {
    let doc = load("frames_v1.json");
    assert_eq!(doc["format_version"], 1);
    if let Some(n) = check_frames(&doc, 1) {
        assert_eq!(n, 8, "every v1 method");
    }
}

#[test]
fn v2_frames_decode() {
    let doc = load_v2();
    assert_eq!(doc["format_version"], 2);
    if let Some(n) = check_frames(&doc, 2) {
        assert_eq!(n, 9, "every v2 method");
    }
}

#[cfg(feature = "encode")]
/// The v2 header bytes are frozen: today's writer must produce the golden headers exactly
/// (payloads may improve; headers may not change).
#[test]
fn v2_headers_are_what_this_writer_writes() {
    let doc = load_v2();
    for case in doc["cases"].as_array().unwrap() {
        let frame = unhex(case["frame_hex"].as_str().unwrap());
        let again = make(case);
        let (_, p1) = Header::parse(&frame).unwrap();
        let (_, p2) = Header::parse(&again).unwrap();
        // What follows the payload: the CRC, or the length check of a frame without one.
        let tail = if case["checksum"] == true { 4 } else { 2 };
        let h1 = &frame[..frame.len() - p1.len() - tail];
        let h2 = &again[..again.len() - p2.len() - tail];
        assert_eq!(h1, h2, "{case}");
    }
}

fn check_streams(doc: &Value) {
    for s in doc["streams"].as_array().unwrap() {
        if !enabled(s) {
            continue;
        }
        let expected: Vec<u32> = s["token_ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as u32)
            .collect();
        let mut dec = StreamDecoder::new();
        let mut ids = Vec::new();
        let mut text = String::new();
        for chunk in s["chunks_hex"].as_array().unwrap() {
            let u = dec.push_chunk(&unhex(chunk.as_str().unwrap())).unwrap();
            ids.extend(u.token_ids);
            text += &u.text;
        }
        assert!(dec.is_finished());
        assert_eq!(ids, expected, "{}", s["tokenizer"]);
        let c = Codec::new(s["tokenizer"].as_str().unwrap()).unwrap();
        assert_eq!(text, c.detokenize(&ids).unwrap());
    }
}

#[cfg(feature = "v1")]
#[test]
fn v1_streams_decode() {
    check_streams(&load("frames_v1.json"));
}

#[test]
fn v2_streams_decode() {
    check_streams(&load_v2());
}

// ---- The generator ------------------------------------------------------------------------

#[cfg(feature = "encode")]
const TEXTS: [&str; 4] = [
    "",
    "Hello",
    "Here is a list:\n\n1. **Bold** item\n2. `code`\n\n```rust\nfn main() {}\n```\n",
    "naïve café — 日本語のテキスト، العربية 👩‍👩‍👧 <|endoftext|>",
];

#[cfg(feature = "encode")]
fn mapping() -> Mapping {
    let c = Codec::new("cl100k_base").unwrap();
    let mut counts = vec![0u64; c.vocab_size() as usize];
    for id in c
        .tokenize("the the the cat sat on the mat, the end")
        .unwrap()
    {
        counts[id as usize] += 1;
    }
    Mapping::from_counts(&counts).unwrap()
}

#[cfg(feature = "encode")]
/// Makes the frame a case describes (with this build's writer).
fn make(case: &Value) -> Vec<u8> {
    let c = codec_of(case);
    let opts = Options::method(Method::from_name(case["method"].as_str().unwrap()).unwrap())
        .with_checksum(case["checksum"].as_bool().unwrap());
    c.compress(content(case).as_input(), &opts).unwrap()
}

#[cfg(feature = "encode")]
#[test]
#[ignore = "writes tests/vectors/frames.json"]
fn write_golden_v2() {
    let mut cases: Vec<Value> = Vec::new();
    let mut push = |mut case: Value| {
        let frame = make(&case);
        case["frame_hex"] = json!(hex(&frame));
        cases.push(case);
    };
    for tok in [
        "cl100k_base",
        "o200k_base",
        "o200k_harmony",
        "gpt2",
        "p50k_base",
        "p50k_edit",
        "r50k_base",
    ] {
        let c = Codec::new(tok).unwrap();
        for (ti, text) in TEXTS.iter().enumerate() {
            for m in Method::ALL {
                let all = tok == "cl100k_base";
                if !(all || m == Method::Model || (ti == 2 && m == Method::Tacc)) {
                    continue;
                }
                for checksum in [true, false] {
                    if !(checksum || (all && ti == 2)) {
                        continue;
                    }
                    push(
                        json!({"label": format!("text{ti}"), "tokenizer": tok, "method": m.name(),
                        "kind": "text", "checksum": checksum, "text": text}),
                    );
                }
            }
            let ids = c.tokenize(text).unwrap();
            for m in Method::ALL {
                if (tok != "cl100k_base" && m != Method::Model)
                    || matches!(m, Method::Zstd | Method::Gzip)
                {
                    continue;
                }
                push(
                    json!({"label": format!("ids{ti}"), "tokenizer": tok, "method": m.name(),
                    "kind": "token_ids", "checksum": true, "token_ids": ids}),
                );
            }
        }
    }
    let bytes = b"valid start \xff\xfe invalid middle \xc3".to_vec();
    for m in [Method::Stored, Method::Zstd, Method::Gzip] {
        for checksum in [true, false] {
            push(
                json!({"label": "bytes", "tokenizer": "cl100k_base", "method": m.name(),
                "kind": "bytes", "checksum": checksum, "bytes_hex": hex(&bytes)}),
            );
        }
    }
    // IDs beyond the vocabulary (a Llama server's): stored, LoPace, and the model's explicit vocabulary.
    let llama = vec![128_000u32, 9906, 128_009];
    for m in [Method::Stored, Method::LopaceToken, Method::Model] {
        push(
            json!({"label": "foreign_ids", "tokenizer": "cl100k_base", "method": m.name(),
            "kind": "token_ids", "checksum": true, "token_ids": llama}),
        );
    }
    // A custom tacc mapping: the header extension names its fingerprint.
    let m = hex(&mapping().to_bytes());
    for method in [Method::Tacc, Method::TaccGzip] {
        push(
            json!({"label": "custom_mapping", "tokenizer": "cl100k_base", "method": method.name(),
            "kind": "text", "checksum": true, "text": "the cat sat", "mapping_hex": m}),
        );
    }
    let mut streams: Vec<Value> = Vec::new();
    for tok in ["cl100k_base", "gpt2"] {
        let c = Codec::new(tok).unwrap();
        let mut enc = c.stream_encoder().unwrap();
        let mut chunks = Vec::new();
        let mut all = Vec::new();
        for piece in ["Hello", ", wor", "", "ld! 😀 and more text, ", "the end."] {
            let ids = c.tokenize(piece).unwrap();
            all.extend_from_slice(&ids);
            enc.push_token_ids(&ids).unwrap();
            chunks.push(hex(&enc.flush().unwrap()));
        }
        chunks.push(hex(&enc.finish().unwrap()));
        streams.push(json!({"tokenizer": tok, "chunks_hex": chunks, "token_ids": all}));
    }
    let doc = json!({
        "about": "Frames and streams of wire-format version 2 (docs/FORMAT.md, docs/STREAM.md). Every reader must decode each frame_hex to its content (text, token_ids, or bytes_hex), with the tokenizer named and, where given, the custom tacc mapping mapping_hex. Written by `cargo test --release --test golden_frames -- --ignored write_golden_v2`.",
        "format_version": 2,
        "cases": cases,
        "streams": streams,
    });
    std::fs::write(
        format!("{}/tests/vectors/frames.json", env!("CARGO_MANIFEST_DIR")),
        serde_json::to_string_pretty(&doc).unwrap() + "\n",
    )
    .unwrap();
}
