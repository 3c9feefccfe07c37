"""``methods`` and ``help`` in-process: the text comes from the operation table, the error table and the spec."""

from __future__ import annotations

import json

import pytest

from ipernity_client._api import API
from ipernity_client._cli import run
from ipernity_client._cli.catalog import example, kind
from ipernity_client._cli.completion import method_names, parameter_words
from ipernity_client._cli.params import check
from ipernity_client.cli import BINDING


def test_every_methods_example_command_passes_validation(tmp_path: pytest.TempPathFactory) -> None:
    for operation in API.operations.values():
        words = example("ipernity", operation).split()[3:]
        files = [w for w in words if w.endswith("=@photo.jpg")]
        words = [w for w in words if w not in files]
        values = check(operation, words, has_secret=True, has_token=True)
        assert set(values) | {w.partition("=")[0] for w in files} == {p.name for p in operation.params if p.required}


# The limits and values the expected lines show, read from the spec so that a change there is followed.
MOST = API.operations["group.docs.add"].by_name["doc_id"].max_items


def test_a_parameter_kind_names_its_type_values_and_limits() -> None:
    by_name = API.operations["group.docs.add"].by_name
    assert kind(by_name["doc_id"]) == f"list of id, at most {MOST}, required"
    per_page = API.operations["doc.search"].by_name["per_page"]
    assert kind(per_page) == f"int, {per_page.minimum}..{per_page.maximum}"
    media = API.operations["doc.search"].by_name["media"]
    assert kind(media) == f"one of {'|'.join(media.values)}"


def test_methods_lists_names_and_summaries_filtered_by_glob_or_words(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(BINDING, ["methods", "doc.tags.*"], environ={}) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == sorted(n for n in API.operations if n.startswith("doc.tags."))
    assert run(BINDING, ["--json", "methods", "QUOTA"], environ={}) == 0
    assert [m["name"] for m in json.loads(capsys.readouterr().out)] == ["account.getQuota"]
    assert run(BINDING, ["methods", "no-such-thing"], environ={}) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "no method matches 'no-such-thing'" in captured.err


def test_help_shows_parameters_errors_and_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(BINDING, ["help", "group.docs.add"], environ={}) == 0
    out = capsys.readouterr().out
    assert out.startswith("group.docs.add: Add one or more documents to a group.")
    assert f"doc_id    list of id, at most {MOST}, required." in out
    assert "1  Group not found: The group ID is invalid" in out
    assert "ipernity call group.docs.add group_id=1 doc_id=1,2" in out
    assert "Example reply (XML):" in out


def test_help_leaves_out_a_label_the_documentation_does_not_give(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(BINDING, ["help", "doc.tags.add"], environ={}) == 0
    out = capsys.readouterr().out
    assert "  1  The document ID is invalid" in out and "label unknown" not in out
    assert run(BINDING, ["--json", "help", "doc.tags.add"], environ={}) == 0
    errors = json.loads(capsys.readouterr().out)["errors"]
    assert errors[0] == {
        "code": 1,
        "label": None,
        "message": "The document ID is invalid or insufficient permissions to view this doc.",
    }


def test_help_of_an_unknown_method_suggests_the_closest(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(BINDING, ["help", "doc.gte"], environ={}) == 2
    assert "unknown method 'doc.gte' (did you mean 'doc.get'" in capsys.readouterr().err


def test_completion_offers_methods_parameters_and_values() -> None:
    assert method_names(BINDING)("doc.tags.r") == ["doc.tags.remove"]
    complete = parameter_words(BINDING)

    class Parsed:
        method = "doc.search"
        params = ["media=photo"]

    assert complete("me", parsed_args=Parsed()) == []
    assert "per_page=" in complete("p", parsed_args=Parsed())
    assert complete("sort=posted", parsed_args=Parsed()) == ["sort=posted-desc", "sort=posted-asc"]
    assert complete("extra=o", parsed_args=Parsed()) == ["extra=owner", "extra=original"]
    assert complete("extra=owner,d", parsed_args=Parsed()) == ["extra=owner,dates"]
