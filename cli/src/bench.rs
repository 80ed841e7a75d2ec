//! `tacc bench`: per-record compression of a JSONL corpus, as a chat service or prompt store does it.
//!
//! Each row (method) runs in a child process of its own (this binary, re-run with a hidden
//! `--child-json`), so that row's peak memory can be read from the kernel and no row inherits
//! another's heap. The child prints every record's payload size and times; this process sums them
//! into the table, `--json` and the `--report` charts.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::{json, Value};

use crate::corpus::read_records_limit;
use crate::methods::{rows, Row};
use crate::report::{json_doc, print_table};
use crate::results::{Bands, Bench, Memory, RowRun};

#[derive(clap::Args, Clone)]
pub struct BenchArgs {
    /// JSONL file of `{"text": ...}` records; gzip-compressed files are read directly.
    input: PathBuf,
    #[command(flatten)]
    tok: super::TokenizerArgs,
    /// Only the first N records.
    #[arg(long)]
    limit: Option<usize>,
    /// Comma-separated subset of rows to run (names as printed).
    #[arg(long)]
    only: Option<String>,
    /// Also write the results as JSON here.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Also write a self-contained HTML report with charts (inline SVG, no external files).
    #[arg(long, value_name = "FILE.html")]
    report: Option<PathBuf>,
    /// Also write each chart as a PNG in this directory (ratio-by-size.png, throughput.png...).
    #[arg(long, value_name = "DIR")]
    png_dir: Option<PathBuf>,
    /// Size bands by UTF-8 bytes of a record: small < A <= medium < B <= large (suffixes K/KiB, M/MiB).
    #[arg(long, value_name = "A,B", default_value = "1KiB,4KiB")]
    bands: String,
    /// Internal: run the one row named by --only here and print its per-record results as JSON.
    #[arg(long, hide = true)]
    child_json: bool,
}

/// The 1-minute load average, from /proc/loadavg.
fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

pub fn run(args: &BenchArgs) -> tacc::Result<()> {
    if args.child_json {
        return child(args);
    }
    let started = Instant::now();
    let load_start = load_average();
    let bands = Bands::parse(&args.bands)?;
    let tok = with_open_mapping(&args.tok)?;
    let args = &BenchArgs {
        tok,
        ..args.clone()
    };
    let codec = args.tok.codec()?;
    let texts = read_records_limit(&args.input, args.limit)?;
    let t0 = Instant::now();
    let ids: Vec<Vec<u32>> = texts
        .iter()
        .map(|t| codec.tokenize(t))
        .collect::<tacc::Result<_>>()?;
    let tokenize_secs = t0.elapsed().as_secs_f64();
    let selected = select(args.only.as_deref())?;

    let mut bench = Bench {
        input: args.input.display().to_string(),
        tokenizer: codec.tokenizer_name().to_string(),
        text_bytes: texts.iter().map(|t| t.len() as u64).collect(),
        tokens: ids.iter().map(|v| v.len() as u64).collect(),
        tokenize_secs,
        bands,
        rows: Vec::new(),
        limited: args.limit.filter(|&l| l <= texts.len()),
        only: args.only.clone(),
        wall_secs: 0.0,
        load: None,
    };
    // A row this vocabulary cannot run (model-v1 has priors for the built-ins only, so it
    // refuses an open vocabulary's) is left out with its reason, not the whole run.
    let mut runnable = Vec::new();
    for row in selected {
        match (texts.first(), ids.first()) {
            (Some(t), Some(i)) => match row.warm_up(&codec, t, i) {
                Ok(()) => runnable.push(row),
                Err(e) => eprintln!(
                    "bench: row '{}' left out for {}: {e}",
                    row.name, bench.tokenizer
                ),
            },
            _ => runnable.push(row),
        }
    }
    drop((texts, ids));
    // One bar step per row (each row runs in a child process of its own).
    let progress = crate::progress::Progress::new(runnable.len() as u64, false, "bench rows");
    for row in &runnable {
        bench
            .rows
            .push(run_child(args, row, bench.text_bytes.len())?);
        progress.inc(1);
    }
    progress.finish();
    bench.wall_secs = started.elapsed().as_secs_f64();
    bench.load = load_start.zip(load_average());
    print_table(&bench);
    if let Some(path) = &args.json {
        let mut f = std::fs::File::create(path)
            .map_err(|e| tacc::Error::Io(format!("{}: {e}", path.display())))?;
        writeln!(
            f,
            "{}",
            serde_json::to_string_pretty(&json_doc(&bench)).expect("json")
        )?;
    }
    if let Some(path) = &args.report {
        crate::report::write_html(&bench, path)?;
        eprintln!("wrote {}", path.display());
    }
    if let Some(dir) = &args.png_dir {
        let files = crate::report::write_pngs(&bench, dir)?;
        eprintln!("wrote {} PNG charts in {}", files.len(), dir.display());
    }
    Ok(())
}

