"""Property: any value for any parameter of any method is sent as text or refused with a ValidationError.

Checked and unchecked (``validate=False``), then signed and put in each envelope: whatever passes
validation signs and encodes, and nothing raises anything but a ValidationError on the way.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ipernity_client._api import API
from ipernity_client._runtime.errors import ValidationError
from ipernity_client._runtime.operation import Operation
from ipernity_client._runtime.signing import signature
from ipernity_client._runtime.validation import INT_LIMIT, NOT_XML, prepare
from ipernity_client._runtime.xmlrpc import XmlRpcCodec
from ipernity_client.operations import OPERATIONS

NAMED = [(operation, param.name) for operation in OPERATIONS.values() for param in operation.params]
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.just(10**5000)
    | st.floats()
    | st.text()
    | st.text(alphabet=st.characters(codec=None, categories=["Cs", "Cc", "Nd", "Lu"]))
    | st.sampled_from(["", " ", "1,2", "²", "-0", "1" * 30, "photo", "write", "\ud800"])
    | st.binary(max_size=8)
    | st.datetimes(timezones=st.just(timezone.utc))
    | st.timedeltas(max_value=timedelta(days=1))
    | st.builds(object)
)
VALUES = SCALARS | st.lists(SCALARS, max_size=25) | st.dictionaries(st.text(max_size=3), SCALARS, max_size=2)


def outcome(operation: Operation, values: dict[str, Any], validate: bool) -> dict[str, str] | None:
    """The signed wire parameters, or None for a ValidationError; anything else propagates."""
    try:
        wire, _ = prepare(operation, values, has_secret=True, has_token=True, validate=validate)
        wire["api_sig"] = signature(wire, operation.name, "secret")
    except ValidationError as error:
        assert error.problems and all(isinstance(problem, str) for problem in error.problems)
        return None
    return wire


@settings(max_examples=1500, deadline=None)
@given(named=st.sampled_from(NAMED), value=VALUES, validate=st.booleans())
def test_any_value_for_any_parameter_is_sent_as_text_or_refused(
    named: tuple[Operation, str], value: Any, validate: bool
) -> None:
    operation, name = named
    wire = outcome(operation, {name: value}, validate)
    if wire is None:
        return
    assert all(isinstance(text, str) for text in wire.values())
    for text in wire.values():
        text.encode("utf-8")
    param = operation.by_name[name]
    if validate and name in wire and (param.type in ("int", "timestamp") or isinstance(value, int)):
        assert abs(int(wire[name])) <= INT_LIMIT
    if validate and name in wire and param.type == "float":
        assert math.isfinite(float(wire[name]))


@settings(max_examples=300, deadline=None)
@given(named=st.sampled_from(NAMED), value=st.text())
def test_text_that_passes_validation_goes_into_an_envelope(named: tuple[Operation, str], value: str) -> None:
    """XML-RPC refuses what XML cannot carry, with a ValidationError, and encodes the rest."""
    operation, name = named
    wire = outcome(operation, {name: value}, False)
    if wire is None:
        return
    codec = XmlRpcCodec(API, "http://canned.invalid", "xml")
    try:
        request = codec.encode(operation, wire, {})
    except ValidationError:
        assert any(NOT_XML.search(text) for text in wire.values())
        return
    assert isinstance(request.data, bytes)


def test_naive_and_extreme_datetimes_are_sent_or_refused() -> None:
    operation = OPERATIONS["doc.search"]
    timestamps = [param.name for param in operation.params if param.type == "timestamp"]
    for value in (datetime.min, datetime.max, datetime(1970, 1, 1), datetime.max.replace(tzinfo=timezone.utc)):
        outcome(operation, {timestamps[0]: value}, True)
