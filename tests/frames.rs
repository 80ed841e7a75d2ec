//! Frames: round trips for every method and content kind, corruption detection, and
//! property tests that no decoder panics on any bytes.

#[path = "common/corpus.rs"]
mod corpus;

use proptest::prelude::*;
use tacc::{Codec, Content, Method, Options};

fn codec() -> Codec {
    Codec::new("cl100k_base").unwrap()
}

const TEXTS: [&str; 6] = [
    "",
    "Hello",
    "Here is a list:\n\n1. **Bold** item\n2. `code`\n\n```rust\nfn main() {}\n```\n",
    "naïve café — 日本語のテキスト، العربية 👩‍👩‍👧 <|endoftext|> <|fim_prefix|>",
    "   \t\n\n    indented    \r\n",
    "<|endoftext|>",
];

#[test]
fn every_method_round_trips_text_with_every_tokenizer() {
    for name in tacc::BUILTIN_NAMES {
        let c = Codec::new(name).unwrap();
        for text in TEXTS {
            for m in Method::ALL {
                let frame = c.compress_text(text, &Options::method(m)).unwrap();
                assert_eq!(c.decompress_text(&frame).unwrap(), text, "{name} {m:?}");
                // No side information needed.
                assert_eq!(
                    tacc::decompress(&frame).unwrap(),
                    Content::Text(text.to_string())
                );
            }
            let auto = c.compress_text(text, &Options::auto()).unwrap();
            assert_eq!(c.decompress_text(&auto).unwrap(), text);
        }
    }
}

#[test]
fn auto_is_never_larger_than_any_method() {
    let c = codec();
    for text in TEXTS {
        let auto = c.compress_text(text, &Options::auto()).unwrap().len();
        // Auto tries every method but model-v1 (superseded by model).
        for m in Method::AUTO {
            assert!(
                auto <= c.compress_text(text, &Options::method(m)).unwrap().len(),
                "{m:?} beat auto on {text:?}"
            );
        }
    }
}

#[test]
fn token_id_frames() {
    let c = codec();
    let ids = c.tokenize(TEXTS[3]).unwrap();
    for m in [
        Method::Stored,
        Method::LopaceToken,
        Method::LopaceHybrid,
        Method::Tacc,
        Method::TaccGzip,
        Method::ModelV1,
        Method::Model,
    ] {
        let frame = c.compress_token_ids(&ids, &Options::method(m)).unwrap();
        assert_eq!(c.decompress_token_ids(&frame).unwrap(), ids, "{m:?}");
    }
    // Byte-level methods do not take token IDs: a clear error.
    assert!(c
        .compress_token_ids(&ids, &Options::method(Method::Zstd))
        .is_err());
    // IDs outside the vocabulary (say, Llama 3's) work with the methods that need no mapping.
    let llama_ids = vec![128_000, 9906, 128_009, 4_000_000_000];
    for m in [Method::Stored, Method::LopaceToken, Method::LopaceHybrid] {
        let frame = c
            .compress_token_ids(&llama_ids, &Options::method(m))
            .unwrap();
        assert_eq!(c.decompress_token_ids(&frame).unwrap(), llama_ids);
    }
    assert!(c
        .compress_token_ids(&llama_ids, &Options::method(Method::Tacc))
        .is_err());
}

#[test]
fn non_utf8_bytes_take_a_byte_level_path() {
    let c = codec();
    let bytes = b"valid start \xff\xfe invalid middle \xc3".to_vec();
    let frame = c.compress_bytes(&bytes, &Options::default()).unwrap();
    assert_eq!(
        tacc::decompress(&frame).unwrap(),
        Content::Bytes(bytes.clone())
    );
    assert!(c.decompress_text(&frame).is_err(), "bytes are not text");
    let err = c
        .compress_bytes(&bytes, &Options::method(Method::Tacc))
        .unwrap_err();
    assert!(err.to_string().contains("not valid UTF-8"), "{err}");
}

