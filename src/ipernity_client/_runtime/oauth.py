"""OAuth 1.0a (notes 3.7): every call signed with oauth_* parameters, and the three-legged login.

oauthlib does the standard parts: nonce, the signature base string, HMAC-SHA1 and PLAINTEXT
(the timestamp is ours, see ``OAuthSigner.timestamp``). ipernity's own MD5 method sits beside them in ``SIGNATURE_METHODS``. The oauth_*
parameters travel with the call's other parameters (query, form or envelope) in place of
api_key, auth_token and api_sig; the base string covers all of them with the HTTP method and URL
the request goes to. PLAINTEXT is refused before sending unless the URL is HTTPS. On error 132
or 134 (timestamp) the client takes the server's clock from the reply's Date header and signs
once more. Loaded only by an OAuth client, so plain clients never import oauthlib.
"""

from __future__ import annotations

import logging
import sys
import time
import webbrowser
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from hashlib import md5
from typing import TYPE_CHECKING, Any, NoReturn, SupportsIndex, TypeVar
from urllib.parse import parse_qsl, urlencode, urljoin

from oauthlib.common import generate_nonce
from oauthlib.oauth1.rfc5849 import signature as rfc5849
from oauthlib.oauth1.rfc5849.utils import escape

from .auth import LoginTimeoutError, OAuthToken
from .errors import ApiError, ErrorReply, InvalidResponseError, IpernityError, ValidationError
from .http import HttpReply, HttpRequest
from .options import constructor_problems
from .replies import DECODERS, decode_reply, looks_like_json

if TYPE_CHECKING:
    from .auth import AuthFlows
    from .credentials import CredentialStore

C = TypeVar("C", bound="AuthFlows")
log = logging.getLogger("ipernity_client.auth")

# The timestamp errors after which the clock offset is corrected and the call signed once more.
CLOCK_CODES = (132, 134)
# What the OAuth Problem Reporting extension says while the member has not decided yet.
PENDING_PROBLEM = "permission_unknown"
# What replaces the api_sig scheme in an OAuth call.
API_SIG_PARAMS = ("api_key", "auth_token", "api_sig")


class _Keys:
    """The two secrets as oauthlib's signing functions read them (attributes of a client)."""

    __slots__ = ("client_secret", "resource_owner_secret")

    def __init__(self, client_secret: str, resource_owner_secret: str) -> None:
        self.client_secret = client_secret
        self.resource_owner_secret = resource_owner_secret

    def __repr__(self) -> str:
        return "_Keys(****)"


def sign_md5(base_string: str, keys: _Keys) -> str:
    """ipernity's MD5 method (inferred: as in oauth-php): md5 hex of the base string, "&" and the HMAC-SHA1 key."""
    key = f"{escape(keys.client_secret)}&{escape(keys.resource_owner_secret)}"
    return md5(f"{base_string}&{key}".encode()).hexdigest()


def _sign_plaintext(base_string: str, keys: _Keys) -> str:
    return str(rfc5849.sign_plaintext(keys.client_secret, keys.resource_owner_secret))


SIGNATURE_METHODS: dict[str, Callable[[str, _Keys], str]] = {
    "HMAC-SHA1": rfc5849.sign_hmac_sha1_with_client,
    "MD5": sign_md5,
    "PLAINTEXT": _sign_plaintext,
}


def oauth_sign(
    params: dict[str, str],
    target: tuple[str, str],
    *,
    consumer: tuple[str, str],
    token: tuple[str | None, str],
    method: str,
    timestamp: int,
) -> dict[str, str]:
    """``params`` with the oauth_* parameters and oauth_signature added, for a request to ``target``."""
    http_method, url = target
    if method == "PLAINTEXT" and not url.lower().startswith("https://"):
        raise ValidationError(url.rsplit("/", 1)[-1], ["PLAINTEXT signatures go only over HTTPS: use HMAC-SHA1 or MD5"])
    consumer_key, consumer_secret = consumer
    token_key, token_secret = token
    params.update(
        oauth_consumer_key=consumer_key,
        oauth_nonce=generate_nonce(),
        oauth_timestamp=str(timestamp),
        oauth_signature_method=method,
        oauth_version="1.0",
    )
    if token_key:
        params["oauth_token"] = token_key
    base = rfc5849.signature_base_string(
        http_method.upper(), rfc5849.base_string_uri(url), rfc5849.normalize_parameters(list(params.items()))
    )
    params["oauth_signature"] = SIGNATURE_METHODS[method](base, _Keys(consumer_secret, token_secret))
    return params


