//! The box plot: each record's ratio, by size band.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::stats::five;
use super::style::{color, darker, legend, plain_number, text, DResult, GRID, INK, MUTED, WIDTH};
use super::view::View;
use crate::units::thousands;

pub(super) fn ratio_by_size<DB: DrawingBackend>(
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
                    let vals = v.band_ratios(r, band);
                    (!vals.is_empty()).then(|| five(&vals))
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
