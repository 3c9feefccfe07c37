"""SOAP and XML-RPC per-call time against the bare libraries, side by side on one loopback server.

SOAP: ``Client(protocol="soap")`` against a raw zeep client on the same packaged WSDL, with its
own requests session (target <= 1.0x). XML-RPC, like for like: ``Client(protocol="xmlrpc")``
against an ``xmlrpc.client.ServerProxy`` whose keep-alive transport is a requests session, as
the client's is (target <= 1.25x; that session does not read the environment per call,
``trust_env=False``, so the ratio is the client's own cost). Both sides call doc.get with the
same parameters and signature and get the same reply; the baselines stop at the reply string,
the client goes on to the typed model.

For information, three more XML-RPC lines: against the standard ServerProxy (http.client's own
keep-alive connection, no requests); a bare ``Session.send`` of the prepared bytes, no decoding,
against that standard ServerProxy (the floor of any requests-carried call); and decoding the
reply into the typed model, with no network at all, against the whole standard ServerProxy call.
Figures are ratios of medians of interleaved rounds, printed, never asserted.
"""

from __future__ import annotations

import hashlib
import statistics
import sys
import time
import xmlrpc.client
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.loopback import Reply, serve  # noqa: E402

KEY, SECRET, TOKEN = "key", "secret", "token"
PARAMS = {"doc_id": "12345", "extra": "tags,notes"}


def _replies() -> dict[str, bytes]:
    """The doc.get sample reply as each protocol carries it, by request path."""
    from ipernity_client._api import API

    payload = escape(API.simulator_data.replies["doc.get"])
    soap = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>'
        f'<x:ipernityResponse xmlns:x="urn:ipernity">{payload}</x:ipernityResponse>'
        "</s:Body></s:Envelope>"
    )
    xmlrpc_reply = (
        "<?xml version='1.0'?><methodResponse><params><param>"
        f"<value><string>{payload}</string></value></param></params></methodResponse>"
    )
    return {"/api/soap": soap.encode(), "/api/xmlrpc": xmlrpc_reply.encode()}


def signed(method: str) -> dict[str, str]:
    """The baseline's parameters, signed as the client signs them."""
    params = {**PARAMS, "api_key": KEY, "auth_token": TOKEN}
    text = "".join(name + params[name] for name in sorted(params)) + method + SECRET
    return {**params, "api_sig": hashlib.md5(text.encode()).hexdigest()}


def compare(ours: Callable[[], Any], base: Callable[[], Any], calls: int, rounds: int) -> tuple[float, float]:
    """Median seconds per call of (ours, base) over interleaved rounds, after one warm-up each."""
    ours()
    base()
    mine: list[float] = []
    theirs: list[float] = []
    for _ in range(rounds):
        for func, sink in ((ours, mine), (base, theirs)):
            start = time.perf_counter()
            for _ in range(calls):
                func()
            sink.append((time.perf_counter() - start) / calls)
    return statistics.median(mine), statistics.median(theirs)


def soap_pair(url: str) -> tuple[Callable[[], Any], Callable[[], Any]]:
    import requests
    import zeep
    from zeep.transports import Transport

    import ipernity_client
    from ipernity_client._api import API

    client = ipernity_client.Client(KEY, SECRET, TOKEN, protocol="soap", format="xml", endpoint=url, retry=None)
    transport = Transport(session=requests.Session(), timeout=10, operation_timeout=60)  # type: ignore[no-untyped-call]  # zeep is untyped
    raw = zeep.Client(API.wsdl, transport=transport)  # type: ignore[no-untyped-call]  # zeep is untyped
    service = raw.create_service("{urn:ipernity}ipernitySoap12", f"{url}/api/soap")  # type: ignore[no-untyped-call]  # zeep is untyped
    operation = service["doc.get"]

    def ours() -> Any:
        return client.doc.get(doc_id=12345, extra=["tags", "notes"])

    def base() -> Any:
        return operation(method="doc.get", **signed("doc.get"))

    return ours, base


class SessionTransport(xmlrpc.client.Transport):
    """ServerProxy's transport over a requests session: keep-alive connections and a timeout."""

    def __init__(self, session: Any, timeout: tuple[float, float]) -> None:
        super().__init__()
        self.session = session
        self.timeout = timeout

    def request(self, host: Any, handler: str, request_body: Any, verbose: bool = False) -> Any:
        reply = self.session.post(
            f"http://{host}{handler}", data=request_body, headers={"Content-Type": "text/xml"}, timeout=self.timeout
        )
        parser, unmarshaller = self.getparser()
        parser.feed(reply.content)
        parser.close()
        return unmarshaller.close()


