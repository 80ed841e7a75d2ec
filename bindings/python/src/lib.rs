//! `tacc._native`: the Python extension module, a thin PyO3 layer over the tacc crate.
//!
//! Rules of this crate (the same as `src/uniffi_api` for Kotlin and Swift):
//! - no codec logic: every call forwards to [`tacc::Codec`], [`tacc::stats`] or [`tacc::decompress`];
//!   the code here only converts arguments and results;
//! - crate errors become Python exceptions in exactly one place, [`py_err`]; the classes live in
//!   `tacc/_errors.py` and derive from the built-in exceptions tacc 0.1.0 users catch;
//! - calls that do real work (tokenizing, compressing, loading tables) run with the GIL released;
//! - every entry point that reaches the library runs in [`guard`]: a Rust panic becomes
//!   `tacc.InternalError` (an `Exception`, unlike PyO3's `PanicException`), never an abort
//!   (`panic = "unwind"`), and prints nothing;
//! - decode limits (`max_output=`, `max_tokens=`) travel as the codec's [`tacc::Limits`].
//!
//! Why PyO3 and not uniffi for Python: uniffi's Python bindings go through `ctypes` (~25 µs of fixed
//! cost per call, measured), more than the codec's own work on a chat-sized record; a PyO3 method
//! call costs well under 1 µs, and token IDs convert straight from and to Python lists. See
//! docs/BINDINGS.md. The `tacc` package (bindings/python/python/tacc) adds tacc 0.1.0's and
//! LoPace 0.1.5's calling conventions on top of this module.

use std::path::PathBuf;

use pyo3::exceptions::{
    PyKeyError, PyOSError, PyOverflowError, PyRuntimeError, PyTypeError, PyValueError,
};
use pyo3::ffi;
use pyo3::marker::Ungil;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyInt, PyList, PyMemoryView, PyString, PyTuple, PyType,
};
use pyo3::Borrowed;

use tacc::stats::Unit;

// ---- Errors: the one place where crate errors become Python exceptions ----------------------------

/// The `tacc._errors` class for each crate error. Each class's `kind` attribute names the crate's
/// error variant, so `e.kind` is the same for every instance of a class.
fn error_class(e: &tacc::Error) -> &'static str {
    use tacc::Error as E;
    match e {
        E::UnknownTokenizer(_) => "UnknownTokenizerError",
        E::UnknownTokenId { .. } => "UnknownTokenIdError",
        E::UnknownMappedId(_) => "UnknownMappedIdError",
        E::UnknownToken(_) => "UnknownTokenError",
        E::Corrupt { .. } => "CorruptPayloadError",
        E::ChecksumMismatch { .. } => "ChecksumMismatchError",
        E::TooLarge { .. } => "TooLargeError",
        E::InvalidUtf8(_) => "InvalidUtf8Error",
        E::InvalidArgument(_) => "InvalidArgumentError",
        E::Mismatch(_) => "MismatchError",
        E::Io(_) => "TaccIOError",
        _ => "InternalError",
    }
}

static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// A `tacc._errors` exception: `KeyError` subclasses for unknown token IDs, mapped IDs and tokens
/// (as tacc 0.1.0), `ValueError` ones for corrupt payloads, bad arguments and unknown tokenizers,
/// `OSError` for files, `RuntimeError` for an internal error (a caught panic), each a
/// `tacc.TaccError` subclass.
fn raise(class: &str, msg: String) -> PyErr {
    Python::attach(|py| {
        let typed = || -> PyResult<PyErr> {
            let module = ERRORS
                .get_or_try_init(py, || Ok::<_, PyErr>(py.import("tacc._errors")?.unbind()))?;
            let exc = module.bind(py).getattr(class)?.call1((msg.as_str(),))?;
            Ok(PyErr::from_value(exc))
        };
        // Without the package (the bare extension module), the built-in exception of the same kind.
        typed().unwrap_or_else(|_| match class {
            "UnknownTokenIdError" | "UnknownMappedIdError" | "UnknownTokenError" => {
                PyKeyError::new_err(msg)
            }
            "TaccIOError" => PyOSError::new_err(msg),
            "InternalError" => PyRuntimeError::new_err(msg),
            _ => PyValueError::new_err(msg),
        })
    })
}