class OAuthSigner:
    """Signs a client's calls with OAuth: the client's key and secret, its token, this token secret."""

    def __init__(self, token_secret: str, method: str) -> None:
        self.token_secret = token_secret
        self.method = method
        self.offset = 0.0

    def __repr__(self) -> str:
        return f"OAuthSigner({self.method!r}, offset={self.offset:+.0f} s)"

    def __reduce_ex__(self, protocol: SupportsIndex) -> NoReturn:
        raise TypeError("an OAuthSigner holds the token secret and is not pickled")

    def timestamp(self) -> int:
        """Now by the server's clock. Not oauthlib's generate_timestamp: it drops the fraction of a
        second the offset needs (else a corrected timestamp can fall a second behind the last one, 134)."""
        return int(time.time() + self.offset)

    def sign(self, client: AuthFlows, method: str, wire: dict[str, str], target: tuple[str, str]) -> dict[str, str]:
        for name in API_SIG_PARAMS:
            wire.pop(name, None)
        return oauth_sign(
            wire,
            target,
            consumer=(client.api_key, client.api_secret or ""),
            token=(client.auth_token, self.token_secret if client.auth_token else ""),
            method=self.method,
            timestamp=self.timestamp(),
        )

    def recover(self, error: IpernityError, reply: HttpReply | None) -> bool:
        """On a timestamp error, take the server's clock from the reply's Date header."""
        if not isinstance(error, ApiError) or error.code not in CLOCK_CODES or reply is None or not reply.date:
            return False
        try:
            server = parsedate_to_datetime(reply.date).timestamp()
        except (TypeError, ValueError):
            return False
        self.offset = server - time.time()
        log.info("OAuth timestamp refused; the server's clock is %+.0f s from ours, signing again", self.offset)
        return True


# How from_oauth names what the plain constructor calls api_key and auth_token.
OAUTH_NAMES = {"api_key": "consumer_key", "auth_token": "oauth_token"}


def _kind(value: object) -> str:
    """A value's type, or that it is empty: never the value, which may be a secret."""
    return "an empty str" if value == "" else "None" if value is None else type(value).__name__


def oauth_client(
    cls: type[C],
    consumer_key: str,
    consumer_secret: str,
    token: str | None,
    token_secret: str | None,
    permissions: Mapping[str, str] | None,
    options: dict[str, Any],
    method: str = "HMAC-SHA1",
) -> C:
    """A ``cls`` client that signs with OAuth; ``permissions`` are the token's, when known.

    Every problem, with the OAuth arguments and with the client's other options, is raised at once,
    named as ``from_oauth`` takes them.
    """
    problems = []
    values = {"api_key": consumer_key, "auth_token": token, **options}
    for problem in constructor_problems(cls._api.service, cls.__init__, values):
        name, _, rest = problem.partition(" ")
        problems.append(f"{OAUTH_NAMES.get(name, name)} {rest}")
    if not isinstance(consumer_secret, str) or not consumer_secret:
        problems.append(
            f"consumer_secret must be a non-empty str (every OAuth call is signed), got {_kind(consumer_secret)}"
        )
    if method not in SIGNATURE_METHODS:
        problems.append(f"signature_method {method!r} is not one of {', '.join(SIGNATURE_METHODS)}")
    if token is not None and (not isinstance(token_secret, str) or not token_secret):
        problems.append(f"oauth_token_secret must be a non-empty str with oauth_token, got {_kind(token_secret)}")
    if problems:
        raise ValidationError("Client.from_oauth", problems)
    client = cls(consumer_key, consumer_secret, token, **options)
    if method == "PLAINTEXT" and not client.endpoint.startswith("https://"):
        raise ValidationError("Client.from_oauth", ["PLAINTEXT signatures go only over HTTPS; the endpoint is not"])
    client._signer = OAuthSigner(token_secret or "", method)
    if permissions is not None:
        client.permissions = dict(permissions)
    return client


