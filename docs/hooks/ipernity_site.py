"""The MkDocs hook that turns the generated reference into the site's reference section.

It mounts ``generated/docs`` under ``reference/``, builds its navigation (methods by namespace,
then the models), and fills in each method page what the package itself writes, at build time:
the REST request, SOAP envelope and XML-RPC payload of the page's example call, made by calling
the generated client with the page's arguments over a requests adapter that records the request
instead of sending it, and the example reply in JSON and XML as the simulator's wire writer puts
it. So the examples come from the code that ships and cannot drift from it, while generation
stays fast and free of the runtime (the generator imports neither zeep nor the client).

In the hand-written pages a method's API name in backticks (`` `upload.checkTickets` ``) becomes
a link to its page, and links into ``generated/docs/`` (right on GitHub) point into the site.
"""

from __future__ import annotations

import io
import json
import posixpath
import re
from pathlib import Path
from typing import Any

import requests
import urllib3
from lxml import etree
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

GENERATED = Path(__file__).resolve().parents[2] / "generated" / "docs"
MOUNT = "reference"
# Credentials shown in the examples; the signatures are computed from them.
KEY, SECRET, TOKEN = "your_api_key", "your_api_secret", "your_auth_token"
CALL = re.compile(r"<!-- ipernity:call (\{.*?\}) -->")
REPLY = re.compile(r"<!-- ipernity:reply -->\n.*?<!-- /ipernity:reply -->", re.DOTALL)
BACKTICKED = re.compile(r"`([a-z]+(?:\.[a-zA-Z]+)+)`")
FENCED = re.compile(r"^(```|~~~).*?^\1", re.DOTALL | re.MULTILINE)
GENERATED_LINK = re.compile(r"\]\((?:\.\./)+generated/docs/")


class Recorder(requests.adapters.BaseAdapter):
    """A requests adapter that keeps each request and answers with a fixed body."""

    def __init__(self, body: bytes, content_type: str) -> None:
        super().__init__()
        self.body, self.content_type = body, content_type
        self.sent: list[tuple[requests.PreparedRequest, bytes]] = []

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        body: Any = request.body
        if hasattr(body, "read"):  # a streamed multipart upload
            body = body.read()
        self.sent.append((request, body.encode("utf-8") if isinstance(body, str) else body or b""))
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(self.body),
            headers={"Content-Type": self.content_type, "Content-Length": str(len(self.body))},
            status=200,
            preload_content=False,
        )
        return requests.adapters.HTTPAdapter().build_response(request, raw)

    def close(self) -> None:
        """Nothing to release."""


def _reply(method: str, protocol: str, fmt: str) -> tuple[bytes, str]:
    """What the simulator answers ``method`` with, as its wire writer writes it."""
    from ipernity_client._api import API
    from ipernity_client._simulator import wire

    data = API.simulator_data
    body = data.replies.get(method, "")
    if protocol == "soap":
        return wire.soap_ok(API.service.soap, body), wire.CONTENT_TYPES["soap"]
    if protocol == "xmlrpc":
        return wire.xmlrpc_ok(body), wire.CONTENT_TYPES["xmlrpc"]
    return wire.rest_ok(data.repeated.get(method, frozenset()), body, fmt), wire.CONTENT_TYPES[fmt]


def _upload(name: str) -> io.BytesIO:
    """A stand-in for the file the example names: its name, and a short text for its bytes."""
    content = io.BytesIO(f"<the bytes of {name}>".encode())
    content.name = name
    return content


def record(method: str, call: str, args: dict[str, Any], protocol: str) -> tuple[requests.PreparedRequest, bytes]:
    """The request the client sends for ``client.<call>(**args)`` over ``protocol`` (JSON replies)."""
    import ipernity_client
    from ipernity_client.errors import IpernityError
    from ipernity_client.operations import OPERATIONS

    operation = OPERATIONS[method]
    files = {param.name for param in operation.params if param.type == "file"}
    args = {name: _upload(value) if name in files else value for name, value in args.items()}
    recorder = Recorder(*_reply(method, protocol, "json"))
    session = requests.Session()
    session.trust_env = False
    session.mount("http://", recorder)
    session.mount("https://", recorder)
    token = TOKEN if operation.token else None
    client = ipernity_client.Client(KEY, SECRET, token, protocol=protocol, session=session, retry=None)
    target: Any = client
    for part in call.split("."):
        target = getattr(target, part)
    try:
        target(**args)
    except IpernityError:
        pass  # only the request matters here
    if len(recorder.sent) != 1:
        raise RuntimeError(f"{method}: the client sent {len(recorder.sent)} requests for one call")
    return recorder.sent[0]


def _http(request: requests.PreparedRequest, body: bytes) -> str:
    """The request: its method and URL, then its content type and body (SOAP indented for reading)."""
    lines = [f"{request.method} {request.url}"]
    content_type = request.headers.get("Content-Type", "")
    boundary = re.search(r"boundary=(\S+)", content_type)
    if boundary:
        body = body.replace(boundary.group(1).encode(), b"BOUNDARY")
        content_type = content_type.replace(boundary.group(1), "BOUNDARY")
    if content_type:
        lines.append(f"Content-Type: {content_type}")
    text = body.decode("utf-8", errors="replace")
    if content_type.startswith("application/soap+xml"):
        root = etree.fromstring(body)
        etree.indent(root)
        text = etree.tostring(root, xml_declaration=True, encoding="utf-8").decode("utf-8")
    return "\n".join(lines) + ("\n\n" + text.rstrip("\n") if text else "")


