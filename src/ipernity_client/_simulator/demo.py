"""``python -m ipernity_client.testing.demo`` (``make demo``): the generated client against the simulator.

For every protocol and format the client offers, a longer workflow on a small seeded world
(``State.seed_world``), each step read back with another call: the frob flow, an upload and its
ticket, tags, a new album, a group, a comment from a contact and a reply, the contact's fave, a
search, the quota. The simulator's clock is advanced instead of sleeping through the ticket's eta.
Calls go through ``Client.call`` by method name (same models as the typed methods), so the demo
runs whatever client class the simulator is bound to. A read that does not show its write stops
that pass with ``DemoMismatch``.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests

from .._runtime.core import BaseClient
from .._runtime.errors import IpernityError
from .server import SimulatorEngine
from .state import ManualClock
from .world import World

PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8 + b"\xff\xd9"
Say = Callable[[str, str], None]


class DemoMismatch(AssertionError):
    """A read that did not show what the step before it wrote."""


def check(condition: bool, what: str) -> None:
    if not condition:
        raise DemoMismatch(what)


def frob_flow(simulator: SimulatorEngine, app: BaseClient, say: Say) -> str:
    """auth.getFrob, the signed authorize link (GET on the simulator), auth.getToken: a doc=write token."""
    frob = app.call("auth.getFrob")
    say("auth.getFrob", f"frob {frob.frob}")
    link = urlsplit(app.authorization_url({"doc": "write", "network": "read"}, frob=frob.frob))
    page = requests.get(f"{simulator.endpoint}{link.path}?{link.query}", timeout=10)
    page.raise_for_status()
    say("authorize", f"{simulator.state.member.username} grants doc=write (signed link, {link.path})")
    auth = app.call("auth.getToken", frob=frob.frob)
    check(auth.user.user_id == simulator.state.member.user_id, "auth.getToken names the member")
    return str(auth.token)


def check_token(member: BaseClient, say: Say) -> None:
    """auth.checkToken reads the grant back (the live service calls it <permissions>, the archived docs <perms>)."""
    checked = member.call("auth.checkToken")
    levels = checked.permissions or checked.perms
    check(levels.doc == "write", "auth.checkToken reads the granted level back")
    say("auth.checkToken", f"token {checked.token[:8]}… of {checked.user.username}: doc={levels.doc}")


def upload(member: BaseClient, clock: ManualClock, tag: str, say: Say) -> int:
    """upload.file, then upload.checkTickets until done; read back by doc.get and doc.checkMD5."""
    photo = io.BytesIO(PHOTO + tag.encode())
    photo.name = "harbour.jpg"
    ticket = member.call("upload.file", file=photo, title=f"Harbour at dusk ({tag})", is_public=True)
    say("upload.file", f"ticket {ticket} for harbour.jpg ({len(PHOTO) + len(tag)} bytes)")
    while not (status := member.call("upload.checkTickets", tickets=[ticket]).ticket[0]).done:
        say("upload.checkTickets", f"not done, eta {status.eta} s (advancing the clock)")
        clock.advance(status.eta or 1)
    doc = member.call("doc.get", doc_id=status.doc_id)
    check(doc.title == f"Harbour at dusk ({tag})", "doc.get reads the uploaded title")
    md5 = hashlib.md5(PHOTO + tag.encode()).hexdigest()
    found = member.call("doc.checkMD5", md5=[md5])
    check([match.doc_id for match in found.doc] == [doc.doc_id], "doc.checkMD5 finds the upload")
    say("doc.get", f'{doc.doc_id} "{doc.title}", original {doc.original.bytes} bytes at {doc.original.url}')
    return int(doc.doc_id)


def organise(member: BaseClient, world: World, doc_id: int, say: Say) -> None:
    """Tags, a new album, a group: each read back by its list."""
    member.call("doc.tags.add", doc_id=doc_id, keywords='harbour,"blue hour"')
    tags = [tag.tag for tag in member.call("doc.tags.getList", doc_id=doc_id).tag]
    check({"harbour", "blue hour"} <= set(tags), "doc.tags.getList shows the new tags")
    say("doc.tags.add", f"tags now {', '.join(tags)}")
    album = member.call("album.create", title="Evenings", description="Harbours after sunset")
    member.call("album.docs.add", album_id=album.album_id, doc_id=[doc_id, world.docs[0].doc_id])
    listed = member.call("album.docs.getList", album_id=album.album_id)
    check([d.doc_id for d in listed.docs.doc] == [doc_id, world.docs[0].doc_id], "album.docs.getList")
    mine = member.call("album.getList")
    check(album.album_id in [a.album_id for a in mine.album], "album.getList lists the new album")
    say("album.create", f'"{album.title}" holds {listed.docs.total} docs; the member has {mine.total} albums')
    added = member.call("group.docs.add", group_id=world.group.group_id, doc_id=[doc_id])
    pool = member.call("group.docs.getList", group_id=world.group.group_id)
    check(doc_id in [d.doc_id for d in pool.docs.doc], "group.docs.getList shows the document")
    say("group.docs.add", f'"{world.group.title}": added {added.added}, the pool now has {pool.docs.total}')


def socialise(member: BaseClient, contact: BaseClient, world: World, doc_id: int, say: Say) -> None:
    """The contact comments and faves; the member replies; each read back."""
    comment = contact.call("doc.comments.add", doc_id=doc_id, content="Lovely light!")
    member.call("doc.comments.reply", comment_id=comment.comment_id, content="Thank you, Bob")
    thread = member.call("doc.comments.getList", doc_id=doc_id)
    texts = [c.content for c in thread.comment]
    check(texts == ["Lovely light!", "Thank you, Bob"], "doc.comments.getList shows the thread")
    say("doc.comments.add", f"{world.contact.username}: {texts[0]!r}; reply: {texts[1]!r}")
    contact.call("faves.docs.add", doc_id=doc_id)
    faves = member.call("doc.getFaves", doc_id=doc_id)
    check([f.user_id for f in faves.fave] == [world.contact.user_id], "doc.getFaves shows the fave")
    say("faves.docs.add", f"{world.contact.username} faved it ({faves.total} fave)")


def find(member: BaseClient, doc_id: int, tag: str, say: Say) -> None:
    hits = member.call("doc.search", text=tag, tags="blue hour", sort="posted-desc")
    check([d.doc_id for d in hits.doc] == [doc_id], "doc.search finds the document by text and tag")
    quota = member.call("account.getQuota")
    say("doc.search", f'text "{tag}" + tag "blue hour": {hits.total} hit; quota used {quota.upload.used.kb} kB')


def scenario(simulator: SimulatorEngine, clock: ManualClock, world: World, protocol: str, fmt: str, say: Say) -> None:
    """One pass of the workflow with clients speaking ``protocol`` and asking for ``fmt``."""
    options: dict[str, Any] = {"protocol": protocol, "format": fmt}
    tag = f"{protocol}-{fmt}"
    with simulator.client(**options) as app:
        token = frob_flow(simulator, app, say)
    perms = {"doc": "write", "network": "read"}
    with (
        simulator.client(auth_token=token, **options) as member,
        simulator.client(perms=perms, user=world.contact, **options) as contact,
    ):
        check_token(member, say)
        doc_id = upload(member, clock, tag, say)
        organise(member, world, doc_id, say)
        socialise(member, contact, world, doc_id, say)
        find(member, doc_id, tag, say)


def main(simulator_class: type[SimulatorEngine]) -> int:
    """Run the workflow on every protocol and format of ``simulator_class``'s API; 1 if any failed."""
    clock = ManualClock()
    failures = 0
    service = simulator_class.api.service
    with simulator_class(clock=clock) as simulator:
        world = simulator.state.seed_world()
        print(f"ipernity simulator on {simulator.endpoint} (api_key {simulator.api_key})")
        print(f"world: {world.member.username} with {len(world.docs)} photos in {len(world.albums)} albums, ", end="")
        print(f"contact {world.contact.username}, groups {world.group.title!r} and {world.moderated_group.title!r}")
        for protocol in service.protocols:
            for fmt in service.client_formats:
                print(f"\n== {protocol} / {fmt}")
                try:
                    scenario(simulator, clock, world, protocol, fmt, lambda step, text: print(f"  {step:<18} {text}"))
                except (IpernityError, AssertionError, requests.RequestException) as exc:
                    failures += 1
                    print(f"  FAILED: {type(exc).__name__}: {exc}")
        calls = simulator.log.calls()
        by_protocol = ", ".join(f"{p} {sum(c.protocol == p for c in calls)}" for p in service.protocols)
        print(f"\n{len(calls)} calls served ({by_protocol}); {failures} scenario(s) failed.")
    return 1 if failures else 0
