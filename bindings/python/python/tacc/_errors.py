"""Python exceptions for the library's errors.

The generated uniffi module raises ``tacc._native.TaccError.<Variant>``; the public API turns each
into one of the classes below, which also derive from the built-in exception that tacc 0.1.0 /
LoPace 0.1.5 users catch: ``KeyError`` for unknown token IDs, mapped IDs and tokens (as tacc),
``ValueError`` for corrupt payloads, bad arguments and unknown tokenizers, ``OSError`` for files.
"""

from . import _native


class TaccError(Exception):
    """Base class of every error raised by tacc. ``kind`` names the library's error variant."""

    kind = "Error"

    def __str__(self):
        # KeyError's str() quotes its argument; keep the library's message readable for all.
        return str(self.args[0]) if self.args else ""


class UnknownTokenizerError(TaccError, ValueError):
    kind = "UnknownTokenizer"


class UnknownIdError(TaccError, KeyError):
    """An unknown token ID, mapped ID or string token (tacc raises ``KeyError`` there)."""

    kind = "UnknownId"


class CorruptPayloadError(TaccError, ValueError):
    """A payload or frame that cannot be decoded (tacc raises ``Exception``; a ValueError is one)."""

    kind = "Corrupt"


class ChecksumMismatchError(CorruptPayloadError):
    kind = "ChecksumMismatch"


class InvalidArgumentError(TaccError, ValueError):
    kind = "InvalidArgument"


class TooLargeError(TaccError, ValueError):
    kind = "TooLarge"


class MismatchError(TaccError, ValueError):
    """A frame made with a tokenizer or mapping other than the codec's."""

    kind = "Mismatch"


class TaccIOError(TaccError, OSError):
    kind = "Io"


_N = _native.TaccError
# `_native.TaccError` is a namespace of variant classes; their common base is the exception to catch.
NativeError = _N.Corrupt.__bases__[0]
_MAP = {
    _N.UnknownTokenizer: UnknownTokenizerError,
    _N.UnknownTokenId: UnknownIdError,
    _N.UnknownMappedId: UnknownIdError,
    _N.UnknownToken: UnknownIdError,
    _N.Corrupt: CorruptPayloadError,
    _N.ChecksumMismatch: ChecksumMismatchError,
    _N.InvalidUtf8: CorruptPayloadError,
    _N.TooLarge: TooLargeError,
    _N.InvalidArgument: InvalidArgumentError,
    _N.Mismatch: MismatchError,
    _N.Io: TaccIOError,
}


def convert(err):
    """The public exception for a ``_native.TaccError``; keeps the library's message."""
    cls = _MAP.get(type(err), TaccError)
    out = cls(str(err))
    out.kind = type(err).__name__
    return out
