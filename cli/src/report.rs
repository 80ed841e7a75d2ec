//! `tacc bench --report`: the benchmark as one self-contained HTML file with charts.
//!
//! Every chart is drawn once, by a function generic over the plotters backend: the HTML gets it as
//! inline SVG, `--png-dir` as a PNG of the same size and content. Text in the PNGs is drawn with
//! DejaVu Sans from the `dejavu` crate, so no system font is needed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::bench::{human_size, mib, Bands, Bench, RowRun};
use crate::thousands;

/// Size of every chart, in pixels (SVG user units and PNG pixels).
pub const WIDTH: u32 = 900;
pub const HEIGHT: u32 = 500;

const FONT: &str = "sans-serif";
const INK: RGBColor = RGBColor(0x22, 0x2a, 0x35);
const MUTED: RGBColor = RGBColor(0x5f, 0x6b, 0x7a);
const GRID: RGBColor = RGBColor(0xe3, 0xe7, 0xec);
/// Bins of the scaling charts with fewer records than 1 % of the set, or than this, are not drawn:
/// a median of a handful of records is noise.
const MIN_BIN: usize = 5;

type DResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    RatioBySize,
    SpaceSaved,
    Throughput,
    Memory,
    RatioVsSize,
    TimeVsSize,
}

impl Chart {
    pub const ALL: [Chart; 6] = [
        Chart::RatioBySize,
        Chart::SpaceSaved,
        Chart::Throughput,
        Chart::Memory,
        Chart::RatioVsSize,
        Chart::TimeVsSize,
    ];

    pub fn file_stem(self) -> &'static str {
        match self {
            Chart::RatioBySize => "ratio-by-size",
            Chart::SpaceSaved => "space-saved",
            Chart::Throughput => "throughput",
            Chart::Memory => "memory",
            Chart::RatioVsSize => "ratio-vs-size",
            Chart::TimeVsSize => "time-vs-size",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Chart::RatioBySize => "Compression ratio per record, by size band",
            Chart::SpaceSaved => "Space saved",
            Chart::Throughput => "Throughput",
            Chart::Memory => "Peak memory per method",
            Chart::RatioVsSize => "Ratio vs record size",
            Chart::TimeVsSize => "Time per record vs record size",
        }
    }
}

/// What the charts show: the rows that take text (the token-ID rows are in the table only, their
/// speeds exclude tokenization and would not compare), in the order `tacc bench` prints them.
struct View<'a> {
    bench: &'a Bench,
    rows: Vec<&'a RowRun>,
    corpus: String,
}

impl<'a> View<'a> {
    fn new(bench: &'a Bench) -> View<'a> {
        let text_rows: Vec<&RowRun> = bench.rows.iter().filter(|r| !r.token_input).collect();
        let rows = if text_rows.is_empty() {
            bench.rows.iter().collect()
        } else {
            text_rows
        };
        View {
            bench,
            rows,
            corpus: corpus_name(&bench.input),
        }
    }

    fn subtitle(&self) -> String {
        let b = self.bench;
        format!(
            "{}: {} records, {} tokens ({}), each record compressed alone",
            self.corpus,
            thousands(b.text_bytes.len() as u64),
            thousands(b.total_tokens()),
            b.tokenizer
        )
    }

    /// Fewest records a scaling-chart bin needs to be drawn.
    fn min_bin(&self) -> usize {
        (self.bench.text_bytes.len() / 100).max(MIN_BIN)
    }

    fn ratios(&self, r: &RowRun) -> impl Iterator<Item = (u64, f64)> + '_ {
        let sizes = &self.bench.text_bytes;
        sizes
            .iter()
            .zip(r.payload.clone())
            .map(|(&t, p)| (t, t as f64 / p.max(1) as f64))
    }
}

/// "chat-dev" from "../shared/corpus/chat-dev.jsonl.gz".
fn corpus_name(input: &str) -> String {
    let name = Path::new(input)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| input.to_string());
    [".gz", ".jsonl", ".json"]
        .iter()
        .fold(name, |n, ext| n.strip_suffix(ext).unwrap_or(&n).to_string())
}

