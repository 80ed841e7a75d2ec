//! The `tacc` command line: compress, decompress, stats, bench (and its report), serve (the
//! playground), mapping, train, tokenizers.

mod bench;
mod corpus;
mod exit;
mod files;
mod jsonl;
mod methods;
mod progress;
mod report;
mod results;
mod serve;
mod train;
mod units;
mod vocab;

use std::path::{Path, PathBuf};

use clap::{CommandFactory, Parser, Subcommand};
use tacc::{Codec, Content, ContentKind, Input, Limits, Mapping, Method, Options, Peer};

#[derive(Parser)]
#[command(
    name = "tacc",
    version,
    about = "Token-aware compression for LLM text and token IDs",
    arg_required_else_help = true,
    after_help = exit::TABLE
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// How to get the tokenizer (and tacc mapping, priors) a command works with: the flags fill a
/// `tacc::CodecSpec`, whose `build` holds the rules for combining them.
#[derive(clap::Args, Clone)]
struct TokenizerArgs {
    /// Vocabulary: built-in (cl100k_base, gpt2, o200k_base, o200k_harmony, p50k_base, p50k_edit,
    /// r50k_base) or an open model's (llama3, llama4, qwen, qwen3_6, tekken_240911: text needs
    /// --tokenizer-file, token IDs only --priors). Default: cl100k_base.
    #[arg(long, short = 't')]
    tokenizer: Option<String>,
    /// A tokenizer file: a tiktoken rank file (.tiktoken, Llama's tokenizer.model) or a Tekken
    /// JSON file. The open models' files are recognized by their contents.
    #[arg(long, value_name = "FILE", alias = "tiktoken-file")]
    tokenizer_file: Option<PathBuf>,
    /// Split pattern for a custom --tokenizer-file: cl100k, qwen2, gpt2, o200k, or a regex
    /// (default: the file's own, else cl100k).
    #[arg(long)]
    pattern: Option<String>,
    /// A custom tacc mapping file (see `tacc mapping`).
    #[arg(long, value_name = "FILE")]
    mapping: Option<PathBuf>,
    /// Model priors: `tacc train`'s output, or an open model's models/<name>.tpf.zst.
    #[arg(long, value_name = "FILE")]
    priors: Option<PathBuf>,
    /// Where the open models' priors are (<DIR>/<name>.tpf.zst) when --priors is not given.
    /// Default: $TACC_PRIORS_DIR, else the models/ directory of the repository this binary was
    /// built from, if it is still there.
    #[arg(long, value_name = "DIR")]
    priors_dir: Option<PathBuf>,
}

impl TokenizerArgs {
    fn spec(&self) -> tacc::CodecSpec {
        let mut spec = tacc::CodecSpec::new();
        spec.tokenizer = self.tokenizer.clone();
        spec.tokenizer_file = self.tokenizer_file.clone().map(tacc::Source::Path);
        spec.pattern = self.pattern.clone();
        spec.mapping = self.mapping.clone().map(tacc::Source::Path);
        spec.priors = self.priors.clone().map(tacc::Source::Path);
        spec.priors_dir = self
            .priors_dir
            .clone()
            .or_else(|| std::env::var_os("TACC_PRIORS_DIR").map(PathBuf::from))
            .or_else(|| {
                let repo = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../models"));
                repo.is_dir().then(|| repo.to_path_buf())
            });
        spec
    }

    fn codec(&self) -> tacc::Result<Codec> {
        self.spec().build()
    }

    fn is_custom(&self) -> bool {
        self.tokenizer_file.is_some() || self.mapping.is_some() || self.priors.is_some()
    }
}

