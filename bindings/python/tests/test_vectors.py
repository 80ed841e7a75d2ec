"""The shared test vectors every language reads (tests/vectors, written by the core's tests).

frames.json: every frame decodes to its content, through the Python API (custom tacc mappings too:
a Python codec loads them from a file), and its content compresses to the same bytes. streams: the chunks, pushed in order, give the token IDs.
errors.json: every error kind of the core has its one exception class, carrying the kind's name and
code, and every case, run through the Python API, raises exactly that class.
"""

import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT

import tacc
from tacc import _errors, _native

VECTORS = os.path.join(ROOT, "tests", "vectors")


def _load(name):
    path = os.path.join(VECTORS, name)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


FRAMES = _load("frames.json")
ERRORS = _load("errors.json")


@pytest.fixture(scope="module")
def codec_for(tmp_path_factory):
    """A codec per (tokenizer, custom mapping): the mapping is written to a file for `mapping_path`."""
    cache = {}

    def get(tokenizer, mapping_hex=None):
        key = (tokenizer, mapping_hex)
        if key not in cache:
            path = None
            if mapping_hex:
                path = tmp_path_factory.mktemp("mapping") / "custom.taccmap"
                path.write_bytes(bytes.fromhex(mapping_hex))
            cache[key] = tacc.Codec(tokenizer, mapping_path=path)
        return cache[key]

    return get


def _content(case):
    kind = case["kind"]
    if kind == "text":
        return case["text"]
    if kind == "token_ids":
        return case["token_ids"]
    if kind == "bytes":
        return bytes.fromhex(case["bytes_hex"])
    raise AssertionError(f"unknown content kind {kind!r} in frames.json")


# ---- frames and streams -------------------------------------------------------------------------

def test_frames_file_is_present():
    assert FRAMES is not None, "tests/vectors/frames.json is missing"
    assert FRAMES["cases"] and FRAMES["streams"]


@pytest.mark.parametrize("case", FRAMES["cases"] if FRAMES else [],
                         ids=lambda c: f"{c['label']}-{c['method']}-{c['kind']}")
def test_frame_decodes_to_its_content(case, codec_for):
    codec = codec_for(case["tokenizer"], case.get("mapping_hex"))
    frame = bytes.fromhex(case["frame_hex"])
    want = _content(case)
    assert codec.decompress(frame) == want
    if case["kind"] == "text":
        assert codec.decompress_text(frame) == want
    elif case["kind"] == "token_ids":
        assert codec.decompress_token_ids(frame) == want
    if not case.get("mapping_hex"):
        # A built-in tokenizer's frame needs no codec.
        assert tacc.decompress(frame) == want


@pytest.mark.parametrize("case", FRAMES["cases"] if FRAMES else [],
                         ids=lambda c: f"{c['label']}-{c['method']}-{c['kind']}")
def test_content_compresses_to_the_same_frame(case, codec_for):
    """The same bytes from Python: the frames were written with the default levels."""
    codec = codec_for(case["tokenizer"], case.get("mapping_hex"))
    compress = {"text": codec.compress_text, "token_ids": codec.compress_token_ids,
                "bytes": codec.compress_bytes}[case["kind"]]
    frame = compress(_content(case), method=case["method"], checksum=case["checksum"])
    assert frame.hex() == case["frame_hex"]


@pytest.mark.parametrize("stream", FRAMES["streams"] if FRAMES else [], ids=lambda s: s["tokenizer"])
def test_stream_chunks_decode_to_their_token_ids(stream):
    decoder = tacc.StreamDecoder()
    ids = []
    for chunk in stream["chunks_hex"]:
        ids += decoder.push(bytes.fromhex(chunk)).token_ids
    assert ids == stream["token_ids"]
    assert decoder.is_finished
    # iter_decode gives the same stream's text.
    text = "".join(tacc.iter_decode(bytes.fromhex(c) for c in stream["chunks_hex"]))
    assert text == tacc.Codec(stream["tokenizer"]).detokenize(stream["token_ids"])


# ---- error kinds: one class each, named and numbered by the core --------------------------------

def test_every_core_kind_has_one_class():
    kinds = _native.error_kinds()
    assert sorted(k for k, _, _ in kinds) == sorted(_errors.BY_KIND)  # every kind, none extra
    classes = set()
    for name, code, description in kinds:
        cls = _errors.BY_KIND[name]
        assert cls.kind == name and cls.code == code and cls.description == description, cls
        assert issubclass(cls, tacc.TaccError) and cls.__name__ in tacc.__all__
        assert getattr(tacc, cls.__name__) is cls
        classes.add(cls)
    assert len(classes) == len(kinds)


def test_a_kind_the_core_adds_later_gets_a_class_without_editing_python():
    # In a child process: reloading tacc._errors here would replace the classes other tests use.
    script = """
import tacc._native as n, tacc._errors as e, importlib
kinds = n.error_kinds
n.error_kinds = lambda: list(kinds()) + [("BrandNew", 11, "brand new")]
importlib.reload(e)
cls = e.BY_KIND["BrandNew"]
assert cls.__name__ == "BrandNewError" and cls.code == 11 and issubclass(cls, e.TaccError)
assert len(e.BY_KIND) == len(kinds()) + 1
"""
    subprocess.run([sys.executable, "-c", script], check=True)


def test_errors_file_kinds_match_the_core():
    if ERRORS is None:
        pytest.skip("tests/vectors/errors.json is not in this tree yet")
    core = [(k, c, d) for k, c, d in _native.error_kinds()]
    assert [(k["name"], k["code"], k["description"]) for k in ERRORS["kinds"]] == core
    for k in ERRORS["kinds"]:
        cls = _errors.BY_KIND[k["name"]]
        assert cls.kind == k["name"] and cls.code == k["code"]


def _run(case):
    """The case's call through the public Python API."""
    call = case["call"]
    tokenizer = case.get("tokenizer", "cl100k_base")
    if call == "new_codec":
        tacc.Codec(tokenizer)
        return
    limits = {}
    if "max_output_bytes" in case:
        limits["max_output"] = case["max_output_bytes"]
    if "max_tokens" in case:
        limits["max_tokens"] = case["max_tokens"]
    codec = tacc.Codec(tokenizer, **limits)
    data = bytes.fromhex(case.get("data_hex", ""))
    if call in ("decompress", "decompress_text", "decompress_token_ids"):
        getattr(codec, call)(data)
    elif call == "detokenize":
        codec.detokenize(case["token_ids"])
    elif call == "compress_bytes":
        codec.compress_bytes(data, method=case["method"])
    else:
        raise AssertionError(f"unknown call {call!r} in errors.json")


@pytest.mark.parametrize("case", ERRORS["cases"] if ERRORS else [], ids=lambda c: c["label"])
def test_error_case_raises_its_kind(case):
    codes = {k["name"]: k["code"] for k in ERRORS["kinds"]}
    with pytest.raises(tacc.TaccError) as e:
        _run(case)
    assert type(e.value) is _errors.BY_KIND[case["kind"]], (case["label"], type(e.value), str(e.value))
    assert e.value.kind == case["kind"] and e.value.code == codes[case["kind"]]
