"""What a user's `mypy --strict` sees of the installed package (.ci/python.sh checks this file; it is
never run). Each `assert_type` fails the check if a stub's type changes; the `type: ignore[...]`
lines must stay errors (mypy's warn_unused_ignores, on under --strict, fails when they are not)."""

from __future__ import annotations

from array import array
from typing import Any

from typing_extensions import assert_type

import tacc
from tacc.lopace import CompressionMethod, PromptCompressor

codec = tacc.Codec("cl100k_base", max_output=1 << 20)
ids = codec.tokenize("Hello, world!")
assert_type(ids, list[int])
assert_type(codec.encode_token_ids(array("I", ids), gzip=True), bytes)
assert_type(codec.decode_token_ids(memoryview(b""), gzip=True), list[int])
assert_type(codec.detokenize((1, 2, 3)), str)
assert_type(codec.vocab, "str | None")
assert_type(codec.max_tokens, int)
frame = codec.compress_text("Hello", method="model", checksum=False)
assert_type(frame, bytes)
assert_type(tacc.decompress(frame, max_output=None), "str | list[int] | bytes")
assert_type(codec.decompress_text(bytearray(frame)), str)
assert_type(tacc.Codec.from_priors(b"...", max_tokens=10), tacc.Codec)
assert_type(tacc.method_from_name("zstd"), tacc.Method)
assert_type(tacc.default_options().method, "tacc.Method | None")
assert_type(codec.stats("text").methods[0].ratio, float)
assert_type(codec.order0_estimate("text", tacc.EntropyUnit.BYTE).units, int)
assert_type(tacc.BUILTIN_TOKENIZERS, "tuple[str, ...]")
assert_type(tacc.compress_token_ids([1, 2], tokenizer="cl100k_base"), bytes)

enc = codec.stream_encoder(chunk_check=True)
enc.push_text("Hello")
chunks = [enc.flush(), enc.finish()]
dec = codec.stream_decoder(max_tokens=1000)
update = dec.push(chunks[0])
assert_type(update.token_ids, list[int])
assert_type(update.finished, bool)
for piece in tacc.iter_decode(chunks, codec=codec):
    assert_type(piece, str)

try:
    codec.decompress(b"\x00")
except tacc.TaccError as e:
    assert_type(e.kind, "str | None")
    assert_type(e.code, "int | None")

p = PromptCompressor("cl100k_base", zstd_level=19)
assert_type(p.compress("text", CompressionMethod.TOKEN), bytes)
assert_type(p.get_compression_stats("text"), "dict[str, Any]")

# Misuse a user's mypy catches.
codec.tokenize(b"bytes")  # type: ignore[arg-type]
codec.compress_text("x", level=3)  # type: ignore[call-arg]
tacc.Codec("cl100k_base", max_output="big")  # type: ignore[arg-type]