def _xmlrpc_client(url: str) -> Any:
    import ipernity_client

    return ipernity_client.Client(KEY, SECRET, TOKEN, protocol="xmlrpc", format="xml", endpoint=url, retry=None)


def xmlrpc_pair(url: str) -> tuple[Callable[[], Any], Callable[[], Any]]:
    client = _xmlrpc_client(url)
    proxy = xmlrpc.client.ServerProxy(f"{url}/api/xmlrpc")

    def ours() -> Any:
        return client.doc.get(doc_id=12345, extra=["tags", "notes"])

    def base() -> Any:
        return proxy.doc.get(signed("doc.get"))

    return ours, base


def xmlrpc_session_pair(url: str) -> tuple[Callable[[], Any], Callable[[], Any]]:
    """The same client call against ServerProxy over a keep-alive requests session."""
    import requests

    ours, _ = xmlrpc_pair(url)
    session = requests.Session()
    session.trust_env = False
    proxy = xmlrpc.client.ServerProxy(f"{url}/api/xmlrpc", transport=SessionTransport(session, (10.0, 60.0)))
    return ours, lambda: proxy.doc.get(signed("doc.get"))


def decoding_pair(url: str) -> tuple[Callable[[], Any], Callable[[], Any]]:
    """The client's decoding of the doc.get reply into the model, against the whole ServerProxy call."""
    from ipernity_client._runtime.http import HttpReply
    from ipernity_client.models.doc import parse_doc_get
    from ipernity_client.operations import OPERATIONS

    codec = _xmlrpc_client(url)._codec
    operation = OPERATIONS["doc.get"]
    reply = HttpReply(200, "text/xml", _replies()["/api/xmlrpc"])
    proxy = xmlrpc.client.ServerProxy(f"{url}/api/xmlrpc")
    return lambda: parse_doc_get(codec.decode(operation, reply)), lambda: proxy.doc.get(signed("doc.get"))


def transport_floor_pair(url: str) -> tuple[Callable[[], Any], Callable[[], Any]]:
    """``Session.send`` of the prepared doc.get call, no decoding, against the standard ServerProxy call."""
    import requests

    session = requests.Session()
    payload = xmlrpc.client.dumps((signed("doc.get"),), methodname="doc.get", encoding="utf-8").encode()
    prepared = session.prepare_request(
        requests.Request("POST", f"{url}/api/xmlrpc", data=payload, headers={"Content-Type": "text/xml"})
    )
    proxy = xmlrpc.client.ServerProxy(f"{url}/api/xmlrpc")

    def send() -> Any:
        return session.send(prepared, timeout=(10.0, 60.0)).content

    def base() -> Any:
        return proxy.doc.get(signed("doc.get"))

    return send, base


def main(calls: int = 100, rounds: int = 21) -> dict[str, float]:
    """Print and return the ratio (client / baseline) per protocol, from one keep-alive loopback server."""
    replies = {path: Reply(200, body, "text/xml") for path, body in _replies().items()}
    ratios: dict[str, float] = {}
    with serve(lambda request: replies[request.target]) as url:
        for name, pair, label, baseline, target in (
            ("soap", soap_pair, "ipernity", "raw zeep client, same WSDL", 1.0),
            ("xmlrpc like for like", xmlrpc_session_pair, "ipernity", "ServerProxy over a requests session", 1.25),
            ("xmlrpc", xmlrpc_pair, "ipernity", "ServerProxy, keep-alive http.client", None),
            ("requests floor", transport_floor_pair, "bare Session.send, no decoding", "ServerProxy", None),
            ("decoding floor", decoding_pair, "reply to typed model, no network", "whole ServerProxy call", None),
        ):
            mine, base = compare(*pair(url), calls=calls, rounds=rounds)
            ratios[name] = mine / base
            goal = "bound, no target" if target is None else f"target <= {target:.2f}x"
            print(f"{name}: {label} {mine * 1e6:.0f} us, {baseline} {base * 1e6:.0f} us: {mine / base:.2f}x ({goal})")
    return ratios


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
