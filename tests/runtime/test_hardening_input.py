"""Bad caller input: a ValidationError naming the parameter, nothing sent, no credential in any text.

Lone surrogates (what an undecodable file name gives), integers too large to print, NaN and
infinity, file objects that are closed, in text mode, read()-only or cannot seek, paths that are
missing or directories, and method names in the Python spelling.
"""

from __future__ import annotations

import io
import os
import pickle
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import ipernity_client
from ipernity_client import errors
from ipernity_client._runtime import files
from ipernity_client._runtime.signing import signature

from ..conftest import every_protocol
from ..loopback import Answer, Loopback, Reply

KEY, SECRET, TOKEN = "6fa87ba500002712bd4eed6020f3bd72", "e9a599f0cf6ce193", "987654321-e5a5b9c3d5a77eab"
TICKET = Answer("<ticket>12345445-98829</ticket>")


def make(loopback: Loopback, protocol: str = "rest", fmt: str = "json", **options: Any) -> ipernity_client.Client:
    settings: dict[str, Any] = {"protocol": protocol, "format": fmt, "endpoint": loopback.url, "retry": None}
    return ipernity_client.Client(KEY, SECRET, TOKEN, **{**settings, **options})


def refused(call: Any) -> errors.ValidationError:
    """The ValidationError ``call()`` raises, checked to carry no credential, chained or not."""
    with pytest.raises(errors.ValidationError) as caught:
        call()
    error = caught.value
    chain = [error, error.__context__, error.__cause__]
    for text in [str(error), repr(error.args), repr(chain), repr(pickle.dumps(error))]:
        assert SECRET not in text and TOKEN not in text, text
    return error


@every_protocol
def test_a_lone_surrogate_is_refused_before_signing(loopback: Loopback, protocol: str, fmt: str) -> None:
    """``Path(name).stem`` of an undecodable file name: a ValidationError, never UnicodeEncodeError."""
    title = os.fsdecode(b"holiday-\xff")
    error = refused(lambda: make(loopback, protocol, fmt).doc.set(doc_id=1, title=title))
    assert error.problems == ["title: '\\udcff' at 8 is not valid Unicode text (a lone surrogate)"]
    assert loopback.requests == []


def test_unchecked_values_with_a_surrogate_are_refused_too(loopback: Loopback) -> None:
    client = make(loopback, validate=False)
    error = refused(lambda: client.call("test.echo", echo="ok", other="\ud800"))
    assert error.problems[0].startswith("other: '\\ud800' at 0")


def test_signing_never_carries_the_signed_text() -> None:
    error = refused(lambda: signature({"title": "\udcff", "auth_token": TOKEN}, "doc.set", SECRET))
    assert error.__context__ is None and error.__cause__ is None
    assert error.problems == ["parameter 'title': not valid Unicode text (a lone surrogate?)"]
    assert refused(lambda: signature({"a": "b"}, "", "\ud800" + SECRET)).problems == [
        "api_secret: not valid Unicode text"
    ]


@pytest.mark.parametrize(
    ("call", "problem"),
    [
        (
            lambda c: c.doc.get(doc_id=10**5000),
            "doc_id: an int of 16610 bits is out of range (at most 9223372036854775807)",
        ),
        (
            lambda c: c.doc.get(doc_id=2**63),
            "doc_id: 9223372036854775808 is out of range (at most 9223372036854775807)",
        ),
        (lambda c: c.group.docs.add(group_id=1, doc_id=[1, 10**400]), "doc_id[1]: an int of 1329 bits is out of range"),
        (lambda c: c.doc.set_geo(doc_id=1, lat=float("nan"), lng=0.0), "lat: nan is not a finite number"),
        (lambda c: c.doc.set_geo(doc_id=1, lat=0.0, lng=float("inf")), "lng: inf is not a finite number"),
        (lambda c: c.doc.set_geo(doc_id=1, lat=10**400, lng=0.0), "lat: an int of 1329 bits is out of range"),
        (lambda c: c.doc.get_list(user_id=1, per_page="1" * 5000), "per_page: expected an int, got '1111111111"),
        (lambda c: c.doc.get_list(user_id=1, per_page="²"), "per_page: expected an int, got '²'"),
    ],
)
def test_numbers_out_of_any_range_are_refused(loopback: Loopback, call: Any, problem: str) -> None:
    error = refused(lambda: call(make(loopback)))
    assert error.problems[0].startswith(problem), error.problems
    assert loopback.requests == []


def test_an_unchecked_huge_int_is_refused_not_a_value_error(loopback: Loopback) -> None:
    error = refused(lambda: make(loopback, validate=False).call("doc.get", doc_id=1, other=10**5000))
    assert error.problems == ["other: an int of 16610 bits is out of range (at most 9223372036854775807)"]


def test_a_value_whose_str_fails_is_refused(loopback: Loopback) -> None:
    class Hostile:
        def __str__(self) -> str:
            raise RuntimeError("no")

        __repr__ = __str__

    error = refused(lambda: make(loopback, validate=False).call("test.echo", echo="x", other=Hostile()))
    assert error.problems == ["other: Hostile cannot be turned into text"]
    error = refused(lambda: make(loopback).call("album.docs.getList", album_id=1, safesurf=Hostile()))
    assert error.problems == ["safesurf: a Hostile is not one of 1, 2, 3"]


