"""The exceptions every binding shares; generated code adds one class per error code.

Messages name the method, the code and the server's text, never the secret, the token or the
signature.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import ClassVar

from .lazy import Lazy


class IpernityError(Exception):
    """Base class of every exception raised by this package."""


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
        status_text = f"HTTP {status}" if status is not None else "no HTTP status"
        super().__init__(f"{method}: {reason} ({status_text}): {snippet!r}")


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
        where = f"{method}: " if method else ""
        text = f": {message}" if message else ""
        super().__init__(f"{where}error {self.code} ({self.label}){text}")


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
