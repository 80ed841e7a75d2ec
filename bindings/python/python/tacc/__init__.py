"""tacc: token-aware compression with a Rust core.

A drop-in replacement for the published ``tacc`` 0.1.0 (same module name, same calls, same bytes)
and, in :mod:`tacc.lopace`, for ``lopace`` 0.1.5, plus tacc's self-describing frames.

The Rust library is reached through uniffi (module ``tacc._native``, generated); this file only
adapts calling conventions. Token ID lists cross the boundary packed as one ``bytes`` buffer of
little-endian 32-bit integers (``array``), which is much faster than uniffi's element-by-element
list conversion; see docs/BINDINGS.md.
"""

import os
import sys
import threading
from array import array as _array

from . import _native
from ._errors import (
    ChecksumMismatchError,
    CorruptPayloadError,
    InvalidArgumentError,
    MismatchError,
    NativeError as _NativeError,
    TaccError,
    TaccIOError,
    TooLargeError,
    UnknownIdError,
    UnknownTokenizerError,
    convert as _convert,
)
from ._native import EntropyUnit, LopaceMethod, Method, MethodStats, Order0Estimate, Options, Stats

__version__ = _native.version()

_SWAP = sys.byteorder != "little"
if _array("I").itemsize != 4 or _array("i").itemsize != 4:  # pragma: no cover - no such CPython today
    raise ImportError("tacc needs 4-byte C ints for its packed ID buffers")


def _pack_u32(ids):
    # array('I', ...) raises OverflowError for IDs < 0 or >= 2**32 and TypeError for non-integers,
    # the exceptions tacc 0.1.0 raises for them.
    if isinstance(ids, (bytes, bytearray, memoryview)):
        ids = list(ids)
    a = _array("I", ids)
    if _SWAP:  # pragma: no cover - big-endian hosts
        a.byteswap()
    return a.tobytes()


def _pack_i32(ids):
    if isinstance(ids, (bytes, bytearray, memoryview)):
        ids = list(ids)
    a = _array("i", ids)
    if _SWAP:  # pragma: no cover
        a.byteswap()
    return a.tobytes()


def _unpack_u32(buf):
    a = _array("I")
    a.frombytes(buf)
    if _SWAP:  # pragma: no cover
        a.byteswap()
    return a.tolist()


def _unpack_i32(buf):
    a = _array("i")
    a.frombytes(buf)
    if _SWAP:  # pragma: no cover
        a.byteswap()
    return a.tolist()


def _as_bytes(payload):
    return payload if type(payload) is bytes else bytes(payload)


def _method(method):
    """A ``Method``, a method name ("tacc-gzip", "lopace-hybrid", ...), or None/"auto" for auto."""
    if method is None or method == "auto":
        return None
    if isinstance(method, Method):
        return method
    if isinstance(method, str):
        try:
            return _native.method_from_name(method)
        except _NativeError as e:
            raise _convert(e) from None
    raise TypeError(f"method must be a tacc.Method, a method name or None, not {type(method).__name__}")


def _options(method, zstd_level, gzip_level, checksum):
    return Options(method=_method(method), zstd_level=zstd_level, gzip_level=gzip_level, checksum=checksum)


_UNITS = {"character": EntropyUnit.CHARACTER, "char": EntropyUnit.CHARACTER, "byte": EntropyUnit.BYTE,
          "token": EntropyUnit.TOKEN}


