"""``python -m ipernity.testing.demo`` (``make demo``): the generated client against the simulator.

For every protocol and format the client offers: get a token through the frob flow, upload a
photo, wait for its ticket, read the document, add it to a group and read the quota, printing a
short transcript. The simulator's clock is advanced instead of sleeping through the ticket's eta.
A protocol whose client codec is not written yet is skipped with a note.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from urllib.parse import urlsplit

import requests

from .. import Client, IpernityError
from .._runtime.core import FORMATS, PROTOCOLS
from .server import Simulator
from .state import ManualClock

PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8 + b"\xff\xd9"


def unavailable(protocol: str) -> str | None:
    """Why the client cannot speak ``protocol`` yet, or None when it can."""
    try:
        Client("probe", protocol=protocol, endpoint="http://127.0.0.1:1").close()
    except (ImportError, AttributeError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def scenario(
    simulator: Simulator, clock: ManualClock, protocol: str, fmt: str, say: Callable[[str, str], None]
) -> None:
    """One pass of the workflow with a client speaking ``protocol`` and asking for ``fmt``."""
    key, secret, endpoint = simulator.api_key, simulator.api_secret, simulator.endpoint
    with Client(key, secret, protocol=protocol, format=fmt, endpoint=endpoint) as app:
        frob = app.auth.get_frob()
        assert frob is not None and frob.frob
        say("auth.getFrob", f"frob {frob.frob}")
        link = urlsplit(app.authorization_url({"doc": "write"}, frob=frob.frob))
        page = requests.get(f"{simulator.endpoint}{link.path}?{link.query}", timeout=10)
        page.raise_for_status()
        say("authorize", f"{simulator.state.member.username} grants doc=write (signed link, {link.path})")
        auth = app.auth.get_token(frob=frob.frob)
        assert auth is not None and auth.token and auth.user is not None
        say("auth.getToken", f"token {auth.token[:8]}… for {auth.user.username} (user_id {auth.user.user_id})")
    with Client(key, secret, auth.token, protocol=protocol, format=fmt, endpoint=endpoint) as member:
        photo = io.BytesIO(PHOTO)
        photo.name = "harbour.jpg"
        ticket = member.upload.file(file=photo, title=f"Harbour ({protocol}/{fmt})", keywords="harbour,dusk")
        assert ticket is not None
        say("upload.file", f"ticket {ticket} for harbour.jpg ({len(PHOTO)} bytes)")
        while True:
            tickets = member.upload.check_tickets(tickets=[ticket])
            assert tickets is not None and tickets.ticket
            status = tickets.ticket[0]
            if status.done:
                break
            eta = status.eta or 1
            say("upload.checkTickets", f"ticket {ticket}: not done, eta {eta} s (advancing the clock)")
            clock.advance(eta)
        say("upload.checkTickets", f"ticket {ticket}: done, doc_id {status.doc_id}")
        doc = member.doc.get(doc_id=status.doc_id or 0)
        assert doc is not None and doc.doc_id is not None
        say("doc.get", f'{doc.doc_id} "{doc.title}" ({doc.media}, {doc.original.bytes if doc.original else "?"} bytes)')
        group = next(iter(simulator.state.groups.values()))
        added = member.group.docs.add(group_id=group.group_id, doc_id=[doc.doc_id])
        assert added is not None
        say(
            "group.docs.add",
            f'"{group.title}": added {added.added}, skipped {added.skipped}, pending {added.pending}',
        )
        quota = member.account.get_quota()
        assert quota is not None and quota.upload is not None and quota.upload.used and quota.upload.max
        used, total = quota.upload.used, quota.upload.max
        say("account.getQuota", f"used {used.kb} kB of {total.mb} MB ({used.percent}%)")


def main() -> int:
    clock = ManualClock()
    failures = 0
    with Simulator(clock=clock) as simulator:
        print(f"ipernity simulator on {simulator.endpoint} (api_key {simulator.api_key})")
        for protocol in PROTOCOLS:
            reason = unavailable(protocol)
            if reason is not None:
                print(f"\n== {protocol}: skipped, the client has no {protocol} codec yet ({reason})")
                continue
            for fmt in FORMATS:
                print(f"\n== {protocol} / {fmt}")
                try:
                    scenario(simulator, clock, protocol, fmt, lambda step, text: print(f"  {step:<20} {text}"))
                except (IpernityError, AssertionError, requests.RequestException) as exc:
                    failures += 1
                    print(f"  FAILED: {type(exc).__name__}: {exc}")
        calls = simulator.log.calls()
        by_protocol = ", ".join(f"{p} {sum(c.protocol == p for c in calls)}" for p in PROTOCOLS)
        print(f"\n{len(calls)} calls served ({by_protocol}); {failures} scenario(s) failed.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
