//! Streams (docs/STREAM.md): thin wrappers over `tacc::StreamEncoder` / `tacc::StreamDecoder`.
//!
//! Not frozen: an encoder or decoder is used by one thread at a time (the crate's rule); PyO3's
//! borrow check raises RuntimeError if two threads use one object at the same moment.

use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyBool, PyBytes, PyList, PyString, PyTuple};

use crate::convert::{bytes, list, Ids, Payload};
use crate::errors::{guard, invalid, OrPyErr};
use crate::gil::run;
use crate::limits::limits;

/// Encodes one stream chunk by chunk (`Codec.stream_encoder()`): push token IDs or text, `flush()`
/// a chunk whenever one should be sent, `finish()` the last chunk. After `finish()` every call
/// raises `InvalidArgumentError`.
#[pyclass(module = "tacc", name = "StreamEncoder")]
pub struct StreamEncoder {
    /// `None` once finished (`tacc::StreamEncoder::finish` consumes the encoder).
    pub(crate) inner: Option<tacc::StreamEncoder>,
}

impl StreamEncoder {
    fn live(&mut self) -> PyResult<&mut tacc::StreamEncoder> {
        self.inner
            .as_mut()
            .ok_or_else(|| invalid("the stream encoder is finished".into()))
    }
}

#[pymethods]
impl StreamEncoder {
    /// Adds token IDs to the current chunk; IDs the tokenizer cannot decode are refused and
    /// nothing is added.
    fn push_token_ids(&mut self, py: Python<'_>, token_ids: Ids<u32>) -> PyResult<()> {
        guard(|| {
            let enc = self.live()?;
            let ids = &token_ids.0;
            run(py, ids.len() * 4, || enc.push_token_ids(ids)).py()
        })
    }

    /// Tokenizes `text` (on its own) and adds its tokens to the current chunk.
    fn push_text(&mut self, py: Python<'_>, text: PyBackedStr) -> PyResult<()> {
        guard(|| {
            let enc = self.live()?;
            let t: &str = &text;
            run(py, t.len(), || enc.push_text(t)).py()
        })
    }

    /// Ends the current chunk and returns it (possibly empty: send it anyway).
    fn flush<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        guard(|| {
            let chunk = self.live()?.flush().py()?;
            Ok(bytes(py, &chunk))
        })
    }

    /// Ends the stream: the last chunk (pending tokens, end marker, checksum).
    fn finish<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        guard(|| {
            self.live()?;
            let Some(enc) = self.inner.take() else {
                return Err(invalid("the stream encoder is finished".into()));
            };
            Ok(bytes(py, &enc.finish().py()?))
        })
    }

    /// Token IDs pushed since the last flush (0 once finished).
    #[getter]
    fn pending_tokens(&self) -> usize {
        self.inner.as_ref().map_or(0, |e| e.pending_tokens())
    }

    /// Whether `finish()` was called.
    #[getter]
    fn is_finished(&self) -> bool {
        self.inner.is_none()
    }

    fn __repr__(&self) -> String {
        match &self.inner {
            Some(e) => format!("<tacc.StreamEncoder pending_tokens={}>", e.pending_tokens()),
            None => "<tacc.StreamEncoder finished>".into(),
        }
    }
}

/// What one chunk made available: `token_ids` (the chunk's IDs), `text` (newly complete text,
/// always whole characters) and `finished` (the stream ended and its checksum matched). Unpacks
/// as a tuple: `ids, text, finished = decoder.push(chunk)`.
#[pyclass(module = "tacc", name = "StreamUpdate", frozen, get_all)]
pub struct StreamUpdate {
    token_ids: Py<PyList>,
    text: Py<PyString>,
    finished: bool,
}

#[pymethods]
impl StreamUpdate {
    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let t = PyTuple::new(
            py,
            [
                self.token_ids.bind(py).as_any(),
                self.text.bind(py).as_any(),
                &PyBool::new(py, self.finished).to_owned().into_any(),
            ],
        )?;
        Ok(t.as_any().try_iter()?.into_any())
    }

    fn __len__(&self) -> usize {
        3
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "StreamUpdate(token_ids={}, text={}, finished={})",
            self.token_ids.bind(py).repr()?,
            self.text.bind(py).repr()?,
            if self.finished { "True" } else { "False" }
        ))
    }
}

/// Decodes one stream chunk by chunk, in order (`tacc.StreamDecoder()` for built-in tokenizers,
/// `Codec.stream_decoder()` for a codec's custom tokenizer). A reordered, duplicated or corrupt
/// chunk raises `ValueError` (`CorruptPayloadError`); after any error every later push raises too.
/// `max_output` bounds what one pushed chunk may produce (its text bytes plus its token IDs x 4)
/// and `max_tokens` the token IDs of the whole stream; past either, `push` raises `TooLargeError`.
#[pyclass(module = "tacc", name = "StreamDecoder")]
pub struct StreamDecoder {
    pub(crate) inner: tacc::StreamDecoder,
    pub(crate) limits: tacc::Limits,
}

#[pymethods]
impl StreamDecoder {
    #[new]
    #[pyo3(signature = (*, max_output = None, max_tokens = None))]
    fn new(
        max_output: Option<&Bound<'_, PyAny>>,
        max_tokens: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        guard(|| {
            let lim = limits(tacc::Limits::DEFAULT, max_output, max_tokens)?;
            Ok(StreamDecoder {
                inner: tacc::StreamDecoder::new().with_limits(lim),
                limits: lim,
            })
        })
    }

    /// Decodes the next chunk (`bytes`, `bytearray` or any buffer).
    fn push<'py>(&mut self, py: Python<'py>, chunk: Payload<'py>) -> PyResult<StreamUpdate> {
        guard(|| {
            let c = chunk.as_slice();
            let dec = &mut self.inner;
            let u = run(py, c.len(), || dec.push_chunk(c)).py()?;
            Ok(StreamUpdate {
                token_ids: list(py, &u.token_ids)?.unbind(),
                text: PyString::new(py, &u.text).unbind(),
                finished: u.finished,
            })
        })
    }

    /// Whether the end marker arrived and the stream's checksum matched (never after a truncated
    /// stream).
    #[getter]
    fn is_finished(&self) -> bool {
        self.inner.is_finished()
    }

    /// Whether an earlier error put the decoder in its failed state.
    #[getter]
    fn is_failed(&self) -> bool {
        self.inner.is_failed()
    }

    /// Tokens decoded so far.
    #[getter]
    fn token_count(&self) -> u64 {
        self.inner.token_count()
    }

    /// The most bytes one pushed chunk may produce.
    #[getter]
    fn max_output(&self) -> usize {
        self.limits.max_output_bytes
    }

    /// The most token IDs the stream may hold.
    #[getter]
    fn max_tokens(&self) -> usize {
        self.limits.max_tokens
    }

    fn __repr__(&self) -> String {
        let b = |v: bool| if v { "True" } else { "False" };
        format!(
            "<tacc.StreamDecoder token_count={} finished={} failed={}>",
            self.inner.token_count(),
            b(self.inner.is_finished()),
            b(self.inner.is_failed())
        )
    }
}