#[derive(Subcommand)]
enum Command {
    /// Compress text (default) or token IDs into tacc frames (or raw tacc/LoPace payloads): each
    /// FILE to FILE.tacc beside it, like zstd; standard input to standard output.
    Compress {
        #[command(flatten)]
        files: files::FileArgs,
        #[command(flatten)]
        tok: TokenizerArgs,
        /// model (default), stored, zstd, gzip, lopace-token, lopace-hybrid, tacc, tacc-gzip, model-v1 (the format-1 coder), or auto (smallest per input).
        #[arg(long, short = 'm')]
        method: Option<String>,
        /// zstd level (1-22) or gzip level (1-12), for the method chosen.
        #[arg(long, short = 'l')]
        level: Option<i32>,
        /// The input is token IDs: a JSON array or whitespace-separated integers.
        #[arg(long)]
        ids: bool,
        /// Leave out the CRC-32 of the content.
        #[arg(long)]
        no_checksum: bool,
        /// Write the peer's raw payload (no frame) of this method: tacc, tacc-gzip (tacc 0.1.0),
        /// zstd, lopace-token, lopace-hybrid (LoPace 0.1.5).
        #[arg(long, value_name = "METHOD", conflicts_with = "method")]
        raw: Option<String>,
        /// A JSONL archive, coded record by record: the --field string of each record becomes
        /// {"tacc": "<base64 frame>"} (decompress: back), the rest of each line is kept as it is.
        /// One archive (.gz read directly) to -o FILE or standard output.
        #[arg(long)]
        jsonl: bool,
        /// With --jsonl: the record field to code (a top-level string field).
        #[arg(long, value_name = "NAME", default_value = "text", requires = "jsonl")]
        field: String,
    },
    /// Restore what `compress` made: each FILE.tacc to FILE beside it; standard input to standard
    /// output. Frames need no flags; raw payloads need --raw and the tokenizer.
    #[command(
        after_help = "Limits: --max-output and --max-tokens default to the hard caps \
        (1G of output, 268435456 tokens), since the input is a file on your own disk; a payload \
        that would decode to more is refused before the memory is allocated, with an error \
        naming the limit, and no output is written. Set lower limits for input you do not trust."
    )]
    Decompress {
        #[command(flatten)]
        files: files::FileArgs,
        #[command(flatten)]
        tok: TokenizerArgs,
        /// Read a raw peer payload made by this method (see `compress --raw`).
        #[arg(long, value_name = "METHOD")]
        raw: Option<String>,
        /// With --raw tacc/tacc-gzip: print token IDs instead of text.
        #[arg(long)]
        ids: bool,
        /// Largest output (text bytes, or token IDs x 4): a number with an optional suffix K, M
        /// or G (powers of 1024), at most 1G. Default 1G (the hard cap).
        #[arg(long, value_name = "BYTES", value_parser = parse_max_output)]
        max_output: Option<usize>,
        /// Largest number of token IDs decoded (suffixes as --max-output), at most 268435456 (256M).
        /// Default: the hard cap.
        #[arg(long, value_name = "N", value_parser = parse_max_tokens)]
        max_tokens: Option<usize>,
        /// A JSONL archive, coded record by record: the --field string of each record becomes
        /// {"tacc": "<base64 frame>"} (decompress: back), the rest of each line is kept as it is.
        /// One archive (.gz read directly) to -o FILE or standard output.
        #[arg(long)]
        jsonl: bool,
        /// With --jsonl: the record field to code (a top-level string field).
        #[arg(long, value_name = "NAME", default_value = "text", requires = "jsonl")]
        field: String,
    },
    /// Size, ratio and speed of every method on one file.
    Stats {
        /// The text file to measure.
        input: PathBuf,
        #[command(flatten)]
        tok: TokenizerArgs,
    },
    /// Per-record benchmark over JSONL records `{"text": ...}` (.gz read directly).
    Bench(bench::BenchArgs),
    /// The playground: a web page, served from this binary, that compresses what you paste with every method.
    Serve(serve::ServeArgs),
    /// Build a custom tacc mapping (token frequency order) from a JSONL corpus of texts.
    Mapping {
        /// JSONL records `{"text": ...}` (.gz read directly).
        corpus: PathBuf,
        #[command(flatten)]
        tok: TokenizerArgs,
        /// The mapping file to write.
        #[arg(short, long)]
        output: PathBuf,
        /// Threads for tokenizing the corpus (0: one per core). The output is the same at any count.
        #[arg(short = 'T', long = "threads", value_name = "N", default_value_t = 0)]
        threads: usize,
    },
    /// Train context-model priors from a JSONL corpus of texts (`{"text": ...}`, .gz read directly).
    Train(train::TrainArgs),
    /// List the built-in tokenizers and the open models' vocabularies (file, source, priors ID).
    Tokenizers,
    /// Shell completions for bash, zsh, fish, elvish or PowerShell, on standard output
    /// (bash: `tacc completions bash > /etc/bash_completion.d/tacc`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// The man page (roff), on standard output: `tacc man > tacc.1; man ./tacc.1`.
    Man,
    /// Regenerate the built-in vocabulary tables (`vocab/`) from tiktoken-rs's rank files.
    #[command(hide = true)]
    Vocab {
        /// tiktoken-rs 0.12.1's `assets/` directory (default: found in the cargo registry).
        #[arg(long)]
        assets: Option<PathBuf>,
        /// Where the tables are written (or compared, with --check).
        #[arg(long, default_value = "vocab")]
        out: PathBuf,
        /// Compare with the files in --out instead of writing them.
        #[arg(long)]
        check: bool,
    },
}

