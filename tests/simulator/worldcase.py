"""A seeded world on one protocol and format, with ``$name`` placeholders for its objects (the table tests)."""

from __future__ import annotations

from typing import Any

from ipernity_client._api import API
from ipernity_client._simulator.world import World
from ipernity_client.testing import ManualClock, Simulator

PERMS = {scope: "delete" for scope in API.service.permission_scopes}


class Case:
    """One row on one world: placeholders resolved against it, clients for the member and the contact."""

    def __init__(self, sim: Simulator, clock: ManualClock, world: World, protocol: str, fmt: str) -> None:
        self.sim, self.clock, self.world = sim, clock, world
        options: dict[str, Any] = {"protocol": protocol, "format": fmt, "retry": None}
        self.member = sim.client(perms=PERMS, **options)
        self.contact = sim.client(perms=PERMS, user=world.contact, **options)
        self.names: dict[str, Any] = {}

    def value(self, text: Any) -> Any:
        """``$docs.3`` → the id of the world's fourth photo; lists and mappings resolved item by item."""
        if isinstance(text, list):
            return [self.value(item) for item in text]
        if isinstance(text, dict):
            return {name: self.value(item) for name, item in text.items()}
        if not isinstance(text, str) or not text.startswith("$"):
            return text
        name, _, index = text[1:].partition(".")
        if name in self.names:
            return self.names[name]
        if name == "md5":
            return self.world.docs[int(index)].md5
        found = getattr(self.world, name)
        found = found[int(index)] if index else found
        for attribute in ("comment_id", "doc_id", "album_id", "folder_id", "group_id", "post_id", "user_id"):
            if hasattr(found, attribute):
                return getattr(found, attribute)
        raise AssertionError(f"no id for {text}")

    def call(self, method: str, args: dict[str, Any], as_contact: bool = False) -> Any:
        client = self.contact if as_contact else self.member
        return client.call(method, **self.value(args))

    def close(self) -> None:
        self.member.close()
        self.contact.close()


def dig(value: Any, path: list[str]) -> Any:
    """Follow attribute names; ``*`` maps the rest of the path over a list."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if head == "*":
        return [dig(item, rest) for item in value]
    return dig(getattr(value, head), rest)
