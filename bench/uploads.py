"""`make bench`, uploads and bulk work: a 1 GiB upload, a 1,000-document backup, a resumed folder upload.

* 1 GiB upload.file (with and without a progress callback) against raw requests-toolbelt
  streaming the same file to the same sink (a server that reads and drops the body), each in a
  fresh interpreter so that its peak RSS growth is its own; rounds interleaved.
* bulk.backup of 1,000 simulator documents with 4 workers against 1, the simulator in its own
  process so that the client's threads do not share its interpreter.
* bulk.upload_tree of 500 small files, interrupted halfway through and run again with the same
  state file: how many files the second run sent again (the target is 0).
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.loopback import serve_handler  # noqa: E402

GIB = 1024**3
TICKET_REPLY = b'{"api": {"status": "ok"}, "ticket": "1"}'

# Runs in a fresh interpreter: argv = mode, sink URL, file path. Warms up with a small upload (imports,
# connection), then prints the seconds and peak RSS growth (KiB) of the big one.
UPLOAD_SCRIPT = """
import resource, sys, time
mode, url, path = sys.argv[1:4]
if mode == "raw":
    import requests
    from requests_toolbelt import MultipartEncoder
    session = requests.Session()
    def upload():
        with open(path, "rb") as handle:
            encoder = MultipartEncoder(fields={"api_key": "key", "title": "big", "file": ("big.jpg", handle, "application/octet-stream")})
            reply = session.post(url + "/api/upload.file/json", data=encoder, headers={"Content-Type": encoder.content_type})
            reply.raise_for_status()
else:
    import ipernity_client
    client = ipernity_client.Client("key", "secret", "token", endpoint=url)
    progress = (lambda sent, total: None) if mode == "progress" else None
    def upload():
        client.upload.file(file=path, title="big", check_quota=False, progress=progress)
small = path + ".small"
with open(small, "wb") as handle:
    handle.write(b"warm-up")
big, path = path, small
upload()  # first call: what it loads and connects to is not streaming
path = big
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
upload()
seconds = time.perf_counter() - start
print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""


class _Sink(BaseHTTPRequestHandler):
    """Reads the whole body in blocks and drops it; answers an upload ticket."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_POST(self) -> None:
        left = int(self.headers.get("Content-Length") or 0)
        while left > 0:
            block = self.rfile.read(min(left, 1024 * 1024))
            if not block:
                break
            left -= len(block)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(TICKET_REPLY)))
        self.end_headers()
        self.wfile.write(TICKET_REPLY)


def upload_run(mode: str, url: str, path: Path) -> tuple[float, int]:
    """(seconds, peak RSS growth in KiB) of one 1 GiB upload in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", UPLOAD_SCRIPT, mode, url, str(path)], capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), int(out[1])


def big_upload(rounds: int = 3) -> None:
    print("== 1 GiB upload.file vs raw requests-toolbelt, same sink (fresh interpreters, interleaved)")
    with tempfile.TemporaryDirectory() as tmp, serve_handler(_Sink) as url:
        path = Path(tmp) / "big.jpg"
        with path.open("wb") as handle:
            handle.truncate(GIB)
        results: dict[str, list[tuple[float, int]]] = {"raw": [], "ours": [], "progress": []}
        for _ in range(rounds):
            for mode in results:
                results[mode].append(upload_run(mode, url, path))
    raw = statistics.median(seconds for seconds, _ in results["raw"])
    for mode, label in (("raw", "raw requests-toolbelt"), ("ours", "upload.file"), ("progress", "with progress=")):
        seconds = statistics.median(s for s, _ in results[mode])
        growth = max(kib for _, kib in results[mode]) / 1024
        print(
            f"{label}: {GIB / seconds / 1024**2:.0f} MiB/s ({raw / seconds:.2f}x raw; target >= 0.8x), "
            f"peak RSS growth {growth:.1f} MiB (target <= 32 MiB)"
        )


def _serve_documents(count: int, size: int, conn: Connection) -> None:
    """In its own process: a simulator holding ``count`` documents of ``size`` bytes, until told to stop."""
    from ipernity_client.testing import Simulator

    with Simulator() as sim:
        member = sim.state.member
        for n in range(count):
            sim.state.add_doc(member, f"photo{n:04}.jpg", n.to_bytes(4, "big") * (size // 4), title=f"Photo {n}")
        token = sim.token({"doc": "read"}).token
        conn.send((sim.endpoint, sim.api_key, sim.api_secret, token))
        conn.recv()


def backup_speedup(count: int = 1000, size: int = 64 * 1024) -> None:
    print(f"== bulk.backup of {count:,} documents ({size // 1024} KiB each), simulator in its own process")
    import ipernity_client
    from ipernity_client import bulk

    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    server = context.Process(target=_serve_documents, args=(count, size, child), daemon=True)
    server.start()
    try:
        endpoint, key, secret, token = parent.recv()
        timings: dict[int, float] = {}
        for workers in (1, 4):
            with tempfile.TemporaryDirectory() as dest:
                client = ipernity_client.Client(key, secret, token, endpoint=endpoint)
                start = time.perf_counter()
                report = bulk.backup(client, dest, workers=workers)
                timings[workers] = time.perf_counter() - start
                assert report.ok and len(report.downloaded) == count, str(report)
                client.close()
            print(f"workers={workers}: {timings[workers]:.1f} s ({count / timings[workers]:.0f} documents/s)")
        print(f"speed-up with 4 workers: {timings[1] / timings[4]:.2f}x")
    finally:
        parent.send("stop")
        server.join(timeout=10)


def resumed_upload_tree(count: int = 500) -> None:
    print(f"== bulk.upload_tree of {count} small files, interrupted halfway, run again with its state file")
    from ipernity_client import bulk
    from ipernity_client.testing import ManualClock, Simulator

    clock = ManualClock()
    with tempfile.TemporaryDirectory() as tmp, Simulator(clock=clock) as sim:
        folder = Path(tmp) / "photos"
        folder.mkdir()
        for n in range(count):
            (folder / f"img{n:04}.jpg").write_bytes(os.urandom(2048))
        state = Path(tmp) / "upload-state.jsonl"
        client = sim.client(perms={"doc": "write"})
        sent: list[Path] = []

        def interrupt_at_half(event: bulk.Event) -> None:
            if event.outcome == "sent":
                sent.append(event.path or Path())
                if len(sent) == count // 2:
                    raise KeyboardInterrupt

        start = time.perf_counter()
        try:
            bulk.upload_tree(client, folder, state=state, progress=interrupt_at_half, sleep=clock.advance)
        except KeyboardInterrupt:
            pass
        first = sim.log.count("upload.file")
        report = bulk.upload_tree(client, folder, state=state, sleep=clock.advance)
        seconds = time.perf_counter() - start
        second = sim.log.count("upload.file") - first
        names = [call.files["file"] for call in sim.log.calls("upload.file")]
        resent = len(names) - len(set(names))
        print(
            f"first run sent {first}, second run sent {second}; files re-sent: {resent} (target 0); "
            f"{len(report.uploaded)} uploaded in the end, {len(report.failed)} failed; {seconds:.1f} s in all"
        )


def main() -> None:
    big_upload()
    backup_speedup()
    resumed_upload_tree()


if __name__ == "__main__":
    main()
