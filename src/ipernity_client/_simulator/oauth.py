"""OAuth 1.0a as the simulator checks it (notes 3.7): the token dance and OAuth-signed calls.

The signature is recomputed here from RFC 5849 with hashlib and hmac, never with the client's
code or oauthlib, so a test that passes shows two independent readings agree. Checks, in order:
version (130), missing oauth_* parameters (131), consumer key (100/101), signature method and
PLAINTEXT over http (135), timestamp outside the window of the simulator's clock (132) or before
the consumer's last one (134), nonce used before (133), token (107), signature (105). The
request, authorize and access pages sit at ``oauth/…`` beside the frob flow's authorize page;
approving a request token made with a callback URL redirects there with ``?oauth_token=…``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode, urlsplit

from .._runtime.api import Api
from .._runtime.lazy import Attached
from .._runtime.operation import Operation
from . import wire
from .auth import Page, html
from .call import ApiFailure, Call, Caller
from .rules import token_caller
from .state import App, State

METHODS = ("HMAC-SHA1", "MD5", "PLAINTEXT")
REQUIRED = ("oauth_consumer_key", "oauth_nonce", "oauth_signature", "oauth_signature_method", "oauth_timestamp")
# How far (seconds) a timestamp may be from the simulator's clock.
TIMESTAMP_WINDOW = 300
REQUEST_TOKEN_LIFETIME = 600.0
STEPS = ("request", "authorize", "access")
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass
class RequestToken:
    """A temporary credential: approved by the member on the authorize page, traded once."""

    token: str
    secret: str
    app_key: str
    expires_at: float
    user_id: int | None = None
    perms: dict[str, str] = field(default_factory=dict)
    used: bool = False
    callback: str = "oob"


@dataclass
class OAuthWorld:
    """The OAuth side of one State: request tokens, access token secrets, nonces, last timestamps."""

    request_tokens: dict[str, RequestToken] = field(default_factory=dict)
    access_secrets: dict[str, str] = field(default_factory=dict)
    nonces: set[tuple[str, str]] = field(default_factory=set)
    last_timestamp: dict[str, int] = field(default_factory=dict)


_worlds: Attached[State, OAuthWorld] = Attached(OAuthWorld)


def world(state: State) -> OAuthWorld:
    """The OAuth side of ``state`` (a fresh State, as after ``reset``, starts with an empty one)."""
    return _worlds.of(state)


def is_oauth(params: dict[str, str]) -> bool:
    """Whether a call is OAuth-signed rather than api_key + api_sig."""
    return any(name.startswith("oauth_") for name in params)


def escape(text: str) -> str:
    """RFC 5849 3.6: UTF-8, then percent-encode all but the unreserved characters."""
    return quote(text.encode("utf-8"), safe="-._~")


def base_string_uri(url: str) -> str:
    """RFC 5849 3.4.1.2: lower-case scheme and host, default port dropped, no query."""
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    port = f":{parts.port}" if parts.port and parts.port != DEFAULT_PORTS.get(scheme) else ""
    return f"{scheme}://{host}{port}{parts.path or '/'}"


def base_string(http_method: str, url: str, params: dict[str, str]) -> str:
    pairs = sorted((escape(name), escape(value)) for name, value in params.items() if name != "oauth_signature")
    normalized = "&".join(f"{name}={value}" for name, value in pairs)
    return "&".join(escape(part) for part in (http_method.upper(), base_string_uri(url), normalized))


def expected(method: str, base: str, consumer_secret: str, token_secret: str) -> str:
    """The signature ipernity expects: HMAC-SHA1 (base64), MD5 (hex of base, "&", key) or PLAINTEXT (the key)."""
    key = f"{escape(consumer_secret)}&{escape(token_secret)}"
    if method == "HMAC-SHA1":
        return base64.b64encode(hmac.new(key.encode(), base.encode(), hashlib.sha1).digest()).decode()
    if method == "MD5":
        return hashlib.md5(f"{base}&{key}".encode()).hexdigest()
    return key


def verify(state: State, http_method: str, url: str, params: dict[str, str], token_secret: str | None) -> App:
    """Every check but the token's own, in ipernity's order; records the nonce and timestamp when all pass.

    ``token_secret`` is the secret of the oauth_token sent (None: the token is unknown, error 107).
    """
    if params.get("oauth_version", "1.0") != "1.0":
        raise ApiFailure(130)
    missing = [name for name in REQUIRED if not params.get(name)]
    if missing:
        raise ApiFailure(131, message=f"Some of the OAuth parameters were not sent: {', '.join(missing)}")
    app = state.apps.get(params["oauth_consumer_key"])
    if app is None:
        raise ApiFailure(101)
    method = params["oauth_signature_method"]
    if method not in METHODS or (method == "PLAINTEXT" and urlsplit(url).scheme != "https"):
        raise ApiFailure(135)
    oauth = world(state)
    try:
        timestamp = int(params["oauth_timestamp"])
    except ValueError:
        raise ApiFailure(132) from None
    if abs(timestamp - state.clock()) > TIMESTAMP_WINDOW:
        raise ApiFailure(132)
    if timestamp < oauth.last_timestamp.get(app.key, 0):
        raise ApiFailure(134)
    nonce = (app.key, params["oauth_nonce"])
    if nonce in oauth.nonces:
        raise ApiFailure(133)
    if token_secret is None:
        raise ApiFailure(107)
    wanted = expected(method, base_string(http_method, url, params), app.secret, token_secret)
    if not hmac.compare_digest(wanted.encode(), params["oauth_signature"].encode()):
        raise ApiFailure(105)
    oauth.nonces.add(nonce)
    oauth.last_timestamp[app.key] = timestamp
    return app


def authorize_call(api: Api, state: State, operation: Operation, call: Call, url: str) -> Caller:
    """The checks of an OAuth-signed API call: verb, OAuth signature, token and permissions."""
    if operation.post and call.http_method != "POST":
        raise ApiFailure(120)
    text = call.params.get("oauth_token", "")
    # Only tokens from the access page have a secret: a frob flow's token is unknown here (107).
    secret = world(state).access_secrets.get(text) if text else ""
    token = state.tokens.get(text) if secret else None
    app = verify(state, call.http_method, url, call.params, secret)
    if token is None:
        if operation.token:
            raise ApiFailure(106)
        return Caller(app)
    return token_caller(api, state, app, operation, token)


def paths(authorize_path: str) -> dict[str, str]:
    """Path → step of the three OAuth pages, beside the frob flow's authorize page."""
    folder = authorize_path.rsplit("/", 1)[0]
    return {f"{folder}/oauth/{step}": step for step in STEPS}


