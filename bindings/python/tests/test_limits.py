"""Decode limits (``max_output=``, ``max_tokens=``) on every decode path, and the exception contract:
every failure is a ``tacc.TaccError`` (an ``Exception``), a panic included, and nothing is printed.

The hostile payloads of issue 12 are in test_hostile.py (each in its own process, with its peak
memory and CPU measured); this file checks the API on small inputs.
"""

import array
import inspect
import os
import subprocess
import sys

import pytest

import tacc
from tacc import _native
from tacc.lopace import CompressionMethod, PromptCompressor

MIB = 1 << 20
TEXT = "Limits bound what one decode may produce. " * 1000  # 43 KB of text
SPACES_128 = 58040  # cl100k_base: 128 spaces


@pytest.fixture(scope="module")
def codec():
    return tacc.Codec("cl100k_base")


# ---- the API: arguments, defaults, values in force ---------------------------------------------

def test_defaults_and_caps():
    assert tacc.DEFAULT_MAX_OUTPUT == 64 * MIB and tacc.DEFAULT_MAX_TOKENS == 16 * MIB
    assert tacc.MAX_OUTPUT_CAP == 1 << 30 and tacc.MAX_TOKENS_CAP == 1 << 28
    for name in ["DEFAULT_MAX_OUTPUT", "DEFAULT_MAX_TOKENS", "MAX_OUTPUT_CAP", "MAX_TOKENS_CAP"]:
        assert name in tacc.__all__
    c = tacc.Codec("gpt2")
    assert (c.max_output, c.max_tokens) == (tacc.DEFAULT_MAX_OUTPUT, tacc.DEFAULT_MAX_TOKENS)
    assert repr(c) == "tacc.Codec('gpt2')"
    d = tacc.StreamDecoder()
    assert (d.max_output, d.max_tokens) == (tacc.DEFAULT_MAX_OUTPUT, tacc.DEFAULT_MAX_TOKENS)


def test_keyword_arguments_everywhere():
    """Every decode entry point takes max_output= and max_tokens=, keyword-only, default None."""
    entry_points = [tacc.Codec.__init__, tacc.Codec.from_tiktoken_file, tacc.decompress, tacc.decompress_token_ids,
                    tacc.iter_decode, tacc.StreamDecoder, tacc.Codec("gpt2").stream_decoder, PromptCompressor.__init__]
    for f in entry_points:
        ps = inspect.signature(f).parameters
        for name in ("max_output", "max_tokens"):
            assert ps[name].kind is inspect.Parameter.KEYWORD_ONLY and ps[name].default is None, (f, name)


def test_values_in_force():
    c = tacc.Codec("cl100k_base", max_output=1000, max_tokens=10)
    assert (c.max_output, c.max_tokens) == (1000, 10)
    assert repr(c) == "tacc.Codec('cl100k_base', max_output=1000, max_tokens=10)"
    # One limit given: the other keeps its default.
    assert tacc.Codec("gpt2", max_tokens=5).max_output == tacc.DEFAULT_MAX_OUTPUT
    # Above the hard caps: clamped.
    big = tacc.Codec("gpt2", max_output=10**30, max_tokens=2**64)
    assert (big.max_output, big.max_tokens) == (tacc.MAX_OUTPUT_CAP, tacc.MAX_TOKENS_CAP)
    # A codec's stream decoders inherit its limits unless given others.
    assert (c.stream_decoder().max_output, c.stream_decoder().max_tokens) == (1000, 10)
    d = c.stream_decoder(max_output=77)
    assert (d.max_output, d.max_tokens) == (77, 10)
    d = tacc.StreamDecoder(max_tokens=3)
    assert (d.max_output, d.max_tokens) == (tacc.DEFAULT_MAX_OUTPUT, 3)
    assert PromptCompressor(max_output=123)._c.max_output == 123


@pytest.mark.parametrize("bad", [0, -1, -(2**70)])
def test_non_positive_limits_are_invalid(bad):
    for make in [lambda: tacc.Codec("gpt2", max_output=bad), lambda: tacc.StreamDecoder(max_tokens=bad),
                 lambda: tacc.decompress(b"", max_output=bad), lambda: PromptCompressor(max_tokens=bad)]:
        with pytest.raises(tacc.InvalidArgumentError, match="at least 1"):
            make()


