"""`make fuzz`: mutated and random replies through the whole client, per codec; every one must give
a value or an IpernityError subclass, and no error may quote the client's secret or token.

Each reply starts as what the simulator would send for one of a dozen methods (success or
error) in the codec's formats, then gets one to three random changes: bytes flipped, cut or
inserted (deep nesting, huge numbers, DTDs, NUL, broken UTF-8), a JSON node swapped for another
type, another HTTP status or redirect, gzip, another Content-Type; one in ten is random bytes.
The harness (an in-process requests adapter) is the one the property tests use.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.runtime.test_properties_codecs import CALLS, canned_client, genuine, mutate, outcome  # noqa: E402

CODECS = {"rest": ("json", "xml"), "soap": ("json", "xml"), "xmlrpc": ("json", "xml")}


def fuzz(protocol: str, replies: int, seed: int) -> Counter[str]:
    """``replies`` fuzzed replies through clients of ``protocol`` (both formats)."""
    rng = random.Random(seed)
    clients = {fmt: canned_client(protocol, fmt) for fmt in CODECS[protocol]}
    methods = sorted(CALLS)
    tally: Counter[str] = Counter()
    for _ in range(replies):
        fmt = rng.choice(CODECS[protocol])
        method = rng.choice(methods)
        client, adapter = clients[fmt]
        reply: tuple[int, dict[str, str], bytes]
        if rng.random() < 0.1:
            reply = (200, {}, bytes(rng.randrange(256) for _ in range(rng.randrange(200))))
        else:
            error = rng.randrange(1, 140) if rng.random() < 0.2 else None
            reply = mutate(rng, genuine(method, protocol, fmt, error))
        try:
            tally[outcome(client, adapter, method, reply)] += 1
        except Exception as exc:  # the defect looked for: counted and shown once per kind
            kind = f"{type(exc).__name__}: {str(exc)[:80]}"
            if not tally["UNTYPED " + kind]:
                print(f"  untyped on {protocol}-{fmt} {method}: {kind}", file=sys.stderr)
                traceback.print_exc(limit=-3)
            tally["UNTYPED " + kind] += 1
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replies", type=int, default=100_000, help="fuzzed replies per codec")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    failures = 0
    total = 0
    for index, protocol in enumerate(CODECS):
        started = time.perf_counter()
        tally = fuzz(protocol, args.replies, args.seed + index)
        untyped = sum(count for kind, count in tally.items() if kind.startswith("UNTYPED"))
        failures += untyped
        total += sum(tally.values())
        print(
            f"{protocol:>6}: {sum(tally.values())} fuzzed replies: {tally['value']} values, "
            f"{tally['typed']} typed errors, {untyped} untyped ({time.perf_counter() - started:.0f} s)"
        )
    print(f"fuzz: {total} replies, {failures} untyped: {'FAILED' if failures else 'all held'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
