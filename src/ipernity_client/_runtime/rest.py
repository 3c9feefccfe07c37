"""The REST codec: ``/api/{method}/{format}``, query or form parameters, JSON or XML replies."""

from __future__ import annotations

from typing import Any

from .api import Api
from .http import HttpReply, HttpRequest
from .operation import Operation
from .replies import DECODERS, decode_reply


class RestCodec:
    """GET where the method allows it, POST (form or multipart) where the spec requires it."""

    def __init__(self, api: Api, base_url: str, fmt: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.path = api.service.rest_path
        self.format = fmt
        self._decode = DECODERS[fmt]

    def url(self, method: str) -> str:
        return self.base_url + self.path.format(method=method, format=self.format)

    def encode(self, operation: Operation, wire: dict[str, str], uploads: dict[str, Any]) -> HttpRequest:
        url = self.url(operation.name)
        if operation.post or uploads:
            return HttpRequest("POST", url, data=wire, uploads=uploads)
        return HttpRequest("GET", url, params=wire)

    def decode(self, operation: Operation, reply: HttpReply) -> dict[str, Any]:
        return decode_reply(self._decode, reply, operation.name)