/// One colour per method, the same in every chart and every report.
pub fn color(name: &str) -> RGBColor {
    match name {
        "frame gzip-9" => RGBColor(0x4e, 0x79, 0xa7),
        "frame zstd-19" => RGBColor(0x5a, 0xa9, 0xa3),
        "frame lopace-hybrid-15" => RGBColor(0xe8, 0x77, 0x1a),
        "frame tacc" => RGBColor(0x3d, 0x8b, 0x37),
        "frame tacc-gzip-9" => RGBColor(0x9a, 0x7b, 0x12),
        "frame model" => RGBColor(0xd6, 0x27, 0x28),
        "frame model-v1" => RGBColor(0xa0, 0x4a, 0x9a),
        "frame auto" => RGBColor(0x94, 0x67, 0xbd),
        "raw brotli-11" => RGBColor(0x8c, 0x56, 0x4b),
        "raw tacc" => RGBColor(0x86, 0xc9, 0x7a),
        "raw tacc-gzip" => RGBColor(0xe0, 0xb5, 0x2f),
        "raw lopace-hybrid-15" => RGBColor(0xf9, 0xb3, 0x6b),
        "raw lopace-zstd-15" => RGBColor(0x2b, 0x6f, 0x6a),
        "ids tacc" => RGBColor(0x7f, 0x7f, 0x7f),
        "ids model" => RGBColor(0xf0, 0x8a, 0x8b),
        "ids model-v1" => RGBColor(0xc9, 0x9b, 0xd0),
        "ids tacc-gzip" => RGBColor(0xbc, 0xbd, 0x22),
        other => {
            let h = other
                .bytes()
                .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32));
            let p = Palette99::pick(h as usize).to_rgba();
            RGBColor(p.0, p.1, p.2)
        }
    }
}

fn darker(c: RGBColor) -> RGBColor {
    RGBColor(
        (c.0 as f64 * 0.6) as u8,
        (c.1 as f64 * 0.6) as u8,
        (c.2 as f64 * 0.6) as u8,
    )
}

fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Both are valid TrueType files shipped by the crate; failure would be a build problem.
        let ok = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular())
            .is_ok()
            && plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold()).is_ok();
        assert!(ok, "DejaVu Sans did not load");
    });
}

fn text(size: f64, color: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    TextStyle {
        font: (FONT, size).into_font(),
        color: color.to_backend_color(),
        pos: Pos::new(h, v),
    }
}

// ---- Statistics ------------------------------------------------------------------------------

/// The p-quantile (0..=1) of sorted values, linear between neighbours.
fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let x = p * (sorted.len() - 1) as f64;
    let (i, f) = (x.floor() as usize, x.fract());
    if i + 1 < sorted.len() {
        sorted[i] + f * (sorted[i + 1] - sorted[i])
    } else {
        sorted[i]
    }
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(|a, b| a.total_cmp(b));
    v
}

/// p5, p25, median, p75, p95.
fn five(sorted: &[f64]) -> [f64; 5] {
    [0.05, 0.25, 0.5, 0.75, 0.95].map(|p| quantile(sorted, p))
}

/// Points of a scaling chart: (median record size, median value, records) per bin.
type Bins = Vec<(f64, f64, usize)>;

/// Median per power-of-two bin of record size, bins with at least `min` records.
fn binned(points: impl Iterator<Item = (u64, f64)>, min: usize) -> Bins {
    let mut bins: std::collections::BTreeMap<u32, (Vec<f64>, Vec<f64>)> = Default::default();
    for (size, v) in points {
        let b = 63 - size.max(1).leading_zeros();
        let e = bins.entry(b).or_default();
        e.0.push(size as f64);
        e.1.push(v);
    }
    bins.into_values()
        .filter(|(s, _)| s.len() >= min)
        .map(|(s, v)| {
            let n = s.len();
            (quantile(&sorted(s), 0.5), quantile(&sorted(v), 0.5), n)
        })
        .collect()
}

// ---- Drawing ---------------------------------------------------------------------------------

