# Types of the extension module tacc._native (bindings/python/src/*.rs, PyO3). Written by hand from
# the Rust signatures; `python -m mypy.stubtest tacc._native` in .ci/python.sh checks every name,
# signature and default against the built extension, so this file cannot drift from it.
import enum
import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Final, Literal, final, overload

from typing_extensions import Buffer, TypeAlias, disjoint_base

from ._errors import TaccError

# What PyO3 puts in the module's __all__, in its order (stubtest compares them).
__all__ = [
    "__version__",
    "DEFAULT_MAX_OUTPUT",
    "DEFAULT_MAX_TOKENS",
    "MAX_OUTPUT_CAP",
    "MAX_TOKENS_CAP",
    "BUILTIN_TOKENIZERS",
    "OPEN_VOCABS",
    "OPEN_PRIORS_EMBEDDED",
    "Codec",
    "Options",
    "Stats",
    "MethodStats",
    "Order0Estimate",
    "StreamEncoder",
    "StreamDecoder",
    "StreamUpdate",
    "list_available_tokenizers",
    "default_options",
    "method_name",
    "method_from_name",
    "decompress",
    "error_kinds",
    "_panic_for_tests",
    "Method",
    "LopaceMethod",
    "EntropyUnit",
]

# A payload or frame: bytes (read in place) or anything with the buffer protocol (copied once).
_Payload: TypeAlias = Buffer
# Token IDs: any iterable of ints (lists, tuples, array('I'), memoryview.cast('I'), bytes: one per byte).
_Ids: TypeAlias = Iterable[int]
# A file argument: a path, or the file's bytes.
_File: TypeAlias = str | os.PathLike[str] | bytes | bytearray | memoryview
# A decode limit: None for the default (or the codec's), else at least 1 (clamped to the hard cap).
_Limit: TypeAlias = int | None
_MethodArg: TypeAlias = Method | str | None
_LopaceArg: TypeAlias = LopaceMethod | str
_UnitArg: TypeAlias = EntropyUnit | str
# What a frame decodes to: text, token IDs or bytes.
_Content: TypeAlias = str | list[int] | bytes

__version__: Final[str]
DEFAULT_MAX_OUTPUT: Final[int]
DEFAULT_MAX_TOKENS: Final[int]
MAX_OUTPUT_CAP: Final[int]
MAX_TOKENS_CAP: Final[int]
BUILTIN_TOKENIZERS: Final[tuple[str, ...]]
OPEN_VOCABS: Final[tuple[str, ...]]
OPEN_PRIORS_EMBEDDED: Final[bool]

class Method(enum.IntEnum):
    """How a frame's payload is made; the value is the frame's method byte."""

    STORED = 0
    ZSTD = 1
    GZIP = 2
    LOPACE_TOKEN = 3
    LOPACE_HYBRID = 4
    TACC = 5
    TACC_GZIP = 6
    MODEL_V1 = 7
    MODEL = 9

class LopaceMethod(enum.IntEnum):
    """LoPace's three methods (its CompressionMethod)."""

    ZSTD = 0
    TOKEN = 1
    HYBRID = 2

class EntropyUnit(enum.IntEnum):
    """The unit whose frequencies an order-0 entropy counts."""

    CHARACTER = 0
    BYTE = 1
    TOKEN = 2

def list_available_tokenizers() -> list[str]: ...
def default_options() -> Options: ...
def method_name(method: Method | str) -> str: ...
def method_from_name(name: str) -> Method: ...
def decompress(frame: _Payload, *, max_output: _Limit = None, max_tokens: _Limit = None) -> _Content: ...
def error_kinds() -> list[tuple[str, int, str]]: ...
def _panic_for_tests(message: str, release_gil: bool) -> None: ...

