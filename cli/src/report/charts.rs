//! The charts: each drawn once, by a function generic over the plotters backend, so the page's
//! inline SVG and `--png-dir`'s PNGs are the same drawing.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::style::{register_fonts, text, DResult, FONT, HEIGHT, INK, MUTED, WIDTH};
use super::view::View;
use super::{bars, boxes, scaling};
use crate::results::Bench;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Chart {
    RatioBySize,
    SpaceSaved,
    Throughput,
    Memory,
    RatioVsSize,
    TimeVsSize,
}

impl Chart {
    pub(super) const ALL: [Chart; 6] = [
        Chart::RatioBySize,
        Chart::SpaceSaved,
        Chart::Throughput,
        Chart::Memory,
        Chart::RatioVsSize,
        Chart::TimeVsSize,
    ];

    pub(super) fn file_stem(self) -> &'static str {
        match self {
            Chart::RatioBySize => "ratio-by-size",
            Chart::SpaceSaved => "space-saved",
            Chart::Throughput => "throughput",
            Chart::Memory => "memory",
            Chart::RatioVsSize => "ratio-vs-size",
            Chart::TimeVsSize => "time-vs-size",
        }
    }

    pub(super) fn title(self) -> &'static str {
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

/// Draws one chart on any plotters backend.
pub(super) fn draw<DB: DrawingBackend>(
    chart: Chart,
    v: &View,
    root: &DrawingArea<DB, Shift>,
) -> DResult<DB> {
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
        Chart::RatioBySize => boxes::ratio_by_size(v, root, &body),
        Chart::SpaceSaved => bars::space_saved(v, root, &body),
        Chart::Throughput => bars::throughput(v, root, &body),
        Chart::Memory => bars::memory(v, root, &body),
        Chart::RatioVsSize => scaling::ratio_vs_size(v, root, &body),
        Chart::TimeVsSize => scaling::time_vs_size(v, root, &body),
    }
}

pub(super) fn chart_error(chart: Chart, e: impl std::fmt::Display) -> tacc::Error {
    tacc::Error::Io(format!("chart {}: {e}", chart.file_stem()))
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
