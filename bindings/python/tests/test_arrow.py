"""tacc.arrow: Arrow text columns to frame columns and back (one batch call per chunk, nulls kept,
a bad frame named by its row). Skipped without pyarrow, failing instead under TACC_REQUIRE_PYARROW=1
(CI)."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import textwrap

import pytest

import tacc

if os.environ.get("TACC_REQUIRE_PYARROW") == "1":
    import pyarrow as pa
else:
    pa = pytest.importorskip("pyarrow")

from tacc.arrow import ColumnError, compress_array, decompress_array  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "..", "..", "..", "shared", "corpus", "chat-dev.jsonl.gz")

TEXTS = ["Hello, world!", "", "naïve café 中文 😀\n" * 3, None, "x" * 1000, None, "The end.\r\n"]


@pytest.fixture(scope="module")
def codec() -> tacc.Codec:
    return tacc.Codec("cl100k_base")


def test_round_trip_with_nulls(codec: tacc.Codec) -> None:
    arr = pa.array(TEXTS, type=pa.string())
    frames = compress_array(arr, codec)
    assert frames.type == pa.binary()
    assert frames.to_pylist() == [None if t is None else codec.compress_text(t) for t in TEXTS]
    back = decompress_array(frames, codec)
    assert back.type == pa.string()
    assert back.equals(arr)
    # codec=None: cl100k_base, the same frames.
    assert compress_array(arr).equals(frames)
    assert decompress_array(frames).equals(arr)


def test_large_string_keeps_its_width(codec: tacc.Codec) -> None:
    arr = pa.array(TEXTS, type=pa.large_string())
    frames = compress_array(arr, codec)
    assert frames.type == pa.large_binary()
    back = decompress_array(frames, codec)
    assert back.type == pa.large_string()
    assert back.equals(arr)


def test_chunked_arrays_chunk_for_chunk(codec: tacc.Codec) -> None:
    chunks = [TEXTS[:3], [], [None, None], TEXTS[3:]]
    arr = pa.chunked_array([pa.array(c, type=pa.string()) for c in chunks], type=pa.string())
    frames = compress_array(arr, codec, threads=2)
    assert isinstance(frames, pa.ChunkedArray)
    assert [len(c) for c in frames.chunks] == [len(c) for c in chunks]
    assert frames.null_count == arr.null_count
    back = decompress_array(frames, codec, threads=2)
    assert isinstance(back, pa.ChunkedArray)
    assert back.equals(arr)


def test_empty_arrays(codec: tacc.Codec) -> None:
    for t, out in ((pa.string(), pa.binary()), (pa.large_string(), pa.large_binary())):
        frames = compress_array(pa.array([], type=t), codec)
        assert len(frames) == 0 and frames.type == out
        assert decompress_array(frames, codec).equals(pa.array([], type=t))
    empty = pa.chunked_array([], type=pa.string())
    assert len(compress_array(empty, codec)) == 0


def test_sliced_and_dictionary_arrays(codec: tacc.Codec) -> None:
    arr = pa.array(TEXTS, type=pa.string())
    part = arr.slice(2, 4)
    assert decompress_array(compress_array(part, codec), codec).equals(part)
    dictionary = arr.dictionary_encode()
    assert compress_array(dictionary, codec).equals(compress_array(arr, codec))


def test_threads_give_identical_bytes(codec: tacc.Codec) -> None:
    texts = [f"Row {i}: {'lorem ipsum ' * (i % 40)} ünïcödé {i * i}" for i in range(500)]
    arr = pa.array(texts)
    one = compress_array(arr, codec, threads=1)
    two = compress_array(arr, codec, threads=2)
    assert one.equals(two)
    assert one.to_pylist() == codec.compress_text_batch(texts, threads=1)
    method = compress_array(arr, codec, threads=2, method=tacc.Method.ZSTD)
    assert method.to_pylist()[5] == codec.compress_text(texts[5], method=tacc.Method.ZSTD)


def test_one_batch_call_per_chunk() -> None:
    class Counting(tacc.Codec):
        calls = 0

        def compress_text_batch(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            Counting.calls += 1
            return super().compress_text_batch(*args, **kwargs)

    c = Counting("cl100k_base")
    arr = pa.chunked_array([pa.array(["a"] * 300), pa.array(["b", None] * 100)])
    compress_array(arr, c)
    assert Counting.calls == 2


def test_corrupt_frame_names_its_row(codec: tacc.Codec) -> None:
    texts = [f"row {i} text " * 5 for i in range(10)]
    texts[4] = None
    frames = compress_array(pa.chunked_array([pa.array(texts[:6]), pa.array(texts[6:])]), codec).to_pylist()
    frames[8] = frames[8][:-4]           # truncated: in the second chunk, row 8 of the whole column
    frames[9] = b"not a frame at all"
    bad = pa.chunked_array([pa.array(frames[:6], type=pa.binary()), pa.array(frames[6:], type=pa.binary())])
    with pytest.raises(ColumnError) as info:
        decompress_array(bad, codec)
    e = info.value
    assert isinstance(e, tacc.BatchError)
    assert e.failed == [8, 9]
    assert "row 8" in str(e) and "2 of 10 rows failed" in str(e)
    assert isinstance(e.errors[8], tacc.CorruptPayloadError)
    # errors="null": the bad rows become null, the others are exact.
    back = decompress_array(bad, codec, errors="null").to_pylist()
    assert back == texts[:8] + [None, None]
    with pytest.raises(ValueError):
        decompress_array(bad, codec, errors="ignore")  # type: ignore[arg-type]


def test_frame_of_another_tokenizer_and_limits() -> None:
    o200k = tacc.Codec("o200k_base")
    frames = compress_array(pa.array(["hello there", None]), o200k)
    # The frame names its tokenizer: the default codec decodes it.
    assert decompress_array(frames).to_pylist() == ["hello there", None]
    small = tacc.Codec("cl100k_base", max_output=16)
    big = compress_array(pa.array(["x" * 100, "ok"]), small)
    with pytest.raises(ColumnError) as info:
        decompress_array(big, small)
    assert info.value.failed == [0] and isinstance(info.value.errors[0], tacc.TooLargeError)


def test_wrong_types_are_refused(codec: tacc.Codec) -> None:
    with pytest.raises(TypeError, match="int64"):
        compress_array(pa.array([1, 2]), codec)
    with pytest.raises(TypeError, match="string"):
        decompress_array(pa.array(["text"]), codec)
    with pytest.raises(TypeError, match="list"):
        compress_array(["a", "b"], codec)  # type: ignore[arg-type]


def test_corpus_round_trip(codec: tacc.Codec) -> None:
    if not os.path.exists(CORPUS):
        pytest.skip(f"{CORPUS} is missing")
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for _, line in zip(range(600), f)]
    arr = pa.chunked_array([pa.array(texts[:250]), pa.array(texts[250:])])
    frames = compress_array(arr, codec, threads=2)
    assert sum(len(b) for b in frames.to_pylist()) < sum(len(t.encode()) for t in texts) // 2
    assert decompress_array(frames, codec, threads=2).equals(arr)


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)


def test_import_tacc_does_not_load_pyarrow() -> None:
    r = _run("import sys, tacc; tacc.Codec('cl100k_base'); print('pyarrow' in sys.modules)")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "False"


def test_without_pyarrow_the_error_says_what_to_install() -> None:
    r = _run("""
        import sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name == "pyarrow" or name.startswith("pyarrow."):
                    raise ImportError(f"No module named {name!r} (blocked)")
        sys.meta_path.insert(0, Block())
        try:
            import tacc.arrow
        except ImportError as e:
            print(e)
        """)
    assert r.returncode == 0, r.stderr
    assert "pip install tacc-rs[arrow]" in r.stdout


def test_chunked_array_of_no_chunks(codec: tacc.Codec) -> None:
    empty = pa.chunked_array([], type=pa.large_string())
    frames = compress_array(empty, codec)
    assert isinstance(frames, pa.ChunkedArray) and frames.num_chunks == 0 and frames.type == pa.large_binary()
    back = decompress_array(frames, codec)
    assert back.num_chunks == 0 and back.type == pa.large_string()


def test_codec_by_name_is_made_once() -> None:
    arr = pa.array(["by name", None, "o200k"])
    frames = compress_array(arr, "o200k_base")
    assert frames.to_pylist()[0] == tacc.Codec("o200k_base").compress_text("by name")
    assert decompress_array(frames, "o200k_base").equals(arr)
    assert tacc._codec("o200k_base", None) is tacc._codec("o200k_base", None)
    with pytest.raises(tacc.UnknownTokenizerError):
        compress_array(arr, "no_such_tokenizer")