@pytest.mark.parametrize("bad", ["1", 1.5, True, b"1"])
def test_limits_must_be_ints(bad):
    with pytest.raises(TypeError):
        tacc.Codec("gpt2", max_output=bad)
    with pytest.raises(TypeError):
        tacc.StreamDecoder(max_tokens=bad)


def test_within_limits_decodes(codec):
    """Exactly at the limit is allowed: the limit is the largest output, not one past it."""
    frame = codec.compress_text(TEXT)
    n = len(TEXT.encode())
    ids = codec.tokenize(TEXT)
    assert tacc.decompress(frame, max_output=n, max_tokens=len(ids)) == TEXT
    assert tacc.Codec("cl100k_base", max_output=n).decompress_text(frame) == TEXT
    id_frame = codec.compress_token_ids(ids)
    assert tacc.decompress(id_frame, max_output=4 * len(ids), max_tokens=len(ids)) == ids
    payload = codec.encode_token_ids(ids, gzip=True)
    assert tacc.decompress_token_ids(payload, tokenizer="cl100k_base", gzip=True, max_tokens=len(ids)) == ids


# ---- past a limit: TooLargeError, on every decode path ---------------------------------------------
#
# These fail until the core enforces the limits (src/codec.rs, src/codecs/*, src/stream.rs).

def _too_large(f):
    with pytest.raises(tacc.TooLargeError) as e:
        f()
    assert isinstance(e.value, ValueError) and e.value.kind == "TooLarge"
    assert "max_output" in str(e.value) or "max_tokens" in str(e.value), str(e.value)


@pytest.mark.parametrize("method", ["model", "zstd", "gzip", "stored", "lopace-hybrid", "lopace-token", "tacc-gzip"])
def test_text_frame_past_max_output(codec, method):
    frame = codec.compress_text(TEXT, method=method)
    n = len(TEXT.encode())
    _too_large(lambda: tacc.decompress(frame, max_output=n - 1))
    small = tacc.Codec("cl100k_base", max_output=n - 1)
    _too_large(lambda: small.decompress(frame))
    _too_large(lambda: small.decompress_text(frame))


@pytest.mark.parametrize("method", ["model", "stored", "lopace-hybrid", "tacc", "tacc-gzip"])
def test_token_id_frame_past_max_tokens(codec, method):
    ids = codec.tokenize(TEXT)
    frame = codec.compress_token_ids(ids, method=method)
    _too_large(lambda: tacc.decompress(frame, max_tokens=len(ids) - 1))
    _too_large(lambda: tacc.decompress(frame, max_output=4 * len(ids) - 1))
    _too_large(lambda: tacc.Codec("cl100k_base", max_tokens=len(ids) - 1).decompress_token_ids(frame))


def test_bytes_frame_past_max_output(codec):
    data = os.urandom(1000) + b"\xff" * 100_000
    frame = codec.compress_bytes(data, method="zstd")
    _too_large(lambda: tacc.decompress(frame, max_output=len(data) - 1))


def test_tacc_payloads_past_max_tokens(codec):
    """tacc 0.1.0's payloads (Codec.decode_*, tacc.decompress_token_ids): the token limit, gzip or not."""
    ids = codec.tokenize(TEXT)
    small = tacc.Codec("cl100k_base", max_tokens=len(ids) - 1)
    for gzip in (False, True):
        payload = codec.encode_token_ids(ids, gzip=gzip)
        _too_large(lambda: small.decode_token_ids(payload, gzip=gzip))
        _too_large(lambda: small.decode_mapped_ids(payload, gzip=gzip))
        _too_large(lambda: small.decode_tokens(payload, gzip=gzip))
        _too_large(lambda: tacc.decompress_token_ids(payload, tokenizer="cl100k_base", gzip=gzip,
                                                     max_tokens=len(ids) - 1))
        raw = codec.encode_raw_token_ids(ids, gzip=gzip)
        _too_large(lambda: small.decode_raw_token_ids(raw, gzip=gzip))


@pytest.mark.parametrize("method", ["zstd", "token", "hybrid"])
def test_lopace_payloads_past_max_output(codec, method):
    payload = codec.lopace_compress(TEXT, method)
    n = len(TEXT.encode())
    _too_large(lambda: tacc.Codec("cl100k_base", max_output=n - 1).lopace_decompress(payload, method))
    m = CompressionMethod(method)
    _too_large(lambda: PromptCompressor(max_output=n - 1).decompress(payload, m))
    assert PromptCompressor(max_output=n).decompress(payload, m) == TEXT


