"""Results as data, errors as one masked line with the right exit code."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest

from ipernity_client._cli.exits import API_ERROR, INTERRUPTED, TRANSPORT, USAGE, UsageError, describe, exit_code, scrub
from ipernity_client._cli.output import to_data
from ipernity_client.auth import LoginTimeoutError
from ipernity_client.credentials import CredentialsError
from ipernity_client.errors import (
    ConnectionFailedError,
    InvalidResponseError,
    ServiceUnavailableError,
    ValidationError,
)


@dataclass
class Owner:
    user_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Doc:
    doc_id: int | None = None
    title: str | None = None
    owner: Owner | None = None
    tags: list[str] = field(default_factory=list)
    posted: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def test_a_model_becomes_its_set_fields_with_extra_only_when_something_is_in_it() -> None:
    doc = Doc(doc_id=1, owner=Owner(user_id=2), tags=["a"], posted=datetime(2024, 1, 2), extra={"odd": "x"})
    assert to_data(doc) == {
        "doc_id": 1,
        "owner": {"user_id": 2},
        "tags": ["a"],
        "posted": "2024-01-02T00:00:00",
        "extra": {"odd": "x"},
    }


def test_exit_codes_follow_the_kind_of_failure() -> None:
    assert exit_code(ServiceUnavailableError("down", method="doc.get")) == API_ERROR
    assert exit_code(ValidationError("doc.get", ["x"])) == USAGE
    assert exit_code(UsageError(["no API key"])) == USAGE
    assert exit_code(ConnectionFailedError("refused", method="doc.get", url="http://h/")) == TRANSPORT
    assert exit_code(InvalidResponseError("HTML", method="doc.get", status=502, snippet="<html>")) == TRANSPORT
    assert exit_code(KeyboardInterrupt()) == INTERRUPTED
    assert exit_code(OSError("disk full")) == API_ERROR
    assert exit_code(CredentialsError("credentials.json is readable by others: chmod 600 it")) == USAGE


@pytest.mark.parametrize(
    "text",
    [
        "GET /api/doc.get?api_key=k&auth_token=tok-1234&api_sig=abcdef",
        "failed with secret s3cr3t-value in it",
        "oauth_token_secret=zzzz oauth_signature=yyyy",
    ],
)
def test_scrub_masks_known_secrets_and_named_credentials(text: str) -> None:
    masked = scrub(text, ["s3cr3t-value", None])
    for secret in ("tok-1234", "abcdef", "s3cr3t-value", "zzzz", "yyyy"):
        assert secret not in masked


def test_an_error_is_described_on_one_line() -> None:
    error = ValidationError("doc.get", ["doc_id: expected an id,\n got ''", "unknown parameter 'x'"])
    assert "\n" not in describe(error)
    assert describe(OSError(28, "No space left")) == "OSError: [Errno 28] No space left"
    assert describe(KeyboardInterrupt()) == "interrupted"
    timeout = LoginTimeoutError("login: the link was not approved within 300 s")
    assert describe(timeout) == "login: the link was not approved within 300 s"  # the package's own words


def test_a_usage_error_survives_pickling_with_its_problems() -> None:
    error = UsageError(["no API key: pass --key", "count: not a number"])
    again = pickle.loads(pickle.dumps(error))
    assert again.problems == error.problems and str(again) == str(error)
