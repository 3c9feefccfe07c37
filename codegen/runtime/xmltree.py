"""XML replies to plain data, in the same shape as ipernity's JSON replies.

Attributes become keys, repeated children become lists, the text of an element that has no
attributes and no children becomes a plain string and other text goes under ``_value``. With
both formats in one shape the models need only one decoder. The parser never resolves entities
nor touches the network, whatever the reply contains.
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


def parse(data: bytes | str) -> etree._Element:
    """Parse a whole XML document with the safe parser; raises etree.XMLSyntaxError."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return etree.fromstring(data, PARSER)


def to_raw(element: etree._Element) -> Any:
    """One element as JSON-like data (see the module docstring)."""
    attrs = element.attrib
    children = [child for child in element if isinstance(child.tag, str)]
    text = element.text or ""
    if not attrs and not children:
        return text.strip()
    raw: dict[str, Any] = {str(key): value for key, value in attrs.items()}
    for child in children:
        value = to_raw(child)
        tag = child.tag
        if tag in raw:
            existing = raw[tag]
            if isinstance(existing, list):
                existing.append(value)
            else:
                raw[tag] = [existing, value]
        else:
            raw[tag] = value
    if text.strip():
        raw["_value"] = text.strip()
    return raw