fn main() {
    // Rust ignores SIGPIPE, which turns a closed pipe (`tacc stats f | head`) into a panic.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // clap's own codes: 0 for --help and --version, 2 for a bad command line.
        Err(e) => {
            let _ = e.print();
            std::process::exit(e.exit_code());
        }
    };
    let code = match run(cli.command) {
        Ok(()) => 0,
        Err(failures) => failures.exit_code(),
    };
    std::process::exit(code);
}

fn run(command: Command) -> Result<(), exit::Failures> {
    match command {
        Command::Compress {
            files,
            tok,
            method,
            level,
            ids,
            no_checksum,
            raw,
            jsonl,
            field,
        } => {
            let codec = tok.codec()?;
            let opts = match raw {
                Some(name) => Options::raw(raw_method(&name)?),
                None => Options::default().with_method(match method.as_deref() {
                    None => Some(tacc::DEFAULT_METHOD),
                    Some("auto") => None,
                    Some(name) => Some(Method::from_name(name)?),
                }),
            }
            .with_checksum(!no_checksum);
            let opts = match level {
                Some(l) => opts.with_zstd_level(l).with_gzip_level(l),
                None => opts,
            };
            let compress = |data: &[u8]| {
                if ids {
                    codec.compress(Input::TokenIds(&parse_ids(data)?), &opts)
                } else {
                    codec.compress(Input::Bytes(data), &opts)
                }
            };
            if jsonl {
                let code = jsonl::compress_field(&compress);
                return jsonl::run_files(&files, &field, &code).into_result();
            }
            files::run(&files, files::Direction::Compress, &compress).into_result()
        }
        Command::Decompress {
            files,
            tok,
            raw,
            ids,
            max_output,
            max_tokens,
            jsonl,
            field,
        } => {
            // The CLI's defaults are the hard caps: the input is a file on the user's own disk.
            let limits = Limits::new(
                max_output.unwrap_or(Limits::MAX.max_output_bytes),
                max_tokens.unwrap_or(Limits::MAX.max_tokens),
            );
            // Only build a codec when a raw payload or a custom tokenizer or mapping needs one.
            let codec = if raw.is_some() || tok.is_custom() {
                Some(tok.codec()?.with_limits(limits))
            } else {
                None
            };
            let raw = raw.as_deref().map(raw_method).transpose()?;
            let kind = if ids {
                ContentKind::TokenIds
            } else {
                ContentKind::Text
            };
            let decompress = |data: &[u8]| {
                let content = match (&codec, raw) {
                    // The codec's limits bound the decode (and the detokenized text).
                    (Some(codec), Some(method)) => {
                        codec.decompress_as(data, kind, &Options::raw(method))?
                    }
                    (Some(codec), None) => codec.decompress(data)?,
                    (None, _) => tacc::decompress_with_limits(data, &limits)?,
                };
                // Written only once all of it decoded: an error leaves no partial output file.
                printable(&limits, content)
            };
            if jsonl {
                let code = jsonl::decompress_field(&decompress);
                return jsonl::run_files(&files, &field, &code).into_result();
            }
            files::run(&files, files::Direction::Decompress, &decompress).into_result()
        }
        Command::Stats { input, tok } => {
            let data = std::fs::read(&input)
                .map_err(|e| tacc::Error::Io(format!("{}: {e}", input.display())))?;
            let text =
                String::from_utf8(data).map_err(|e| tacc::Error::InvalidUtf8(e.to_string()))?;
            Ok(print_stats(&tok.codec()?, &text)?)
        }
        Command::Bench(args) => Ok(bench::run(&args)?),
        Command::Serve(args) => Ok(serve::run(&args)?),
        Command::Mapping {
            corpus,
            tok,
            output,
            threads,
        } => {
            let codec = tok.codec()?;
            let mut counts = vec![0u64; codec.vocab_size() as usize];
            let texts = corpus::read_records(&corpus)?;
            for ids in corpus::tokenize_all(&codec, &texts, threads)? {
                for id in ids {
                    counts[id as usize] += 1;
                }
            }
            let mapping = Mapping::from_counts(&counts)?;
            std::fs::write(&output, mapping.to_bytes())
                .map_err(|e| tacc::Error::Io(format!("{}: {e}", output.display())))?;
            eprintln!(
                "wrote {} ({} token IDs, fingerprint {:016x})",
                output.display(),
                mapping.len(),
                mapping.fingerprint()
            );
            Ok(())
        }
        Command::Train(args) => Ok(train::run(args)?),
        Command::Vocab { assets, out, check } => Ok(vocab::run(assets.as_deref(), &out, check)?),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "tacc", &mut std::io::stdout());
            Ok(())
        }
        Command::Man => {
            let mut out = std::io::stdout().lock();
            clap_mangen::Man::new(Cli::command())
                .render(&mut out)
                .map_err(tacc::Error::from)?;
            Ok(())
        }
        Command::Tokenizers => {
            for b in tacc::Builtin::ALL {
                if b.is_enabled() {
                    println!("{}\t{} token IDs", b.name(), b.vocab_size());
                }
            }
            // The open models' vocabularies, in the same tab-separated form: tacc knows them,
            // the publisher's file brings the tokens (--tokenizer-file), their model priors have
            // an ID of their own (models/<name>.tpf.zst).
            for v in tacc::OpenVocab::ALL {
                println!(
                    "{}\t{} token IDs\tfile {}\tpriors {}\t{}",
                    v.name(),
                    v.vocab_size(),
                    v.file_name(),
                    v.priors_id(),
                    v.source()
                );
            }
            Ok(())
        }
    }
}

