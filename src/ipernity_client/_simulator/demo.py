"""``python -m ipernity_client.testing.demo`` (``make demo``): the generated client against the simulator.

For every protocol and format the client offers: get a token through the frob flow, upload a
photo, wait for its ticket, read the document, add it to a group and read the quota, printing a
short transcript. The simulator's clock is advanced instead of sleeping through the ticket's eta.
Calls go through ``Client.call`` by method name (same models as the typed methods), so the demo
runs whatever client class the simulator is bound to.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from urllib.parse import urlsplit

import requests

from .._runtime.errors import IpernityError
from .server import SimulatorEngine
from .state import ManualClock

PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8 + b"\xff\xd9"


def scenario(
    simulator: SimulatorEngine, clock: ManualClock, protocol: str, fmt: str, say: Callable[[str, str], None]
) -> None:
    """One pass of the workflow with a client speaking ``protocol`` and asking for ``fmt``."""
    with simulator.client(protocol=protocol, format=fmt) as app:
        frob = app.call("auth.getFrob")
        assert frob is not None and frob.frob
        say("auth.getFrob", f"frob {frob.frob}")
        link = urlsplit(app.authorization_url({"doc": "write"}, frob=frob.frob))
        page = requests.get(f"{simulator.endpoint}{link.path}?{link.query}", timeout=10)
        page.raise_for_status()
        say("authorize", f"{simulator.state.member.username} grants doc=write (signed link, {link.path})")
        auth = app.call("auth.getToken", frob=frob.frob)
        assert auth is not None and auth.token and auth.user is not None
        say("auth.getToken", f"token {auth.token[:8]}… for {auth.user.username} (user_id {auth.user.user_id})")
    with simulator.client(auth_token=auth.token, protocol=protocol, format=fmt) as member:
        photo = io.BytesIO(PHOTO)
        photo.name = "harbour.jpg"
        ticket = member.call("upload.file", file=photo, title=f"Harbour ({protocol}/{fmt})", keywords="harbour,dusk")
        assert ticket is not None
        say("upload.file", f"ticket {ticket} for harbour.jpg ({len(PHOTO)} bytes)")
        while True:
            tickets = member.call("upload.checkTickets", tickets=[ticket])
            assert tickets is not None and tickets.ticket
            status = tickets.ticket[0]
            if status.done:
                break
            eta = status.eta or 1
            say("upload.checkTickets", f"ticket {ticket}: not done, eta {eta} s (advancing the clock)")
            clock.advance(eta)
        say("upload.checkTickets", f"ticket {ticket}: done, doc_id {status.doc_id}")
        doc = member.call("doc.get", doc_id=status.doc_id or 0)
        assert doc is not None and doc.doc_id is not None
        say("doc.get", f'{doc.doc_id} "{doc.title}" ({doc.media}, {doc.original.bytes if doc.original else "?"} bytes)')
        group = next(iter(simulator.state.groups.values()))
        added = member.call("group.docs.add", group_id=group.group_id, doc_id=[doc.doc_id])
        assert added is not None
        say(
            "group.docs.add",
            f'"{group.title}": added {added.added}, skipped {added.skipped}, pending {added.pending}',
        )
        quota = member.call("account.getQuota")
        assert quota is not None and quota.upload is not None and quota.upload.used and quota.upload.max
        used, total = quota.upload.used, quota.upload.max
        say("account.getQuota", f"used {used.kb} kB of {total.mb} MB ({used.percent}%)")


def main(simulator_class: type[SimulatorEngine]) -> int:
    """Run the workflow on every protocol and format of ``simulator_class``'s API; 1 if any failed."""
    clock = ManualClock()
    failures = 0
    service = simulator_class.api.service
    with simulator_class(clock=clock) as simulator:
        print(f"ipernity simulator on {simulator.endpoint} (api_key {simulator.api_key})")
        for protocol in service.protocols:
            for fmt in service.client_formats:
                print(f"\n== {protocol} / {fmt}")
                try:
                    scenario(simulator, clock, protocol, fmt, lambda step, text: print(f"  {step:<20} {text}"))
                except (IpernityError, AssertionError, requests.RequestException) as exc:
                    failures += 1
                    print(f"  FAILED: {type(exc).__name__}: {exc}")
        calls = simulator.log.calls()
        by_protocol = ", ".join(f"{p} {sum(c.protocol == p for c in calls)}" for p in service.protocols)
        print(f"\n{len(calls)} calls served ({by_protocol}); {failures} scenario(s) failed.")
    return 1 if failures else 0