class Codec:
    """A tokenizer plus its tacc mapping (tacc 0.1.0's ``Codec``, extended).

    Immutable: one codec may be used from many threads at once.

    tacc 0.1.0's calls keep their exact signatures and bytes; ``mapping_path`` (which tacc 0.1.0
    refused with NotImplementedError) loads a mapping file written by ``tacc mapping``.
    """

    __slots__ = ("_c", "tokenizer_name", "__weakref__")

    def __init__(self, tokenizer: str, *, mapping_path=None):
        try:
            if mapping_path is None:
                self._c = _native.Codec(tokenizer)
            else:
                self._c = _native.Codec.with_mapping_file(tokenizer, os.fspath(mapping_path))
        except _NativeError as e:
            raise _convert(e) from None
        self.tokenizer_name = tokenizer

    @classmethod
    def from_tiktoken_file(cls, path, pattern="cl100k"):
        """A codec over a custom ``.tiktoken`` rank file (Llama 3, Qwen...); ``pattern`` is a preset
        ("cl100k", "llama3", "qwen2", "gpt2", "o200k") or a regex."""
        self = cls.__new__(cls)
        try:
            self._c = _native.Codec.from_tiktoken_file(os.fspath(path), pattern)
        except _NativeError as e:
            raise _convert(e) from None
        self.tokenizer_name = self._c.tokenizer_name()
        return self

    def __repr__(self):
        return f"tacc.Codec({self.tokenizer_name!r})"

    @property
    def vocab_size(self) -> int:
        return self._c.vocab_size()

    # ---- tacc 0.1.0 -----------------------------------------------------------------------

    def encode_tokens(self, tokens, *, gzip=False) -> bytes:
        """Encode string tokens (each exactly one token) to tacc's Thrift payload."""
        try:
            return self._c.encode_tokens(list(tokens), gzip)
        except _NativeError as e:
            raise _convert(e) from None

    def encode_token_ids(self, token_ids, *, gzip=False) -> bytes:
        """Encode token IDs to tacc's Thrift CompactProtocol payload (optionally gzip'd)."""
        try:
            return self._c.encode_token_ids_packed(_pack_u32(token_ids), gzip)
        except _NativeError as e:
            raise _convert(e) from None

    def encode_mapped_ids(self, mapped_ids, *, gzip=False) -> bytes:
        try:
            return self._c.encode_mapped_ids_packed(_pack_i32(mapped_ids), gzip)
        except _NativeError as e:
            raise _convert(e) from None

    def encode_raw_token_ids(self, token_ids, *, gzip=False) -> bytes:
        """Encode token IDs without the mapping."""
        try:
            return self._c.encode_raw_token_ids_packed(_pack_u32(token_ids), gzip)
        except _NativeError as e:
            raise _convert(e) from None

    def decode_mapped_ids(self, payload, *, gzip=False) -> list:
        try:
            return _unpack_i32(self._c.decode_mapped_ids_packed(_as_bytes(payload), gzip))
        except _NativeError as e:
            raise _convert(e) from None

    def decode_tokens(self, payload, *, gzip=False) -> list:
        try:
            return self._c.decode_tokens(_as_bytes(payload), gzip)
        except _NativeError as e:
            raise _convert(e) from None

    def decode_token_ids(self, payload, *, gzip=False) -> list:
        try:
            return _unpack_u32(self._c.decode_token_ids_packed(_as_bytes(payload), gzip))
        except _NativeError as e:
            raise _convert(e) from None

    def token_id_to_mapped_id(self, token_ids) -> list:
        try:
            return _unpack_i32(self._c.token_id_to_mapped_id_packed(_pack_u32(token_ids)))
        except _NativeError as e:
            raise _convert(e) from None

    def mapped_id_to_token_id(self, mapped_ids) -> list:
        try:
            return _unpack_u32(self._c.mapped_id_to_token_id_packed(_pack_i32(mapped_ids)))
        except _NativeError as e:
            raise _convert(e) from None

    # ---- beyond tacc 0.1.0 ----------------------------------------------------------------

    def decode_raw_token_ids(self, payload, *, gzip=False) -> list:
        """Reads what ``encode_raw_token_ids`` wrote."""
        try:
            return _unpack_u32(self._c.decode_raw_token_ids_packed(_as_bytes(payload), gzip))
        except _NativeError as e:
            raise _convert(e) from None

    def tokenize(self, text: str) -> list:
        """Text to token IDs (special-token strings are ordinary text)."""
        return _unpack_u32(self._c.tokenize_packed(text))

    def detokenize(self, token_ids) -> str:
        """Token IDs to text; raises on unknown IDs or bytes that are not UTF-8."""
        try:
            return self._c.detokenize_packed(_pack_u32(token_ids))
        except _NativeError as e:
            raise _convert(e) from None

    # LoPace payloads (see tacc.lopace for LoPace's own API)

    def lopace_compress(self, text: str, method=LopaceMethod.HYBRID, *, zstd_level=15) -> bytes:
        try:
            return self._c.lopace_compress(text, method, zstd_level)
        except _NativeError as e:
            raise _convert(e) from None

    def lopace_decompress(self, payload, method=LopaceMethod.HYBRID) -> str:
        try:
            return self._c.lopace_decompress(_as_bytes(payload), method)
        except _NativeError as e:
            raise _convert(e) from None

    def lopace_stats(self, text: str, method=None, *, zstd_level=15) -> Stats:
        try:
            return self._c.lopace_stats(text, method, zstd_level)
        except _NativeError as e:
            raise _convert(e) from None

    def order0_estimate(self, text: str, unit="character") -> Order0Estimate:
        """Order-0 Shannon entropy figures over characters, bytes or tokens (not a real limit)."""
        u = _UNITS.get(unit, unit) if isinstance(unit, str) else unit
        if not isinstance(u, EntropyUnit):
            raise InvalidArgumentError(f"invalid argument: unknown unit {unit!r} (character, byte, token)")
        return self._c.order0_estimate(text, u)

    # Frames

    def compress_text(self, text: str, *, method="tacc-gzip", zstd_level=15, gzip_level=9, checksum=True) -> bytes:
        """Text to a self-describing frame; ``method=None`` (or "auto") keeps the smallest."""
        try:
            return self._c.compress_text(text, _options(method, zstd_level, gzip_level, checksum))
        except _NativeError as e:
            raise _convert(e) from None

    def compress_token_ids(self, token_ids, *, method="tacc-gzip", zstd_level=15, gzip_level=9, checksum=True) -> bytes:
        """Token IDs to a frame (methods: stored, lopace-token, lopace-hybrid, tacc, tacc-gzip)."""
        try:
            return self._c.compress_token_ids_packed(
                _pack_u32(token_ids), _options(method, zstd_level, gzip_level, checksum))
        except _NativeError as e:
            raise _convert(e) from None

    def compress_bytes(self, data, *, method="tacc-gzip", zstd_level=15, gzip_level=9, checksum=True) -> bytes:
        """Bytes to a frame: as text when UTF-8, else zstd/gzip/stored."""
        try:
            return self._c.compress_bytes(_as_bytes(data), _options(method, zstd_level, gzip_level, checksum))
        except _NativeError as e:
            raise _convert(e) from None

    def decompress(self, frame):
        """Any frame: returns ``str`` (text), ``list[int]`` (token IDs) or ``bytes``."""
        try:
            return _content(self._c.decompress(_as_bytes(frame)))
        except _NativeError as e:
            raise _convert(e) from None

    def decompress_text(self, frame) -> str:
        try:
            return self._c.decompress_text(_as_bytes(frame))
        except _NativeError as e:
            raise _convert(e) from None

    def decompress_token_ids(self, frame) -> list:
        try:
            return _unpack_u32(self._c.decompress_token_ids_packed(_as_bytes(frame)))
        except _NativeError as e:
            raise _convert(e) from None

    def stats(self, text: str, *, zstd_level=15, gzip_level=9, checksum=True) -> Stats:
        """Every frame method on ``text``: sizes, ratios and one timed round trip each."""
        try:
            return self._c.stats(text, _options(None, zstd_level, gzip_level, checksum))
        except _NativeError as e:
            raise _convert(e) from None


