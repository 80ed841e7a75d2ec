//! The error vectors every language reads (tests/vectors/errors.json; BLAKE3's
//! test_vectors.json is the model): the kinds with their stable names and codes, and inputs that
//! must fail with each kind through every binding's public API. A change to a kind or to what an
//! input fails with shows up as a diff of the file in review.
//!
//! Rewrite it with `cargo test --release --test vectors -- --ignored write_error_vectors`.
#![cfg(all(feature = "encode", feature = "decode", feature = "cl100k"))]

use serde_json::{json, Value};
use tacc::{Codec, ErrorKind, Limits, Method, Options};

fn path() -> String {
    format!("{}/tests/vectors/errors.json", env!("CARGO_MANIFEST_DIR"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn frames_case(label: &str) -> Value {
    let path = format!("{}/tests/vectors/frames.json", env!("CARGO_MANIFEST_DIR"));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["label"] == label)
        .unwrap_or_else(|| panic!("frames.json has no case {label}"))
        .clone()
}

/// Runs one case through the Rust API, as every binding runs it through its own.
fn run(case: &Value) -> tacc::Result<()> {
    let tokenizer = case["tokenizer"].as_str().unwrap();
    let codec = || -> tacc::Result<Codec> {
        let limit = |k: &str| case[k].as_u64().unwrap_or(0) as usize;
        Ok(Codec::new(tokenizer)?
            .with_limits(Limits::new(limit("max_output_bytes"), limit("max_tokens"))))
    };
    let data = || unhex(case["data_hex"].as_str().unwrap());
    match case["call"].as_str().unwrap() {
        "new_codec" => codec().map(drop),
        "decompress" => codec()?.decompress(&data()).map(drop),
        "decompress_text" => codec()?.decompress_text(&data()).map(drop),
        "decompress_token_ids" => codec()?.decompress_token_ids(&data()).map(drop),
        "detokenize" => {
            let ids: Vec<u32> = case["token_ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap() as u32)
                .collect();
            codec()?.detokenize(&ids).map(drop)
        }
        "compress_bytes" => {
            let method = Method::from_name(case["method"].as_str().unwrap())?;
            codec()?
                .compress_bytes(&data(), &Options::method(method))
                .map(drop)
        }
        other => panic!("unknown call {other}"),
    }
}

#[test]
fn kinds_are_the_cores() {
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path()).unwrap()).unwrap();
    let kinds: Vec<Value> = ErrorKind::ALL
        .iter()
        .map(|k| json!({"name": k.name(), "code": k.code(), "description": k.description()}))
        .collect();
    assert_eq!(
        doc["kinds"],
        Value::Array(kinds),
        "ErrorKind changed: rewrite tests/vectors/errors.json (see the file's doc)"
    );
}

#[test]
fn every_case_fails_with_its_kind() {
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path()).unwrap()).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    for case in cases {
        let want = case["kind"].as_str().unwrap();
        match run(case) {
            Ok(()) => panic!("{}: succeeded, expected {want}", case["label"]),
            Err(e) => assert_eq!(e.kind().name(), want, "{}: {e}", case["label"]),
        }
    }
    // Every kind a caller of the Rust API can meet is exercised (NullArgument is the C ABI's,
    // Internal a bug, Io needs files).
    for k in ErrorKind::ALL {
        if !matches!(
            k,
            ErrorKind::NullArgument | ErrorKind::Internal | ErrorKind::Io
        ) {
            assert!(
                cases.iter().any(|c| c["kind"] == k.name()),
                "no case of {k}"
            );
        }
    }
}

fn frame(text: &str, method: Method, checksum: bool) -> Vec<u8> {
    Codec::new("cl100k_base")
        .unwrap()
        .compress_text(text, &Options::method(method).with_checksum(checksum))
        .unwrap()
}

