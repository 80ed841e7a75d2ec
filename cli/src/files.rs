//! `compress` and `decompress` over files, the way zstd's CLI handles them: many inputs and `-r`,
//! outputs named beside the input (`NAME.tacc`, and back), `-o` for one input, `-c` for standard
//! output, no overwrite without `-f`, no frame written to a terminal, `--rm`, `-T` threads.
//!
//! Each file is one item of [`tacc::batch::map_ordered`], so `-T N` gives the same bytes as `-T1`
//! and the messages come out in input order. An output is written to a temporary file beside its
//! destination and renamed into place, so a failed or interrupted file leaves no partial output.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use crate::exit::{Failure, Failures};
use crate::progress::Progress;

/// What `compress` and `decompress` share: which files, where their outputs go, and how.
#[derive(clap::Args, Clone, Debug)]
pub struct FileArgs {
    /// Input files (with -r, directories too). None, or `-`: standard input to standard output.
    #[arg(value_name = "FILE")]
    pub inputs: Vec<PathBuf>,
    /// Output file, for a single input (default: beside the input, NAME.tacc when compressing,
    /// NAME without .tacc when decompressing).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write to standard output (every input, in order), keep the inputs.
    #[arg(short = 'c', long = "stdout", conflicts_with = "output")]
    pub stdout: bool,
    /// Overwrite existing outputs; allow writing a frame to a terminal.
    #[arg(short, long)]
    pub force: bool,
    /// Walk directories given as inputs, and their subdirectories.
    #[arg(short, long)]
    pub recursive: bool,
    /// Remove each input once its output is written (not with -c or standard input).
    #[arg(long, conflicts_with = "stdout")]
    pub rm: bool,
    /// Threads: files are processed in parallel, each whole (0: one per core). Outputs are the
    /// same at any thread count.
    #[arg(short = 'T', long = "threads", value_name = "N", default_value_t = 1)]
    pub threads: usize,
    /// No progress bar and no summary line (errors are still reported).
    #[arg(short, long)]
    pub quiet: bool,
}

/// The direction, for file names and messages.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Direction {
    Compress,
    Decompress,
}

/// The suffix of a compressed file.
pub const SUFFIX: &str = "tacc";

impl Direction {
    fn verb(self) -> &'static str {
        match self {
            Direction::Compress => "compress",
            Direction::Decompress => "decompress",
        }
    }

    /// Where the output of `input` goes when neither -o nor -c is given.
    fn output_for(self, input: &Path) -> Result<PathBuf, Failure> {
        match self {
            Direction::Compress => {
                let mut name = input.as_os_str().to_owned();
                name.push(".");
                name.push(SUFFIX);
                Ok(PathBuf::from(name))
            }
            Direction::Decompress => {
                if input.extension().is_some_and(|e| e == SUFFIX) {
                    Ok(input.with_extension(""))
                } else {
                    Err(Failure::usage(format!(
                        "{}: unknown suffix (expected .{SUFFIX}; use -o or -c)",
                        input.display()
                    )))
                }
            }
        }
    }
}

/// One file's work: where it comes from and where it goes.
struct Job {
    input: PathBuf,
    /// `None`: standard output.
    output: Option<PathBuf>,
}