/// Draws one chart on any plotters backend.
fn draw<DB: DrawingBackend>(chart: Chart, v: &View, root: &DrawingArea<DB, Shift>) -> DResult<DB> {
    root.fill(&WHITE)?;
    let (head, body) = root.split_vertically(58);
    head.draw(&Text::new(
        chart.title().to_string(),
        (18, 12),
        TextStyle::from((FONT, 19).into_font().style(FontStyle::Bold)).color(&INK),
    ))?;
    head.draw(&Text::new(
        v.subtitle(),
        (18, 36),
        text(13.0, MUTED, HPos::Left, VPos::Top),
    ))?;
    match chart {
        Chart::RatioBySize => ratio_by_size(v, root, &body),
        Chart::SpaceSaved => space_saved(v, root, &body),
        Chart::Throughput => throughput(v, root, &body),
        Chart::Memory => memory(v, root, &body),
        Chart::RatioVsSize => ratio_vs_size(v, root, &body),
        Chart::TimeVsSize => time_vs_size(v, root, &body),
    }
}

/// Method names with their colour swatches, top to bottom.
fn legend<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, rows: &[&RowRun]) -> DResult<DB> {
    let top = 14;
    for (i, r) in rows.iter().enumerate() {
        let y = top + i as i32 * 21;
        let c = color(&r.name);
        area.draw(&Rectangle::new([(4, y), (18, y + 14)], c.filled()))?;
        area.draw(&Rectangle::new(
            [(4, y), (18, y + 14)],
            darker(c).stroke_width(1),
        ))?;
        area.draw(&Text::new(
            r.name.clone(),
            (25, y + 7),
            text(13.0, INK, HPos::Left, VPos::Center),
        ))?;
    }
    Ok(())
}

fn ratio_by_size<DB: DrawingBackend>(
    v: &View,
    root: &DrawingArea<DB, Shift>,
    body: &DrawingArea<DB, Shift>,
) -> DResult<DB> {
    let b = v.bench;
    let (plot, side) = body.split_horizontally(WIDTH as i32 - 195);
    let counts = b.band_counts();
    // stats[band][row]
    let stats: Vec<Vec<Option<[f64; 5]>>> = (0..3)
        .map(|band| {
            v.rows
                .iter()
                .map(|r| {
                    let vals: Vec<f64> = v
                        .ratios(r)
                        .filter(|&(t, _)| b.bands.of(t) == band)
                        .map(|(_, x)| x)
                        .collect();
                    (!vals.is_empty()).then(|| five(&sorted(vals)))
                })
                .collect()
        })
        .collect();
    let ymax = stats
        .iter()
        .flatten()
        .flatten()
        .map(|s| s[4])
        .fold(1.0f64, f64::max)
        * 1.08;
    let mut chart = ChartBuilder::on(&plot)
        .margin_left(12)
        .margin_right(12)
        .margin_top(6)
        .x_label_area_size(48)
        .y_label_area_size(58)
        .build_cartesian_2d(0f64..3f64, 0f64..ymax)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(8)
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .axis_style(MUTED)
        .y_label_formatter(&plain_number)
        .y_desc("ratio = UTF-8 bytes / payload bytes")
        .label_style(text(13.0, INK, HPos::Center, VPos::Center))
        .axis_desc_style(text(13.0, MUTED, HPos::Center, VPos::Center))
        .draw()?;
    let k = v.rows.len() as f64;
    for band in 0..3usize {
        let x0 = band as f64;
        if band > 0 {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x0, 0.0), (x0, ymax)],
                MUTED.mix(0.35).stroke_width(1),
            )))?;
        }
        let (px, py) = chart.backend_coord(&(x0 + 0.5, 0.0));
        root.draw(&Text::new(
            b.bands.label(band),
            (px, py + 10),
            text(13.0, INK, HPos::Center, VPos::Top),
        ))?;
        root.draw(&Text::new(
            format!("{} records", thousands(counts[band] as u64)),
            (px, py + 28),
            text(12.0, MUTED, HPos::Center, VPos::Top),
        ))?;
        if counts[band] == 0 {
            let (qx, qy) = chart.backend_coord(&(x0 + 0.5, ymax / 2.0));
            root.draw(&Text::new(
                "no records",
                (qx, qy),
                text(13.0, MUTED, HPos::Center, VPos::Center),
            ))?;
            continue;
        }
        for (i, r) in v.rows.iter().enumerate() {
            let Some([p5, q1, med, q3, p95]) = stats[band][i] else {
                continue;
            };
            let slot = 0.86 / k;
            let xc = x0 + 0.07 + slot * (i as f64 + 0.5);
            let half = slot * 0.36;
            let c = color(&r.name);
            let edge = darker(c).stroke_width(1);
            chart.draw_series([
                PathElement::new(vec![(xc, p5), (xc, q1)], edge),
                PathElement::new(vec![(xc, q3), (xc, p95)], edge),
                PathElement::new(vec![(xc - half * 0.6, p5), (xc + half * 0.6, p5)], edge),
                PathElement::new(vec![(xc - half * 0.6, p95), (xc + half * 0.6, p95)], edge),
            ])?;
            chart.draw_series([
                Rectangle::new([(xc - half, q1), (xc + half, q3)], c.filled()),
                Rectangle::new([(xc - half, q1), (xc + half, q3)], edge),
            ])?;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(xc - half, med), (xc + half, med)],
                INK.stroke_width(2),
            )))?;
        }
    }
    legend(&side, &v.rows)?;
    let y = 14 + v.rows.len() as i32 * 21 + 10;
    for (i, line) in [
        "box: 25th–75th percentile",
        "line: median",
        "whiskers: 5th–95th percentile",
    ]
    .iter()
    .enumerate()
    {
        side.draw(&Text::new(
            line.to_string(),
            (4, y + i as i32 * 17),
            text(12.0, MUTED, HPos::Left, VPos::Top),
        ))?;
    }
    Ok(())
}

