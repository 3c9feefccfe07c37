"""``python -m codegen generate|check|validate``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .loader import load_spec
from .problems import SpecError
from .render import check, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen", description="Generate the ipernity client from spec/.")
    parser.add_argument(
        "command",
        choices=["generate", "check", "validate"],
        help="generate: write generated/; check: fail if generated/ is stale; validate: only load and check spec/",
    )
    parser.add_argument("--spec", type=Path, default=Path("spec"), help="the spec directory (default: spec)")
    parser.add_argument("--out", type=Path, default=Path("generated"), help="the output directory (default: generated)")
    args = parser.parse_args(argv)
    try:
        spec = load_spec(args.spec)
    except SpecError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.command == "validate":
        print(f"spec OK: {len(spec.methods)} methods, {len(spec.errors)} common errors")
        return 0
    if args.command == "generate":
        written, removed = generate(spec, args.out)
        print(f"generated {written} files into {args.out}" + (f", removed {removed} stale" if removed else ""))
        return 0
    stale = check(spec, args.out)
    if stale:
        print(f"{args.out} differs from what spec/ produces now; run `python -m codegen generate`:", file=sys.stderr)
        for line in stale:
            print(f"  {line}", file=sys.stderr)
        return 1
    print(f"{args.out} is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
