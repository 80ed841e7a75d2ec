//! `--jsonl`: a JSONL archive compressed record by record. One string field of each record
//! (`--field`, default `text`) is replaced by `{"tacc": "<base64 of its frame>"}`, and the rest of
//! the line is kept byte for byte, so every record stays a JSON object of its own, decodable alone
//! (by `tacc decompress --jsonl`, or by any program that base64-decodes the field and calls
//! `tacc.decompress`). Records without the field, or whose field is not a string, pass unchanged.
//! Restoring gives the same JSON value; the string is written with serde_json's escapes (a `\u00e9`
//! escape comes back as `é`), and everything around it is kept byte for byte.
//!
//! Streams: lines are read, coded on `-T` threads a block at a time, and written in order, so
//! memory is bounded by a block, whatever the archive's size. Input may be gzip-compressed (`.gz`).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::Path;

use base64::Engine;
use serde_json::value::RawValue;

use crate::exit::Failure;

/// Lines coded per block: enough to keep every thread busy, few enough to bound memory.
const BLOCK_LINES: usize = 512;

/// The key of the object that replaces a compressed field.
const KEY: &str = "tacc";

/// What to do with one field value, given its JSON text; `None` leaves the record unchanged.
type FieldFn<'a> = dyn Fn(&RawValue) -> tacc::Result<Option<String>> + Sync + 'a;

/// The compress direction: a JSON string becomes `{"tacc":"<base64 frame>"}`.
pub fn compress_field<'a>(
    compress: &'a (dyn Fn(&[u8]) -> tacc::Result<Vec<u8>> + Sync),
) -> impl Fn(&RawValue) -> tacc::Result<Option<String>> + Sync + 'a {
    move |raw: &RawValue| {
        let Ok(text) = serde_json::from_str::<String>(raw.get()) else {
            return Ok(None); // not a string: left as it is
        };
        let frame = compress(text.as_bytes())?;
        let b64 = base64::engine::general_purpose::STANDARD.encode(frame);
        Ok(Some(format!("{{\"{KEY}\":\"{b64}\"}}")))
    }
}

/// The decompress direction: `{"tacc":"<base64 frame>"}` becomes the JSON string restored.
pub fn decompress_field<'a>(
    decompress: &'a (dyn Fn(&[u8]) -> tacc::Result<Vec<u8>> + Sync),
) -> impl Fn(&RawValue) -> tacc::Result<Option<String>> + Sync + 'a {
    move |raw: &RawValue| {
        let Ok(obj) = serde_json::from_str::<HashMap<String, String>>(raw.get()) else {
            return Ok(None); // not one of ours: left as it is
        };
        let (Some(b64), 1) = (obj.get(KEY), obj.len()) else {
            return Ok(None);
        };
        let frame = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|e| corrupt(format!("the base64 of the frame: {e}")))?;
        let bytes = decompress(&frame)?;
        let text = String::from_utf8(bytes).map_err(|e| tacc::Error::InvalidUtf8(e.to_string()))?;
        Ok(Some(
            serde_json::to_string(&text).expect("a string serializes"),
        ))
    }
}

/// Codes `field` of every line of `input` into `output`, on `threads` threads. Returns the
/// records read and the records changed.
pub fn run(
    input: &mut dyn Read,
    gz: bool,
    output: &mut dyn Write,
    field: &str,
    threads: usize,
    code: &FieldFn<'_>,
) -> Result<(u64, u64), Failure> {
    let reader: Box<dyn Read> = if gz {
        Box::new(flate2::read::MultiGzDecoder::new(input))
    } else {
        Box::new(input)
    };
    let mut lines = BufReader::with_capacity(1 << 20, reader).lines();
    let mut out = BufWriter::with_capacity(1 << 20, output);
    let (mut records, mut changed, mut line_no) = (0u64, 0u64, 0u64);
    loop {
        let mut block = Vec::with_capacity(BLOCK_LINES);
        for line in lines.by_ref().take(BLOCK_LINES) {
            block.push(line.map_err(|e| {
                Failure::io(format!(
                    "reading line {}: {e}",
                    line_no + block.len() as u64 + 1
                ))
            })?);
        }
        if block.is_empty() {
            break;
        }
        let first = line_no;
        line_no += block.len() as u64;
        let coded = tacc::batch::map_ordered(&block, threads, |line| one_line(line, field, code));
        for (i, r) in coded.into_iter().enumerate() {
            let n = first + i as u64 + 1;
            let (text, was_changed) = r.map_err(|e| {
                let mut f = Failure::from(e);
                f.message = format!("line {n}: {}", f.message);
                f
            })?;
            records += u64::from(!block[i].trim().is_empty());
            changed += u64::from(was_changed);
            out.write_all(text.as_bytes())
                .and_then(|_| out.write_all(b"\n"))
                .map_err(|e| Failure::io(format!("writing: {e}")))?;
        }
    }
    out.flush()
        .map_err(|e| Failure::io(format!("writing: {e}")))?;
    Ok((records, changed))
}

