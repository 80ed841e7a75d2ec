//! `tacc decompress --max-output / --max-tokens`: a payload over a limit exits non-zero with an
//! error naming the limit and writes no output file; within the limits, output is unchanged.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tacc-limits-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs tacc; `compress`/`decompress` write to standard output (`-c`) unless `-o` names a file.
fn tacc(args: &[&str]) -> Output {
    let mut all = args.to_vec();
    if matches!(args.first(), Some(&"compress" | &"decompress")) && !args.contains(&"-o") {
        all.push("-c");
    }
    Command::new(env!("CARGO_BIN_EXE_tacc"))
        .args(&all)
        .output()
        .expect("run tacc")
}

fn ok(args: &[&str]) -> Vec<u8> {
    let out = tacc(args);
    assert!(
        out.status.success(),
        "tacc {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Runs a decompress that must fail on `limit_name`, writing to `out`: non-zero exit, the
/// limit named, no output file.
fn refused(args: &[&str], out: &Path, limit_name: &str) {
    let _ = std::fs::remove_file(out);
    let mut all = args.to_vec();
    all.extend(["-o", out.to_str().unwrap()]);
    let r = tacc(&all);
    let err = String::from_utf8_lossy(&r.stderr);
    // Exit code 4: the input is corrupt or over a limit (cli/src/exit.rs).
    assert_eq!(r.status.code(), Some(4), "tacc {all:?}: {err}");
    assert!(err.contains(limit_name), "tacc {all:?}: {err}");
    assert!(r.stdout.is_empty());
    assert!(!out.exists(), "tacc {all:?} wrote {}", out.display());
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn frames_over_the_limits_are_refused_without_output() {
    let dir = temp_dir("frames");
    let text = "All work and no play makes Jack a dull boy. ".repeat(500); // 22,000 bytes
    let input = dir.join("in.txt");
    std::fs::write(&input, &text).unwrap();
    let out = dir.join("out.txt");
    for method in ["model", "zstd", "stored", "lopace-hybrid", "tacc-gzip"] {
        let frame = dir.join(format!("{method}.tacc"));
        ok(&["compress", s(&input), "-m", method, "-o", s(&frame)]);
        // The CLI's default (the hard caps) and a roomy limit: the text back.
        assert_eq!(ok(&["decompress", s(&frame)]), text.as_bytes());
        assert_eq!(
            ok(&["decompress", s(&frame), "--max-output", "64M"]),
            text.as_bytes()
        );
        assert_eq!(
            ok(&["decompress", s(&frame), "--max-output", "22000"]),
            text.as_bytes()
        );
        // One byte less, or 16K: refused.
        for limit in ["21999", "16K"] {
            refused(
                &["decompress", s(&frame), "--max-output", limit],
                &out,
                "max_output",
            );
        }
    }
    // Token IDs: --max-tokens.
    let ids: Vec<String> = (0..3000).map(|i| (i % 1000).to_string()).collect();
    let ids_in = dir.join("ids.txt");
    std::fs::write(&ids_in, ids.join(" ")).unwrap();
    let frame = dir.join("ids.tacc");
    ok(&["compress", "--ids", s(&ids_in), "-o", s(&frame)]);
    let back: Vec<u32> =
        serde_json::from_slice(&ok(&["decompress", s(&frame), "--max-tokens", "3000"])).unwrap();
    assert_eq!(back.len(), 3000);
    refused(
        &["decompress", s(&frame), "--max-tokens", "2999"],
        &out,
        "max_tokens",
    );
    refused(
        &["decompress", s(&frame), "--max-output", "1K"],
        &out,
        "max_output",
    );
    // A text frame of thousands of tokens: --max-tokens applies too.
    let frame = dir.join("model.tacc");
    refused(
        &["decompress", s(&frame), "--max-tokens", "100"],
        &out,
        "max_tokens",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn raw_payloads_over_the_limits_are_refused_without_output() {
    let dir = temp_dir("raw");
    let text = "The quick brown fox jumps over the lazy dog. ".repeat(400); // 18,000 bytes
    let input = dir.join("in.txt");
    std::fs::write(&input, &text).unwrap();
    let out = dir.join("out.txt");
    for layout in ["tacc", "tacc-gzip", "lopace-token", "lopace-hybrid", "zstd"] {
        let raw = dir.join(format!("{layout}.bin"));
        ok(&["compress", s(&input), "--raw", layout, "-o", s(&raw)]);
        assert_eq!(
            ok(&[
                "decompress",
                s(&raw),
                "--raw",
                layout,
                "--max-output",
                "18000"
            ]),
            text.as_bytes(),
            "{layout}"
        );
        refused(
            &[
                "decompress",
                s(&raw),
                "--raw",
                layout,
                "--max-output",
                "17999",
            ],
            &out,
            "max_output",
        );
    }
    let raw = dir.join("tacc.bin");
    refused(
        &[
            "decompress",
            s(&raw),
            "--raw",
            "tacc",
            "--ids",
            "--max-tokens",
            "100",
        ],
        &out,
        "max_tokens",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--raw` takes the name of the method whose peer payload it is (the core's `Method::name`);
/// methods without one, and other names, are refused with the list of raw layouts.
#[test]
fn raw_layouts_are_named_by_their_method() {
    let dir = temp_dir("names");
    let text = "Raw payloads are named by their method. ".repeat(20);
    let input = dir.join("in.txt");
    std::fs::write(&input, &text).unwrap();
    for name in ["lopace-zstd", "model", "stored", "gzip", "auto", "zstd-15"] {
        let r = tacc(&["compress", s(&input), "--raw", name]);
        let err = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(2), "--raw {name}: {err}");
        assert!(
            err.contains("tacc, tacc-gzip") && err.contains("zstd, lopace-token, lopace-hybrid"),
            "--raw {name}: {err}"
        );
        assert!(r.stdout.is_empty());
    }
    // LoPace's zstd payload is a zstd frame (its magic number first).
    let raw = ok(&["compress", s(&input), "--raw", "zstd"]);
    assert_eq!(raw[..4], [0x28, 0xb5, 0x2f, 0xfd]);
    // Token IDs in and out of tacc's payload; LoPace payloads hold text.
    let ids = dir.join("ids.txt");
    std::fs::write(&ids, "9906 11 1917 0").unwrap();
    let payload = dir.join("ids.bin");
    ok(&[
        "compress",
        "--ids",
        s(&ids),
        "--raw",
        "tacc-gzip",
        "-o",
        s(&payload),
    ]);
    let back: Vec<u32> = serde_json::from_slice(&ok(&[
        "decompress",
        s(&payload),
        "--raw",
        "tacc-gzip",
        "--ids",
    ]))
    .unwrap();
    assert_eq!(back, [9906, 11, 1917, 0]);
    assert_eq!(
        tacc(&["compress", "--ids", s(&ids), "--raw", "lopace-token"])
            .status
            .code(),
        Some(2)
    );
    // --raw and --method do not go together.
    let r = tacc(&["compress", s(&input), "--raw", "tacc", "-m", "model"]);
    assert_eq!(r.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn limit_values_are_checked() {
    let dir = temp_dir("values");
    let input = dir.join("in.txt");
    std::fs::write(&input, "hello").unwrap();
    let frame = dir.join("f.tacc");
    ok(&["compress", s(&input), "-o", s(&frame)]);
    for good in ["5", "1K", "64M", "64MiB", "1G", "1g", "512KB"] {
        assert_eq!(
            ok(&["decompress", s(&frame), "--max-output", good]),
            b"hello",
            "{good}"
        );
    }
    for bad in ["0", "2G", "lots", "1T", "99999999999999999999"] {
        let r = tacc(&["decompress", s(&frame), "--max-output", bad]);
        assert_eq!(r.status.code(), Some(2), "--max-output {bad}");
        assert!(String::from_utf8_lossy(&r.stderr).contains("--max-output"));
    }
    let r = tacc(&["decompress", s(&frame), "--max-tokens", "300M"]);
    assert_eq!(r.status.code(), Some(2));
    // --help documents the defaults.
    let help = String::from_utf8(ok(&["decompress", "--help"])).unwrap();
    assert!(
        help.contains("--max-output") && help.contains("hard cap"),
        "{help}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs tacc, returning its exit code, stderr and peak RSS in KiB (wait4's rusage: this child's
/// own, whatever other tests run).
#[cfg(target_os = "linux")]
fn tacc_peak(args: &[&str]) -> (i32, String, u64) {
    use std::io::Read;
    use std::process::Stdio;
    // Reaped by wait4 below (std's wait would not give the child's rusage).
    #[allow(clippy::zombie_processes)]
    let mut child = Command::new(env!("CARGO_BIN_EXE_tacc"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tacc");
    let mut status = 0;
    // SAFETY: a zeroed rusage is valid; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32);
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (libc::WEXITSTATUS(status), err, usage.ru_maxrss as u64)
}

/// The CLI rows, from the committed hostile inputs (tests/hostile/): refused with the
/// limit named, no output file, and the peak memory near the limit asked for.
#[cfg(target_os = "linux")]
#[test]
fn hostile_payloads_are_refused_within_the_limit() {
    let hostile = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/hostile");
    let dir = temp_dir("hostile");
    let out = dir.join("out.bin");
    let cases: [(&str, &[&str], &str); 4] = [
        // 6 KB coding 16 M copies of 128 spaces (2 GiB): once written whole with exit 0.
        (
            "lopace_hybrid_16m_spaces.bin",
            &["--raw", "lopace-hybrid"],
            "max_output",
        ),
        ("frame_lopace_hybrid_2p28_spaces.bin", &[], "max_output"),
        // 292 KB of tacc-gzip declaring 300 M IDs: once 1.2 GB written with exit 0.
        (
            "tacc_gzip_300m_ids.bin",
            &["--raw", "tacc-gzip"],
            "max_tokens",
        ),
        ("zstd_text_100mb.bin", &[], "max_output"),
    ];
    for (file, extra, limit_name) in cases {
        let input = hostile.join(file);
        let mut args = vec!["decompress", s(&input), "--max-output", "64M"];
        args.extend_from_slice(extra);
        args.extend(["-o", s(&out)]);
        let (code, err, peak_kib) = tacc_peak(&args);
        eprintln!(
            "{file}: exit {code}, peak RSS {} MiB: {}",
            peak_kib >> 10,
            err.trim()
        );
        assert_eq!(code, 4, "{file}: {err}");
        assert!(err.contains(limit_name), "{file}: {err}");
        assert!(!out.exists(), "{file}: output written");
        assert!(
            peak_kib < (64 + 150) << 10,
            "{file}: peak RSS {peak_kib} KiB"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
