"""The site as `mkdocs build --strict` makes it: navigation by namespace, search entries under both
names, and wire examples that are requests ipernity (here, the simulator) reads and accepts."""

from __future__ import annotations

import json
import xmlrpc.client
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import lxml.html

from ipernity_client._api import API
from ipernity_client._runtime.signing import signature
from ipernity_client._simulator import wire

SECRET = "your_api_secret"


def _page(site: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / path / "index.html").read_text(encoding="utf-8"))


def _tabs(page: lxml.html.HtmlElement, section: str) -> dict[str, str]:
    """The code of each tab of the tabbed set after the heading ``section``: title → text."""
    heading = page.xpath(f"//h2[starts-with(normalize-space(), '{section}')]")[0]
    tabbed = heading.xpath("following-sibling::div[contains(@class, 'tabbed-set')][1]")[0]
    titles = [label.text_content().strip() for label in tabbed.xpath(".//div[@class='tabbed-labels']/label")]
    bodies = [block.xpath(".//code")[0].text_content() for block in tabbed.xpath(".//div[@class='tabbed-block']")]
    return dict(zip(titles, bodies, strict=True))


def _request(text: str) -> tuple[str, str, bytes]:
    """(HTTP method, URL, body) of a request as the page prints it."""
    head, _, body = text.partition("\n\n")
    verb, url = head.splitlines()[0].split()
    return verb, url, body.removesuffix("\n").encode("utf-8")


def _signed(method: str, params: dict[str, str]) -> bool:
    unsigned = {name: value for name, value in params.items() if name != "api_sig"}
    return params["api_sig"] == signature(unsigned, method, SECRET)


def test_the_build_is_strict_and_mounts_the_reference(site: Path) -> None:
    for path in ("reference", "reference/errors", "reference/models", "reference/models/Tickets", "guides/uploads"):
        assert (site / path / "index.html").exists(), path
    page = _page(site, "reference/methods/upload.checkTickets")
    assert page.findtext(".//title").startswith("upload.checkTickets")
    nav = page.xpath("//nav[contains(@class, 'md-nav--primary')]")[0].text_content()
    for label in ("Methods", "upload", "upload.file", "Models", "Common errors", "Guides"):
        assert label in nav, label


def test_the_return_model_is_linked(site: Path) -> None:
    page = _page(site, "reference/methods/upload.checkTickets")
    returns = page.xpath("//td[text()='Returns']/following-sibling::td//a/@href")
    assert returns == ["../../models/Tickets/"]


def test_search_entries_carry_both_names(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    entries = [e for e in index["docs"] if e["location"].startswith("reference/methods/upload.checkTickets/")]
    assert entries and all(
        {"upload.checkTickets", "client.upload.check_tickets", "check_tickets"} <= set(e["tags"]) for e in entries
    )


def test_the_wire_examples_are_requests_the_simulator_accepts(site: Path) -> None:
    tabs = _tabs(_page(site, "reference/methods/doc.tags.add"), "Example call")
    assert list(tabs) == ["REST", "SOAP", "XML-RPC"]
    verb, url, body = _request(tabs["REST"])
    assert (verb, url) == ("POST", f"{API.service.base_url}/api/doc.tags.add/json")
    rest = dict(parse_qsl(body.decode("utf-8")))
    assert rest["doc_id"] == "12345" and rest["auth_token"] == "your_auth_token" and _signed("doc.tags.add", rest)
    verb, url, body = _request(tabs["SOAP"])
    assert url == API.service.base_url + API.service.soap.json_path  # the client's default format is JSON
    assert wire.parse_soap(API.service.soap, body) == ("doc.tags.add", rest)
    verb, url, body = _request(tabs["XML-RPC"])
    assert url == API.service.base_url + API.service.xmlrpc.json_path
    assert wire.parse_xmlrpc(body) == ("doc.tags.add", rest)
    assert xmlrpc.client.loads(body) == ((rest,), "doc.tags.add")


def test_a_get_shows_its_signed_url(site: Path) -> None:
    verb, url, _ = _request(_tabs(_page(site, "reference/methods/doc.get"), "Example call")["REST"])
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    assert verb == "GET" and url.startswith(f"{API.service.base_url}/api/doc.get/json?")
    assert query["doc_id"] == "12345" and "auth_token" not in query and _signed("doc.get", query)


def test_an_upload_is_shown_as_rest_multipart(site: Path) -> None:
    tabs = _tabs(_page(site, "reference/methods/upload.file"), "Example call")
    assert list(tabs) == ["REST"]
    assert "Content-Type: multipart/form-data; boundary=BOUNDARY" in tabs["REST"]
    assert 'name="file"; filename="photo.jpg"' in tabs["REST"]


def test_the_example_reply_is_shown_in_json_and_xml(site: Path) -> None:
    tabs = _tabs(_page(site, "reference/methods/upload.checkTickets"), "Example reply")
    assert json.loads(tabs["JSON"])["tickets"]["ticket"][0]["id"] == "712218"
    assert tabs["XML"].startswith('<?xml version="1.0" encoding="utf-8"?>\n<api status="ok"><tickets')


def test_guides_link_method_names(site: Path) -> None:
    links = _page(site, "guides/uploads").xpath("//a[code='upload.checkTickets']/@href")
    assert links and set(links) == {"../../reference/methods/upload.checkTickets/"}
