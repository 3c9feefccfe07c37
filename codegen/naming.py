"""Python names for spec names: classes, functions, parameters and fields."""

from __future__ import annotations

import keyword
import re

# Names a generated field must not take: they would shadow a type used in the annotations of
# the same class, what the class body uses (``field(...)`` defaults, the ``from_raw``
# constructor), or a name the runtime gives a meaning to.
_SHADOWING = {"str", "int", "float", "bool", "list", "dict", "Any", "Literal", "Sequence", "extra", "self"}
_SHADOWING |= {"field", "from_raw"}


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


# What a generated method's body refers to: a parameter of that name would shadow it.
_METHOD_LOCALS = {"self", "operations", "models"}


def param_identifier(name: str) -> str:
    """A method parameter's Python name: ``self`` (or a module the body uses) gets a ``_`` too."""
    name = py_identifier(name)
    return name + "_" if name in _METHOD_LOCALS else name


def constant(name: str) -> str:
    """``doc.tags.add`` as ``DOC_TAGS_ADD``."""
    return snake(name).replace(".", "_").upper()