def test_stream_chunk_past_max_output(codec):
    """A stream decoder's max_output bounds each pushed chunk (its text, 12,800 bytes here, plus its
    token IDs x 4); its max_tokens the whole stream."""
    enc = codec.stream_encoder()
    enc.push_token_ids(array.array("I", [SPACES_128]) * 100)  # 12,800 bytes of text in one chunk
    chunk = enc.flush()
    _too_large(lambda: tacc.StreamDecoder(max_output=12_799).push(chunk))
    _too_large(lambda: codec.stream_decoder(max_output=12_799).push(chunk))
    _too_large(lambda: tacc.Codec("cl100k_base", max_output=12_799).stream_decoder().push(chunk))
    _too_large(lambda: tacc.StreamDecoder(max_tokens=99).push(chunk))
    with pytest.raises(tacc.TooLargeError):
        list(tacc.iter_decode([chunk], max_output=12_799, require_end=False))
    assert tacc.StreamDecoder(max_output=12_800 + 4 * 100).push(chunk).text == " " * 12_800
    # Tokens count over the whole stream: the second chunk passes max_tokens.
    enc.push_token_ids([SPACES_128] * 100)
    second = enc.flush()
    d = tacc.StreamDecoder(max_tokens=150)
    d.push(chunk)
    _too_large(lambda: d.push(second))
    assert d.is_failed


# ---- exceptions: every failure is a TaccError, a panic too, and nothing is printed ----------------------

ERROR_CLASSES = [tacc.InvalidArgumentError, tacc.NullArgumentError, tacc.UnknownTokenizerError,
                 tacc.UnknownIdError, tacc.CorruptPayloadError, tacc.ChecksumMismatchError, tacc.TooLargeError,
                 tacc.InvalidUtf8Error, tacc.MismatchError, tacc.TaccIOError, tacc.InternalError]


def test_error_classes():
    """One class per kind of the core (tests/test_vectors.py checks them against the core's table)."""
    for cls in ERROR_CLASSES + [tacc.TaccError]:
        assert issubclass(cls, tacc.TaccError) and issubclass(cls, Exception), cls
        assert cls.__name__ in tacc.__all__
    kinds = [cls.kind for cls in ERROR_CLASSES]
    assert len(set(kinds)) == len(kinds) and None not in kinds
    assert [cls.code for cls in ERROR_CLASSES] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100]
    assert tacc.TaccError.kind is None
    # The built-in bases tacc 0.1.0 / LoPace 0.1.5 users catch.
    assert issubclass(tacc.InternalError, RuntimeError) and issubclass(tacc.TaccIOError, OSError)
    assert issubclass(tacc.UnknownIdError, KeyError) and issubclass(tacc.InvalidUtf8Error, ValueError)
    for cls in [tacc.InvalidArgumentError, tacc.UnknownTokenizerError, tacc.CorruptPayloadError,
                tacc.ChecksumMismatchError, tacc.TooLargeError, tacc.MismatchError]:
        assert issubclass(cls, ValueError), cls
    # Earlier releases' finer names are the one UnknownId class (the core has one kind for the three).
    assert tacc.UnknownTokenIdError is tacc.UnknownMappedIdError is tacc.UnknownTokenError is tacc.UnknownIdError


def _partial_character_token(codec):
    """A token that is one byte of a multi-byte UTF-8 character."""
    for i in range(1000):
        try:
            codec.detokenize([i])
        except tacc.InvalidUtf8Error:
            return i
    raise AssertionError("no partial-character token below 1000")


def test_instances_carry_their_class_kind(codec):
    """e.kind / e.code are the class's, which are the core's kind name and code (no instance says
    otherwise): the unknown token ID, mapped ID and token all arrive as UnknownId."""
    cases = [
        (lambda: codec.detokenize([10**9]), tacc.UnknownIdError, "UnknownId", 4),
        (lambda: codec.mapped_id_to_token_id([2**31 - 1]), tacc.UnknownIdError, "UnknownId", 4),
        (lambda: codec.encode_tokens(["notatokenxyzzy"]), tacc.UnknownIdError, "UnknownId", 4),
        (lambda: codec.detokenize([_partial_character_token(codec)]), tacc.InvalidUtf8Error, "InvalidUtf8", 8),
        (lambda: codec.decode_token_ids(b"\xff"), tacc.CorruptPayloadError, "Corrupt", 5),
        (lambda: tacc.Codec("nope"), tacc.UnknownTokenizerError, "UnknownTokenizer", 3),
        (lambda: tacc.Codec("cl100k_base", mapping_path="/nonexistent/tacc.map"), tacc.TaccIOError, "Io", 10),
    ]
    for call, cls, kind, code in cases:
        with pytest.raises(tacc.TaccError) as e:
            call()
        assert type(e.value) is cls and e.value.kind == kind == cls.kind, (cls, e.value)
        assert e.value.code == code == cls.code
        assert "kind" not in vars(e.value) and "code" not in vars(e.value)


