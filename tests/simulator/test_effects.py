"""Every write's effect seen by a read, over every protocol and format: the table in effects.yaml.

Each row runs on a fresh small world (``State.seed_world``) through the generated client. The
read runs before the write as well, and the expectations must not all hold then: the effect is
the write's, not the world's.
"""

from __future__ import annotations

import hashlib
import io
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import ipernity_client
from ipernity_client._api import API
from ipernity_client._simulator.world import photo_bytes
from ipernity_client.testing import ManualClock, Simulator

from .worldcase import Case, dig

ROWS: dict[str, dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "effects.yaml").read_text())
COMBOS = [(protocol, fmt) for protocol in API.service.protocols for fmt in API.service.client_formats]


def holds(result: Any, expectation: list[Any], case: Case) -> bool:
    path, op, wanted = expectation
    found = dig(result, path.split("."))
    wanted = case.value(wanted)
    if op == "==":
        return bool(found == wanted)
    if op == "has":
        return wanted in found
    if op == "lacks":
        return wanted not in found
    if op == "starts":
        return bool(found[: len(wanted)] == wanted)
    raise AssertionError(f"unknown op {op}")


# Arrangements a row names: each may set $written (and $note, $upload_md5) before the write.


def travel_tag(case: Case) -> None:
    case.names["written"] = case.sim.state.tag_id("travel")


def note(case: Case) -> None:
    case.names["note"] = case.sim.state.add_note(case.world.member, case.world.docs[0], "A boat").note_id


def contact_album(case: Case) -> None:
    album = case.sim.state.add_album(case.world.contact, "Bob's trips")
    album.doc_ids = [doc.doc_id for doc in case.world.contact_docs]
    case.names["written"] = album.album_id


def faved_contact_album(case: Case) -> None:
    contact_album(case)
    case.sim.state.albums[case.names["written"]].faves[case.world.member.user_id] = case.sim.state.now()


def second_folder(case: Case) -> None:
    case.names["written"] = case.sim.state.add_folder(case.world.member, "Later").folder_id


def post_comment(case: Case) -> None:
    state = case.sim.state
    case.names["written"] = state.add_comment(case.world.contact, case.world.post, "Nice").comment_id


def upload(case: Case) -> None:
    content = photo_bytes("a new upload")
    photo = io.BytesIO(content)
    photo.name = "new.jpg"
    case.names["written"] = case.member.upload.file(file=photo, title="New")
    case.names["upload_md5"] = hashlib.md5(content).hexdigest()
    case.clock.advance(case.sim.state.upload_seconds)


def replacement(case: Case) -> None:
    """upload.replace of docs.0 with a bigger file; its ticket is done once the clock moved."""
    photo = io.BytesIO(b"\xff\xd8" + b"new" * 100 + b"\xff\xd9")
    photo.name = "replaced.jpg"
    case.names["written"] = case.member.upload.replace(file=photo, doc_id=case.world.docs[0].doc_id)
    case.clock.advance(case.sim.state.upload_seconds)


ARRANGE: dict[str, Callable[[Case], None]] = {
    function.__name__: function
    for function in (travel_tag, note, contact_album, faved_contact_album, second_folder, post_comment, upload)
    + (replacement,)
}


def test_the_table_covers_every_write_method() -> None:
    """Every method that must be POSTed (the writes) has a row: a new one needs a row too."""
    assert {name for name, operation in API.operations.items() if operation.post} - set(ROWS) == set()


@pytest.mark.parametrize(("protocol", "fmt"), COMBOS, ids=[f"{p}-{f}" for p, f in COMBOS])
@pytest.mark.parametrize("write", sorted(ROWS))
def test_a_write_shows_in_its_read(
    running: Simulator, module_clock: ManualClock, write: str, protocol: str, fmt: str
) -> None:
    row = ROWS[write]
    running.reset()
    case = Case(running, module_clock, running.state.seed_world(), protocol, fmt)
    arrange = row.get("arrange")
    if arrange is not None:
        ARRANGE[arrange](case)
    expect = typing.cast(list[list[Any]], row["expect"])
    read_args = row.get("with", {})
    before = case.call(row["read"], read_args)
    written = case.call(row.get("call", write), row["write"], as_contact=row.get("as") == "contact")
    if "save" in row:
        case.names["written"] = getattr(written, row["save"])
    after = case.call(row["read"], read_args)
    failed = [item for item in expect if not holds(after, item, case)]
    assert failed == [], f"{write} → {row['read']}: {failed} on {after!r}"
    assert not all(holds(before, item, case) for item in expect), f"{row['read']} showed the effect before {write}"
    case.close()


def test_a_client_of_the_table_is_a_generated_client(running: Simulator) -> None:
    assert isinstance(running.client(), ipernity_client.Client)
