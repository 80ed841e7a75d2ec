"""LoPace 0.1.5's API, method by method (tacc.lopace)."""

import inspect

import pytest

from tacc.lopace import CompressionMethod, PromptCompressor

TEXT = "You are a helpful assistant.\n\nAnswer briefly: what is 2 + 2? Café ☕ 中文"


@pytest.fixture(scope="module")
def pc():
    return PromptCompressor(model="cl100k_base", zstd_level=15)


def test_constructor_and_attributes():
    assert [m.value for m in CompressionMethod] == ["zstd", "token", "hybrid"]
    sig = inspect.signature(PromptCompressor.__init__)
    assert sig.parameters["model"].default == "cl100k_base" and sig.parameters["zstd_level"].default == 15
    pc = PromptCompressor()
    assert pc.model == "cl100k_base" and pc.zstd_level == 15
    assert pc.tokenizer.decode(pc.tokenizer.encode("hello world")) == "hello world"
    assert pc.tokenizer.n_vocab == 100277
    with pytest.raises(ValueError, match="zstd_level must be between 1 and 22"):
        PromptCompressor(zstd_level=23)
    with pytest.raises(ValueError):
        PromptCompressor(zstd_level=0)
    with pytest.raises(ValueError):
        PromptCompressor(model="nope")


@pytest.mark.parametrize("name", ["zstd", "token", "hybrid"])
def test_method_pairs(pc, name):
    comp, decomp = getattr(pc, f"compress_{name}"), getattr(pc, f"decompress_{name}")
    blob = comp(TEXT)
    assert type(blob) is bytes and decomp(blob) == TEXT
    m = CompressionMethod(name)
    assert pc.compress(TEXT, m) == blob
    assert pc.decompress(blob, m) == TEXT
    assert pc.compress_and_return_both(TEXT, m) == (TEXT, blob)
    assert comp("") is not None and decomp(comp("")) == ""


def test_default_method_is_hybrid(pc):
    assert pc.compress(TEXT) == pc.compress_hybrid(TEXT)
    assert pc.decompress(pc.compress(TEXT)) == TEXT
    assert pc.compress_and_return_both(TEXT)[1] == pc.compress_hybrid(TEXT)


def test_unknown_method(pc):
    with pytest.raises(ValueError, match="Unknown compression method"):
        pc.compress(TEXT, "lzma")
    with pytest.raises(ValueError):
        pc.decompress(b"", "lzma")
    assert pc.compress(TEXT, "token") == pc.compress_token(TEXT)  # the enum's values also work


def test_token_format_byte(pc):
    assert pc.compress_token("hello") == bytes.fromhex("00eb3b")
    assert pc.compress_token("") == b"\x00"
    o200k = PromptCompressor(model="o200k_base")
    blob = o200k.compress_token("日本語のテキスト")
    assert blob[0] in (0, 1) and o200k.decompress_token(blob) == "日本語のテキスト"


def test_stats_shapes(pc):
    s = pc.get_compression_stats(TEXT)
    assert list(s) == ["original_size_bytes", "original_size_tokens", "methods"]
    assert list(s["methods"]) == ["zstd", "token", "hybrid"]
    for m in s["methods"].values():
        assert list(m) == ["compressed_size_bytes", "compression_ratio", "space_saved_percent", "bytes_saved"]
    assert s["methods"]["token"]["compressed_size_bytes"] == len(pc.compress_token(TEXT))
    one = pc.get_compression_stats(TEXT, CompressionMethod.TOKEN)
    assert list(one["methods"]) == ["token"]
    empty = pc.get_compression_stats("")
    assert empty["methods"]["zstd"]["compression_ratio"] == 0 and type(empty["methods"]["zstd"]["compression_ratio"]) is int


def test_entropy_and_limit(pc):
    assert pc.calculate_shannon_entropy("") == 0.0
    assert pc.calculate_shannon_entropy("aaaa") == 0.0
    assert pc.calculate_shannon_entropy("abab") == pytest.approx(1.0)
    assert pc.calculate_shannon_entropy("abcd", "byte") == pytest.approx(2.0)
    lim = pc.get_theoretical_compression_limit(TEXT)
    assert list(lim) == ["entropy_bits_per_unit", "theoretical_min_bits", "theoretical_min_bytes",
                         "original_size_bytes", "theoretical_compression_ratio", "theoretical_space_savings_percent"]
    assert lim["original_size_bytes"] == len(TEXT.encode()) and type(lim["original_size_bytes"]) is int
    assert lim["theoretical_min_bits"] == pytest.approx(lim["entropy_bits_per_unit"] * len(TEXT))
    assert list(pc.get_theoretical_compression_limit("")) == ["entropy_bits_per_unit", "theoretical_min_bits",
                                                             "theoretical_min_bytes", "original_size_bytes",
                                                             "theoretical_compression_ratio"]


def test_special_token_text_is_ordinary_text(pc):
    text = "before <|endoftext|> after"
    for m in CompressionMethod:
        assert pc.decompress(pc.compress(text, m), m) == text


def test_corrupt_payloads(pc):
    with pytest.raises(ValueError):
        pc.decompress_zstd(b"not zstd")
    with pytest.raises(ValueError):
        pc.decompress_token(b"")
    with pytest.raises(ValueError):
        pc.decompress_token(b"\x00\x01")  # odd uint16 length
    with pytest.raises(ValueError):
        pc.decompress_hybrid(b"\x28\xb5\x2f\xfd")