/// The Python exception for a crate error, with the library's message.
fn py_err(e: tacc::Error) -> PyErr {
    raise(error_class(&e), e.to_string())
}

trait OrPyErr<T> {
    fn py(self) -> PyResult<T>;
}

impl<T> OrPyErr<T> for tacc::Result<T> {
    fn py(self) -> PyResult<T> {
        self.map_err(py_err)
    }
}

fn invalid(msg: String) -> PyErr {
    py_err(tacc::Error::InvalidArgument(msg))
}

// ---- Panics: caught at every entry point, never printed -------------------------------------------
//
// A panic must not reach Python as PyO3's `PanicException` (a BaseException, which `except
// Exception` misses) nor print a message and backtrace into the host's stderr. Every entry point
// that calls the library runs its body in `guard`: a panic becomes `tacc.InternalError` (a
// `TaccError` and a `RuntimeError`), and the panic hook says nothing while a thread is inside
// `guard`. This extension module links its own copy of Rust's std, so the hook installed here
// (once, when the module loads) sees only this module's panics; outside `guard` it defers to the
// previous hook.

/// Runs an entry point's body: a panic inside becomes `tacc.InternalError`, silently
/// (`tacc::quiet_panic`, the same guard the C ABI uses).
fn guard<T>(body: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    tacc::quiet_panic::catch_quietly(body)
        .unwrap_or_else(|message| Err(raise("InternalError", message)))
}

// ---- Decode limits ------------------------------------------------------------------------------

