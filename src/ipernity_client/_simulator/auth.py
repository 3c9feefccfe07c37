"""The frob flows: the authorize page, auth.getFrob, auth.getToken and auth.checkToken.

A frob becomes a token once the member approved it (``Simulator.approve`` or the authorize page
stands in for them: a desktop link approves its frob, a web link redirects to the app's callback
with a new one); the token's permissions and member come back in the Auth reply, in whichever
shape each method's example has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from urllib.parse import urlencode

from .._runtime.api import Api
from .._runtime.signing import signature
from .call import ApiFailure
from .context import Context, body_of, element, put
from .state import State, Token


def _auth(ctx: Context, token: Token) -> str:
    """The Auth reply of auth.getToken and auth.checkToken, in whichever shape their example has."""
    root = ctx.example()
    auth = element(root, "auth")
    element(auth, "token").text = token.token
    for tag in ("permissions", "perms"):
        found = auth.find(tag)
        if found is not None:
            none = ctx.api.service.permission_levels[0]
            put(found, **{scope: token.perms.get(scope, none) for scope in ctx.api.service.permission_scopes})
    user = ctx.state.users[token.user_id]
    put(
        element(auth, "user"),
        user_id=user.user_id,
        username=user.username,
        realname=user.realname,
        lg=user.lg,
        is_pro=user.is_pro,
    )
    return body_of(root)


def auth_get_frob(ctx: Context) -> str:
    root = ctx.example()
    element(element(root, "auth"), "frob").text = ctx.state.new_frob(ctx.caller.app).frob
    return body_of(root)


def auth_get_token(ctx: Context) -> str:
    """Trades an approved frob for a token, once; an unknown, unapproved or expired frob is error 2."""
    frob = ctx.state.frobs.get(ctx.params["frob"].strip())
    if (
        frob is None
        or frob.used
        or frob.user_id is None
        or frob.app_key != ctx.caller.app.key
        or frob.expires_at < ctx.state.clock()
    ):
        raise ctx.fail(2)
    frob.used = True
    token = ctx.state.issue_token(ctx.state.users[frob.user_id], frob.perms, ctx.caller.app)
    return _auth(ctx, token)


def auth_check_token(ctx: Context) -> str:
    if ctx.caller.token is None:
        raise ApiFailure(106)
    return _auth(ctx, ctx.caller.token)


@dataclass
class Page:
    """A page of the site (not an API reply): the authorize and OAuth pages answer with these."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def html(status: int, text: str) -> Page:
    return Page(status, "text/html; charset=utf-8", f"<html><body><p>{escape(text)}</p></body></html>".encode())


def _refusal(api: Api, state: State, params: dict[str, str], perms: dict[str, str]) -> str | None:
    """Why the authorize page refuses a link, or None: the checks the service makes, in order."""
    app = state.apps.get(params.get("api_key", ""))
    if app is None:
        return "unknown api_key"
    signed = {name: value for name, value in params.items() if name != "api_sig"}
    if params.get("api_sig") != signature(signed, "", app.secret):
        return "the api_sig does not match"
    if "frob" in params:
        frob = state.frobs.get(params["frob"])
        if frob is None or frob.app_key != app.key or frob.used or frob.expires_at < state.clock():
            return "unknown, used or expired frob"
    service = api.service
    if not perms or any(scope not in service.permission_scopes for scope in perms):
        return "no or unknown perm_* scopes"
    if any(level not in service.grant_levels for level in perms.values()):
        return f"permission levels are {', '.join(service.grant_levels)}"
    return None


def authorize_page(api: Api, state: State, params: dict[str, str]) -> Page:
    """The stand-in for the authorize page: the demo member accepts a signed link at once.

    A desktop link (``authorization_url(perms, frob=…)``) approves its frob. A web link (no frob)
    gets a new frob, approved, and like ipernity a redirect to the app's callback with
    ``?frob=…`` (``state.demo_app.callback``); an app without a callback sees the frob on the page.
    """
    perms = {name.removeprefix("perm_"): level for name, level in params.items() if name.startswith("perm_")}
    with state.lock:
        reason = _refusal(api, state, params, perms)
        if reason is not None:
            return html(400, f"Refused: {reason}.")
        app = state.apps[params["api_key"]]
        frob = params.get("frob") or state.new_frob(app).frob
        state.approve(frob, perms)
        member = state.member.username
    if "frob" in params:
        return html(200, f"{member} granted {perms} to the app.")
    if app.callback:
        joiner = "&" if "?" in app.callback else "?"
        location = f"{app.callback}{joiner}{urlencode({'frob': frob})}"
        return Page(302, "text/html; charset=utf-8", b"", {"Location": location})
    return html(200, f"{member} granted {perms} to the app; the frob for auth.getToken is {frob}")
