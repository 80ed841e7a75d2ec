//! Batch calls (`Codec.compress_text_batch`, ...): the core's [`tacc::Codec::compress_batch`] and
//! [`tacc::Codec::decompress_batch`] on `threads` library threads with the GIL released, like
//! python-zstandard's `multi_compress_to_buffer(threads=)`. Results come back in input order; an
//! item that fails is its `TaccError` in the list (`return_exceptions=True`, as `asyncio.gather`)
//! or, by default, `tacc.BatchError` carrying that list and the failed indexes, so the good items
//! are never lost and a failure is never silent.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyList;

use crate::errors::py_err;

static BATCH_ERROR: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The batch's Python list: `convert`ed values, failed items as their exception objects; raises
/// `tacc.BatchError(results, failed)` when an item failed and `return_exceptions` is false.
pub(crate) fn results<'py, T>(
    py: Python<'py>,
    outcomes: Vec<tacc::Result<T>>,
    return_exceptions: bool,
    mut convert: impl FnMut(T) -> PyResult<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    let mut items = Vec::with_capacity(outcomes.len());
    let mut failed = Vec::new();
    for (i, outcome) in outcomes.into_iter().enumerate() {
        match outcome {
            Ok(v) => items.push(convert(v)?),
            Err(e) => {
                failed.push(i);
                items.push(py_err(e).into_value(py).into_bound(py).into_any());
            }
        }
    }
    let list = PyList::new(py, items)?;
    if failed.is_empty() || return_exceptions {
        return Ok(list);
    }
    let class = BATCH_ERROR.get_or_try_init(py, || {
        Ok::<_, PyErr>(py.import("tacc._errors")?.getattr("BatchError")?.unbind())
    })?;
    Err(PyErr::from_value(class.bind(py).call1((list, failed))?))
}
