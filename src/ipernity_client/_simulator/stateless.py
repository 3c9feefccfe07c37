"""The answers that keep no state: the documented example, and test.echo.

Every method without a handler of its own answers its example, so the simulator serves the whole
spec and follows its changes; test.echo sends back what it was given. They are the simulator's
defaults, kept apart from the handlers that read and change the state.
"""

from __future__ import annotations

from lxml import etree

from .context import XML_NAME, Context, body_of
from .wire import elements

AUTH_PARAMS = frozenset({"api_key", "api_sig", "auth_token"})


def example_reply(ctx: Context) -> str:
    """Methods with no behaviour of their own answer their documented example."""
    return ctx.example_text


def echo(ctx: Context) -> str:
    """Sends back every parameter it was given (the notes: "echoes any parameter")."""
    root = elements("")
    for name, value in ctx.params.items():
        if name not in AUTH_PARAMS and not name.startswith("oauth_") and XML_NAME.fullmatch(name):
            etree.SubElement(root, name).text = value
    return body_of(root)
