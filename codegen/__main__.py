"""``python -m codegen generate|check|validate``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .drift import differences
from .formatting import FormattingError
from .loader import load_spec
from .outputs import outputs
from .problems import SpecError
from .writer import write


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen", description="Generate the ipernity client from spec/.")
    parser.add_argument(
        "command",
        choices=["generate", "check", "validate"],
        help="generate: write the generated files; check: fail if they are stale; validate: only load and check spec/",
    )
    parser.add_argument("--spec", type=Path, default=Path("spec"), help="the spec directory (default: spec)")
    parser.add_argument(
        "--root", type=Path, default=Path("."), help="the repository root to write under (default: the current one)"
    )
    args = parser.parse_args(argv)
    try:
        spec = load_spec(args.spec)
        files = {} if args.command == "validate" else outputs(spec)
    except (SpecError, FormattingError) as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.command == "validate":
        print(f"spec OK: {len(spec.methods)} methods, {len(spec.errors)} common errors")
        return 0
    if args.command == "generate":
        written, removed = write(files, args.root)
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