/// A horizontal bar for `hbars`.
struct Bar {
    name: String,
    value: f64,
    /// The first part of the bar, up to here, is drawn lighter (a share of the value).
    light: Option<f64>,
    label: String,
}

/// Horizontal bars, one per method, top to bottom. `log`: values are log10 of the quantity and
/// the axis is labelled with powers of ten through `fmt`.
#[allow(clippy::too_many_arguments)]
fn hbars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    bars: &[Bar],
    range: (f64, f64),
    x_desc: &str,
    names: bool,
    ticks: usize,
    fmt: &dyn Fn(&f64) -> String,
) -> DResult<DB> {
    let k = bars.len() as f64;
    let mut chart = ChartBuilder::on(area)
        .margin_left(if names { 12 } else { 4 })
        .margin_right(16)
        .margin_top(4)
        .x_label_area_size(44)
        .y_label_area_size(if names { 170 } else { 8 })
        .build_cartesian_2d(range.0..range.1, 0f64..k)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(ticks)
        .x_label_formatter(fmt)
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .axis_style(MUTED)
        .x_desc(x_desc)
        .label_style(text(13.0, INK, HPos::Center, VPos::Center))
        .axis_desc_style(text(13.0, MUTED, HPos::Center, VPos::Center))
        .draw()?;
    for (i, bar) in bars.iter().enumerate() {
        let y = k - 1.0 - i as f64;
        let c = color(&bar.name);
        let end = bar.value.clamp(range.0, range.1);
        chart.draw_series(std::iter::once(Rectangle::new(
            [(range.0, y + 0.2), (end, y + 0.8)],
            c.filled(),
        )))?;
        if let Some(light) = bar.light {
            let light = light.clamp(range.0, end);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(range.0, y + 0.2), (light, y + 0.8)],
                WHITE.mix(0.55).filled(),
            )))?;
        }
        chart.draw_series(std::iter::once(Rectangle::new(
            [(range.0, y + 0.2), (end, y + 0.8)],
            darker(c).stroke_width(1),
        )))?;
        let (px, py) = chart.backend_coord(&(end, y + 0.5));
        root.draw(&Text::new(
            bar.label.clone(),
            (px + 5, py),
            text(12.0, INK, HPos::Left, VPos::Center),
        ))?;
        if names {
            let (nx, ny) = chart.backend_coord(&(range.0, y + 0.5));
            root.draw(&Text::new(
                bar.name.clone(),
                (nx - 8, ny),
                text(13.0, INK, HPos::Right, VPos::Center),
            ))?;
        }
    }
    Ok(())
}

