"""``python -m codegen generate|check|validate`` and ``python -m codegen diff OLD NEW``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import changelog
from .diff import BREAKING, DiffError, compare, read

COMMANDS = {
    "generate": "write the generated files (nothing is written unless all of it compiles)",
    "check": "fail if the generated files differ from what the spec produces",
    "validate": "only load and check the spec",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m codegen", description="Generate the ipernity client from spec/.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="{generate,check,validate,diff}")
    for name, help_text in COMMANDS.items():
        command = commands.add_parser(name, help=help_text, description=help_text)
        command.add_argument("--spec", type=Path, default=Path("spec"), help="the spec directory (default: spec)")
        command.add_argument(
            "--root", type=Path, default=Path("."), help="the repository root to write under (default: the current one)"
        )
    diff = commands.add_parser(
        "diff",
        help="what changed between two specs, classified breaking, additive or documentation-only",
        description="Compare two specs (each a spec directory or a git revision of spec/) for users of the package.",
    )
    diff.add_argument("old", help="a spec directory, or a git revision (tag, branch, commit) whose spec/ is read")
    diff.add_argument("new", nargs="?", default="spec", help="the same; default: the spec/ directory")
    diff.add_argument("--changelog", action="store_true", help="print a Markdown entry for CHANGELOG.md instead")
    diff.add_argument("--heading", default="Unreleased", help="the entry's heading (default: Unreleased)")
    diff.add_argument("--fail-on-breaking", action="store_true", help="exit with status 1 if a change is breaking")
    return parser


def _diff(args: argparse.Namespace) -> int:
    try:
        old, new = read(args.old), read(args.new)
    except DiffError as exc:
        print(f"codegen diff: {exc}", file=sys.stderr)
        return 2
    changes = compare(old, new)
    if args.changelog:
        print(changelog.entry(changes, old.label, new.label, args.heading), end="")
    else:
        print(changelog.report(changes, old.label, new.label), end="")
    return 1 if args.fail_on_breaking and any(c.kind == BREAKING for c in changes) else 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "diff":
        return _diff(args)
    return _generate(args)


def _generate(args: argparse.Namespace) -> int:
    # Imported here: the loader and templates pull in jsonschema, lxml and jinja2, which diff does not need.
    from .drift import differences
    from .formatting import FormattingError
    from .loader import load_spec
    from .outputs import outputs
    from .problems import SpecError
    from .writer import UncompilableOutput, write

    try:
        spec = load_spec(args.spec)
        files = {} if args.command == "validate" else outputs(spec)
        if args.command == "generate":
            written, removed = write(files, args.root)
    except (SpecError, FormattingError, UncompilableOutput) as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.command == "validate":
        print(f"spec OK: {len(spec.methods)} methods, {len(spec.errors)} common errors")
        return 0
    if args.command == "generate":
        print(f"generated {written} files under {args.root}" + (f", removed {removed} stale" if removed else ""))
        return 0
    stale = differences(files, args.root)
    if stale:
        print(
            "the generated files differ from what spec/ produces now; run `python -m codegen generate`:",
            file=sys.stderr,
        )
        for line in stale:
            print(f"  {line}", file=sys.stderr)
        return 1
    print("the generated files are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
