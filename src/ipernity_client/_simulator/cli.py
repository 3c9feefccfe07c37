"""``python -m ipernity_client.testing --port N``: run the simulator until interrupted."""

from __future__ import annotations

import argparse
import threading

from .rules import RateLimit
from .server import SimulatorEngine


def main(simulator_class: type[SimulatorEngine], argv: list[str] | None = None, prog: str | None = None) -> int:
    """Serve ``simulator_class`` with the options of the command line, printing how to reach it."""
    parser = argparse.ArgumentParser(prog=prog, description="Run a local ipernity simulator.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    parser.add_argument(
        "--upload-seconds", type=float, default=5.0, help="how long an upload takes to process (default: 5)"
    )
    parser.add_argument("--rate-limit", type=int, default=None, help="calls per second per client before error 113")
    args = parser.parse_args(argv)
    limit = RateLimit(args.rate_limit) if args.rate_limit else None
    simulator = simulator_class(host=args.host, port=args.port, upload_seconds=args.upload_seconds, rate_limit=limit)
    with simulator:
        member = simulator.state.member
        print(f"ipernity simulator on {simulator.endpoint}", flush=True)
        print(f"  api_key    {simulator.api_key}")
        print(f"  api_secret {simulator.api_secret}")
        print(f"  member     {member.username} (user_id {member.user_id}, PRO)")
        print(f"  authorize  {simulator.endpoint}{simulator.authorize_path}?… approves as {member.username}")
        print("Press Ctrl-C to stop.", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopped")
    return 0
