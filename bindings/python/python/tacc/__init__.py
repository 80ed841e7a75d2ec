"""tacc: token-aware compression with a Rust core.

A drop-in replacement for the published ``tacc`` 0.1.0 (same module name, same calls, same bytes)
and, in :mod:`tacc.lopace`, for ``lopace`` 0.1.5, plus tacc's self-describing frames.

The Rust library is reached through a PyO3 extension module, ``tacc._native``
(bindings/python/src/lib.rs): ``tacc.Codec`` *is* its codec class (this file only gives it tacc
0.1.0's constructor signature), so every method call goes straight to Rust. Token IDs are taken as
any sequence or iterable of ints (``array('I')`` and ``memoryview.cast('I')`` are copied in one go)
and returned as lists, as tacc 0.1.0 does. Calls that do real work release the GIL.

Payloads come from the network: every decode is bounded. ``max_output`` (bytes of text or bytes, or
token IDs x 4) and ``max_tokens`` (token IDs) are keyword arguments of ``Codec(...)``, of
``decompress``, ``decompress_token_ids``, ``StreamDecoder``, ``Codec.stream_decoder`` and
``iter_decode`` (``None``: the defaults, ``DEFAULT_MAX_OUTPUT`` = 64 MiB and ``DEFAULT_MAX_TOKENS``
= 16 Mi; larger values are clamped to ``MAX_OUTPUT_CAP`` = 1 GiB and ``MAX_TOKENS_CAP`` = 256 Mi).
A payload past a limit raises ``TooLargeError`` before the memory is allocated. Every failure is
a ``TaccError`` (an ``Exception``), including a bug inside the library (``InternalError``); its
class follows the core's error kind, ``e.kind`` / ``e.code`` (see ``tacc._errors``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # type aliases that exist only in the stubs (_native.pyi)
    from ._native import _File, _Ids, _Limit, _MethodArg, _Payload

from . import _native
from ._errors import BY_KIND as _errors_by_kind
from ._errors import (
    BatchError,
    ChecksumMismatchError,
    CorruptPayloadError,
    InternalError,
    InvalidArgumentError,
    InvalidUtf8Error,
    MismatchError,
    NullArgumentError,
    TaccError,
    TaccIOError,
    TooLargeError,
    UnknownIdError,
    UnknownMappedIdError,
    UnknownTokenError,
    UnknownTokenIdError,
    UnknownTokenizerError,
)
from ._native import (
    BUILTIN_TOKENIZERS,
    OPEN_PRIORS_EMBEDDED,
    OPEN_VOCABS,
    DEFAULT_MAX_OUTPUT,
    DEFAULT_MAX_TOKENS,
    MAX_OUTPUT_CAP,
    MAX_TOKENS_CAP,
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

    Built from names and files by the core's one set of rules (``tacc::CodecSpec``); every file
    argument is a path (``str``, ``os.PathLike``) or the file's bytes:

    - ``Codec("cl100k_base")``: a built-in tokenizer (``BUILTIN_TOKENIZERS``).
    - ``Codec("llama3")``: an open model's vocabulary (``OPEN_VOCABS``: llama3, llama4, qwen, qwen3_6,
      tekken_240911) for token IDs only, with its priors (embedded in this package).
    - ``Codec("llama3", tokenizer_file=path)`` or ``Codec(tokenizer_file=path)``: text too, from the
      model's own file (``tokenizer.model``, ``qwen.tiktoken``, ``tekken_240911.json``), recognized by
      its token table; any other rank file or Tekken file is a custom tokenizer split by ``pattern``.
    - ``Codec(priors=path)`` / ``Codec.from_priors(path)``: token IDs with the vocabulary the priors
      name. ``priors=`` beside a tokenizer replaces its priors (``tacc train`` output).
    - ``mapping=`` (tacc 0.1.0's ``mapping_path=``, still accepted): a mapping file (``tacc mapping``).
    - ``priors_dir=``: where ``<name>.tpf.zst`` is looked for when the build does not embed a named
      vocabulary's priors (this package embeds the open models': see ``OPEN_PRIORS_EMBEDDED``).

    tacc 0.1.0's calls keep their exact signatures and bytes; ``mapping_path`` (which tacc 0.1.0
    refused with NotImplementedError) loads a mapping file written by ``tacc mapping``. Beyond
    tacc: ``tokenize``/``detokenize``, ``decode_raw_token_ids``, LoPace payloads
    (``compress_lopace_payload``, ``decompress_lopace_payload``, ``lopace_stats``,
    ``order0_estimate``), frames (``compress_text``, ``compress_token_ids``, ``compress_bytes``,
    ``decompress``, ``decompress_text``, ``decompress_token_ids``, ``stats``) and streams
    (``stream_encoder``, ``stream_decoder``; see ``tacc.iter_decode``).

    ``max_output`` / ``max_tokens`` bound every decode call on the codec and the stream decoders it
    makes (``None``: the defaults; see the module docstring); ``codec.max_output`` and
    ``codec.max_tokens`` are the values in force.
    """

    __slots__ = ()

    # Names of this package's earlier releases for the LoPace payload calls (the core names raw
    # payloads by peer: compress_lopace_payload / decompress_lopace_payload).
    lopace_compress = _native.Codec.compress_lopace_payload
    lopace_decompress = _native.Codec.decompress_lopace_payload

    def __init__(self, tokenizer: _File | None = None, *, tokenizer_file: _File | None = None,
                 pattern: str | None = None, mapping: _File | None = None, mapping_path: _File | None = None,
                 priors: _File | None = None, priors_dir: str | os.PathLike[str] | None = None,
                 max_output: _Limit = None, max_tokens: _Limit = None) -> None:
        # The Rust constructor (``__new__``) has built the codec, through the core's CodecSpec;
        # this gives the signature (tacc 0.1.0's, extended by keywords).
        pass

    @classmethod
    def from_priors(cls, priors: _File, *, mapping: _File | None = None, max_output: _Limit = None,
                    max_tokens: _Limit = None) -> Codec:
        """A codec for token IDs from a priors file alone (a path or the file's bytes): the priors
        name their vocabulary (``models/llama3.tpf.zst`` names llama3), no tokenizer is loaded."""
        return cls(priors=priors, mapping=mapping, max_output=max_output, max_tokens=max_tokens)

    @classmethod
    def from_tokenizer_file(cls, path: _File, pattern: str | None = None, *, mapping: _File | None = None,
                            priors: _File | None = None, priors_dir: str | os.PathLike[str] | None = None,
                            max_output: _Limit = None, max_tokens: _Limit = None) -> Codec:
        """A codec over a tokenizer file (a path or its bytes): an open model's (Llama's
        ``tokenizer.model``, Qwen's ``.tiktoken``, Mistral's ``tekken_240911.json``) is recognized by
        its token table and gets that model's name, split pattern and special tokens; any other
        tiktoken rank file or Tekken file is a custom tokenizer split by ``pattern`` (a preset:
        "cl100k", "o200k", "gpt2", "qwen2", ..., or a regex; default: the file's own, else cl100k).
        Giving ``pattern`` turns the recognition off."""
        return cls(tokenizer_file=path, pattern=pattern, mapping=mapping, priors=priors, priors_dir=priors_dir,
                   max_output=max_output, max_tokens=max_tokens)

    @classmethod
    def from_tiktoken_file(cls, path: _File, pattern: str | None = None, *, max_output: _Limit = None,
                           max_tokens: _Limit = None) -> Codec:
        """This package's earlier name of :meth:`from_tokenizer_file` (a ``.tiktoken`` rank file)."""
        return cls.from_tokenizer_file(path, pattern, max_output=max_output, max_tokens=max_tokens)


