//! `tacc compress` / `decompress` over files, as zstd's CLI handles them: names beside the
//! input, many inputs and -r, -o and -c, no overwrite without -f, no frame to a terminal, --rm,
//! -T (same bytes at any thread count), and distinct exit codes (2 usage, 3 I/O, 4 corrupt input).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tacc-files-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn tacc(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tacc"))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run tacc")
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited")
}

fn err(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A small tree of real texts: the vendored chat records, one per file, in nested folders.
fn tree(dir: &Path, n: usize) -> Vec<(PathBuf, String)> {
    let records: Vec<String> = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/data/system-prompt.md"
    ))
    .unwrap()
    .split("\n\n")
    .map(str::to_owned)
    .collect();
    (0..n)
        .map(|i| {
            let sub = dir
                .join(format!("part{}", i % 3))
                .join(format!("d{}", i % 2));
            std::fs::create_dir_all(&sub).unwrap();
            let path = sub.join(format!("r{i:03}.txt"));
            let text = format!("{} {i}", records[i % records.len()]);
            std::fs::write(&path, &text).unwrap();
            (path, text)
        })
        .collect()
}

#[test]
fn outputs_go_beside_inputs_and_come_back() {
    let dir = temp_dir("beside");
    std::fs::write(dir.join("a.txt"), "Hello, world! Hello again.").unwrap();
    let r = tacc(&dir, &["compress", "a.txt"]);
    assert_eq!(code(&r), 0, "{}", err(&r));
    assert!(r.stdout.is_empty());
    assert!(dir.join("a.txt.tacc").is_file());
    // The output keeps the input's permissions (a private file stays private).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.join("a.txt"), std::fs::Permissions::from_mode(0o600))
            .unwrap();
        let r = tacc(&dir, &["compress", "-f", "a.txt"]);
        assert_eq!(code(&r), 0, "{}", err(&r));
        let mode = std::fs::metadata(dir.join("a.txt.tacc"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // No overwrite without -f: exit 2, the existing file untouched.
    std::fs::write(dir.join("a.txt"), "changed").unwrap();
    let before = std::fs::read(dir.join("a.txt.tacc")).unwrap();
    let r = tacc(&dir, &["compress", "a.txt"]);
    assert_eq!(code(&r), 2, "{}", err(&r));
    assert!(err(&r).contains("already exists"), "{}", err(&r));
    assert_eq!(std::fs::read(dir.join("a.txt.tacc")).unwrap(), before);
    let r = tacc(&dir, &["decompress", "a.txt.tacc"]);
    assert_eq!(code(&r), 2, "decompress over a.txt: {}", err(&r));
    assert_eq!(
        std::fs::read_to_string(dir.join("a.txt")).unwrap(),
        "changed"
    );
    // -f overwrites; --rm removes the input once the output is written.
    let r = tacc(&dir, &["decompress", "-f", "--rm", "a.txt.tacc"]);
    assert_eq!(code(&r), 0, "{}", err(&r));
    assert_eq!(
        std::fs::read_to_string(dir.join("a.txt")).unwrap(),
        "Hello, world! Hello again."
    );
    assert!(!dir.join("a.txt.tacc").exists());
    // -c: standard output, inputs kept; -o: one named output.
    tacc(&dir, &["compress", "a.txt", "-o", "named.bin"]);
    let r = tacc(&dir, &["decompress", "-c", "named.bin"]);
    assert_eq!(r.stdout, b"Hello, world! Hello again.");
    assert!(dir.join("named.bin").exists());
    // A frame without the .tacc suffix needs -o or -c.
    let r = tacc(&dir, &["decompress", "named.bin"]);
    assert_eq!(code(&r), 2, "{}", err(&r));
    assert!(err(&r).contains("unknown suffix"), "{}", err(&r));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn many_files_recursively_at_any_thread_count() {
    let dir = temp_dir("many");
    let files = tree(&dir, 24);
    // A directory needs -r.
    let r = tacc(&dir, &["compress", "part0"]);
    assert_eq!(code(&r), 2, "{}", err(&r));
    assert!(err(&r).contains("is a directory"), "{}", err(&r));

    let r = tacc(&dir, &["compress", "-r", "-T1", "part0", "part1", "part2"]);
    assert_eq!(code(&r), 0, "{}", err(&r));
    let frames = |files: &[(PathBuf, String)]| -> Vec<Vec<u8>> {
        files
            .iter()
            .map(|(p, _)| std::fs::read(format!("{}.tacc", p.display())).unwrap())
            .collect()
    };
    let one = frames(&files);
    for threads in ["-T0", "-T3"] {
        let r = tacc(&dir, &["compress", "-r", "-f", threads, "."]);
        assert_eq!(code(&r), 0, "{}", err(&r));
        assert_eq!(frames(&files), one, "{threads}: the same bytes as -T1");
    }
    // A walk skips frames when compressing, and takes only frames when restoring.
    for (p, _) in &files {
        std::fs::remove_file(p).unwrap();
    }
    let r = tacc(&dir, &["decompress", "-r", "-T0", "--rm", "."]);
    assert_eq!(code(&r), 0, "{}", err(&r));
    for (p, text) in &files {
        assert_eq!(&std::fs::read_to_string(p).unwrap(), text);
        assert!(!Path::new(&format!("{}.tacc", p.display())).exists());
    }
    // -c over many files: every output, in input order.
    let names: Vec<String> = files.iter().map(|(p, _)| p.display().to_string()).collect();
    let mut args = vec!["compress", "-c", "-T0"];
    args.extend(names.iter().map(String::as_str));
    let r = tacc(&dir, &args);
    assert_eq!(code(&r), 0, "{}", err(&r));
    let all: Vec<u8> = one.concat();
    assert_eq!(r.stdout, all);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn exit_codes_say_what_went_wrong() {
    let dir = temp_dir("codes");
    std::fs::write(dir.join("ok.txt"), "fine").unwrap();
    std::fs::write(dir.join("bad.tacc"), b"\x80\x01not a frame at all").unwrap();
    // Usage: -o with two inputs, an unknown flag, mixed stdin and files.
    assert_eq!(
        code(&tacc(&dir, &["compress", "ok.txt", "x", "-o", "y"])),
        2
    );
    assert_eq!(code(&tacc(&dir, &["compress", "--no-such-flag"])), 2);
    assert_eq!(code(&tacc(&dir, &["compress", "-", "ok.txt"])), 2);
    // I/O: a missing input.
    let r = tacc(&dir, &["compress", "missing.txt"]);
    assert_eq!(code(&r), 3, "{}", err(&r));
    // Corrupt input: exit 4, and no output file.
    let r = tacc(&dir, &["decompress", "bad.tacc"]);
    assert_eq!(code(&r), 4, "{}", err(&r));
    assert!(!dir.join("bad").exists());
    // Every file is tried; the first failure sets the code; good files are still written.
    std::fs::write(
        dir.join("good.tacc"),
        tacc(&dir, &["compress", "-c", "ok.txt"]).stdout,
    )
    .unwrap();
    let r = tacc(
        &dir,
        &["decompress", "bad.tacc", "good.tacc", "missing.tacc"],
    );
    assert_eq!(code(&r), 4, "{}", err(&r));
    assert_eq!(std::fs::read_to_string(dir.join("good")).unwrap(), "fine");
    assert!(err(&r).contains("missing.tacc"), "{}", err(&r));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn standard_input_to_standard_output() {
    let dir = temp_dir("stdin");
    let run = |args: &[&str], input: &[u8]| -> Output {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_tacc"))
            .current_dir(&dir)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The command may refuse before reading (a closed pipe is then expected).
        let _ = child.stdin.take().unwrap().write_all(input);
        child.wait_with_output().unwrap()
    };
    let frame = run(&["compress"], b"piped text").stdout;
    assert!(!frame.is_empty());
    assert_eq!(run(&["decompress"], &frame).stdout, b"piped text");
    assert_eq!(run(&["decompress", "-"], &frame).stdout, b"piped text");
    // --rm has nothing to remove.
    assert_eq!(code(&run(&["compress", "--rm"], b"x")), 2);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A frame is binary: with standard output on a terminal, compress refuses (exit 2) unless -f.
#[cfg(unix)]
#[test]
fn no_frame_to_a_terminal() {
    use std::os::fd::{FromRawFd, OwnedFd};
    let dir = temp_dir("tty");
    std::fs::write(dir.join("a.txt"), "to a terminal?").unwrap();
    let (mut master, mut slave) = (0, 0);
    // SAFETY: openpty writes two new descriptors into the pointers; the rest may be null.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(rc, 0, "openpty");
    // SAFETY: both descriptors are ours, open, and owned once each.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_tacc"))
            .current_dir(&dir)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::piped())
            .output()
            .unwrap()
    };
    let r = run(&["compress", "-c", "a.txt"]);
    assert_eq!(code(&r), 2, "{}", err(&r));
    assert!(err(&r).contains("terminal"), "{}", err(&r));
    assert_eq!(code(&run(&["compress", "-c", "-f", "a.txt"])), 0);
    // Restored text may go to a terminal.
    tacc(&dir, &["compress", "a.txt"]);
    assert_eq!(code(&run(&["decompress", "-c", "a.txt.tacc"])), 0);
    drop(master);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn completions_and_man_page_come_from_the_command_definition() {
    let dir = temp_dir("gen");
    let bash = tacc(&dir, &["completions", "bash"]);
    assert_eq!(code(&bash), 0);
    let script = String::from_utf8(bash.stdout).unwrap();
    assert!(script.contains("--recursive") && script.contains("decompress"));
    let man = tacc(&dir, &["man"]);
    assert_eq!(code(&man), 0);
    let page = String::from_utf8(man.stdout).unwrap();
    assert!(
        page.starts_with(".ie") || page.contains(".TH tacc"),
        "{}",
        &page[..200]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--jsonl`: each record's field coded alone, everything else kept byte for byte, the archive
/// restored exactly, at any thread count; a broken record fails the archive with no output.
#[test]
fn jsonl_archives_record_by_record() {
    let dir = temp_dir("jsonl");
    let mut lines = Vec::new();
    for i in 0..700 {
        lines.push(match i % 5 {
            0 => format!(r#"{{"id": {i}, "text": "Line {i}: caf\u00e9 \"quoted\" and a tab\t.", "meta": {{"k": [1, 2]}}}}"#),
            1 => format!(r#"{{"text":"short {i}","id":{i}}}"#),
            2 => format!(r#"{{"id": {i}, "other": "no text field here"}}"#),
            3 => format!(r#"{{"id": {i}, "text": 42}}"#),
            _ => String::new(), // blank lines stay
        });
    }
    let archive = lines.join("\n") + "\n";
    std::fs::write(dir.join("log.jsonl"), &archive).unwrap();
    let r = tacc(
        &dir,
        &[
            "compress",
            "--jsonl",
            "log.jsonl",
            "-o",
            "log.tacc.jsonl",
            "-T1",
        ],
    );
    assert_eq!(code(&r), 0, "{}", err(&r));
    let coded = std::fs::read_to_string(dir.join("log.tacc.jsonl")).unwrap();
    for (a, b) in archive.lines().zip(coded.lines()) {
        if a.contains(r#""text": "Line"#) || a.contains(r#""text":"short"#) {
            assert!(b.contains(r#"{"tacc":""#), "{b}");
            // The other fields are untouched.
            assert_eq!(a.split("\"text\"").next(), b.split("\"text\"").next());
        } else {
            assert_eq!(a, b, "records without a string field pass unchanged");
        }
    }
    let r = tacc(
        &dir,
        &[
            "compress",
            "--jsonl",
            "log.jsonl",
            "-o",
            "log2.tacc.jsonl",
            "-T0",
        ],
    );
    assert_eq!(code(&r), 0, "{}", err(&r));
    assert_eq!(
        std::fs::read_to_string(dir.join("log2.tacc.jsonl")).unwrap(),
        coded
    );
    let r = tacc(
        &dir,
        &["decompress", "--jsonl", "log.tacc.jsonl", "-c", "-T0"],
    );
    assert_eq!(code(&r), 0, "{}", err(&r));
    let restored = String::from_utf8(r.stdout).unwrap();
    assert_eq!(restored.lines().count(), archive.lines().count());
    for (n, (a, b)) in archive.lines().zip(restored.lines()).enumerate() {
        // The same record; a restored string is written with serde_json's escapes (`\u00e9`
        // comes back as `é`), everything around it byte for byte.
        if a.contains("\\u00e9") {
            let va: serde_json::Value = serde_json::from_str(a).unwrap();
            let vb: serde_json::Value = serde_json::from_str(b).unwrap();
            assert!(va == vb, "line {}: {a} -> {b}", n + 1);
        } else {
            assert!(a == b, "line {}: {a} -> {b}", n + 1);
        }
    }
    // A record that is not JSON: exit 4, the line named, no output file.
    std::fs::write(
        dir.join("bad.jsonl"),
        "{\"text\": \"ok\"}\n{\"text\": \"cut\n",
    )
    .unwrap();
    let r = tacc(&dir, &["compress", "--jsonl", "bad.jsonl", "-o", "bad.out"]);
    assert_eq!(code(&r), 4, "{}", err(&r));
    assert!(err(&r).contains("line 2"), "{}", err(&r));
    assert!(!dir.join("bad.out").exists());
    // --jsonl needs -o or -c for a file.
    assert_eq!(code(&tacc(&dir, &["compress", "--jsonl", "log.jsonl"])), 2);
    let _ = std::fs::remove_dir_all(&dir);
}
