"""What the simulator received, so tests can count calls and check that no write was sent twice.

Each entry keeps the method, the protocol, the parameters with the token and the signature
masked (never stored, so a test failure cannot print them), the uploaded files by name and size,
and how the call ended: 0 for success, the error code, or the injected fault.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

REDACTED = "***"
SECRET_PARAMS = frozenset({"auth_token", "api_sig", "oauth_token", "oauth_signature"})


def redact(params: dict[str, str]) -> dict[str, str]:
    return {name: REDACTED if name in SECRET_PARAMS else value for name, value in params.items()}


@dataclass
class LoggedCall:
    """One request. ``code``: 0 for a success, the ipernity error code, or the status of an HTML fault page."""

    method: str
    protocol: str
    format: str
    http_method: str
    params: dict[str, str]
    files: dict[str, str] = field(default_factory=dict)
    code: int = 0
    fault: str | None = None


class RequestLog:
    """Every call in arrival order; safe to read while the server runs."""

    def __init__(self) -> None:
        self._calls: list[LoggedCall] = []
        self._lock = threading.Lock()

    def add(self, call: LoggedCall) -> None:
        with self._lock:
            self._calls.append(call)

    def calls(self, method: str | None = None) -> list[LoggedCall]:
        """The calls so far, of ``method`` only when given."""
        with self._lock:
            return [call for call in self._calls if method in (None, call.method)]

    def count(self, method: str | None = None) -> int:
        return len(self.calls(method))

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()

    def __len__(self) -> int:
        return self.count()
