"""The simulator's stateful methods over raw HTTP: frob flow, uploads and tickets, groups, quota."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from ipernity_client._runtime.signing import signature
from ipernity_client._simulator.state import User
from ipernity_client.operations import OPERATIONS
from ipernity_client.testing import DEMO_API_KEY, DEMO_API_SECRET, ManualClock, Simulator

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2000


@pytest.fixture
def sim(clock: ManualClock) -> Iterator[Simulator]:
    """Uploads take 30 s of the test's clock to become documents."""
    with Simulator(clock=clock, upload_seconds=30) as simulator:
        yield simulator


def api(sim: Simulator, method: str, token: str | None = None, files: Any = None, **params: str) -> dict[str, Any]:
    """A signed REST call in JSON, POSTed when the spec says so or when a file goes along."""
    wire = {"api_key": DEMO_API_KEY, **params, **({"auth_token": token} if token else {})}
    wire["api_sig"] = signature(wire, method, DEMO_API_SECRET)
    url = f"{sim.endpoint}/api/{method}/json"
    if OPERATIONS[method].post or files:
        reply = requests.post(url, data=wire, files=files, timeout=10)
    else:
        reply = requests.get(url, params=wire, timeout=10)
    data: dict[str, Any] = reply.json()
    return data


def error(data: dict[str, Any]) -> int:
    assert data["api"]["status"] == "error", data
    return int(data["api"]["code"])


def upload(
    sim: Simulator, token: str, name: str = "photo.jpg", content: bytes = JPEG, params: dict[str, str] | None = None
) -> str:
    data = api(sim, "upload.file", token, files={"file": (name, content)}, **(params or {}))
    ticket: str = data["ticket"]
    return ticket


def uploaded_doc(
    sim: Simulator, clock: ManualClock, token: str, name: str = "photo.jpg", params: dict[str, str] | None = None
) -> str:
    ticket = upload(sim, token, name, params=params)
    clock.advance(30)
    doc_id: str = api(sim, "upload.checkTickets", token, tickets=ticket)["tickets"]["ticket"][0]["doc_id"]
    return doc_id


# The frob flow


def test_frob_flow_through_the_python_approval(sim: Simulator) -> None:
    frob = api(sim, "auth.getFrob")["auth"]["frob"]
    sim.approve(frob, {"doc": "write", "network": "read"})
    auth = api(sim, "auth.getToken", frob=frob)["auth"]
    assert auth["permissions"]["doc"] == "write" and auth["permissions"]["network"] == "read"
    assert auth["permissions"]["blog"] == "none"
    assert auth["user"]["username"] == sim.state.member.username and auth["user"]["is_pro"] == "1"
    checked = api(sim, "auth.checkToken", auth["token"])["auth"]
    assert (
        checked["token"] == auth["token"] and checked["permissions"]["doc"] == "write"
    )  # live: <permissions>, see auth.checkToken's decisions


def test_frob_flow_through_the_signed_authorize_link(sim: Simulator) -> None:
    frob = api(sim, "auth.getFrob")["auth"]["frob"]
    link = {"api_key": DEMO_API_KEY, "frob": frob, "perm_doc": "delete"}
    link["api_sig"] = signature(link, "", DEMO_API_SECRET)
    assert requests.get(f"{sim.endpoint}/apps/authorize?{urlencode(link)}", timeout=10).status_code == 200
    assert api(sim, "auth.getToken", frob=frob)["auth"]["permissions"]["doc"] == "delete"


def test_authorize_link_with_a_bad_signature_is_refused(sim: Simulator) -> None:
    frob = api(sim, "auth.getFrob")["auth"]["frob"]
    link = {"api_key": DEMO_API_KEY, "frob": frob, "perm_doc": "write", "api_sig": "0" * 32}
    assert requests.get(f"{sim.endpoint}/apps/authorize?{urlencode(link)}", timeout=10).status_code == 400
    assert error(api(sim, "auth.getToken", frob=frob)) == 2


