"""One API call as the simulator sees it, whatever the protocol, and the error it may end with."""

from __future__ import annotations

from dataclasses import dataclass, field

from .state import App, Token, User


@dataclass(frozen=True)
class UploadedFile:
    """A multipart file part: never signed, never logged in full."""

    filename: str
    content: bytes


@dataclass
class Call:
    """The method and its string parameters, read from a REST query or form, a SOAP or an XML-RPC envelope."""

    method: str
    params: dict[str, str]
    protocol: str
    format: str
    http_method: str
    client: str
    files: dict[str, UploadedFile] = field(default_factory=dict)
    # The URL path it was sent to: an OAuth signature covers the URL.
    path: str = ""


@dataclass
class Caller:
    """Who is calling, once the key, signature and token were checked."""

    app: App
    token: Token | None = None
    user: User | None = None


class ApiFailure(Exception):
    """Ends a call with an ipernity error reply; without a message, the documented one is sent.

    ``method`` names whose error table a method's own code (1–99) is read from.
    """

    def __init__(self, code: int, method: str = "", message: str | None = None) -> None:
        self.code = code
        self.method = method
        self.message = message
        super().__init__(f"error {code}" + (f": {message}" if message else ""))
