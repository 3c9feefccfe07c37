"""The SOAP codec: zeep writes the ``ipernityRequest`` envelope, the shared parser reads the reply.

zeep builds the envelopes from the WSDL generated with the package, loaded once per process on
the first SOAP call, offline. zeep renders one envelope per call shape (the method and the names
of the parameters sent); each call fills a copy with its values. Every value is an xsd:string,
which zeep writes as given, so the bytes are zeep's own at a fraction of its per-call cost.

The envelope goes out through the shared ``send`` on the client's own requests session, so
timeouts, connection reuse, retries and transport errors are the same as over REST. Replies are
not handed to zeep: the documented ones (escaped XML in ipernityResponse, a SOAP 1.1-style fault
inside a SOAP 1.2 envelope) would trip its strict checks, and the safe parser plus the shared
decoders give the same models and errors as REST.
"""

from __future__ import annotations

import copy
import threading
from functools import lru_cache
from typing import Any, NoReturn

import zeep
from lxml import etree

from .api import Api, SoapFacts
from .envelope import EnvelopeCodec
from .errors import InvalidResponseError
from .http import HttpRequest
from .operation import Operation
from .replies import decode_payload, raise_fault, snippet
from .validation import check_xml_text

ENVELOPE_NAMESPACES = ("http://www.w3.org/2003/05/soap-envelope", "http://schemas.xmlsoap.org/soap/envelope/")
CONTENT_TYPE = "application/soap+xml; charset=utf-8"
METHOD_CHILD = "method"


class Wsdl:
    """The zeep client on a packaged WSDL, the request children it declares, and its envelopes."""

    def __init__(self, path: str, soap: SoapFacts) -> None:
        settings = zeep.Settings(
            strict=True, xml_huge_tree=False, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
        self.client: Any = zeep.Client(path, settings=settings)  # type: ignore[no-untyped-call]
        request = self.client.get_element(f"{{{soap.namespace}}}{soap.request_element}")  # type: ignore[no-untyped-call]
        self.children = frozenset(name for name, _ in request.type.elements)
        self.operations = sorted(self.client.service._binding._operations)
        self.skeleton = lru_cache(maxsize=1024)(self._skeleton)

    def _skeleton(self, method: str, names: tuple[str, ...], method_param: bool) -> etree._Element:
        """zeep's envelope for one call shape, values empty; api.methods.get's own "method" comes second.

        Every operation sends the same request element, named by its <method> child: a method
        the WSDL does not list (an unchecked call) borrows the envelope of one it does.
        """
        fields: dict[str, Any] = dict.fromkeys(names, "")
        fields[METHOD_CHILD] = [method, ""] if method_param else method
        operation = method if method in self.operations else self.operations[0]
        envelope: etree._Element = self.client.create_message(self.client.service, operation, **fields)
        return envelope


_lock = threading.Lock()
_loaded: dict[str, Wsdl] = {}


def load_wsdl(path: str, soap: SoapFacts) -> Wsdl:
    """The WSDL at ``path``, parsed on its first use in the process; safe to call from any thread."""
    found = _loaded.get(path)
    if found is None:
        with _lock:
            found = _loaded.get(path)
            if found is None:
                found = _loaded[path] = Wsdl(path, soap)
    return found


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _children(element: etree._Element) -> list[etree._Element]:
    return [child for child in element if isinstance(child.tag, str)]


def _plain(element: etree._Element) -> bytes:
    """An unescaped payload element, serialised without the namespaces it was given or inherited."""
    copied = copy.deepcopy(element)
    for node in copied.iter():
        if isinstance(node.tag, str):
            node.tag = _local(node)
    etree.cleanup_namespaces(copied)
    return etree.tostring(copied, with_tail=False)


class SoapCodec(EnvelopeCodec):
    """POST an ipernityRequest envelope to /api/soap (or /api/soap/json) and read the reply."""

    def __init__(self, api: Api, base_url: str, fmt: str) -> None:
        self.soap = api.service.soap
        self.wsdl_path = api.wsdl
        super().__init__(base_url, self.soap.path, self.soap.json_path, fmt)

    def encode(self, operation: Operation, wire: dict[str, str], uploads: dict[str, Any]) -> HttpRequest:
        check_xml_text(operation, wire)
        wsdl = load_wsdl(self.wsdl_path, self.soap)
        children = wsdl.children
        declared = tuple(sorted(name for name in wire if name in children and name != METHOD_CHILD))
        envelope = copy.deepcopy(wsdl.skeleton(operation.name, declared, METHOD_CHILD in wire))
        request = _children(envelope)[-1][0]
        methods = iter((operation.name, wire.get(METHOD_CHILD, "")))
        for child in request:
            child.text = next(methods) if child.tag == METHOD_CHILD else wire[str(child.tag)]
        for name, value in wire.items():
            if name not in children:
                etree.SubElement(request, name).text = value
        body = etree.tostring(envelope, xml_declaration=True, encoding="utf-8")
        return HttpRequest("POST", self.url, data=body, headers={"Content-Type": CONTENT_TYPE})

    def read_envelope(self, root: etree._Element, body: bytes, status: int, method: str) -> dict[str, Any]:
        if _local(root) != "Envelope" or etree.QName(root).namespace not in ENVELOPE_NAMESPACES:
            raise InvalidResponseError(
                f"the reply is <{_local(root)}>, not a SOAP envelope",
                method=method,
                status=status,
                snippet=snippet(body),
            )
        found = [child for child in _children(root) if _local(child) == "Body"]
        content = _children(found[0]) if found else []
        if not content:
            raise InvalidResponseError(
                "the SOAP envelope has an empty or no Body", method=method, status=status, snippet=snippet(body)
            )
        element = content[0]
        if _local(element) == "Fault":
            _fault(element, method, status)
        if _local(element) != self.soap.response_element:
            raise InvalidResponseError(
                f"the SOAP Body holds <{_local(element)}>, not {self.soap.response_element}",
                method=method,
                status=status,
                snippet=snippet(body),
            )
        inner = _children(element)
        if inner:
            return decode_payload(b"".join(_plain(child) for child in inner).decode("utf-8"), status, method)
        return decode_payload(element.text or "", status, method)


def _fault(fault: etree._Element, method: str, status: int) -> NoReturn:
    """Raise the ApiError of a fault: SOAP 1.1 faultcode/faultstring or SOAP 1.2 Code/Reason.

    The code is the first faultcode or Code/Subcode Value that ends in a number, so
    ``ipernity.error.105``, ``s:ipernity.error.105`` and a 1.2 ``s:Sender`` with that Subcode
    all give error 105.
    """
    codes: list[str] = []
    messages: list[str] = []
    for node in fault.iter():
        if not isinstance(node.tag, str):
            continue
        name = _local(node)
        text = (node.text or "").strip()
        if name in ("faultcode", "Value") and text:
            codes.append(text)
        elif name in ("faultstring", "Text") and text:
            messages.append(text)
    numbered = [code for code in codes if code[-1:].isdigit()]
    raise_fault(numbered[0] if numbered else "", messages[0] if messages else "", status)
