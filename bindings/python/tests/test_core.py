"""Frames and every core call beyond tacc/LoPace, the uniffi error mapping, threads, and packaging."""

import inspect
import os
import struct
import threading

import pytest

import tacc
from tacc import _native
from conftest import ROOT, TOKENIZERS

TEXT = "Frames carry their method, tokenizer and a checksum. ünïcödé ✓\n" * 3
TOKEN_METHODS = ["stored", "lopace-token", "lopace-hybrid", "tacc", "tacc-gzip"]
ALL_METHODS = ["stored", "zstd", "gzip"] + TOKEN_METHODS[1:]


def test_native_module_is_the_pyo3_extension():
    """tacc.Codec is the Rust class itself (no Python layer per call); the version is the crate's
    (the distribution's version: test_packaging.py)."""
    assert _native.__file__.endswith((".so", ".pyd")) and "abi3" in os.path.basename(_native.__file__)
    assert issubclass(tacc.Codec, _native.Codec)
    assert tacc.Codec.encode_token_ids is _native.Codec.encode_token_ids
    with open(os.path.join(ROOT, "Cargo.toml"), encoding="utf-8") as f:
        assert f'version = "{tacc.__version__}"' in f.read()


def test_version_and_options():
    assert tacc.__version__.count(".") == 2
    o = tacc.default_options()
    # The default method is the core's (tacc::DEFAULT_METHOD); the bindings never restate it.
    assert isinstance(o.method, tacc.Method) and o.zstd_level == 15 and o.gzip_level == 9 and o.checksum
    names = [tacc.method_name(m) for m in tacc.Method]
    assert names[:7] == ["stored", "zstd", "gzip", "lopace-token", "lopace-hybrid", "tacc", "tacc-gzip"]
    assert names[7:] == ["model-v1", "model"]
    # The frame's method number (8 is the stream header's).
    assert [m.value for m in tacc.Method] == [0, 1, 2, 3, 4, 5, 6, 7, 9]
    assert all(tacc.method_from_name(n) is m for n, m in zip(names, tacc.Method))
    c = tacc.Codec("cl100k_base")
    assert c.compress_text(TEXT) == c.compress_text(TEXT, method=o.method) == tacc.compress_text(TEXT)
    assert c.compress_text(TEXT, zstd_level=o.zstd_level, gzip_level=o.gzip_level, checksum=o.checksum) \
        == c.compress_text(TEXT)
    assert tacc.Options() == o and tacc.Options(method="zstd", checksum=False).method == tacc.Method.ZSTD
    for fn in [tacc.Codec.compress_text, tacc.Codec.compress_token_ids, tacc.Codec.compress_bytes]:
        ps = inspect.signature(fn).parameters
        # The defaults are the core's `Options::default()`, read when a call leaves them out (`...`
        # in the signature): this layer restates no level.
        assert (ps["zstd_level"].default, ps["gzip_level"].default, ps["checksum"].default) == (..., ..., ...)
        assert all(ps[k].kind is inspect.Parameter.KEYWORD_ONLY for k in ["method", "zstd_level", "checksum"])


@pytest.mark.parametrize("tok", TOKENIZERS)
@pytest.mark.parametrize("method", ALL_METHODS + [None])
def test_text_frames(tok, method):
    c = tacc.Codec(tok)
    frame = c.compress_text(TEXT, method=method)
    assert c.decompress_text(frame) == TEXT
    assert c.decompress(frame) == TEXT
    assert tacc.decompress(frame) == TEXT


@pytest.mark.parametrize("method", TOKEN_METHODS)
def test_token_id_frames(method):
    c = tacc.Codec("o200k_base")
    ids = c.tokenize(TEXT)
    frame = c.compress_token_ids(ids, method=method)
    assert c.decompress_token_ids(frame) == ids
    assert tacc.decompress(frame) == ids


def test_bytes_frames_and_options():
    c = tacc.Codec("cl100k_base")
    data = bytes(range(256)) * 4
    frame = c.compress_bytes(data)
    assert c.decompress(frame) == data and tacc.decompress(frame) == data
    assert c.decompress(c.compress_bytes(TEXT.encode())) == TEXT  # UTF-8 bytes travel as text
    f1 = c.compress_text(TEXT, method=tacc.Method.ZSTD, zstd_level=19, checksum=False)
    assert c.decompress_text(f1) == TEXT
    assert len(c.compress_text(TEXT, method="auto")) <= min(len(c.compress_text(TEXT, method=m)) for m in ALL_METHODS)
    with pytest.raises(ValueError):
        c.compress_text(TEXT, method="lzma")
    with pytest.raises(TypeError):
        c.compress_text(TEXT, method=3)
    with pytest.raises(ValueError):
        c.compress_token_ids([1, 2], method="zstd")  # zstd compresses text bytes, not IDs


def test_frame_errors():
    c = tacc.Codec("cl100k_base")
    frame = bytearray(c.compress_text(TEXT))
    with pytest.raises(tacc.CorruptPayloadError):
        c.decompress(b"no frame")
    frame[-1] ^= 0xFF
    with pytest.raises(tacc.ChecksumMismatchError):
        c.decompress(bytes(frame))
    with pytest.raises(ValueError):
        c.decompress_token_ids(c.compress_text(TEXT))  # holds text


