//! Token IDs and byte payloads in and out: Python sequences, buffers and lists to and from the
//! core's slices, and the core's `Content` to `str` / `list[int]` / `bytes`.

use pyo3::exceptions::{PyOverflowError, PyTypeError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyList, PyMemoryView, PyString, PyTuple, PyType};
use pyo3::Borrowed;

use crate::errors::raise;

/// A 32-bit ID type: token IDs are `u32`, tacc's mapped IDs `i32`.
pub(crate) trait Id: Sized + Copy {
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

pub(crate) static ARRAY_TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// IDs from Python, as tacc 0.1.0 takes them (a list or any sequence of ints; `OverflowError` out of
/// range, `TypeError` for non-integers), plus any iterable of ints, and a fast path for 4-byte
/// integer buffers: `array('I')`/`array('i')` and `memoryview(...).cast('I')` are copied in one go.
/// `bytes`/`bytearray` are a sequence of small ints, one ID per byte, as in tacc.
pub(crate) struct Ids<T>(pub(crate) Vec<T>);

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
pub(crate) fn int32_buffer<T: Id>(obj: &Borrowed<'_, '_, PyAny>) -> PyResult<Option<Vec<T>>> {
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
pub(crate) enum Payload<'py> {
    Bytes(Bound<'py, PyBytes>),
    Owned(Vec<u8>),
}

impl Payload<'_> {
    pub(crate) fn as_slice(&self) -> &[u8] {
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

/// A file argument (`tokenizer_file=`, `mapping=`, `priors=`): its bytes (`bytes`, `bytearray`,
/// `memoryview`), or a path (`str`, `os.PathLike`) read when the codec is built.
pub(crate) fn source(obj: &Bound<'_, PyAny>) -> PyResult<tacc::Source> {
    if obj.is_instance_of::<PyBytes>()
        || obj.is_instance_of::<PyByteArray>()
        || obj.is_instance_of::<PyMemoryView>()
    {
        return Ok(tacc::Source::Bytes(
            obj.extract::<Payload>()?.as_slice().to_vec(),
        ));
    }
    obj.extract::<std::path::PathBuf>()
        .map(tacc::Source::Path)
        .map_err(|_| {
            PyTypeError::new_err(format!(
                "a file must be a path (str, os.PathLike) or its bytes, not {}",
                obj.get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            ))
        })
}

pub(crate) fn bytes<'py>(py: Python<'py>, v: &[u8]) -> Bound<'py, PyBytes> {
    PyBytes::new(py, v)
}

// ---- Lists of IDs through the C API: with `Codec::id_list`, the only unsafe code in this crate ----
//
// Token ID lists are the hot path of tacc's API (~500 IDs per chat message). Going through the C API
// directly, without a Python object handle per item, halves the conversion time of PyO3's generic
// list conversions (measured on 491-ID lists: 7.3 -> 3.4 us to read, see docs/BINDINGS.md).

/// The items of a list or tuple (`get` is PyList_GetItem or PyTuple_GetItem) as IDs. Exact `int`s
/// are read with PyLong_AsLongLong, which runs no Python code; any other item, or a value out of
/// range, goes through `T::from_py`, so errors are PyO3's usual ones (OverflowError, TypeError).
pub(crate) fn seq_ids<T: Id, S>(
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
pub(crate) trait NewInt: Copy {
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
pub(crate) fn list<'py, T: NewInt>(py: Python<'py>, v: &[T]) -> PyResult<Bound<'py, PyList>> {
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

pub(crate) fn content<'py>(py: Python<'py>, c: tacc::Content) -> PyResult<Bound<'py, PyAny>> {
    Ok(match c {
        tacc::Content::Text(s) => PyString::new(py, &s).into_any(),
        tacc::Content::TokenIds(ids) => list(py, &ids)?.into_any(),
        tacc::Content::Bytes(b) => bytes(py, &b).into_any(),
        // A content kind newer than this layer: a bug in the binding, not in the input.
        other => {
            return Err(raise(
                tacc::ErrorKind::Internal,
                format!(
                    "content kind '{}' is not supported by this binding",
                    other.kind().name()
                ),
            ))
        }
    })
}
