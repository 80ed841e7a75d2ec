//! Cost of loading the model priors: the built-ins (zstd expansion + validation on first use,
//! then cached) and the open vocabularies' files (IDs 5-9, `models/<name>.tpf.zst`, read from
//! disk unless the build embeds them).
//!
//! `cargo run --release --example model_load`                     load costs
//! `cargo run --release --example model_load -- ids-path CORPUS`  the token-ID path with priors
//!     only (`-t NAME --priors models/NAME.tpf.zst`, no tokenizer file) gives the same `model`
//!     frames as the text path, record by record, for every open vocabulary whose file is in
//!     target/vocabs; prints the total bytes of both; exits 1 on any difference
//! `cargo run --release --example model_load -- escapes CORPUS [NAME...]`  share of tokens
//!     that take the model's escape path (not predicted from context), and their share of the
//!     bits, per vocabulary
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use tacc::codecs::model::{builtin_priors_by_id, is_embedded, PRIORS_TABLE};
use tacc::model::Priors;
use tacc::{CodecSpec, Input, Method, OpenVocab, Options, Source, Vocab};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn priors_file(v: OpenVocab) -> PathBuf {
    repo().join("models").join(format!("{}.tpf.zst", v.name()))
}

/// The publisher's file under target/vocabs (tools/fetch-vocabs.sh), if it is there.
fn tokenizer_file(v: OpenVocab) -> Option<PathBuf> {
    let p = repo()
        .join("target/vocabs")
        .join(v.name())
        .join(v.file_name());
    p.is_file().then_some(p)
}

/// Resident set size of this process (Linux), MiB.
fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let l = s.lines().find(|l| l.starts_with("VmRSS:"))?;
            l[6..]
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

/// Time this thread has run on a CPU, ns (Linux `/proc/thread-self/schedstat`; 0 elsewhere): on a
/// shared machine the wall clock also counts the time other processes held the cores.
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn load_costs() {
    println!("id name            source     first use (ms)  on CPU (ms)  cached (us)  validation alone (ms)  heap (MiB)  RSS growth (MiB)");
    for &(id, name, _) in PRIORS_TABLE.iter() {
        let rss0 = rss_mib();
        let cpu0 = cpu_ns();
        let open = OpenVocab::ALL.iter().any(|v| v.priors_id() == id);
        let t = Instant::now();
        // What a codec does on first use: the build's copy, or for an open vocabulary not
        // embedded, its file read from disk and checked (CodecSpec with priors_dir).
        let (p, source): (Arc<Priors>, &str) = if open && !is_embedded(id) {
            let v = OpenVocab::ALL
                .into_iter()
                .find(|v| v.priors_id() == id)
                .expect("open priors ID");
            let bytes = std::fs::read(priors_file(v)).expect("models/<name>.tpf.zst");
            (
                Arc::new(Priors::from_file_bytes(&bytes).expect("valid priors")),
                "file",
            )
        } else {
            (builtin_priors_by_id(id).expect("priors"), "embedded")
        };
        let first = t.elapsed();
        let cpu = (cpu_ns() - cpu0) as f64 / 1e6;
        let rss1 = rss_mib();
        let t = Instant::now();
        let cached = if source == "embedded" {
            let _ = builtin_priors_by_id(id).expect("priors");
            t.elapsed().as_secs_f64() * 1e6
        } else {
            f64::NAN // a file is loaded once per CodecSpec::build; the codec then shares it
        };
        // validation alone: from_bytes on the expanded file (includes one copy)
        let bytes = p.as_bytes().to_vec();
        let mut best = f64::MAX;
        for _ in 0..5 {
            let t = Instant::now();
            let q = Priors::from_bytes(&bytes).expect("valid");
            best = best.min(t.elapsed().as_secs_f64());
            assert_eq!(q.fingerprint(), p.fingerprint());
        }
        println!(
            "{id:>2} {name:<15} {source:<9} {:>15.2} {:>12.2} {:>12.1} {:>22.2} {:>11.2} {:>17.1}",
            first.as_secs_f64() * 1e3,
            cpu,
            cached,
            best * 1e3,
            p.heap_bytes() as f64 / (1 << 20) as f64,
            rss1 - rss0
        );
    }
    // Working memory of one codec after a 1,000-token message (chat text, cl100k_base).
    let tok = tacc::Tokenizer::builtin("cl100k_base").expect("tokenizer");
    let text = "The quick brown fox jumps over the lazy dog. ".repeat(20)
        + &(0..400)
            .map(|i| format!("item {i}: value {} ", i * 37 % 101))
            .collect::<String>();
    let ids: Vec<u32> = tok.encode(&text).into_iter().take(1000).collect();
    let p = builtin_priors_by_id(1).expect("priors");
    let mut e = tacc::model::TokenEncoder::new(tok.vocab_size(), Some(p)).expect("encoder");
    for &t in &ids {
        e.push(t).expect("push");
    }
    println!(
        "encoder after {} tokens: {} bytes of working memory (cap {} bytes)",
        ids.len(),
        e.memory(),
        e.max_memory()
    );
}

