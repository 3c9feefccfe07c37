"""The frob flow: auth.getFrob, auth.getToken and auth.checkToken.

A frob becomes a token once the member approved it (``Simulator.approve`` or the authorize link
stands in for them); the token's permissions and member come back in the Auth reply, in whichever
shape each method's example has.
"""

from __future__ import annotations

from .call import ApiFailure
from .context import Context, body_of, element, put
from .state import Token


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