def test_a_frob_is_single_use_and_must_be_approved(sim: Simulator) -> None:
    frob = api(sim, "auth.getFrob")["auth"]["frob"]
    assert error(api(sim, "auth.getToken", frob=frob)) == 2  # not approved yet
    sim.approve(frob, {"doc": "read"})
    assert "token" in api(sim, "auth.getToken", frob=frob)["auth"]
    assert error(api(sim, "auth.getToken", frob=frob)) == 2  # already used
    assert error(api(sim, "auth.getToken", frob="123-unknown")) == 2


def test_a_frob_expires(sim: Simulator, clock: ManualClock) -> None:
    frob = api(sim, "auth.getFrob")["auth"]["frob"]
    sim.approve(frob, {"doc": "read"})
    clock.advance(3600)
    assert error(api(sim, "auth.getToken", frob=frob)) == 2


# Uploads and tickets


def test_upload_ticket_counts_down_then_gives_the_doc(sim: Simulator, clock: ManualClock) -> None:
    token = sim.token({"doc": "write"}).token
    ticket = upload(sim, token, params={"title": "Harbour", "description": "At dusk"})
    status = api(sim, "upload.checkTickets", token, tickets=ticket)["tickets"]
    assert status["ticket"] == [{"id": ticket, "done": "0", "invalid": "0", "eta": "30"}]
    assert (status["count"], status["left"], status["eta"]) == ("1", "1", "30")
    clock.advance(20)
    assert api(sim, "upload.checkTickets", token, tickets=ticket)["tickets"]["eta"] == "10"
    clock.advance(10)
    done = api(sim, "upload.checkTickets", token, tickets=ticket)["tickets"]
    assert (done["done"], done["left"], done["eta"]) == ("1", "0", "0")
    doc_id = done["ticket"][0]["doc_id"]
    doc = api(sim, "doc.get", doc_id=doc_id)["doc"]
    assert (doc["doc_id"], doc["title"], doc["media"], doc["description"]) == (doc_id, "Harbour", "photo", "At dusk")
    assert doc["original"]["bytes"] == str(len(JPEG)) and doc["original"]["filename"] == "photo.jpg"


def test_a_document_does_not_exist_before_its_ticket_is_done(sim: Simulator) -> None:
    token = sim.token({"doc": "write"}).token
    upload(sim, token)
    assert sim.state.docs == {}


def test_async_0_waits_for_the_document(sim: Simulator) -> None:
    token = sim.token({"doc": "write"}).token
    ticket = upload(sim, token, params={"async": "0"})
    assert api(sim, "upload.checkTickets", token, tickets=ticket)["tickets"]["ticket"][0]["done"] == "1"


def test_unknown_and_foreign_tickets_are_invalid(sim: Simulator) -> None:
    mine = sim.token({"doc": "write"}).token
    other = sim.token({"doc": "write"}, sim.state.add_user("other")).token
    ticket = upload(sim, other)
    status = api(sim, "upload.checkTickets", mine, tickets=f"{ticket},999")["tickets"]
    assert [t["invalid"] for t in status["ticket"]] == ["1", "1"] and status["invalid"] == "2"


def test_private_documents_are_only_shown_to_their_owner(sim: Simulator, clock: ManualClock) -> None:
    token = sim.token({"doc": "read"}).token
    writer = sim.token({"doc": "write"}).token
    doc_id = uploaded_doc(sim, clock, writer, params={"is_public": "0"})
    assert error(api(sim, "doc.get", doc_id=doc_id)) == 1
    assert api(sim, "doc.get", token, doc_id=doc_id)["doc"]["visibility"]["ispublic"] == "0"


