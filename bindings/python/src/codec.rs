//! `tacc._native.Codec`: tacc 0.1.0's and LoPace 0.1.5's calls (under their own names, which their
//! users expect), text <-> token IDs, frames, and the codec's streams. Every method forwards to one
//! [`tacc::Codec`] call; the code here converts arguments and results only.

use std::path::PathBuf;

use pyo3::ffi;
use pyo3::marker::Ungil;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyList, PyString};

use tacc::stats::Unit;

use crate::batch;
use crate::convert::{bytes, content, list, source, Ids, NewInt, Payload};
use crate::enums::{LopaceArg, MethodArg, UnitArg};
use crate::errors::{guard, invalid, OrPyErr};
use crate::gil::{run, HEAVY};
use crate::limits::limits;
use crate::records::{options, Order0Estimate, Stats, DEFAULTS};
use crate::streams::{StreamDecoder, StreamEncoder};

/// A tokenizer plus its tacc mapping. Immutable: share one codec between threads freely.
///
/// `Codec(tokenizer=None, *, tokenizer_file=None, pattern=None, mapping=None, priors=None,
/// priors_dir=None, max_output=None, max_tokens=None)`: a vocabulary by name (built-in, or an open
/// model's for token IDs only), a tokenizer file, a priors file alone; see `tacc.Codec` and
/// [`tacc::CodecSpec`] for how they combine.
#[pyclass(module = "tacc._native", name = "Codec", frozen, subclass, weakref)]
pub struct Codec {
    inner: tacc::Codec,
    /// `[0, 1, ..., vocab_size - 1]` as Python ints, made on the first call that returns token IDs:
    /// lists of token IDs then reuse these objects instead of allocating one int per ID, which
    /// was two thirds of `decode_token_ids`' time on a chat message (measured; docs/BINDINGS.md).
    /// Costs one list of vocab_size ints per codec (~3.6 MB for cl100k_base), made in ~3 ms.
    ints: PyOnceLock<Py<PyList>>,
}

impl Codec {
    /// A new list of token IDs, sharing the codec's int objects (see `ints`).
    fn id_list<'py>(&self, py: Python<'py>, ids: &[u32]) -> PyResult<Bound<'py, PyList>> {
        let table = self
            .ints
            .get_or_try_init(py, || {
                PyList::new(py, 0..self.inner.vocab_size()).map(Bound::unbind)
            })?
            .bind(py);
        let known = table.len();
        // SAFETY: as in `list`; each table item is a live int borrowed from `table`, made an owned
        // reference (Py_IncRef) before PyList_SetItem steals it. IDs beyond the table get new ints.
        unsafe {
            let list =
                Bound::from_owned_ptr_or_err(py, ffi::PyList_New(ids.len() as ffi::Py_ssize_t))?;
            for (i, &id) in ids.iter().enumerate() {
                let item = if (id as usize) < known {
                    let o = ffi::PyList_GetItem(table.as_ptr(), id as ffi::Py_ssize_t);
                    ffi::Py_IncRef(o);
                    o
                } else {
                    id.new_int()
                };
                if item.is_null() {
                    return Err(PyErr::fetch(py));
                }
                ffi::PyList_SetItem(list.as_ptr(), i as ffi::Py_ssize_t, item);
            }
            Ok(list.cast_into_unchecked())
        }
    }

    // Every payload and frame call has one shape: the core call on borrowed input, guarded (a
    // panic becomes InternalError), run without the GIL when the input is large (`gil::run`; `work`
    // is its size in bytes), its result converted. These three hold that shape once.

    /// A core call that returns bytes (a payload or a frame).
    fn to_bytes<'py>(
        py: Python<'py>,
        work: usize,
        call: impl Ungil + FnOnce() -> tacc::Result<Vec<u8>>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        guard(|| Ok(bytes(py, &run(py, work, call).py()?)))
    }

    /// A core call that returns text.
    fn to_str<'py>(
        py: Python<'py>,
        work: usize,
        call: impl Ungil + FnOnce() -> tacc::Result<String>,
    ) -> PyResult<Bound<'py, PyString>> {
        guard(|| Ok(PyString::new(py, &run(py, work, call).py()?)))
    }

    /// A core call that returns token IDs (a list sharing the codec's ints).
    fn to_ids<'py>(
        &self,
        py: Python<'py>,
        work: usize,
        call: impl Ungil + FnOnce() -> tacc::Result<Vec<u32>>,
    ) -> PyResult<Bound<'py, PyList>> {
        guard(|| {
            let ids = run(py, work, call).py()?;
            self.id_list(py, &ids)
        })
    }
}