def test_tokenize_detokenize_and_stats():
    c = tacc.Codec("cl100k_base")
    ids = c.tokenize(TEXT)
    assert c.detokenize(ids) == TEXT
    with pytest.raises(KeyError):
        c.detokenize([100256])
    s = c.stats(TEXT)
    assert [m.name for m in s.methods] == [tacc.method_name(m) for m in tacc.Method]
    assert [m.name for m in s.methods][:len(ALL_METHODS)] == ALL_METHODS
    assert s.original_bytes == len(TEXT.encode()) and s.original_tokens == len(ids)
    ls = c.lopace_stats(TEXT)
    assert [m.name for m in ls.methods] == ["zstd", "token", "hybrid"]
    payload = c.compress_lopace_payload(TEXT, tacc.LopaceMethod.TOKEN)
    assert c.decompress_lopace_payload(payload, tacc.LopaceMethod.TOKEN) == TEXT
    # This package's earlier names for the same calls.
    assert tacc.Codec.lopace_compress is _native.Codec.compress_lopace_payload
    assert c.lopace_decompress(c.lopace_compress(TEXT, "token"), "token") == TEXT
    e = c.order0_estimate(TEXT, "token")
    assert e.units == len(ids) and e.entropy_bits_per_unit > 0
    with pytest.raises(ValueError):
        c.order0_estimate(TEXT, "word")


def test_custom_tiktoken_file(tmp_path):
    import base64
    ranks = [bytes([b]) for b in range(256)] + [b"he", b"ll", b"hell", b"hello"]
    path = tmp_path / "tiny.tiktoken"
    path.write_text("".join(f"{base64.b64encode(t).decode()} {i}\n" for i, t in enumerate(ranks)))
    c = tacc.Codec.from_tiktoken_file(path, "gpt2")
    assert c.tokenize("hello") == [259]
    frame = c.compress_text("hello hello", method="lopace-hybrid")
    assert c.decompress_text(frame) == "hello hello"
    with pytest.raises(tacc.MismatchError):
        tacc.decompress(frame)  # custom tokenizer: needs this codec
    with pytest.raises(ValueError):
        c.encode_token_ids([1])  # no tacc mapping for a custom tokenizer


def test_native_errors_are_typed():
    """The extension raises the package's exception classes itself, with the library's messages."""
    with pytest.raises(tacc.UnknownTokenizerError, match="unknown tokenizer 'x'") as e:
        _native.Codec("x")
    assert e.value.kind == "UnknownTokenizer"
    c = _native.Codec("cl100k_base")
    with pytest.raises(tacc.CorruptPayloadError) as e:
        c.decode_token_ids(b"\xff")
    assert e.value.kind == "Corrupt"
    with pytest.raises(tacc.UnknownIdError) as e:
        c.encode_token_ids([100277])
    assert e.value.kind == "UnknownId" and e.value.code == 4 and isinstance(e.value, KeyError)
    with pytest.raises(tacc.InvalidArgumentError):
        c.compress_text(TEXT, method="zstd", zstd_level=99)


def test_token_id_inputs():
    """Any sequence or iterable of ints, as tacc; 4-byte integer buffers are read in one copy."""
    from array import array

    c = tacc.Codec("cl100k_base")
    ids = c.tokenize(TEXT)
    want = c.encode_token_ids(ids)
    packed = struct.pack(f"<{len(ids)}I", *ids)
    for form in [tuple(ids), iter(ids), array("I", ids), array("i", ids), array("L", ids) if array("L").itemsize == 4
                 else array("I", ids), memoryview(array("I", ids)), memoryview(packed).cast("I"), range(0)]:
        assert c.encode_token_ids(form) == (want if not isinstance(form, range) else c.encode_token_ids([]))
    assert c.detokenize(array("I", ids)) == TEXT
    assert c.token_id_to_mapped_id(array("I", ids)) == c.token_id_to_mapped_id(ids)
    mapped = c.token_id_to_mapped_id(ids)
    assert c.encode_mapped_ids(array("i", mapped)) == c.encode_mapped_ids(mapped) == want
    assert c.encode_token_ids(b"\x01\x02") == c.encode_token_ids([1, 2])  # bytes: one ID per byte, as tacc
    with pytest.raises(OverflowError):
        c.encode_token_ids(array("i", [1, -1]))
    with pytest.raises(OverflowError):
        c.encode_mapped_ids(array("I", [2**31]))
    with pytest.raises(TypeError):
        c.encode_token_ids("123")
    with pytest.raises(TypeError):
        c.encode_token_ids(array("d", [1.0]))
    with pytest.raises(TypeError):
        c.decode_token_ids(12)
    assert c.decode_token_ids(memoryview(want)) == ids == c.decode_token_ids(array("B", want))
    big = [2**32 - 1, c.vocab_size, c.vocab_size - 1, 0]  # beyond the vocabulary: new ints, not shared ones
    assert c.decode_raw_token_ids(c.encode_raw_token_ids(big)) == big


def test_one_codec_many_threads():
    c = tacc.Codec("cl100k_base")
    texts = [f"thread {i}: " + TEXT * (i % 5 + 1) for i in range(8)]
    errors = []

    def work(t):
        try:
            for _ in range(30):
                ids = c.tokenize(t)
                assert c.decode_token_ids(c.encode_token_ids(ids, gzip=True), gzip=True) == ids
                assert c.decompress_text(c.compress_text(t)) == t
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work, args=(t,)) for t in texts]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