/// Axis range in whole decades around values given as log10.
fn decades(values: impl Iterator<Item = f64>, headroom: f64) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|x| x.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let lo = lo.floor();
    let hi = (hi + headroom).ceil().max(lo + 1.0);
    (lo, hi)
}

/// 7 -> "7", 2.5 -> "2.5".
fn plain_number(x: &f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// 10^x for axis labels: 0.01, 0.1, 1, 10, 100, 1000, 10k.
fn pow10_label(x: &f64) -> String {
    if (x - x.round()).abs() > 1e-6 {
        return String::new();
    }
    let v = 10f64.powf(x.round());
    if v >= 1e6 {
        format!("{}M", (v / 1e6).round())
    } else if v >= 10_000.0 {
        format!("{}k", (v / 1000.0).round())
    } else if v >= 1.0 {
        format!("{}", v.round())
    } else {
        let digits = (-x.round()) as usize;
        format!("{v:.digits$}")
    }
}

fn space_saved<DB: DrawingBackend>(
    v: &View,
    root: &DrawingArea<DB, Shift>,
    body: &DrawingArea<DB, Shift>,
) -> DResult<DB> {
    let bars: Vec<Bar> = v
        .rows
        .iter()
        .map(|r| {
            let s = v.bench.summary(r);
            Bar {
                name: r.name.clone(),
                value: s.saved_percent.max(0.0),
                light: None,
                label: format!("{:.1} %  ({:.2}×)", s.saved_percent, s.ratio),
            }
        })
        .collect();
    let area = body.margin(0, 0, 0, 20);
    hbars(
        root,
        &area,
        &bars,
        (0.0, 100.0),
        "space saved, % of UTF-8 bytes (1 − payload / text), all records summed",
        true,
        11,
        &|x| format!("{x:.0}"),
    )
}

fn throughput<DB: DrawingBackend>(
    v: &View,
    root: &DrawingArea<DB, Shift>,
    body: &DrawingArea<DB, Shift>,
) -> DResult<DB> {
    let sums: Vec<_> = v.rows.iter().map(|r| (r, v.bench.summary(r))).collect();
    let range = decades(
        sums.iter()
            .flat_map(|(_, s)| [s.comp_mb_s.log10(), s.dec_mb_s.log10()]),
        0.3,
    );
    let names_w = 170 + 12;
    let panel = (WIDTH as i32 - names_w - 10) / 2;
    let (left, right) = body.split_horizontally(names_w + panel);
    for (area, names, comp) in [(&left, true, true), (&right, false, false)] {
        let bars: Vec<Bar> = sums
            .iter()
            .map(|(r, s)| {
                let x = if comp { s.comp_mb_s } else { s.dec_mb_s };
                Bar {
                    name: r.name.clone(),
                    value: x.log10(),
                    light: None,
                    label: mb_s(x),
                }
            })
            .collect();
        let desc = if comp {
            "compress, MB/s of text (log scale)"
        } else {
            "decompress, MB/s of text (log scale)"
        };
        let ticks = (range.1 - range.0) as usize + 1;
        hbars(root, area, &bars, range, desc, names, ticks, &pow10_label)?;
    }
    Ok(())
}

fn mb_s(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

fn mem_label(bytes: u64) -> String {
    let m = mib(bytes);
    if m >= 10.0 {
        format!("{m:.1} MiB")
    } else if m >= 0.1 {
        format!("{m:.2} MiB")
    } else {
        format!("{:.0} KiB", bytes as f64 / 1024.0)
    }
}

fn memory<DB: DrawingBackend>(
    v: &View,
    root: &DrawingArea<DB, Shift>,
    body: &DrawingArea<DB, Shift>,
) -> DResult<DB> {
    let measured: Vec<_> = v
        .rows
        .iter()
        .filter_map(|r| r.memory.map(|m| (r, m)))
        .collect();
    if measured.is_empty() {
        return body.draw(&Text::new(
            "peak memory was not measured (needs Linux: /proc/self/status and clear_refs)",
            (WIDTH as i32 / 2, 150),
            text(14.0, MUTED, HPos::Center, VPos::Center),
        ));
    }
    // Linear, so that the bars compare as the amounts do; small figures are read off the labels.
    let bars: Vec<Bar> = measured
        .iter()
        .map(|(r, m)| Bar {
            name: r.name.clone(),
            value: mib(m.peak),
            light: Some(mib(m.file)),
            label: mem_label(m.peak),
        })
        .collect();
    let max = bars.iter().map(|b| b.value).fold(0.0f64, f64::max);
    let hi = nice_ceiling(max * 1.18);
    let area = body.margin(0, 0, 0, 20);
    hbars(
        root,
        &area,
        &bars,
        (0.0, hi),
        "MiB: peak RSS of a child process running only this row, above its RSS before the row started",
        true,
        8,
        &|x| plain_number(x),
    )?;
    // Key for the two shades, top right.
    let (x, y) = (WIDTH as i32 - 270, 12);
    let c = RGBColor(0x88, 0x88, 0x88);
    root.draw(&Rectangle::new([(x, y), (x + 14, y + 12)], c.filled()))?;
    root.draw(&Text::new(
        "heap and other anonymous memory",
        (x + 20, y + 6),
        text(12.0, INK, HPos::Left, VPos::Center),
    ))?;
    root.draw(&Rectangle::new(
        [(x, y + 20), (x + 14, y + 32)],
        c.mix(0.45).filled(),
    ))?;
    root.draw(&Rectangle::new(
        [(x, y + 20), (x + 14, y + 32)],
        c.stroke_width(1),
    ))?;
    root.draw(&Text::new(
        "file-backed: code, embedded tables",
        (x + 20, y + 26),
        text(12.0, INK, HPos::Left, VPos::Center),
    ))?;
    Ok(())
}

/// The smallest 1, 2 or 5 times a power of ten at or above x.
fn nice_ceiling(x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|&c| c >= x)
        .unwrap_or(10.0 * p)
}

/// Vertical lines at the size-band thresholds (x in log2 bytes).
fn band_lines<DB: DrawingBackend, Y>(
    chart: &mut ChartContext<DB, Cartesian2d<plotters::coord::types::RangedCoordf64, Y>>,
    root: &DrawingArea<DB, Shift>,
    v: &View,
    y: (f64, f64),
) -> DResult<DB>
where
    Y: Ranged<ValueType = f64>,
{
    for (i, t) in [v.bench.bands.medium_from, v.bench.bands.large_from]
        .into_iter()
        .enumerate()
    {
        let x = (t as f64).log2();
        if !chart.x_range().contains(&x) {
            continue;
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(x, y.0), (x, y.1)],
            MUTED.mix(0.45).stroke_width(1),
        )))?;
        let (px, py) = chart.backend_coord(&(x, y.1));
        let right_edge = chart.backend_coord(&(chart.x_range().end, y.1)).0;
        // Left of the line when the label would run past the plot's right edge.
        let (lx, h) = if px + 64 > right_edge {
            (px - 4, HPos::Right)
        } else {
            (px + 4, HPos::Left)
        };
        root.draw(&Text::new(
            format!("band {}", human_size(t)),
            // The second label one line lower, so neighbours never overlap.
            (lx, py + 4 + 14 * i as i32),
            text(11.0, MUTED, h, VPos::Top),
        ))?;
    }
    Ok(())
}