/// An optional argument, `None` as not given.
fn given<'a, 'py>(o: Option<&'a Bound<'py, PyAny>>) -> Option<&'a Bound<'py, PyAny>> {
    o.filter(|o| !o.is_none())
}

#[pymethods]
impl Codec {
    /// Every way to build a codec from names and files goes through [`tacc::CodecSpec::build`]
    /// (the one place the rules for combining them live); this only converts the arguments.
    /// `tokenizer_file`, `mapping` and `priors` are a path (`str` or `os.PathLike`) or the file's
    /// bytes. Compatibility: `mapping_path=` is `mapping=` (tacc 0.1.0's name); `pattern=` with
    /// `tokenizer` and no `tokenizer_file` takes `tokenizer` as the file's path (this package's
    /// earlier `from_tiktoken_file`).
    #[new]
    #[pyo3(signature = (tokenizer = None, *, tokenizer_file = None, pattern = None, mapping = None, mapping_path = None, priors = None, priors_dir = None, max_output = None, max_tokens = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        tokenizer: Option<&Bound<'_, PyAny>>,
        tokenizer_file: Option<&Bound<'_, PyAny>>,
        pattern: Option<String>,
        mapping: Option<&Bound<'_, PyAny>>,
        mapping_path: Option<&Bound<'_, PyAny>>,
        priors: Option<&Bound<'_, PyAny>>,
        priors_dir: Option<PathBuf>,
        max_output: Option<&Bound<'_, PyAny>>,
        max_tokens: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        guard(|| {
            let (tokenizer, tokenizer_file, mapping, mapping_path, priors) = (
                given(tokenizer),
                given(tokenizer_file),
                given(mapping),
                given(mapping_path),
                given(priors),
            );
            let mut spec = tacc::CodecSpec::new().with_limits(limits(
                tacc::Limits::DEFAULT,
                max_output,
                max_tokens,
            )?);
            match (tokenizer, tokenizer_file) {
                // The earlier `Codec(path, pattern=...)`: the first argument is the file
                // (unless it names a vocabulary: then the spec refuses the pattern).
                (Some(path), None)
                    if pattern.is_some()
                        && path
                            .extract::<String>()
                            .map_or(true, |s| tacc::Vocab::from_name(&s).is_err()) =>
                {
                    spec = spec.with_tokenizer_file(source(path)?)
                }
                (name, file) => {
                    if let Some(name) = name {
                        spec = spec.with_tokenizer(name.extract::<String>()?);
                    }
                    if let Some(file) = file {
                        spec = spec.with_tokenizer_file(source(file)?);
                    }
                }
            }
            if let Some(p) = pattern {
                spec = spec.with_pattern(p);
            }
            match (mapping, mapping_path) {
                (Some(_), Some(_)) => {
                    return Err(invalid(
                        "pass mapping= or mapping_path= (its older name), not both".into(),
                    ))
                }
                (Some(m), None) | (None, Some(m)) => spec = spec.with_mapping(source(m)?),
                (None, None) => {}
            }
            if let Some(p) = priors {
                spec = spec.with_priors(source(p)?);
            }
            if let Some(d) = priors_dir {
                spec = spec.with_priors_dir(d);
            }
            let inner = py.detach(|| spec.build()).py()?;
            Ok(Codec {
                inner,
                ints: PyOnceLock::new(),
            })
        })
    }

    /// The named vocabulary ("cl100k_base", "llama3", ...), or None for a custom tokenizer.
    #[getter]
    fn vocab(&self) -> Option<&'static str> {
        self.inner.vocab().map(|v| v.name())
    }

    /// The tokenizer's name ("cl100k_base", or the rank file's name).
    #[getter]
    fn tokenizer_name(&self) -> PyResult<String> {
        guard(|| Ok(self.inner.tokenizer_name().to_string()))
    }

    /// One more than the largest token ID.
    #[getter]
    fn vocab_size(&self) -> PyResult<u32> {
        guard(|| Ok(self.inner.vocab_size()))
    }

    /// The most bytes one decode call on this codec may produce (text, bytes, or token IDs x 4).
    #[getter]
    fn max_output(&self) -> usize {
        self.inner.limits().max_output_bytes
    }

    /// The most token IDs one decode call on this codec may produce.
    #[getter]
    fn max_tokens(&self) -> usize {
        self.inner.limits().max_tokens
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        guard(|| {
            let c = &slf.get().inner;
            let name = PyString::new(slf.py(), c.tokenizer_name());
            let l = c.limits();
            if l == tacc::Limits::DEFAULT {
                Ok(format!("tacc.Codec({})", name.repr()?))
            } else {
                Ok(format!(
                    "tacc.Codec({}, max_output={}, max_tokens={})",
                    name.repr()?,
                    l.max_output_bytes,
                    l.max_tokens
                ))
            }
        })
    }

    // ---- tacc 0.1.0 ----

    /// Token IDs to tacc's payload (mapped IDs, Thrift CompactProtocol, optionally gzip'd):
    /// byte-identical to tacc 0.1.0.
    #[pyo3(signature = (token_ids, *, gzip = false))]
    fn encode_token_ids<'py>(
        &self,
        py: Python<'py>,
        token_ids: Ids<u32>,
        gzip: bool,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let ids = &token_ids.0;
        Self::to_bytes(py, ids.len() * 4, || {
            self.inner.compress_tacc_payload(ids, gzip)
        })
    }

    #[pyo3(signature = (payload, *, gzip = false))]
    fn decode_token_ids<'py>(
        &self,
        py: Python<'py>,
        payload: Payload<'py>,
        gzip: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        let p = payload.as_slice();
        self.to_ids(py, p.len(), || self.inner.decompress_tacc_payload(p, gzip))
    }

    #[pyo3(signature = (mapped_ids, *, gzip = false))]
    fn encode_mapped_ids<'py>(
        &self,
        py: Python<'py>,
        mapped_ids: Ids<i32>,
        gzip: bool,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let ids = &mapped_ids.0;
        Self::to_bytes(py, ids.len() * 4, || {
            self.inner.compress_tacc_payload_mapped(ids, gzip)
        })
    }

    #[pyo3(signature = (payload, *, gzip = false))]
    fn decode_mapped_ids<'py>(
        &self,
        py: Python<'py>,
        payload: Payload<'py>,
        gzip: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        guard(|| {
            let p = payload.as_slice();
            let ids = run(py, p.len(), || {
                self.inner.decompress_tacc_payload_mapped(p, gzip)
            })
            .py()?;
            list(py, &ids)
        })
    }

    /// Token IDs to tacc's payload without the mapping.
    #[pyo3(signature = (token_ids, *, gzip = false))]
    fn encode_raw_token_ids<'py>(
        &self,
        py: Python<'py>,
        token_ids: Ids<u32>,
        gzip: bool,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let ids = &token_ids.0;
        Self::to_bytes(py, ids.len() * 4, || {
            self.inner.compress_tacc_payload_unmapped(ids, gzip)
        })
    }

    /// Reads what `encode_raw_token_ids` wrote.
    #[pyo3(signature = (payload, *, gzip = false))]
    fn decode_raw_token_ids<'py>(
        &self,
        py: Python<'py>,
        payload: Payload<'py>,
        gzip: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        let p = payload.as_slice();
        self.to_ids(py, p.len(), || {
            self.inner.decompress_tacc_payload_unmapped(p, gzip)
        })
    }

    /// String tokens (each exactly one token of the vocabulary) to tacc's payload.
    #[pyo3(signature = (tokens, *, gzip = false))]
    fn encode_tokens<'py>(
        &self,
        py: Python<'py>,
        tokens: &Bound<'py, PyAny>,
        gzip: bool,
    ) -> PyResult<Bound<'py, PyBytes>> {
        guard(|| {
            let owned = tokens
                .try_iter()?
                .map(|t| t?.extract::<PyBackedStr>())
                .collect::<PyResult<Vec<_>>>()?;
            let strs: Vec<&str> = owned.iter().map(|s| &**s).collect();
            let out = run(py, strs.len() * 4, || {
                self.inner.compress_tacc_payload_tokens(&strs, gzip)
            })
            .py()?;
            Ok(bytes(py, &out))
        })
    }

    /// Each token's string (U+FFFD where a token is part of a UTF-8 character, as in tacc).
    #[pyo3(signature = (payload, *, gzip = false))]
    fn decode_tokens<'py>(
        &self,
        py: Python<'py>,
        payload: Payload<'py>,
        gzip: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        guard(|| {
            let p = payload.as_slice();
            let tokens = run(py, p.len(), || {
                self.inner.decompress_tacc_payload_tokens(p, gzip)
            })
            .py()?;
            PyList::new(py, tokens)
        })
    }

    fn token_id_to_mapped_id<'py>(
        &self,
        py: Python<'py>,
        token_ids: Ids<u32>,
    ) -> PyResult<Bound<'py, PyList>> {
        guard(|| {
            let mapped = self.inner.token_id_to_mapped_id(&token_ids.0).py()?;
            list(py, &mapped)
        })
    }

    fn mapped_id_to_token_id<'py>(
        &self,
        py: Python<'py>,
        mapped_ids: Ids<i32>,
    ) -> PyResult<Bound<'py, PyList>> {
        guard(|| {
            let ids = self.inner.mapped_id_to_token_id(&mapped_ids.0).py()?;
            self.id_list(py, &ids)
        })
    }

    // ---- Text <-> token IDs ----

    /// Text to token IDs (special-token strings are ordinary text).
    fn tokenize<'py>(&self, py: Python<'py>, text: PyBackedStr) -> PyResult<Bound<'py, PyList>> {
        guard(|| {
            let t: &str = &text;
            let ids = run(py, HEAVY, || self.inner.tokenize(t)).map_err(crate::errors::py_err)?;
            self.id_list(py, &ids)
        })
    }

    /// Token IDs to text; raises on unknown IDs or bytes that are not UTF-8.
    fn detokenize<'py>(
        &self,
        py: Python<'py>,
        token_ids: Ids<u32>,
    ) -> PyResult<Bound<'py, PyString>> {
        let ids = &token_ids.0;
        Self::to_str(py, ids.len() * 4, || self.inner.detokenize(ids))
    }

    // ---- LoPace 0.1.5's raw payloads, named by peer as in the core (`tacc.lopace` has LoPace's
    // own API; `lopace_compress` / `lopace_decompress` stay as aliases in tacc/__init__.py) ----

    /// LoPace's payload of `text` ("zstd", "token" or "hybrid"), byte-identical to LoPace 0.1.5.
    /// The default level is the core's, which is LoPace's.
    #[pyo3(signature = (text, method = LopaceArg(tacc::LopaceMethod::Hybrid), *, zstd_level = DEFAULTS.zstd_level),
           text_signature = "($self, text, method='hybrid', *, zstd_level=...)")]
    fn compress_lopace_payload<'py>(
        &self,
        py: Python<'py>,
        text: PyBackedStr,
        method: LopaceArg,
        zstd_level: i32,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let t: &str = &text;
        Self::to_bytes(py, HEAVY, || {
            self.inner.compress_lopace_payload(t, method.0, zstd_level)
        })
    }

    /// Reads what `compress_lopace_payload` (or LoPace 0.1.5) wrote, with the same method.
    #[pyo3(signature = (payload, method = LopaceArg(tacc::LopaceMethod::Hybrid)),
           text_signature = "($self, payload, method='hybrid')")]
    fn decompress_lopace_payload<'py>(
        &self,
        py: Python<'py>,
        payload: Payload<'py>,
        method: LopaceArg,
    ) -> PyResult<Bound<'py, PyString>> {
        let p = payload.as_slice();
        Self::to_str(py, HEAVY, || {
            self.inner.decompress_lopace_payload(p, method.0)
        })
    }

    /// LoPace's `get_compression_stats` figures: one method, or all three when `method` is None.
    #[pyo3(signature = (text, method = None, *, zstd_level = DEFAULTS.zstd_level))]
    fn lopace_stats(
        &self,
        py: Python<'_>,
        text: PyBackedStr,
        method: Option<LopaceArg>,
        zstd_level: i32,
    ) -> PyResult<Stats> {
        guard(|| {
            let t: &str = &text;
            let m = method.map(|m| m.0);
            Ok(run(py, HEAVY, || self.inner.lopace_stats(t, m, zstd_level))
                .py()?
                .into())
        })
    }

    /// Order-0 Shannon entropy figures over characters, bytes or tokens (not a real limit).
    #[pyo3(signature = (text, unit = UnitArg(Unit::Character)), text_signature = "($self, text, unit='character')")]
    fn order0_estimate(
        &self,
        py: Python<'_>,
        text: PyBackedStr,
        unit: UnitArg,
    ) -> PyResult<Order0Estimate> {
        guard(|| {
            let t: &str = &text;
            Ok(run(py, HEAVY, || {
                tacc::stats::order0_estimate(&self.inner, t, unit.0)
            })
            .map_err(crate::errors::py_err)?
            .into())
        })
    }

    // ---- Frames ----

    /// Text to a self-describing frame. `method`: a `tacc.Method` or its name; `None` (or "auto")
    /// keeps the smallest; by default the library's default method (`tacc.default_options()`).
    #[pyo3(signature = (text, *, method = MethodArg::default(), zstd_level = DEFAULTS.zstd_level, gzip_level = DEFAULTS.gzip_level, checksum = DEFAULTS.checksum))]
    fn compress_text<'py>(
        &self,
        py: Python<'py>,
        text: PyBackedStr,
        method: MethodArg,
        zstd_level: i32,
        gzip_level: i32,
        checksum: bool,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let (t, o): (&str, _) = (&text, options(method, zstd_level, gzip_level, checksum));
        Self::to_bytes(py, HEAVY, || self.inner.compress_text(t, &o))
    }

    /// Token IDs to a frame (any method over token IDs; zstd and gzip compress text bytes only).
    #[pyo3(signature = (token_ids, *, method = MethodArg::default(), zstd_level = DEFAULTS.zstd_level, gzip_level = DEFAULTS.gzip_level, checksum = DEFAULTS.checksum))]
    fn compress_token_ids<'py>(
        &self,
        py: Python<'py>,
        token_ids: Ids<u32>,
        method: MethodArg,
        zstd_level: i32,
        gzip_level: i32,
        checksum: bool,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let (ids, o) = (
            &token_ids.0,
            options(method, zstd_level, gzip_level, checksum),
        );
        Self::to_bytes(py, HEAVY, || self.inner.compress_token_ids(ids, &o))
    }

    /// Bytes to a frame: as text when they are UTF-8, else zstd/gzip/stored.
    #[pyo3(signature = (data, *, method = MethodArg::default(), zstd_level = DEFAULTS.zstd_level, gzip_level = DEFAULTS.gzip_level, checksum = DEFAULTS.checksum))]
    fn compress_bytes<'py>(
        &self,
        py: Python<'py>,
        data: Payload<'py>,
        method: MethodArg,
        zstd_level: i32,
        gzip_level: i32,
        checksum: bool,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let (d, o) = (
            data.as_slice(),
            options(method, zstd_level, gzip_level, checksum),
        );
        Self::to_bytes(py, HEAVY, || self.inner.compress_bytes(d, &o))
    }

    /// Any frame: `str` (text), `list[int]` (token IDs) or `bytes`, within this codec's limits.
    fn decompress<'py>(&self, py: Python<'py>, frame: Payload<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let f = frame.as_slice();
            let c = run(py, HEAVY, || self.inner.decompress(f)).py()?;
            match c {
                tacc::Content::TokenIds(ids) => Ok(self.id_list(py, &ids)?.into_any()),
                c => content(py, c),
            }
        })
    }

    fn decompress_text<'py>(
        &self,
        py: Python<'py>,
        frame: Payload<'py>,
    ) -> PyResult<Bound<'py, PyString>> {
        let f = frame.as_slice();
        Self::to_str(py, HEAVY, || self.inner.decompress_text(f))
    }

    fn decompress_token_ids<'py>(
        &self,
        py: Python<'py>,
        frame: Payload<'py>,
    ) -> PyResult<Bound<'py, PyList>> {
        let f = frame.as_slice();
        self.to_ids(py, HEAVY, || self.inner.decompress_token_ids(f))
    }

    // ---- Batches: every core (crate::batch) ----

    /// Frames of every text, as `compress_text` makes each, on `threads` library threads (0: one
    /// per core) with the GIL released; the bytes are the same at any thread count.
    #[pyo3(signature = (texts, *, threads = 0, method = MethodArg::default(), zstd_level = DEFAULTS.zstd_level, gzip_level = DEFAULTS.gzip_level, checksum = DEFAULTS.checksum, return_exceptions = false))]
    #[allow(clippy::too_many_arguments)] // Python keyword arguments
    fn compress_text_batch<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<PyBackedStr>,
        threads: usize,
        method: MethodArg,
        zstd_level: i32,
        gzip_level: i32,
        checksum: bool,
        return_exceptions: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        guard(|| {
            let o = options(method, zstd_level, gzip_level, checksum);
            let inputs: Vec<tacc::Input<'_>> = texts.iter().map(|t| tacc::Input::Text(t)).collect();
            let out = py.detach(|| self.inner.compress_batch(&inputs, &o, threads));
            batch::results(py, out, return_exceptions, |v| Ok(bytes(py, &v).into_any()))
        })
    }

    /// Frames of every token-ID sequence, on `threads` library threads (0: one per core).
    #[pyo3(signature = (token_ids, *, threads = 0, method = MethodArg::default(), zstd_level = DEFAULTS.zstd_level, gzip_level = DEFAULTS.gzip_level, checksum = DEFAULTS.checksum, return_exceptions = false))]
    #[allow(clippy::too_many_arguments)] // Python keyword arguments
    fn compress_token_ids_batch<'py>(
        &self,
        py: Python<'py>,
        token_ids: Vec<Ids<u32>>,
        threads: usize,
        method: MethodArg,
        zstd_level: i32,
        gzip_level: i32,
        checksum: bool,
        return_exceptions: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        guard(|| {
            let o = options(method, zstd_level, gzip_level, checksum);
            let inputs: Vec<tacc::Input<'_>> = token_ids
                .iter()
                .map(|t| tacc::Input::TokenIds(&t.0))
                .collect();
            let out = py.detach(|| self.inner.compress_batch(&inputs, &o, threads));
            batch::results(py, out, return_exceptions, |v| Ok(bytes(py, &v).into_any()))
        })
    }

    /// The text of every frame, each within this codec's limits, on `threads` library threads.
    #[pyo3(signature = (frames, *, threads = 0, return_exceptions = false))]
    fn decompress_text_batch<'py>(
        &self,
        py: Python<'py>,
        frames: Vec<Payload<'py>>,
        threads: usize,
        return_exceptions: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        guard(|| {
            let views: Vec<&[u8]> = frames.iter().map(Payload::as_slice).collect();
            let o = tacc::Options::default();
            let out = py.detach(|| {
                self.inner
                    .decompress_batch(&views, tacc::ContentKind::Text, &o, threads)
            });
            batch::results(py, out, return_exceptions, |c| content(py, c))
        })
    }

    /// The token IDs of every frame, each within this codec's limits, on `threads` library threads.
    #[pyo3(signature = (frames, *, threads = 0, return_exceptions = false))]
    fn decompress_token_ids_batch<'py>(
        &self,
        py: Python<'py>,
        frames: Vec<Payload<'py>>,
        threads: usize,
        return_exceptions: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        guard(|| {
            let views: Vec<&[u8]> = frames.iter().map(Payload::as_slice).collect();
            let o = tacc::Options::default();
            let out = py.detach(|| {
                self.inner
                    .decompress_batch(&views, tacc::ContentKind::TokenIds, &o, threads)
            });
            batch::results(py, out, return_exceptions, |c| match c {
                tacc::Content::TokenIds(ids) => Ok(self.id_list(py, &ids)?.into_any()),
                c => content(py, c),
            })
        })
    }

    /// Every frame method on `text`: sizes, ratios and timed round trips.
    #[pyo3(signature = (text, *, zstd_level = DEFAULTS.zstd_level, gzip_level = DEFAULTS.gzip_level, checksum = DEFAULTS.checksum))]
    fn stats(
        &self,
        py: Python<'_>,
        text: PyBackedStr,
        zstd_level: i32,
        gzip_level: i32,
        checksum: bool,
    ) -> PyResult<Stats> {
        guard(|| {
            let t: &str = &text;
            let o = options(MethodArg(None), zstd_level, gzip_level, checksum);
            Ok(run(py, HEAVY, || self.inner.stats(t, &o)).py()?.into())
        })
    }

    // ---- Streams (docs/STREAM.md) ----

    /// A stream encoder over this codec's tokenizer and model priors. `chunk_check=True` adds a
    /// 16-bit check to every chunk, so a corrupt chunk is refused at that chunk (for transports
    /// without integrity; 2 bytes a chunk, docs/STREAM.md).
    #[pyo3(signature = (*, chunk_check = false))]
    fn stream_encoder(&self, chunk_check: bool) -> PyResult<StreamEncoder> {
        guard(|| {
            let opts = tacc::StreamOptions { chunk_check };
            Ok(StreamEncoder {
                inner: Some(self.inner.stream_encoder_with(opts).py()?),
            })
        })
    }

    /// A stream decoder that also resolves this codec's custom tokenizer or priors when the
    /// stream header names them (built-in tokenizers are resolved from the header either way).
    /// Its limits are this codec's, unless `max_output` / `max_tokens` are given.
    #[pyo3(signature = (*, max_output = None, max_tokens = None))]
    fn stream_decoder(
        &self,
        max_output: Option<&Bound<'_, PyAny>>,
        max_tokens: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<StreamDecoder> {
        guard(|| {
            let lim = limits(self.inner.limits(), max_output, max_tokens)?;
            Ok(StreamDecoder {
                inner: self.inner.clone().with_limits(lim).stream_decoder(),
                limits: lim,
            })
        })
    }
}