/// The method `--raw NAME` names: a raw layout is named by the method whose peer payload it is
/// (`Method::name`), among the methods that have one (`Peer::of`).
fn raw_method(name: &str) -> tacc::Result<Method> {
    let has_peer = |m: &Method| Peer::of(*m).is_ok();
    Method::from_name(name)
        .ok()
        .filter(has_peer)
        .ok_or_else(|| {
            let names: Vec<&str> = Method::ALL
                .into_iter()
                .filter(has_peer)
                .map(Method::name)
                .collect();
            tacc::Error::InvalidArgument(format!(
                "unknown raw layout '{name}' (available: {})",
                names.join(", ")
            ))
        })
}

/// What `decompress` writes: text and bytes as they are, token IDs as a JSON array.
fn printable(limits: &Limits, content: Content) -> tacc::Result<Vec<u8>> {
    match content {
        Content::Text(t) => within(limits, t.into_bytes()),
        Content::Bytes(b) => within(limits, b),
        Content::TokenIds(ids) => {
            if ids.len() > limits.max_tokens {
                return Err(tokens_over(limits, ids.len()));
            }
            within(limits, ids_json(&ids))
        }
        other => Err(tacc::Error::InvalidArgument(format!(
            "this tacc cannot print {}",
            other.kind().describe()
        ))),
    }
}

/// A last check of the output against `--max-output` (the library refuses most payloads before
/// decoding them; this covers what the CLI itself adds, such as the IDs' JSON).
fn within(limits: &Limits, out: Vec<u8>) -> tacc::Result<Vec<u8>> {
    if out.len() > limits.max_output_bytes {
        return Err(output_over(limits, out.len()));
    }
    Ok(out)
}

fn output_over(limits: &Limits, size: usize) -> tacc::Error {
    tacc::Error::TooLarge {
        what: "decoded output (max_output_bytes: --max-output)",
        size: size as u64,
        limit: limits.max_output_bytes as u64,
    }
}

fn tokens_over(limits: &Limits, size: usize) -> tacc::Error {
    tacc::Error::TooLarge {
        what: "token count (max_tokens: --max-tokens)",
        size: size as u64,
        limit: limits.max_tokens as u64,
    }
}