fn records(path: &str) -> Vec<String> {
    let file = std::fs::File::open(path).expect("corpus");
    let mut text = String::new();
    use std::io::Read;
    if path.ends_with(".gz") {
        flate2::read::MultiGzDecoder::new(file)
            .read_to_string(&mut text)
            .expect("gzip");
    } else {
        std::io::BufReader::new(file)
            .read_to_string(&mut text)
            .expect("read");
    }
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("JSONL");
            v["text"].as_str().expect("text").to_string()
        })
        .collect()
}

/// The text path (tokenizer file + priors) and the ID path (name + priors file, no tokenizer)
/// must write the same `model` frame for every record.
fn ids_path(corpus: &str) -> bool {
    let texts = records(corpus);
    let opts = Options::method(Method::Model);
    let mut ok = true;
    for v in OpenVocab::ALL {
        let Some(file) = tokenizer_file(v) else {
            println!("{}: skipped (no target/vocabs file)", v.name());
            continue;
        };
        let text_codec = CodecSpec::new()
            .with_tokenizer_file(Source::Path(file))
            .with_priors(Source::Path(priors_file(v)))
            .build()
            .expect("text codec");
        let mut spec = CodecSpec::new().with_priors(Source::Path(priors_file(v)));
        spec.tokenizer = Some(v.name().to_string());
        let id_codec = spec.build().expect("ID codec");
        assert_eq!(id_codec.vocab(), Some(Vocab::Open(v)));
        assert!(
            id_codec.tokenize("x").is_err(),
            "the ID codec has no tokenizer"
        );
        let (mut text_bytes, mut id_bytes, mut differ) = (0usize, 0usize, 0usize);
        for t in &texts {
            // The text path: the text in, tokenized by the publisher's file.
            let a = text_codec.compress(Input::Text(t), &opts).expect("text");
            let ids = text_codec.tokenize(t).expect("tokenize");
            // The ID path: the same tokens in, no tokenizer anywhere.
            let b = id_codec
                .compress(Input::TokenIds(&ids), &opts)
                .expect("ids");
            text_bytes += a.len();
            id_bytes += b.len();
            // The frames differ only in what the header says they hold (text or token IDs) and
            // in the CRC of that content: the ID path's frame must be byte for byte what the
            // text codec writes for the same IDs, as long as the text frame, and read back.
            let c = text_codec
                .compress(Input::TokenIds(&ids), &opts)
                .expect("ids via the text codec");
            let back = id_codec.decompress(&b).expect("decode the ID frame");
            if b != c || a.len() != b.len() || back != tacc::Content::TokenIds(ids) {
                differ += 1;
            }
        }
        println!(
            "{}: {} records; text path {} bytes of frames, ID path {} bytes; records that differ: {}",
            v.name(),
            texts.len(),
            text_bytes,
            id_bytes,
            differ
        );
        ok &= differ == 0 && text_bytes == id_bytes;
    }
    ok
}

fn escapes(corpus: &str, names: &[String]) {
    let texts = records(corpus);
    println!("vocab            tokens   escaped  escaped %  bits in escapes %  bits/token  tokenize MB/s on CPU");
    for name in names {
        let mut spec = CodecSpec::new();
        match Vocab::from_name(name).expect("vocabulary name") {
            Vocab::Open(v) => {
                spec = spec
                    .with_tokenizer_file(Source::Path(tokenizer_file(v).expect("target/vocabs")))
                    .with_priors(Source::Path(priors_file(v)));
            }
            Vocab::Builtin(_) => spec.tokenizer = Some(name.clone()),
        }
        let codec = spec.build().expect("codec");
        let priors = codec.priors().expect("priors");
        assert!(priors.is_some(), "{name}: no priors");
        let (mut n, mut esc, mut esc_cost, mut other_cost) = (0u64, 0u64, 0u64, 0u64);
        let bytes: u64 = texts.iter().map(|t| t.len() as u64).sum();
        let c0 = cpu_ns();
        let all: Vec<Vec<u32>> = texts
            .iter()
            .map(|t| codec.tokenize(t).expect("tokenize"))
            .collect();
        let tok_ns = cpu_ns() - c0;
        for ids in all {
            n += ids.len() as u64;
            let (e, ec, oc) = tacc::model::cost_split(&ids, codec.vocab_size(), priors.clone());
            esc += e;
            esc_cost += ec;
            other_cost += oc;
        }
        let total = (esc_cost + other_cost) as f64;
        println!(
            "{name:<15} {n:>8} {esc:>9} {:>10.2} {:>18.1} {:>11.3} {:>21.2}",
            100.0 * esc as f64 / n as f64,
            100.0 * esc_cost as f64 / total,
            total / 256.0 / n as f64,
            bytes as f64 / (tok_ns as f64 / 1e9) / 1e6
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None => load_costs(),
        Some("ids-path") if args.len() == 2 => {
            if !ids_path(&args[1]) {
                std::process::exit(1);
            }
        }
        Some("escapes") if args.len() >= 2 => {
            let names: Vec<String> = if args.len() > 2 {
                args[2..].to_vec()
            } else {
                ["cl100k_base", "o200k_base"]
                    .map(String::from)
                    .into_iter()
                    .chain(OpenVocab::ALL.map(|v| v.name().to_string()))
                    .collect()
            };
            escapes(&args[1], &names);
        }
        _ => {
            eprintln!("usage: model_load [ids-path CORPUS | escapes CORPUS [NAME...]]");
            std::process::exit(2);
        }
    }
}
