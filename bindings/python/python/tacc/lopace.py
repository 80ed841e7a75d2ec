"""LoPace 0.1.5's API on tacc's Rust core: ``from tacc.lopace import PromptCompressor, CompressionMethod``.

Payloads are byte-identical to LoPace's (same zstd levels, same token packing), and the
dictionaries of ``get_compression_stats`` / ``get_theoretical_compression_limit`` have the same
keys and value types. Differences, all in the direction of accepting more:

- text containing special-token strings such as ``<|endoftext|>`` is encoded as ordinary text
  (LoPace, through tiktoken, raises ValueError);
- no tiktoken download: the vocabularies are built into the library;
- a token payload that decodes to invalid UTF-8 raises ValueError instead of inserting U+FFFD;
- an entropy ``unit`` other than 'character' or 'byte' raises ValueError (LoPace: UnboundLocalError);
- zstd payloads made of several frames are read whole, and streamed frames without a content size
  are read (LoPace returns the first frame only, or fails).

``calculate_shannon_entropy`` is the order-0 entropy of characters or bytes. It is *not* a limit
for real compressors (zstd and tacc go below it); tacc's ``Codec.order0_estimate`` names it so.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Dict, Optional, Tuple

from . import Codec, EntropyUnit, LopaceMethod, UnknownTokenizerError

__all__ = ["PromptCompressor", "CompressionMethod"]


class CompressionMethod(Enum):
    """Compression methods available."""

    ZSTD = "zstd"
    TOKEN = "token"
    HYBRID = "hybrid"


# LoPace's enum (its API, kept as LoPace spells it) to the core's LopaceMethod, by member name.
_NATIVE = {m: LopaceMethod[m.name] for m in CompressionMethod}


def _native_method(method: object) -> LopaceMethod:
    m = _NATIVE.get(method) if isinstance(method, CompressionMethod) else None
    if m is None:
        # Also accept the values ("zstd", "token", "hybrid") and other enums with those values.
        try:
            m = _NATIVE[CompressionMethod(getattr(method, "value", method))]
        except (ValueError, TypeError):
            raise ValueError(f"Unknown compression method: {method}") from None
    return m


def _unit(unit: str) -> EntropyUnit:
    # LoPace treats any other unit as 'character' and then fails with UnboundLocalError.
    if unit == "character":
        return EntropyUnit.CHARACTER
    if unit == "byte":
        return EntropyUnit.BYTE
    raise ValueError(f"unit must be 'character' or 'byte', not {unit!r}")


class _Tokenizer:
    """The part of tiktoken's ``Encoding`` that LoPace users reach through ``compressor.tokenizer``."""

    __slots__ = ("_codec", "name")

    def __init__(self, codec: Codec, name: str) -> None:
        self._codec = codec
        self.name = name

    @property
    def n_vocab(self) -> int:
        return self._codec.vocab_size

    def encode(self, text: str, **_ignored: object) -> list[int]:
        return self._codec.tokenize(text)

    def encode_ordinary(self, text: str) -> list[int]:
        return self._codec.tokenize(text)

    def decode(self, tokens: list[int], **_ignored: object) -> str:
        return self._codec.detokenize(tokens)

    def __repr__(self) -> str:
        return f"<Encoding {self.name!r}>"


