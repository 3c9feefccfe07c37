"""Every exception of the package, as a user meets it: it pickles whole, says each thing once,
and the process's DEBUG log (root logger, urllib3 included) never shows a credential."""

from __future__ import annotations

import importlib
import inspect
import logging
import multiprocessing
import pickle
import pkgutil
import re
import socket
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pytest
import requests

import ipernity_client
from ipernity_client import errors
from ipernity_client.auth import LoginTimeoutError
from ipernity_client.bulk import DownloadError
from ipernity_client.credentials import CredentialsError
from ipernity_client.testing import Simulator
from ipernity_client.uploads import UploadTicketError, UploadTimeoutError

from ..conftest import every_protocol

Builder = Callable[[], errors.IpernityError]


def _public_modules() -> Iterator[Any]:
    """Every module of the package a user may import from (not the simulator's or the CLI's insides)."""
    yield ipernity_client
    for info in pkgutil.walk_packages(ipernity_client.__path__, "ipernity_client."):
        if not any(part in info.name for part in ("._simulator", "._cli", "__main__", "pytest_plugin")):
            yield importlib.import_module(info.name)


def _exception_classes() -> set[type[errors.IpernityError]]:
    """Every IpernityError subclass a module of the package holds, the lazily loaded generated ones included."""
    values = [value for module in _public_modules() for value in vars(module).values()]
    values += [getattr(errors, name) for name in dir(errors)]
    return {value for value in values if inspect.isclass(value) and issubclass(value, errors.IpernityError)}


def _api_error(cls: type[errors.ApiError]) -> errors.ApiError:
    method = getattr(cls, "method_name", "") or "doc.get"
    return cls(cls.default_message or cls.label, code=cls.code or 77, method=method, http_status=200)


# One example per hand-written exception class; the generated ApiError subclasses are built from their table.
EXAMPLES: dict[type[errors.IpernityError], Builder] = {
    errors.IpernityError: lambda: errors.IpernityError("something went wrong"),
    errors.ValidationError: lambda: errors.ValidationError("doc.get", ["doc_id: expected an int"]),
    errors.TransportError: lambda: errors.TransportError("reset", method="doc.get", url="http://x/api"),
    errors.ConnectionFailedError: lambda: errors.ConnectionFailedError("refused", method="doc.get", url="http://x"),
    errors.RequestTimeoutError: lambda: errors.RequestTimeoutError("no reply", method="doc.get", url="http://x"),
    errors.InvalidResponseError: lambda: errors.InvalidResponseError(
        "not JSON", method="doc.get", status=502, snippet="<html>"
    ),
    errors.ReplyTooLargeError: lambda: errors.ReplyTooLargeError(method="doc.get", status=200, limit=10),
    errors.RedirectError: lambda: errors.RedirectError(method="doc.get", status=302, location="http://elsewhere/"),
    errors.UnsafeReplyError: lambda: errors.UnsafeReplyError("a DTD", method="doc.get", status=200, snippet="<!"),
    LoginTimeoutError: lambda: LoginTimeoutError("login: not approved within 300 s"),
    CredentialsError: lambda: CredentialsError("the stored credentials are not valid JSON"),
    UploadTicketError: lambda: UploadTicketError("1 ticket invalid", invalid=["t1"], done={"t2": 5}),
    UploadTimeoutError: lambda: UploadTimeoutError("1 pending", pending=["t3"], invalid=[], done={"t2": 5}),
    DownloadError: lambda: DownloadError("HTTP 404", doc_id=7),
}


def _example(cls: type[errors.IpernityError]) -> errors.IpernityError:
    """An instance of ``cls``; a new hand-written class fails here until it has an example."""
    if issubclass(cls, errors.ApiError):
        return _api_error(cls)
    assert cls in EXAMPLES, f"{cls.__module__}.{cls.__qualname__}: add an example to EXAMPLES"
    return EXAMPLES[cls]()


CLASSES = sorted(_exception_classes(), key=lambda cls: cls.__name__)
API_ERRORS = [cls for cls in CLASSES if issubclass(cls, errors.ApiError)]


def test_every_exception_class_is_found() -> None:
    """The sweep below covers the hand-written classes of auth, credentials, uploads and bulk too."""
    names = {cls.__name__ for cls in CLASSES}
    assert {"LoginTimeoutError", "CredentialsError", "UploadTimeoutError", "DownloadError", "ApiError"} <= names
    assert len(names) > 150


