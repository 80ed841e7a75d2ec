"""Compress text columns of a Parquet file to tacc frames, and back, one row group at a time.

    python -m tacc.parquet compress IN.parquet -o OUT.parquet --column text [--column ...]
                                   [-t TOKENIZER] [-m METHOD] [-T THREADS] [-f]
    python -m tacc.parquet decompress IN.parquet -o OUT.parquet [-T THREADS] [--errors raise|null] [-f]

``compress`` turns each named ``string`` / ``large_string`` column into ``binary`` /
``large_binary`` frames and marks the field in the Arrow schema Parquet stores (field metadata
``tacc.codec``: the tokenizer, ``tacc.method``, ``tacc.type``: the column's type before); every other
column is copied as it is. ``decompress`` restores every marked column, unmarked, without being told
which. Both read the input row group by row group (``ParquetFile.iter_batches``) and write one row
group per input row group, so memory holds one row group, not the file.

The output is written to a temporary file beside it and renamed into place only when complete; an
existing output is kept unless ``-f``. Exit codes as the ``tacc`` CLI's: 0 success, 1 another error,
2 usage (bad arguments, an unknown or non-text column, an existing output without ``-f``), 3 I/O,
4 corrupt or invalid input (not Parquet, a frame that does not decode: the message names its row).
Needs pyarrow (``pip install tacc-rs[arrow]``).
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
import tempfile
from collections.abc import Iterator, Sequence
from typing import Any, Literal, NoReturn

import pyarrow as pa
import pyarrow.parquet as pq

from . import Codec, TaccError, default_options, method_from_name, method_name
from .arrow import ColumnError, compress_array, decompress_array

__all__ = ["main", "compress_file", "decompress_file", "ParquetError"]

KEY_CODEC = b"tacc.codec"
KEY_METHOD = b"tacc.method"
KEY_TYPE = b"tacc.type"
# Rows per Arrow batch read from a row group: bounds memory on files written with huge row groups.
BATCH_ROWS = 16_384

EXIT_OTHER, EXIT_USAGE, EXIT_IO, EXIT_DATA = 1, 2, 3, 4


class ParquetError(Exception):
    """A failure of :func:`compress_file` / :func:`decompress_file`, with the CLI's exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def compress_file(src: str, dst: str, columns: Sequence[str], *, tokenizer: str = "cl100k_base",
                  method: str | None = None, threads: int = 0, force: bool = False) -> int:
    """Writes ``dst``: ``src`` with ``columns`` compressed (see the module docstring). Returns the
    number of rows. Raises :class:`ParquetError`."""
    try:
        codec = Codec(tokenizer)
    except TaccError as e:
        raise ParquetError(f"-t {tokenizer}: {e}", EXIT_USAGE) from e
    try:
        # None: the library's default method; "auto": whichever method gives the smallest frame.
        m = default_options().method if method is None else None if method == "auto" else method_from_name(method)
    except (TaccError, ValueError) as e:
        raise ParquetError(f"-m {method}: {e}", EXIT_USAGE) from e
    method_label = "auto" if m is None else method_name(m)
    if not columns:
        raise ParquetError("name at least one --column to compress", EXIT_USAGE)
    if len(set(columns)) != len(columns):
        raise ParquetError("a --column is named twice", EXIT_USAGE)

    pf = _open(src)
    schema = pf.schema_arrow
    fields = []
    for f in schema:
        if f.name in columns:
            if KEY_CODEC in (f.metadata or {}):
                raise ParquetError(f"{src}: column {f.name!r} is already compressed", EXIT_USAGE)
            out: pa.DataType
            if pa.types.is_string(f.type):
                out = pa.binary()
            elif pa.types.is_large_string(f.type):
                out = pa.large_binary()
            else:
                raise ParquetError(f"{src}: column {f.name!r} is {f.type}, not text (string)", EXIT_USAGE)
            meta = dict(f.metadata or {})
            meta.update({KEY_CODEC: codec.tokenizer_name.encode(), KEY_METHOD: method_label.encode(),
                         KEY_TYPE: str(f.type).encode()})
            fields.append(pa.field(f.name, out, nullable=f.nullable, metadata=meta))
        else:
            fields.append(f)
    missing = [c for c in columns if c not in schema.names]
    if missing:
        raise ParquetError(f"{src}: no column {missing[0]!r} (columns: {', '.join(schema.names)})", EXIT_USAGE)
    if len(set(schema.names)) != len(schema.names):
        raise ParquetError(f"{src}: duplicate column names", EXIT_USAGE)
    out_schema = pa.schema(fields, metadata=_metadata(schema.metadata))
    kwargs: dict[str, Any] = {"threads": threads, "method": m}

    def convert(name: str, col: pa.Array[Any]) -> pa.Array[Any]:
        return compress_array(col, codec, **kwargs)  # type: ignore[return-value]

    return _rewrite(pf, src, dst, out_schema, set(columns), convert, force)


