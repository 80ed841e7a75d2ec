//! `tacc._native`: the Python extension module, a thin PyO3 layer over the tacc crate.
//!
//! Rules of this crate (the same as the uniffi crate's for Kotlin and Swift):
//! - no codec logic: every call forwards to [`tacc::Codec`], [`tacc::stats`] or [`tacc::decompress`];
//!   the code here only converts arguments and results;
//! - library errors become Python exceptions in exactly one place, `errors::py_err`, by their
//!   [`tacc::ErrorKind`] (one class per kind, in `tacc/_errors.py`, deriving from the built-in
//!   exceptions tacc 0.1.0 users catch);
//! - names come from the core's tables (`Method::name`, `LopaceMethod::name`, `ErrorKind::name`)
//!   and option defaults from `tacc::Options::default()`: nothing here restates them;
//! - calls that do real work (tokenizing, compressing, loading tables) run with the GIL released;
//! - every entry point that reaches the library runs in `errors::guard`: a Rust panic becomes
//!   `tacc.InternalError` (an `Exception`, unlike PyO3's `PanicException`), never an abort
//!   (`panic = "unwind"`), and prints nothing;
//! - decode limits (`max_output=`, `max_tokens=`) travel as the codec's [`tacc::Limits`].
//!
//! Why PyO3 and not uniffi for Python: uniffi's Python bindings go through `ctypes` (~25 µs of fixed
//! cost per call, measured), more than the codec's own work on a chat-sized record; a PyO3 method
//! call costs well under 1 µs, and token IDs convert straight from and to Python lists. See
//! docs/BINDINGS.md. The `tacc` package (bindings/python/python/tacc) adds tacc 0.1.0's and
//! LoPace 0.1.5's calling conventions on top of this module.

// One module per concern; each says in its first lines why it exists.
mod batch; // the batch calls' results: values, or TaccErrors / tacc.BatchError
mod codec; // tacc.Codec: tacc 0.1.0 and LoPace 0.1.5 calls, text <-> IDs, frames
mod convert; // token IDs and payloads in and out (C-API fast paths: unsafe, with Codec::id_list)
mod enums; // Method, LopaceMethod, EntropyUnit from the core's tables, and their arguments
mod errors; // ErrorKind -> tacc._errors class, panics -> InternalError
mod gil; // when a call releases the GIL
mod limits; // max_output= / max_tokens= -> tacc::Limits
mod records; // Options, Stats, MethodStats, Order0Estimate
mod streams; // StreamEncoder, StreamDecoder, StreamUpdate

use pyo3::prelude::*;

use codec::Codec;
use convert::{content, Payload};
use enums::{add_enum, enum_member, MethodArg, ENTROPY_UNIT, LOPACE_METHOD, METHOD, UNITS};
use errors::{guard, invalid, OrPyErr};
use gil::{run, HEAVY};
use limits::limits;
use records::{MethodStats, Options, Order0Estimate, Stats};
use streams::{StreamDecoder, StreamEncoder, StreamUpdate};

// ---- Module functions -----------------------------------------------------------------------------

/// Every vocabulary name `Codec(name)` accepts: the built-in tokenizers in tacc 0.1.0's order
/// (`BUILTIN_TOKENIZERS`), then the open models' (`OPEN_VOCABS`: token IDs from the name alone,
/// text with the model's file, `Codec(name, tokenizer_file=...)`).
#[pyfunction]
fn list_available_tokenizers() -> Vec<&'static str> {
    tacc::BUILTIN_NAMES
        .iter()
        .chain(tacc::OPEN_VOCAB_NAMES.iter())
        .copied()
        .collect()
}

/// The library's default options (`tacc::Options::default()`: the default method, levels and
/// checksum; the one place they live).
#[pyfunction]
fn default_options() -> Options {
    Options::from(tacc::Options::default())
}

/// The method's name as the CLI and the frame docs spell it ("tacc-gzip", "lopace-hybrid"...).
#[pyfunction]
fn method_name(method: MethodArg) -> PyResult<&'static str> {
    match method.0 {
        Some(m) => Ok(m.name()),
        None => Err(invalid("'auto' is not a method".into())),
    }
}