# ---- tacc 0.1.0's module functions ------------------------------------------------------------

# (tokenizer, mapping path, max_output, max_tokens)
_codecs: dict[tuple[str, str | None, int | None, int | None], Codec] = {}
_codecs_lock = threading.Lock()


def _codec(tokenizer: str, mapping_path: str | os.PathLike[str] | None, max_output: _Limit = None,
           max_tokens: _Limit = None) -> Codec:
    key = (tokenizer, None if mapping_path is None else os.fspath(mapping_path), max_output, max_tokens)
    c = _codecs.get(key)
    if c is None:
        c = Codec(tokenizer, mapping_path=mapping_path, max_output=max_output, max_tokens=max_tokens)
        with _codecs_lock:
            c = _codecs.setdefault(key, c)
    return c


def compress_token_ids(token_ids: _Ids, *, tokenizer: str, mapping_path: str | os.PathLike[str] | None = None,
                       gzip: bool = False) -> bytes:
    """tacc 0.1.0's ``compress_token_ids``: ``Codec(tokenizer).encode_token_ids``."""
    return _codec(tokenizer, mapping_path).encode_token_ids(token_ids, gzip=gzip)


def decompress_token_ids(payload: _Payload, *, tokenizer: str, mapping_path: str | os.PathLike[str] | None = None,
                         gzip: bool = False, max_output: _Limit = None, max_tokens: _Limit = None) -> list[int]:
    """tacc 0.1.0's ``decompress_token_ids``, within the decode limits (``None``: the defaults)."""
    return _codec(tokenizer, mapping_path, max_output, max_tokens).decode_token_ids(payload, gzip=gzip)


