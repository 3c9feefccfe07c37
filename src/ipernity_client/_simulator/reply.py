"""Replies built through the spec's response model, so a renamed field reaches the simulator.

A handler describes what it knows as nested facts (``{"doc_id": 1, "owner": {...}}``) and a
``Node`` writes the ones the element's model declares: the same facts about a document give
doc.get's ``<doc>``, a list entry or a search hit, each in its method's shape. Names the handler
sets itself (``Node.set``, ``child``, ``add``) must be declared, and a fact whose name no reply
model declares any more raises ``ReplyShapeError``: a spec rename that the handlers did not
follow fails every test that calls the method, naming the field, instead of sending stale names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lxml import etree

from .._runtime.api import ReplyModel, SimulatorData

Facts = Mapping[str, object]
# Facts the handlers may give though no model declares them: the text of an element.
TEXT = "_value"


class ReplyShapeError(RuntimeError):
    """A handler wrote a name its method's reply model does not declare (the spec changed?)."""


_VOCABULARIES: dict[int, tuple[SimulatorData, frozenset[str]]] = {}


def vocabulary(data: SimulatorData) -> frozenset[str]:
    """Every attribute and element name some reply model declares (worked out once per API)."""
    found = _VOCABULARIES.get(id(data))
    if found is not None and found[0] is data:
        return found[1]
    names: set[str] = {TEXT}
    for model in data.models.values():
        names.update(model.attributes)
        names.update(model.children)
    for elements in data.responses.values():
        names.update(elements)
    _VOCABULARIES[id(data)] = (data, frozenset(names))
    return _VOCABULARIES[id(data)][1]


def _written(value: object) -> str:
    """As ipernity writes values: 0/1 for flags, floats without a needless ``.0``."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Node:
    """One reply element and its declared model."""

    __slots__ = ("element", "model", "data", "where")

    def __init__(self, element: etree._Element, model: ReplyModel, data: SimulatorData, where: str) -> None:
        self.element = element
        self.model = model
        self.data = data
        self.where = where

    def _refuse(self, name: str, what: str) -> ReplyShapeError:
        return ReplyShapeError(
            f"{self.where}: the reply model declares no {what} {name!r}; was it renamed in the spec? "
            "Update the simulator's handler."
        )

    def declares(self, name: str) -> bool:
        return name in self.model.attributes or name in self.model.children

    def set(self, **values: object) -> Node:
        """Set attributes, each of which the model must declare; None leaves one out."""
        for name, value in values.items():
            if name not in self.model.attributes and not self.model.open:
                raise self._refuse(name, "attribute")
            if value is not None:
                self.element.set(name, _written(value))
        return self

    def _child_model(self, tag: str) -> tuple[ReplyModel, bool]:
        found = self.model.children.get(tag)
        if found is None:
            raise self._refuse(tag, "element")
        name, repeated = found
        model = self.data.models[name] if name is not None else ReplyModel(frozenset(), {}, text=True)
        return model, repeated

    def child(self, tag: str) -> Node:
        """The single ``tag`` child, added the first time."""
        model, _ = self._child_model(tag)
        found = self.element.find(tag)
        element = found if found is not None else etree.SubElement(self.element, tag)
        return Node(element, model, self.data, f"{self.where}/{tag}")

    def add(self, tag: str) -> Node:
        """A new ``tag`` child, for the elements a list repeats."""
        model, _ = self._child_model(tag)
        return Node(etree.SubElement(self.element, tag), model, self.data, f"{self.where}/{tag}")

    def text(self, value: object) -> Node:
        if not self.model.text:
            raise self._refuse(TEXT, "text of")
        self.element.text = _written(value)
        return self

    def fill(self, facts: Facts) -> Node:
        """Write the facts this element's model declares: attributes, text, child elements (nested facts)."""
        known = vocabulary(self.data)
        for name, value in facts.items():
            if name not in known:
                raise self._refuse(name, "attribute or element named in the facts,")
            if value is None:
                continue
            if name == TEXT:
                if self.model.text:
                    self.element.text = _written(value)
            elif name in self.model.children:
                self._fill_child(name, value)
            elif name in self.model.attributes or (self.model.open and not isinstance(value, (Mapping, list))):
                self.element.set(name, _written(value))
        return self

    def _fill_child(self, tag: str, value: object) -> None:
        model, repeated = self._child_model(tag)
        if isinstance(value, Mapping):
            (self.add(tag) if repeated else self.child(tag)).fill(value)
        elif isinstance(value, Sequence) and not isinstance(value, str):
            for item in value:
                node = self.add(tag)
                node.fill(item) if isinstance(item, Mapping) else node.text(item)
        elif model.text:
            self.child(tag).text(value)


def root(data: SimulatorData, method: str) -> Node:
    """The ``<api>`` element of ``method``'s reply, its children those the spec's response declares."""
    model = ReplyModel(frozenset(), data.responses[method])
    return Node(etree.Element("api", status="ok"), model, data, method)


def body(node: Node) -> str:
    """The reply body: the elements under the root, without it."""
    return "".join(etree.tostring(child, encoding="unicode", with_tail=False) for child in node.element)