/// An open vocabulary's tacc mapping, when this build does not embed it: the repository's
/// `mappings/<name>.tmap.zst` (recognized as that vocabulary's own by its fingerprint), so the
/// tacc rows run for llama3 & co. as they do for the built-ins. Other flags as given.
fn with_open_mapping(tok: &super::TokenizerArgs) -> tacc::Result<super::TokenizerArgs> {
    let mut tok = tok.clone();
    if tok.mapping.is_some() {
        return Ok(tok);
    }
    if let Some(tacc::Vocab::Open(v)) = tok.codec()?.vocab() {
        let file = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../mappings"))
            .join(format!("{}.tmap.zst", v.name()));
        if !tacc::Mapping::is_open_embedded(v) && file.is_file() {
            tok.mapping = Some(file);
        }
    }
    Ok(tok)
}

/// The rows `--only` names (all when absent); an unknown name is an error.
fn select(only: Option<&str>) -> tacc::Result<Vec<Row>> {
    let all = rows();
    let Some(only) = only else { return Ok(all) };
    let names: Vec<&str> = only.split(',').map(str::trim).collect();
    if let Some(bad) = names.iter().find(|n| !all.iter().any(|r| r.name == **n)) {
        let known: Vec<&str> = all.iter().map(|r| r.name.as_str()).collect();
        return Err(tacc::Error::InvalidArgument(format!(
            "--only: no row '{bad}' (rows: {})",
            known.join(", ")
        )));
    }
    Ok(all
        .into_iter()
        .filter(|r| names.contains(&r.name.as_str()))
        .collect())
}

/// Runs one row in a child process (this binary with `--child-json`) and reads its results.
fn run_child(args: &BenchArgs, row: &Row, records: usize) -> tacc::Result<RowRun> {
    // /proc/self/exe is this very binary even if a rebuild has replaced the file meanwhile.
    let exe = if Path::new("/proc/self/exe").exists() {
        PathBuf::from("/proc/self/exe")
    } else {
        std::env::current_exe()?
    };
    let mut cmd_args: Vec<OsString> = vec!["bench".into(), args.input.clone().into()];
    let tok = &args.tok;
    for (flag, value) in [("--tokenizer", &tok.tokenizer), ("--pattern", &tok.pattern)] {
        if let Some(v) = value {
            cmd_args.extend([flag.into(), v.clone().into()]);
        }
    }
    for (flag, path) in [
        ("--tokenizer-file", &tok.tokenizer_file),
        ("--mapping", &tok.mapping),
        ("--priors", &tok.priors),
        ("--priors-dir", &tok.priors_dir),
    ] {
        if let Some(p) = path {
            cmd_args.extend([flag.into(), p.clone().into()]);
        }
    }
    if let Some(n) = args.limit {
        cmd_args.extend(["--limit".into(), n.to_string().into()]);
    }
    cmd_args.extend(["--only".into(), row.name.clone().into()]);
    cmd_args.push("--child-json".into());
    let out = Command::new(exe)
        .args(&cmd_args)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()?;
    if !out.status.success() {
        return Err(tacc::Error::Io(format!(
            "bench row '{}' failed in its child process ({})",
            row.name, out.status
        )));
    }
    let v: Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| tacc::Error::Io(format!("bench row '{}': bad child output: {e}", row.name)))?;
    let list = |key: &str| -> Vec<u64> {
        v[key]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_u64).collect())
            .unwrap_or_default()
    };
    let (payload, enc_ns, dec_ns) = (list("payload"), list("enc_ns"), list("dec_ns"));
    if payload.len() != records || enc_ns.len() != records || dec_ns.len() != records {
        return Err(tacc::Error::Io(format!(
            "bench row '{}': the child measured {} records, expected {records}",
            row.name,
            payload.len()
        )));
    }
    let m = &v["memory"];
    let memory = m["peak_rss_bytes"].as_u64().map(|peak| Memory {
        peak,
        file: m["file_rss_bytes"].as_u64().unwrap_or(0),
        start: m["start_rss_bytes"].as_u64().unwrap_or(0),
        tokenizer: m["tokenizer_rss_bytes"].as_u64().unwrap_or(0),
    });
    Ok(RowRun {
        name: row.name.clone(),
        token_input: row.token_input,
        payload,
        enc_ns,
        dec_ns,
        memory,
    })
}

