//! `tacc train`: context-model priors from a JSONL corpus, reproducible byte for byte.
//!
//! `-o FILE.tpf` writes the flat priors of the `model` method, `-o FILE.tpf.zst` the same
//! zstd-compressed (as the built-ins are shipped in `models/`), `-o FILE.tpri` the first model's
//! priors (`model-v1`). Records are used in file order; the output depends only on the corpus,
//! the tokenizer and the options.

use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args)]
pub struct TrainArgs {
    /// JSONL corpus of `{"text": ...}` records (.gz read directly).
    corpus: PathBuf,
    #[command(flatten)]
    tok: super::TokenizerArgs,
    /// Output file: .tpf (flat), .tpf.zst (flat, compressed) or .tpri (model-v1).
    #[arg(short, long)]
    output: PathBuf,
    /// Successors kept per previous token (at most 32).
    #[arg(long, default_value_t = 32)]
    successors: usize,
    /// Drop successors seen fewer times than this.
    #[arg(long, default_value_t = 2)]
    min_count: u32,
    /// Drop successors less probable than 2^(-N/16).
    #[arg(long, default_value_t = 176)]
    max_pq: u32,
    /// Pairs of previous tokens seen fewer times get no successor list of their own.
    #[arg(long, default_value_t = 128)]
    pair_min: u32,
    /// Successors kept per frequent pair (at most 32; 0 = no pair table).
    #[arg(long, default_value_t = 16)]
    pair_successors: usize,
    /// Successors kept per previous token seen at least --tail-min times (beyond the first 32:
    /// the escape path's second-level list; 0 = none).
    #[arg(long, default_value_t = 1024)]
    tail: usize,
    /// Previous tokens seen fewer times keep only --successors successors.
    #[arg(long, default_value_t = 1000)]
    tail_min: u32,
    /// Built-in priors ID to write into the file (0 = custom; see codecs/model.rs).
    #[arg(long, default_value_t = 0)]
    id: u8,
    /// Cache of the corpus's token IDs (written if absent, read if present).
    #[arg(long, value_name = "FILE")]
    token_cache: Option<PathBuf>,
    /// Threads for tokenizing the corpus (0: one per core). The output is the same at any count.
    #[arg(short = 'T', long = "threads", value_name = "N", default_value_t = 0)]
    threads: usize,
}

fn read_cache(path: &std::path::Path) -> Option<Vec<Vec<u32>>> {
    let b = std::fs::read(path).ok()?;
    let w: Vec<u32> = b
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < w.len() {
        let n = w[i] as usize;
        out.push(w.get(i + 1..i + 1 + n)?.to_vec());
        i += 1 + n;
    }
    Some(out)
}

fn write_cache(path: &std::path::Path, seqs: &[Vec<u32>]) -> std::io::Result<()> {
    let mut b = Vec::new();
    for s in seqs {
        b.extend_from_slice(&(s.len() as u32).to_le_bytes());
        for &t in s {
            b.extend_from_slice(&t.to_le_bytes());
        }
    }
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d)?;
    }
    std::fs::write(path, b)
}

pub fn run(a: TrainArgs) -> tacc::Result<()> {
    let codec = a.tok.codec()?;
    let vocab = codec.vocab_size();
    let started = Instant::now();
    let seqs = match a.token_cache.as_deref().and_then(read_cache) {
        Some(s) => s,
        None => {
            let texts = crate::corpus::read_records(&a.corpus)?;
            let seqs = crate::corpus::tokenize_all(&codec, &texts, a.threads)?;
            if let Some(c) = &a.token_cache {
                write_cache(c, &seqs)?;
            }
            seqs
        }
    };
    let name = a.output.to_string_lossy().to_string();
    let (bytes, fingerprint) = if name.ends_with(".tpri") {
        let p = tacc::model::v1::Priors::train(seqs.iter().cloned(), vocab);
        (p.to_bytes(), p.fingerprint())
    } else {
        let cfg = tacc::model::TrainConfig {
            successors: a.successors,
            min_count: a.min_count,
            max_pq: a.max_pq,
            pair_min: a.pair_min,
            pair_successors: a.pair_successors,
            tail: a.tail,
            tail_min: a.tail_min,
            id: a.id,
        };
        let p = tacc::model::Priors::train_with(seqs.iter().cloned(), vocab, &cfg);
        let bytes = if name.ends_with(".zst") {
            p.to_zstd()
        } else {
            p.as_bytes().to_vec()
        };
        (bytes, p.fingerprint())
    };
    std::fs::write(&a.output, &bytes)?;
    eprintln!(
        "wrote {} ({} bytes, {} records, fingerprint {:016x}) in {:.1} s",
        a.output.display(),
        bytes.len(),
        seqs.len(),
        fingerprint,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
