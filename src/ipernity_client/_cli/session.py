"""``ipernity login``, ``logout`` and ``whoami``: get a token, keep it for the key, check it.

The token is stored (the credentials store: a private file in the user's config directory, or
``IPERNITY_CONFIG_DIR``) and never printed; later commands use it when no token is given.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from typing import Any

from .._runtime.auth import Member, OAuthToken, Token
from .._runtime.errors import ApiError
from .context import Context
from .exits import API_ERROR, OK, UsageError
from .output import print_json


def parse_perms(text: str) -> dict[str, str]:
    """``doc=write,network=read`` as a mapping; the client checks the scopes and levels."""
    perms: dict[str, str] = {}
    problems: list[str] = []
    for item in (part.strip() for part in text.split(",")):
        scope, equals, level = item.partition("=")
        if not equals or not scope or not level:
            problems.append(f"--perms: {item!r} is not scope=level (e.g. doc=write)")
        else:
            perms[scope.strip()] = level.strip()
    if problems:
        raise UsageError(problems)
    return perms


def _member(user: Member | None) -> dict[str, Any] | None:
    return None if user is None else user._asdict()


def _describe(user: Member | None, permissions: Mapping[str, str]) -> str:
    who = (
        "an unknown member"
        if user is None
        else f"{user.username} (user_id {user.user_id}{', PRO' if user.is_pro else ''})"
    )
    granted = ", ".join(f"{scope}={level}" for scope, level in sorted(permissions.items())) or "none"
    return f"{who}; permissions: {granted}"


def _no_browser(link: str) -> None:
    """The link is already printed on stderr; the member opens it wherever they have a browser."""


def login(ctx: Context, args: argparse.Namespace) -> int:
    perms = parse_perms(args.perms)
    open_url = _no_browser if args.no_browser else None
    token: Token | OAuthToken
    if args.oauth:
        key = ctx.settings.require_key()
        client_class = ctx.binding.client_class()
        with client_class.from_oauth(key, ctx.settings.secret or "", endpoint=ctx.settings.endpoint) as client:
            token = client.oauth_login(perms, open_url=open_url, timeout=args.timeout, poll=args.poll, store=True)
    else:
        with ctx.client(stored=False) as client:
            client.auth_token = None
            token = client.login(perms, open_url=open_url, timeout=args.timeout, poll=args.poll, store=True)
    if ctx.settings.json:
        print_json({"user": _member(token.user), "permissions": token.permissions, "oauth": args.oauth})
    else:
        sys.stdout.write(f"Logged in as {_describe(token.user, token.permissions)}\n")
    return OK


def logout(ctx: Context, args: argparse.Namespace) -> int:
    from .._runtime.credentials import CredentialStore

    key = ctx.settings.require_key()
    store = CredentialStore()
    removed = store.delete(key)
    if ctx.settings.json:
        print_json({"removed": removed})
    else:
        sys.stdout.write("Logged out: the stored token is removed.\n" if removed else "No token was stored.\n")
    return OK


def whoami(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.client() as client:
        if not client.auth_token:
            raise UsageError(["not logged in: run `ipernity login`, or pass --token or IPERNITY_AUTH_TOKEN"])
        try:
            token = client.check_token()
        except ApiError as error:
            if ctx.settings.json:
                print_json({"valid": False, "error": str(error)})
            else:
                sys.stdout.write(f"The token is not valid: {error}\n")
            return API_ERROR
    if ctx.settings.json:
        print_json({"valid": True, "user": _member(token.user), "permissions": token.permissions})
    else:
        sys.stdout.write(f"{_describe(token.user, token.permissions)}; the token is valid\n")
    return OK
