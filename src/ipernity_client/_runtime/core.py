"""The client runtime shared by every generated binding: validate, sign, send, decode, retry.

The generated Client subclasses BaseClient, hands it the API description (``_api``) and adds one
namespace per service; each generated method is one call to ``Namespace._call`` with its
operation descriptor and reply parser.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from typing import Any, ClassVar, Protocol, TypeVar
from urllib.parse import urlencode

import requests

from . import __version__
from .api import Api
from .auth import AuthFlows, default_authorize_url, request_line
from .batching import batched
from .coerce import MissingElement
from .errors import ErrorReply, InvalidResponseError, IpernityError, ValidationError, scrubbed, secret_forms
from .http import DEFAULT_MAX_REPLY_SIZE, HttpReply, HttpRequest, Progress, Transport
from .logs import LOGGER, SECRET_NAMES, guard_urllib3, log_attempt, log_retry, shown_params
from .operation import Operation
from .options import option_problems
from .pages import walk
from .ratelimit import RateLimit
from .replies import snippet
from .rest import RestCodec
from .retry import RetryPolicy
from .unchecked import loose_operation, loose_values
from .validation import did_you_mean, prepare, shown

T = TypeVar("T")

DEFAULT_TIMEOUT = (10.0, 60.0)
# The longest a call may take, retries and their pauses included (an upload's sending excepted).
DEFAULT_DEADLINE = 300.0
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


def _fit_session(session: requests.Session, own: bool, pool_size: int | None) -> None:
    """Name the client in User-Agent (unless the caller chose one) and size the connection pool.

    requests keeps 10 connections a host: more threads than that on one client would open and
    throw away connections, so ``pool_size`` should be at least the number of threads.
    """
    if own or session.headers.get("User-Agent") == requests.utils.default_user_agent():
        session.headers["User-Agent"] = f"ipernity-client/{__version__} {requests.utils.default_user_agent()}"
    if pool_size is not None:
        adapter = requests.adapters.HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size)
        session.mount("http://", adapter)
        session.mount("https://", adapter)


def _plain(elements: dict[str, Any]) -> dict[str, Any]:
    """An unchecked call's result: the reply's elements as decoded."""
    return elements


class BaseClient(AuthFlows):
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
        rate_limit: RateLimit | None = None,
        authorize_url: str | None = None,
        deadline: float | None = DEFAULT_DEADLINE,
        attempt_deadline: float | None = None,
        max_reply_size: int = DEFAULT_MAX_REPLY_SIZE,
        pool_size: int | None = None,
    ) -> None:
        service = self._api.service
        problems = option_problems(service, locals())
        if problems:
            raise ValidationError("Client", problems)
        self.api_key = api_key
        self.api_secret = api_secret
        self.auth_token = auth_token
        self.protocol = protocol
        self.format = format
        self.endpoint = (endpoint or service.base_url).rstrip("/")
        self.authorize_url = authorize_url or default_authorize_url(service, endpoint)
        self.timeout = timeout
        self.retry = retry
        self.validate = validate
        self.rate_limit = rate_limit
        self.deadline = deadline
        self.attempt_deadline = attempt_deadline
        self.max_reply_size = max_reply_size
        self._own_session = session is None
        self.session = session if session is not None else requests.Session()
        _fit_session(self.session, self._own_session, pool_size)
        guard_urllib3()
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
        if not isinstance(method, str):
            raise ValidationError("call", [f"the method name must be a str such as 'doc.getList', got {shown(method)}"])
        operations = self._api.operations
        operation = operations.get(method)
        if operation is None:
            newer = "; a method newer than this client is called with call(..., unchecked=True)"
            raise ValidationError(method, [f"unknown method {method!r}{did_you_mean(method, operations)}{newer}"])
        return operation

    def call(self, method: str, /, *, unchecked: bool = False, **params: Any) -> Any:
        """Call ``method`` by its API name, e.g. ``call("doc.get", doc_id=1)``; same model as the typed method.

        ``unchecked=True`` calls a method this client does not know (one ipernity added after
        this package was built): no spec check, values sent as text by their Python type (files
        as paths, bytes or binary file objects), signed with the token when the client has them,
        sent by POST, and the reply returned as plain data (a dict of its elements), not a model.
        """
        if unchecked:
            operation = loose_operation(method, has_secret=bool(self.api_secret), has_token=bool(self.auth_token))
            return self._invoke(operation, params, _plain, loose=True)
        operation = self._operation(method)
        return self._invoke(operation, params, _parser(operation.result))

    def batched(self, method: str, /, **params: Any) -> list[Any]:
        """``method`` with an over-long list sent in chunks at its maximum; each chunk's reply, in order.

        E.g. ``batched("group.docs.add", group_id=1, doc_id=ids)`` makes one call per 20 ids.
        """
        operation = self._operation(method)
        parse = _parser(operation.result)
        return batched(operation, params, lambda chunk: self._invoke(operation, chunk, parse))

    def pages(self, method: str, /, **params: Any) -> Iterator[Any]:
        """Every item of a paginated ``method``, page after page, e.g. ``pages("doc.getList", user_id=1)``."""
        operations = self._api.operations
        operation = operations.get(method) if isinstance(method, str) else None
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

    def _invoke(
        self,
        operation: Operation,
        values: Mapping[str, Any],
        parse: Callable[[dict[str, Any]], T],
        *,
        progress: Progress | None = None,
        before_send: Callable[[], None] | None = None,
        loose: bool = False,
    ) -> T:
        if loose:
            wire, uploads = loose_values(operation.name, values)
        else:
            wire, uploads = prepare(
                operation,
                values,
                has_secret=bool(self.api_secret),
                has_token=bool(self.auth_token),
                validate=self.validate,
            )
            self._check_permissions(operation)
        if before_send is not None:
            before_send()  # e.g. an upload's quota check: after validation, before anything is sent
        codec = self._rest if uploads else self._codec
        target = request_line(codec, operation, uploads)
        ends = None if self.deadline is None else time.monotonic() + self.deadline
        attempt = 1
        recovered = False
        while True:
            # Signed for each attempt: an OAuth signature is good for one nonce and timestamp.
            signed = self._signer.sign(self, operation.name, dict(wire), target)
            request = codec.encode(operation, signed, uploads)
            if progress is not None:
                request = request._replace(progress=progress)
            reply: HttpReply | None = None
            started = time.perf_counter()
            try:
                if self.rate_limit is not None:
                    self.rate_limit.acquire()
                reply = self._transport.send(
                    request,
                    self.timeout,
                    operation.name,
                    deadline=self._attempt_ends(ends),
                    max_size=self.max_reply_size,
                )
                try:
                    elements = codec.decode(operation, reply)
                except ErrorReply as failure:
                    raise self._api.errors.error(failure, operation.name) from None
                try:
                    result = parse(elements)
                except MissingElement as missing:
                    raise InvalidResponseError(
                        str(missing),
                        method=operation.name,
                        status=reply.status,
                        snippet=snippet(reply.body),
                    ) from None
                self._log(operation, signed, uploads, reply, started, attempt, "ok")
                return result
            except IpernityError as error:
                scrubbed(error, secret_forms(self._credentials(signed)))
                self._log(operation, signed, uploads, reply, started, attempt, type(error).__name__, error)
                if not recovered and self._signer.recover(error, reply):
                    recovered = True
                    continue
                if self.retry is None or not self.retry.should_retry(operation, error, attempt):
                    raise
                wait = self.retry.delay(attempt, error, reply.retry_after if reply is not None else None)
                if ends is not None and time.monotonic() + wait + (time.perf_counter() - started) >= ends:
                    raise  # no time left for another attempt as long as this one: keep the real cause
                log_retry(operation.name, error, attempt, wait)
                self.retry.sleep(wait)
                attempt += 1

    def _attempt_ends(self, call_ends: float | None) -> float | None:
        """When this attempt must be over: at the call's deadline, or sooner by ``attempt_deadline``."""
        if self.attempt_deadline is None:
            return call_ends
        ends = time.monotonic() + self.attempt_deadline
        return ends if call_ends is None else min(ends, call_ends)

    def _log(
        self,
        operation: Operation,
        signed: Mapping[str, str],
        uploads: Mapping[str, Any],
        reply: HttpReply | None,
        started: float,
        attempt: int,
        outcome: str,
        error: IpernityError | None = None,
    ) -> None:
        if LOGGER.isEnabledFor(logging.DEBUG):
            # A reply refused while it arrived (a redirect, too large) has its status on the error.
            status = reply.status if reply is not None else getattr(error, "status", None)
            transport = f"{'rest' if uploads else self.protocol}/{self.format}"
            seconds = time.perf_counter() - started
            log_attempt(operation.name, transport, shown_params(signed, uploads), status, seconds, attempt, outcome)

    def _credentials(self, signed: Mapping[str, str]) -> list[str | None]:
        """What no exception may show: the secret, the token and the signatures of this request."""
        found = [self.api_secret, self.auth_token, *(signed.get(name) for name in SECRET_NAMES)]
        return [*found, getattr(self._signer, "token_secret", None)]  # an OAuth signer's token secret

    def signed_url(self, method: str, **params: Any) -> str:
        """A signed GET URL for ``method``, e.g. to fetch a reply outside this client."""
        operation = self._operation(method)
        if operation.post:
            raise ValidationError(method, [f"{method} must be sent with HTTP POST; it has no GET URL"])
        wire, _ = prepare(
            operation, params, has_secret=bool(self.api_secret), has_token=bool(self.auth_token), validate=self.validate
        )
        url = self._rest.url(method)
        return f"{url}?{urlencode(self._signer.sign(self, method, wire, ('GET', url)))}"


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
