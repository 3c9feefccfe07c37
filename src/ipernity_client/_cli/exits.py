"""Exit codes, and the one line an error becomes on stderr (never a secret).

0 success, 1 an API error (ipernity answered with an error code), 2 a usage or validation
error, or a credentials store to fix (nothing was sent), 3 a transport error (no reply, or a
reply that is not ipernity's), 130 interrupted by Ctrl-C.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .._runtime.errors import InvalidResponseError, IpernityError, TransportError, ValidationError

OK = 0
API_ERROR = 1
USAGE = 2
TRANSPORT = 3
INTERRUPTED = 130

MASK = "***"
# Credentials as they appear in a URL, a form or a "name=value" text, whatever their value.
_NAMED = re.compile(
    r"\b(api_secret|auth_token|api_sig|oauth_token_secret|oauth_signature|oauth_token)=([^&\s'\"]+)", re.IGNORECASE
)


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
    """``text`` with every known secret value and every named credential masked."""
    for secret in sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, MASK)
    return _NAMED.sub(lambda match: f"{match.group(1)}={MASK}", text)


def describe(error: BaseException) -> str:
    """The error as one line: the package's own message, else the exception's type and text."""
    if isinstance(error, KeyboardInterrupt):
        return "interrupted"
    if isinstance(error, (IpernityError, UsageError)):  # the package's messages say what and where
        text = str(error)
    else:
        text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return " ".join(text.split())
