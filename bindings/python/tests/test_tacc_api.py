"""tacc 0.1.0's API, method by method: signatures, return types, round trips, errors."""

import inspect
import os
import struct

import pytest

import tacc
from conftest import ROOT, TOKENIZERS

TEXT = "Hello, world! Token-aware compression: naïve café, 中文, emoji 😀.\n\tdone"


@pytest.fixture(scope="module", params=TOKENIZERS)
def codec(request):
    return tacc.Codec(request.param)


def test_module_api_matches_tacc_0_1_0():
    for name in ["Codec", "compress_token_ids", "decompress_token_ids", "list_available_tokenizers"]:
        assert name in tacc.__all__ and hasattr(tacc, name)
    # tacc 0.1.0's built-ins in its order, then the open models' vocabularies (test_open_vocabs.py).
    assert tacc.list_available_tokenizers()[: len(TOKENIZERS)] == TOKENIZERS
    assert tacc.list_available_tokenizers() == TOKENIZERS + list(tacc.OPEN_VOCABS)
    sig = inspect.signature(tacc.Codec.__init__)
    assert sig.parameters["mapping_path"].kind is inspect.Parameter.KEYWORD_ONLY
    for m in ["encode_tokens", "encode_token_ids", "encode_mapped_ids", "encode_raw_token_ids",
              "decode_mapped_ids", "decode_tokens", "decode_token_ids"]:
        p = inspect.signature(getattr(tacc.Codec, m)).parameters["gzip"]
        assert p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is False, m
    for f in [tacc.compress_token_ids, tacc.decompress_token_ids]:
        ps = inspect.signature(f).parameters
        assert ps["tokenizer"].kind is inspect.Parameter.KEYWORD_ONLY
        assert ps["gzip"].default is False and ps["mapping_path"].default is None


def test_tokenizer_name(codec):
    assert codec.tokenizer_name in TOKENIZERS
    assert codec.vocab_size > 50000


@pytest.mark.parametrize("gzip", [False, True])
def test_token_ids_round_trip(codec, gzip):
    ids = codec.tokenize(TEXT)
    payload = codec.encode_token_ids(ids, gzip=gzip)
    assert type(payload) is bytes
    back = codec.decode_token_ids(payload, gzip=gzip)
    assert type(back) is list and back == ids
    assert codec.detokenize(back) == TEXT
    # any iterable and any bytes-like payload, as tacc accepts
    assert codec.encode_token_ids(iter(ids), gzip=gzip) == payload
    assert codec.decode_token_ids(bytearray(payload), gzip=gzip) == ids
    assert codec.decode_token_ids(memoryview(payload), gzip=gzip) == ids


@pytest.mark.parametrize("gzip", [False, True])
def test_mapped_ids_round_trip(codec, gzip):
    ids = codec.tokenize(TEXT)
    mapped = codec.token_id_to_mapped_id(ids)
    assert all(type(m) is int for m in mapped)
    assert codec.mapped_id_to_token_id(mapped) == ids
    payload = codec.encode_mapped_ids(mapped, gzip=gzip)
    assert payload == codec.encode_token_ids(ids, gzip=gzip)
    assert codec.decode_mapped_ids(payload, gzip=gzip) == mapped


@pytest.mark.parametrize("gzip", [False, True])
def test_raw_token_ids_round_trip(codec, gzip):
    ids = codec.tokenize(TEXT)
    payload = codec.encode_raw_token_ids(ids, gzip=gzip)
    assert codec.decode_mapped_ids(payload, gzip=gzip) == ids
    assert codec.decode_raw_token_ids(payload, gzip=gzip) == ids


@pytest.mark.parametrize("gzip", [False, True])
def test_tokens_round_trip(codec, gzip):
    ids = codec.tokenize("The quick brown fox jumps over the lazy dog.")
    tokens = codec.decode_tokens(codec.encode_token_ids(ids, gzip=gzip), gzip=gzip)
    assert "".join(tokens) == "The quick brown fox jumps over the lazy dog."
    assert codec.encode_tokens(tokens, gzip=gzip) == codec.encode_token_ids(ids, gzip=gzip)


def test_empty_inputs(codec):
    assert codec.encode_token_ids([]) == bytes.fromhex("190500")
    assert codec.decode_token_ids(bytes.fromhex("190500")) == []
    assert codec.token_id_to_mapped_id([]) == []
    assert codec.mapped_id_to_token_id([]) == []
    assert codec.encode_tokens([]) == bytes.fromhex("190500")


def test_module_functions():
    ids = [9906, 11, 1917, 0]
    p = tacc.compress_token_ids(ids, tokenizer="cl100k_base")
    assert p == bytes.fromhex("1945858f0102a804fa0500")
    assert tacc.decompress_token_ids(p, tokenizer="cl100k_base") == ids
    pg = tacc.compress_token_ids(ids, tokenizer="gpt2", gzip=True)
    assert tacc.decompress_token_ids(pg, tokenizer="gpt2", gzip=True) == ids


