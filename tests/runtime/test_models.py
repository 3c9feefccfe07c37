"""The lenient model conversions: what the server sends is converted or kept in ``extra``, never lost."""

from __future__ import annotations

from typing import Any

import pytest

from ipernity_client._runtime.coerce import MissingElement
from ipernity_client.models.shapes import Auth, Doc


@pytest.mark.parametrize(
    ("sent", "license", "extra"),
    [
        ("12", 12, {}),
        (" 12 ", 12, {}),
        (12, 12, {}),
        (True, 1, {}),
        ("", None, {}),
        (None, None, {}),
        ("12a", None, {"license": "12a"}),
        ("1.5", None, {"license": "1.5"}),
        ({"odd": "1"}, None, {"license": {"odd": "1"}}),
        ([], None, {"license": []}),
    ],
)
def test_integer_fields(sent: Any, license: int | None, extra: dict[str, Any]) -> None:
    doc = Doc.from_raw({"doc_id": "1", "license": sent})
    assert doc.license == license
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
    doc = Doc.from_raw({"doc_id": "1", "title": sent})
    assert doc.title == title
    assert doc.extra == extra


def test_a_missing_field_is_none_and_an_unknown_one_is_kept() -> None:
    doc = Doc.from_raw({"doc_id": "7", "surprise": "1", "isfriend": "maybe"})
    assert (doc.doc_id, doc.title, doc.isfriend) == (7, None, None)
    assert doc.extra == {"surprise": "1", "isfriend": "maybe"}


def test_a_field_every_reply_has_is_not_optional_and_its_absence_is_reported() -> None:
    """doc_id is ``required: true`` in the spec: typed ``int``, and a <doc> without it is not a document."""
    assert Doc.__dataclass_fields__["doc_id"].type == "int"
    with pytest.raises(MissingElement, match="the reply has no doc_id attribute"):
        Doc.from_raw({"title": "x"})
    with pytest.raises(MissingElement):
        Doc.from_raw({"doc_id": "not a number"})


def test_a_secret_field_stays_out_of_the_repr() -> None:
    """Auth.token is ``secret: true`` in the spec: printing or logging the model does not show it."""
    auth = Auth.from_raw({"token": "987654321-e5a5b9c3d5a77eab", "user": {"user_id": "1"}})
    assert auth.token == "987654321-e5a5b9c3d5a77eab"
    assert "987654321" not in repr(auth) and "987654321" not in str(auth)