@pytest.mark.parametrize("release_gil", [False, True])
def test_panic_is_internal_error(release_gil):
    with pytest.raises(Exception) as e:  # noqa: PT011 - the point: `except Exception` catches it
        _native._panic_for_tests("boom", release_gil)
    assert type(e.value) is tacc.InternalError and isinstance(e.value, tacc.TaccError)
    assert e.value.kind == "Internal" and e.value.code == 100 and "boom" in str(e.value)
    # The module still works after a caught panic.
    assert tacc.Codec("gpt2").tokenize("ok") == [482]


def _run(code, timeout=120):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd="/",
                          timeout=timeout)


def test_panic_prints_nothing():
    """No panic message or backtrace in the host's stderr, with or without RUST_BACKTRACE."""
    code = (
        "import tacc\n"
        "for gil in (False, True):\n"
        "    try:\n"
        "        tacc._native._panic_for_tests('quiet please', gil)\n"
        "    except tacc.InternalError:\n"
        "        print('caught')\n"
    )
    for bt in ("0", "1", "full"):
        p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/", timeout=120,
                           env=dict(os.environ, RUST_BACKTRACE=bt,
                                    PYTHONPATH=os.pathsep.join(x for x in sys.path if x)))
        assert p.returncode == 0 and p.stdout == "caught\ncaught\n", p
        assert p.stderr == "", p.stderr


SPACE_RUN_CODE = r"""
import base64, json, sys, tempfile, os
import tacc
out = {}
def attempt(name, f):
    try:
        r = f()
        out[name] = "ok"
    except BaseException as e:  # noqa: BLE001 - the test: what kind of exception, if any
        out[name] = [type(e).__name__, isinstance(e, tacc.TaccError), isinstance(e, Exception), str(e)[:200]]
spaces = " " * 1_000_000
for tok in ["gpt2", "r50k_base", "p50k_base", "p50k_edit", "cl100k_base", "o200k_base"]:
    c = tacc.Codec(tok)
    attempt(tok + " compress_text", lambda: c.compress_text(spaces))
    attempt(tok + " tokenize", lambda: c.tokenize("x" + spaces + "x"))
# A custom rank file with tiktoken's own GPT-2 pattern (a regex with a look-ahead: tiktoken-rs).
ranks = [bytes([b]) for b in range(256)] + [b"  ", b"    "]
d = tempfile.mkdtemp()
path = os.path.join(d, "tiny.tiktoken")
with open(path, "w") as f:
    f.write("".join(f"{base64.b64encode(t).decode()} {i}\n" for i, t in enumerate(ranks)))
pattern = r"'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"
c = tacc.Codec.from_tiktoken_file(path, pattern)
attempt("custom pattern tokenize", lambda: c.tokenize(spaces + "x"))
attempt("custom pattern compress_text", lambda: c.compress_text(spaces, method="lopace-hybrid"))
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def space_runs():
    import json

    p = _run(SPACE_RUN_CODE, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    return json.loads(p.stdout), p.stderr


def test_long_space_runs_never_panic_exception(space_runs):
    """A run of 1 M spaces (issue 12: a panic inside tiktoken-rs' regex) succeeds or raises a TaccError;
    never PanicException, never a message in stderr."""
    results, stderr = space_runs
    assert stderr == "", stderr[-2000:]
    for name, r in results.items():
        assert r == "ok" or (r[1] and r[2]), (name, r)


def test_long_space_runs_no_internal_error(space_runs):
    """Stricter: no panic at all inside the library (an InternalError is a caught panic: a bug)."""
    results, _ = space_runs
    bad = {name: r for name, r in results.items() if r != "ok" and r[0] == "InternalError"}
    assert not bad, bad
