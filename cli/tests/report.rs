//! `tacc bench --report --png-dir --json` on a small corpus: the HTML is self-contained, has one
//! chart per kind and the same figures as `--json`; the PNGs are real PNG images.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const CHARTS: [&str; 6] = [
    "ratio-by-size",
    "space-saved",
    "throughput",
    "memory",
    "ratio-vs-size",
    "time-vs-size",
];
const ROWS: &str = "frame gzip-9,frame zstd-19,frame model,raw brotli-11,raw tacc-gzip,ids tacc";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tacc-report-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// 36 records from 60 bytes to about 9 KiB, English prose from the example system prompt,
/// reordered by a fixed generator so the records differ.
fn write_corpus(dir: &Path) -> PathBuf {
    let prompt = include_str!("../../examples/data/system-prompt.md");
    let lines: Vec<&str> = prompt.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut seed = 0x9e37_79b9_u64;
    let mut next = || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize
    };
    let mut out = String::new();
    for i in 0..36 {
        let target = 60usize << (i % 8); // 60 B .. 7.5 KiB, then a little more
        let mut text = format!("Record {i}. ");
        while text.len() < target {
            text.push_str(lines[next() % lines.len()]);
            text.push(if next() % 3 == 0 { '\n' } else { ' ' });
        }
        out.push_str(&serde_json::json!({ "source": "test", "text": text }).to_string());
        out.push('\n');
    }
    let path = dir.join("small.jsonl");
    std::fs::write(&path, out).unwrap();
    path
}

fn tacc(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tacc"))
        .args(args)
        .output()
        .expect("run tacc")
}

/// Width and height of a PNG, after checking its signature, every chunk's CRC and that the
/// image data inflates to exactly the pixels IHDR declares (8-bit RGB or RGBA, not interlaced).
fn decode_png(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    let (mut pos, mut ihdr, mut idat, mut ended) = (8, None, Vec::new(), false);
    while pos + 12 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[pos..pos + 4].try_into().unwrap()) as usize;
        let kind = &bytes[pos + 4..pos + 8];
        let data = &bytes[pos + 8..pos + 8 + len];
        let crc = u32::from_be_bytes(bytes[pos + 8 + len..pos + 12 + len].try_into().unwrap());
        assert_eq!(
            crc,
            crc32(&bytes[pos + 4..pos + 8 + len]),
            "CRC of a PNG chunk"
        );
        match kind {
            b"IHDR" => ihdr = Some(data.to_vec()),
            b"IDAT" => idat.extend_from_slice(data),
            b"IEND" => ended = true,
            _ => {}
        }
        pos += 12 + len;
    }
    assert!(ended && pos == bytes.len(), "PNG ends with IEND");
    let ihdr = ihdr.expect("IHDR");
    let w = u32::from_be_bytes(ihdr[0..4].try_into().unwrap());
    let h = u32::from_be_bytes(ihdr[4..8].try_into().unwrap());
    let (depth, color, interlace) = (ihdr[8], ihdr[9], ihdr[12]);
    assert_eq!((depth, interlace), (8, 0));
    let channels = match color {
        2 => 3,
        6 => 4,
        c => panic!("PNG colour type {c}"),
    };
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(&idat[..])
        .read_to_end(&mut raw)
        .expect("IDAT inflates");
    assert_eq!(raw.len(), h as usize * (1 + w as usize * channels));
    // Not a blank image: more than a handful of distinct pixel values.
    let distinct: std::collections::HashSet<&[u8]> = raw
        .chunks(channels)
        .take(w as usize * h as usize / 2)
        .collect();
    assert!(distinct.len() > 20, "the chart has content");
    (w, h)
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The `<tr>` of the summary table for one method.
fn table_row<'a>(html: &'a str, method: &str) -> &'a str {
    let start = html
        .find(&format!("<tr data-method=\"{method}\""))
        .unwrap_or_else(|| panic!("no table row for {method}"));
    let end = start + html[start..].find("</tr>").unwrap();
    &html[start..end]
}

fn cell<'a>(row: &'a str, key: &str) -> &'a str {
    let tag = format!("data-k=\"{key}\">");
    let start = row.find(&tag).unwrap_or_else(|| panic!("no {key} cell")) + tag.len();
    &row[start..start + row[start..].find('<').unwrap()]
}

