"""Exit codes, and the one line an error becomes on stderr (never a secret).

0 success, 1 an API error (ipernity answered with an error code), 2 a usage or validation
error, or a credentials store to fix (nothing was sent), 3 a transport error (no reply, or a
reply that is not ipernity's), 130 interrupted by Ctrl-C.
"""

from __future__ import annotations

from collections.abc import Iterable

from .._runtime.errors import (
    InvalidResponseError,
    IpernityError,
    TransportError,
    ValidationError,
    scrub_text,
    secret_forms,
)
from .._runtime.logs import hide_named

OK = 0
API_ERROR = 1
USAGE = 2
TRANSPORT = 3
INTERRUPTED = 130


class UsageError(Exception):
    """The command line cannot be carried out as given; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))

    def __reduce__(self) -> tuple[type[UsageError], tuple[list[str]]]:
        """Pickled with its list, not its joined text (which would be split into characters)."""
        return (type(self), (self.problems,))


def exit_code(error: BaseException) -> int:
    """The exit code an error ends the command with."""
    from .._runtime.credentials import CredentialsError  # here: it imports requests, which `methods` need not

    if isinstance(error, KeyboardInterrupt):
        return INTERRUPTED
    if isinstance(error, (UsageError, ValidationError, CredentialsError)):  # nothing was sent
        return USAGE
    if isinstance(error, (TransportError, InvalidResponseError)):
        return TRANSPORT
    return API_ERROR


def scrub(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every known secret value (in any of its forms) and every named credential masked."""
    return hide_named(scrub_text(text, secret_forms(secrets)))


def describe(error: BaseException) -> str:
    """The error as one line: the package's own message, else the exception's type and text."""
    if isinstance(error, KeyboardInterrupt):
        return "interrupted"
    if isinstance(error, (IpernityError, UsageError)):  # the package's messages say what and where
        text = str(error)
    else:
        text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return " ".join(text.split())
