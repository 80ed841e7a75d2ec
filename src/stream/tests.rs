use super::*;
use proptest::prelude::*;

fn codec() -> Codec {
    Codec::new("cl100k_base").unwrap()
}

/// Encodes `ids`, flushing after the positions `flush_after` says yes to; returns the chunks.
fn encode(codec: &Codec, ids: &[u32], mut flush_after: impl FnMut(usize) -> bool) -> Vec<Vec<u8>> {
    let mut enc = codec.stream_encoder().unwrap();
    let mut chunks = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        enc.push_token_ids(&[*id]).unwrap();
        if flush_after(i) {
            chunks.push(enc.flush().unwrap());
        }
    }
    chunks.push(enc.finish().unwrap());
    chunks
}

/// Decodes all chunks; returns IDs and text, checking `finished` only on the last.
fn decode(chunks: &[Vec<u8>]) -> Result<(Vec<u32>, String)> {
    let mut dec = StreamDecoder::new();
    let (mut ids, mut text) = (Vec::new(), String::new());
    for (i, c) in chunks.iter().enumerate() {
        let u = dec.push_chunk(c)?;
        assert_eq!(u.finished, i + 1 == chunks.len());
        ids.extend(u.token_ids);
        text.push_str(&u.text);
    }
    assert!(dec.is_finished());
    Ok((ids, text))
}

const SAMPLE: &str = "Hello, world! Streams carry 😀🎉 and 中文字符 and ﷽ and héllo ñ — fine.\n\
    Tokens that end inside a character: 🦀🦀🦀 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ありがとうございます";

#[test]
fn flush_patterns_round_trip() {
    let c = codec();
    let ids = c.tokenize(SAMPLE);
    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    let mut random = move |_| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % 5 == 0
    };
    for chunks in [
        encode(&c, &ids, |_| true),
        encode(&c, &ids, |i| i % 16 == 15),
        encode(&c, &ids, |_| false),
        encode(&c, &ids, &mut random),
    ] {
        let (back, text) = decode(&chunks).unwrap();
        assert_eq!(back, ids);
        assert_eq!(text, SAMPLE);
    }
}

#[test]
fn empty_stream_and_empty_flushes() {
    let c = codec();
    let enc = c.stream_encoder().unwrap();
    let only = enc.finish().unwrap();
    assert_eq!(decode(&[only]).unwrap(), (vec![], String::new()));
    let mut enc = c.stream_encoder().unwrap();
    let mut chunks = vec![enc.flush().unwrap(), enc.flush().unwrap()];
    enc.push_text("hi").unwrap();
    chunks.push(enc.flush().unwrap());
    chunks.push(enc.flush().unwrap());
    chunks.push(enc.finish().unwrap());
    assert_eq!(decode(&chunks).unwrap().1, "hi");
}

#[test]
fn split_characters_are_held_back() {
    let c = codec();
    let text = "🦀🎉中";
    let ids = c.tokenize(text);
    // cl100k codes these emoji in several byte-level tokens each.
    assert!(ids.len() > 3, "{ids:?}");
    let chunks = encode(&c, &ids, |_| true);
    let mut dec = StreamDecoder::new();
    let mut held_back = 0;
    let mut out = String::new();
    for (chunk, id) in chunks.iter().zip(&ids) {
        let u = dec.push_chunk(chunk).unwrap();
        assert_eq!(u.token_ids, vec![*id]);
        if u.text.len() < c.tokenizer().decode_bytes(&[*id]).unwrap().len() {
            held_back += 1;
        }
        out += &u.text;
    }
    assert!(held_back > 0);
    out += &dec.push_chunk(chunks.last().unwrap()).unwrap().text;
    assert_eq!(out, text);
}

#[test]
fn text_pieces_round_trip() {
    let c = codec();
    let mut enc = c.stream_encoder().unwrap();
    let mut chunks = Vec::new();
    for piece in SAMPLE.split_inclusive(' ') {
        enc.push_text(piece).unwrap();
        chunks.push(enc.flush().unwrap());
    }
    chunks.push(enc.finish().unwrap());
    assert_eq!(decode(&chunks).unwrap().1, SAMPLE);
}