/// Axis labels for log2 bytes: 256 B, 1 KiB, 4 KiB...
fn bytes_label(x: &f64) -> String {
    if (x - x.round()).abs() > 1e-6 || *x < 0.0 || *x > 62.0 {
        return String::new();
    }
    human_size(1u64 << (x.round() as u32))
}

/// The x range of the scaling charts, in log2 bytes: whole powers of two around the drawn bins.
fn size_range(bins: &[Bins]) -> (f64, f64) {
    let (lo, hi) = bins
        .iter()
        .flatten()
        .map(|p| p.0.log2())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
    if !lo.is_finite() {
        return (0.0, 10.0);
    }
    (lo.floor(), hi.ceil().max(lo.floor() + 2.0))
}

/// Tick count for a log2 size axis: every power of two, or every other one on wide ranges.
fn size_ticks(r: (f64, f64), max: usize) -> usize {
    let span = (r.1 - r.0) as usize;
    if span < max {
        span + 1
    } else {
        span / 2 + 1
    }
}

/// Draw order of the lines: ours last, on top.
fn draw_order<'a, T>(rows: &[&'a RowRun], data: &'a [T]) -> Vec<(&'a RowRun, &'a T)> {
    let mut v: Vec<_> = rows.iter().copied().zip(data).collect();
    v.sort_by_key(|(r, _)| r.name == "frame model");
    v
}