/// A limit argument (`max_output=`, `max_tokens=`): `None` keeps the default (or the codec's
/// limit, for `Codec.stream_decoder`); else a positive int, clamped to the hard cap.
fn limit_arg(name: &str, obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<usize>> {
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
fn limits(
    base: tacc::Limits,
    max_output: Option<&Bound<'_, PyAny>>,
    max_tokens: Option<&Bound<'_, PyAny>>,
) -> PyResult<tacc::Limits> {
    Ok(tacc::Limits::new(
        limit_arg("max_output", max_output)?.unwrap_or(base.max_output_bytes),
        limit_arg("max_tokens", max_tokens)?.unwrap_or(base.max_tokens),
    ))
}

// ---- The GIL ------------------------------------------------------------------------------------

/// Below this much input (bytes of text or payload, 4 x IDs), a call keeps the GIL: releasing and
/// retaking it costs more than another thread could gain during so short a call.
const DETACH_MIN_BYTES: usize = 4096;

/// Runs `f` without the GIL when `work` (input bytes) is large enough; always for `work = usize::MAX`.
fn run<T: Ungil, F: Ungil + FnOnce() -> T>(py: Python<'_>, work: usize, f: F) -> T {
    if work >= DETACH_MIN_BYTES {
        py.detach(f)
    } else {
        f()
    }
}

/// Calls that always do heavy work (tokenizing, zstd, loading tables) release the GIL.
const HEAVY: usize = usize::MAX;

// ---- Enums: Python IntEnums made here, from the crate's own tables ----------------------------------

static METHOD: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static LOPACE_METHOD: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static ENTROPY_UNIT: PyOnceLock<Py<PyType>> = PyOnceLock::new();

const UNITS: [(&str, Unit); 3] = [
    ("CHARACTER", Unit::Character),
    ("BYTE", Unit::Byte),
    ("TOKEN", Unit::Token),
];

/// `enum.IntEnum(name, members, module="tacc")`: iterable, comparable and printable like uniffi's
/// enums were (a PyO3 enum class cannot be iterated).
fn add_enum(
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

fn enum_member<'py>(
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
fn enum_value(
    obj: &Borrowed<'_, '_, PyAny>,
    cell: &PyOnceLock<Py<PyType>>,
) -> PyResult<Option<u8>> {
    match cell.get(obj.py()) {
        Some(cls) if obj.is_instance(cls.bind(obj.py()))? => Ok(Some(obj.extract::<u8>()?)),
        _ => Ok(None),
    }
}

fn type_name(obj: &Borrowed<'_, '_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// A frame method argument: a `tacc.Method`, a method name ("tacc-gzip", "lopace-hybrid"...), or
/// `None`/"auto" for "try every method that fits and keep the smallest".
struct MethodArg(Option<tacc::Method>);

impl MethodArg {
    const DEFAULT: MethodArg = MethodArg(Some(tacc::DEFAULT_METHOD));
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
struct LopaceArg(tacc::LopaceMethod);

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
struct UnitArg(Unit);

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

// ---- Token IDs and byte payloads --------------------------------------------------------------------

/// A 32-bit ID type: token IDs are `u32`, tacc's mapped IDs `i32`.
trait Id: Sized + Copy {
    const WHAT: &'static str;
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self>;
    fn from_u32(v: u32) -> Option<Self>;
    fn from_i32(v: i32) -> Option<Self>;
    fn from_i64(v: i64) -> Option<Self>;
}

impl Id for u32 {
    const WHAT: &'static str = "token ID (unsigned 32-bit)";
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        obj.extract::<u32>()
    }
    fn from_u32(v: u32) -> Option<Self> {
        Some(v)
    }
    fn from_i32(v: i32) -> Option<Self> {
        u32::try_from(v).ok()
    }
    fn from_i64(v: i64) -> Option<Self> {
        u32::try_from(v).ok()
    }
}

impl Id for i32 {
    const WHAT: &'static str = "mapped ID (signed 32-bit)";
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        obj.extract::<i32>()
    }
    fn from_u32(v: u32) -> Option<Self> {
        i32::try_from(v).ok()
    }
    fn from_i32(v: i32) -> Option<Self> {
        Some(v)
    }
    fn from_i64(v: i64) -> Option<Self> {
        i32::try_from(v).ok()
    }
}

static ARRAY_TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// IDs from Python, as tacc 0.1.0 takes them (a list or any sequence of ints; `OverflowError` out of
/// range, `TypeError` for non-integers), plus any iterable of ints, and a fast path for 4-byte
/// integer buffers: `array('I')`/`array('i')` and `memoryview(...).cast('I')` are copied in one go.
/// `bytes`/`bytearray` are a sequence of small ints, one ID per byte, as in tacc.
struct Ids<T>(Vec<T>);

impl<'a, 'py, T: Id> FromPyObject<'a, 'py> for Ids<T> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(list) = obj.cast::<PyList>() {
            // SAFETY: `list` is a list; PyList_GetItem bounds-checks.
            return seq_ids(&list, list.len(), |p, i| unsafe {
                ffi::PyList_GetItem(p, i)
            })
            .map(Ids);
        }
        if let Ok(t) = obj.cast::<PyTuple>() {
            // SAFETY: `t` is a tuple; PyTuple_GetItem bounds-checks.
            return seq_ids(&t, t.len(), |p, i| unsafe { ffi::PyTuple_GetItem(p, i) }).map(Ids);
        }
        if let Ok(b) = obj.cast::<PyBytes>() {
            return Ok(Ids(b
                .as_bytes()
                .iter()
                .filter_map(|&x| T::from_u32(x.into()))
                .collect()));
        }
        if let Ok(b) = obj.cast::<PyByteArray>() {
            return Ok(Ids(b
                .to_vec()
                .into_iter()
                .filter_map(|x| T::from_u32(x.into()))
                .collect()));
        }
        if let Some(ids) = int32_buffer::<T>(&obj)? {
            return Ok(Ids(ids));
        }
        if obj.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err(
                "token IDs must be a sequence of ints, not str",
            ));
        }
        let mut v = Vec::new();
        for item in obj.try_iter()? {
            v.push(T::from_py(&item?)?);
        }
        Ok(Ids(v))
    }
}

