"""Batch calls (Codec.compress_text_batch, ...; bindings/python/src/batch.rs): input order kept, the
same bytes at every thread count, one bad item failing alone (BatchError or return_exceptions), and
the GIL released while the library threads work."""

from __future__ import annotations

import threading
import time

import pytest

import tacc

TEXTS = [f"Item {i}: naïve café, 中文 {'x' * (i * 7)} 😀\n" * (1 + i % 5) for i in range(64)]


@pytest.fixture(scope="module")
def codec() -> tacc.Codec:
    return tacc.Codec("cl100k_base")


def test_order_and_identical_bytes_at_every_thread_count(codec: tacc.Codec) -> None:
    one = codec.compress_text_batch(TEXTS, threads=1)
    assert one == [codec.compress_text(t) for t in TEXTS]
    for threads in (0, 2, 3, 8, 1000):
        assert codec.compress_text_batch(TEXTS, threads=threads) == one
    assert codec.decompress_text_batch(one, threads=2) == TEXTS
    assert codec.compress_text_batch([]) == []


def test_token_ids(codec: tacc.Codec) -> None:
    ids = [codec.tokenize(t) for t in TEXTS]
    frames = codec.compress_token_ids_batch(ids, threads=2, method=tacc.Method.TACC)
    assert frames == [codec.compress_token_ids(i, method=tacc.Method.TACC) for i in ids]
    assert codec.decompress_token_ids_batch(frames, threads=2) == ids


def test_one_bad_item_fails_alone(codec: tacc.Codec) -> None:
    frames = codec.compress_text_batch(TEXTS[:6])
    frames[3] = frames[3][:-3]
    frames[5] = b"\x00not a frame"
    with pytest.raises(tacc.BatchError) as e:
        codec.decompress_text_batch(frames)
    err = e.value
    assert isinstance(err, tacc.TaccError)
    assert err.failed == [3, 5]
    assert "item 3" in str(err) and "2 of 6" in str(err)
    assert sorted(err.errors) == [3, 5]
    assert all(isinstance(x, tacc.CorruptPayloadError) for x in err.errors.values())
    for i in (0, 1, 2, 4):
        assert err.results[i] == TEXTS[i]

    mixed = codec.decompress_text_batch(frames, threads=2, return_exceptions=True)
    assert [type(x) is str for x in mixed] == [True, True, True, False, True, False]
    assert isinstance(mixed[3], tacc.TaccError)


def test_bad_arguments(codec: tacc.Codec) -> None:
    with pytest.raises(TypeError):
        codec.compress_text_batch("not a list of texts")  # type: ignore[arg-type]
    with pytest.raises(OverflowError):
        codec.compress_text_batch(TEXTS, threads=-1)
    # A method that cannot code token IDs fails each item, by index.
    with pytest.raises(tacc.BatchError) as e:
        codec.compress_token_ids_batch([[1, 2], [3]], method=tacc.Method.ZSTD)
    assert e.value.failed == [0, 1]
    assert isinstance(e.value.results[0], tacc.InvalidArgumentError)


def test_releases_the_gil(codec: tacc.Codec) -> None:
    big = [t * 40 for t in TEXTS] * 2
    ticks = 0
    done = threading.Event()

    def tick() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0.0005)

    ticker = threading.Thread(target=tick)
    ticker.start()
    try:
        start = time.perf_counter()
        codec.compress_text_batch(big, threads=1)
        elapsed = time.perf_counter() - start
    finally:
        done.set()
        ticker.join()
    # With the GIL held for the whole call the ticker would get no turn at all.
    if elapsed > 0.05:
        assert ticks > 3, (ticks, elapsed)