/// "64M" -> 67108864: a count with an optional suffix K, M or G (powers of 1024; a trailing
/// "iB" or "B" is accepted), from 1 to `cap`.
fn parse_size(s: &str, cap: usize) -> Result<usize, String> {
    let t = s.trim();
    let t = t
        .strip_suffix("iB")
        .or_else(|| t.strip_suffix('B'))
        .unwrap_or(t);
    let (digits, shift) = match t.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&t[..t.len() - 1], 10),
        Some('M') => (&t[..t.len() - 1], 20),
        Some('G') => (&t[..t.len() - 1], 30),
        _ => (t, 0),
    };
    let n: u64 = digits
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a number with an optional K, M or G suffix"))?;
    let v = n
        .checked_mul(1u64 << shift)
        .filter(|&v| (1..=cap as u64).contains(&v))
        .ok_or_else(|| format!("'{s}' is not between 1 and {cap}"))?;
    Ok(v as usize)
}

fn parse_max_output(s: &str) -> Result<usize, String> {
    parse_size(s, Limits::MAX.max_output_bytes)
}

fn parse_max_tokens(s: &str) -> Result<usize, String> {
    parse_size(s, Limits::MAX.max_tokens)
}

fn parse_ids(data: &[u8]) -> tacc::Result<Vec<u32>> {
    let text = std::str::from_utf8(data)
        .map_err(|e| tacc::Error::InvalidUtf8(e.to_string()))?
        .trim();
    let bad = |t: &str| {
        tacc::Error::InvalidArgument(format!("'{t}' is not a token ID (0 to 4294967295)"))
    };
    if text.starts_with('[') {
        let v: Vec<serde_json::Value> = serde_json::from_str(text)
            .map_err(|e| tacc::Error::InvalidArgument(format!("token IDs: {e}")))?;
        v.iter()
            .map(|x| {
                x.as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| bad(&x.to_string()))
            })
            .collect()
    } else {
        text.split_whitespace()
            .map(|t| t.parse::<u32>().map_err(|_| bad(t)))
            .collect()
    }
}

fn ids_json(ids: &[u32]) -> Vec<u8> {
    let mut s = serde_json::to_string(ids).expect("integers serialize");
    s.push('\n');
    s.into_bytes()
}

fn print_stats(codec: &Codec, text: &str) -> tacc::Result<()> {
    let stats = codec.stats(text, &Options::default())?;
    println!(
        "{} bytes, {} characters, {} tokens ({})",
        stats.original_bytes,
        stats.characters,
        stats.original_tokens,
        codec.tokenizer_name()
    );
    println!(
        "{:<14} {:>10} {:>7} {:>8} {:>11} {:>11}",
        "method", "bytes", "ratio", "saved%", "enc MB/s", "dec MB/s"
    );
    let mbps = |secs: f64| {
        if secs > 0.0 {
            stats.original_bytes as f64 / secs / 1e6
        } else {
            f64::INFINITY
        }
    };
    for m in &stats.methods {
        println!(
            "{:<14} {:>10} {:>7.2} {:>8.1} {:>11.1} {:>11.1}",
            m.name,
            m.compressed_bytes,
            m.ratio,
            m.space_saved_percent,
            mbps(m.encode_seconds),
            mbps(m.decode_seconds)
        );
    }
    println!("(frame sizes, header and checksum included; speeds: median of repeated calls on this input)");
    for unit in [
        tacc::stats::Unit::Character,
        tacc::stats::Unit::Byte,
        tacc::stats::Unit::Token,
    ] {
        let e = tacc::stats::order0_estimate(codec, text, unit)?;
        println!(
            "order-0 entropy per {:<9} {:>6.3} bits -> {:>10.0} bytes for a context-free coder (not a limit for context-aware ones)",
            format!("{unit:?}").to_lowercase(),
            e.entropy_bits_per_unit,
            e.min_bytes
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// `--help` explains every argument of every command (hidden ones included: they are
    /// someone's tool too).
    #[test]
    fn every_argument_has_help() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if id == "help" || id == "version" {
                    continue;
                }
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{path} {id}"));
                }
            }
            for sub in cmd.get_subcommands() {
                if sub.get_about().is_none() && sub.get_name() != "help" {
                    missing.push(format!("{path} {} (the command)", sub.get_name()));
                }
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "tacc", &mut missing);
        assert!(missing.is_empty(), "arguments without help: {missing:#?}");
        Cli::command().debug_assert();
    }
}
