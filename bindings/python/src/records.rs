//! Frozen value classes: `Options` (built on the core's `Options::default()`), `Stats`,
//! `MethodStats`, `Order0Estimate`.

use std::sync::LazyLock;

use pyo3::prelude::*;

use crate::enums::{enum_member, MethodArg, METHOD};

/// The core's option defaults (`Options::default()`, the one place they live): every signature
/// default below and in `codec.rs` reads a field of it (shown as `...` in Python signatures), so no
/// level is restated in this crate.
pub(crate) static DEFAULTS: LazyLock<tacc::Options> = LazyLock::new(tacc::Options::default);

/// The core's options with the caller's arguments (each defaulting to `DEFAULTS`' field).
pub(crate) fn options(
    method: MethodArg,
    zstd_level: i32,
    gzip_level: i32,
    checksum: bool,
) -> tacc::Options {
    tacc::Options::default()
        .with_method(method.0)
        .with_zstd_level(zstd_level)
        .with_gzip_level(gzip_level)
        .with_checksum(checksum)
}

/// Options of the framed calls. `method=None` tries every method that fits and keeps the smallest;
/// every argument left out (`...` in signatures) is the library's, `tacc.default_options()`.
#[pyclass(module = "tacc", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct Options {
    inner: tacc::Options,
}

impl From<tacc::Options> for Options {
    fn from(inner: tacc::Options) -> Self {
        Options { inner }
    }
}

#[pymethods]
impl Options {
    #[new]
    #[pyo3(signature = (method = MethodArg::default(), zstd_level = DEFAULTS.zstd_level, gzip_level = DEFAULTS.gzip_level, checksum = DEFAULTS.checksum))]
    fn new(method: MethodArg, zstd_level: i32, gzip_level: i32, checksum: bool) -> Self {
        Options {
            inner: options(method, zstd_level, gzip_level, checksum),
        }
    }

    /// A `tacc.Method`, or None for "auto".
    #[getter]
    fn method<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self.inner.method {
            Some(m) => enum_member(py, &METHOD, m as u8),
            None => Ok(py.None().into_bound(py)),
        }
    }

    #[getter]
    fn zstd_level(&self) -> i32 {
        self.inner.zstd_level
    }

    #[getter]
    fn gzip_level(&self) -> i32 {
        self.inner.gzip_level
    }

    #[getter]
    fn checksum(&self) -> bool {
        self.inner.checksum
    }

    fn __repr__(&self) -> String {
        let m = self
            .inner
            .method
            .map(|m| format!("'{}'", m.name()))
            .unwrap_or_else(|| "None".into());
        format!(
            "tacc.Options(method={m}, zstd_level={}, gzip_level={}, checksum={})",
            self.inner.zstd_level,
            self.inner.gzip_level,
            if self.inner.checksum { "True" } else { "False" }
        )
    }
}

/// One method's result on one input.
#[pyclass(module = "tacc", frozen, get_all)]
#[derive(Clone)]
pub struct MethodStats {
    name: String,
    compressed_bytes: u64,
    /// original / compressed (higher is better); 0 for empty input.
    ratio: f64,
    /// compressed / original (LoPace's `compression_ratio`).
    size_fraction: f64,
    space_saved_percent: f64,
    bytes_saved: i64,
    /// Seconds for one compress / one decompress call (0 when not timed).
    encode_seconds: f64,
    decode_seconds: f64,
}

#[pymethods]
impl MethodStats {
    fn __repr__(&self) -> String {
        format!(
            "tacc.MethodStats(name='{}', compressed_bytes={}, ratio={:.4}, encode_seconds={:.3e}, decode_seconds={:.3e})",
            self.name, self.compressed_bytes, self.ratio, self.encode_seconds, self.decode_seconds
        )
    }
}

/// Sizes of several methods on one text.
#[pyclass(module = "tacc", frozen, get_all)]
pub struct Stats {
    original_bytes: u64,
    original_tokens: u64,
    characters: u64,
    methods: Vec<MethodStats>,
}

#[pymethods]
impl Stats {
    fn __repr__(&self) -> String {
        let names: Vec<&str> = self.methods.iter().map(|m| m.name.as_str()).collect();
        format!(
            "tacc.Stats(original_bytes={}, original_tokens={}, characters={}, methods={names:?})",
            self.original_bytes, self.original_tokens, self.characters
        )
    }
}

impl From<tacc::stats::Stats> for Stats {
    fn from(s: tacc::stats::Stats) -> Self {
        Stats {
            original_bytes: s.original_bytes,
            original_tokens: s.original_tokens,
            characters: s.characters,
            methods: s
                .methods
                .into_iter()
                .map(|m| MethodStats {
                    name: m.name,
                    compressed_bytes: m.compressed_bytes,
                    ratio: m.ratio,
                    size_fraction: m.size_fraction,
                    space_saved_percent: m.space_saved_percent,
                    bytes_saved: m.bytes_saved,
                    encode_seconds: m.encode_seconds,
                    decode_seconds: m.decode_seconds,
                })
                .collect(),
        }
    }
}

/// What an order-0 coder over a unit would need (LoPace's "theoretical limit"; not a real limit).
#[pyclass(module = "tacc", frozen, get_all)]
pub struct Order0Estimate {
    entropy_bits_per_unit: f64,
    units: u64,
    min_bits: f64,
    min_bytes: f64,
    original_bytes: u64,
    size_fraction: f64,
    space_saved_percent: f64,
}

#[pymethods]
impl Order0Estimate {
    fn __repr__(&self) -> String {
        format!(
            "tacc.Order0Estimate(entropy_bits_per_unit={}, units={}, min_bytes={}, original_bytes={})",
            self.entropy_bits_per_unit, self.units, self.min_bytes, self.original_bytes
        )
    }
}

impl From<tacc::stats::Order0Estimate> for Order0Estimate {
    fn from(e: tacc::stats::Order0Estimate) -> Self {
        Order0Estimate {
            entropy_bits_per_unit: e.entropy_bits_per_unit,
            units: e.units,
            min_bits: e.min_bits,
            min_bytes: e.min_bytes,
            original_bytes: e.original_bytes,
            size_fraction: e.size_fraction,
            space_saved_percent: e.space_saved_percent,
        }
    }
}
