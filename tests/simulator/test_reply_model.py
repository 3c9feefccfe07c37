"""Replies follow the spec's response model: a renamed reply field reaches the simulator or fails loudly.

The simulator is bound here to a copy of the API whose reply models rename a field, as a spec
edit would after regeneration. A handler that still writes the old name must not answer with
it: the call fails with a simulator error naming the field and the method.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ipernity_client import errors
from ipernity_client._api import API
from ipernity_client._runtime.api import Api, ReplyModel, SimulatorData
from ipernity_client._simulator.reply import ReplyShapeError, root
from ipernity_client.testing import Simulator


def renamed(old: str, new: str, only: str | None = None) -> Api:
    """The API with ``old`` renamed ``new`` in the reply models (``only`` the one model of that name)."""
    data = API.simulator_data

    def rename(model: ReplyModel) -> ReplyModel:
        attributes = frozenset(new if name == old else name for name in model.attributes)
        children = {new if tag == old else tag: child for tag, child in model.children.items()}
        return model._replace(attributes=attributes, children=children)

    models = {name: rename(model) if only in (None, name) else model for name, model in data.models.items()}
    changed: SimulatorData = data._replace(models=models)
    return Api(
        service=API.service,
        errors=API.errors,
        load_operations=lambda: API.operations,
        load_simulator_data=lambda: changed,
        load_method_docs=lambda: API.method_docs,
        wsdl=API.wsdl,
    )


# group.docs.add's reply model and one of its counters, read from the spec so that the spec's own
# renames leave these tests working: `skipped` while it is there, else the first other attribute.
GROUP_ADDED = str(next(iter(API.simulator_data.responses["group.docs.add"].values()))[0])
COUNTERS = API.simulator_data.models[GROUP_ADDED].attributes - {"group_id"}
COUNTER = "skipped" if "skipped" in COUNTERS else min(COUNTERS)


def simulator_for(api: Api) -> type[Simulator]:
    return type("RenamedSimulator", (Simulator,), {"api": api})


@pytest.fixture
def renamed_sim(request: pytest.FixtureRequest) -> Iterator[Simulator]:
    old, new, only = request.param
    with simulator_for(renamed(old, new, only))() as sim:
        yield sim


Call = Callable[[Simulator], Any]


def add_to_group(sim: Simulator) -> Any:
    doc = sim.state.add_doc(sim.state.member, "a.jpg", b"a")
    group = next(iter(sim.state.groups.values()))
    return sim.client(perms={"doc": "write"}).group.docs.add(group_id=group.group_id, doc_id=[doc.doc_id])


def get_doc(sim: Simulator) -> Any:
    doc = sim.state.add_doc(sim.state.member, "a.jpg", b"a", title="A")
    return sim.client(perms={"doc": "read"}).doc.get(doc_id=doc.doc_id)


@pytest.mark.parametrize(
    ("renamed_sim", "call", "field"),
    [
        ((COUNTER, f"{COUNTER}_renamed", GROUP_ADDED), add_to_group, COUNTER),
        (("title", "name", None), get_doc, "title"),
    ],
    indirect=["renamed_sim"],
    ids=[f"group.docs.add {COUNTER} renamed", "title→name everywhere"],
)
def test_a_handler_writing_a_renamed_field_fails_naming_it(renamed_sim: Simulator, call: Call, field: str) -> None:
    with pytest.raises(errors.ServiceGeneralError) as failed:
        call(renamed_sim)
    assert "ReplyShapeError" in str(failed.value) and repr(field) in str(failed.value)


def test_the_unrenamed_api_answers_those_calls() -> None:
    with Simulator() as sim:
        added = add_to_group(sim)
        got = get_doc(sim)
    assert getattr(added, COUNTER) is not None and got.title == "A"


def test_a_node_refuses_names_its_model_does_not_declare() -> None:
    node = root(API.simulator_data, "doc.checkMD5").child("docs")
    node.set(count=1)
    with pytest.raises(ReplyShapeError, match="'found_ids'"):
        node.set(found_ids=2)
    with pytest.raises(ReplyShapeError, match="'match'"):
        node.add("match")
    with pytest.raises(ReplyShapeError, match="'not_a_field'"):
        node.fill({"not_a_field": 1})
