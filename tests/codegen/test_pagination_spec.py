"""Pagination in the spec: declared wherever a reply pages, with its parameters, fields and iterator.

How a broken pagination is reported is in test_spec_loader.py; the iterators walking the pages
are in tests/runtime/test_pagination.py.
"""

from __future__ import annotations

import inspect
import re

import pytest

import ipernity_client
from codegen.loader import load_spec
from codegen.model import Method
from ipernity_client.operations import OPERATIONS

from .specs import SPEC

SPEC_METHODS = load_spec(SPEC).methods
PAGINATED = [m for m in SPEC_METHODS if m.pagination]


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