class PromptCompressor:
    """LoPace 0.1.5's ``PromptCompressor``: zstd, token and hybrid (token + zstd) payloads.

    Args:
        model: tokenizer name (default "cl100k_base"; any of ``tacc.list_available_tokenizers()``).
        zstd_level: zstd level 1-22 (default 15).
        max_output, max_tokens: decode limits (keyword-only, not in LoPace): the most bytes of text
            and token IDs one ``decompress*`` call may produce; ``None`` for tacc's defaults (64 MiB,
            16 Mi tokens). A payload past them raises ``ValueError`` (``tacc.TooLargeError``).
    """

    def __init__(self, model: str = "cl100k_base", zstd_level: int = 15, *, max_output: Optional[int] = None,
                 max_tokens: Optional[int] = None) -> None:
        try:
            codec = Codec(model, max_output=max_output, max_tokens=max_tokens)
        except ValueError as e:
            if max_output is not None or max_tokens is not None:
                if not isinstance(e, UnknownTokenizerError):
                    raise  # a bad limit: tacc's own InvalidArgumentError
            # tiktoken's message and type for an unknown encoding.
            raise ValueError(f"Unknown encoding {model}.") from None
        self._codec = codec
        self._c = codec
        self.tokenizer = _Tokenizer(codec, model)
        self.zstd_level = zstd_level
        self.model = model
        if not (1 <= zstd_level <= 22):
            raise ValueError("zstd_level must be between 1 and 22")

    # Each call goes to the Rust core once; its errors are ValueError (CorruptPayloadError is one).

    def _compress(self, text: str, m: LopaceMethod) -> bytes:
        return self._c.compress_lopace_payload(text, m, zstd_level=self.zstd_level)

    def _decompress(self, blob: bytes, m: LopaceMethod) -> str:
        return self._c.decompress_lopace_payload(blob, m)

    def compress_zstd(self, text: str) -> bytes:
        return self._compress(text, LopaceMethod.ZSTD)

    def decompress_zstd(self, compressed_blob: bytes) -> str:
        return self._decompress(compressed_blob, LopaceMethod.ZSTD)

    def compress_token(self, text: str) -> bytes:
        return self._compress(text, LopaceMethod.TOKEN)

    def decompress_token(self, binary_payload: bytes) -> str:
        return self._decompress(binary_payload, LopaceMethod.TOKEN)

    def compress_hybrid(self, text: str) -> bytes:
        return self._compress(text, LopaceMethod.HYBRID)

    def decompress_hybrid(self, blob: bytes) -> str:
        return self._decompress(blob, LopaceMethod.HYBRID)

    def compress(self, text: str, method: CompressionMethod = CompressionMethod.HYBRID) -> bytes:
        return self._compress(text, _native_method(method))

    def decompress(self, compressed_data: bytes, method: CompressionMethod = CompressionMethod.HYBRID) -> str:
        return self._decompress(compressed_data, _native_method(method))

    def compress_and_return_both(
        self, text: str, method: CompressionMethod = CompressionMethod.HYBRID
    ) -> Tuple[str, bytes]:
        return (text, self.compress(text, method))

    def get_compression_stats(self, text: str, method: Optional[CompressionMethod] = None) -> Dict[str, Any]:
        """Sizes of one method, or all three, with LoPace's keys and value types."""
        methods = [method] if method else [CompressionMethod.ZSTD, CompressionMethod.TOKEN, CompressionMethod.HYBRID]
        s = self._c.lopace_stats(text, None if len(methods) == 3 else _native_method(method),
                                 zstd_level=self.zstd_level)
        original_size = s.original_bytes
        per_method: Dict[str, Dict[str, Any]] = {}
        stats: Dict[str, Any] = {"original_size_bytes": original_size, "original_size_tokens": s.original_tokens,
                                 "methods": per_method}
        for m, ms in zip(methods, s.methods):
            compressed_size = ms.compressed_bytes
            # LoPace's own arithmetic, so value types (int 0 for empty text) match exactly.
            compression_ratio = compressed_size / original_size if original_size > 0 else 0
            per_method[m.value] = {
                "compressed_size_bytes": compressed_size,
                "compression_ratio": compression_ratio,
                "space_saved_percent": (1 - compression_ratio) * 100,
                "bytes_saved": original_size - compressed_size,
            }
        return stats

    def calculate_shannon_entropy(self, text: str, unit: str = "character") -> float:
        """Order-0 Shannon entropy in bits per character (or per byte with ``unit="byte"``)."""
        u = _unit(unit)
        if not text:
            return 0.0
        return self._c.order0_estimate(text, u).entropy_bits_per_unit

    def get_theoretical_compression_limit(self, text: str, unit: str = "character") -> Dict[str, float]:
        """LoPace's dictionary of order-0 figures (see the module note: not a real limit)."""
        u = _unit(unit)
        if not text:
            return {
                "entropy_bits_per_unit": 0.0,
                "theoretical_min_bits": 0.0,
                "theoretical_min_bytes": 0.0,
                "original_size_bytes": 0.0,
                "theoretical_compression_ratio": 0.0,
            }
        e = self._c.order0_estimate(text, u)
        return {
            "entropy_bits_per_unit": e.entropy_bits_per_unit,
            "theoretical_min_bits": e.min_bits,
            "theoretical_min_bytes": e.min_bytes,
            "original_size_bytes": e.original_bytes,
            "theoretical_compression_ratio": e.size_fraction,
            "theoretical_space_savings_percent": (1 - e.size_fraction) * 100,
        }