def test_doc_get_extra_tags_lists_the_keywords(sim: Simulator, clock: ManualClock) -> None:
    token = sim.token({"doc": "write"}).token
    doc_id = uploaded_doc(sim, clock, token, params={"keywords": "sea,boat"})
    assert "tags" not in api(sim, "doc.get", doc_id=doc_id)["doc"]
    tags = api(sim, "doc.get", doc_id=doc_id, extra="tags")["doc"]["tags"]
    assert tags["total"] == "2" and [t["keyword"] for t in tags["tag"]] == ["sea", "boat"]


def test_upload_larger_than_the_file_limit_is_error_2(sim: Simulator) -> None:
    small = sim.state.add_user("small", max_file_size=1000)
    token = sim.token({"doc": "write"}, small).token
    assert error(api(sim, "upload.file", token, files={"file": ("a.jpg", JPEG)})) == 2


# upload.replace


def test_replace_swaps_the_file_of_the_same_document(sim: Simulator, clock: ManualClock) -> None:
    token = sim.token({"doc": "write"}).token
    doc_id = uploaded_doc(sim, clock, token)
    data = api(sim, "upload.replace", token, files={"file": ("new.png", b"png" * 10)}, doc_id=doc_id)
    assert data["ticket"].endswith(f"-{doc_id}")
    clock.advance(30)
    status = api(sim, "upload.checkTickets", token, tickets=data["ticket"])["tickets"]["ticket"][0]
    assert status["doc_id"] == doc_id
    assert api(sim, "doc.get", doc_id=doc_id)["doc"]["original"]["filename"] == "new.png"


def test_replace_errors_4_unknown_doc_5_other_media_6_not_pro(sim: Simulator, clock: ManualClock) -> None:
    token = sim.token({"doc": "write"}).token
    doc_id = uploaded_doc(sim, clock, token)
    assert error(api(sim, "upload.replace", token, files={"file": ("a.jpg", JPEG)}, doc_id="42")) == 4
    assert error(api(sim, "upload.replace", token, files={"file": ("a.jpg", JPEG)})) == 4
    assert error(api(sim, "upload.replace", token, files={"file": ("clip.mp4", b"video")}, doc_id=doc_id)) == 5
    basic = sim.token({"doc": "write"}, sim.state.add_user("basic", is_pro=False)).token
    assert error(api(sim, "upload.replace", basic, files={"file": ("a.jpg", JPEG)}, doc_id=doc_id)) == 6


# group.docs.add


def group_add(sim: Simulator, token: str, group_id: int, *doc_ids: str) -> dict[str, Any]:
    return api(sim, "group.docs.add", token, group_id=str(group_id), doc_id=",".join(doc_ids))


def test_group_add_reports_added_skipped_and_pending(sim: Simulator, clock: ManualClock) -> None:
    token = sim.token({"doc": "write"}).token
    first, second = uploaded_doc(sim, clock, token), uploaded_doc(sim, clock, token)
    group = sim.state.add_group("Moderated", members={sim.state.member.user_id}, moderated=True)
    once = group_add(sim, token, group.group_id, first)["group"]
    assert once["doc"] == [{"doc_id": first, "added": "1", "pending": "1", "error": "0"}]
    again = group_add(sim, token, group.group_id, first, second)["group"]
    assert again["doc"][0] == {"doc_id": first, "added": "0", "pending": "1", "error": "0"}
    assert (again["total"], again["added"], again["skipped"], again["pending"]) == ("2", "1", "1", "2")


def test_group_add_per_document_errors(sim: Simulator, clock: ManualClock) -> None:
    token = sim.token({"doc": "write"}).token
    photo, song = uploaded_doc(sim, clock, token), uploaded_doc(sim, clock, token, "song.mp3")
    photos = sim.state.add_group("Photos", members={sim.state.member.user_id}, media={"photo"})
    result = group_add(sim, token, photos.group_id, photo, song)["group"]
    assert [(d["added"], d["error"]) for d in result["doc"]] == [("1", "0"), ("0", "2")]
    sim.state.max_groups_per_doc = 1
    other = sim.state.add_group("Other", members={sim.state.member.user_id})
    assert group_add(sim, token, other.group_id, photo)["group"]["doc"][0]["error"] == "1"


