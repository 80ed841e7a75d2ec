"""tacc: token-aware compression with a Rust core.

A drop-in replacement for the published ``tacc`` 0.1.0 (same module name, same calls, same bytes)
and, in :mod:`tacc.lopace`, for ``lopace`` 0.1.5, plus tacc's self-describing frames.

The Rust library is reached through a PyO3 extension module, ``tacc._native``
(bindings/python/src/lib.rs): ``tacc.Codec`` *is* its codec class (this file only gives it tacc
0.1.0's constructor signature), so every method call goes straight to Rust. Token IDs are taken as
any sequence or iterable of ints (``array('I')`` and ``memoryview.cast('I')`` are copied in one go)
and returned as lists, as tacc 0.1.0 does. Calls that do real work release the GIL.
"""

import os
import threading

from . import _native
from ._errors import (
    ChecksumMismatchError,
    CorruptPayloadError,
    InvalidArgumentError,
    MismatchError,
    TaccError,
    TaccIOError,
    TooLargeError,
    UnknownIdError,
    UnknownTokenizerError,
)
from ._native import (
    EntropyUnit,
    LopaceMethod,
    Method,
    MethodStats,
    Options,
    Order0Estimate,
    Stats,
    StreamDecoder,
    StreamEncoder,
    StreamUpdate,
    decompress,
    default_options,
    list_available_tokenizers,
    method_from_name,
    method_name,
)

__version__ = _native.__version__


class Codec(_native.Codec):
    """A tokenizer plus its tacc mapping (tacc 0.1.0's ``Codec``, extended).

    Immutable: one codec may be used from many threads at once.

    tacc 0.1.0's calls keep their exact signatures and bytes; ``mapping_path`` (which tacc 0.1.0
    refused with NotImplementedError) loads a mapping file written by ``tacc mapping``. Beyond
    tacc: ``tokenize``/``detokenize``, ``decode_raw_token_ids``, LoPace payloads (``lopace_*``,
    ``order0_estimate``) and frames (``compress_text``, ``compress_token_ids``, ``compress_bytes``,
    ``decompress``, ``decompress_text``, ``decompress_token_ids``, ``stats``) and streams
    (``stream_encoder``, ``stream_decoder``; see ``tacc.iter_decode``).
    """

    __slots__ = ()

    def __init__(self, tokenizer: str, *, mapping_path=None):
        # The Rust constructor (``__new__``) has built the codec; this gives tacc 0.1.0's signature.
        pass

    @classmethod
    def from_tiktoken_file(cls, path, pattern="cl100k"):
        """A codec over a custom ``.tiktoken`` rank file (Llama 3, Qwen...); ``pattern`` is a preset
        ("cl100k", "llama3", "qwen2", "gpt2", "o200k") or a regex."""
        return cls.__new__(cls, os.fspath(path), pattern=pattern)


# ---- tacc 0.1.0's module functions ------------------------------------------------------------

_codecs = {}
_codecs_lock = threading.Lock()


def _codec(tokenizer, mapping_path):
    key = (tokenizer, None if mapping_path is None else os.fspath(mapping_path))
    c = _codecs.get(key)
    if c is None:
        c = Codec(tokenizer, mapping_path=mapping_path)
        with _codecs_lock:
            c = _codecs.setdefault(key, c)
    return c


def compress_token_ids(token_ids, *, tokenizer, mapping_path=None, gzip=False) -> bytes:
    """tacc 0.1.0's ``compress_token_ids``: ``Codec(tokenizer).encode_token_ids``."""
    return _codec(tokenizer, mapping_path).encode_token_ids(token_ids, gzip=gzip)


def decompress_token_ids(payload, *, tokenizer, mapping_path=None, gzip=False) -> list:
    """tacc 0.1.0's ``decompress_token_ids``."""
    return _codec(tokenizer, mapping_path).decode_token_ids(payload, gzip=gzip)


# ---- frames without a codec -------------------------------------------------------------------

_DEFAULTS = default_options()


def compress_text(text, *, tokenizer="cl100k_base", method=_DEFAULTS.method, zstd_level=_DEFAULTS.zstd_level,
                  gzip_level=_DEFAULTS.gzip_level, checksum=_DEFAULTS.checksum) -> bytes:
    """Text to a frame with a built-in tokenizer (``Codec(tokenizer).compress_text``); the defaults
    are the library's (``default_options()``)."""
    return _codec(tokenizer, None).compress_text(
        text, method=method, zstd_level=zstd_level, gzip_level=gzip_level, checksum=checksum)


# ---- streams (docs/STREAM.md) -------------------------------------------------------------------


def iter_decode(chunks, *, codec=None, require_end=True):
    """Decodes a stream's chunks as they arrive and yields, for each chunk, the text it made
    available (``""`` when a chunk completes no character yet): whole characters only, so every
    piece is a valid ``str`` and their concatenation is the stream's text.

    ``chunks`` is any iterable of ``bytes``-like chunks (a generator reading an SSE or WebSocket
    transport, for instance). ``codec``: needed only for streams made with a custom tokenizer
    (``codec.stream_decoder()``). A reordered, duplicated or corrupt chunk raises ``ValueError``
    (``CorruptPayloadError``). With ``require_end`` (the default), chunks that run out before the
    stream's end marker raise ``CorruptPayloadError`` (a truncated stream); chunks after it raise too.
    """
    decoder = StreamDecoder() if codec is None else codec.stream_decoder()
    for chunk in chunks:
        yield decoder.push(chunk).text
    if require_end and not decoder.is_finished:
        raise CorruptPayloadError("stream: the chunks ended before the end of the stream (truncated)")


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
    "method_from_name",
    "Method",
    "LopaceMethod",
    "EntropyUnit",
    "Options",
    "Stats",
    "MethodStats",
    "Order0Estimate",
    # streams
    "StreamEncoder",
    "StreamDecoder",
    "StreamUpdate",
    "iter_decode",
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
