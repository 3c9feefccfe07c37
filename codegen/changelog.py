"""The diff as a readable report, and as a Markdown entry for CHANGELOG.md."""

from __future__ import annotations

from .diff import ADDITIVE, BREAKING, DOCS, Change

HEADINGS = {
    BREAKING: ("Breaking", "code written for the old package may need changes"),
    ADDITIVE: ("Added", "new or wider; existing code keeps working"),
    DOCS: ("Documentation", "docstrings and reference docs only"),
}


def counts(changes: list[Change]) -> str:
    """``2 breaking, 5 additive, 1 documentation-only``."""
    found = {kind: sum(1 for c in changes if c.kind == kind) for kind in HEADINGS}
    return f"{found[BREAKING]} breaking, {found[ADDITIVE]} additive, {found[DOCS]} documentation-only"


def report(changes: list[Change], old: str, new: str) -> str:
    """The plain-text report: a summary line, then the changes by kind and subject."""
    lines = [f"spec {old} -> {new}: " + (counts(changes) if changes else "no changes")]
    for kind, (title, meaning) in HEADINGS.items():
        mine = [c for c in changes if c.kind == kind]
        if not mine:
            continue
        lines += ["", f"{title} ({meaning}):"]
        lines += [f"  {c.subject}: {c.text}".replace("`", "") for c in mine]
    return "\n".join(lines) + "\n"


def entry(changes: list[Change], old: str, new: str, heading: str = "Unreleased") -> str:
    """A CHANGELOG.md section; each breaking line is what the back-compatibility test looks for."""
    lines = [f"## {heading}", "", f"API changes from `{old}` to `{new}` ({counts(changes)})."]
    for kind, (title, _) in HEADINGS.items():
        mine = [c for c in changes if c.kind == kind]
        if mine:
            lines += ["", f"### {title}", ""]
            lines += [f"- {c.line}" for c in mine]
    return "\n".join(lines) + "\n"


def unacknowledged(changes: list[Change], text: str) -> list[Change]:
    """The breaking changes whose line (``Change.line``) a changelog ``text`` does not carry."""
    return [c for c in changes if c.kind == BREAKING and c.line not in text]
