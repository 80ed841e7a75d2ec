//! Python IntEnums made from the core's own tables (`Method::ALL`, `LopaceMethod::ALL`), and the
//! arguments that accept a member or its name. Method names are the core's (`Method::name`); only
//! `EntropyUnit`'s members are listed here, as `tacc::stats::Unit` has no `ALL`/`name()` yet.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString, PyType};
use pyo3::Borrowed;

use tacc::stats::Unit;

use crate::errors::{invalid, OrPyErr};

pub(crate) static METHOD: PyOnceLock<Py<PyType>> = PyOnceLock::new();
pub(crate) static LOPACE_METHOD: PyOnceLock<Py<PyType>> = PyOnceLock::new();
pub(crate) static ENTROPY_UNIT: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// `tacc.EntropyUnit`'s members, in value order (names parsed from strings stay the core's:
/// `Unit::from_name`).
pub(crate) const UNITS: [(&str, Unit); 3] = [
    ("CHARACTER", Unit::Character),
    ("BYTE", Unit::Byte),
    ("TOKEN", Unit::Token),
];

/// `enum.IntEnum(name, members, module="tacc")`: iterable, comparable and printable like uniffi's
/// enums were (a PyO3 enum class cannot be iterated).
pub(crate) fn add_enum(
    m: &Bound<'_, PyModule>,
    cell: &PyOnceLock<Py<PyType>>,
    name: &str,
    doc: &str,
    members: Vec<(String, u8)>,
) -> PyResult<()> {
    let py = m.py();
    let kwargs = PyDict::new(py);
    kwargs.set_item("module", "tacc")?;
    let cls = py
        .import("enum")?
        .getattr("IntEnum")?
        .call((name, members), Some(&kwargs))?;
    cls.setattr("__doc__", doc)?;
    m.add(name, &cls)?;
    let _ = cell.set(py, cls.cast_into::<PyType>()?.unbind());
    Ok(())
}

pub(crate) fn enum_member<'py>(
    py: Python<'py>,
    cell: &PyOnceLock<Py<PyType>>,
    value: u8,
) -> PyResult<Bound<'py, PyAny>> {
    match cell.get(py) {
        Some(cls) => cls.bind(py).call1((value,)),
        None => Ok(value.into_pyobject(py)?.into_any()),
    }
}

/// The member's value when `obj` is a member of the enum in `cell`.
pub(crate) fn enum_value(
    obj: &Borrowed<'_, '_, PyAny>,
    cell: &PyOnceLock<Py<PyType>>,
) -> PyResult<Option<u8>> {
    match cell.get(obj.py()) {
        Some(cls) if obj.is_instance(cls.bind(obj.py()))? => Ok(Some(obj.extract::<u8>()?)),
        _ => Ok(None),
    }
}

pub(crate) fn type_name(obj: &Borrowed<'_, '_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// A frame method argument: a `tacc.Method`, a method name ("tacc-gzip", "lopace-hybrid"...), or
/// `None`/"auto" for "try every method that fits and keep the smallest".
pub(crate) struct MethodArg(pub(crate) Option<tacc::Method>);

impl Default for MethodArg {
    /// The core's default method (`tacc::Options::default().method`).
    fn default() -> Self {
        MethodArg(crate::records::DEFAULTS.method)
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for MethodArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if obj.is_none() {
            return Ok(MethodArg(None));
        }
        if let Ok(s) = obj.cast::<PyString>() {
            let s = s.to_cow()?;
            return Ok(MethodArg(if s == "auto" {
                None
            } else {
                Some(tacc::Method::from_name(&s).py()?)
            }));
        }
        match enum_value(&obj, &METHOD)? {
            Some(v) => Ok(MethodArg(Some(tacc::Method::from_id(v).py()?))),
            None => Err(PyTypeError::new_err(format!(
                "method must be a tacc.Method, a method name or None, not {}",
                type_name(&obj)
            ))),
        }
    }
}

/// A LoPace method: a `tacc.LopaceMethod` or its name ("zstd", "token", "hybrid").
pub(crate) struct LopaceArg(pub(crate) tacc::LopaceMethod);

impl<'a, 'py> FromPyObject<'a, 'py> for LopaceArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(s) = obj.cast::<PyString>() {
            return Ok(LopaceArg(tacc::LopaceMethod::from_name(&s.to_cow()?).py()?));
        }
        match enum_value(&obj, &LOPACE_METHOD)? {
            Some(v) if (v as usize) < tacc::LopaceMethod::ALL.len() => {
                Ok(LopaceArg(tacc::LopaceMethod::ALL[v as usize]))
            }
            _ => Err(PyTypeError::new_err(format!(
                "method must be a tacc.LopaceMethod or its name, not {}",
                type_name(&obj)
            ))),
        }
    }
}

/// An entropy unit: a `tacc.EntropyUnit` or a name ("character", "char", "byte", "token").
pub(crate) struct UnitArg(pub(crate) Unit);

impl<'a, 'py> FromPyObject<'a, 'py> for UnitArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(s) = obj.cast::<PyString>() {
            return Ok(UnitArg(Unit::from_name(&s.to_cow()?).py()?));
        }
        match enum_value(&obj, &ENTROPY_UNIT)? {
            Some(v) if (v as usize) < UNITS.len() => Ok(UnitArg(UNITS[v as usize].1)),
            _ => Err(invalid(format!(
                "unknown unit {} (character, byte, token)",
                obj.repr()?
            ))),
        }
    }
}