/// The child: load and tokenize the records, then run one row over all of them while the kernel
/// tracks the peak resident set; print per-record results as JSON on stdout.
fn child(args: &BenchArgs) -> tacc::Result<()> {
    let selected = select(args.only.as_deref())?;
    let [row] = &selected[..] else {
        return Err(tacc::Error::InvalidArgument(
            "--child-json runs exactly one row (--only NAME)".into(),
        ));
    };
    let texts = read_records_limit(&args.input, args.limit)?;
    let rss_records = mem::settle().map(|s| s.rss);
    let codec = args.tok.codec()?;
    let ids: Vec<Vec<u32>> = texts
        .iter()
        .map(|t| codec.tokenize(t))
        .collect::<tacc::Result<_>>()?;
    let ids_bytes: u64 = ids.iter().map(|v| (v.capacity() * 4) as u64).sum();
    let rss_tokenized = mem::settle().map(|s| s.rss);
    let n = texts.len();
    let (mut payload, mut enc_ns, mut dec_ns) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let progress = std::io::stderr().is_terminal();

    // From here on, everything resident that was not resident before is this row's.
    let start = mem::settle().and_then(|s| mem::reset_peak().then_some(s));
    if let (Some(text), Some(first)) = (texts.first(), ids.first()) {
        row.warm_up(&codec, text, first)?;
    }
    for (i, (text, ids)) in texts.iter().zip(&ids).enumerate() {
        if progress && i % 200 == 0 {
            eprint!("\r{:<22} {:>6}/{}", row.name, i, n);
        }
        let m = row.measure(&codec, text, ids)?;
        if !m.restored {
            return Err(tacc::Error::Mismatch(format!(
                "{} did not restore record {i}",
                row.name
            )));
        }
        payload.push(m.payload.len() as u64);
        enc_ns.push(m.encode.as_nanos() as u64);
        dec_ns.push(m.decode.as_nanos() as u64);
    }
    let end = mem::read();
    if progress {
        eprint!("\r{:40}\r", "");
    }
    let memory = match (start, end) {
        (Some(s), Some(e)) => json!({
            "peak_rss_bytes": e.hwm.saturating_sub(s.rss),
            "file_rss_bytes": e.file.saturating_sub(s.file).min(e.hwm.saturating_sub(s.rss)),
            "start_rss_bytes": s.rss,
            "tokenizer_rss_bytes": match (rss_records, rss_tokenized) {
                (Some(a), Some(b)) => b.saturating_sub(a).saturating_sub(ids_bytes),
                _ => 0,
            },
        }),
        _ => Value::Null,
    };
    let doc = json!({
        "row": row.name, "payload": payload, "enc_ns": enc_ns, "dec_ns": dec_ns, "memory": memory,
    });
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, &doc).expect("json");
    writeln!(out)?;
    Ok(())
}

/// The resident set of this process, from /proc/self/status (Linux only).
mod mem {
    #[derive(Clone, Copy)]
    pub struct Status {
        pub rss: u64,
        pub hwm: u64,
        pub file: u64,
    }

    pub fn read() -> Option<Status> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let field = |name: &str| -> Option<u64> {
            let line = status.lines().find(|l| l.starts_with(name))?;
            let kib: u64 = line[name.len()..]
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .ok()?;
            Some(kib * 1024)
        };
        Some(Status {
            rss: field("VmRSS:")?,
            hwm: field("VmHWM:")?,
            file: field("RssFile:")?,
        })
    }

    /// Hands freed heap pages back to the kernel, so the next piece of work cannot hide in memory
    /// that an earlier one left resident; then reads the status.
    pub fn settle() -> Option<Status> {
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        // SAFETY: malloc_trim only releases free memory of glibc's allocator.
        unsafe {
            libc::malloc_trim(0);
        }
        read()
    }

    /// Resets the peak resident set (VmHWM) to the current one (Linux 4.0+: clear_refs 5).
    pub fn reset_peak() -> bool {
        std::fs::write("/proc/self/clear_refs", "5").is_ok()
    }
}