# A Rust object with its own instance layout: no class can derive from it and from another such base.
@disjoint_base
class Codec:
    def __new__(
        cls,
        tokenizer: _File | None = None,
        *,
        tokenizer_file: _File | None = None,
        pattern: str | None = None,
        mapping: _File | None = None,
        mapping_path: _File | None = None,
        priors: _File | None = None,
        priors_dir: str | os.PathLike[str] | None = None,
        max_output: _Limit = None,
        max_tokens: _Limit = None,
    ) -> Codec: ...
    @property
    def vocab(self) -> str | None: ...
    @property
    def tokenizer_name(self) -> str: ...
    @property
    def vocab_size(self) -> int: ...
    @property
    def max_output(self) -> int: ...
    @property
    def max_tokens(self) -> int: ...
    # tacc 0.1.0
    def encode_token_ids(self, token_ids: _Ids, *, gzip: bool = False) -> bytes: ...
    def decode_token_ids(self, payload: _Payload, *, gzip: bool = False) -> list[int]: ...
    def encode_mapped_ids(self, mapped_ids: _Ids, *, gzip: bool = False) -> bytes: ...
    def decode_mapped_ids(self, payload: _Payload, *, gzip: bool = False) -> list[int]: ...
    def encode_raw_token_ids(self, token_ids: _Ids, *, gzip: bool = False) -> bytes: ...
    def decode_raw_token_ids(self, payload: _Payload, *, gzip: bool = False) -> list[int]: ...
    def encode_tokens(self, tokens: Iterable[str], *, gzip: bool = False) -> bytes: ...
    def decode_tokens(self, payload: _Payload, *, gzip: bool = False) -> list[str]: ...
    def token_id_to_mapped_id(self, token_ids: _Ids) -> list[int]: ...
    def mapped_id_to_token_id(self, mapped_ids: _Ids) -> list[int]: ...
    # Text <-> token IDs
    def tokenize(self, text: str) -> list[int]: ...
    def detokenize(self, token_ids: _Ids) -> str: ...
    # LoPace 0.1.5's payloads
    def compress_lopace_payload(self, text: str, method: _LopaceArg = "hybrid", *, zstd_level: int = ...) -> bytes: ...
    def decompress_lopace_payload(self, payload: _Payload, method: _LopaceArg = "hybrid") -> str: ...
    def lopace_stats(self, text: str, method: _LopaceArg | None = None, *, zstd_level: int = ...) -> Stats: ...
    def order0_estimate(self, text: str, unit: _UnitArg = "character") -> Order0Estimate: ...
    # Frames
    def compress_text(
        self, text: str, *, method: _MethodArg = ..., zstd_level: int = ..., gzip_level: int = ..., checksum: bool = ...
    ) -> bytes: ...
    def compress_token_ids(
        self,
        token_ids: _Ids,
        *,
        method: _MethodArg = ...,
        zstd_level: int = ...,
        gzip_level: int = ...,
        checksum: bool = ...,
    ) -> bytes: ...
    def compress_bytes(
        self,
        data: _Payload,
        *,
        method: _MethodArg = ...,
        zstd_level: int = ...,
        gzip_level: int = ...,
        checksum: bool = ...,
    ) -> bytes: ...
    def decompress(self, frame: _Payload) -> _Content: ...
    def decompress_text(self, frame: _Payload) -> str: ...
    def decompress_token_ids(self, frame: _Payload) -> list[int]: ...
    # Batches (threads=0: one per core; the GIL is released)
    @overload
    def compress_text_batch(
        self,
        texts: Sequence[str],
        *,
        threads: int = 0,
        method: _MethodArg = ...,
        zstd_level: int = ...,
        gzip_level: int = ...,
        checksum: bool = ...,
        return_exceptions: Literal[False] = False,
    ) -> list[bytes]: ...
    @overload
    def compress_text_batch(
        self,
        texts: Sequence[str],
        *,
        threads: int = 0,
        method: _MethodArg = ...,
        zstd_level: int = ...,
        gzip_level: int = ...,
        checksum: bool = ...,
        return_exceptions: bool,
    ) -> list[bytes | TaccError]: ...
    @overload
    def compress_token_ids_batch(
        self,
        token_ids: Sequence[_Ids],
        *,
        threads: int = 0,
        method: _MethodArg = ...,
        zstd_level: int = ...,
        gzip_level: int = ...,
        checksum: bool = ...,
        return_exceptions: Literal[False] = False,
    ) -> list[bytes]: ...
    @overload
    def compress_token_ids_batch(
        self,
        token_ids: Sequence[_Ids],
        *,
        threads: int = 0,
        method: _MethodArg = ...,
        zstd_level: int = ...,
        gzip_level: int = ...,
        checksum: bool = ...,
        return_exceptions: bool,
    ) -> list[bytes | TaccError]: ...
    @overload
    def decompress_text_batch(
        self, frames: Sequence[_Payload], *, threads: int = 0, return_exceptions: Literal[False] = False
    ) -> list[str]: ...
    @overload
    def decompress_text_batch(
        self, frames: Sequence[_Payload], *, threads: int = 0, return_exceptions: bool
    ) -> list[str | TaccError]: ...
    @overload
    def decompress_token_ids_batch(
        self, frames: Sequence[_Payload], *, threads: int = 0, return_exceptions: Literal[False] = False
    ) -> list[list[int]]: ...
    @overload
    def decompress_token_ids_batch(
        self, frames: Sequence[_Payload], *, threads: int = 0, return_exceptions: bool
    ) -> list[list[int] | TaccError]: ...
    def stats(self, text: str, *, zstd_level: int = ..., gzip_level: int = ..., checksum: bool = ...) -> Stats: ...
    # Streams
    def stream_encoder(self, *, chunk_check: bool = False) -> StreamEncoder: ...
    def stream_decoder(self, *, max_output: _Limit = None, max_tokens: _Limit = None) -> StreamDecoder: ...