def _content(c):
    if isinstance(c, _native.Content.TEXT):
        return c.text
    if isinstance(c, _native.Content.TOKEN_IDS):
        return list(c.ids)
    return bytes(c.bytes)


# ---- tacc 0.1.0's module functions ------------------------------------------------------------

_codecs = {}
_codecs_lock = threading.Lock()


def _codec(tokenizer, mapping_path):
    key = (tokenizer, None if mapping_path is None else os.fspath(mapping_path))
    c = _codecs.get(key)
    if c is None:
        c = Codec(tokenizer, mapping_path=mapping_path)
        with _codecs_lock:
            _codecs.setdefault(key, c)
    return c


def compress_token_ids(token_ids, *, tokenizer, mapping_path=None, gzip=False) -> bytes:
    """tacc 0.1.0's ``compress_token_ids``: ``Codec(tokenizer).encode_token_ids``."""
    return _codec(tokenizer, mapping_path).encode_token_ids(token_ids, gzip=gzip)


def decompress_token_ids(payload, *, tokenizer, mapping_path=None, gzip=False) -> list:
    """tacc 0.1.0's ``decompress_token_ids``."""
    return _codec(tokenizer, mapping_path).decode_token_ids(payload, gzip=gzip)


def list_available_tokenizers() -> list:
    return _native.list_available_tokenizers()


# ---- frames without a codec -------------------------------------------------------------------

def decompress(frame):
    """Decodes any frame made with a built-in tokenizer: ``str``, ``list[int]`` or ``bytes``."""
    try:
        return _content(_native.decompress(_as_bytes(frame)))
    except _NativeError as e:
        raise _convert(e) from None


def compress_text(text, *, tokenizer="cl100k_base", method="tacc-gzip", zstd_level=15, gzip_level=9,
                  checksum=True) -> bytes:
    """Text to a frame with a built-in tokenizer (``Codec(tokenizer).compress_text``)."""
    return _codec(tokenizer, None).compress_text(
        text, method=method, zstd_level=zstd_level, gzip_level=gzip_level, checksum=checksum)


def default_options() -> Options:
    return _native.default_options()


def method_name(method) -> str:
    return _native.method_name(method)


__all__ = [
    # tacc 0.1.0
    "Codec",
    "compress_token_ids",
    "decompress_token_ids",
    "list_available_tokenizers",
    # frames and the rest of the core
    "compress_text",
    "decompress",
    "default_options",
    "method_name",
    "Method",
    "LopaceMethod",
    "EntropyUnit",
    "Options",
    "Stats",
    "MethodStats",
    "Order0Estimate",
    # errors
    "TaccError",
    "UnknownTokenizerError",
    "UnknownIdError",
    "CorruptPayloadError",
    "ChecksumMismatchError",
    "InvalidArgumentError",
    "TooLargeError",
    "MismatchError",
    "TaccIOError",
]
