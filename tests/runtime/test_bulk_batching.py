"""client.batched: a list longer than a method takes, sent in chunks at the method's maximum."""

from __future__ import annotations

import pytest

import ipernity_client
from ipernity_client._runtime.batching import split_param
from ipernity_client._runtime.operation import Operation, Param
from ipernity_client.testing import Simulator


def test_a_typed_method_still_refuses_the_long_list(sim: Simulator) -> None:
    client = sim.client(perms={"doc": "write"})
    with pytest.raises(ipernity_client.ValidationError, match="at most 20"):
        client.doc.check_md5(md5=["0" * 32] * 21)
    assert sim.log.count("doc.checkMD5") == 0


def test_batched_splits_at_the_maximum_and_keeps_the_order(sim: Simulator) -> None:
    client = sim.client(perms={"doc": "write"})
    group = next(g for g in sim.state.groups.values() if not g.moderated and len(g.media) > 1)
    docs = [sim.state.add_doc(sim.state.member, f"{n}.jpg", f"{n}".encode()) for n in range(45)]
    ids = [doc.doc_id for doc in docs]
    replies = client.batched("group.docs.add", group_id=group.group_id, doc_id=ids)
    assert len(replies) == 3
    sent = [call.params["doc_id"].split(",") for call in sim.log.calls("group.docs.add")]
    assert [len(chunk) for chunk in sent] == [20, 20, 5]
    assert [int(i) for chunk in sent for i in chunk] == ids
    assert set(ids) <= set(sim.state.groups[group.group_id].docs)


def test_batched_with_a_short_list_is_one_call(sim: Simulator) -> None:
    client = sim.client(perms={"doc": "write"})
    doc = sim.state.add_doc(sim.state.member, "a.jpg", b"a")
    (reply,) = client.batched("doc.checkMD5", md5=[doc.md5])
    assert reply.doc[0].doc_id == doc.doc_id
    assert sim.log.count("doc.checkMD5") == 1


def test_batched_accepts_a_comma_separated_string(sim: Simulator) -> None:
    client = sim.client(perms={"doc": "write"})
    replies = client.batched("doc.checkMD5", md5=",".join(f"{n:032x}" for n in range(25)))
    assert [reply.count for reply in replies] == [20, 5]


def test_batched_names_an_unknown_method(sim: Simulator) -> None:
    client = sim.client()
    with pytest.raises(ipernity_client.ValidationError, match="doc.checkMd5"):
        client.batched("doc.checkMd5", md5=[])


def test_only_one_list_can_be_split() -> None:
    operation = Operation(
        name="x.y",
        result="m:f",
        params=(Param("a", "list", max_items=2), Param("b", "list", max_items=2), Param("c", "string")),
    )
    assert split_param(operation, {"a": [1, 2], "b": "p,q", "c": "long,list,of,text"}) is None
    assert split_param(operation, {"a": [1, 2, 3], "b": [1]}) == ("a", 2, [1, 2, 3])
    with pytest.raises(ipernity_client.ValidationError, match="only one list can be split into batches; a, b"):
        split_param(operation, {"a": [1, 2, 3], "b": "p,q,r"})