def _form(**values: str) -> Page:
    return Page(200, "application/x-www-form-urlencoded", urlencode(values).encode())


def _failure(api: Api, failure: ApiFailure) -> Page:
    message = failure.message if failure.message is not None else api.errors.message(failure.code, "")
    return Page(401, wire.CONTENT_TYPES["json"], wire.rest_error(failure.code, message, "json"))


def serve(api: Api, state: State, step: str, http_method: str, url: str, params: dict[str, str]) -> Page:
    """The request, authorize or access page, under the state lock."""
    with state.lock:
        try:
            if step == "request":
                return _request_token(state, http_method, url, params)
            if step == "access":
                return _access_token(state, http_method, url, params)
            return _approve(api, state, params)
        except ApiFailure as failure:
            return _failure(api, failure)


def _request_token(state: State, http_method: str, url: str, params: dict[str, str]) -> Page:
    if params.get("oauth_token"):
        raise ApiFailure(107)
    app = verify(state, http_method, url, params, "")
    pending = RequestToken(secrets.token_hex(8), secrets.token_hex(8), app.key, state.clock() + REQUEST_TOKEN_LIFETIME)
    pending.callback = params.get("oauth_callback") or "oob"
    world(state).request_tokens[pending.token] = pending
    return _form(oauth_token=pending.token, oauth_token_secret=pending.secret, oauth_callback_confirmed="true")


def _access_token(state: State, http_method: str, url: str, params: dict[str, str]) -> Page:
    oauth = world(state)
    pending = oauth.request_tokens.get(params.get("oauth_token", ""))
    usable = pending is not None and not pending.used and pending.expires_at >= state.clock()
    app = verify(state, http_method, url, params, pending.secret if usable and pending is not None else None)
    if pending is None or pending.app_key != app.key:
        raise ApiFailure(107)
    if pending.user_id is None:
        return Page(401, "application/x-www-form-urlencoded", b"oauth_problem=permission_unknown")
    pending.used = True
    token = state.issue_token(state.users[pending.user_id], pending.perms, app)
    oauth.access_secrets[token.token] = secrets.token_hex(8)
    return _form(oauth_token=token.token, oauth_token_secret=oauth.access_secrets[token.token])


def _approve(api: Api, state: State, params: dict[str, str]) -> Page:
    """The member (the demo member) accepts the link at once: oauth_token and the perm_* scopes."""
    perms = {name.removeprefix("perm_"): level for name, level in params.items() if name.startswith("perm_")}
    pending = world(state).request_tokens.get(params.get("oauth_token", ""))
    service = api.service
    reason = None
    if pending is None or pending.used or pending.expires_at < state.clock():
        reason = "unknown, used or expired oauth_token"
    elif not perms or any(scope not in service.permission_scopes for scope in perms):
        reason = "no or unknown perm_* scopes"
    elif any(level not in service.grant_levels for level in perms.values()):
        reason = f"permission levels are {', '.join(service.grant_levels)}"
    if reason is not None or pending is None:
        return html(400, f"Refused: {reason}.")
    pending.user_id, pending.perms = state.member.user_id, perms
    if pending.callback.startswith(("http://", "https://")):
        joiner = "&" if "?" in pending.callback else "?"
        location = f"{pending.callback}{joiner}{urlencode({'oauth_token': pending.token})}"
        return Page(302, "text/html; charset=utf-8", b"", {"Location": location})
    return html(200, f"{state.member.username} granted {perms} to the app.")