#[test]
fn truncation_is_detected() {
    let c = codec();
    let ids = c.tokenize(SAMPLE);
    let chunks = encode(&c, &ids, |i| i % 4 == 3);
    // No end marker: not finished.
    let mut dec = StreamDecoder::new();
    for ch in &chunks[..chunks.len() - 1] {
        dec.push_chunk(ch).unwrap();
    }
    assert!(!dec.is_finished());
    // A truncated last chunk: an error (mostly: the CRC is cut), or at least not finished
    // (the end flag is cut). Most cuts must be errors.
    let last = chunks.last().unwrap();
    let mut errors = 0;
    for cut in 0..last.len() {
        let mut dec = StreamDecoder::new();
        for ch in &chunks[..chunks.len() - 1] {
            dec.push_chunk(ch).unwrap();
        }
        errors += dec.push_chunk(&last[..cut]).is_err() as usize;
        assert!(!dec.is_finished(), "cut at {cut}");
    }
    assert!(errors * 2 >= last.len(), "{errors} of {}", last.len());
    // A truncated header (2 bytes with a built-in tokenizer; a longer cut leaves a short chunk,
    // caught below).
    for cut in 0..2 {
        assert!(StreamDecoder::new().push_chunk(&chunks[0][..cut]).is_err());
    }
    // Any truncated chunk anywhere: the stream never ends as finished with wrong content.
    for k in 0..chunks.len() {
        for cut in 0..chunks[k].len() {
            let mut cs = chunks.clone();
            cs[k].truncate(cut);
            let mut dec = StreamDecoder::new();
            let mut ok = true;
            let mut got = Vec::new();
            for ch in &cs {
                match dec.push_chunk(ch) {
                    Ok(u) => got.extend(u.token_ids),
                    Err(_) => {
                        ok = false;
                        break;
                    }
                }
            }
            if ok && dec.is_finished() {
                assert_eq!(got, ids);
            }
        }
    }
}

#[test]
fn bytes_appended_to_a_chunk_are_errors() {
    let c = codec();
    let ids = c.tokenize(SAMPLE);
    let chunks = encode(&c, &ids, |i| i % 5 == 4);
    assert!(chunks.len() > 3);
    let mut refused = 0;
    for k in 0..chunks.len() {
        for extra in [&[0u8][..], &[0x5a, 0xa5, 0x5a, 0xa5]] {
            let mut bad = chunks.clone();
            bad[k].extend_from_slice(extra);
            match decode(&bad) {
                Err(_) => refused += 1,
                // Never wrong content: the stream's CRC still stands behind the end check.
                Ok((got, _)) => assert_eq!(got, ids),
            }
        }
    }
    assert_eq!(refused, 2 * chunks.len(), "every padded chunk refused");
}

#[test]
fn reordered_and_duplicated_chunks_are_errors() {
    let c = codec();
    let ids = c.tokenize(SAMPLE);
    let chunks = encode(&c, &ids, |_| true);
    let mut swapped = chunks.clone();
    swapped.swap(2, 3);
    assert!(decode(&swapped).is_err());
    let mut dup = chunks.clone();
    dup.insert(3, chunks[2].clone());
    assert!(decode(&dup).is_err());
    let mut lost = chunks.clone();
    lost.remove(2);
    assert!(decode(&lost).is_err());
    let mut header_late = chunks.clone();
    header_late.swap(0, 1);
    assert!(decode(&header_late).is_err());
    // After the end.
    let mut dec = StreamDecoder::new();
    for ch in &chunks {
        dec.push_chunk(ch).unwrap();
    }
    assert!(dec.push_chunk(&chunks[1]).is_err());
}

#[test]
fn failed_state_is_sticky() {
    let c = codec();
    let chunks = encode(&c, &c.tokenize("abc def ghi"), |_| true);
    let mut dec = StreamDecoder::new();
    dec.push_chunk(&chunks[0]).unwrap();
    assert!(dec.push_chunk(&chunks[2]).is_err());
    assert!(dec.is_failed());
    assert!(dec.push_chunk(&chunks[1]).is_err());
    assert!(dec.push_chunk(&chunks[2]).is_err());
}

