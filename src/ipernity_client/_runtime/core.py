"""The client runtime shared by every generated binding: validate, sign, send, decode, retry.

The generated Client subclasses BaseClient, hands it the API description (``_api``) and adds one
namespace per service; each generated method is one call to ``Namespace._call`` with its
operation descriptor and reply parser.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from typing import Any, ClassVar, Protocol, TypeVar
from urllib.parse import urlencode

import requests

from .api import Api
from .errors import ErrorReply, IpernityError, ValidationError
from .http import HttpReply, HttpRequest, Transport
from .operation import Operation
from .pages import walk
from .rest import RestCodec
from .retry import RetryPolicy
from .signing import signature
from .validation import did_you_mean, prepare

T = TypeVar("T")

DEFAULT_TIMEOUT = (10.0, 60.0)
DEFAULT_RETRY = RetryPolicy()


class Codec(Protocol):
    """What a protocol supplies: the request to send and the elements of its reply."""

    def encode(self, operation: Operation, wire: dict[str, str], uploads: dict[str, Any]) -> HttpRequest: ...

    def decode(self, operation: Operation, reply: HttpReply) -> dict[str, Any]: ...


_LAZY_CODECS = {"soap": "SoapCodec", "xmlrpc": "XmlRpcCodec"}


def _make_codec(api: Api, protocol: str, base_url: str, fmt: str) -> Codec:
    """REST is always loaded; the SOAP and XML-RPC modules (and zeep) only for a client that uses them."""
    if protocol == "rest":
        return RestCodec(api, base_url, fmt)
    module = importlib.import_module(f"{__package__}.{protocol}")
    codec: Codec = getattr(module, _LAZY_CODECS[protocol])(api, base_url, fmt)
    return codec


@cache
def _parser(path: str) -> Callable[[dict[str, Any]], Any]:
    module, _, name = path.partition(":")
    parser: Callable[[dict[str, Any]], Any] = getattr(importlib.import_module(module), name)
    return parser


class BaseClient:
    """Credentials, transport and the call pipeline; thread-safe once constructed.

    A generated subclass sets ``_api``: the operations, errors and service facts it calls with.
    """

    _api: ClassVar[Api]

    def __init__(
        self,
        api_key: str,
        api_secret: str | None = None,
        auth_token: str | None = None,
        *,
        protocol: str = "rest",
        format: str = "json",
        endpoint: str | None = None,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
        retry: RetryPolicy | None = DEFAULT_RETRY,
        validate: bool = True,
    ) -> None:
        service = self._api.service
        problems = []
        if not isinstance(api_key, str) or not api_key:
            problems.append("api_key must be a non-empty str")
        if protocol not in service.protocols:
            problems.append(f"protocol {protocol!r} is not one of {', '.join(service.protocols)}")
        if format not in service.client_formats:
            problems.append(f"format {format!r} is not one of {', '.join(service.client_formats)}")
        if endpoint is not None and not endpoint.startswith(("http://", "https://")):
            problems.append(f"endpoint {endpoint!r} must start with http:// or https://")
        if problems:
            raise ValidationError("Client", problems)
        self.api_key = api_key
        self.api_secret = api_secret
        self.auth_token = auth_token
        self.protocol = protocol
        self.format = format
        self.endpoint = (endpoint or service.base_url).rstrip("/")
        self.timeout = timeout
        self.retry = retry
        self.validate = validate
        self._own_session = session is None
        self.session = session if session is not None else requests.Session()
        self._transport = Transport(self.session, self.endpoint)
        self._codec = _make_codec(self._api, protocol, self.endpoint, format)
        self._rest = RestCodec(self._api, self.endpoint, format)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(protocol={self.protocol!r}, format={self.format!r}, endpoint={self.endpoint!r})"

    def __enter__(self: T) -> T:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the session if the client created it."""
        if self._own_session:
            self.session.close()

    def _operation(self, method: str) -> Operation:
        """The descriptor of ``method``, or a ValidationError naming the closest known method."""
        operations = self._api.operations
        operation = operations.get(method)
        if operation is None:
            raise ValidationError(method, [f"unknown method {method!r}{did_you_mean(method, operations)}"])
        return operation

    def call(self, method: str, /, **params: Any) -> Any:
        """Call ``method`` by its API name, e.g. ``call("doc.get", doc_id=1)``; same model as the typed method."""
        operation = self._operation(method)
        return self._invoke(operation, params, _parser(operation.result))

    def pages(self, method: str, /, **params: Any) -> Iterator[Any]:
        """Every item of a paginated ``method``, page after page, e.g. ``pages("doc.getList", user_id=1)``."""
        operations = self._api.operations
        operation = operations.get(method)
        if operation is None or operation.paging is None:
            paginated = sorted(name for name, op in operations.items() if op.paging)
            raise ValidationError(method, [f"{method!r} is not a paginated method; these are: {', '.join(paginated)}"])
        if operation.paging.page in params:
            raise ValidationError(method, [f"{operation.paging.page!r} is chosen by the iterator; leave it out"])
        return self._walk(operation, params, _parser(operation.result))

    def _walk(
        self, operation: Operation, values: Mapping[str, Any], parse: Callable[[dict[str, Any]], T]
    ) -> Iterator[Any]:
        """Every item of ``operation``'s pages, each page one ``_invoke``."""
        return walk(operation, values, lambda wanted: self._invoke(operation, wanted, parse))

    def _sign(self, method: str, wire: dict[str, str]) -> dict[str, str]:
        """Add api_key, auth_token and api_sig as the notes (3.1) say: sign whenever a secret is known."""
        wire["api_key"] = self.api_key
        if self.auth_token:
            wire["auth_token"] = self.auth_token
        if self.api_secret:
            wire["api_sig"] = signature(wire, method, self.api_secret)
        return wire

    def _invoke(self, operation: Operation, values: Mapping[str, Any], parse: Callable[[dict[str, Any]], T]) -> T:
        wire, uploads = prepare(
            operation,
            values,
            has_secret=bool(self.api_secret),
            has_token=bool(self.auth_token),
            validate=self.validate,
        )
        self._sign(operation.name, wire)
        codec = self._rest if uploads else self._codec
        request = codec.encode(operation, wire, uploads)
        attempt = 1
        while True:
            try:
                reply = self._transport.send(request, self.timeout, operation.name)
                try:
                    elements = codec.decode(operation, reply)
                except ErrorReply as failure:
                    raise self._api.errors.error(failure, operation.name) from None
                return parse(elements)
            except IpernityError as error:
                if self.retry is None or not self.retry.should_retry(operation, error, attempt):
                    raise
                time.sleep(self.retry.delay(attempt))
                attempt += 1

    def authorization_url(self, perms: Mapping[str, str], frob: str | None = None) -> str:
        """The signed link where a member grants ``perms`` (e.g. ``{"doc": "write"}``) to this app.

        Desktop apps pass the frob from auth.getFrob; web apps leave it out and receive the frob
        on their callback. The signature covers api_key, frob and the perm_* values, no method.
        """
        service = self._api.service
        problems = [
            f"{scope}: {level!r} is not one of {', '.join(service.grant_levels)}"
            for scope, level in perms.items()
            if level not in service.grant_levels
        ]
        problems += [f"unknown permission scope {scope!r}" for scope in perms if scope not in service.permission_scopes]
        if not self.api_secret:
            problems.append("an authorization link must be signed but the client has no api_secret")
        if problems:
            raise ValidationError("authorization_url", problems)
        params = {"api_key": self.api_key, **{f"perm_{scope}": level for scope, level in perms.items()}}
        if frob:
            params["frob"] = frob
        params["api_sig"] = signature(params, "", self.api_secret or "")
        return f"{service.authorize_url}?{urlencode(params)}"

    def signed_url(self, method: str, **params: Any) -> str:
        """A signed GET URL for ``method``, e.g. to fetch a reply outside this client."""
        operation = self._operation(method)
        if operation.post:
            raise ValidationError(method, [f"{method} must be sent with HTTP POST; it has no GET URL"])
        wire, _ = prepare(
            operation, params, has_secret=bool(self.api_secret), has_token=bool(self.auth_token), validate=self.validate
        )
        return f"{self._rest.url(method)}?{urlencode(self._sign(method, wire))}"


class Namespace:
    """A group of methods (``client.doc``, ``client.doc.tags``) bound to one client."""

    def __init__(self, client: BaseClient) -> None:
        self._client = client

    def _call(self, operation: Operation, values: Mapping[str, Any], parse: Callable[[dict[str, Any]], T]) -> T:
        return self._client._invoke(operation, values, parse)

    def _pages(
        self, operation: Operation, values: Mapping[str, Any], parse: Callable[[dict[str, Any]], object]
    ) -> Iterator[Any]:
        return self._client._walk(operation, values, parse)