def decompress_file(src: str, dst: str, *, threads: int = 0, errors: str = "raise", force: bool = False,
                    columns: Sequence[str] = (), tokenizer: str | None = None) -> int:
    """Writes ``dst``: ``src`` with every column marked by :func:`compress_file` restored to text,
    and the binary ``columns`` named (for files whose field metadata was dropped on the way, as
    Spark's writer does), decoded with ``tokenizer`` (default: the column's mark, else
    ``cl100k_base``, which also reads the frames of every other built-in tokenizer). Returns the
    number of rows. Raises :class:`ParquetError`."""
    pf = _open(src)
    schema = pf.schema_arrow
    missing = [c for c in columns if c not in schema.names]
    if missing:
        raise ParquetError(f"{src}: no column {', '.join(map(repr, missing))} (columns: {', '.join(schema.names)})",
                           EXIT_USAGE)
    fields = []
    codecs: dict[str, Codec] = {}
    for f in schema:
        meta = f.metadata or {}
        if KEY_CODEC not in meta and f.name not in columns:
            fields.append(f)
            continue
        marked = meta[KEY_CODEC].decode("utf-8", "replace") if KEY_CODEC in meta else None
        name = tokenizer or marked or "cl100k_base"
        try:
            codecs[f.name] = Codec(name)
        except TaccError as e:
            if tokenizer:
                raise ParquetError(f"-t {tokenizer}: {e}", EXIT_USAGE) from e
            raise ParquetError(f"{src}: column {f.name!r} names tokenizer {name!r}: {e}", EXIT_DATA) from e
        large = pa.types.is_large_binary(f.type)
        if not (large or pa.types.is_binary(f.type)):
            if marked is None:
                raise ParquetError(f"--column {f.name}: not a binary column of frames (it is {f.type})", EXIT_USAGE)
            raise ParquetError(f"{src}: column {f.name!r} is marked as tacc frames but is {f.type}", EXIT_DATA)
        rest = {k: v for k, v in meta.items() if k not in (KEY_CODEC, KEY_METHOD, KEY_TYPE)}
        # --errors null may write nulls into a column declared without them.
        fields.append(pa.field(f.name, pa.large_string() if large else pa.string(),
                               nullable=f.nullable or errors == "null", metadata=rest or None))
    if not codecs:
        raise ParquetError(f"{src}: no column is marked as tacc frames (field metadata {KEY_CODEC.decode()}); "
                           "name them with --column", EXIT_DATA)
    out_schema = pa.schema(fields, metadata=_metadata(schema.metadata))

    def convert(name: str, col: pa.Array[Any]) -> pa.Array[Any]:
        return decompress_array(col, codecs[name], threads=threads,  # type: ignore[return-value]
                                errors="null" if errors == "null" else "raise")

    return _rewrite(pf, src, dst, out_schema, set(codecs), convert, force)


def _open(src: str) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(src)
    except (FileNotFoundError, PermissionError, IsADirectoryError) as e:
        raise ParquetError(f"{src}: {e.strerror or e}", EXIT_IO) from e
    except (pa.ArrowException, OSError, ValueError) as e:
        # pyarrow's ArrowInvalid for a file that is not Parquet (bad magic, truncated footer).
        raise ParquetError(f"{src}: not a Parquet file: {e}", EXIT_DATA) from e


def _batches(pf: pq.ParquetFile, src: str, rg: int) -> Iterator[pa.RecordBatch]:
    try:
        yield from pf.iter_batches(batch_size=BATCH_ROWS, row_groups=[rg], use_threads=False)
    except (OSError, pa.ArrowException) as e:
        raise ParquetError(f"{src}: row group {rg}: corrupt: {e}", EXIT_DATA) from e