@pytest.mark.parametrize("cls", CLASSES, ids=[cls.__name__ for cls in CLASSES])
def test_every_exception_pickles_with_code_method_and_message(cls: type[errors.IpernityError]) -> None:
    error = _example(cls)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is cls and str(copy) == str(error) and copy.args == error.args
    assert vars(copy) == vars(error)
    for name in ("code", "method", "message"):
        assert getattr(copy, name, None) == getattr(error, name, None)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def _repeats(label: str, text: str) -> bool:
    """Whether ``label`` (as words) appears twice in ``text``, as in "Document not found: Document not found"."""
    wanted, words = _words(label), _words(text)
    size = len(wanted)
    return size > 0 and sum(words[i : i + size] == wanted for i in range(len(words))) > 1


@pytest.mark.parametrize("cls", API_ERRORS, ids=[cls.__name__ for cls in API_ERRORS])
def test_no_error_message_repeats_itself(cls: type[errors.ApiError]) -> None:
    """With the text ipernity sends for the code, or the label itself, the label is said once."""
    method = getattr(cls, "method_name", "") or "doc.get"
    for message in {cls.default_message, cls.label, cls.label + ".", cls.label.upper(), ""}:
        text = str(cls(message, code=cls.code or 77, method=method))
        assert not _repeats(cls.label, text), text
        assert text.startswith(f"{method}: error {cls.code or 77}")
        if message:
            assert message in text or cls.label in text


def test_a_message_that_says_more_than_the_label_keeps_both() -> None:
    other = errors.DocGetDocumentNotFoundError("Not yours", code=1, method="doc.get")
    assert str(other) == "doc.get: error 1 (Document not found): Not yours"
    assert str(errors.InsufficientPermissionsError("Insufficient permissions for this method.", method="doc.get")) == (
        "doc.get: error 110: Insufficient permissions for this method."
    )


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [("doc.gett", "'doc.get', client.doc.get"), ("doc.get_list", "'doc.getList', client.doc.get_list")],
)
def test_an_unknown_method_suggests_the_closest_in_both_spellings(name: str, suggestion: str) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        ipernity_client.Client("key").call(name)
    assert caught.value.problems[0].startswith(f"unknown method {name!r} (did you mean {suggestion}?)")


@every_protocol
def test_debug_logging_of_the_whole_process_shows_no_credential(
    sim: Simulator, caplog: pytest.LogCaptureFixture, protocol: str, fmt: str
) -> None:
    """Root logger at DEBUG, urllib3 included: calls, uploads, the frob login and an OAuth client."""
    options: dict[str, Any] = {"protocol": protocol, "format": fmt, "endpoint": sim.endpoint, "retry": None}
    visit: Callable[[str], object] = lambda link: requests.get(link, timeout=10)  # noqa: E731
    secrets = {sim.api_secret}
    with caplog.at_level(logging.DEBUG):
        client = sim.client(perms={"doc": "write"}, protocol=protocol, format=fmt, retry=None)
        client.test.echo(echo="hi")
        client.upload.file(file=b"\xff\xd8 jpeg", title="car")
        client.call("test.echo", unchecked=True, echo="new")
        member = ipernity_client.Client(sim.api_key, sim.api_secret, **options)
        member.login({"doc": "write"}, open_url=visit, poll=0)
        member.check_token()
        oauth = ipernity_client.Client.from_oauth(sim.api_key, sim.api_secret, **options)
        access = oauth.oauth_login({"doc": "write"}, open_url=visit, poll=0)
        oauth.test.echo(echo="signed")
        oauth.upload.file(file=b"\xff\xd8 jpeg", title="bike")
    secrets |= {client.auth_token or "", member.auth_token or "", access.token, access.secret or ""}
    lines = [record.getMessage() for record in caplog.records]
    assert any(line.startswith("test.echo over") for line in lines)
    assert any(name.startswith("urllib3") for name in {record.name for record in caplog.records})
    text = "\n".join(lines)
    for secret in secrets - {""}:
        assert secret not in text
    assert sim.api_key not in text  # shortened, as api_key and as oauth_consumer_key
    shown = re.findall(r"(api_sig|oauth_signature|auth_token|oauth_token)[=:]\s*([^&\s)]*)", text)
    assert shown and {value for _, value in shown} == {"***"}, shown