/// The IDs of an `array.array` or a 1-D `memoryview` whose items are 4-byte native integers, read
/// from one `tobytes()` copy; `None` for anything else.
fn int32_buffer<T: Id>(obj: &Borrowed<'_, '_, PyAny>) -> PyResult<Option<Vec<T>>> {
    let py = obj.py();
    let code: String = if obj.is_instance_of::<PyMemoryView>() {
        if obj.getattr("ndim")?.extract::<usize>()? != 1 {
            return Ok(None);
        }
        let f: String = obj.getattr("format")?.extract()?;
        let native = if cfg!(target_endian = "little") {
            "@=<"
        } else {
            "@=>"
        };
        f.trim_start_matches(|c| native.contains(c)).to_string()
    } else {
        let array = ARRAY_TYPE.import(py, "array", "array")?;
        if !obj.is_instance(array)? {
            return Ok(None);
        }
        obj.getattr("typecode")?.extract()?
    };
    let signed = match code.as_str() {
        "I" | "L" => false,
        "i" | "l" => true,
        _ => return Ok(None),
    };
    if obj.getattr("itemsize")?.extract::<usize>()? != 4 {
        return Ok(None);
    }
    let raw = obj.call_method0("tobytes")?;
    let raw = raw.cast::<PyBytes>()?.as_bytes();
    raw.chunks_exact(4)
        .map(|c| {
            let w = [c[0], c[1], c[2], c[3]];
            let v = if signed {
                T::from_i32(i32::from_ne_bytes(w))
            } else {
                T::from_u32(u32::from_ne_bytes(w))
            };
            v.ok_or_else(|| {
                let shown: i64 = if signed {
                    i32::from_ne_bytes(w).into()
                } else {
                    u32::from_ne_bytes(w).into()
                };
                PyOverflowError::new_err(format!("{shown} is out of range for a {}", T::WHAT))
            })
        })
        .collect::<PyResult<Vec<T>>>()
        .map(Some)
}

/// A byte payload: `bytes` (borrowed, no copy), `bytearray`, or any object with the buffer
/// protocol (`memoryview`, `array`, `mmap`...), copied once.
enum Payload<'py> {
    Bytes(Bound<'py, PyBytes>),
    Owned(Vec<u8>),
}

impl Payload<'_> {
    fn as_slice(&self) -> &[u8] {
        match self {
            Payload::Bytes(b) => b.as_bytes(),
            Payload::Owned(v) => v,
        }
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for Payload<'py> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(b) = obj.cast::<PyBytes>() {
            return Ok(Payload::Bytes(b.to_owned()));
        }
        if let Ok(b) = obj.cast::<PyByteArray>() {
            return Ok(Payload::Owned(b.to_vec()));
        }
        let view = PyMemoryView::from(&obj.to_owned())?;
        let bytes = view.call_method0("tobytes")?;
        Ok(Payload::Bytes(bytes.cast_into::<PyBytes>()?))
    }
}

fn bytes<'py>(py: Python<'py>, v: &[u8]) -> Bound<'py, PyBytes> {
    PyBytes::new(py, v)
}

// ---- Lists of IDs through the C API: the only unsafe code in this crate ---------------------------
//
// Token ID lists are the hot path of tacc's API (~500 IDs per chat message). Going through the C API
// directly, without a Python object handle per item, halves the conversion time of PyO3's generic
// list conversions (measured on 491-ID lists: 7.3 -> 3.4 us to read, see docs/BINDINGS.md).