#[test]
fn corruption_is_reported_not_returned() {
    let c = codec();
    let text = TEXTS[2];
    for m in Method::ALL {
        let frame = c.compress_text(text, &Options::method(m)).unwrap();
        for i in 0..frame.len() {
            for bit in [0x01u8, 0x80] {
                let mut bad = frame.clone();
                bad[i] ^= bit;
                if let Ok(Content::Text(t)) = tacc::decompress(&bad) {
                    assert_eq!(
                        t, text,
                        "{m:?}: flipping bit {bit:#x} of byte {i} returned wrong text"
                    );
                }
            }
        }
        for cut in 0..frame.len() {
            assert!(
                tacc::decompress(&frame[..cut]).is_err(),
                "{m:?} truncated at {cut}"
            );
        }
    }
}

#[test]
fn model_token_bits_add_up_to_the_model_payload() {
    let c = codec();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/system-prompt.md"
    ))
    .unwrap();
    let ids = c.tokenize(&text).unwrap();
    let bits = c.model_token_bits(&ids).unwrap();
    assert_eq!(bits.len(), ids.len());
    assert!(bits.iter().all(|&b| b > 0.0));
    let predicted = bits.iter().sum::<f64>() / 8.0;
    // The same frame with no checksum: header + coder bytes, only the header and the coder's
    // final flush come on top of the ideal cost.
    let frame = c
        .compress_token_ids(&ids, &Options::method(Method::Model).with_checksum(false))
        .unwrap();
    let actual = frame.len() as f64;
    assert!(
        actual >= predicted && actual < predicted + 40.0,
        "predicted {predicted:.1} bytes, frame {actual}"
    );
    // An ID outside the vocabulary is an error, not a cost.
    assert!(c.model_token_bits(&[u32::MAX]).is_err());
}

#[test]
fn checksum_can_be_turned_off() {
    let c = codec();
    let with = c.compress_text(TEXTS[2], &Options::default()).unwrap();
    let without = c
        .compress_text(TEXTS[2], &Options::default().with_checksum(false))
        .unwrap();
    // The CRC's 4 bytes, or the 2-byte length check that catches a cut.
    assert_eq!(with.len(), without.len() + 2);
    for cut in 1..=8 {
        assert!(c.decompress_text(&without[..without.len() - cut]).is_err());
    }
    assert_eq!(c.decompress_text(&without).unwrap(), TEXTS[2]);
}

#[test]
fn frames_embed_the_peer_payload_unchanged() {
    let c = codec();
    let text = TEXTS[2];
    let frame = c
        .compress_text(text, &Options::method(Method::Tacc))
        .unwrap();
    let raw = c
        .compress_tacc_payload(&c.tokenize(text).unwrap(), false)
        .unwrap();
    let (_, payload) = tacc::format::Header::parse(&frame).unwrap();
    assert_eq!(payload, raw.as_slice());
}

