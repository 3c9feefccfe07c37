"""``ipernity call METHOD name=value ...``: any method, validated, its reply as JSON or as received."""

from __future__ import annotations

import argparse
import io
import logging
import sys
from typing import Any

import requests

from .._runtime.errors import ValidationError
from .._runtime.validation import did_you_mean
from . import params
from .context import Context
from .exits import OK, UsageError
from .output import print_json

log = logging.getLogger("ipernity_client.cli")


class LastReply:
    """A requests response hook keeping the body of the last reply, for ``--raw``.

    It reads the body and leaves the response as a caller's own adapter would hand it over (the
    body in memory, no urllib3 stream), which the client reads as usual.
    """

    def __init__(self) -> None:
        self.body: bytes | None = None

    def __call__(self, response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
        self.body = response.content
        response.raw = io.BytesIO(self.body)
        return response


def run(ctx: Context, args: argparse.Namespace) -> int:
    operations = ctx.binding.api.operations
    operation = operations.get(args.method)
    if operation is None:
        raise ValidationError(args.method, [f"unknown method {args.method!r}{did_you_mean(args.method, operations)}"])
    if args.all and args.raw:
        raise UsageError(["--all and --raw do not go together: --raw prints one reply as received"])
    last = LastReply()
    with (
        requests.Session() as session,
        ctx.client(protocol=args.protocol, format=args.format, session=session) as client,
    ):
        values = params.check(
            operation, args.params, has_secret=bool(client.api_secret), has_token=bool(client.auth_token)
        )
        if args.raw:
            session.hooks["response"].append(last)
        log.debug("calling %s over %s (%s) at %s", operation.name, args.protocol, args.format, client.endpoint)
        try:
            result = list(client.pages(operation.name, **values)) if args.all else client.call(operation.name, **values)
        finally:
            if args.raw and last.body is not None:
                sys.stdout.buffer.write(last.body)
                sys.stdout.flush()
    if not args.raw:
        print_json(result)
    return OK