@final
class Options:
    """Options of the framed calls; `method=None` tries every method that fits and keeps the smallest."""

    def __new__(
        cls, method: _MethodArg = ..., zstd_level: int = ..., gzip_level: int = ..., checksum: bool = ...
    ) -> Options: ...
    @property
    def method(self) -> Method | None: ...
    @property
    def zstd_level(self) -> int: ...
    @property
    def gzip_level(self) -> int: ...
    @property
    def checksum(self) -> bool: ...
    def __eq__(self, other: object, /) -> bool: ...

@final
class MethodStats:
    """One method's result on one input."""

    @property
    def name(self) -> str: ...
    @property
    def compressed_bytes(self) -> int: ...
    @property
    def ratio(self) -> float: ...
    @property
    def size_fraction(self) -> float: ...
    @property
    def space_saved_percent(self) -> float: ...
    @property
    def bytes_saved(self) -> int: ...
    @property
    def encode_seconds(self) -> float: ...
    @property
    def decode_seconds(self) -> float: ...

@final
class Stats:
    """Sizes of several methods on one text."""

    @property
    def original_bytes(self) -> int: ...
    @property
    def original_tokens(self) -> int: ...
    @property
    def characters(self) -> int: ...
    @property
    def methods(self) -> list[MethodStats]: ...

@final
class Order0Estimate:
    """What an order-0 coder over a unit would need (not a real limit)."""

    @property
    def entropy_bits_per_unit(self) -> float: ...
    @property
    def units(self) -> int: ...
    @property
    def min_bits(self) -> float: ...
    @property
    def min_bytes(self) -> float: ...
    @property
    def original_bytes(self) -> int: ...
    @property
    def size_fraction(self) -> float: ...
    @property
    def space_saved_percent(self) -> float: ...

@final
class StreamEncoder:
    """Made by `Codec.stream_encoder()`; one thread at a time."""

    def push_token_ids(self, token_ids: _Ids) -> None: ...
    def push_text(self, text: str) -> None: ...
    def flush(self) -> bytes: ...
    def finish(self) -> bytes: ...
    @property
    def pending_tokens(self) -> int: ...
    @property
    def is_finished(self) -> bool: ...

@final
class StreamUpdate:
    """What one chunk decoded to; unpacks as `token_ids, text, finished = update`."""

    @property
    def token_ids(self) -> list[int]: ...
    @property
    def text(self) -> str: ...
    @property
    def finished(self) -> bool: ...
    def __iter__(self) -> Iterator[list[int] | str | bool]: ...
    def __len__(self) -> int: ...

@final
class StreamDecoder:
    """Decodes a stream's chunks in order; one thread at a time."""

    def __new__(cls, *, max_output: _Limit = None, max_tokens: _Limit = None) -> StreamDecoder: ...
    def push(self, chunk: _Payload) -> StreamUpdate: ...
    @property
    def is_finished(self) -> bool: ...
    @property
    def is_failed(self) -> bool: ...
    @property
    def token_count(self) -> int: ...
    @property
    def max_output(self) -> int: ...
    @property
    def max_tokens(self) -> int: ...