/// The items of a list or tuple (`get` is PyList_GetItem or PyTuple_GetItem) as IDs. Exact `int`s
/// are read with PyLong_AsLongLong, which runs no Python code; any other item, or a value out of
/// range, goes through `T::from_py`, so errors are PyO3's usual ones (OverflowError, TypeError).
fn seq_ids<T: Id, S>(
    seq: &Bound<'_, S>,
    len: usize,
    get: impl Fn(*mut ffi::PyObject, ffi::Py_ssize_t) -> *mut ffi::PyObject,
) -> PyResult<Vec<T>> {
    let py = seq.py();
    let mut v = Vec::with_capacity(len);
    for i in 0..len {
        // The GIL is held; `get` returns a borrowed reference, or NULL with an exception set (an
        // index out of range, if an item's __index__ shrank the list).
        let item = get(seq.as_ptr(), i as ffi::Py_ssize_t);
        if item.is_null() {
            return Err(PyErr::fetch(py));
        }
        // SAFETY: `item` is a live object borrowed from `seq`; nothing below runs Python code
        // before it is used (exact int), or it is first made an owned reference.
        unsafe {
            if ffi::PyLong_CheckExact(item) != 0 {
                let x = ffi::PyLong_AsLongLong(item);
                if x != -1 || ffi::PyErr_Occurred().is_null() {
                    if let Some(id) = T::from_i64(x) {
                        v.push(id);
                        continue;
                    }
                }
                ffi::PyErr_Clear();
            }
            v.push(T::from_py(&Bound::from_borrowed_ptr(py, item))?);
        }
    }
    Ok(v)
}

/// A Python int, as `array.tolist()` makes them: a new reference, or NULL with an exception set.
trait NewInt: Copy {
    fn new_int(self) -> *mut ffi::PyObject;
}

impl NewInt for u32 {
    fn new_int(self) -> *mut ffi::PyObject {
        // SAFETY: the GIL is held by every caller (`list`).
        unsafe { ffi::PyLong_FromUnsignedLong(self.into()) }
    }
}

impl NewInt for i32 {
    fn new_int(self) -> *mut ffi::PyObject {
        // SAFETY: as above.
        unsafe { ffi::PyLong_FromLong(self.into()) }
    }
}

/// A new list of Python ints.
fn list<'py, T: NewInt>(py: Python<'py>, v: &[T]) -> PyResult<Bound<'py, PyList>> {
    // SAFETY: PyList_New(n) returns a new list of n empty slots (or NULL with an exception set);
    // each slot is filled exactly once with a new reference, which PyList_SetItem steals, before
    // the list is returned. If an int cannot be made, the list is dropped with empty slots, which
    // CPython allows.
    unsafe {
        let list = Bound::from_owned_ptr_or_err(py, ffi::PyList_New(v.len() as ffi::Py_ssize_t))?;
        for (i, &x) in v.iter().enumerate() {
            let item = x.new_int();
            if item.is_null() {
                return Err(PyErr::fetch(py));
            }
            ffi::PyList_SetItem(list.as_ptr(), i as ffi::Py_ssize_t, item);
        }
        Ok(list.cast_into_unchecked())
    }
}

fn content<'py>(py: Python<'py>, c: tacc::Content) -> PyResult<Bound<'py, PyAny>> {
    Ok(match c {
        tacc::Content::Text(s) => PyString::new(py, &s).into_any(),
        tacc::Content::TokenIds(ids) => list(py, &ids)?.into_any(),
        tacc::Content::Bytes(b) => bytes(py, &b).into_any(),
        other => {
            return Err(PyValueError::new_err(format!(
                "unknown content {:?}",
                other.kind()
            )))
        }
    })
}

fn options(method: MethodArg, zstd_level: i32, gzip_level: i32, checksum: bool) -> tacc::Options {
    tacc::Options::default()
        .with_method(method.0)
        .with_zstd_level(zstd_level)
        .with_gzip_level(gzip_level)
        .with_checksum(checksum)
}

// ---- Records ----------------------------------------------------------------------------------------

/// Options of the framed calls. `method=None` tries every method that fits and keeps the smallest;
/// the default (`...` in signatures) is the library's default method, `tacc.default_options().method`.
#[pyclass(module = "tacc", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct Options {
    inner: tacc::Options,
}

