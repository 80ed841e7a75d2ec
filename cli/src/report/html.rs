//! The report page: one HTML file, CSS and charts (inline SVG) in it, nothing fetched.

use std::fmt::Write as _;
use std::path::Path;

use plotters::prelude::*;

use super::charts::{chart_error, draw, Chart};
use super::facts::{command_line, machine, utc_now};
use super::stats::quantile;
use super::style::{color, register_fonts, HEIGHT, WIDTH};
use super::view::{View, MIN_BIN};
use crate::results::{Bands, Bench};
use crate::units::{mib, thousands};

/// One chart as an SVG document (its `<svg>` element only).
fn svg(chart: Chart, v: &View) -> tacc::Result<String> {
    register_fonts();
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (WIDTH, HEIGHT)).into_drawing_area();
        draw(chart, v, &root).map_err(|e| chart_error(chart, e))?;
        root.present().map_err(|e| chart_error(chart, e))?;
    }
    let start = s.find("<svg").unwrap_or(0);
    Ok(s[start..].replacen(
        "<svg ",
        &format!(
            "<svg role=\"img\" aria-label=\"{}\" ",
            html_escape(chart.title())
        ),
        1,
    ))
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const CSS: &str = r#"
:root { --ink:#222a35; --muted:#5f6b7a; --line:#e3e7ec; --bg:#f6f8fa; --accent:#d62728; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
  font:15px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "DejaVu Sans", Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 32px 24px 64px; }