#[test]
fn custom_mapping_is_named_in_frames() {
    let c = codec();
    let mut counts = vec![0u64; c.tokenizer().unwrap().vocab_size() as usize];
    for id in c.tokenize("the the the cat").unwrap() {
        counts[id as usize] += 1;
    }
    let mapping = std::sync::Arc::new(tacc::Mapping::from_counts(&counts).unwrap());
    let custom = c.clone().with_mapping(mapping);
    let frame = custom
        .compress_text("the cat", &Options::method(Method::Tacc))
        .unwrap();
    assert_eq!(custom.decompress_text(&frame).unwrap(), "the cat");
    assert!(matches!(
        tacc::decompress(&frame),
        Err(tacc::Error::Mismatch(_))
    ));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_text_round_trips(text in any::<String>(), m in 0usize..Method::ALL.len()) {
        let c = codec();
        let frame = c.compress_text(&text, &Options::method(Method::ALL[m])).unwrap();
        prop_assert_eq!(c.decompress_text(&frame).unwrap(), text);
    }

    #[test]
    fn any_token_ids_round_trip(ids in proptest::collection::vec(0u32..100_277, 0..600), gzip in any::<bool>()) {
        let c = codec();
        let payload = c.compress_tacc_payload(&ids, gzip).unwrap();
        prop_assert_eq!(c.decompress_tacc_payload(&payload, gzip).unwrap(), ids.clone());
        let raw = c.compress_tacc_payload_unmapped(&ids, gzip).unwrap();
        prop_assert_eq!(c.decompress_tacc_payload_unmapped(&raw, gzip).unwrap(), ids);
    }

    #[test]
    fn decoders_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let c = codec();
        let _ = tacc::decompress(&bytes);
        let _ = c.decompress_tacc_payload(&bytes, false);
        let _ = c.decompress_tacc_payload(&bytes, true);
        let _ = c.decompress_tacc_payload_tokens(&bytes, false);
        for m in tacc::LopaceMethod::ALL {
            let _ = c.decompress_lopace_payload(&bytes, m);
        }
        let _ = tacc::Mapping::from_bytes(&bytes);
    }

    /// Random bodies behind every v2 first byte (each method, checksum or not) reach every
    /// payload decoder: an error or content, never a panic.
    #[test]
    fn v2_headed_garbage_never_panics(lead in 0x80u8..0xC0, b1 in any::<u8>(), rest in proptest::collection::vec(any::<u8>(), 0..200)) {
        let c = codec();
        let mut frame = vec![lead, b1];
        frame.extend_from_slice(&rest);
        let _ = tacc::decompress(&frame);
        let _ = c.decompress(&frame);
        let _ = tacc::StreamDecoder::new().push_chunk(&frame);
    }

    #[test]
    fn mutated_frames_never_panic_or_lie(text in "[a-zA-Z .,\n日本é]{0,200}", m in 0usize..Method::ALL.len(), pos in any::<usize>(), val in any::<u8>()) {
        let c = codec();
        let mut frame = c.compress_text(&text, &Options::method(Method::ALL[m])).unwrap();
        let i = pos % frame.len();
        frame[i] = val;
        if let Ok(Content::Text(t)) = tacc::decompress(&frame) {
            prop_assert_eq!(t, text);
        }
    }
}

/// v2's checksum flag is two bits that must agree, so a single flipped bit never drops the
/// checksum. Clearing both turns the CRC into 4 trailing payload bytes: the model decoder's end
/// check must still refuse those frames.
#[test]
fn a_frame_that_lost_its_checksum_bits_is_refused_not_misread() {
    let c = codec();
    let texts = corpus::chat_dev();
    assert_eq!(texts.len(), 300);
    let (mut refused, mut same) = (0, 0);
    for text in &texts {
        let mut frame = c.compress_text(text, &Options::default()).unwrap();
        assert_eq!(frame[0] & 0x30, 0x30, "default frames carry a checksum");
        for bit in [0x10, 0x20] {
            let mut one = frame.clone();
            one[0] ^= bit;
            assert!(c.decompress_text(&one).is_err(), "one checksum bit flipped");
        }
        frame[0] &= !0x30;
        match c.decompress_text(&frame) {
            Err(_) => refused += 1,
            Ok(back) => {
                assert_eq!(&back, text, "wrong text returned");
                same += 1;
            }
        }
    }
    eprintln!("checksum bits cleared: {refused} refused, {same} decoded to the right text");
    assert_eq!(refused + same, 300);
    assert!(refused >= 290, "only {refused} of 300 refused");
}