#[pymethods]
impl Options {
    #[new]
    #[pyo3(signature = (method = MethodArg::DEFAULT, zstd_level = 15, gzip_level = 9, checksum = true))]
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

// ---- Codec --------------------------------------------------------------------------------------------

/// A tokenizer plus its tacc mapping. Immutable: share one codec between threads freely.
///
/// `Codec(tokenizer, *, mapping_path=None)`: a built-in tokenizer, optionally with a tacc mapping
/// file; with `pattern=` given, `tokenizer` is the path of a `.tiktoken` rank file and `pattern` a
/// preset ("cl100k", "llama3", "qwen2", "gpt2", "o200k") or a regex (see `tacc.Codec.from_tiktoken_file`).
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
                PyList::new(py, 0..self.inner.tokenizer().vocab_size()).map(Bound::unbind)
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
}

#[pymethods]
impl Codec {
    #[new]
    #[pyo3(signature = (tokenizer, *, mapping_path = None, pattern = None, max_output = None, max_tokens = None))]
    fn new(
        py: Python<'_>,
        tokenizer: &Bound<'_, PyAny>,
        mapping_path: Option<PathBuf>,
        pattern: Option<String>,
        max_output: Option<&Bound<'_, PyAny>>,
        max_tokens: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        guard(|| {
            let lim = limits(tacc::Limits::DEFAULT, max_output, max_tokens)?;
            let inner = if let Some(pattern) = pattern {
                let path: PathBuf = tokenizer.extract()?;
                let tok = py
                    .detach(|| tacc::Tokenizer::from_tiktoken_file(&path, &pattern))
                    .py()?;
                tacc::Codec::from_tokenizer(std::sync::Arc::new(tok))
            } else {
                let name: String = tokenizer.extract()?;
                py.detach(|| tacc::Codec::new(&name)).py()?
            };
            let inner = match mapping_path {
                Some(p) => {
                    let mapping = py.detach(|| tacc::Mapping::from_file(&p)).py()?;
                    inner.with_mapping(std::sync::Arc::new(mapping))
                }
                None => inner,
            };
            Ok(Codec {
                inner: inner.with_limits(lim),
                ints: PyOnceLock::new(),
            })
        })
    }

    /// The tokenizer's name ("cl100k_base", or the rank file's name).
    #[getter]
    fn tokenizer_name(&self) -> PyResult<String> {
        guard(|| Ok(self.inner.tokenizer_name().to_string()))
    }

    /// One more than the largest token ID.
    #[getter]
    fn vocab_size(&self) -> PyResult<u32> {
        guard(|| Ok(self.inner.tokenizer().vocab_size()))
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
        guard(|| {
            let ids = &token_ids.0;
            let out = run(py, ids.len() * 4, || {
                self.inner.compress_tacc_payload(ids, gzip)
            })
            .py()?;
            Ok(bytes(py, &out))
        })
    }