def _tab(title: str, language: str, text: str) -> str:
    fence = "`" * max(3, max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    body = f"{fence}{language}\n{text}\n{fence}"
    return f'=== "{title}"\n\n' + "\n".join("    " + line if line else "" for line in body.splitlines()) + "\n"


def call_section(data: dict[str, Any]) -> str:
    """The "Example call" section: the request over each protocol, from the client itself."""
    method, call, args = data["method"], data["call"], data["args"]
    from ipernity_client.operations import OPERATIONS

    uploads = OPERATIONS[method].has_file
    protocols = ("rest",) if uploads else ("rest", "soap", "xmlrpc")
    titles = {"rest": "REST", "soap": "SOAP", "xmlrpc": "XML-RPC"}
    tabs = [_tab(titles[p], "http", _http(*record(method, call, args, p))) for p in protocols]
    intro = (
        "What the client sends for the call above, signed with the key `your_api_key`, the secret "
        "`your_api_secret`" + (" and the token `your_auth_token`" if OPERATIONS[method].token else "") + "."
    )
    if uploads:
        intro += " Uploads always go over REST multipart, whatever the client's protocol."
    return "## Example call { data-search-exclude }\n\n" + intro + "\n\n" + "\n".join(tabs)


def reply_section(method: str) -> str:
    """The example reply as ipernity writes it in JSON and in XML (the simulator's wire writer)."""
    json_body = json.dumps(json.loads(_reply(method, "rest", "json")[0]), indent=2, ensure_ascii=False)
    xml_body = _reply(method, "rest", "xml")[0].decode("utf-8").rstrip("\n")
    return _tab("JSON", "json", json_body) + "\n" + _tab("XML", "xml", xml_body)


def _method_pages(files: Files) -> list[str]:
    return sorted(f.src_uri for f in files.documentation_pages() if f.src_uri.startswith(f"{MOUNT}/methods/"))


def _namespaces(pages: list[str]) -> list[dict[str, Any]]:
    """Method pages grouped by service, a sub-namespace (doc.tags) as its own section inside."""
    tree: dict[str, Any] = {}
    for page in pages:
        name = posixpath.basename(page).removesuffix(".md")
        node = tree
        for part in name.split(".")[:-1]:
            node = node.setdefault(part, {})
        node.setdefault("", []).append(page)

    def section(prefix: str, node: dict[str, Any]) -> list[Any]:
        items: list[Any] = list(node.get("", []))
        items += [{f"{prefix}{key}": section(f"{prefix}{key}.", child)} for key, child in node.items() if key]
        return items

    return [{key: section(f"{key}.", child)} for key, child in sorted(tree.items())]


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Mount every generated reference page under reference/."""
    for path in sorted(GENERATED.rglob("*.md")):
        uri = f"{MOUNT}/{path.relative_to(GENERATED).as_posix()}"
        files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Expand the "API reference" entry of the navigation into the whole reference."""
    methods = sorted(p.name for p in (GENERATED / "methods").glob("*.md"))
    models = sorted((p.name for p in (GENERATED / "models").glob("*.md")), key=str.lower)
    reference = [
        {"Overview": f"{MOUNT}/index.md"},
        {"Common errors": f"{MOUNT}/errors.md"},
        {"Methods": _namespaces([f"{MOUNT}/methods/{name}" for name in methods])},
        {"Models": [f"{MOUNT}/models.md"] + [f"{MOUNT}/models/{name}" for name in models]},
    ]
    config.nav = [
        {key: reference} if isinstance(entry, dict) and entry.get(key := "API reference") else entry
        for entry in config.nav or []
    ]
    return config


def _link_names(markdown: str, page: Page) -> str:
    """Backticked API names and generated/docs links of a hand-written page, pointed into the site."""
    from ipernity_client.operations import OPERATIONS

    depth = page.file.src_uri.count("/")
    prefix = "../" * depth + f"{MOUNT}/"

    def link(found: re.Match[str]) -> str:
        name = found.group(1)
        return f"[`{name}`]({prefix}methods/{name}.md)" if name in OPERATIONS else found.group(0)

    pieces = []
    last = 0
    for fenced in FENCED.finditer(markdown):
        pieces.append(BACKTICKED.sub(link, markdown[last : fenced.start()]))
        pieces.append(fenced.group(0))
        last = fenced.end()
    pieces.append(BACKTICKED.sub(link, markdown[last:]))
    return GENERATED_LINK.sub(f"]({prefix}", "".join(pieces))


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Fill in a method page's example call and reply; link method names in hand-written pages."""
    uri = page.file.src_uri
    if not uri.startswith(f"{MOUNT}/"):
        return _link_names(markdown, page)
    found = CALL.search(markdown)
    if found is None:
        return markdown
    data = json.loads(found.group(1))
    method = data["method"]
    python = "client." + data["call"]
    # Material's search weighs tags above all: the method page comes first for either name.
    page.meta["tags"] = [method, python, python.rsplit(".", 1)[-1]]
    markdown = markdown.replace(found.group(0), call_section(data))
    markdown = REPLY.sub(lambda _: reply_section(method), markdown, count=1)
    # The examples stay out of the search index: it would grow fourfold and rank pages on their data.
    return markdown.replace("\n## Example reply\n", "\n## Example reply { data-search-exclude }\n", 1)