def oauth_urls(authorize_url: str) -> tuple[str, str, str]:
    """Request, authorize and access URLs: ``oauth/…`` beside the frob flow's authorize page (notes 3.7)."""
    return (
        urljoin(authorize_url, "oauth/request"),
        urljoin(authorize_url, "oauth/authorize"),
        urljoin(authorize_url, "oauth/access"),
    )


def _read(reply: HttpReply, step: str, api: Any) -> dict[str, str] | None:
    """The token pair of a reply; None while the member has not decided; an ipernity error raised."""
    fields = dict(parse_qsl(reply.body.decode("utf-8", "replace"), keep_blank_values=True))
    if reply.status == 200 and fields.get("oauth_token") and fields.get("oauth_token_secret"):
        return fields
    if fields.get("oauth_problem") == PENDING_PROBLEM:
        return None
    try:
        decode_reply(DECODERS["json" if looks_like_json(reply.body) else "xml"], reply, step)
    except ErrorReply as failure:
        raise api.errors.error(failure, step) from None
    raise InvalidResponseError(
        "the reply holds no oauth_token and oauth_token_secret", method=step, status=reply.status, snippet=""
    )


def _token_request(
    client: AuthFlows, signer: OAuthSigner, step: str, url: str, token: tuple[str | None, str], extra: dict[str, str]
) -> dict[str, str] | None:
    """POST one signed step of the dance; a timestamp error corrects the clock and tries once more."""

    def send() -> HttpReply:
        params = oauth_sign(
            dict(extra),
            ("POST", url),
            consumer=(client.api_key, client.api_secret or ""),
            token=token,
            method=signer.method,
            timestamp=signer.timestamp(),
        )
        return client._transport.send(HttpRequest("POST", url, data=params), client.timeout, step)

    reply = send()
    try:
        return _read(reply, step, client._api)
    except ApiError as error:
        if not signer.recover(error, reply):
            raise
    return _read(send(), step, client._api)


def oauth_login(
    client: AuthFlows,
    perms: Mapping[str, str],
    open_url: Callable[[str], object] | None,
    callback: str,
    timeout: float,
    poll: float,
    store: CredentialStore | None,
) -> OAuthToken:
    """Request token, the member's approval of the authorize link, access token; then auth.checkToken."""
    signer = client._signer
    if not isinstance(signer, OAuthSigner):
        raise ValidationError(
            "oauth_login", ["the client does not sign with OAuth; make it with Client.from_oauth(...)"]
        )
    request_url, authorize_url, access_url = oauth_urls(client.authorize_url)
    pair = _token_request(client, signer, "oauth.request", request_url, (None, ""), {"oauth_callback": callback})
    if pair is None:
        raise InvalidResponseError(
            "a request token was refused as pending", method="oauth.request", status=None, snippet=""
        )
    query = {"oauth_token": pair["oauth_token"], **{f"perm_{scope}": level for scope, level in perms.items()}}
    link = f"{authorize_url}?{urlencode(query)}"
    print(f"Open this link to let the app act for you: {link}", file=sys.stderr)
    (open_url or webbrowser.open)(link)
    deadline = time.monotonic() + timeout
    request_token = (pair["oauth_token"], pair["oauth_token_secret"])
    while (access := _token_request(client, signer, "oauth.access", access_url, request_token, {})) is None:
        if time.monotonic() + poll > deadline:
            raise LoginTimeoutError(f"oauth_login: the link was not approved within {timeout} s")
        time.sleep(poll)
    client.auth_token = access["oauth_token"]
    fresh = OAuthSigner(access["oauth_token_secret"], signer.method)
    fresh.offset = signer.offset
    client._signer = fresh
    checked = client.check_token()
    token = OAuthToken(access["oauth_token"], access["oauth_token_secret"], checked.user, checked.permissions)
    if store is not None:
        store.save(client.api_key, token)
    return token