def _rewrite(pf: pq.ParquetFile, src: str, dst: str, out_schema: pa.Schema, targets: set[str], convert: Any,
             force: bool) -> int:
    if os.path.lexists(dst) and not force:
        raise ParquetError(f"{dst}: already exists (use -f to overwrite)", EXIT_USAGE)
    directory = os.path.dirname(os.path.abspath(dst))
    try:
        fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(dst) + ".", suffix=".tmp", dir=directory)
        os.close(fd)
    except OSError as e:
        raise ParquetError(f"{dst}: {e.strerror or e}", EXIT_IO) from e
    rows = 0
    try:
        # mkstemp makes it 0600: the output gets the input's permissions, as zstd and tacc do.
        os.chmod(tmp, stat.S_IMODE(os.stat(src).st_mode))
        compression = _compression(pf)
        with pq.ParquetWriter(tmp, out_schema, compression=compression) as writer:
            for rg in range(pf.num_row_groups):
                out_batches = []
                for batch in _batches(pf, src, rg):
                    cols = []
                    for name, col in zip(batch.schema.names, batch.columns):
                        if name in targets:
                            try:
                                col = convert(name, col)
                            except ColumnError as e:
                                row = rows + e.failed[0]
                                first = e.errors[e.failed[0]]
                                raise ParquetError(
                                    f"{src}: column {name!r}, row {row}: {type(first).__name__}: {first}"
                                    + (f" ({len(e.failed) - 1} more rows failed in this batch)" if len(e.failed) > 1 else ""),
                                    EXIT_DATA) from e
                        cols.append(col)
                    out_batches.append(pa.RecordBatch.from_arrays(cols, schema=out_schema))
                    rows += batch.num_rows
                if out_batches:
                    table = pa.Table.from_batches(out_batches, schema=out_schema)
                    writer.write_table(table, row_group_size=max(table.num_rows, 1))
        os.replace(tmp, dst)
    except ParquetError:
        _unlink(tmp)
        raise
    except OSError as e:
        _unlink(tmp)
        raise ParquetError(f"{dst}: {e.strerror or e}", EXIT_IO) from e
    except BaseException:
        _unlink(tmp)
        raise
    return rows


_Compression = Literal["gzip", "brotli", "lz4", "zstd", "snappy", "none"]
_COMPRESSIONS: dict[str, _Compression] = {"GZIP": "gzip", "BROTLI": "brotli", "LZ4": "lz4", "LZ4_RAW": "lz4",
                                          "ZSTD": "zstd", "SNAPPY": "snappy", "UNCOMPRESSED": "none"}


def _compression(pf: pq.ParquetFile) -> _Compression:
    # The input's codec (its first column's) for the output, else pyarrow's default.
    if pf.num_row_groups == 0 or pf.metadata.row_group(0).num_columns == 0:
        return "snappy"
    return _COMPRESSIONS.get(str(pf.metadata.row_group(0).column(0).compression).upper(), "snappy")


def _metadata(m: dict[bytes, bytes] | None) -> dict[bytes | str, bytes | str] | None:
    # (the stubs take str or bytes keys and values; Parquet gives bytes)
    return None if m is None else {k: v for k, v in m.items()}


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tacc.parquet",
                                description="Compress text columns of a Parquet file to tacc frames, or restore them.",
                                epilog="Exit codes: 0 success, 1 another error, 2 usage (bad arguments, an existing "
                                       "output without -f), 3 I/O error, 4 corrupt or invalid input.")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("compress", help="compress text columns to frames")
    c.add_argument("input")
    c.add_argument("-o", "--output", required=True)
    c.add_argument("--column", action="append", required=True, help="a string column to compress (repeat for more)")
    c.add_argument("-t", "--tokenizer", default="cl100k_base")
    c.add_argument("-m", "--method", default=None, help="a frame method name, or auto (the smallest frame per row); default: the library's")
    c.add_argument("-T", "--threads", type=int, default=0, help="library threads per batch (0: one per core)")
    c.add_argument("-f", "--force", action="store_true", help="overwrite the output")
    d = sub.add_parser("decompress", help="restore every column marked as tacc frames (and those named)")
    d.add_argument("input")
    d.add_argument("-o", "--output", required=True)
    d.add_argument("--column", action="append", default=[],
                   help="a binary column of frames to restore although it is not marked (its metadata was "
                        "dropped, e.g. by Spark's writer); repeat for more")
    d.add_argument("-t", "--tokenizer", default=None,
                   help="the codec for the columns (default: the column's mark, else cl100k_base, which reads "
                        "every built-in tokenizer's frames)")
    d.add_argument("-T", "--threads", type=int, default=0)
    d.add_argument("--errors", choices=["raise", "null"], default="raise",
                   help="a frame that does not decode: fail (default, exit 4) or write null")
    d.add_argument("-f", "--force", action="store_true")
    return p


def _die(message: str, code: int) -> NoReturn:
    print(f"tacc.parquet: {message}", file=sys.stderr)
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """The command line (``python -m tacc.parquet``); returns the exit code."""
    args = _parser().parse_args(argv)
    if args.threads < 0:
        _die("-T must be 0 (one per core) or more", EXIT_USAGE)
    try:
        if args.command == "compress":
            rows = compress_file(args.input, args.output, args.column, tokenizer=args.tokenizer,
                                 method=args.method, threads=args.threads, force=args.force)
        else:
            rows = decompress_file(args.input, args.output, threads=args.threads, errors=args.errors,
                                   force=args.force, columns=args.column, tokenizer=args.tokenizer)
    except ParquetError as e:
        _die(str(e), e.code)
    except TaccError as e:
        _die(f"{args.input}: {type(e).__name__}: {e}", EXIT_DATA if isinstance(e, ValueError) else EXIT_OTHER)
    print(f"tacc.parquet: {args.command}ed {rows} rows: {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
