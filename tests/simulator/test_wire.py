"""REST reply shapes of the simulator per format (notes 2.4 and 2.5), over raw HTTP."""

from __future__ import annotations

import requests
from lxml import etree

from ipernity_client._api import API
from ipernity_client._simulator.wire import php_serialize
from ipernity_client.testing import DEMO_API_KEY, Simulator


def get(sim: Simulator, method: str, fmt: str, /, **params: str) -> requests.Response:
    return requests.get(f"{sim.endpoint}/api/{method}/{fmt}", params={"api_key": DEMO_API_KEY, **params}, timeout=10)


def test_xml_success_and_error(sim: Simulator) -> None:
    ok = etree.fromstring(get(sim, "test.hello", "xml").content)
    assert (ok.tag, ok.get("status"), ok.findtext("hello")) == ("api", "ok", "hello world!")
    error = etree.fromstring(get(sim, "test.echo", "xml").content)
    assert (error.get("status"), error.get("code")) == ("error", "1")
    assert error.get("message") == "We could not echo back as the echo parameter was empty or not sent."
    assert len(error) == 0


def test_json_numbers_are_strings_and_attributed_text_is_value(sim: Simulator) -> None:
    method = get(sim, "api.methods.get", "json", method="test.echo").json()["method"]
    assert method["authentication"] == {"token": "0", "sign": "0", "post": "0"}
    first = method["parameters"]["param"][0]
    assert first["name"] == "api_key" and first["required"] == "1" and first["_value"] == "Your api_key."


def test_json_repeated_elements_are_lists_even_with_one_item(sim: Simulator) -> None:
    """doc.search's documented sample has a single <doc>; the spec marks it repeated."""
    assert len(etree.fromstring(f"<r>{API.simulator_data.replies['doc.search']}</r>").findall("docs/doc")) == 1
    sim.state.add_doc(sim.state.member, "a.jpg", b"a", title="Alone")
    docs = get(sim, "doc.search", "json").json()["docs"]
    assert isinstance(docs["doc"], list) and len(docs["doc"]) == 1


def test_json_error_shape(sim: Simulator) -> None:
    assert get(sim, "test.echo", "json").json() == {
        "api": {
            "status": "error",
            "code": "1",
            "message": "We could not echo back as the echo parameter was empty or not sent.",
        }
    }


def test_php_is_the_json_structure_serialized(sim: Simulator) -> None:
    assert (
        get(sim, "test.hello", "php").text
        == 'a:2:{s:3:"api";a:1:{s:6:"status";s:2:"ok";}s:5:"hello";s:12:"hello world!";}'
    )
    error = get(sim, "test.hello", "php", api_key="nope").text
    assert error.startswith('a:1:{s:3:"api";a:3:{s:6:"status";s:5:"error";s:4:"code";s:3:"101";')


def test_php_lengths_count_utf8_bytes() -> None:
    assert php_serialize({"t": "été"}) == 'a:1:{s:1:"t";s:5:"été";}'
    assert php_serialize(["a"]) == 'a:1:{i:0;s:1:"a";}'


def test_post_form_parameters_are_read(sim: Simulator) -> None:
    reply = requests.post(
        f"{sim.endpoint}/api/test.echo/json", data={"api_key": DEMO_API_KEY, "echo": "posted"}, timeout=10
    )
    assert reply.json()["echo"] == "posted"


def test_unknown_paths_are_404(sim: Simulator) -> None:
    assert requests.get(f"{sim.endpoint}/somewhere", timeout=10).status_code == 404