def test_every_client_argument_is_checked_at_once() -> None:
    """One ValidationError names each wrong argument (and no credential's value)."""
    with pytest.raises(errors.ValidationError) as caught:
        ipernity_client.Client(
            "",
            api_secret=42,  # type: ignore[arg-type]
            auth_token=b"secret-token",  # type: ignore[arg-type]
            protocol="grpc",
            format="yaml",
            endpoint="api.ipernity.com",
            authorize_url="javascript:alert(1)",
            timeout=float("nan"),
            session={},  # type: ignore[arg-type]
            retry=3,  # type: ignore[arg-type]
            validate="yes",  # type: ignore[arg-type]
            rate_limit=10,  # type: ignore[arg-type]
            deadline=-1,
            max_reply_size=0,
            pool_size=True,
        )
    names = [problem.split(" ")[0] for problem in caught.value.problems]
    assert names == [
        "api_key",
        "api_secret",
        "auth_token",
        "protocol",
        "format",
        "endpoint",
        "authorize_url",
        "timeout",
        "retry",
        "rate_limit",
        "session",
        "validate",
        "deadline",
        "max_reply_size",
        "pool_size",
    ]
    assert "secret-token" not in str(caught.value)


@pytest.mark.parametrize(("name", "value"), [("timeout", (5, 0)), ("timeout", (1, 2, 3)), ("pool_size", 0)])
def test_near_misses_are_refused_too(name: str, value: Any) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        ipernity_client.Client("key", **{name: value})
    assert [problem.split(" ")[0] for problem in caught.value.problems] == [name]


def _fail_in_a_worker(endpoint: str, token: str, case: str) -> None:
    """Runs in another process: one call that ends in the error ``case`` names."""
    client = ipernity_client.Client(KEY, SECRET, token, endpoint=endpoint, retry=None)
    if case == "validation":
        client.doc.get(doc_id=True)
    elif case == "api":
        client.doc.get(doc_id=999_999)
    else:
        client.test.echo(echo="x")


KEY, SECRET = "6fa87ba500002712bd4eed6020f3bd72", "e9a599f0cf6ce193"


def test_a_workers_error_reaches_its_process_pool_whole(sim: Simulator) -> None:
    """Not BrokenProcessPool: the parent gets the class, code, method and message."""
    token = sim.token({"doc": "read"}).token
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{unused.getsockname()[1]}"
    cases = [
        (sim.endpoint, "validation", errors.ValidationError),
        (sim.endpoint, "api", errors.DocGetDocumentNotFoundError),
        (closed, "transport", errors.TransportError),
        (sim.endpoint + "/nowhere", "invalid", errors.InvalidResponseError),
    ]
    # spawn: forking this multi-threaded process (the simulator's threads) may deadlock the child
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [(pool.submit(_fail_in_a_worker, url, token, case), kind) for url, case, kind in cases]
        for future, kind in futures:
            error = future.exception(timeout=60)
            assert isinstance(error, kind), error
            assert getattr(error, "method", None) in ("doc.get", "test.echo") and str(error)
    assert isinstance(futures[1][0].exception(), errors.ApiError)
    assert futures[1][0].exception().code == 1  # type: ignore[union-attr]


def test_an_invalid_reply_names_its_status_once_and_no_empty_snippet() -> None:
    page = errors.InvalidResponseError("HTTP 404 without an ipernity reply", method="x.y", status=404, snippet="<h1>")
    assert str(page) == "x.y: HTTP 404 without an ipernity reply: '<h1>'"
    empty = errors.InvalidResponseError("the reply is empty", method="x.y", status=204, snippet="")
    assert str(empty) == "x.y: the reply is empty (HTTP 204)"
    assert str(errors.RedirectError(method="x.y", status=302, location="http://e/")) == (
        "x.y: redirected to 'http://e/', not followed (HTTP 302)"
    )
    assert str(errors.ReplyTooLargeError(method="x.y", status=None, limit=9)) == (
        "x.y: the reply is larger than max_reply_size=9 bytes (no HTTP status)"
    )
