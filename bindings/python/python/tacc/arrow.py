"""Arrow columns of text to columns of tacc frames and back: ``compress_array`` / ``decompress_array``.

Each chunk of an Arrow ``Array`` or ``ChunkedArray`` is one batch call of :class:`tacc.Codec`
(``compress_text_batch`` / ``decompress_text_batch``: library threads, the GIL released), never one
call per row. Nulls stay nulls; ``string`` becomes ``binary`` and ``large_string`` ``large_binary``
(and back), so offsets keep their width. Frames are self-describing, so a column decompresses with
any codec of a built-in tokenizer (the frame's own is used); frames of a custom tokenizer need a
codec built from it.

An item that fails raises :class:`ColumnError` (a :class:`tacc.BatchError`) naming the row, its
index in the whole array; ``errors="null"`` turns failed rows into nulls instead. Output is never
wrong: a frame that does not decode is an error or a null, never other text.

pyarrow is an optional dependency (``pip install tacc-rs[arrow]``); ``import tacc`` does not load it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Callable, Literal, Union

try:
    import pyarrow as pa
except ImportError as e:  # pragma: no cover - exercised in a venv without pyarrow
    raise ImportError("tacc.arrow needs pyarrow: pip install tacc-rs[arrow]") from e

from . import BatchError, Codec, TaccError, _codec, default_options

if TYPE_CHECKING:  # a type alias that exists only in the stubs (_native.pyi)
    from ._native import _MethodArg

__all__ = ["ColumnError", "compress_array", "decompress_array"]

_Errors = Literal["raise", "null"]
_ArrayLike = Union["pa.Array[Any]", "pa.ChunkedArray[Any]"]

_DEFAULTS = default_options()


class ColumnError(BatchError):
    """Rows of an Arrow array that failed. ``failed`` holds their row indexes in the whole array
    (across chunks), ``errors`` maps each to its ``TaccError``; ``results`` has one entry per row,
    the exception of a failed row and ``None`` elsewhere (the column is returned only on success)."""

    def __init__(self, results: list[Any], failed: list[int], what: str) -> None:
        super().__init__(results, failed)
        first = results[failed[0]]
        self.args = (f"{what}: {len(failed)} of {len(results)} rows failed; "
                     f"row {failed[0]}: {type(first).__name__}: {first}",)


def compress_array(array: _ArrayLike, codec: Codec | str | None = None, *, threads: int = 0,
                   method: _MethodArg = _DEFAULTS.method, zstd_level: int = _DEFAULTS.zstd_level,
                   gzip_level: int = _DEFAULTS.gzip_level, checksum: bool = _DEFAULTS.checksum,
                   errors: _Errors = "raise") -> _ArrayLike:
    """Compresses a ``string`` / ``large_string`` array (or a dictionary of them) to frames.

    Returns an array of the same kind (``Array`` or ``ChunkedArray``, chunk for chunk) of type
    ``binary`` (``large_binary`` for ``large_string``), with the input's nulls (a ``ChunkedArray``
    also when one chunk's frames pass the 2 GiB that ``binary`` offsets hold).

    ``codec``: a :class:`tacc.Codec`, or a built-in tokenizer's name (default ``"cl100k_base"``),
    whose codec is made once per process and kept (a Spark worker loads it once, not once per task).
    ``threads``: the batch calls' (0: one per core). ``method`` and the levels: as
    :meth:`tacc.Codec.compress_text`. Failed rows raise :class:`ColumnError`, or become nulls with
    ``errors="null"``.
    """
    c = _resolve(codec)

    def run(values: list[str]) -> list[bytes | TaccError]:
        return c.compress_text_batch(values, threads=threads, method=method, zstd_level=zstd_level,
                                     gzip_level=gzip_level, checksum=checksum, return_exceptions=True)

    return _map(array, run, _compress_types, errors, "compress_array")


def decompress_array(array: _ArrayLike, codec: Codec | str | None = None, *, threads: int = 0,
                     errors: _Errors = "raise") -> _ArrayLike:
    """Decompresses a ``binary`` / ``large_binary`` array of text frames to ``string`` /
    ``large_string`` (nulls kept), the inverse of :func:`compress_array`.

    ``codec``: as for :func:`compress_array`; the default (``"cl100k_base"``) also decodes the frames
    of every other built-in tokenizer (a frame names its own); the codec's ``max_output`` /
    ``max_tokens`` bound each row. A row that does not decode (corrupt, truncated, not text, past a limit) raises
    :class:`ColumnError` naming it, or becomes null with ``errors="null"``.
    """
    c = _resolve(codec)

    def run(values: list[bytes]) -> list[str | TaccError]:
        return c.decompress_text_batch(values, threads=threads, return_exceptions=True)

    return _map(array, run, _decompress_types, errors, "decompress_array")


def _resolve(codec: Codec | str | None) -> Codec:
    if codec is None or isinstance(codec, str):
        # tacc's per-process cache of codecs by name (the one compress_text uses).
        return _codec("cl100k_base" if codec is None else codec, None)
    return codec


def _compress_types(t: pa.DataType) -> tuple[pa.DataType, pa.DataType] | None:
    if pa.types.is_string(t):
        return pa.string(), pa.binary()
    if pa.types.is_large_string(t):
        return pa.large_string(), pa.large_binary()
    return None


def _decompress_types(t: pa.DataType) -> tuple[pa.DataType, pa.DataType] | None:
    if pa.types.is_binary(t):
        return pa.binary(), pa.string()
    if pa.types.is_large_binary(t):
        return pa.large_binary(), pa.large_string()
    return None


_Types = Callable[[pa.DataType], "tuple[pa.DataType, pa.DataType] | None"]


def _map(array: _ArrayLike, run: Callable[[list[Any]], list[Any]], types: _Types, errors: _Errors,
         what: str) -> _ArrayLike:
    if errors not in ("raise", "null"):
        raise ValueError(f"{what}: errors must be 'raise' or 'null', not {errors!r}")
    if isinstance(array, pa.ChunkedArray):
        chunks: Sequence[pa.Array[Any]] = array.chunks
        in_type = array.type
    elif isinstance(array, pa.Array):
        chunks = [array]
        in_type = array.type
    else:
        raise TypeError(f"{what}: expected a pyarrow Array or ChunkedArray, not {type(array).__name__}")
    # Dictionary-encoded text (read_dictionary=, pandas categoricals) is taken as its values.
    value_type = in_type.value_type if pa.types.is_dictionary(in_type) else in_type
    mapped = types(value_type)
    if mapped is None:
        takes = "string or large_string" if types is _compress_types else "binary or large_binary"
        raise TypeError(f"{what}: takes {takes}, not {in_type}")
    plain_type, out_type = mapped

    out_chunks: list[pa.Array[Any]] = []
    failed: list[int] = []
    errs: dict[int, TaccError] = {}
    start = 0
    for chunk in chunks:
        # A dictionary chunk is cast to its values (the two plain widths are taken as they are).
        if chunk.type != plain_type:
            chunk = chunk.cast(plain_type)
        rows: list[Any] = chunk.to_pylist()
        if chunk.null_count:
            where = [i for i, v in enumerate(rows) if v is not None]
            values = [rows[i] for i in where]
        else:
            where = None
            values = rows
        results = run(values)
        out: list[Any] = [None] * len(rows) if where is not None else results
        for k, r in enumerate(results):
            i = where[k] if where is not None else k
            if isinstance(r, TaccError):
                failed.append(start + i)
                errs[start + i] = r
                out[i] = None
            elif where is not None:
                out[i] = r
        built = pa.array(out, type=out_type)
        # Over 2 GiB of frames in a 32-bit-offset chunk, pa.array splits it into a ChunkedArray.
        out_chunks.extend(built.chunks if isinstance(built, pa.ChunkedArray) else [built])
        start += len(rows)

    if failed and errors == "raise":
        _raise(chunks, failed, errs, what)

    if not out_chunks:  # a ChunkedArray of no chunks: only its type changes
        return array.cast(out_type)
    if isinstance(array, pa.ChunkedArray) or len(out_chunks) != 1:
        return pa.chunked_array(out_chunks)
    return out_chunks[0]


def _raise(chunks: Sequence[pa.Array[Any]], failed: list[int], errs: dict[int, TaccError], what: str) -> None:
    # One entry per row (BatchError's contract), the failures at their row indexes; the good rows'
    # values are not kept (the caller gets the column back only on success).
    total = sum(len(c) for c in chunks)
    results: list[Any] = [None] * total
    for i in failed:
        results[i] = errs[i]
    raise ColumnError(results, failed, what)
