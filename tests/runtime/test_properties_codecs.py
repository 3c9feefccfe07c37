"""Property: every reply, however broken, gives a value or an IpernityError subclass.

Replies are answered in-process by a requests adapter (no socket), so hypothesis can try many
per second through the whole client: transport read, size limit, protocol codec, reply decoder
and model parser. The same harness drives ``make fuzz`` (bench/fuzz.py) at a larger scale.
"""

from __future__ import annotations

import gzip
import io
import json
import random
from collections.abc import Callable, Mapping
from typing import Any

import requests
import urllib3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ipernity_client
from ipernity_client._api import API
from ipernity_client._runtime.errors import IpernityError
from ipernity_client._simulator import wire

from ..conftest import FORMATS, PROTOCOLS

# Methods with every kind of reply: a model with nested shapes, pages, lists, a bare text, an echo.
CALLS: dict[str, dict[str, Any]] = {
    "doc.get": {"doc_id": 1},
    "doc.getList": {"user_id": 1},
    "doc.getExif": {"doc_id": 1},
    "upload.checkTickets": {"tickets": ["1"]},
    "account.getQuota": {},
    "group.docs.add": {"group_id": 1, "doc_id": [1, 2]},
    "album.docs.getList": {"album_id": 1},
    "user.get": {"user_id": 1},
    "api.methods.getList": {},
    "test.echo": {"echo": "x"},
    "auth.getFrob": {},
}
STATUSES = (200, 200, 200, 200, 201, 204, 301, 302, 307, 400, 404, 429, 500, 502, 503)
NASTY = (
    b"[" * 3000,
    b"{" * 3000,
    b'{"a":' * 2000,
    b"<a>" * 3000,
    b"1" + b"0" * 400,
    b"-9" * 400,
    b"1e999",
    b"NaN",
    b"-Infinity",
    b'<!DOCTYPE api [<!ENTITY e "x">]>',
    b"&e;",
    b"&#0;",
    b"&#xD800;",
    b"\x00",
    b"\xff\xfe",
    b"\xc3",
    b"<![CDATA[",
    b"]]>",
    b"</api>",
    b"<api status='error' code='99999999999999999999999'>",
    b'"',
    b"\\ud800",
    b"\\u0000",
    b"<?xml version='1.0' encoding='utf-16'?>",
    b"<value><struct><member><name>faultCode</name></member></struct></value>",
    b"&lt;!DOCTYPE x&gt;",
    b"<s:Fault><faultcode>x</faultcode></s:Fault>",
)
CONTENT_TYPES = ("application/json", "text/xml", "text/html", "application/soap+xml", "", "text/plain; charset=bogus")


class Canned(requests.adapters.HTTPAdapter):
    """A requests adapter answering every request with ``reply`` (status, headers, body), in-process."""

    def __init__(self) -> None:
        super().__init__()
        self.reply: tuple[int, dict[str, str], bytes] = (200, {}, b"")

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        status, headers, body = self.reply
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(body), headers=headers, status=status, preload_content=False, decode_content=False
        )
        return self.build_response(request, raw)


def canned_client(protocol: str, fmt: str, **options: Any) -> tuple[ipernity_client.Client, Canned]:
    adapter = Canned()
    session = requests.Session()
    session.trust_env = False
    session.mount("http://", adapter)
    client = ipernity_client.Client(
        "key", "a-secret", "a-token", protocol=protocol, format=fmt, endpoint="http://canned.invalid",
        session=session, retry=None, **options,
    )  # fmt: skip
    return client, adapter


def genuine(method: str, protocol: str, fmt: str, error: int | None = None) -> tuple[int, dict[str, str], bytes]:
    """The reply the simulator would send: the method's example, or error ``error``."""
    enveloped = protocol if fmt == "xml" and protocol != "rest" else ""
    kind = enveloped or fmt
    if error is not None:
        if enveloped == "soap":
            body = wire.soap_fault(API.service, error, "Something went wrong", "http://canned.invalid/api/soap/")
            return 500, {"Content-Type": wire.CONTENT_TYPES["soap"]}, body
        if enveloped == "xmlrpc":
            return 200, {"Content-Type": wire.CONTENT_TYPES["xmlrpc"]}, wire.xmlrpc_fault(error, "Something went wrong")
        return 200, {"Content-Type": wire.CONTENT_TYPES[fmt]}, wire.rest_error(error, "Something went wrong", fmt)
    example = API.simulator_data.replies[method]
    if enveloped == "soap":
        body = wire.soap_ok(API.service.soap, example)
    elif enveloped == "xmlrpc":
        body = wire.xmlrpc_ok(example)
    else:
        body = wire.rest_ok(API.simulator_data.repeated.get(method, frozenset()), example, fmt)
    return 200, {"Content-Type": wire.CONTENT_TYPES[kind]}, body


