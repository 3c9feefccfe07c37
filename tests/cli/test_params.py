"""``name=value`` words typed by the method's spec, and every problem reported in one error."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from ipernity_client._api import API
from ipernity_client._cli.params import check, parse
from ipernity_client.errors import ValidationError


def test_values_take_the_type_of_their_parameter() -> None:
    values, problems = parse(
        API.operations["doc.search"],
        [
            "user_id=12",
            "media=photo",
            "per_page=50",
            "lat=48.5",
            "posted_min=1700000000",
            "posted_max=2024-01-02T03:04:05",
        ],
    )
    assert problems == []
    assert values == {
        "user_id": "12",
        "media": "photo",
        "per_page": 50,
        "lat": 48.5,
        "posted_min": 1700000000,
        "posted_max": datetime(2024, 1, 2, 3, 4, 5),
    }


def test_lists_are_comma_separated_or_repeated_and_flags_read_as_booleans() -> None:
    values, problems = parse(API.operations["group.docs.add"], ["group_id=7", "doc_id=1, 2", "doc_id=3"])
    assert problems == [] and values["doc_id"] == ["1", "2", "3"]
    values, _ = parse(API.operations["upload.file"], ["is_public=yes", "is_friend=off", "file=@a.jpg"])
    assert values == {"is_public": True, "is_friend": False, "file": "a.jpg"}


def test_a_word_without_equals_a_file_without_at_and_a_repeated_scalar_are_problems() -> None:
    _, problems = parse(API.operations["upload.file"], ["title", "file=a.jpg", "title=a", "title=b"])
    assert problems == [
        "'title': write parameters as name=value",
        "file: give a file as file=@PATH",
        "title: given more than once",
    ]


def test_every_problem_of_the_command_line_and_of_the_client_is_listed_once(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        check(
            API.operations["upload.file"],
            ["file=photo.jpg", "is_public=maybe", "colour=red"],
            has_secret=True,
            has_token=True,
        )
    problems = caught.value.problems
    assert problems[0] == "file: give a file as file=@PATH"
    assert "is_public: expected a bool, got 'maybe'" in problems
    assert any(p.startswith("unknown parameter 'colour'") for p in problems)
    assert not any("missing required parameter 'file'" in p for p in problems)


def test_valid_words_pass_through_to_the_client_unchanged(tmp_path: Path) -> None:
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"jpeg")
    values = check(API.operations["upload.file"], [f"file=@{photo}"], has_secret=True, has_token=True)
    assert values == {"file": str(photo)}