#[test]
#[ignore = "writes tests/vectors/errors.json"]
fn write_error_vectors() {
    let text = "The quick brown fox jumps over the lazy dog. ".repeat(8);
    let c = Codec::new("cl100k_base").unwrap();
    let ids_frame = c
        .compress_token_ids(&c.tokenize(&text).unwrap(), &Options::default())
        .unwrap();
    let stored = frame("hello, world", Method::Stored, true);
    let mut flipped = stored.clone();
    flipped[3] ^= 0x20; // a content byte: the CRC no longer matches
    let mut not_utf8 = frame("hello, world", Method::Stored, false);
    not_utf8[2] = 0xff; // the first content byte; the length check still holds
    let mut cut = frame(&text, Method::Model, true);
    cut.truncate(cut.len() / 2);
    let mut unknown_method = stored.clone();
    unknown_method[0] = (unknown_method[0] & 0xf0) | 0x0f;
    let stream_header = {
        let mut e = c.stream_encoder().unwrap();
        e.push_text("hi").unwrap();
        e.flush().unwrap()
    };
    let custom_mapping = frames_case("custom_mapping");
    let t = "cl100k_base";
    let cases = vec![
        json!({"label": "unknown tokenizer", "kind": "UnknownTokenizer", "call": "new_codec",
               "tokenizer": "no_such_tokenizer"}),
        json!({"label": "token ID past the vocabulary", "kind": "UnknownId", "call": "detokenize",
               "tokenizer": t, "token_ids": [9906, 4294967295u32]}),
        json!({"label": "token ID just past cl100k_base", "kind": "UnknownId", "call": "detokenize",
               "tokenizer": t, "token_ids": [100277]}),
        json!({"label": "empty input", "kind": "Corrupt", "call": "decompress", "tokenizer": t,
               "data_hex": ""}),
        json!({"label": "not a frame", "kind": "Corrupt", "call": "decompress", "tokenizer": t,
               "data_hex": hex(b"plain text")}),
        json!({"label": "model frame cut in half", "kind": "Corrupt", "call": "decompress",
               "tokenizer": t, "data_hex": hex(&cut)}),
        json!({"label": "unknown method 15", "kind": "Corrupt", "call": "decompress",
               "tokenizer": t, "data_hex": hex(&unknown_method)}),
        json!({"label": "a stream header is not a frame", "kind": "Corrupt", "call": "decompress",
               "tokenizer": t, "data_hex": hex(&stream_header)}),
        json!({"label": "content byte flipped", "kind": "ChecksumMismatch", "call": "decompress",
               "tokenizer": t, "data_hex": hex(&flipped)}),
        json!({"label": "stored text that is not UTF-8", "kind": "InvalidUtf8",
               "call": "decompress", "tokenizer": t, "data_hex": hex(&not_utf8)}),
        json!({"label": "text past max_output_bytes", "kind": "TooLarge", "call": "decompress",
               "tokenizer": t, "max_output_bytes": 64,
               "data_hex": hex(&frame(&text, Method::Model, true))}),
        json!({"label": "token IDs past max_tokens", "kind": "TooLarge", "call": "decompress",
               "tokenizer": t, "max_tokens": 10, "data_hex": hex(&ids_frame)}),
        json!({"label": "text wanted, token IDs held", "kind": "InvalidArgument",
               "call": "decompress_text", "tokenizer": t, "data_hex": hex(&ids_frame)}),
        json!({"label": "token IDs wanted, text held", "kind": "InvalidArgument",
               "call": "decompress_token_ids", "tokenizer": t, "data_hex": hex(&stored)}),
        json!({"label": "bytes that are not UTF-8 cannot be tokenized", "kind": "InvalidArgument",
               "call": "compress_bytes", "tokenizer": t, "method": "tacc",
               "data_hex": "fffe00c3"}),
        json!({"label": "frame of a custom mapping, codec without it", "kind": "Mismatch",
               "call": "decompress", "tokenizer": t,
               "data_hex": custom_mapping["frame_hex"].clone()}),
    ];
    for case in &cases {
        let e = run(case).expect_err(case["label"].as_str().unwrap());
        assert_eq!(e.kind().name(), case["kind"], "{}: {e}", case["label"]);
    }
    let kinds: Vec<Value> = ErrorKind::ALL
        .iter()
        .map(|k| json!({"name": k.name(), "code": k.code(), "description": k.description()}))
        .collect();
    let doc = json!({
        "about": "Error kinds (stable name, code = the C ABI's tacc_status, description = tacc_status_str) and inputs that must fail with each, through every binding's public API. `call`: new_codec (a codec of `tokenizer`), decompress / decompress_text / decompress_token_ids (that codec, with limits `max_output_bytes` / `max_tokens` where given, decodes frame `data_hex`), detokenize (`token_ids`), compress_bytes (`data_hex` with method `method`). Written by `cargo test --release --test vectors -- --ignored write_error_vectors`.",
        "kinds": kinds,
        "cases": cases,
    });
    std::fs::write(path(), serde_json::to_string_pretty(&doc).unwrap() + "\n").unwrap();
}
