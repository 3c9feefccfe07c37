"""The exceptions every binding shares; generated code adds one class per error code.

Messages name the method, the code and the server's text, never the secret, the token or the
signature: the client passes every exception it raises through ``scrubbed`` with its own
credentials. Every exception pickles with its attributes (for process pools).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from html import escape
from typing import Any, ClassVar, TypeVar
from urllib.parse import quote, quote_plus

from .lazy import Lazy

E = TypeVar("E", bound=BaseException)
MASK = "***"
ELLIPSIS = "…"
# Shorter values are not masked: replacing every "ab" in a message would garble it, and no
# real secret, token or signature is that short.
MIN_SECRET_LENGTH = 4


def _restore(cls: type[IpernityError], args: tuple[Any, ...], state: dict[str, Any]) -> IpernityError:
    """Rebuild a pickled exception without calling its ``__init__`` (whose arguments vary)."""
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class IpernityError(Exception):
    """Base class of every exception raised by this package."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), self.args, dict(self.__dict__)))


class ValidationError(IpernityError, ValueError):
    """The call was refused before anything was sent; ``problems`` lists every reason."""

    def __init__(self, method: str, problems: list[str]) -> None:
        self.method = method
        self.problems = problems
        count = len(problems)
        details = "; ".join(problems)
        super().__init__(f"{method}: {count} problem{'s' if count != 1 else ''} found before sending: {details}")


class TransportError(IpernityError):
    """No reply arrived: the connection failed or timed out. The URL is shown without its query."""

    def __init__(self, reason: str, *, method: str, url: str) -> None:
        self.reason = reason
        self.method = method
        self.url = url
        super().__init__(f"{method}: {reason} ({url})")


class ConnectionFailedError(TransportError):
    """The server could not be reached, or dropped the connection."""


class RequestTimeoutError(TransportError):
    """The server did not answer within the timeout."""


class InvalidResponseError(IpernityError):
    """A reply that is not an ipernity reply: an HTML error page, an empty or truncated body."""

    def __init__(self, reason: str, *, method: str, status: int | None, snippet: str) -> None:
        self.reason = reason
        self.method = method
        self.status = status
        self.snippet = snippet
        shown = f": {snippet!r}" if snippet else ""
        super().__init__(f"{method}: {reason}{_status_note(reason, status)}{shown}")


def _status_note(reason: str, status: int | None) -> str:
    """The status after the reason (" (HTTP 502)"), unless the reason already names it."""
    if status is None:
        return " (no HTTP status)"
    return "" if f"HTTP {status}" in reason else f" (HTTP {status})"


class ReplyTooLargeError(InvalidResponseError):
    """The reply grew past the client's ``max_reply_size`` (counted after decompression)."""

    def __init__(self, *, method: str, status: int | None, limit: int) -> None:
        self.limit = limit
        super().__init__(
            f"the reply is larger than max_reply_size={limit} bytes", method=method, status=status, snippet=""
        )


class RedirectError(InvalidResponseError):
    """The server answered with a redirect; API calls never follow one (it would re-send the signed call)."""

    def __init__(self, *, method: str, status: int, location: str) -> None:
        self.location = location
        super().__init__(f"redirected to {location!r}, not followed", method=method, status=status, snippet="")


class UnsafeReplyError(InvalidResponseError):
    """An XML reply that declares a DTD (entities, external references): refused, never parsed further."""


class ApiError(IpernityError):
    """ipernity answered with an error code."""

    code: int = 0
    label: ClassVar[str] = "Unknown error"
    default_message: ClassVar[str] = ""
    category: ClassVar[str] = "unknown"
    retryable: ClassVar[bool] = False

    def __init__(
        self,
        message: str = "",
        *,
        code: int | None = None,
        method: str = "",
        http_status: int | None = None,
    ) -> None:
        if code is not None:
            self.code = code
        self.message = message
        self.method = method
        self.http_status = http_status
        super().__init__(f"{method}: {self._text()}" if method else self._text())

    def _text(self) -> str:
        """The code with the label and the server's message, each said once."""
        label, message = _words(self.label), _words(self.message)
        if not message or message == label:
            return f"error {self.code} ({self.label})"
        if label and label in message:
            return f"error {self.code}: {self.message}"
        return f"error {self.code} ({self.label}): {self.message}"


