"""The call a handler answers and the helpers every handler shares to fill in its reply.

A handler gets a ``Context`` (the state, the operation, the parsed call and who made it) and
returns the reply body as text; it starts from the method's documented example and fills it in
with ``element`` and ``put``, then hands back ``body_of`` its root. They live apart from the
handlers so that every area's module (auth, uploads, docs, objects, lists) builds on this one and
the state, and the dispatch table imports the areas without any of them importing it back.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from lxml import etree

from .._runtime.api import Api
from .._runtime.operation import Operation
from . import reply
from .call import ApiFailure, Call, Caller
from .reply import Facts, Node
from .state import State, User
from .wire import elements

XML_NAME = re.compile(r"[A-Za-z_][\w.-]*")


@dataclasses.dataclass
class Context:
    """A call that passed the common checks, with the world it runs in."""

    api: Api
    state: State
    operation: Operation
    call: Call
    caller: Caller
    endpoint: str = ""

    @property
    def params(self) -> dict[str, str]:
        return self.call.params

    @property
    def user(self) -> User:
        """The token's member; the methods that keep state all need one."""
        if self.caller.user is None:
            raise ApiFailure(106)
        return self.caller.user

    def is_owner(self, owner_id: int) -> bool:
        """Whether the caller is the member ``owner_id`` (the finders' ``own`` check)."""
        caller = self.caller.user
        return caller is not None and caller.user_id == owner_id

    def fail(self, code: int, undocumented: str = "") -> ApiFailure:
        """The method's error ``code``; ``undocumented`` is the text sent where the spec documents none."""
        known = self.api.errors.message(code, self.operation.name)
        return ApiFailure(code, self.operation.name, None if known or not undocumented else undocumented)

    def reply(self) -> Node:
        """The reply's root, built through the method's response model (see ``reply``)."""
        return reply.root(self.api.simulator_data, self.operation.name)

    def one(self, tag: str, facts: Facts) -> str:
        """The whole reply of a method that answers one element: ``tag`` filled with ``facts``."""
        root = self.reply()
        root.child(tag).fill(facts)
        return reply.body(root)

    def param(self, name: str) -> str:
        """A parameter as sent, stripped; empty when left out."""
        return self.params.get(name, "").strip()

    def number(self, name: str) -> int | None:
        return as_int(self.params.get(name))

    @property
    def example_text(self) -> str:
        """The method's documented reply, as the spec gives it."""
        return self.api.simulator_data.replies[self.operation.name]

    def example(self) -> etree._Element:
        """A fresh copy of the documented reply, under an ``<api>`` root, to fill in."""
        return elements(self.example_text)


Handler = Callable[[Context], str]


def body_of(root: etree._Element) -> str:
    """The reply body: the elements under ``root``, without it."""
    return "".join(etree.tostring(child, encoding="unicode", with_tail=False) for child in root)


def element(parent: etree._Element, tag: str) -> etree._Element:
    """The ``tag`` child of ``parent``, added when the example has none."""
    found = parent.find(tag)
    return found if found is not None else etree.SubElement(parent, tag)


def put(target: etree._Element, **values: object) -> etree._Element:
    """Set attributes, written as ipernity writes them: strings, 0/1 for flags."""
    for name, value in values.items():
        target.set(name, str(int(value)) if isinstance(value, bool) else str(value))
    return target


def as_int(text: str | None) -> int | None:
    try:
        return int((text or "").strip())
    except ValueError:
        return None


def id_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]
