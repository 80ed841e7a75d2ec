"""Python exceptions for the library's errors: one class per error kind of the core.

The core classifies every error once (``tacc::ErrorKind``: a stable name and numeric code, the C
ABI's status). The extension module (``tacc._native``, bindings/python/src/errors.rs) raises
``BY_KIND[kind name]`` with the library's message, so the class follows the kind alone. Each class
takes its ``kind``, ``code`` and ``description`` from ``_native.error_kinds()`` (the core's
``ErrorKind::ALL``). The classes below add what only Python knows, the built-in base each kind's
users catch; a kind the core adds later gets a plain ``<Kind>Error(TaccError)`` made here at
import, so it needs no edit of this file (and two classes for one kind fail at import).

Every instance carries its class's ``kind`` and ``code``. Each class also derives from the
built-in exception that tacc 0.1.0 / LoPace 0.1.5 users catch: ``KeyError`` for unknown token IDs,
mapped IDs and tokens (as tacc), ``ValueError`` for corrupt payloads, bad arguments, payloads past a
decode limit and unknown tokenizers, ``OSError`` for files. A panic inside the library (a bug) is
caught at the boundary and raised as ``InternalError``, a ``RuntimeError``: every failure is a
``TaccError``, hence an ``Exception``.

``ChecksumMismatchError`` and ``InvalidUtf8Error`` are also ``CorruptPayloadError`` subclasses (an
``except CorruptPayloadError`` catches every undecodable payload), with kinds of their own.
``NullArgumentError`` exists for the table's sake: its kind is the C ABI's NULL pointer, which
Python cannot pass, so it is never raised here.

This module imports only ``_native`` (the extension loads it on the first error, after the package).
"""

from __future__ import annotations

from typing import Any, ClassVar

from . import _native

# name -> (code, description), from the core.
KINDS: dict[str, tuple[int, str]] = {name: (code, description) for name, code, description in _native.error_kinds()}

# kind name -> the one class raised for it; filled by TaccError.__init_subclass__.
BY_KIND: dict[str, type[TaccError]] = {}


class TaccError(Exception):
    """Base class of every error raised by tacc. ``kind`` is the core's error kind name
    ("UnknownId", "Corrupt", ...) and ``code`` its number (the C ABI's status); both are the
    class's, the same for every instance."""

    kind: ClassVar[str | None] = None
    code: ClassVar[int | None] = None
    description: ClassVar[str | None] = None

    def __init_subclass__(cls, kind: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if kind is None:
            return
        if kind not in KINDS:
            raise ImportError(f"tacc._errors: {cls.__name__} names kind {kind!r}, which the core does not have")
        if kind in BY_KIND:
            raise ImportError(f"tacc._errors: two classes for kind {kind!r}: {BY_KIND[kind].__name__}, {cls.__name__}")
        cls.kind = kind
        cls.code, cls.description = KINDS[kind]
        BY_KIND[kind] = cls

    def __str__(self) -> str:
        # KeyError's str() quotes its argument; keep the library's message readable for all.
        return str(self.args[0]) if self.args else ""


class InvalidArgumentError(TaccError, ValueError, kind="InvalidArgument"):
    """An argument out of its documented range (level, method for this content, limit...)."""


class NullArgumentError(TaccError, ValueError, kind="NullArgument"):
    """The C ABI's NULL pointer argument: never raised by Python (it has no NULL), listed so that
    every kind of the core has its class."""


class UnknownTokenizerError(TaccError, ValueError, kind="UnknownTokenizer"):
    """A tokenizer name that is not built in."""


class UnknownIdError(TaccError, KeyError, kind="UnknownId"):
    """An unknown token ID, mapped ID or string token (tacc 0.1.0 raises ``KeyError`` there)."""


# Names of earlier releases of this package, kept so that `except tacc.UnknownTokenIdError` still
# works: they are the same class (the core has one kind for the three), so they catch all three.
UnknownTokenIdError = UnknownMappedIdError = UnknownTokenError = UnknownIdError


class CorruptPayloadError(TaccError, ValueError, kind="Corrupt"):
    """A payload or frame that cannot be decoded (tacc raises ``Exception``; a ValueError is one)."""


class ChecksumMismatchError(CorruptPayloadError, kind="ChecksumMismatch"):
    """The decoded content does not match the frame's checksum."""


class TooLargeError(TaccError, ValueError, kind="TooLarge"):
    """Input or output past a size limit: a payload that would decode to more than the caller's
    ``max_output`` bytes or ``max_tokens`` token IDs (the message names the limit), refused before
    the memory is allocated."""


class InvalidUtf8Error(CorruptPayloadError, kind="InvalidUtf8"):
    """Decoded bytes that are not valid UTF-8 where text was expected."""


class MismatchError(TaccError, ValueError, kind="Mismatch"):
    """A frame made with a tokenizer or mapping other than the codec's."""


class TaccIOError(TaccError, OSError, kind="Io"):
    """A file (mapping, rank file) could not be read."""


class InternalError(TaccError, RuntimeError, kind="Internal"):
    """A bug in tacc (a Rust panic, caught at the boundary): please report it with the input."""


class BatchError(TaccError):
    """Some items of a batch call (``Codec.compress_text_batch``, ...) failed; the others did not.

    ``results`` has one entry per item, in input order: the item's value, or the ``TaccError`` it
    raised (what ``return_exceptions=True`` returns instead of raising); ``failed`` lists the failed
    items' indexes in order. ``kind`` is None: each failure carries its own."""

    def __init__(self, results: list[Any], failed: list[int]) -> None:
        self.results = results
        self.failed = failed
        first = results[failed[0]]
        super().__init__(
            f"{len(failed)} of {len(results)} items failed; item {failed[0]}: {type(first).__name__}: {first}"
        )

    @property
    def errors(self) -> dict[int, TaccError]:
        """The failed items' exceptions by index."""
        return {i: self.results[i] for i in self.failed}


# Kinds without a class above (added to the core later): a TaccError subclass each, named after the
# kind and exported like the others.
for _kind in KINDS:
    if _kind not in BY_KIND:
        _cls = type(f"{_kind}Error", (TaccError,), {"__module__": __name__}, kind=_kind)
        globals()[_cls.__name__] = _cls
del _kind