    #[pyo3(signature = (payload, *, gzip = false))]
    fn decode_token_ids<'py>(
        &self,
        py: Python<'py>,
        payload: Payload<'py>,
        gzip: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        guard(|| {
            let p = payload.as_slice();
            let ids = run(py, p.len(), || self.inner.decompress_tacc_payload(p, gzip)).py()?;
            self.id_list(py, &ids)
        })
    }

    #[pyo3(signature = (mapped_ids, *, gzip = false))]
    fn encode_mapped_ids<'py>(
        &self,
        py: Python<'py>,
        mapped_ids: Ids<i32>,
        gzip: bool,
    ) -> PyResult<Bound<'py, PyBytes>> {
        guard(|| {
            let ids = &mapped_ids.0;
            let out = run(py, ids.len() * 4, || {
                self.inner.compress_tacc_payload_mapped(ids, gzip)
            })
            .py()?;
            Ok(bytes(py, &out))
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
        guard(|| {
            let ids = &token_ids.0;
            let out = run(py, ids.len() * 4, || {
                self.inner.compress_tacc_payload_unmapped(ids, gzip)
            })
            .py()?;
            Ok(bytes(py, &out))
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
        guard(|| {
            let p = payload.as_slice();
            let ids = run(py, p.len(), || {
                self.inner.decompress_tacc_payload_unmapped(p, gzip)
            })
            .py()?;
            self.id_list(py, &ids)
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
            let ids = run(py, HEAVY, || self.inner.tokenize(t));
            self.id_list(py, &ids)
        })
    }

    /// Token IDs to text; raises on unknown IDs or bytes that are not UTF-8.
    fn detokenize<'py>(
        &self,
        py: Python<'py>,
        token_ids: Ids<u32>,
    ) -> PyResult<Bound<'py, PyString>> {
        guard(|| {
            let ids = &token_ids.0;
            let text = run(py, ids.len() * 4, || self.inner.detokenize(ids)).py()?;
            Ok(PyString::new(py, &text))
        })
    }

    // ---- LoPace 0.1.5 (tacc.lopace has LoPace's own API) ----

    /// LoPace's payload of `text` ("zstd", "token" or "hybrid"), byte-identical to LoPace 0.1.5.
    #[pyo3(signature = (text, method = LopaceArg(tacc::LopaceMethod::Hybrid), *, zstd_level = 15),
           text_signature = "($self, text, method='hybrid', *, zstd_level=15)")]
    fn lopace_compress<'py>(
        &self,
        py: Python<'py>,
        text: PyBackedStr,
        method: LopaceArg,
        zstd_level: i32,
    ) -> PyResult<Bound<'py, PyBytes>> {
        guard(|| {
            let t: &str = &text;
            let out = run(py, HEAVY, || {
                self.inner.compress_lopace_payload(t, method.0, zstd_level)
            })
            .py()?;
            Ok(bytes(py, &out))
        })
    }

    #[pyo3(signature = (payload, method = LopaceArg(tacc::LopaceMethod::Hybrid)),
           text_signature = "($self, payload, method='hybrid')")]
    fn lopace_decompress<'py>(
        &self,
        py: Python<'py>,
        payload: Payload<'py>,
        method: LopaceArg,
    ) -> PyResult<Bound<'py, PyString>> {
        guard(|| {
            let p = payload.as_slice();
            let text = run(py, HEAVY, || {
                self.inner.decompress_lopace_payload(p, method.0)
            })
            .py()?;
            Ok(PyString::new(py, &text))
        })
    }

    /// LoPace's `get_compression_stats` figures: one method, or all three when `method` is None.
    #[pyo3(signature = (text, method = None, *, zstd_level = 15))]
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
            .into())
        })
    }

    // ---- Frames ----

    /// Text to a self-describing frame. `method`: a `tacc.Method` or its name; `None` (or "auto")
    /// keeps the smallest; by default the library's default method (`tacc.default_options()`).
    #[pyo3(signature = (text, *, method = MethodArg::DEFAULT, zstd_level = 15, gzip_level = 9, checksum = true))]
    fn compress_text<'py>(
        &self,
        py: Python<'py>,
        text: PyBackedStr,
        method: MethodArg,
        zstd_level: i32,
        gzip_level: i32,
        checksum: bool,
    ) -> PyResult<Bound<'py, PyBytes>> {
        guard(|| {
            let t: &str = &text;
            let o = options(method, zstd_level, gzip_level, checksum);
            let out = run(py, HEAVY, || self.inner.compress_text(t, &o)).py()?;
            Ok(bytes(py, &out))
        })
    }

    /// Token IDs to a frame (any method over token IDs; zstd and gzip compress text bytes only).
    #[pyo3(signature = (token_ids, *, method = MethodArg::DEFAULT, zstd_level = 15, gzip_level = 9, checksum = true))]
    fn compress_token_ids<'py>(
        &self,
        py: Python<'py>,
        token_ids: Ids<u32>,
        method: MethodArg,
        zstd_level: i32,
        gzip_level: i32,
        checksum: bool,
    ) -> PyResult<Bound<'py, PyBytes>> {
        guard(|| {
            let ids = &token_ids.0;
            let o = options(method, zstd_level, gzip_level, checksum);
            let out = run(py, HEAVY, || self.inner.compress_token_ids(ids, &o)).py()?;
            Ok(bytes(py, &out))
        })
    }

    /// Bytes to a frame: as text when they are UTF-8, else zstd/gzip/stored.
    #[pyo3(signature = (data, *, method = MethodArg::DEFAULT, zstd_level = 15, gzip_level = 9, checksum = true))]
    fn compress_bytes<'py>(
        &self,
        py: Python<'py>,
        data: Payload<'py>,
        method: MethodArg,
        zstd_level: i32,
        gzip_level: i32,
        checksum: bool,
    ) -> PyResult<Bound<'py, PyBytes>> {
        guard(|| {
            let d = data.as_slice();
            let o = options(method, zstd_level, gzip_level, checksum);
            let out = run(py, HEAVY, || self.inner.compress_bytes(d, &o)).py()?;
            Ok(bytes(py, &out))
        })
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
        guard(|| {
            let f = frame.as_slice();
            let text = run(py, HEAVY, || self.inner.decompress_text(f)).py()?;
            Ok(PyString::new(py, &text))
        })
    }

    fn decompress_token_ids<'py>(
        &self,
        py: Python<'py>,
        frame: Payload<'py>,
    ) -> PyResult<Bound<'py, PyList>> {
        guard(|| {
            let f = frame.as_slice();
            let ids = run(py, HEAVY, || self.inner.decompress_token_ids(f)).py()?;
            self.id_list(py, &ids)
        })
    }

    /// Every frame method on `text`: sizes, ratios and timed round trips.
    #[pyo3(signature = (text, *, zstd_level = 15, gzip_level = 9, checksum = true))]
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