/// Runs `transform` over the inputs `args` name; reports each failure on stderr and returns
/// them all (the caller turns them into the exit code).
pub fn run(
    args: &FileArgs,
    direction: Direction,
    transform: &(dyn Fn(&[u8]) -> tacc::Result<Vec<u8>> + Sync),
) -> Failures {
    let mut failures = Failures::default();
    let from_stdin = args.inputs.is_empty() || args.inputs.iter().all(|p| p.as_os_str() == "-");
    if from_stdin {
        failures.add(run_stdin(args, direction, transform));
        return failures;
    }
    if args.inputs.iter().any(|p| p.as_os_str() == "-") {
        failures.add(Err(Failure::usage(
            "standard input (-) cannot be mixed with files".into(),
        )));
        return failures;
    }

    if args.output.is_some() && args.inputs.len() > 1 {
        failures.add(Err(Failure::usage(
            "-o names one output: use it with a single input file (or -c)".into(),
        )));
        return failures;
    }
    // Inputs and the failures found while listing them stay in one list, in input order, so
    // that messages (and the exit code: the first failure's) follow the command line.
    let mut inputs: Vec<Result<PathBuf, Failure>> = Vec::new();
    for path in &args.inputs {
        collect(path, args.recursive, direction, &mut inputs);
    }
    if args.output.is_some() && inputs.len() > 1 {
        failures.add(Err(Failure::usage(
            "-o names one output: use it with a single input file (or -c)".into(),
        )));
        return failures;
    }
    let to_stdout = args.stdout;
    if to_stdout {
        if let Err(f) = check_terminal(args, direction) {
            failures.add(Err(f));
            return failures;
        }
    }
    let jobs: Vec<Result<Job, Failure>> = inputs
        .into_iter()
        .map(|input| {
            let input = input?;
            let output = if to_stdout {
                None
            } else if let Some(o) = &args.output {
                Some(o.clone())
            } else {
                Some(direction.output_for(&input)?)
            };
            Ok(Job { input, output })
        })
        .collect();

    let progress = Progress::files(jobs.len() as u64, args.quiet, direction.verb());
    let results = tacc::batch::map_ordered(&jobs, args.threads, |job| {
        let r = match job {
            Ok(job) => one_file(job, args, transform),
            Err(f) => Err(f.clone()),
        };
        progress.inc(1);
        Ok(r)
    });
    progress.finish();

    let mut stdout = std::io::stdout().lock();
    let (mut files, mut bytes_in, mut bytes_out) = (0u64, 0u64, 0u64);
    for r in results {
        // `one_file` reports through its own Result; the outer one only carries panics.
        let r = r.unwrap_or_else(|e| Err(Failure::from(e)));
        match r {
            Ok(done) => {
                if let Some(data) = done.stdout_data {
                    if let Err(e) = stdout.write_all(&data) {
                        failures.add(Err(Failure::io(format!("standard output: {e}"))));
                        break;
                    }
                }
                files += 1;
                bytes_in += done.bytes_in;
                bytes_out += done.bytes_out;
            }
            Err(f) => failures.add(Err(f)),
        }
    }
    if let Err(e) = stdout.flush() {
        failures.add(Err(Failure::io(format!("standard output: {e}"))));
    }
    if !args.quiet && jobs.len() > 1 {
        eprintln!(
            "tacc: {} {files} file(s), {bytes_in} -> {bytes_out} bytes{}",
            match direction {
                Direction::Compress => "compressed",
                Direction::Decompress => "restored",
            },
            if failures.is_empty() {
                String::new()
            } else {
                format!(", {} error(s)", failures.len())
            }
        );
    }
    failures
}

/// What one file gave: its sizes, and its bytes when they go to standard output (written by the
/// caller, in input order).
struct Done {
    bytes_in: u64,
    bytes_out: u64,
    stdout_data: Option<Vec<u8>>,
}

fn one_file(
    job: &Job,
    args: &FileArgs,
    transform: &(dyn Fn(&[u8]) -> tacc::Result<Vec<u8>> + Sync),
) -> Result<Done, Failure> {
    let io = |what: &Path, e: std::io::Error| Failure::io(format!("{}: {e}", what.display()));
    if let Some(out) = &job.output {
        // Checked before the work and again by the no-clobber rename below.
        if !args.force && out.symlink_metadata().is_ok() {
            return Err(Failure::usage(format!(
                "{}: already exists (use -f to overwrite)",
                out.display()
            )));
        }
        if out == &job.input {
            return Err(Failure::usage(format!(
                "{}: the output would overwrite the input",
                out.display()
            )));
        }
    }
    // One open for the bytes and the permissions the output copies (syscalls cost more than the
    // compression of a small file on some machines: measured, see bench/scale.py).
    let (data, perms) = read_with_permissions(&job.input).map_err(|e| io(&job.input, e))?;
    let result = transform(&data).map_err(|e| Failure::from_tacc(&job.input, e))?;
    let done = Done {
        bytes_in: data.len() as u64,
        bytes_out: result.len() as u64,
        stdout_data: None,
    };
    let Some(out) = &job.output else {
        return Ok(Done {
            stdout_data: Some(result),
            ..done
        });
    };
    write_atomically(out, &result, args.force, Some(perms)).map_err(|e| io(out, e))?;
    if args.rm {
        std::fs::remove_file(&job.input).map_err(|e| io(&job.input, e))?;
    }
    Ok(done)
}

fn read_with_permissions(path: &Path) -> std::io::Result<(Vec<u8>, std::fs::Permissions)> {
    let mut f = std::fs::File::open(path)?;
    let meta = f.metadata()?;
    let mut data = Vec::with_capacity(meta.len().min(1 << 30) as usize);
    f.read_to_end(&mut data)?;
    Ok((data, meta.permissions()))
}

/// Writes `data` to a temporary file beside `out`, with the input's permissions `perms`, then
/// moves it to `out`: readers never see a partial file, and a failure leaves nothing behind.
fn write_atomically(
    out: &Path,
    data: &[u8],
    force: bool,
    perms: Option<std::fs::Permissions>,
) -> std::io::Result<()> {
    write_with(out, force, perms, |f| f.write_all(data))
}

/// This process's ID, for temporary file names (asked once).
fn pid() -> u32 {
    static PID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *PID.get_or_init(std::process::id)
}