# ---- frames without a codec -------------------------------------------------------------------

_DEFAULTS = default_options()


def compress_text(text: str, *, tokenizer: str = "cl100k_base", method: _MethodArg = _DEFAULTS.method,
                  zstd_level: int = _DEFAULTS.zstd_level, gzip_level: int = _DEFAULTS.gzip_level,
                  checksum: bool = _DEFAULTS.checksum) -> bytes:
    """Text to a frame with a built-in tokenizer (``Codec(tokenizer).compress_text``); the defaults
    are the library's (``default_options()``)."""
    return _codec(tokenizer, None).compress_text(
        text, method=method, zstd_level=zstd_level, gzip_level=gzip_level, checksum=checksum)


# ---- streams (docs/STREAM.md) -------------------------------------------------------------------


def iter_decode(chunks: Iterable[_Payload], *, codec: _native.Codec | None = None, require_end: bool = True,
                max_output: _Limit = None, max_tokens: _Limit = None) -> Iterator[str]:
    """Decodes a stream's chunks as they arrive and yields, for each chunk, the text it made
    available (``""`` when a chunk completes no character yet): whole characters only, so every
    piece is a valid ``str`` and their concatenation is the stream's text.

    ``chunks`` is any iterable of ``bytes``-like chunks (a generator reading an SSE or WebSocket
    transport, for instance). ``codec``: needed only for streams made with a custom tokenizer
    (``codec.stream_decoder()``). A reordered, duplicated or corrupt chunk raises ``ValueError``
    (``CorruptPayloadError``). With ``require_end`` (the default), chunks that run out before the
    stream's end marker raise ``CorruptPayloadError`` (a truncated stream); chunks after it raise too.
    ``max_output`` bounds what one chunk may produce (its text bytes plus its token IDs x 4) and
    ``max_tokens`` the whole stream's token IDs (``None``: the codec's limits, or the defaults without
    a codec); past either, ``TooLargeError``.
    """
    if codec is None:
        decoder = StreamDecoder(max_output=max_output, max_tokens=max_tokens)
    else:
        decoder = codec.stream_decoder(max_output=max_output, max_tokens=max_tokens)
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
    # vocabularies
    "BUILTIN_TOKENIZERS",
    "OPEN_VOCABS",
    "OPEN_PRIORS_EMBEDDED",
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
    # decode limits
    "DEFAULT_MAX_OUTPUT",
    "DEFAULT_MAX_TOKENS",
    "MAX_OUTPUT_CAP",
    "MAX_TOKENS_CAP",
    # errors
    "TaccError",
    "UnknownTokenizerError",
    "UnknownIdError",
    "UnknownTokenIdError",
    "UnknownMappedIdError",
    "UnknownTokenError",
    "CorruptPayloadError",
    "ChecksumMismatchError",
    "InvalidUtf8Error",
    "InvalidArgumentError",
    "TooLargeError",
    "MismatchError",
    "NullArgumentError",
    "TaccIOError",
    "InternalError",
    "BatchError",
]

# The class of a kind the core added after the list above (made by tacc._errors at import).
for _cls in _errors_by_kind.values():
    if _cls.__name__ not in globals():
        globals()[_cls.__name__] = _cls
        __all__.append(_cls.__name__)
del _cls