/// One line: the field's value located in the line (its JSON text is a slice of the line) and
/// replaced; everything else kept as it was. Blank lines stay blank.
fn one_line(line: &str, field: &str, code: &FieldFn<'_>) -> tacc::Result<(String, bool)> {
    if line.trim().is_empty() {
        return Ok((line.to_string(), false));
    }
    let record: HashMap<&str, &RawValue> =
        serde_json::from_str(line).map_err(|e| corrupt(format!("not a JSON object: {e}")))?;
    let Some(raw) = record.get(field) else {
        return Ok((line.to_string(), false));
    };
    let Some(new) = code(raw)? else {
        return Ok((line.to_string(), false));
    };
    // The raw value borrows from `line`: its offset there is where the new value goes.
    let start = raw.get().as_ptr() as usize - line.as_ptr() as usize;
    let end = start + raw.get().len();
    let mut s = String::with_capacity(line.len() - (end - start) + new.len());
    s.push_str(&line[..start]);
    s.push_str(&new);
    s.push_str(&line[end..]);
    Ok((s, true))
}

fn corrupt(detail: String) -> tacc::Error {
    tacc::Error::Corrupt {
        format: "JSONL record",
        detail,
    }
}

/// Whether a path names a gzip file.
pub fn is_gz(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "gz")
}

/// `tacc compress|decompress --jsonl`: one archive (a file, or standard input) to `-o FILE` or
/// standard output, `field` of every record coded by `code`.
pub fn run_files(
    args: &crate::files::FileArgs,
    field: &str,
    code: &FieldFn<'_>,
) -> crate::exit::Failures {
    let mut failures = crate::exit::Failures::default();
    failures.add(run_one(args, field, code));
    failures
}

fn run_one(args: &crate::files::FileArgs, field: &str, code: &FieldFn<'_>) -> Result<(), Failure> {
    let input = match args.inputs.as_slice() {
        [] => None,
        [p] if p.as_os_str() == "-" => None,
        [p] => Some(p.as_path()),
        _ => {
            return Err(Failure::usage(
                "--jsonl takes one archive at a time (its records are streamed)".into(),
            ))
        }
    };
    if args.recursive {
        return Err(Failure::usage("--jsonl takes one archive, not -r".into()));
    }
    let output = args.output.as_deref().filter(|o| o.as_os_str() != "-");
    if input.is_some() && output.is_none() && !args.stdout {
        return Err(Failure::usage(
            "--jsonl writes a JSONL archive: name it with -o FILE, or use -c".into(),
        ));
    }
    if args.rm && (input.is_none() || output.is_none()) {
        return Err(Failure::usage("--rm needs an input file and -o".into()));
    }
    let gz = input.is_some_and(is_gz);
    let mut reader: Box<dyn Read> = match input {
        Some(p) => Box::new(
            std::fs::File::open(p).map_err(|e| Failure::io(format!("{}: {e}", p.display())))?,
        ),
        None => Box::new(std::io::stdin().lock()),
    };
    let where_ = |f: Failure| Failure {
        code: f.code,
        message: format!(
            "{}: {}",
            input.map_or("standard input".into(), |p| p.display().to_string()),
            f.message
        ),
    };
    let (records, changed) = match output {
        Some(out) => {
            if !args.force && out.symlink_metadata().is_ok() {
                return Err(Failure::usage(format!(
                    "{}: already exists (use -f to overwrite)",
                    out.display()
                )));
            }
            let mut counts = Ok((0, 0));
            let perms = input
                .and_then(|p| p.metadata().ok())
                .map(|m| m.permissions());
            crate::files::write_with(out, args.force, perms, |f| {
                counts = run(&mut reader, gz, f, field, args.threads, code);
                // A failed record leaves no output file: the error goes back through `counts`.
                counts
                    .as_ref()
                    .map(|_| ())
                    .map_err(|_| std::io::Error::other("record failed"))
            })
            .or_else(|e| match &counts {
                Err(_) => Ok(()),
                Ok(_) => Err(Failure::io(format!("{}: {e}", out.display()))),
            })?;
            counts.map_err(where_)?
        }
        None => run(
            &mut reader,
            gz,
            &mut std::io::stdout().lock(),
            field,
            args.threads,
            code,
        )
        .map_err(where_)?,
    };
    if args.rm {
        if let Some(p) = input {
            std::fs::remove_file(p).map_err(|e| Failure::io(format!("{}: {e}", p.display())))?;
        }
    }
    if !args.quiet {
        eprintln!("tacc: {records} records, {changed} with \"{field}\" coded");
    }
    Ok(())
}
