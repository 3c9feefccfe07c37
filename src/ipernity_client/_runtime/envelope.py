"""What the SOAP and XML-RPC codecs share: one URL per format, and how a reply is first read.

Both post an XML envelope; with format json ipernity may answer a bare JSON body as over REST,
so that is read first, and anything else is parsed by the safe parser before the protocol's own
reader looks inside the envelope.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from .http import HttpReply
from .operation import Operation
from .replies import decode_json, decode_reply, looks_like_json, parse_xml


class EnvelopeCodec:
    """The shared half of a SOAP or XML-RPC codec; subclasses encode and read their envelope."""

    def __init__(self, base_url: str, path: str, json_path: str, fmt: str) -> None:
        self.url = base_url.rstrip("/") + (json_path if fmt == "json" else path)
        self.format = fmt

    def decode(self, operation: Operation, reply: HttpReply) -> dict[str, Any]:
        return decode_reply(self._read, reply, operation.name)

    def _read(self, body: bytes, status: int, method: str) -> dict[str, Any]:
        if looks_like_json(body):
            return decode_json(body, status, method)
        return self.read_envelope(parse_xml(body, status, method), body, status, method)

    def read_envelope(self, root: etree._Element, body: bytes, status: int, method: str) -> dict[str, Any]:
        """The reply elements inside the parsed envelope ``root``; ``body`` is for error snippets."""
        raise NotImplementedError
