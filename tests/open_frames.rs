//! Committed frames of the open models' vocabularies (tests/vectors/open_frames.json): token IDs
//! of one text per vocabulary (made by its tokenizer, which the test does not need) and their
//! `model` frame. Pins the profiles 15-19, the priors files in models/ and the coder: the frame
//! decodes with a codec made from the priors file alone, encodes back to the same bytes, and is
//! refused, with the kind a caller can act on, where the priors are missing.
//!
//! Rewritten (only when a format or priors change on purpose) from the publishers' files in
//! target/vocabs (tools/fetch-vocabs.sh):
//! `cargo test --release --test open_frames -- --ignored write_open_frames`
#![cfg(all(feature = "encode", feature = "decode"))]

use std::sync::Arc;

use serde_json::{json, Value};
use tacc::model::Priors;
use tacc::{Codec, ErrorKind, OpenVocab, Options, Tokenizer};

const TEXT: &str = "Compress the completion below, then restore it exactly:\n\n\
    def mean(xs):\n    return sum(xs) / len(xs)  # 3 values → 2.0\n\nDas Ergebnis ist 2,0; 結果は2.0です。";

fn path() -> String {
    format!(
        "{}/tests/vectors/open_frames.json",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn priors_codec(v: OpenVocab) -> Codec {
    let file = format!("{}/models/{}.tpf.zst", env!("CARGO_MANIFEST_DIR"), v.name());
    let p = Priors::from_file_bytes(&std::fs::read(file).unwrap()).unwrap();
    Codec::from_priors(Arc::new(p)).unwrap()
}

#[path = "common/fetched.rs"]
mod fetched;
use fetched::{hex, unhex};

#[test]
fn open_frames_decode_from_the_priors_alone() {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path()).unwrap()).unwrap();
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), OpenVocab::ALL.len());
    for case in cases {
        let vocab = OpenVocab::from_name(case["vocab"].as_str().unwrap()).unwrap();
        let ids: Vec<u32> = case["token_ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap() as u32)
            .collect();
        let frame = unhex(case["frame"].as_str().unwrap());
        let codec = priors_codec(vocab);
        assert_eq!(codec.vocab().unwrap().name(), vocab.name());
        assert_eq!(
            codec.decompress_token_ids(&frame).unwrap(),
            ids,
            "{vocab:?}"
        );
        assert_eq!(
            codec.compress_token_ids(&ids, &Options::default()).unwrap(),
            frame,
            "{vocab:?}: the frame changed"
        );
        // Header: lead byte, kind + profile 15-19, then the payload (6 bytes of overhead).
        assert_eq!(
            frame[1] & 0x3f,
            15 + (vocab as u8 - 8),
            "{vocab:?}: profile"
        );
        // Without the priors (not in the default build), the error names what to load.
        if !tacc::codecs::model::is_embedded(vocab.priors_id()) {
            let e = tacc::decompress(&frame).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Mismatch, "{e}");
            assert!(
                e.to_string().contains(&format!("{}.tpf.zst", vocab.name())),
                "{e}"
            );
            // A codec of another open vocabulary (with its priors) does not decode it either.
            let other = OpenVocab::ALL.into_iter().find(|o| *o != vocab).unwrap();
            let e = priors_codec(other)
                .decompress_token_ids(&frame)
                .unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Mismatch, "{e}");
        }
        // Text needs the tokenizer file, and says so.
        let e = codec.detokenize(&ids).unwrap_err();
        assert!(e.to_string().contains(vocab.file_name()), "{e}");
    }
}

#[test]
#[ignore = "rewrites tests/vectors/open_frames.json from the files in target/vocabs"]
fn write_open_frames() {
    let dir = format!("{}/target/vocabs", env!("CARGO_MANIFEST_DIR"));
    let mut cases = Vec::new();
    for vocab in OpenVocab::ALL {
        let file = std::fs::read(format!("{dir}/{}/{}", vocab.name(), vocab.file_name())).unwrap();
        let t = Tokenizer::open(vocab, &file).unwrap();
        let ids = t.encode(TEXT);
        let frame = priors_codec(vocab)
            .compress_token_ids(&ids, &Options::default())
            .unwrap();
        cases.push(
            json!({"vocab": vocab.name(), "text": TEXT, "token_ids": ids, "frame": hex(&frame)}),
        );
    }
    let doc = json!({
        "about": "model frames of token IDs per open vocabulary (tests/open_frames.rs); text: the text the IDs encode",
        "cases": cases,
    });
    std::fs::write(path(), serde_json::to_string_pretty(&doc).unwrap() + "\n").unwrap();
}
