//! Errors: the one place where library errors become Python exceptions, and where panics stop.
//!
//! The class is chosen from [`tacc::Error::kind`] alone (the core's one classification), never from
//! the error's variant: `tacc._errors.BY_KIND` holds one class per [`tacc::ErrorKind`], and
//! `_errors.py` checks at import that it covers exactly the kinds [`error_kinds`] reports. So a
//! Python `e.kind` / `e.code` is always the core's `ErrorKind::name()` / `code()`.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

use tacc::ErrorKind;

/// Every error kind of the core as `(name, code, description)`, in code order: what `_errors.py`
/// builds its classes' `kind`, `code` and `description` from.
#[pyfunction]
pub(crate) fn error_kinds() -> Vec<(&'static str, i32, &'static str)> {
    ErrorKind::ALL
        .iter()
        .map(|k| (k.name(), k.code(), k.description()))
        .collect()
}

static BY_KIND: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The `tacc._errors` exception of `kind`, carrying `msg`.
pub(crate) fn raise(kind: ErrorKind, msg: String) -> PyErr {
    Python::attach(|py| {
        let typed = || -> PyResult<PyErr> {
            let by_kind = BY_KIND.get_or_try_init(py, || {
                Ok::<_, PyErr>(py.import("tacc._errors")?.getattr("BY_KIND")?.unbind())
            })?;
            let class = by_kind.bind(py).get_item(kind.name())?;
            Ok(PyErr::from_value(class.call1((msg.as_str(),))?))
        };
        // Only without a working package (a copied .so, or a `_errors.py` that refused to load):
        // the message still says which kind it was.
        typed().unwrap_or_else(|_| PyRuntimeError::new_err(format!("{}: {msg}", kind.name())))
    })
}

/// The Python exception for a library error, with the library's message.
pub(crate) fn py_err(e: tacc::Error) -> PyErr {
    raise(e.kind(), e.to_string())
}

/// `.py()?` turns a library result into a Python one.
pub(crate) trait OrPyErr<T> {
    fn py(self) -> PyResult<T>;
}

impl<T> OrPyErr<T> for tacc::Result<T> {
    fn py(self) -> PyResult<T> {
        self.map_err(py_err)
    }
}

/// `tacc.InvalidArgumentError` for an argument this layer checks itself.
pub(crate) fn invalid(msg: String) -> PyErr {
    raise(ErrorKind::InvalidArgument, msg)
}

// ---- Panics: caught at every entry point, never printed -------------------------------------------
//
// A panic must not reach Python as PyO3's `PanicException` (a BaseException, which `except
// Exception` misses) nor print a message and backtrace into the host's stderr. Every entry point
// that calls the library runs its body in `guard`: a panic becomes `tacc.InternalError` (kind
// Internal, a `TaccError` and a `RuntimeError`), and the panic hook says nothing while a thread is
// inside `guard`. This extension module links its own copy of Rust's std, so the hook installed
// here sees only this module's panics; outside `guard` it defers to the previous hook.

/// Runs an entry point's body: a panic inside becomes `tacc.InternalError`, silently
/// (`tacc::quiet_panic`, the same guard the C ABI uses).
pub(crate) fn guard<T>(body: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    tacc::quiet_panic::catch_quietly(body)
        .unwrap_or_else(|message| Err(raise(ErrorKind::Internal, message)))
}

/// Panics inside a guarded call, for the tests of the panic path (`tacc.InternalError`, nothing
/// printed). Not part of the API.
#[pyfunction]
pub(crate) fn _panic_for_tests(py: Python<'_>, message: String, release_gil: bool) -> PyResult<()> {
    fn panic_now(message: &str) -> PyResult<()> {
        panic!("{message}")
    }
    guard(|| {
        if release_gil {
            py.detach(|| panic_now(&message))
        } else {
            panic_now(&message)
        }
    })
}
