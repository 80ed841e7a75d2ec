//! TEMP v1 generator
use serde_json::{json, Value};
use tacc::{Codec, Method, Options};

const TEXTS: [&str; 4] = [
    "",
    "Hello",
    "Here is a list:\n\n1. **Bold** item\n2. `code`\n\n```rust\nfn main() {}\n```\n",
    "naïve café — 日本語のテキスト، العربية 👩‍👩‍👧 <|endoftext|>",
];

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn write_v1() {
    let mut cases: Vec<Value> = Vec::new();
    for tok in ["cl100k_base", "o200k_base", "gpt2", "p50k_base"] {
        let c = Codec::new(tok).unwrap();
        for (ti, text) in TEXTS.iter().enumerate() {
            for m in Method::ALL {
                if tok != "cl100k_base" && !(m == Method::Model || m == Method::Tacc) {
                    continue;
                }
                for checksum in [true, false] {
                    if !checksum && ti != 2 {
                        continue;
                    }
                    let opts = Options { checksum, ..Options::method(m) };
                    let f = c.compress_text(text, &opts).unwrap();
                    cases.push(json!({"label": format!("text{ti}"), "tokenizer": tok, "method": m.name(), "kind": "text", "checksum": checksum, "frame_hex": hex(&f), "text": text}));
                }
            }
            let ids = c.tokenize(text);
            for m in Method::ALL {
                if tok != "cl100k_base" && m != Method::Model {
                    continue;
                }
                let opts = Options::method(m);
                if let Ok(f) = c.compress_token_ids(&ids, &opts) {
                    cases.push(json!({"label": format!("ids{ti}"), "tokenizer": tok, "method": m.name(), "kind": "token_ids", "checksum": true, "frame_hex": hex(&f), "token_ids": ids}));
                }
            }
        }
    }
    let c = Codec::new("cl100k_base").unwrap();
    let bytes = b"valid start \xff\xfe invalid middle \xc3".to_vec();
    for m in [Method::Stored, Method::Zstd, Method::Gzip] {
        let f = c.compress_bytes(&bytes, &Options::method(m)).unwrap();
        cases.push(json!({"label": "bytes", "tokenizer": "cl100k_base", "method": m.name(), "kind": "bytes", "checksum": true, "frame_hex": hex(&f), "bytes_hex": hex(&bytes)}));
    }
    // IDs beyond the vocabulary: model mode 2, stored, lopace.
    let llama = vec![128_000u32, 9906, 128_009];
    for m in [Method::Stored, Method::LopaceToken, Method::Model] {
        let f = c.compress_token_ids(&llama, &Options::method(m)).unwrap();
        cases.push(json!({"label": "foreign_ids", "tokenizer": "cl100k_base", "method": m.name(), "kind": "token_ids", "checksum": true, "frame_hex": hex(&f), "token_ids": llama}));
    }
    let mut streams: Vec<Value> = Vec::new();
    for tok in ["cl100k_base", "gpt2"] {
        let c = Codec::new(tok).unwrap();
        let mut enc = c.stream_encoder().unwrap();
        let mut chunks = Vec::new();
        let mut all = Vec::new();
        for piece in ["Hello", ", wor", "", "ld! 😀 and more text, ", "the end."] {
            let ids = c.tokenize(piece);
            all.extend_from_slice(&ids);
            enc.push_token_ids(&ids).unwrap();
            chunks.push(hex(&enc.flush().unwrap()));
        }
        chunks.push(hex(&enc.finish().unwrap()));
        streams.push(json!({"tokenizer": tok, "chunks_hex": chunks, "token_ids": all}));
    }
    let doc = json!({
        "streams": streams,
        "about": "Frames of wire-format version 1, written by tacc at commit 3e5817e (the last v1 writer). Frozen: every later reader must decode them to the content given. v1 method 7 is today's `model-v1`.",
        "format_version": 1,
        "cases": cases,
    });
    std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/frames_v1.json"), serde_json::to_string_pretty(&doc).unwrap() + "\n").unwrap();
}
