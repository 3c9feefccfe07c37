"""The page iterators, end to end over every protocol and format.

A loopback server pages a list of documents the way ipernity does (page, pages, total on the
container); that the spec declares pagination wherever a reply pages is in
tests/codegen/test_pagination_spec.py.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

import ipernity_client
from ipernity_client import errors

from ..conftest import every_protocol
from ..loopback import Answer, Loopback, Recorded


def pager(total: int, *, wrap: str = "", pages: Callable[[int], int] | None = None) -> Callable[[Recorded], Answer]:
    """Answer doc lists the way ipernity pages them: ``total`` documents numbered from 1."""

    def answer(request: Recorded) -> Answer:
        params = request.params
        page, size = int(params["page"]), int(params["per_page"])
        first = (page - 1) * size + 1
        docs = "".join(f'<doc doc_id="{n}"/>' for n in range(first, min(first + size - 1, total) + 1))
        count = pages(page) if pages else -(-total // size)
        body = f'<docs page="{page}" pages="{count}" per_page="{size}" total="{total}">{docs}</docs>'
        return Answer(f'<{wrap} {wrap}_id="7">{body}</{wrap}>' if wrap else body)

    return answer


def _client(loopback: Loopback, protocol: str, fmt: str) -> ipernity_client.Client:
    return ipernity_client.Client("key", "secret", protocol=protocol, format=fmt, endpoint=loopback.url, retry=None)


def _pages_asked(loopback: Loopback) -> list[tuple[str, str]]:
    return [(r.params["page"], r.params["per_page"]) for r in loopback.requests]


@every_protocol
def test_the_iterator_walks_every_page_at_the_largest_size(loopback: Loopback, protocol: str, fmt: str) -> None:
    loopback.handler = pager(250)
    with _client(loopback, protocol, fmt) as client:
        docs = list(client.doc.iter_list(user_id=1))
    assert [doc.doc_id for doc in docs] == list(range(1, 251))
    assert all(isinstance(doc, ipernity_client.models.Doc) for doc in docs)
    assert _pages_asked(loopback) == [("1", "100"), ("2", "100"), ("3", "100")]
    assert {r.api_method for r in loopback.requests} == {"doc.getList"}
    assert {r.params["user_id"] for r in loopback.requests} == {"1"}


@every_protocol
def test_the_iterator_is_lazy(loopback: Loopback, protocol: str, fmt: str) -> None:
    loopback.handler = pager(250)
    with _client(loopback, protocol, fmt) as client:
        walk = client.doc.iter_list(user_id=1, per_page=10)
        assert loopback.requests == []
        assert [doc.doc_id for doc in itertools.islice(walk, 12)] == list(range(1, 13))
    assert _pages_asked(loopback) == [("1", "10"), ("2", "10")]


@every_protocol
def test_a_nested_container_is_walked(loopback: Loopback, protocol: str, fmt: str) -> None:
    loopback.handler = pager(130, wrap="album")
    with _client(loopback, protocol, fmt) as client:
        docs = list(client.album.docs.iter_list(album_id=7))
    assert [doc.doc_id for doc in docs] == list(range(1, 131))
    assert _pages_asked(loopback) == [("1", "100"), ("2", "100")]


@every_protocol
def test_an_empty_page_ends_the_walk(loopback: Loopback, protocol: str, fmt: str) -> None:
    """The reply claims five pages but the second is empty (and, in JSON, has no doc key at all)."""
    full = pager(3, pages=lambda page: 5)
    loopback.handler = lambda request: (
        full(request)
        if request.params["page"] == "1"
        else Answer(f'<docs page="{request.params["page"]}" pages="5" per_page="3" total="15"/>')
    )
    with _client(loopback, protocol, fmt) as client:
        docs = list(client.doc.iter_list(user_id=1, per_page=3))
    assert [doc.doc_id for doc in docs] == [1, 2, 3]
    assert _pages_asked(loopback) == [("1", "3"), ("2", "3")]


@every_protocol
def test_a_reply_without_pages_ends_on_a_short_page(loopback: Loopback, protocol: str, fmt: str) -> None:
    def answer(request: Recorded) -> Answer:
        page = int(request.params["page"])
        docs = "".join(f'<doc doc_id="{n}"/>' for n in range((page - 1) * 4 + 1, min(page * 4, 10) + 1))
        return Answer(f'<docs page="{page}" total="10">{docs}</docs>')

    loopback.handler = answer
    with _client(loopback, protocol, fmt) as client:
        assert [doc.doc_id for doc in client.doc.iter_list(user_id=1, per_page=4)] == list(range(1, 11))
    assert _pages_asked(loopback) == [("1", "4"), ("2", "4"), ("3", "4")]


@every_protocol
def test_a_server_that_repeats_a_page_does_not_loop(loopback: Loopback, protocol: str, fmt: str) -> None:
    """No page count, full pages, and past page 2 the server keeps answering page 2 (it clamps)."""

    def answer(request: Recorded) -> Answer:
        page = min(int(request.params["page"]), 2)
        docs = "".join(f'<doc doc_id="{n}"/>' for n in range((page - 1) * 5 + 1, page * 5 + 1))
        return Answer(f'<docs page="{page}" total="10">{docs}</docs>')

    loopback.handler = answer
    with _client(loopback, protocol, fmt) as client:
        assert [doc.doc_id for doc in client.doc.iter_list(user_id=1, per_page=5)] == list(range(1, 11))
    assert _pages_asked(loopback) == [("1", "5"), ("2", "5"), ("3", "5")]


@every_protocol
def test_an_error_on_a_later_page_raises_after_the_earlier_items(loopback: Loopback, protocol: str, fmt: str) -> None:
    walked = pager(30)
    loopback.handler = lambda request: walked(request) if request.params["page"] == "1" else Answer(code=1)
    seen = []
    with _client(loopback, protocol, fmt) as client, pytest.raises(errors.DocGetListError):
        for doc in client.doc.iter_list(user_id=1, per_page=10):
            seen.append(doc.doc_id)
    assert seen == list(range(1, 11))


def test_the_page_size_never_exceeds_the_maximum(loopback: Loopback) -> None:
    loopback.handler = pager(150)
    with ipernity_client.Client("key", endpoint=loopback.url, validate=False) as client:
        assert len(list(client.doc.iter_list(user_id=1, per_page=500))) == 150
    assert _pages_asked(loopback) == [("1", "100"), ("2", "100")]


def test_the_dynamic_iterator_matches_the_typed_one(loopback: Loopback) -> None:
    loopback.handler = pager(120)
    with ipernity_client.Client("key", endpoint=loopback.url) as client:
        typed = [doc.doc_id for doc in client.doc.iter_list(user_id=1)]
        dynamic = [doc.doc_id for doc in client.pages("doc.getList", user_id=1)]
    assert typed == dynamic == list(range(1, 121))


def test_the_dynamic_iterator_refuses_what_it_cannot_walk(loopback: Loopback) -> None:
    with ipernity_client.Client("key", endpoint=loopback.url) as client:
        with pytest.raises(errors.ValidationError, match="not a paginated method; these are: album.docs.getList"):
            client.pages("doc.get", doc_id=1)
        with pytest.raises(errors.ValidationError, match="'page' is chosen by the iterator"):
            client.pages("doc.getList", user_id=1, page=2)
    assert loopback.requests == []


def test_bad_parameters_fail_on_the_first_item_before_sending(loopback: Loopback) -> None:
    with ipernity_client.Client("key", endpoint=loopback.url) as client:
        walk = client.doc.iter_list(user_id=1, per_page=0)
        with pytest.raises(errors.ValidationError, match="per_page"):
            next(walk)
    assert loopback.requests == []
