"""``call(..., unchecked=True)`` checks what it can without a spec: the method name, and every value
(files as for a typed upload, numbers in range, text that encodes), before anything is sent."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ipernity_client
from ipernity_client import errors
from ipernity_client._api import API
from ipernity_client._runtime.errors import ValidationError
from ipernity_client._runtime.signing import signature
from ipernity_client._runtime.unchecked import METHOD_NAME, loose_operation, loose_values
from ipernity_client._runtime.xmlrpc import XmlRpcCodec

from ..conftest import every_protocol
from ..loopback import Answer, Loopback
from .test_properties_validation import VALUES

KEY, SECRET, TOKEN = "6fa87ba500002712bd4eed6020f3bd72", "e9a599f0cf6ce193", "987654321-e5a5b9c3d5a77eab"


def client(loopback: Loopback, protocol: str = "rest", fmt: str = "json") -> ipernity_client.Client:
    return ipernity_client.Client(KEY, SECRET, TOKEN, protocol=protocol, format=fmt, endpoint=loopback.url, retry=None)


def refused(loopback: Loopback, method: Any, **params: Any) -> list[str]:
    with pytest.raises(errors.ValidationError) as caught:
        client(loopback).call(method, unchecked=True, **params)
    assert loopback.requests == []
    return caught.value.problems


@pytest.mark.parametrize(
    "name", ["", "doc", "te st", "doc.get/../x", "doc..get", "doc.get?x=1", "doc.\udcff", 5, None], ids=repr
)
def test_a_name_that_is_not_an_api_name_is_refused(loopback: Loopback, name: Any) -> None:
    """Over REST the name goes into the URL path: nothing but dotted words may get there."""
    (problem,) = refused(loopback, name)
    assert problem.startswith("method name ") and "is not an API name such as 'doc.getList'" in problem


def test_a_name_that_is_not_a_str_is_refused_when_checked_too(loopback: Loopback) -> None:
    with pytest.raises(errors.ValidationError, match="the method name must be a str"):
        client(loopback).call(["doc.get"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (float("nan"), "echo: nan is not a finite number"),
        ([1.0, float("inf")], "echo: inf is not a finite number"),
        (10**5000, "echo: an int of 16610 bits is out of range (at most 9223372036854775807)"),
        ({"a": 1}, "echo: a mapping cannot be sent as one parameter; pass its entries as parameters"),
        ("holiday-\udcff", "echo: '\\udcff' at 8 is not valid Unicode text (a lone surrogate)"),
    ],
    ids=["nan", "inf-in-list", "huge-int", "mapping", "surrogate"],
)
def test_values_that_cannot_be_meant_are_refused(loopback: Loopback, value: Any, problem: str) -> None:
    assert refused(loopback, "test.newEcho", echo=value) == [problem]


def test_every_problem_is_reported_at_once(loopback: Loopback, tmp_path: Path) -> None:
    problems = refused(loopback, "upload.newFile", file=tmp_path / "nope.jpg", lat=float("nan"), n=2**64)
    assert [problem.split(":")[0] for problem in problems] == ["file", "lat", "n"]


def test_files_get_the_checks_of_a_typed_upload(loopback: Loopback, tmp_path: Path) -> None:
    closed = (tmp_path / "a.jpg").open("wb")
    closed.close()
    with (tmp_path / "a.jpg").open("r") as text_mode:
        cases: list[tuple[Any, str]] = [
            (tmp_path / "nope.jpg", f"file: no such file: {str(tmp_path / 'nope.jpg')!r}"),
            (tmp_path, f"file: {str(tmp_path)!r} is a directory, not a file"),
            (closed, "file: the file object is closed"),
            (text_mode, "file: the file is open in text mode"),
        ]
        for value, problem in cases:
            (found,) = refused(loopback, "upload.newFile", file=value)
            assert found.startswith(problem)


class ReadOnly:
    """A stream with only ``read``: no seek, no length, no name."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def read(self, size: int = -1) -> bytes:
        size = len(self._data) if size is None or size < 0 else size
        chunk, self._data = self._data[:size], self._data[size:]
        return chunk


@every_protocol
def test_a_stream_that_cannot_seek_is_sent_whole(loopback: Loopback, protocol: str, fmt: str) -> None:
    """A read()-only object or a pipe is spooled, as for a typed upload, and arrives whole."""
    loopback.handler = lambda request: Answer("<ticket>1-2</ticket>")
    read_end, write_end = os.pipe()
    os.write(write_end, b"\xff\xd8 from a pipe")
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        caller = client(loopback, protocol, fmt)
        assert caller.call("upload.newFile", unchecked=True, file=ReadOnly(b"\xff\xd8 read only"))["ticket"]
        assert caller.call("upload.newFile", unchecked=True, file=pipe)["ticket"]
    assert [request.files["file"].content for request in loopback.requests] == [
        b"\xff\xd8 read only",
        b"\xff\xd8 from a pipe",
    ]


@settings(max_examples=1000, deadline=None)
@given(
    name=st.text(max_size=12) | st.sampled_from(["doc.get", "doc.newThing", "a.b.c"]),
    values=st.dictionaries(st.sampled_from(["echo", "n", "tags", "x"]), VALUES, max_size=3),
)
def test_any_unchecked_call_is_prepared_or_refused(name: str, values: dict[str, Any]) -> None:
    """Whatever the name and values, an unchecked call signs and encodes, or a ValidationError says why."""
    try:
        operation = loose_operation(name, has_secret=True, has_token=True)
        wire, uploads = loose_values(operation.name, values)
        wire["api_sig"] = signature(wire, operation.name, "secret")
        XmlRpcCodec(API, "http://canned.invalid", "xml").encode(operation, wire, {})
    except ValidationError as error:
        assert error.problems and all(isinstance(problem, str) for problem in error.problems)
        return
    assert METHOD_NAME.fullmatch(name)
    assert all(isinstance(text, str) for text in wire.values()) and None not in uploads.values()
