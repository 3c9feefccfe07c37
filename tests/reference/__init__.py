"""The reference data the spec lint holds spec/ against.

The three ``ipernity-*.json`` files are copies of the archived sources (the API's method list, its
2014 reflection dump, the help pages' error tables); they are never edited. Where the API changed
since, ``updates.json`` records the spec's facts in their place, method by method (``null``: the
method is gone). It is written by one command, ``python -m tests.reference.refresh``, and reviewed
like any change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
KINDS = ("method-list", "methods", "method-errors")
UPDATES = HERE / "updates.json"
REFRESH = "python -m tests.reference.refresh"
HINT = f"If the API changed, run `{REFRESH}` and review the diff of tests/reference/updates.json."


@cache
def sources(kind: str) -> dict[str, Any]:
    """One archived source (method-list, methods, method-errors), keyed by method name."""
    data = json.loads((HERE / f"ipernity-{kind}.json").read_text(encoding="utf-8"))
    methods: dict[str, Any] = data.get("methods", data)
    return methods


@dataclass
class Reference:
    """The sources with ``updates`` laid over them: what the lint compares against."""

    updates: dict[str, dict[str, Any]] = field(default_factory=dict)
    merged: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)

    def get(self, kind: str) -> dict[str, Any]:
        if kind not in self.merged:
            merged = dict(sources(kind))
            for name, entry in self.updates.get(kind, {}).items():
                if entry is None:
                    merged.pop(name, None)
                else:
                    merged[name] = entry
            self.merged[kind] = merged
        return self.merged[kind]


def read_updates() -> dict[str, dict[str, Any]]:
    if not UPDATES.exists():
        return {}
    updates: dict[str, dict[str, Any]] = json.loads(UPDATES.read_text(encoding="utf-8"))
    return updates


REFERENCE = Reference(read_updates())