#[test]
fn report_html_png_and_json_agree() {
    let dir = temp_dir("full");
    let corpus = write_corpus(&dir);
    let (html_path, json_path, png_dir) = (
        dir.join("report.html"),
        dir.join("bench.json"),
        dir.join("png"),
    );
    let out = tacc(&[
        "bench",
        corpus.to_str().unwrap(),
        "--only",
        ROWS,
        "--json",
        json_path.to_str().unwrap(),
        "--report",
        html_path.to_str().unwrap(),
        "--png-dir",
        png_dir.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The text table is unchanged: CI and users grep it.
    assert!(stdout.contains(
        "method                   ratio       bytes  comp MB/s   dec MB/s comp Mtok/s  dec Mtok/s"
    ));
    assert!(stdout.contains("36 records"));

    let json: Value = serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    let results = json["results"].as_array().unwrap();
    assert_eq!(results.len(), ROWS.split(',').count());
    assert_eq!(json["records"], 36);
    let bands = &json["bands"];
    let band_sum: u64 = ["small", "medium", "large"]
        .iter()
        .map(|b| bands[b].as_u64().unwrap())
        .sum();
    assert_eq!(band_sum, 36);
    assert!(
        ["small", "medium", "large"]
            .iter()
            .all(|b| bands[b].as_u64().unwrap() > 0),
        "the corpus fills every default band: {bands}"
    );

    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    // Self-contained: nothing is fetched (no scripts, stylesheets, images or fonts from anywhere).
    for needle in ["<script", "<link", "<img", "<iframe", "@import", "url("] {
        assert!(!html.contains(needle), "the report contains {needle}");
    }
    for attr in ["src=\"", "href=\"", "src='", "href='"] {
        for (i, _) in html.match_indices(attr) {
            let value = &html[i + attr.len()..];
            assert!(
                !(value.starts_with("http:")
                    || value.starts_with("https:")
                    || value.starts_with("//")),
                "external reference: {}",
                &html[i..i + 60]
            );
        }
    }
    // One inline SVG per chart, in order, each with drawn content.
    assert_eq!(html.matches("<svg").count(), CHARTS.len());
    let mut last = 0;
    for chart in CHARTS {
        let at = html
            .find(&format!("<section id=\"{chart}\">"))
            .expect(chart);
        assert!(at > last, "{chart} in order");
        last = at;
        let svg = &html[at..at + html[at..].find("</svg>").unwrap()];
        assert!(svg.matches("<rect").count() + svg.matches("<polyline").count() > 10);
    }
    // The charts name every text row and leave out the token-ID row (SVG text nodes).
    let charts = &html[html.find("<section id=\"ratio-by-size\">").unwrap()..];
    let labels: Vec<&str> = charts
        .split("<text")
        .skip(1)
        .map(|t| t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()].trim())
        .collect();
    for name in ROWS.split(',') {
        assert_eq!(
            labels.contains(&name),
            !name.starts_with("ids "),
            "{name} in the charts"
        );
    }
    // Run facts.
    for fact in [
        "cl100k_base",
        "Command",
        "Date",
        "CPU",
        "--report",
        "36 records",
    ] {
        assert!(html.contains(fact), "the report states {fact}");
    }

    // The summary table shows the same figures as --json.
    for r in results {
        let method = r["method"].as_str().unwrap();
        let row = table_row(&html, method);
        let f = |k: &str| r[k].as_f64().unwrap();
        assert_eq!(cell(row, "ratio"), format!("{:.3}", f("ratio")), "{method}");
        assert_eq!(
            cell(row, "saved"),
            format!("{:.1}", f("space_saved_percent"))
        );
        assert_eq!(cell(row, "comp_mb_s"), format!("{:.1}", f("compress_mb_s")));
        assert_eq!(
            cell(row, "dec_mb_s"),
            format!("{:.1}", f("decompress_mb_s"))
        );
        let ratio = json["bytes"].as_f64().unwrap() / f("bytes");
        assert!((ratio - f("ratio")).abs() < 1e-9);
        assert!((f("space_saved_percent") - 100.0 * (1.0 - 1.0 / ratio)).abs() < 1e-9);
        if cfg!(target_os = "linux") {
            let peak = r["peak_rss_bytes"].as_u64().expect("peak memory measured");
            let file = r["peak_rss_file_bytes"].as_u64().unwrap();
            assert!(file <= peak);
            assert_eq!(
                cell(row, "peak_mib"),
                format!("{:.2}", peak as f64 / 1048576.0)
            );
        }
    }
    if cfg!(target_os = "linux") {
        let peak = |m: &str| {
            results.iter().find(|r| r["method"] == m).unwrap()["peak_rss_bytes"]
                .as_u64()
                .unwrap()
        };
        let anon = |m: &str| {
            let r = results.iter().find(|r| r["method"] == m).unwrap();
            r["peak_rss_bytes"].as_u64().unwrap() - r["peak_rss_file_bytes"].as_u64().unwrap()
        };
        // The model's priors alone are megabytes; brotli-11 allocates megabytes of windows.
        assert!(
            peak("frame model") > 1 << 20,
            "model {}",
            peak("frame model")
        );
        assert!(
            anon("raw brotli-11") > 1 << 20,
            "brotli {}",
            anon("raw brotli-11")
        );
        // libzstd's context comes from C malloc, which a Rust allocator hook never saw.
        assert!(
            anon("frame zstd-19") > 64 << 10,
            "zstd {}",
            anon("frame zstd-19")
        );
    }

    // PNGs: one per chart, real images of the stated size.
    for chart in CHARTS {
        let bytes = std::fs::read(png_dir.join(format!("{chart}.png"))).expect(chart);
        assert_eq!(decode_png(&bytes), (900, 500), "{chart}.png");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_rows_and_bands_are_errors() {
    let dir = temp_dir("errors");
    let corpus = write_corpus(&dir);
    let c = corpus.to_str().unwrap();
    let out = tacc(&["bench", c, "--only", "frame gzip-9,frame nope"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no row 'frame nope'"));
    for bands in ["4KiB,1KiB", "1KiB", "1XB,2KiB", "0,10"] {
        let out = tacc(&["bench", c, "--bands", bands, "--only", "frame gzip-9"]);
        assert!(!out.status.success(), "--bands {bands}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("--bands"));
    }
    // Custom bands are applied and counted.
    let json = dir.join("b.json");
    let out = tacc(&[
        "bench",
        c,
        "--bands",
        "200,2000",
        "--only",
        "frame gzip-9",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["bands"]["medium_from_bytes"], 200);
    assert_eq!(v["bands"]["large_from_bytes"], 2000);
    let text = std::fs::read_to_string(&corpus).unwrap();
    let sizes: Vec<usize> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["text"]
                .as_str()
                .unwrap()
                .len()
        })
        .collect();
    let small = sizes.iter().filter(|&&s| s < 200).count() as u64;
    let large = sizes.iter().filter(|&&s| s >= 2000).count() as u64;
    assert_eq!(v["bands"]["small"], small);
    assert_eq!(v["bands"]["large"], large);
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("small < 200 B {small}")));
    let _ = std::fs::remove_dir_all(&dir);
}