fn ratio_vs_size<DB: DrawingBackend>(
    v: &View,
    root: &DrawingArea<DB, Shift>,
    body: &DrawingArea<DB, Shift>,
) -> DResult<DB> {
    let (plot, side) = body.split_horizontally(WIDTH as i32 - 195);
    let bins: Vec<Bins> = v
        .rows
        .iter()
        .map(|r| binned(v.ratios(r), v.min_bin()))
        .collect();
    let ymax = bins
        .iter()
        .flat_map(|s| s.iter().map(|p| p.1))
        .fold(1.0f64, f64::max)
        * 1.1;
    let xr = size_range(&bins);
    let mut chart = ChartBuilder::on(&plot)
        .margin_left(12)
        .margin_right(12)
        .margin_top(6)
        .x_label_area_size(44)
        .y_label_area_size(58)
        .build_cartesian_2d(xr.0..xr.1, 0f64..ymax)?;
    chart
        .configure_mesh()
        .x_labels(size_ticks(xr, 10))
        .x_label_formatter(&bytes_label)
        .y_labels(8)
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .axis_style(MUTED)
        .x_desc(format!(
            "record size, UTF-8 bytes (log scale); one point per power-of-two bin of ≥ {} records",
            v.min_bin()
        ))
        .y_label_formatter(&plain_number)
        .y_desc("median ratio")
        .label_style(text(13.0, INK, HPos::Center, VPos::Center))
        .axis_desc_style(text(13.0, MUTED, HPos::Center, VPos::Center))
        .draw()?;
    band_lines(&mut chart, root, v, (0.0, ymax))?;
    for (r, pts) in draw_order(&v.rows, &bins) {
        let c = color(&r.name);
        chart.draw_series(LineSeries::new(
            pts.iter().map(|p| (p.0.log2(), p.1)),
            c.stroke_width(2),
        ))?;
        chart.draw_series(
            pts.iter()
                .map(|p| Circle::new((p.0.log2(), p.1), 3, c.filled())),
        )?;
    }
    legend(&side, &v.rows)?;
    Ok(())
}

