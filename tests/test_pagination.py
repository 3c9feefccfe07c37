"""Pagination: the spec declares it wherever a reply pages, and the iterators walk every page.

The iterators are tested end to end over every protocol and format against a loopback server
that pages a list of documents the way ipernity does (page, pages, total on the container).
"""

from __future__ import annotations

import inspect
import itertools
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import ipernity_client
from codegen.loader import load_spec
from codegen.model import Method
from codegen.problems import SpecError
from ipernity_client import errors
from ipernity_client.operations import OPERATIONS

from .conftest import Answer, Loopback, Recorded, every_protocol

SPEC = Path(__file__).parent.parent / "spec"
SPEC_METHODS = load_spec(SPEC).methods
PAGINATED = [m for m in SPEC_METHODS if m.pagination]


# The spec ---------------------------------------------------------------------------------------


def _takes_pages(method: Method) -> bool:
    return {"page", "per_page"} <= {p.name for p in method.params}


def _pages_in_examples(method: Method) -> bool:
    """The documented reply says which page it is and how many items there are in all."""
    return any(
        all(re.search(rf"""\b{name}["']?\s*[=:]""", example.body) for name in ("page", "total"))
        for example in method.examples
    )


@pytest.mark.parametrize("method", [m for m in SPEC_METHODS if _takes_pages(m)], ids=lambda m: m.name)
def test_a_method_that_takes_and_returns_pages_declares_its_pagination(method: Method) -> None:
    if not _pages_in_examples(method):
        assert method.pagination is None
        assert any("pagination" in decision.lower() for decision in method.decisions), (
            f"{method.name} takes page and per_page but its documented reply has no page and total: "
            "a decision must say why it is not paginated"
        )
        return
    assert method.pagination is not None, f"{method.name}: its documented reply pages"
    container = method.pagination.container_model(method.response)
    assert container is not None and {"page", "pages", "total"} <= {a.name for a in container.attributes}


@pytest.mark.parametrize("method", PAGINATED, ids=lambda m: m.name)
def test_a_paginated_method_has_its_paging_parameters_fields_and_iterator(method: Method) -> None:
    assert method.pagination is not None
    params = {p.name: p for p in method.params}
    per_page = params[method.pagination.per_page]
    assert per_page.type == "int" and per_page.maximum is not None and per_page.maximum >= 1
    assert params[method.pagination.page].type == "int"
    item = method.pagination.item_element(method.response)
    assert item is not None and item.repeated and item.model is not None
    operation = OPERATIONS[method.name]
    assert operation.paging is not None and operation.paging.items == item.field

    namespace: object = ipernity_client.Client("key")
    for part in method.namespace:
        namespace = getattr(namespace, part)
    iterator = getattr(namespace, method.iter_name)
    signature = inspect.signature(iterator)
    assert method.pagination.page not in signature.parameters
    assert set(signature.parameters) == {p.py_name for p in method.params if p.name != method.pagination.page}
    assert str(signature.return_annotation) == f"Iterator[models.{item.model.name}]"


def test_the_nested_containers_are_paginated() -> None:
    found = {m.name: m.pagination.container for m in PAGINATED if m.pagination and "." in m.pagination.container}
    assert found == {
        "album.docs.getList": "album.docs",
        "folder.albums.getList": "folder.albums",
        "group.docs.getList": "group.docs",
    }


@pytest.fixture
def group_spec(tmp_path: Path) -> Path:
    root = tmp_path / "spec"
    (root / "methods").mkdir(parents=True)
    shutil.copytree(SPEC / "schema", root / "schema")
    for name in ("service.yaml", "errors.yaml", "shapes.yaml"):
        shutil.copy(SPEC / name, root / name)
    shutil.copy(SPEC / "methods" / "group.docs.getList.yaml", root / "methods" / "group.docs.getList.yaml")
    return root


def _problems(root: Path, change: Callable[[str], str]) -> list[str]:
    target = root / "methods" / "group.docs.getList.yaml"
    target.write_text(change(target.read_text()))
    with pytest.raises(SpecError) as caught:
        load_spec(root)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda s: s.replace("container: group.docs", "container: group.albums"), "<albums> is not a single element"),
        (lambda s: s.replace("container: group.docs", "container: docs"), "<docs> is not a single element"),
        (lambda s: s.replace("items: doc}", "items: photo}"), "must declare <photo> with list: true"),
        (lambda s: s.replace("    maximum: 100\n", "", 1), "'per_page' needs a maximum"),
        (lambda s: s.replace("container: group.docs", "container: group..docs"), "does not match"),
    ],
    ids=["missing-child", "not-top", "items", "no-maximum", "bad-path"],
)
def test_a_broken_pagination_is_reported_with_file_and_field(
    group_spec: Path, change: Callable[[str], str], expected: str
) -> None:
    found = _problems(group_spec, change)
    assert len(found) == 1 and expected in found[0], found
    assert found[0].startswith("spec/methods/group.docs.getList.yaml:") and "pagination" in found[0]


# The iterators ----------------------------------------------------------------------------------


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
