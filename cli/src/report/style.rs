//! What every chart shares: size, font, colours (one per method, fixed across reports), the legend
//! and the axis-label formats.

use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::results::RowRun;

/// Size of every chart, in pixels (SVG user units and PNG pixels).
pub(super) const WIDTH: u32 = 900;
pub(super) const HEIGHT: u32 = 500;

pub(super) const FONT: &str = "sans-serif";
pub(super) const INK: RGBColor = RGBColor(0x22, 0x2a, 0x35);
pub(super) const MUTED: RGBColor = RGBColor(0x5f, 0x6b, 0x7a);
pub(super) const GRID: RGBColor = RGBColor(0xe3, 0xe7, 0xec);

pub(super) type DResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// One colour per method, the same in every chart and every report.
pub(super) fn color(name: &str) -> RGBColor {
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
        "raw zstd-15" => RGBColor(0x2b, 0x6f, 0x6a),
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

pub(super) fn darker(c: RGBColor) -> RGBColor {
    RGBColor(
        (c.0 as f64 * 0.6) as u8,
        (c.1 as f64 * 0.6) as u8,
        (c.2 as f64 * 0.6) as u8,
    )
}

pub(super) fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Both are valid TrueType files shipped by the crate; failure would be a build problem.
        let ok = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular())
            .is_ok()
            && plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold()).is_ok();
        assert!(ok, "DejaVu Sans did not load");
    });
}

pub(super) fn text(size: f64, color: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    TextStyle {
        font: (FONT, size).into_font(),
        color: color.to_backend_color(),
        pos: Pos::new(h, v),
    }
}

/// Method names with their colour swatches, top to bottom.
pub(super) fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rows: &[&RowRun],
) -> DResult<DB> {
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

/// Axis range in whole decades around values given as log10.
pub(super) fn decades(values: impl Iterator<Item = f64>, headroom: f64) -> (f64, f64) {
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
pub(super) fn plain_number(x: &f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// 10^x for axis labels: 0.01, 0.1, 1, 10, 100, 1000, 10k.
pub(super) fn pow10_label(x: &f64) -> String {
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
