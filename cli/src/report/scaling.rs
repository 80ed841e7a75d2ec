//! The scaling charts: median ratio and time per record against record size.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::stats::{binned, Bins};
use super::style::{
    color, decades, legend, plain_number, pow10_label, text, DResult, GRID, INK, MUTED, WIDTH,
};
use super::view::View;
use crate::results::RowRun;
use crate::units::human_size;

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

/// One line per row through its bins (x in log2 bytes), a dot of `radius` on each bin; ours
/// drawn last, on top.
fn draw_lines<DB: DrawingBackend, Y>(
    chart: &mut ChartContext<DB, Cartesian2d<plotters::coord::types::RangedCoordf64, Y>>,
    rows: &[&RowRun],
    bins: &[Bins],
    radius: u32,
) -> DResult<DB>
where
    Y: Ranged<ValueType = f64>,
{
    let mut order: Vec<_> = rows.iter().copied().zip(bins).collect();
    order.sort_by_key(|(r, _)| r.name == "frame model");
    for (r, pts) in order {
        let c = color(&r.name);
        chart.draw_series(LineSeries::new(
            pts.iter().map(|p| (p.0.log2(), p.1)),
            c.stroke_width(2),
        ))?;
        chart.draw_series(
            pts.iter()
                .map(|p| Circle::new((p.0.log2(), p.1), radius, c.filled())),
        )?;
    }
    Ok(())
}

pub(super) fn ratio_vs_size<DB: DrawingBackend>(
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
    draw_lines(&mut chart, &v.rows, &bins, 3)?;
    legend(&side, &v.rows)?;
    Ok(())
}

pub(super) fn time_vs_size<DB: DrawingBackend>(
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
        draw_lines(&mut chart, &v.rows, data, 2)?;
    }
    legend(&side, &v.rows)?;
    Ok(())
}