/// The `tacc.Method` with that name.
#[pyfunction]
fn method_from_name<'py>(py: Python<'py>, name: String) -> PyResult<Bound<'py, PyAny>> {
    guard(|| {
        let m = tacc::Method::from_name(&name).py()?;
        enum_member(py, &METHOD, m as u8)
    })
}

/// Decodes any frame made with a built-in tokenizer: `str`, `list[int]` or `bytes`, within the
/// limits (`None`: the defaults, 64 MiB of output and 16 Mi tokens).
#[pyfunction]
#[pyo3(signature = (frame, *, max_output = None, max_tokens = None))]
fn decompress<'py>(
    py: Python<'py>,
    frame: Payload<'py>,
    max_output: Option<&Bound<'py, PyAny>>,
    max_tokens: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    guard(|| {
        let lim = limits(tacc::Limits::DEFAULT, max_output, max_tokens)?;
        let f = frame.as_slice();
        let c = run(py, HEAVY, || tacc::decompress_with_limits(f, &lim)).py()?;
        content(py, c)
    })
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", tacc::VERSION)?;
    m.add("DEFAULT_MAX_OUTPUT", tacc::limits::DEFAULT_MAX_OUTPUT_BYTES)?;
    m.add("DEFAULT_MAX_TOKENS", tacc::limits::DEFAULT_MAX_TOKENS)?;
    m.add("MAX_OUTPUT_CAP", tacc::limits::MAX_DECODED_BYTES)?;
    m.add("MAX_TOKENS_CAP", tacc::limits::MAX_TOKENS)?;
    let tuple = |names: &[&str]| pyo3::types::PyTuple::new(m.py(), names);
    m.add("BUILTIN_TOKENIZERS", tuple(&tacc::BUILTIN_NAMES)?)?;
    m.add("OPEN_VOCABS", tuple(&tacc::OPEN_VOCAB_NAMES)?)?;
    // Whether this build embeds the open models' priors (cargo feature `open-priors`, on in the
    // wheel: pyproject.toml): then `Codec("llama3")` needs no priors file.
    m.add(
        "OPEN_PRIORS_EMBEDDED",
        tacc::OpenVocab::ALL
            .iter()
            .all(|v| tacc::codecs::model::is_embedded(v.priors_id())),
    )?;
    m.add_class::<Codec>()?;
    m.add_class::<Options>()?;
    m.add_class::<Stats>()?;
    m.add_class::<MethodStats>()?;
    m.add_class::<Order0Estimate>()?;
    m.add_class::<StreamEncoder>()?;
    m.add_class::<StreamDecoder>()?;
    m.add_class::<StreamUpdate>()?;
    m.add_function(wrap_pyfunction!(list_available_tokenizers, m)?)?;
    m.add_function(wrap_pyfunction!(default_options, m)?)?;
    m.add_function(wrap_pyfunction!(method_name, m)?)?;
    m.add_function(wrap_pyfunction!(method_from_name, m)?)?;
    m.add_function(wrap_pyfunction!(decompress, m)?)?;
    m.add_function(wrap_pyfunction!(errors::error_kinds, m)?)?;
    m.add_function(wrap_pyfunction!(errors::_panic_for_tests, m)?)?;
    let upper = |s: &str| s.to_uppercase().replace('-', "_");
    add_enum(
        m,
        &METHOD,
        "Method",
        "How a frame's payload is made; the value is the frame's method byte.",
        tacc::Method::ALL
            .iter()
            .map(|&x| (upper(x.name()), x as u8))
            .collect(),
    )?;
    add_enum(
        m,
        &LOPACE_METHOD,
        "LopaceMethod",
        "LoPace's three methods (its CompressionMethod).",
        tacc::LopaceMethod::ALL
            .iter()
            .enumerate()
            .map(|(i, x)| (upper(x.name()), i as u8))
            .collect(),
    )?;
    add_enum(
        m,
        &ENTROPY_UNIT,
        "EntropyUnit",
        "The unit whose frequencies an order-0 entropy counts.",
        UNITS
            .iter()
            .enumerate()
            .map(|(i, (n, _))| (n.to_string(), i as u8))
            .collect(),
    )?;
    Ok(())
}