def test_group_add_errors_of_the_whole_call(sim: Simulator, clock: ManualClock) -> None:
    token = sim.token({"doc": "write"}).token
    doc_id = uploaded_doc(sim, clock, token)
    member = {sim.state.member.user_id}
    stranger = sim.state.add_group("Not a member")
    assert error(group_add(sim, token, stranger.group_id, doc_id)) == 1
    assert error(group_add(sim, token, 1, doc_id)) == 1
    open_group = sim.state.add_group("Open", members=member)
    assert error(group_add(sim, token, open_group.group_id, doc_id, "999")) == 2
    quota = sim.state.add_group("One each", members=member, member_quota=0)
    assert error(group_add(sim, token, quota.group_id, doc_id)) == 3
    closed = sim.state.add_group("Closed", members=member, closed=True)
    assert error(group_add(sim, token, closed.group_id, doc_id)) == 4


def test_group_add_takes_20_ids_at_most(sim: Simulator) -> None:
    token = sim.token({"doc": "write"}).token
    group = next(iter(sim.state.groups.values()))
    assert error(group_add(sim, token, group.group_id, *[str(n) for n in range(21)])) == 2


# account.getQuota


def quota(sim: Simulator, token: str) -> dict[str, Any]:
    data: dict[str, Any] = api(sim, "account.getQuota", token)["quota"]
    return data


def test_quota_follows_what_was_uploaded(sim: Simulator) -> None:
    user: User = sim.state.add_user("quota", upload_quota=1024 * 1024, max_file_size=512 * 1024)
    token = sim.token({"doc": "write"}, user).token
    before = quota(sim, token)
    assert before["upload"]["used"]["bytes"] == "0" and before["upload"]["left"]["bytes"] == str(1024 * 1024)
    assert before["is_pro"] == "0" and before["maxfilesize"]["photo"]["bytes"] == str(512 * 1024)
    upload(sim, token, content=b"x" * 262144)
    after = quota(sim, token)["upload"]
    assert after["used"]["bytes"] == "262144" and after["used"]["percent"] == "25"
    assert after["left"]["bytes"] == str(1024 * 1024 - 262144)
    assert error(api(sim, "upload.file", token, files={"file": ("big.jpg", b"x" * 600000)})) == 2  # over the file size
    upload(sim, token, content=b"x" * 500000)
    assert error(api(sim, "upload.file", token, files={"file": ("more.jpg", b"x" * 500000)})) == 2  # over the quota
    assert quota(sim, token)["upload"]["used"]["bytes"] == "762144"


def test_quota_counts_the_members_albums(sim: Simulator) -> None:
    token = sim.token({"doc": "write"}).token
    sim.state.add_album(sim.state.member, "Second")
    albums = quota(sim, token)["albums"]
    assert (albums["created"], albums["max"], albums["left"]) == ("2", "2048", "2046")


# Every method of the spec is served


@pytest.mark.parametrize("method", sorted(OPERATIONS))
def test_every_method_of_the_spec_is_served(sim: Simulator, method: str) -> None:
    """Made-up ids and values get the method's own error (1-99), never a simulator fault or "method not found"."""
    operation = OPERATIONS[method]
    token = sim.token({scope: "delete" for scope in ("doc", "blog", "post", "network", "profile")}).token
    params = {p.name: (p.values[0] if p.values else "1") for p in operation.params if p.required and p.type != "file"}
    files = {"file": ("a.jpg", JPEG)} if operation.has_file else None
    data = api(sim, method, token, files=files, **params)
    if data["api"]["status"] == "error":
        assert 1 <= int(data["api"]["code"]) < 100
    else:
        assert data["api"] == {"status": "ok"}
