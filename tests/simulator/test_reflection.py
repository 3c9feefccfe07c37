"""api.methods.getList and api.methods.get answer from the spec the simulator serves, and every method has a handler."""

from __future__ import annotations

import pytest

from ipernity_client._api import API
from ipernity_client._simulator.handlers import HANDLERS
from ipernity_client.testing import Simulator


def test_every_method_of_the_spec_has_a_handler() -> None:
    missing = sorted(set(API.operations) - set(HANDLERS))
    gone = sorted(set(HANDLERS) - set(API.operations))
    assert missing == [], (
        f"methods new in the spec answer their documented example until they keep state: {missing}; "
        "give each a handler in src/ipernity_client/_simulator/handlers.py and a row in tests/simulator/effects.yaml "
        "when it writes"
    )
    assert gone == [], f"handlers of methods the spec no longer has: {gone}; remove them from the HANDLERS table"


def test_get_list_is_the_spec(sim: Simulator) -> None:
    with sim.client() as client:
        listed = client.api.methods.get_list()
    assert [method.name for method in listed.method] == sorted(API.operations)
    by_name = {method.name: method for method in listed.method}
    for name, operation in API.operations.items():
        entry = by_name[name]
        assert entry.authentication is not None and entry.title == API.method_docs[name].summary
        flags = (entry.authentication.token, entry.authentication.sign, entry.authentication.post)
        assert flags == (operation.token, operation.sign, operation.post), name


@pytest.mark.parametrize("name", ["doc.get", "group.docs.add", "upload.file", "test.echo"])
def test_get_describes_one_method_from_the_spec(sim: Simulator, name: str) -> None:
    with sim.client() as client:
        described = client.api.methods.get(method=name)
    operation = API.operations[name]
    assert described.name == name and described.parameters is not None and described.errors is not None
    params = [(param.name, param.required) for param in described.parameters.param]
    assert params == [("api_key", True)] + [(param.name, param.required) for param in operation.params]
    own = sorted(code for method, code in API.errors.method_errors if method == name)
    codes = [error.code for error in described.errors.error]
    assert codes[: len(own)] == own and set(API.errors.common) <= set(codes)
    assert described.response == API.simulator_data.replies[name]