def test_mapping_path_builtin_file_gives_same_bytes():
    path = os.path.join(ROOT, "mappings", "cl100k_base.tmap.zst")
    custom = tacc.Codec("cl100k_base", mapping_path=path)
    builtin = tacc.Codec("cl100k_base")
    ids = builtin.tokenize(TEXT)
    assert custom.encode_token_ids(ids, gzip=True) == builtin.encode_token_ids(ids, gzip=True)
    assert tacc.compress_token_ids(ids, tokenizer="cl100k_base", mapping_path=path) == builtin.encode_token_ids(ids)
    assert tacc.decompress_token_ids(builtin.encode_token_ids(ids), tokenizer="cl100k_base", mapping_path=path) == ids


def _write_mapping(path, forward):
    with open(path, "wb") as f:
        f.write(b"TACCMAP1" + struct.pack("<I", len(forward)) + struct.pack(f"<{len(forward)}i", *forward))


def _rank_to_mapped(r):
    return (r + 1) // 2 if r % 2 else -(r // 2)


def test_mapping_path_custom_table(tmp_path):
    builtin = tacc.Codec("gpt2")
    n = builtin.vocab_size
    # reverse frequency order: the last token ID is the "most frequent"
    path = tmp_path / "reversed.tmap"
    _write_mapping(path, [_rank_to_mapped(n - 1 - k) for k in range(n)])
    custom = tacc.Codec("gpt2", mapping_path=path)
    ids = builtin.tokenize(TEXT)
    assert custom.token_id_to_mapped_id([n - 1, n - 2, n - 3]) == [0, 1, -1]
    payload = custom.encode_token_ids(ids)
    assert payload != builtin.encode_token_ids(ids)
    assert custom.decode_token_ids(payload) == ids
    assert custom.mapped_id_to_token_id(custom.token_id_to_mapped_id(ids)) == ids


def test_mapping_path_errors(tmp_path):
    with pytest.raises(OSError):
        tacc.Codec("gpt2", mapping_path=tmp_path / "missing.tmap")
    bad = tmp_path / "bad.tmap"
    bad.write_bytes(b"not a mapping")
    with pytest.raises(ValueError):
        tacc.Codec("gpt2", mapping_path=bad)


# ---- errors: the exception types tacc 0.1.0 raises, or ValueError where it raised Exception ----

def test_unknown_tokenizer():
    with pytest.raises(ValueError, match="unknown tokenizer 'nope'") as e:
        tacc.Codec("nope")
    assert isinstance(e.value, tacc.UnknownTokenizerError) and isinstance(e.value, Exception)
    with pytest.raises(ValueError):
        tacc.compress_token_ids([1], tokenizer="nope")


def test_key_errors():
    c = tacc.Codec("cl100k_base")
    with pytest.raises(KeyError, match="100277"):
        c.encode_token_ids([100277])
    with pytest.raises(KeyError):
        c.token_id_to_mapped_id([100277])
    with pytest.raises(KeyError):
        c.mapped_id_to_token_id([50139])
    with pytest.raises(KeyError):
        c.encode_tokens(["notatokenxyzzy"])
    with pytest.raises(KeyError):
        c.decode_token_ids(bytes.fromhex("191580897a00"))  # mapped ID 1000000
    assert c.decode_mapped_ids(bytes.fromhex("191580897a00")) == [1000000]
    with pytest.raises(tacc.UnknownIdError):
        c.encode_token_ids([100277])


def test_overflow_and_type_errors():
    c = tacc.Codec("cl100k_base")
    with pytest.raises(OverflowError):
        c.encode_token_ids([-1])
    with pytest.raises(OverflowError):
        c.encode_raw_token_ids([2**32])
    with pytest.raises(OverflowError):
        c.encode_mapped_ids([2**31])
    with pytest.raises(TypeError):
        c.encode_token_ids([1.5])
    with pytest.raises(TypeError):
        c.encode_token_ids([1, 2], True)  # gzip is keyword-only


@pytest.mark.parametrize("hexpayload,gzip", [
    ("", False), ("19", False), ("ffffffff", False), ("68656c6c6f20776f726c64", False), ("00", False),
    ("1935858f01a804fa0500", True), ("1f8b08000000000000ff93346ded675cc1f28b9501008ac45ff8", True),
])
def test_corrupt_payloads_raise_value_error(hexpayload, gzip):
    c = tacc.Codec("cl100k_base")
    with pytest.raises(ValueError) as e:
        c.decode_token_ids(bytes.fromhex(hexpayload), gzip=gzip)
    assert isinstance(e.value, tacc.CorruptPayloadError)
    assert "corrupt" in str(e.value)
    with pytest.raises(ValueError):
        c.decode_mapped_ids(bytes.fromhex(hexpayload), gzip=gzip)
    with pytest.raises(ValueError):
        c.decode_tokens(bytes.fromhex(hexpayload), gzip=gzip)
