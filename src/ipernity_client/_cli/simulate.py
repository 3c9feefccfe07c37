"""``ipernity simulator``: a local ipernity, and everything needed to point the command at it."""

from __future__ import annotations

import argparse
import json
import sys
import threading

from .context import Context
from .exits import OK
from .settings import ENV_ENDPOINT, ENV_KEY, ENV_SECRET, ENV_TOKEN


def run(ctx: Context, args: argparse.Namespace) -> int:
    """Serve until Ctrl-C, which is how a simulator stops (exit 0).

    The token grants every scope at the highest level to the demo member. The demo key, secret
    and token are the simulator's own, so printing them is the point, not a leak.
    """
    simulator_class = ctx.binding.simulator_class()
    service = ctx.binding.api.service
    simulator = simulator_class(host=args.host, port=args.port, upload_seconds=args.upload_seconds)
    with simulator:
        member = simulator.state.member
        token = simulator.token({scope: service.permission_levels[-1] for scope in service.permission_scopes})
        variables = {
            ENV_ENDPOINT: simulator.endpoint,
            ENV_KEY: simulator.api_key,
            ENV_SECRET: simulator.api_secret,
            ENV_TOKEN: token.token,
        }
        if ctx.settings.json:
            info = {
                "endpoint": simulator.endpoint,
                "api_key": simulator.api_key,
                "api_secret": simulator.api_secret,
                "auth_token": token.token,
                "member": {"user_id": member.user_id, "username": member.username},
            }
            sys.stdout.write(json.dumps(info) + "\n")
        else:
            sys.stdout.write(
                f"# ipernity simulator on {simulator.endpoint}; the token acts as "
                f"{member.username} (user_id {member.user_id}) with every permission\n"
            )
            sys.stdout.writelines(f"export {name}={value}\n" for name, value in variables.items())
        sys.stdout.flush()
        ctx.say("Press Ctrl-C to stop.")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            ctx.say("stopped")
    return OK