class ReadOnly:
    """A stream with nothing but ``read`` (a socket wrapper, a decompressor)."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self._data.read(size)


class ReadsText:
    name = "notes.txt"

    def read(self, size: int = -1) -> str:
        return "text" if size else ""


@pytest.fixture
def pipe() -> Iterator[io.BufferedReader]:
    """The read end of a pipe (like ``sys.stdin.buffer``), fed 300 kB by a thread."""
    read_fd, write_fd = os.pipe()

    def feed() -> None:
        with open(write_fd, "wb") as writer:
            writer.write(b"p" * 300_000)

    thread = threading.Thread(target=feed)
    thread.start()
    with open(read_fd, "rb") as reader:
        yield reader
    thread.join()


def test_streams_that_cannot_seek_are_spooled_and_sent_whole(loopback: Loopback, pipe: io.BufferedReader) -> None:
    client = make(loopback)
    loopback.replies = [TICKET, TICKET]
    client.call("upload.file", file=pipe, title="from a pipe")
    client.call("upload.file", file=ReadOnly(b"r" * 1000))
    sent = [request.files["file"] for request in loopback.requests]
    assert [upload.content for upload in sent] == [b"p" * 300_000, b"r" * 1000]
    assert sent[1].filename == "upload"


def test_a_stream_over_the_spool_limit_is_refused(loopback: Loopback, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "SPOOL_LIMIT", 100)
    error = refused(lambda: make(loopback).call("upload.file", file=ReadOnly(b"x" * 101)))
    assert error.problems == ["file: the stream cannot seek and is longer than 100 bytes; pass a path instead"]
    assert loopback.requests == []


def test_unusable_file_objects_are_refused(loopback: Loopback, tmp_path: Path) -> None:
    path = tmp_path / "car.jpg"
    path.write_bytes(b"jpeg")
    closed = open(path, "rb")
    closed.close()
    client = make(loopback)
    with open(path) as text_mode:
        cases = {
            "file: the file object is closed": closed,
            "file: the file is open in text mode; open it with 'rb' (for standard input: sys.stdin.buffer)": text_mode,
            "file: read() gave str, not bytes: open the file in binary mode": ReadsText(),
            "file: expected a path, bytes or a binary file object, got int": 42,
        }
        for problem, value in cases.items():
            assert refused(lambda value=value: client.call("upload.file", file=value)).problems == [problem]
    assert loopback.requests == []


def test_a_missing_file_is_one_problem_and_a_directory_says_so(loopback: Loopback, tmp_path: Path) -> None:
    client = make(loopback)
    missing = refused(lambda: client.call("upload.file", file=tmp_path / "nope.jpg"))
    assert missing.problems == [f"file: no such file: {str(tmp_path / 'nope.jpg')!r}"]
    directory = refused(lambda: client.call("upload.file", file=str(tmp_path)))
    assert directory.problems == [f"file: {str(tmp_path)!r} is a directory, not a file"]


def test_a_file_name_with_undecodable_bytes_is_sent(loopback: Loopback, tmp_path: Path) -> None:
    name = os.fsdecode(b"photo-\xff.jpg")
    (tmp_path / name).write_bytes(b"jpeg")
    loopback.replies = [TICKET]
    make(loopback).call("upload.file", file=tmp_path / name)
    assert loopback.requests[0].files["file"].content == b"jpeg"


def test_a_retried_upload_sends_the_whole_file_again(loopback: Loopback, tmp_path: Path) -> None:
    """The file object is sent from where it stood, on every attempt (not from where the last one ended)."""
    loopback.replies = [Reply(503, "<html>busy</html>", "text/html"), TICKET]
    retry = ipernity_client.RetryPolicy(attempts=2, backoff=0, retry_writes=True)
    path = tmp_path / "car.jpg"
    path.write_bytes(b"skip" + b"d" * 5000)
    with open(path, "rb") as stream:
        stream.seek(4)
        make(loopback, retry=retry).call("upload.file", file=stream)
    assert [request.files["file"].content for request in loopback.requests] == [b"d" * 5000] * 2


@pytest.mark.parametrize(
    ("given", "suggested"),
    [
        ("doc.gett", "'doc.get', client.doc.get"),
        ("doc.get_list", "'doc.getList', client.doc.get_list"),
        ("client.upload.check_tickets", "'upload.checkTickets', client.upload.check_tickets"),
        ("doc.checkmd5", "'doc.checkMD5', client.doc.check_md5"),
    ],
)
def test_an_unknown_method_suggests_the_closest_in_both_spellings(
    loopback: Loopback, given: str, suggested: str
) -> None:
    error = refused(lambda: make(loopback).call(given))
    assert error.problems[0].startswith(f"unknown method {given!r} (did you mean {suggested}?)")


@pytest.mark.parametrize(
    ("perms", "frob", "problem"),
    [
        (None, None, "perms must be a non-empty mapping"),
        ({"doc": "write"}, 123, "frob must be the non-empty str"),
        ({"doc": "write"}, "\ud800", "parameter 'frob': not valid Unicode text"),
    ],
)
def test_authorization_url_refuses_bad_input(loopback: Loopback, perms: Any, frob: Any, problem: str) -> None:
    error = refused(lambda: make(loopback).authorization_url(perms, frob=frob))
    assert error.problems[0].startswith(problem), error.problems