// ---- Streams: thin wrappers over tacc::StreamEncoder / tacc::StreamDecoder -------------------------
//
// Not frozen: an encoder or decoder is used by one thread at a time (the crate's rule); PyO3's
// borrow check raises RuntimeError if two threads use one object at the same moment.

/// Encodes one stream chunk by chunk (`Codec.stream_encoder()`): push token IDs or text, `flush()`
/// a chunk whenever one should be sent, `finish()` the last chunk. After `finish()` every call
/// raises `InvalidArgumentError`.
#[pyclass(module = "tacc", name = "StreamEncoder")]
pub struct StreamEncoder {
    /// `None` once finished (`tacc::StreamEncoder::finish` consumes the encoder).
    inner: Option<tacc::StreamEncoder>,
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
    inner: tacc::StreamDecoder,
    limits: tacc::Limits,
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

// ---- Module functions -----------------------------------------------------------------------------

/// The built-in tokenizer names, in tacc 0.1.0's order.
#[pyfunction]
fn list_available_tokenizers() -> Vec<&'static str> {
    tacc::BUILTIN_NAMES.to_vec()
}

/// The library's default options (its default method, zstd level 15, gzip level 9, checksum on).
#[pyfunction]
fn default_options() -> Options {
    Options {
        inner: tacc::Options::default(),
    }
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

/// Panics inside a guarded call, for the tests of the panic path (`tacc.InternalError`, nothing
/// printed). Not part of the API.
#[pyfunction]
fn _panic_for_tests(py: Python<'_>, message: String, release_gil: bool) -> PyResult<()> {
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

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", tacc::VERSION)?;
    m.add("DEFAULT_MAX_OUTPUT", tacc::limits::DEFAULT_MAX_OUTPUT_BYTES)?;
    m.add("DEFAULT_MAX_TOKENS", tacc::limits::DEFAULT_MAX_TOKENS)?;
    m.add("MAX_OUTPUT_CAP", tacc::limits::MAX_DECODED_BYTES)?;
    m.add("MAX_TOKENS_CAP", tacc::limits::MAX_TOKENS)?;
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
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)?;
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
