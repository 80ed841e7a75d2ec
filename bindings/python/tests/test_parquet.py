"""python -m tacc.parquet: text columns of a Parquet file to frames and back, row group by row group,
found again from the field metadata; exit codes as the CLI's; an existing output kept without -f; no
partial output. Skipped without pyarrow, failing instead under TACC_REQUIRE_PYARROW=1 (CI)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import tacc

if os.environ.get("TACC_REQUIRE_PYARROW") == "1":
    import pyarrow as pa
    import pyarrow.parquet as pq
else:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")


def table(n: int = 1000, large: bool = False) -> pa.Table:
    t = pa.large_string() if large else pa.string()
    texts = [None if i % 17 == 3 else f"Record {i}: {'déjà vu, ' * (i % 30)}中文 😀" for i in range(n)]
    notes = [f"note {i}" if i % 5 else None for i in range(n)]
    return pa.table({"id": pa.array(range(n), type=pa.int64()), "text": pa.array(texts, type=t),
                     "source": pa.array([f"model-{i % 5}" for i in range(n)]), "notes": pa.array(notes, type=t)})


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tacc.parquet", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


@pytest.fixture()
def src(tmp_path: Path) -> Path:
    p = tmp_path / "in.parquet"
    pq.write_table(table(), p, row_group_size=300)
    return p


def test_round_trip_row_groups_and_metadata(src: Path, tmp_path: Path) -> None:
    out, back = tmp_path / "c.parquet", tmp_path / "d.parquet"
    r = run("compress", src, "-o", out, "--column", "text", "-T", "2")
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""
    f = pq.ParquetFile(out)
    assert f.num_row_groups == pq.ParquetFile(src).num_row_groups == 4
    schema = f.schema_arrow
    assert schema.field("text").type == pa.binary()
    assert schema.field("text").metadata[b"tacc.codec"] == b"cl100k_base"
    assert schema.field("text").metadata[b"tacc.type"] == b"string"
    assert schema.field("notes").type == pa.string() and not schema.field("notes").metadata
    compressed = pq.read_table(out)
    orig = table()
    # Frames, exactly what the codec makes; other columns untouched.
    codec = tacc.Codec("cl100k_base")
    assert compressed.column("text").to_pylist() == [
        None if t is None else codec.compress_text(t) for t in orig.column("text").to_pylist()]
    for name in ("id", "source", "notes"):
        assert compressed.column(name).equals(orig.column(name))
    # decompress finds the column from the metadata alone.
    r = run("decompress", out, "-o", back)
    assert r.returncode == 0, r.stderr
    restored = pq.read_table(back)
    assert restored.equals(orig)
    assert not restored.schema.field("text").metadata


def test_two_columns_large_string_tokenizer_and_method(tmp_path: Path) -> None:
    src, out, back = tmp_path / "in.parquet", tmp_path / "c.parquet", tmp_path / "d.parquet"
    orig = table(200, large=True)
    pq.write_table(orig, src)
    r = run("compress", src, "-o", out, "--column", "text", "--column", "notes", "-t", "o200k_base", "-m", "zstd")
    assert r.returncode == 0, r.stderr
    schema = pq.read_schema(out)
    for name in ("text", "notes"):
        assert schema.field(name).type == pa.large_binary()
        assert schema.field(name).metadata[b"tacc.codec"] == b"o200k_base"
        assert schema.field(name).metadata[b"tacc.method"] == b"zstd"
    assert run("decompress", out, "-o", back, "-T", "1").returncode == 0
    assert pq.read_table(back).equals(orig)


def test_default_and_auto_methods(src: Path, tmp_path: Path) -> None:
    codec = tacc.Codec("cl100k_base")
    text = [t for t in pq.read_table(src).column("text").to_pylist() if t is not None][5]
    for args, label, method in (([], b"model", tacc.default_options().method), (["-m", "auto"], b"auto", None)):
        out = tmp_path / f"{label.decode()}.parquet"
        assert run("compress", src, "-o", out, "--column", "text", *args).returncode == 0
        assert pq.read_schema(out).field("text").metadata[b"tacc.method"] == label
        frames = [f for f in pq.read_table(out).column("text").to_pylist() if f is not None]
        assert frames[5] == codec.compress_text(text, method=method)
        assert run("decompress", out, "-o", tmp_path / f"{label.decode()}-back.parquet").returncode == 0


def test_threads_give_identical_files(src: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "1.parquet", tmp_path / "2.parquet"
    assert run("compress", src, "-o", one, "--column", "text", "-T", "1").returncode == 0
    assert run("compress", src, "-o", two, "--column", "text", "-T", "2").returncode == 0
    assert pq.read_table(one).equals(pq.read_table(two))


def test_existing_output_is_kept_without_force(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "c.parquet"
    out.write_bytes(b"precious")
    r = run("compress", src, "-o", out, "--column", "text")
    assert r.returncode == 2
    assert "already exists" in r.stderr and "-f" in r.stderr
    assert out.read_bytes() == b"precious"
    r = run("compress", src, "-o", out, "--column", "text", "-f")
    assert r.returncode == 0, r.stderr
    assert pq.read_schema(out).field("text").type == pa.binary()
    assert sorted(os.listdir(tmp_path)) == ["c.parquet", "in.parquet"]  # no temporary file left


def test_output_has_the_input_permissions(src: Path, tmp_path: Path) -> None:
    os.chmod(src, 0o640)
    out = tmp_path / "c.parquet"
    assert run("compress", src, "-o", out, "--column", "text").returncode == 0
    assert out.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("args, code, message", [
    (["compress", "{src}", "-o", "{out}", "--column", "nope"], 2, "no column 'nope'"),
    (["compress", "{src}", "-o", "{out}", "--column", "id"], 2, "not text"),
    (["compress", "{src}", "-o", "{out}", "--column", "text", "-t", "no_such_tokenizer"], 2, "-t no_such_tokenizer"),
    (["compress", "{src}", "-o", "{out}", "--column", "text", "-m", "no_such_method"], 2, "-m no_such_method"),
    (["compress", "{src}", "-o", "{out}"], 2, "--column"),
    (["frobnicate", "{src}"], 2, "invalid choice"),
    (["compress", "{missing}", "-o", "{out}", "--column", "text"], 3, "missing.parquet"),
    (["compress", "{src}", "-o", "{nodir}", "--column", "text"], 3, "no-such-dir"),
    (["compress", "{garbage}", "-o", "{out}", "--column", "text"], 4, "not a Parquet file"),
    (["decompress", "{src}", "-o", "{out}"], 4, "no column is marked"),
])
def test_exit_codes(src: Path, tmp_path: Path, args: list[str], code: int, message: str) -> None:
    garbage = tmp_path / "garbage.parquet"
    garbage.write_bytes(b"PAR1 this is not parquet at all PAR1")
    names = {"src": src, "out": tmp_path / "out.parquet", "missing": tmp_path / "missing.parquet",
             "nodir": tmp_path / "no-such-dir" / "out.parquet", "garbage": garbage}
    r = run(*[a.format(**names) for a in args])
    assert r.returncode == code, r.stderr
    assert message in r.stderr
    assert not (tmp_path / "out.parquet").exists()
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]


def test_corrupt_frame_names_its_row(src: Path, tmp_path: Path) -> None:
    out, bad, back = tmp_path / "c.parquet", tmp_path / "bad.parquet", tmp_path / "d.parquet"
    assert run("compress", src, "-o", out, "--column", "text").returncode == 0
    t = pq.read_table(out)
    frames = t.column("text").to_pylist()
    frames[701] = frames[701][:-3]  # in the third row group (300 rows each)
    t = t.set_column(t.schema.get_field_index("text"), t.schema.field("text"), pa.array(frames, type=pa.binary()))
    pq.write_table(t, bad, row_group_size=300)
    assert pq.read_schema(bad).field("text").metadata[b"tacc.codec"] == b"cl100k_base"
    r = run("decompress", bad, "-o", back)
    assert r.returncode == 4, r.stderr
    assert "column 'text', row 701" in r.stderr
    assert not back.exists()
    # --errors null: that row is null, every other one exact.
    r = run("decompress", bad, "-o", back, "--errors", "null")
    assert r.returncode == 0, r.stderr
    restored = pq.read_table(back).column("text").to_pylist()
    expected = table().column("text").to_pylist()
    expected[701] = None
    assert restored == expected


def test_compressed_column_is_not_compressed_twice(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "c.parquet"
    assert run("compress", src, "-o", out, "--column", "text").returncode == 0
    r = run("compress", out, "-o", tmp_path / "cc.parquet", "--column", "text")
    assert r.returncode == 2 and "already compressed" in r.stderr


def test_in_process_api(src: Path, tmp_path: Path) -> None:
    from tacc.parquet import ParquetError, compress_file, decompress_file

    out, back = tmp_path / "c.parquet", tmp_path / "d.parquet"
    assert compress_file(str(src), str(out), ["text", "notes"], threads=1) == 1000
    assert decompress_file(str(out), str(back)) == 1000
    assert pq.read_table(back).equals(table())
    with pytest.raises(ParquetError) as info:
        decompress_file(str(out), str(back))
    assert info.value.code == 2


def test_errors_null_on_a_column_declared_without_nulls(tmp_path: Path) -> None:
    src, out, bad, back = (tmp_path / n for n in ("in.parquet", "c.parquet", "bad.parquet", "d.parquet"))
    schema = pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("text", pa.string(), nullable=False)])
    pq.write_table(pa.table({"id": [1, 2, 3], "text": ["a", "bb", "ccc"]}, schema=schema), src)
    assert run("compress", src, "-o", out, "--column", "text").returncode == 0
    assert not pq.read_schema(out).field("text").nullable
    t = pq.read_table(out)
    frames = t.column("text").to_pylist()
    frames[1] = b"garbage"
    t = t.set_column(1, t.schema.field("text"), pa.array(frames, type=pa.binary()))
    pq.write_table(t, bad)
    r = run("decompress", bad, "-o", back)
    assert r.returncode == 4 and "row 1" in r.stderr
    r = run("decompress", bad, "-o", back, "--errors", "null")
    assert r.returncode == 0, r.stderr
    restored = pq.read_table(back)
    assert restored.column("text").to_pylist() == ["a", None, "ccc"]
    assert restored.schema.field("text").nullable
    # Without failures, the declared nullability comes back as it was.
    assert run("decompress", out, "-o", tmp_path / "ok.parquet").returncode == 0
    assert pq.read_table(tmp_path / "ok.parquet").equals(pq.read_table(src))
    assert not pq.read_schema(tmp_path / "ok.parquet").field("text").nullable


def test_unmarked_columns_named_with_column(tmp_path: Path) -> None:
    # As Spark's writer leaves them: binary frames with no field metadata. Named with --column
    # they restore (o200k frames read through the default codec: a frame names its tokenizer).
    orig = table(200)
    codec = tacc.Codec("o200k_base")
    texts = orig.column("text").to_pylist()
    frames = [None if t is None else codec.compress_text(t) for t in texts]
    plain = orig.set_column(orig.schema.get_field_index("text"), "text", pa.array(frames, type=pa.binary()))
    src, back = tmp_path / "spark.parquet", tmp_path / "d.parquet"
    pq.write_table(plain, src)
    assert pq.read_schema(src).field("text").metadata is None
    r = run("decompress", src, "-o", back)
    assert r.returncode == 4 and "--column" in r.stderr, r.stderr
    r = run("decompress", src, "-o", back, "--column", "text")
    assert r.returncode == 0, r.stderr
    assert pq.read_table(back).equals(orig)
    # A wrong name, a non-binary column, an unknown tokenizer: usage errors, no output.
    for args, message in ((["--column", "nope"], "no column 'nope'"),
                          (["--column", "source"], "not a binary column"),
                          (["--column", "text", "-t", "no-such-tokenizer"], "-t no-such-tokenizer")):
        r = run("decompress", src, "-o", tmp_path / "x.parquet", *args)
        assert r.returncode == 2 and message in r.stderr, (args, r.stderr)
        assert not (tmp_path / "x.parquet").exists()