def _random_json(rng: random.Random, depth: int = 0) -> Any:
    choice = rng.randrange(12 if depth < 4 else 7)
    leaves: list[Callable[[], Any]] = [
        lambda: None,
        lambda: rng.choice([True, False]),
        lambda: rng.randrange(-(10**30), 10**30),
        lambda: rng.choice([float("nan"), float("inf"), 1e308, -0.0, 3.5]),
        lambda: "".join(chr(rng.randrange(0, 0x3000)) for _ in range(rng.randrange(6))),
        lambda: "",
        lambda: [],
    ]
    if choice < len(leaves):
        return leaves[choice]()
    if choice % 2:
        return [_random_json(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {rng.choice(["doc", "_value", "api", "status", "total", "page", "x"]): _random_json(rng, depth + 1)}


def _mutate_json(rng: random.Random, body: bytes) -> bytes:
    """Replace one node of a JSON body with a random value (types swapped, numbers huge, lists deep)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return body
    node: Any = data
    for _ in range(rng.randrange(1, 6)):
        if isinstance(node, dict) and node:
            key = rng.choice(list(node))
            if rng.random() < 0.4 or not isinstance(node[key], (dict, list)):
                node[key] = _random_json(rng)
                break
            node = node[key]
        elif isinstance(node, list) and node:
            index = rng.randrange(len(node))
            if rng.random() < 0.4 or not isinstance(node[index], (dict, list)):
                node[index] = _random_json(rng)
                break
            node = node[index]
    return json.dumps(data).encode()


def mutate(rng: random.Random, reply: tuple[int, dict[str, str], bytes]) -> tuple[int, dict[str, str], bytes]:
    """One to three random changes to a reply: bytes, structure, status, headers, compression."""
    status, headers, body = reply
    headers = dict(headers)
    for _ in range(rng.randrange(1, 4)):
        kind = rng.randrange(9)
        if kind == 0 and body:
            data = bytearray(body)
            for _ in range(rng.randrange(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            body = bytes(data)
        elif kind == 1:
            body = body[: rng.randrange(len(body) + 1)]
        elif kind in (2, 3):
            at = rng.randrange(len(body) + 1)
            body = body[:at] + rng.choice(NASTY) + body[at:]
        elif kind == 4:
            body = _mutate_json(rng, body)
        elif kind == 5:
            status = rng.choice(STATUSES)
            if 300 <= status < 400:
                headers["Location"] = rng.choice(["http://[::1/x?auth_token=a-token", "/elsewhere", "", "ftp://x"])
        elif kind == 6:
            headers["Content-Encoding"] = "gzip"
            body = gzip.compress(body) if rng.random() < 0.8 else body
        elif kind == 7:
            headers["Content-Type"] = rng.choice(CONTENT_TYPES)
        else:
            body = bytes(rng.randrange(256) for _ in range(rng.randrange(64)))
    return status, headers, body


def outcome(
    client: ipernity_client.Client, adapter: Canned, method: str, reply: tuple[int, dict[str, str], bytes]
) -> str:
    """ "value" or "typed" (an IpernityError); anything else propagates: that is the defect looked for."""
    adapter.reply = reply
    try:
        client.call(method, **CALLS[method])
    except IpernityError as error:
        assert "a-secret" not in str(error) and "a-token" not in str(error), error
        return "typed"
    return "value"


CLIENTS = {(protocol, fmt): canned_client(protocol, fmt) for protocol in PROTOCOLS for fmt in FORMATS}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    method=st.sampled_from(sorted(CALLS)),
    combination=st.sampled_from(sorted(CLIENTS)),
    error=st.one_of(st.none(), st.integers(min_value=-5, max_value=1000)),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_mutated_replies_give_a_value_or_a_typed_error(
    method: str, combination: tuple[str, str], error: int | None, seed: int
) -> None:
    client, adapter = CLIENTS[combination]
    rng = random.Random(seed)
    assert outcome(client, adapter, method, mutate(rng, genuine(method, *combination, error))) in ("value", "typed")


@settings(max_examples=200, deadline=None)
@given(
    method=st.sampled_from(sorted(CALLS)),
    combination=st.sampled_from(sorted(CLIENTS)),
    status=st.sampled_from(STATUSES),
    body=st.binary(max_size=300),
)
def test_arbitrary_bytes_give_a_value_or_a_typed_error(
    method: str, combination: tuple[str, str], status: int, body: bytes
) -> None:
    client, adapter = CLIENTS[combination]
    assert outcome(client, adapter, method, (status, {}, body)) in ("value", "typed")


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=10)
    | st.sampled_from(["", "0", "1", "1" + "0" * 309, "-"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(["_value", "doc", "x"]), children, max_size=3)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(
    method=st.sampled_from(sorted(CALLS)),
    fmt_protocol=st.sampled_from(PROTOCOLS),
    fields=st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=4),
)
def test_json_of_any_shape_under_the_result_gives_a_value_or_a_typed_error(
    method: str, fmt_protocol: str, fields: Mapping[str, Any]
) -> None:
    """Every field of a genuine JSON reply swapped for any JSON value, whatever its declared type."""
    client, adapter = CLIENTS[(fmt_protocol, "json")]
    status, headers, body = genuine(method, fmt_protocol, "json")
    data = json.loads(body)
    for key, element in data.items():
        if isinstance(element, dict) and key != "api":
            element.update(fields)
    assert outcome(client, adapter, method, (status, headers, json.dumps(data).encode())) in ("value", "typed")