/// [`write_atomically`] for output made by `fill` as it goes (a JSONL archive streamed record by
/// record): the temporary file is renamed into place only if `fill` succeeds.
pub fn write_with(
    out: &Path,
    force: bool,
    perms: Option<std::fs::Permissions>,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.{}.tacc-tmp", pid()));
    let result = (|| {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        // The input's mode at creation (less the umask), not a chmod afterwards.
        #[cfg(unix)]
        if let Some(p) = &perms {
            use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
            opts.mode(p.mode() & 0o7777);
        }
        let mut f = opts.open(&tmp)?;
        fill(&mut f)?;
        // No fsync, as zstd and gzip: the rename already keeps a half-written file from ever
        // appearing, and a sync per file cost more than the compression (measured: 4,025 small
        // files took 2.5x as long); durability across power loss is the file system's job.
        #[cfg(not(unix))]
        if let Some(p) = perms {
            let _ = f.set_permissions(p);
        }
        drop(f);
        if force {
            std::fs::rename(&tmp, out)
        } else {
            // A hard link fails if `out` appeared meanwhile: no file is ever clobbered without -f.
            std::fs::hard_link(&tmp, out).or_else(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    Err(std::io::Error::new(
                        e.kind(),
                        "already exists (use -f to overwrite)",
                    ))
                } else {
                    // A file system without hard links: the check before the work stands.
                    std::fs::rename(&tmp, out)
                }
            })
        }
    })();
    let _ = std::fs::remove_file(&tmp);
    result
}

/// Adds `path` (a file, or with `recursive` every file under a directory, in name order) to `out`.
fn collect(
    path: &Path,
    recursive: bool,
    direction: Direction,
    out: &mut Vec<Result<PathBuf, Failure>>,
) {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            out.push(Err(Failure::io(format!("{}: {e}", path.display()))));
            return;
        }
    };
    if meta.is_file() {
        out.push(Ok(path.to_path_buf()));
        return;
    }
    if !meta.is_dir() {
        out.push(Err(Failure::usage(format!(
            "{}: not a regular file",
            path.display()
        ))));
        return;
    }
    if !recursive {
        out.push(Err(Failure::usage(format!(
            "{}: is a directory (use -r)",
            path.display()
        ))));
        return;
    }
    // The entries' types come with the listing (no stat each); a symlink is followed by `collect`.
    let mut entries: Vec<(PathBuf, Option<std::fs::FileType>)> = match std::fs::read_dir(path) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| (e.path(), e.file_type().ok())))
            .collect(),
        Err(e) => {
            out.push(Err(Failure::io(format!("{}: {e}", path.display()))));
            return;
        }
    };
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (entry, file_type) in entries {
        let is_ours = entry.extension().is_some_and(|e| e == SUFFIX);
        let is_temp = entry
            .file_name()
            .is_some_and(|n| n.to_string_lossy().ends_with(".tacc-tmp"));
        // Walking a tree, take what this direction applies to: compress skips frames already
        // there, decompress takes only frames.
        let wanted = match direction {
            Direction::Compress => !is_ours,
            Direction::Decompress => is_ours,
        };
        let is_dir = file_type.is_some_and(|t| t.is_dir());
        if is_temp || (!is_dir && !wanted) {
            continue;
        }
        if file_type.is_some_and(|t| t.is_file()) {
            out.push(Ok(entry));
        } else {
            collect(&entry, recursive, direction, out);
        }
    }
}

/// Standard input to standard output (or -o).
fn run_stdin(
    args: &FileArgs,
    direction: Direction,
    transform: &(dyn Fn(&[u8]) -> tacc::Result<Vec<u8>> + Sync),
) -> Result<(), Failure> {
    if args.rm {
        return Err(Failure::usage(
            "--rm needs input files, not standard input".into(),
        ));
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Err(Failure::usage(format!(
            "nothing to {}: name files, or pipe data in (tacc {} --help)",
            direction.verb(),
            direction.verb()
        )));
    }
    if args.output.is_none() {
        check_terminal(args, direction)?;
    }
    let mut data = Vec::new();
    stdin
        .lock()
        .read_to_end(&mut data)
        .map_err(|e| Failure::io(format!("standard input: {e}")))?;
    let stdin_path = Path::new("standard input");
    let result = transform(&data).map_err(|e| Failure::from_tacc(stdin_path, e))?;
    match &args.output {
        Some(out) if out.as_os_str() != "-" => {
            if !args.force && out.symlink_metadata().is_ok() {
                return Err(Failure::usage(format!(
                    "{}: already exists (use -f to overwrite)",
                    out.display()
                )));
            }
            write_atomically(out, &result, args.force, None)
                .map_err(|e| Failure::io(format!("{}: {e}", out.display())))
        }
        _ => {
            let mut o = std::io::stdout().lock();
            o.write_all(&result)
                .and_then(|_| o.flush())
                .map_err(|e| Failure::io(format!("standard output: {e}")))
        }
    }
}

/// A frame is binary: compressing to a terminal is refused unless -f says so (as zstd does).
/// Restored text may go to a terminal.
fn check_terminal(args: &FileArgs, direction: Direction) -> Result<(), Failure> {
    if direction == Direction::Compress && !args.force && std::io::stdout().is_terminal() {
        return Err(Failure::usage(
            "standard output is a terminal: not writing a binary frame there (use -o, redirect, or -f)"
                .into(),
        ));
    }
    Ok(())
}
