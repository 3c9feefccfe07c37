"""``python -m tests.reference.refresh``: record where spec/ departs from the archived sources.

For every method whose spec disagrees with the sources (a new or removed method, other flags, another
error table, a limit or value list that a source text contradicts), the spec's facts are written to
tests/reference/updates.json in the sources' own format, and the contradicted source texts are left
out. Run it after an API change, then review the diff: each entry is a claim that the API changed.
The spec's own descriptions are never overridden: a description that contradicts its own
declaration still fails the lint.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from codegen.yamlfile import SourceFile

from ..codegen.specs import SPEC
from ..codegen.test_spec_lint import (
    OWN,
    error_problems,
    flag_problems,
    limit_problems,
    method_file,
    note_sentences,
    param_texts,
    type_problems,
)
from . import KINDS, UPDATES, Reference, read_updates

Updates = dict[str, dict[str, Any]]


def _listing(data: dict[str, Any]) -> dict[str, Any]:
    """A method's api.methods.getList entry, from its spec."""
    auth = data["auth"]
    flags = {
        "post": "1" if data["http"] == "post" else "0",
        "sign": str(int(auth["sign"])),
        "token": str(int(auth["token"])),
    }
    if data.get("safety"):
        flags["safety"] = "1"
    return {"name": data["name"], "authentication": flags, "permissions": dict(auth["permissions"]) or None}


def _error_page(data: dict[str, Any], page: dict[str, Any] | None) -> dict[str, Any]:
    """A method's help-page entry with the spec's error table (None when the spec says it is unknown)."""
    errors = [
        {
            "code": e["code"],
            "label": e["label"],
            "message": e["message"],
            **({"truncated": True} if e.get("truncated") else {}),
        }
        for e in data["errors"]
    ]
    base = page or {"page": data["doc_url"], "extra_params": [], "notes": [], "changelog": []}
    return {**base, "errors": errors if data.get("errors_known", True) else None}


def _contradicted(name: str, param: dict[str, Any], sources: Reference) -> list[tuple[str, str]]:
    """The source texts about ``param`` that its declaration contradicts (origin, text)."""
    texts = param_texts(name, param, sources)
    own = [(origin, text) for origin, text in texts if origin == OWN]
    own_type = type_problems(param, own)
    return [
        (origin, text)
        for origin, text in texts
        if origin != OWN
        and (limit_problems(param, [(origin, text)]) or (type_problems(param, [(origin, text), *own]) and not own_type))
    ]


def _prune(name: str, source: SourceFile, sources: Reference, updates: Updates) -> None:
    """Leave out of the dump and the help page of ``name`` every text its parameters contradict."""
    dump = sources.get("methods").get(name)
    page = updates["method-errors"].get(name) or sources.get("method-errors").get(name)
    for param in source.data["parameters"]:
        for origin, text in _contradicted(name, param, sources):
            if origin == "api.methods.get dump" and dump is not None:
                dump = {
                    **dump,
                    "parameters": [
                        {**p, "value": ""} if p["name"] == param["name"] else p for p in dump.get("parameters", [])
                    ],
                }
                updates["methods"][name] = dump
            elif page is not None:
                notes = [
                    note.replace(text, "").strip() if text in set(note_sentences(note, param["name"])) else note
                    for note in page.get("notes") or []
                ]
                extra = [
                    p
                    for p in page.get("extra_params") or []
                    if not (p["name"] == param["name"] and p["description"] == text)
                ]
                page = {**page, "notes": [note for note in notes if note], "extra_params": extra}
                updates["method-errors"][name] = page


def refreshed(root: Path = SPEC) -> Updates:
    """What updates.json must hold for the spec at ``root``: empty where it agrees with the sources."""
    sources = Reference()
    updates: Updates = {kind: {} for kind in KINDS}
    names = sorted(path.stem for path in (root / "methods").glob("*.yaml"))
    listed = sources.get("method-list")
    for name in sorted(set(listed) - set(names)):
        updates["method-list"][name] = None
    for name in names:
        source = method_file(root, name)
        if flag_problems(source, listed.get(name)):
            updates["method-list"][name] = _listing(source.data)
        page = sources.get("method-errors").get(name)
        if error_problems(source, page):
            updates["method-errors"][name] = _error_page(source.data, page)
        _prune(name, source, sources, updates)
    return {kind: dict(sorted(entries.items())) for kind, entries in updates.items() if entries}


def main() -> int:
    before = read_updates()
    after = refreshed()
    if after:
        UPDATES.write_text(json.dumps(after, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    elif UPDATES.exists():
        UPDATES.unlink()
    changed = sorted(
        {
            f"{kind}: {name}"
            for kind in KINDS
            for name in (before.get(kind, {}) | after.get(kind, {}))
            if before.get(kind, {}).get(name) != after.get(kind, {}).get(name)
        }
    )
    print(
        f"{UPDATES.relative_to(Path.cwd()) if UPDATES.is_relative_to(Path.cwd()) else UPDATES}: "
        f"{sum(len(v) for v in after.values())} entries, {len(changed)} changed"
    )
    for line in changed:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