def _words(text: str) -> str:
    """``text`` as lower-case words, to tell whether a message repeats the label ("Document not found.")."""
    return " ".join(re.findall(r"\w+", text.casefold()))


class UnknownApiError(ApiError):
    """An error code that is in neither the common table nor the method's own table."""


class MethodError(ApiError):
    """A method's own error code (1–99): its meaning depends on the method."""

    method_name: ClassVar[str] = ""


class ErrorReply(Exception):
    """An error reply as a codec reads it, before the error table names its class.

    Codecs raise it; the client turns it into the ApiError subclass of ``ErrorTable.lookup``.
    """

    def __init__(self, code: int, message: str, status: int | None) -> None:
        super().__init__(code, message, status)
        self.code = code
        self.message = message
        self.status = status


class ErrorTable:
    """Error code → exception class: the common table, then the method's own codes (loaded on first use)."""

    def __init__(
        self,
        common: Mapping[int, type[ApiError]],
        load_method_errors: Callable[[], Mapping[tuple[str, int], type[MethodError]]],
    ) -> None:
        self.common = common
        self._method_errors = Lazy(load_method_errors)

    @property
    def method_errors(self) -> Mapping[tuple[str, int], type[MethodError]]:
        return self._method_errors.get()

    def lookup(self, code: int, method: str) -> type[ApiError]:
        """The exception class for ``code`` returned by ``method``."""
        found: type[ApiError] | None = self.common.get(code)
        if found is None:
            found = self.method_errors.get((method, code))
        return found if found is not None else UnknownApiError

    def error(self, reply: ErrorReply, method: str) -> ApiError:
        """The exception to raise for an error reply of ``method``."""
        return self.lookup(reply.code, method)(reply.message, code=reply.code, method=method, http_status=reply.status)

    def message(self, code: int, method: str) -> str:
        """The text ipernity sends with ``code``: the common table's, else the method's own."""
        found = self.lookup(code, method)
        if found is UnknownApiError:
            return ""
        if found.default_message or code in self.common:
            return found.default_message
        return found.label if found.label != "label unknown" else ""


def secret_forms(values: Iterable[str | None]) -> tuple[str, ...]:
    """Each credential as it may appear in a text: raw, URL-quoted and XML-escaped; longest first."""
    forms = {
        form
        for value in values
        if value and len(value) >= MIN_SECRET_LENGTH
        for form in (value, quote(value, safe=""), quote_plus(value), escape(value))
    }
    return tuple(sorted(forms, key=len, reverse=True))


def scrub_text(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with every form of the ``secrets`` (from ``secret_forms``) masked.

    A snippet cut short ("…") may end in the first characters of a secret: those are masked too.
    """
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    if text.endswith(ELLIPSIS):
        body = text[: -len(ELLIPSIS)]
        cut = max(
            (size for secret in secrets for size in range(1, len(secret)) if body.endswith(secret[:size])), default=0
        )
        if cut >= MIN_SECRET_LENGTH:
            text = body[:-cut] + MASK + ELLIPSIS
    return text


def _scrub_value(value: Any, secrets: tuple[str, ...]) -> Any:
    if isinstance(value, str):
        return scrub_text(value, secrets)
    if isinstance(value, (list, tuple)):
        return type(value)(_scrub_value(item, secrets) for item in value)
    return value


def scrubbed(error: E, secrets: tuple[str, ...]) -> E:
    """``error`` with the secrets masked in its arguments and text attributes, and its chain cut.

    The chained exceptions (``__context__``, ``__cause__``) come from requests, urllib3 or a
    parser and may quote the signed URL or body, so they are dropped rather than searched.
    """
    if secrets:
        error.args = _scrub_value(error.args, secrets)
        for name, value in list(vars(error).items()):
            setattr(error, name, _scrub_value(value, secrets))
    error.__context__ = None
    error.__cause__ = None
    error.__suppress_context__ = True
    return error
