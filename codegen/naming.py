"""Python names for spec names: classes, functions, parameters and fields."""

from __future__ import annotations

import keyword
import re

# Names a generated field or parameter must not take: they would shadow a type used in the
# annotations of the same class, or a name the runtime gives a meaning to.
_SHADOWING = {"str", "int", "float", "bool", "list", "dict", "Any", "Literal", "Sequence", "extra", "self"}


def camel(name: str) -> str:
    """``doc.tags.add`` or ``group_docs`` as ``DocTagsAdd`` / ``GroupDocs``."""
    parts = re.split(r"[._\-\s]+", name)
    return "".join(part[:1].upper() + part[1:] for part in parts if part)


def snake(name: str) -> str:
    """``getList`` as ``get_list``."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def py_identifier(name: str, *, field: bool = False) -> str:
    """A safe Python identifier: keywords (and, for model fields, shadowing names) get a ``_``."""
    name = re.sub(r"\W", "_", name)
    if keyword.iskeyword(name) or (field and name in _SHADOWING):
        return name + "_"
    return name


def label_class(label: str) -> str:
    """An exception class name from a label: ``Group not found`` as ``GroupNotFound``."""
    words = re.findall(r"[A-Za-z0-9]+", label)
    return "".join(
        word[:1].upper() + word[1:].lower() if word.isupper() and len(word) > 3 else word[:1].upper() + word[1:]
        for word in words
    )


def constant(name: str) -> str:
    """``doc.tags.add`` as ``DOC_TAGS_ADD``."""
    return snake(name).replace(".", "_").upper()
