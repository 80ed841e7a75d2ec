//! Decode limits (`max_output=`, `max_tokens=`): Python arguments to the codec's [`tacc::Limits`].

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt};

use crate::errors::invalid;

/// A limit argument (`max_output=`, `max_tokens=`): `None` keeps the default (or the codec's
/// limit, for `Codec.stream_decoder`); else a positive int, clamped to the hard cap.
pub(crate) fn limit_arg(name: &str, obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<usize>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    if obj.is_instance_of::<PyBool>() || !obj.is_instance_of::<PyInt>() {
        return Err(PyTypeError::new_err(format!(
            "{name} must be an int or None, not {}",
            obj.get_type().name()?
        )));
    }
    if obj.le(0)? {
        return Err(invalid(format!(
            "{name} must be at least 1 (None for the default), got {}",
            obj.repr()?
        )));
    }
    // Past u64 (or usize): above any hard cap, which clamps it.
    Ok(Some(
        obj.extract::<u64>()
            .ok()
            .and_then(|v| usize::try_from(v).ok())
            .unwrap_or(usize::MAX),
    ))
}

/// `Limits` from the two arguments; `None` takes the field of `base`.
pub(crate) fn limits(
    base: tacc::Limits,
    max_output: Option<&Bound<'_, PyAny>>,
    max_tokens: Option<&Bound<'_, PyAny>>,
) -> PyResult<tacc::Limits> {
    Ok(tacc::Limits::new(
        limit_arg("max_output", max_output)?.unwrap_or(base.max_output_bytes),
        limit_arg("max_tokens", max_tokens)?.unwrap_or(base.max_tokens),
    ))
}
