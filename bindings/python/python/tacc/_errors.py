"""Python exceptions for the library's errors.

The extension module (``tacc._native``, bindings/python/src/lib.rs) raises these classes directly:
its ``py_err`` is the one place where each Rust error variant becomes one of them, carrying the
library's message. Each class's ``kind`` names its variant, so ``e.kind`` is the same for every
instance of a class (one class per variant; ``UnknownIdError`` and ``CorruptPayloadError`` group
several). Each also derives from the built-in exception that tacc 0.1.0 / LoPace 0.1.5 users catch:
``KeyError`` for unknown token IDs, mapped IDs and tokens (as tacc), ``ValueError`` for corrupt
payloads, bad arguments, payloads past a decode limit and unknown tokenizers, ``OSError`` for files.
A panic inside the library (a bug) is caught at the boundary and raised as ``InternalError``, a
``RuntimeError``: every failure is a ``TaccError``, hence an ``Exception``.

This module imports nothing from the package, so the extension can load it at any time.
"""


class TaccError(Exception):
    """Base class of every error raised by tacc. ``kind`` names the library's error variant."""

    kind = "Error"

    def __str__(self):
        # KeyError's str() quotes its argument; keep the library's message readable for all.
        return str(self.args[0]) if self.args else ""


class UnknownTokenizerError(TaccError, ValueError):
    kind = "UnknownTokenizer"


class UnknownIdError(TaccError, KeyError):
    """An unknown token ID, mapped ID or string token (tacc raises ``KeyError`` there); raised as
    one of its three subclasses."""

    kind = "UnknownId"


class UnknownTokenIdError(UnknownIdError):
    """A token ID the tokenizer or the tacc mapping does not know."""

    kind = "UnknownTokenId"


class UnknownMappedIdError(UnknownIdError):
    """A mapped ID the tacc mapping does not contain."""

    kind = "UnknownMappedId"


class UnknownTokenError(UnknownIdError):
    """A string that is not exactly one token of the vocabulary (``encode_tokens``)."""

    kind = "UnknownToken"


class CorruptPayloadError(TaccError, ValueError):
    """A payload or frame that cannot be decoded (tacc raises ``Exception``; a ValueError is one)."""

    kind = "Corrupt"


class ChecksumMismatchError(CorruptPayloadError):
    kind = "ChecksumMismatch"


class InvalidUtf8Error(CorruptPayloadError):
    """Decoded bytes that are not valid UTF-8 where text was expected."""

    kind = "InvalidUtf8"


class InvalidArgumentError(TaccError, ValueError):
    kind = "InvalidArgument"


class TooLargeError(TaccError, ValueError):
    """Input or output past a size limit: a payload that would decode to more than the caller's
    ``max_output`` bytes or ``max_tokens`` token IDs (the message names the limit), refused before
    the memory is allocated."""

    kind = "TooLarge"


class MismatchError(TaccError, ValueError):
    """A frame made with a tokenizer or mapping other than the codec's."""

    kind = "Mismatch"


class TaccIOError(TaccError, OSError):
    kind = "Io"


class InternalError(TaccError, RuntimeError):
    """A bug in tacc (a Rust panic, caught at the boundary): please report it with the input."""

    kind = "Internal"
