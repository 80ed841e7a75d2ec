//! The bar charts, one bar per method: space saved, throughput, peak memory.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::style::{
    color, darker, decades, plain_number, pow10_label, text, DResult, GRID, INK, MUTED, WIDTH,
};
use super::view::View;
use crate::units::mib;

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

pub(super) fn space_saved<DB: DrawingBackend>(
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

pub(super) fn throughput<DB: DrawingBackend>(
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

pub(super) fn memory<DB: DrawingBackend>(
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