fn time_vs_size<DB: DrawingBackend>(
    v: &View,
    root: &DrawingArea<DB, Shift>,
    body: &DrawingArea<DB, Shift>,
) -> DResult<DB> {
    let (plots, side) = body.split_horizontally(WIDTH as i32 - 195);
    let halves = plots.split_evenly((1, 2));
    let sizes = &v.bench.text_bytes;
    let us = |ns: &[u64]| -> Vec<(u64, f64)> {
        sizes
            .iter()
            .zip(ns)
            .map(|(&t, &n)| (t, (n.max(1) as f64 / 1000.0).log10()))
            .collect()
    };
    let enc: Vec<_> = v
        .rows
        .iter()
        .map(|r| binned(us(&r.enc_ns).into_iter(), v.min_bin()))
        .collect();
    let dec: Vec<_> = v
        .rows
        .iter()
        .map(|r| binned(us(&r.dec_ns).into_iter(), v.min_bin()))
        .collect();
    let yr = decades(
        enc.iter().chain(&dec).flat_map(|s| s.iter().map(|p| p.1)),
        0.0,
    );
    let xr = size_range(&enc);
    for (area, data, what) in [
        (&halves[0], &enc, "compress"),
        (&halves[1], &dec, "decompress"),
    ] {
        let mut chart = ChartBuilder::on(area)
            .margin_left(12)
            .margin_right(10)
            .margin_top(6)
            .x_label_area_size(44)
            .y_label_area_size(52)
            .caption(what, text(14.0, INK, HPos::Center, VPos::Top))
            .build_cartesian_2d(xr.0..xr.1, yr.0..yr.1)?;
        chart
            .configure_mesh()
            .x_labels(size_ticks(xr, 6))
            .x_label_formatter(&bytes_label)
            .y_labels((yr.1 - yr.0) as usize + 1)
            .y_label_formatter(&pow10_label)
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(MUTED)
            .x_desc("record size (log)")
            .y_desc("median µs per record (log)")
            .label_style(text(12.0, INK, HPos::Center, VPos::Center))
            .axis_desc_style(text(12.0, MUTED, HPos::Center, VPos::Center))
            .draw()?;
        band_lines(&mut chart, root, v, yr)?;
        for (r, pts) in draw_order(&v.rows, data) {
            let c = color(&r.name);
            chart.draw_series(LineSeries::new(
                pts.iter().map(|p| (p.0.log2(), p.1)),
                c.stroke_width(2),
            ))?;
            chart.draw_series(
                pts.iter()
                    .map(|p| Circle::new((p.0.log2(), p.1), 2, c.filled())),
            )?;
        }
    }
    legend(&side, &v.rows)?;
    Ok(())
}

// ---- Output ------------------------------------------------------------------------------------

fn chart_error(chart: Chart, e: impl std::fmt::Display) -> tacc::Error {
    tacc::Error::Io(format!("chart {}: {e}", chart.file_stem()))
}

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

/// Writes every chart as `DIR/<chart>.png`; returns the files written.
pub fn write_pngs(bench: &Bench, dir: &Path) -> tacc::Result<Vec<PathBuf>> {
    register_fonts();
    std::fs::create_dir_all(dir).map_err(|e| tacc::Error::Io(format!("{}: {e}", dir.display())))?;
    let v = View::new(bench);
    let mut files = Vec::new();
    for chart in Chart::ALL {
        let path = dir.join(format!("{}.png", chart.file_stem()));
        {
            let root = BitMapBackend::new(&path, (WIDTH, HEIGHT)).into_drawing_area();
            draw(chart, &v, &root).map_err(|e| chart_error(chart, e))?;
            root.present().map_err(|e| chart_error(chart, e))?;
        }
        files.push(path);
    }
    Ok(files)
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// CPU model, logical CPUs, memory and kernel, from /proc (Linux); what is known elsewhere.
fn machine() -> Vec<(String, String)> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, m)| m.trim().to_string())
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    let cores = cpuinfo
        .lines()
        .filter(|l| l.starts_with("processor"))
        .count();
    let cores = if cores > 0 {
        cores
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    };
    let mut out = vec![(
        "CPU".to_string(),
        format!("{model}, {cores} logical CPUs (one used: records run one after another)"),
    )];
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    if let Some(kib) = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse::<u64>().ok())
    {
        out.push((
            "Memory".into(),
            format!("{:.1} GiB", kib as f64 / (1u64 << 20) as f64),
        ));
    }
    let os = match std::fs::read_to_string("/proc/sys/kernel/osrelease") {
        Ok(r) => format!("{} {}", std::env::consts::OS, r.trim()),
        Err(_) => std::env::consts::OS.to_string(),
    };
    out.push(("OS".into(), os));
    out
}

/// The current UTC time as "2025-01-31 12:34 UTC".
fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

fn command_line() -> String {
    std::env::args()
        .map(|a| {
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c))
            {
                a
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
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
pub fn render_html(bench: &Bench) -> tacc::Result<String> {
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
                let vals: Vec<f64> = v
                    .ratios(r)
                    .filter(|&(t, _)| b.bands.of(t) == band)
                    .map(|(_, x)| x)
                    .collect();
                if vals.is_empty() {
                    "–".into()
                } else {
                    format!("{:.2}", quantile(&sorted(vals), 0.5))
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
