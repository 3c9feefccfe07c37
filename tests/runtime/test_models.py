"""The lenient model conversions: what the server sends is converted or kept in ``extra``, never lost."""

from __future__ import annotations

from typing import Any

import pytest

from ipernity_client.models.shapes import Doc


@pytest.mark.parametrize(
    ("sent", "doc_id", "extra"),
    [
        ("12", 12, {}),
        (" 12 ", 12, {}),
        (12, 12, {}),
        (True, 1, {}),
        ("", None, {}),
        (None, None, {}),
        ("12a", None, {"doc_id": "12a"}),
        ("1.5", None, {"doc_id": "1.5"}),
        ({"odd": "1"}, None, {"doc_id": {"odd": "1"}}),
        ([], None, {"doc_id": []}),
    ],
)
def test_integer_fields(sent: Any, doc_id: int | None, extra: dict[str, Any]) -> None:
    doc = Doc.from_raw({"doc_id": sent})
    assert doc.doc_id == doc_id
    assert doc.extra == extra


@pytest.mark.parametrize(
    ("sent", "title", "extra"),
    [
        ("Sunset", "Sunset", {}),
        ("", "", {}),
        (None, None, {}),
        (42, "42", {}),
        (False, "0", {}),
        ({"_value": "x", "lang": "fr"}, None, {"title": {"_value": "x", "lang": "fr"}}),
        (["a", "b"], None, {"title": ["a", "b"]}),
    ],
)
def test_string_fields(sent: Any, title: str | None, extra: dict[str, Any]) -> None:
    doc = Doc.from_raw({"title": sent})
    assert doc.title == title
    assert doc.extra == extra


def test_a_missing_field_is_none_and_an_unknown_one_is_kept() -> None:
    doc = Doc.from_raw({"surprise": "1", "isfriend": "maybe"})
    assert (doc.doc_id, doc.title, doc.isfriend) == (None, None, None)
    assert doc.extra == {"surprise": "1", "isfriend": "maybe"}
