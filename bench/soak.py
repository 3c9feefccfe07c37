"""`make soak`: the client against the simulator's fault injection, and 16 threads on one client.

Over REST, SOAP and XML-RPC in JSON and XML, reads (doc.get, test.echo) and writes
(doc.tags.add) go to a simulator that answers a share of requests with a retryable error, an
HTML gateway page, a dropped connection, a truncated body or a late reply. It counts, and fails
when one is not zero: untyped exceptions, writes the server saw more than once, reads tried more
often than the retry policy allows, and errors among 16 threads × 1,000 calls on one client.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ipernity_client  # noqa: E402
from ipernity_client._runtime.errors import IpernityError  # noqa: E402
from ipernity_client.testing import Fault, Simulator  # noqa: E402

COMBINATIONS = [(protocol, fmt) for protocol in ("rest", "soap", "xmlrpc") for fmt in ("json", "xml")]
FAULTS = [
    (Fault.error(503), 0.04),
    (Fault.html(502), 0.04),
    (Fault.drop(), 0.04),
    (Fault.truncate(), 0.04),
    (Fault.slow(0.3), 0.005),
]
ATTEMPTS = 3


def faulted_calls(sim: Simulator, protocol: str, fmt: str, calls: int, tally: Counter[str]) -> None:
    """``calls`` calls, one in three a write; each write must reach the server at most once."""
    retry = ipernity_client.RetryPolicy(attempts=ATTEMPTS, backoff=0.0, max_backoff=0.0)
    client = sim.client(perms={"doc": "write"}, protocol=protocol, format=fmt, retry=retry, timeout=(1, 0.2))
    doc = sim.state.add_doc(sim.state.member, "car.jpg", b"jpeg", title="Car")
    for index in range(calls):
        write = index % 3 == 2
        method = "doc.tags.add" if write else ("doc.get" if index % 3 else "test.echo")
        before = sim.log.count(method)
        try:
            if write:
                client.doc.tags.add(doc_id=doc.doc_id, keywords=f"tag{index % 50}")
            elif method == "doc.get":
                client.doc.get(doc_id=doc.doc_id)
            else:
                client.test.echo(echo=f"call {index}")
            tally["value"] += 1
        except IpernityError as error:
            tally["typed error"] += 1
            tally[f"  {type(error).__name__}"] += 1
        except Exception as exc:  # the defect this campaign looks for: counted, shown, never hidden
            tally["UNTYPED"] += 1
            print(f"  untyped {type(exc).__name__}: {exc}", file=sys.stderr)
        sent = sim.log.count(method) - before
        if write and sent > 1:
            tally["DUPLICATE WRITE"] += 1
        if not write and sent > ATTEMPTS:
            tally["UNBOUNDED RETRY"] += 1
        tally["requests"] += sent
        tally["calls"] += 1
    client.close()


def concurrent_calls(sim: Simulator, threads: int, calls: int) -> Counter[str]:
    """``threads`` threads sharing one client (no faults), ``calls`` echoes each."""
    sim.faults.clear()
    client = sim.client(retry=None, pool_size=threads)
    tally: Counter[str] = Counter()

    def run(thread: int) -> None:
        for index in range(calls):
            try:
                ok = client.test.echo(echo=f"{thread}/{index}") == f"{thread}/{index}"
                tally["value" if ok else "WRONG VALUE"] += 1
            except Exception as exc:  # counted: any error at all is a failure here
                tally["ERROR " + type(exc).__name__] += 1

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(run, range(threads)))
    client.close()
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=10_200, help="faulted calls in all (split over 6 combinations)")
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--thread-calls", type=int, default=1_000)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    totals: Counter[str] = Counter()
    with Simulator(seed=7) as sim:
        for fault, rate in FAULTS:
            sim.faults.rate(fault, rate)
        for protocol, fmt in COMBINATIONS:
            tally: Counter[str] = Counter()
            faulted_calls(sim, protocol, fmt, args.calls // len(COMBINATIONS), tally)
            print(f"{protocol:>6}-{fmt:<4} {dict(sorted(tally.items()))}")
            totals.update(tally)
        totals["faulted requests"] = sum(1 for call in sim.log.calls() if call.fault)
        concurrency = concurrent_calls(sim, args.threads, args.thread_calls)
    bad = {key: count for key, count in {**totals, **concurrency}.items() if key.isupper() or key.startswith("ERROR")}
    print(
        f"calls under faults: {totals['calls']} ({totals['requests']} requests, {totals['faulted requests']} "
        f"of them faulted), values {totals['value']}, "
        f"typed errors {totals['typed error']}, untyped {totals['UNTYPED']}, duplicate writes "
        f"{totals['DUPLICATE WRITE']}, retries over the policy {totals['UNBOUNDED RETRY']}"
    )
    print(
        f"concurrent calls: {args.threads} threads x {args.thread_calls} on one client: "
        f"{concurrency['value']} values, {sum(concurrency.values()) - concurrency['value']} errors"
    )
    print(f"soak: {'FAILED ' + str(bad) if bad else 'all held'} in {time.perf_counter() - started:.0f} s")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