/// Every frame kind this test file makes, with the header length the v2 layout promises.
fn sample_frames() -> Vec<(String, Vec<u8>, usize)> {
    let c = codec();
    let mut out = Vec::new();
    for m in Method::ALL {
        for checksum in [true, false] {
            let opts = Options::method(m).with_checksum(checksum);
            let f = c.compress_text(TEXTS[2], &opts).unwrap();
            out.push((format!("text {m:?} crc={checksum}"), f, 2));
            if !matches!(m, Method::Zstd | Method::Gzip) {
                let ids = c.tokenize(TEXTS[3]).unwrap();
                let f = c.compress_token_ids(&ids, &opts).unwrap();
                out.push((format!("ids {m:?} crc={checksum}"), f, 2));
            }
        }
    }
    for m in [Method::Stored, Method::Zstd, Method::Gzip] {
        let f = c
            .compress_bytes(b"\xff\xfe not UTF-8 \xc3", &Options::method(m))
            .unwrap();
        out.push((format!("bytes {m:?}"), f, 2));
    }
    // Extension headers: a custom mapping (2 + flags + tokenizer ID + 8-byte fingerprint).
    let mut counts = vec![0u64; c.tokenizer().unwrap().vocab_size() as usize];
    for id in c.tokenize("the the the cat").unwrap() {
        counts[id as usize] += 1;
    }
    let custom = c.clone().with_mapping(std::sync::Arc::new(
        tacc::Mapping::from_counts(&counts).unwrap(),
    ));
    let f = custom
        .compress_text("the cat", &Options::method(Method::Tacc))
        .unwrap();
    out.push(("custom mapping".into(), f, 12));
    out
}

/// The frame overhead target: 6 bytes (2 header + 4 CRC) for a built-in tokenizer, 4 without
/// the checksum (2 header + 2 length check); every field the header names comes back.
#[test]
fn v2_header_is_two_bytes_and_round_trips() {
    for (what, frame, header_len) in sample_frames() {
        let (h, payload) = tacc::format::Header::parse(&frame).unwrap();
        assert_eq!(h.version, 2, "{what}");
        let crc = if h.checksum { 4 } else { 2 }; // CRC-32, or the length check
        assert_eq!(frame.len() - payload.len(), header_len + crc, "{what}");
        assert_eq!(h.content_len, None, "v2 stores no length");
        assert_eq!(
            h.priors_id.is_some(),
            h.method == Method::Model,
            "{what}: only model frames name priors"
        );
        assert_eq!(h.tokenizer_id != 0, h.method.uses_tokens(), "{what}");
    }
}

/// The CRC covers the header: flipping any bit of a real frame's header is an error, never
/// wrong content and never a success.
#[test]
fn every_header_bit_flip_is_an_error() {
    let c = codec();
    for (what, frame, header_len) in sample_frames() {
        let (h, _) = tacc::format::Header::parse(&frame).unwrap();
        if !h.checksum {
            continue;
        }
        for i in 0..header_len {
            for bit in 0..8 {
                let mut bad = frame.clone();
                bad[i] ^= 1 << bit;
                assert!(
                    c.decompress(&bad).is_err(),
                    "{what}: flipping bit {bit} of header byte {i} was accepted"
                );
            }
        }
    }
}

#[test]
fn every_truncation_is_an_error() {
    let c = codec();
    for (what, frame, _) in sample_frames() {
        let (h, _) = tacc::format::Header::parse(&frame).unwrap();
        if !h.checksum {
            continue;
        }
        for cut in 0..frame.len() {
            assert!(
                c.decompress(&frame[..cut]).is_err(),
                "{what} truncated at {cut}"
            );
        }
    }
}

#[test]
fn unknown_methods_profiles_and_flags_are_refused_with_a_reason() {
    let frame = codec()
        .compress_text("Hello", &Options::method(Method::Model))
        .unwrap();
    let err = |f: &[u8]| tacc::decompress(f).unwrap_err().to_string();
    let mut m = frame.clone();
    m[0] = (m[0] & 0xF0) | 12;
    assert!(err(&m).contains("unknown method 12"), "{}", err(&m));
    m[0] = (m[0] & 0xF0) | 8;
    assert!(err(&m).contains("stream header"), "{}", err(&m));
    let mut p = frame.clone();
    p[1] = (p[1] & 0xC0) | 50;
    assert!(
        err(&p).contains("unknown vocabulary profile 50"),
        "{}",
        err(&p)
    );
    let mut k = frame.clone();
    k[1] |= 0xC0;
    assert!(err(&k).contains("content kind"), "{}", err(&k));
    let mut v = frame.clone();
    v[0] ^= 0x20;
    assert!(err(&v).contains("checksum bits disagree"), "{}", err(&v));
    assert!(err(&[0xD7, 0xAC, 9, 0]).contains("format version 9"));
    assert!(err(b"plain text").contains("not a tacc frame"));
    // The extension's reserved flags.
    assert!(err(&[0x89, 0x00, 0x80, 1, 0]).contains("extension flags"));
}

