//! What a `tacc bench` run becomes: the text table, the `--json` document, and the report (one
//! self-contained HTML page with charts, and the same charts as PNGs).
//!
//! Every chart is drawn once, by a function generic over the plotters backend: the HTML gets it as
//! inline SVG, `--png-dir` as a PNG of the same size and content. Text in the PNGs is drawn with
//! DejaVu Sans from the `dejavu` crate, so no system font is needed.

mod bars;
mod boxes;
mod charts;
mod facts;
mod html;
mod json;
mod scaling;
mod stats;
mod style;
mod table;
mod view;

pub use charts::write_pngs;
pub use html::write_html;
pub use json::json_doc;
pub use table::print_table;
