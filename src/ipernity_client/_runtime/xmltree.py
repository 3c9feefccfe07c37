"""XML replies to plain data, in the same shape as ipernity's JSON replies.

Attributes become keys, repeated children become lists, the text of an element that has no
attributes and no children becomes a plain string and other text goes under ``_value``. With
both formats in one shape the models need only one decoder. The parser never resolves entities
nor touches the network, and a document with a DTD is refused rather than read without it.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)


class DoctypeRefused(ValueError):
    """The document declares a DTD: ipernity never sends one, and its entities would be dropped silently."""


def parse(data: bytes | str) -> etree._Element:
    """Parse a whole XML document with the safe parser; raises etree.XMLSyntaxError or DoctypeRefused."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    root = etree.fromstring(data, PARSER)
    if root.getroottree().docinfo.internalDTD is not None:
        raise DoctypeRefused("the document declares a DTD (<!DOCTYPE …>)")
    return root


def to_raw(element: etree._Element) -> Any:
    """One element as JSON-like data (see the module docstring)."""
    raw: dict[Any, Any] = dict(element.items())
    text = element.text
    if text is not None:
        text = text.strip()
    if len(element):
        for child in element:
            tag = child.tag
            if tag.__class__ is not str:  # an unexpanded entity reference
                continue
            value = to_raw(child)
            existing = raw.get(tag, raw)
            if existing is raw:
                raw[tag] = value
            elif existing.__class__ is list:
                existing.append(value)
            else:
                raw[tag] = [existing, value]
    if not raw:
        return text or ""
    if text:
        raw["_value"] = text
    return raw