#[test]
fn stored_and_byte_frames_never_touch_a_vocabulary() {
    // A codec for a tokenizer this build has, used only for byte-level methods: it must not need
    // to load anything (tested through the frame, which names no tokenizer).
    let c = codec();
    for m in [Method::Stored, Method::Zstd, Method::Gzip] {
        let f = c.compress_text("Hello", &Options::method(m)).unwrap();
        let (h, _) = tacc::format::Header::parse(&f).unwrap();
        assert_eq!((h.tokenizer_id, h.priors_id), (0, None));
        assert_eq!(f[1] & 0x3F, 0, "profile 0");
    }
}

/// A small byte-level rank file: the 256 bytes and a few merges.
fn tiny_tokenizer() -> std::sync::Arc<tacc::Tokenizer> {
    fn b64(bytes: &[u8]) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for c in bytes.chunks(3) {
            let n = (c[0] as u32) << 16
                | (*c.get(1).unwrap_or(&0) as u32) << 8
                | *c.get(2).unwrap_or(&0) as u32;
            for i in 0..4 {
                if i <= c.len() {
                    out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
    let mut file = String::new();
    for b in 0..=255u8 {
        file += &format!("{} {b}\n", b64(&[b]));
    }
    for (i, t) in ["th", "the", " the", "at", " cat"].iter().enumerate() {
        file += &format!("{} {}\n", b64(t.as_bytes()), 256 + i);
    }
    std::sync::Arc::new(
        tacc::Tokenizer::from_tiktoken_bytes("tiny", file.as_bytes(), "gpt2", &[]).unwrap(),
    )
}

/// A custom tokenizer is named by its fingerprint in the header extension (15 bytes of overhead
/// with the checksum), and only a codec built from it decodes the frame or stream.
#[test]
fn custom_tokenizer_frames_and_streams() {
    let c = Codec::from_tokenizer(tiny_tokenizer());
    let text = "the cat and the hat";
    for m in [
        Method::Model,
        Method::ModelV1,
        Method::LopaceToken,
        Method::Stored,
    ] {
        let f = c.compress_text(text, &Options::method(m)).unwrap();
        let (h, payload) = tacc::format::Header::parse(&f).unwrap();
        if m.uses_tokens() {
            assert_eq!(
                h.tokenizer_fingerprint,
                Some(c.tokenizer().unwrap().fingerprint())
            );
            assert_eq!(f.len() - payload.len(), 15, "{m:?}");
            assert!(matches!(
                tacc::decompress(&f),
                Err(tacc::Error::Mismatch(_))
            ));
            assert!(matches!(
                codec().decompress(&f),
                Err(tacc::Error::Mismatch(_))
            ));
        } else {
            assert_eq!(f.len() - payload.len(), 6);
        }
        assert_eq!(c.decompress_text(&f).unwrap(), text, "{m:?}");
    }
    let mut enc = c.stream_encoder().unwrap();
    enc.push_text(text).unwrap();
    let first = enc.flush().unwrap();
    let last = enc.finish().unwrap();
    assert!(tacc::StreamDecoder::new().push_chunk(&first).is_err());
    let mut dec = c.stream_decoder();
    let mut back = dec.push_chunk(&first).unwrap().text;
    back += &dec.push_chunk(&last).unwrap().text;
    assert!(dec.is_finished());
    assert_eq!(back, text);
}
