"""Python exceptions for the library's errors.

The extension module (``tacc._native``, bindings/python/src/lib.rs) raises these classes directly:
its ``py_err`` is the one place where each Rust error variant becomes one of them, carrying the
library's message and the variant's name in ``kind``. Each also derives from the built-in exception
that tacc 0.1.0 / LoPace 0.1.5 users catch: ``KeyError`` for unknown token IDs, mapped IDs and
tokens (as tacc), ``ValueError`` for corrupt payloads, bad arguments and unknown tokenizers,
``OSError`` for files.

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