#[test]
fn bit_flips_are_errors_or_harmless() {
    let c = codec();
    let text = "Bit flips: 🎉 ok.";
    let ids = c.tokenize(text);
    let chunks = encode(&c, &ids, |i| i % 3 == 2);
    for k in 0..chunks.len() {
        for byte in 0..chunks[k].len() {
            for bit in 0..8 {
                let mut cs = chunks.clone();
                cs[k][byte] ^= 1 << bit;
                if let Ok((got, t)) = std::panic::catch_unwind(|| {
                    let mut dec = StreamDecoder::new();
                    let (mut ids, mut t) = (Vec::new(), String::new());
                    for ch in &cs {
                        let u = dec.push_chunk(ch)?;
                        ids.extend(u.token_ids);
                        t += &u.text;
                    }
                    if dec.is_finished() {
                        Ok((ids, t))
                    } else {
                        Err(Error::corrupt(F, "not finished"))
                    }
                })
                .expect("no panic")
                {
                    assert_eq!(
                        (got, t.as_str()),
                        (ids.clone(), text),
                        "chunk {k} byte {byte} bit {bit}"
                    );
                }
            }
        }
    }
}

#[test]
fn bad_ids_are_refused_by_the_encoder() {
    let c = codec();
    let mut enc = c.stream_encoder().unwrap();
    assert!(enc.push_token_ids(&[1, 200_000]).is_err());
    assert_eq!(enc.pending_tokens(), 0);
    enc.push_token_ids(&[9906]).unwrap();
    let chunks = vec![enc.finish().unwrap()];
    assert_eq!(decode(&chunks).unwrap().1, "Hello");
}

#[test]
fn frames_are_not_streams() {
    let c = codec();
    let frame = c
        .compress_text("hello", &crate::Options::default())
        .unwrap();
    assert!(StreamDecoder::new().push_chunk(&frame).is_err());
    let chunk = c.stream_encoder().unwrap().finish().unwrap();
    assert!(crate::decompress(&chunk).is_err());
}

#[test]
fn other_tokenizers_and_codec_decoder() {
    for name in ["o200k_base", "gpt2"] {
        let c = Codec::new(name).unwrap();
        let ids = c.tokenize(SAMPLE);
        let chunks = encode(&c, &ids, |i| i % 5 == 0);
        assert_eq!(decode(&chunks).unwrap().0, ids);
        let mut dec = codec().stream_decoder();
        let mut back = Vec::new();
        for ch in &chunks {
            back.extend(dec.push_chunk(ch).unwrap().token_ids);
        }
        assert_eq!(back, ids);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn prop_round_trip(text in "\\PC{0,60}", flushes in proptest::collection::vec(any::<bool>(), 0..80)) {
        let c = codec();
        let ids = c.tokenize(&text);
        let chunks = encode(&c, &ids, |i| flushes.get(i).copied().unwrap_or(true));
        let (back, t) = decode(&chunks).unwrap();
        prop_assert_eq!(back, ids);
        prop_assert_eq!(t, text);
    }

    #[test]
    fn prop_garbage_never_panics(chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..24), 1..6)) {
        let mut dec = StreamDecoder::new();
        let mut first = vec![0xD7, 0xAC, 1, 8, 3, 1, 0];
        first.extend_from_slice(&chunks[0]);
        let _ = dec.push_chunk(&first);
        for ch in &chunks[1..] {
            let _ = dec.push_chunk(ch);
        }
    }
}

/// Found by `prop_round_trip`: the encoder used to drop trailing zero bytes of a chunk, which the
/// decoder's exact-end check then refused. A coder flush ends in a zero byte only when a carry
/// meets a run of 0xFF bytes, so the test looks for such chunks among random token streams (a
/// fixed seed: the same streams every run) and decodes them.
#[test]
fn chunks_whose_flush_ends_in_a_zero_byte_round_trip() {
    let c = codec();
    let mut rng = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    // Tokens that are whole ASCII strings, so any sequence of them is text.
    let ascii: Vec<u32> = (0..100_000)
        .filter(|&id| {
            c.detokenize(&[id])
                .is_ok_and(|t| t.is_ascii() && !t.is_empty())
        })
        .collect();
    let mut found = 0;
    for _ in 0..400 {
        let ids: Vec<u32> = (0..40)
            .map(|_| ascii[(next() % ascii.len() as u64) as usize])
            .collect();
        let cut = next();
        let chunks = encode(&c, &ids, |i| cut >> (i % 64) & 1 == 1);
        if chunks.iter().any(|ch| ch.last() == Some(&0)) {
            found += 1;
            let mut dec = StreamDecoder::new();
            let mut back = Vec::new();
            for ch in &chunks {
                back.extend(dec.push_chunk(ch).unwrap().token_ids);
            }
            assert_eq!(back, ids);
        }
    }
    assert!(found > 0, "no chunk ended in a zero byte");
}