h1 { font-size: 26px; margin: 0 0 4px; letter-spacing: -0.01em; }
h2 { font-size: 19px; margin: 0 0 8px; }
.sub { color: var(--muted); margin: 0 0 24px; }
section { background:#fff; border:1px solid var(--line); border-radius:10px; padding:20px 22px; margin:0 0 20px; }
dl.meta { display:grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin:0; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin:0; overflow-wrap:anywhere; }
code { font: 13px/1.4 "DejaVu Sans Mono", Menlo, Consolas, monospace; background: var(--bg); padding: 1px 5px; border-radius: 4px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 6px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th { color: var(--muted); font-weight: 600; vertical-align: bottom; }
tr.group th { text-align: center; font-weight: 500; font-size: 12px; border-bottom: none; padding-bottom: 0; }
tr.group th[colspan] { border-bottom: 1px solid var(--line); }
th:first-child, td:first-child { text-align: left; }
tbody tr:hover { background: #fafbfc; }
tr.ids td { color: var(--muted); }
.sw { display:inline-block; width:11px; height:11px; border-radius:2px; margin-right:7px; vertical-align:-1px; }
.table-wrap { overflow-x: auto; }
figure { margin: 8px 0 0; }
figure svg { width: 100%; height: auto; display: block; }
figcaption, .note { color: var(--muted); font-size: 13.5px; margin-top: 8px; }
ul.notes { margin: 0; padding-left: 20px; }
ul.notes li { margin: 4px 0; }
"#;

fn figcaption(chart: Chart, v: &View) -> String {
    let b = v.bench;
    match chart {
        Chart::RatioBySize => format!(
            "Each record's own ratio (its UTF-8 bytes / its payload bytes), grouped by record size: {}, {}, {}. \
             Short records gain least: headers and adaptive statistics cost more per byte.",
            b.bands.label(0),
            b.bands.label(1),
            b.bands.label(2)
        ),
        Chart::SpaceSaved => "Space saved over the whole set: 1 − (sum of payload bytes / sum of UTF-8 bytes); the ratio in brackets.".into(),
        Chart::Throughput => "MB of UTF-8 text per second of one core, all records: text rows include tokenization where the method needs token IDs. Log scale.".into(),
        Chart::Memory => "Each row runs alone in a child process; the figure is that process's peak resident set (VmHWM) above its resident set just before the row's first call, so it holds the method's tables (loaded on first use), its compression contexts (including libzstd's and libdeflate's, which a Rust allocator hook would not see), the buffers for the largest record, and code pages (the lighter part of each bar is file-backed: code and tables mapped from the binary, shareable between processes). The records, their token IDs and the tokenizer are loaded before and are not counted. One page (4 KiB) is the resolution.".into(),
        Chart::RatioVsSize => format!(
            "Median ratio of the records in each power-of-two size bin (bins with at least {} records: 1 % of the set, and at least {MIN_BIN}), on a log size axis; the vertical lines are the size-band thresholds.",
            v.min_bin()
        ),
        Chart::TimeVsSize => format!(
            "Median time per record in each power-of-two size bin (bins with at least {} records), log–log: a slope of 1 is linear time, a flat start is a fixed per-call cost (context set-up, table look-ups).",
            v.min_bin()
        ),
    }
}

/// The report: one HTML file, CSS and charts inline, no external resources.
fn render_html(bench: &Bench) -> tacc::Result<String> {
    let v = View::new(bench);
    let b = bench;
    let e = html_escape;
    let mut h = String::new();
    let title = format!("tacc bench: {}", v.corpus);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        e(&title)
    );
    let _ = write!(
        h,
        "<h1>{}</h1>\n<p class=\"sub\">Per-record compression benchmark: every record compressed and restored on its own \
         (as a chat service or a prompt store does), every round trip verified.</p>\n",
        e(&title)
    );

    // Run facts.
    let counts = b.band_counts();
    let mut meta: Vec<(String, String)> = vec![
        ("Input".into(), format!("<code>{}</code>", e(&b.input))),
        (
            "Records".into(),
            format!(
                "{} records, {} UTF-8 bytes, {} tokens{}",
                thousands(b.text_bytes.len() as u64),
                thousands(b.total_bytes()),
                thousands(b.total_tokens()),
                match b.limited {
                    Some(n) => format!(" (the first {n} records only: <code>--limit {n}</code>)"),
                    None => String::new(),
                }
            ),
        ),
        ("Tokenizer".into(), e(&b.tokenizer)),
        (
            "Size bands".into(),
            format!(
                "{}: {} · {}: {} · {}: {} records",
                e(&b.bands.label(0)),
                thousands(counts[0] as u64),
                e(&b.bands.label(1)),
                thousands(counts[1] as u64),
                e(&b.bands.label(2)),
                thousands(counts[2] as u64)
            ),
        ),
    ];
    if let Some(only) = &b.only {
        meta.push(("Rows".into(), format!("only <code>{}</code>", e(only))));
    }
    meta.extend(machine().into_iter().map(|(k, v)| (k, e(&v))));
    if let Some((start, end)) = b.load {
        meta.push((
            "Load average".into(),
            format!(
                "{start:.2} at the start, {end:.2} at the end (1-minute; other work on the machine slows the timings, not the sizes)"
            ),
        ));
    }
    meta.push((
        "tacc".into(),
        format!(
            "tacc-cli {} (library tacc {})",
            env!("CARGO_PKG_VERSION"),
            e(tacc::VERSION)
        ),
    ));
    meta.push((
        "Command".into(),
        format!("<code>{}</code>", e(&command_line())),
    ));
    meta.push((
        "Date".into(),
        format!(
            "{} · benchmark took {:.0} s",
            utc_now(),
            b.wall_secs.max(0.0)
        ),
    ));
    h.push_str("<section>\n<h2>Run</h2>\n<dl class=\"meta\">\n");
    for (k, val) in &meta {
        let _ = writeln!(h, "<dt>{}</dt><dd>{val}</dd>", e(k));
    }
    h.push_str("</dl>\n</section>\n");

    // Summary table.
    h.push_str(
        "<section>\n<h2>Summary</h2>\n<div class=\"table-wrap\"><table id=\"summary\">\n<thead>\
         <tr class=\"group\"><th></th><th colspan=\"3\">all records summed</th><th colspan=\"2\">MB/s</th>\
         <th colspan=\"2\">peak memory, MiB</th><th colspan=\"3\">median ratio per record</th></tr>\n<tr>\
         <th>method</th><th>ratio</th><th>saved %</th><th>bytes</th>\
         <th>compress</th><th>decompress</th><th>total</th><th>file-backed</th>",
    );
    for band in 0..3 {
        let _ = write!(h, "<th>{}</th>", Bands::NAMES[band]);
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for r in &b.rows {
        let s = b.summary(r);
        let medians: Vec<String> = (0..3)
            .map(|band| {
                let vals = v.band_ratios(r, band);
                if vals.is_empty() {
                    "–".into()
                } else {
                    format!("{:.2}", quantile(&vals, 0.5))
                }
            })
            .collect();
        let (peak, file) = match r.memory {
            Some(m) => (format!("{:.2}", mib(m.peak)), format!("{:.2}", mib(m.file))),
            None => ("–".into(), "–".into()),
        };
        let c = color(&r.name);
        let _ = write!(
            h,
            "<tr data-method=\"{}\"{}><td><span class=\"sw\" style=\"background:#{:02x}{:02x}{:02x}\"></span>{}</td>\
             <td data-k=\"ratio\">{:.3}</td><td data-k=\"saved\">{:.1}</td><td data-k=\"bytes\">{}</td>\
             <td data-k=\"comp_mb_s\">{:.1}</td><td data-k=\"dec_mb_s\">{:.1}</td>\
             <td data-k=\"peak_mib\">{peak}</td><td>{file}</td>",
            e(&r.name),
            if r.token_input { " class=\"ids\"" } else { "" },
            c.0,
            c.1,
            c.2,
            e(&r.name),
            s.ratio,
            s.saved_percent,
            thousands(r.bytes()),
            s.comp_mb_s,
            s.dec_mb_s,
        );
        for m in medians {
            let _ = write!(h, "<td>{m}</td>");
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table></div>\n");
    let base = b
        .rows
        .iter()
        .find_map(|r| r.memory)
        .map(|m| {
            format!(
                " Every child process starts at about {:.1} MiB resident (binary, records, token IDs, tokenizer; the tokenizer's own share is about {:.1} MiB); that is not in the peak-memory column.",
                mib(m.start),
                mib(m.tokenizer)
            )
        })
        .unwrap_or_default();
    let _ = write!(
        h,
        "<p class=\"note\">Ratio and space saved sum all records (UTF-8 bytes / payload bytes); the median ratios are of single records, by size band. Speeds are MB of UTF-8 text per second of one core, summed over records (tokens per second are in <code>tacc bench</code>'s table and <code>--json</code>). \
         <b>frame</b> rows include the frame header and CRC-32; <b>raw</b> rows are the peers' own payloads (tacc 0.1.0, LoPace 0.1.5) or bare brotli; \
         <b>ids</b> rows (grey) start from token IDs, so their speeds exclude tokenization; they are not in the charts.{base}</p>\n</section>\n"
    );

    // Charts.
    for chart in Chart::ALL {
        let _ = write!(
            h,
            "<section id=\"{}\">\n<figure>\n{}\n<figcaption>{}</figcaption>\n</figure>\n</section>\n",
            chart.file_stem(),
            svg(chart, &v)?,
            e(&figcaption(chart, &v))
        );
    }

    // Method notes.
    h.push_str(
        "<section>\n<h2>How this was measured</h2>\n<ul class=\"notes\">\n\
         <li>Each method (row) runs in a child process of its own: <code>tacc bench</code> re-runs itself with the row's name. \
         The child loads the records, tokenizes them, returns freed heap to the kernel (<code>malloc_trim</code>), resets the kernel's peak-RSS counter \
         (<code>/proc/self/clear_refs</code>), then calls the method once as a warm-up and once per record. \
         Times are wall-clock per call (compress, then decompress), summed.</li>\n\
         <li><b>Peak memory</b> = the child's VmHWM at the end minus its VmRSS at the reset: resident memory, not address space. \
         It counts everything the method touched: its tables, compression contexts from libzstd and libdeflate (allocated by the C <code>malloc</code>), \
         buffers for the largest record, and code pages (the file-backed column, shared between processes). Memory freed and reused between records is counted once. \
         Resident means touched: a context allocated at full size but only partly used on short records counts only the pages it used.</li>\n\
         <li>Records run one after another on one thread; the charts' colours are fixed per method across reports.</li>\n\
         </ul>\n</section>\n",
    );
    h.push_str("</main>\n</body>\n</html>\n");
    Ok(h)
}

pub fn write_html(bench: &Bench, path: &Path) -> tacc::Result<()> {
    let html = render_html(bench)?;
    std::fs::write(path, html).map_err(|e| tacc::Error::Io(format!("{}: {e}", path.display())))
}
