"""Frames and every core call beyond tacc/LoPace, the uniffi error mapping, threads, and packaging."""

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


def test_generated_module_is_the_checked_in_one():
    installed = os.path.join(os.path.dirname(_native.__file__), "tacc.py")
    with open(installed, "rb") as a, open(os.path.join(ROOT, "bindings", "python", "generated", "tacc.py"), "rb") as b:
        assert a.read() == b.read(), "run tools/gen-bindings.sh and reinstall"


def test_version_and_options():
    assert tacc.__version__.count(".") == 2
    o = tacc.default_options()
    assert o.method == tacc.Method.TACC_GZIP and o.zstd_level == 15 and o.gzip_level == 9 and o.checksum
    assert [tacc.method_name(m) for m in tacc.Method] == ["stored", "zstd", "gzip", "lopace-token",
                                                          "lopace-hybrid", "tacc", "tacc-gzip"]


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
    assert [m.name for m in s.methods] == ALL_METHODS
    assert s.original_bytes == len(TEXT.encode()) and s.original_tokens == len(ids)
    ls = c.lopace_stats(TEXT)
    assert [m.name for m in ls.methods] == ["zstd", "token", "hybrid"]
    assert c.lopace_decompress(c.lopace_compress(TEXT, tacc.LopaceMethod.TOKEN), tacc.LopaceMethod.TOKEN) == TEXT
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
    """The uniffi layer itself raises a proper error enum with the library's messages."""
    with pytest.raises(_native.TaccError.UnknownTokenizer, match="unknown tokenizer 'x'"):
        _native.Codec("x")
    c = _native.Codec("cl100k_base")
    with pytest.raises(_native.TaccError.Corrupt):
        c.decode_token_ids(b"\xff", False)
    with pytest.raises(_native.TaccError.InvalidArgument, match="multiple of 4"):
        c.encode_token_ids_packed(b"\x01\x02\x03", False)
    assert c.encode_token_ids([9906, 11], False) == c.encode_token_ids_packed(struct.pack("<2I", 9906, 11), False)


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
