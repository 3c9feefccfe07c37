"""How an app gets to act for a member: the frob flows, tokens, permissions and pluggable signing.

``AuthFlows`` is the part of ``BaseClient`` that logs in (desktop ``login``, web
``authorization_url`` + ``complete_login``), checks a token, refuses a call the token's
permissions cannot make, and builds clients from the environment or for OAuth. The signer decides
how a call is signed: ``api_sig`` here, OAuth 1.0a in ``oauth`` (loaded only by an OAuth client).
The store and oauthlib load on first use; ``webbrowser`` (a few standard modules) is imported
here so that ``login``'s default reads as what it is.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import webbrowser
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, NoReturn, Protocol, SupportsIndex, TypeVar
from urllib.parse import urlencode, urlsplit

from . import environment
from .errors import InvalidResponseError, IpernityError, MethodError, ValidationError
from .http import HttpReply
from .options import constructor_problems
from .rest import RestCodec
from .signing import signature

if TYPE_CHECKING:
    from .api import Api, ServiceFacts
    from .credentials import CredentialStore
    from .http import Transport
    from .operation import Operation

__all__ = ["LoginTimeoutError", "Member", "OAuthToken", "Token"]

T = TypeVar("T")
C = TypeVar("C", bound="AuthFlows")
log = logging.getLogger("ipernity_client.auth")

# auth.getToken's own code for a frob nobody approved yet ("invalid or already used", notes 3.6):
# the one error the desktop flow waits through.
PENDING_APPROVAL = 2
ENVIRONMENT = (environment.API_KEY, environment.API_SECRET, environment.AUTH_TOKEN, environment.ENDPOINT)


class LoginTimeoutError(IpernityError):
    """The member did not approve the authorization link in time."""


class Member(NamedTuple):
    """The member a token acts for."""

    user_id: int
    username: str
    realname: str = ""
    is_pro: bool = False

    @property
    def id(self) -> int:
        """The member's id (``user_id``, as ipernity's replies name it)."""
        return self.user_id


class _Credential:
    """A token: compared by value, shown without its secret parts, never pickled."""

    __slots__ = ("token", "user", "permissions")

    def __init__(self, token: str, user: Member | None, permissions: Mapping[str, str]) -> None:
        self.token = token
        self.user = user
        self.permissions = dict(permissions)

    def _fields(self) -> tuple[Any, ...]:
        return self.token, self.user, self.permissions

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Credential) and type(other) is type(self) and self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(user={self.user!r}, permissions={self.permissions!r})"

    def __reduce_ex__(self, protocol: SupportsIndex) -> NoReturn:
        raise TypeError(
            f"a {type(self).__name__} holds a secret and is not pickled; keep it in ipernity_client.credentials"
        )


class Token(_Credential):
    """What auth.getToken and auth.checkToken answer: the token, its member and its permissions."""

    __slots__ = ()


class OAuthToken(_Credential):
    """An OAuth access token and its secret, with the member and permissions auth.checkToken gives."""

    __slots__ = ("secret",)

    def __init__(self, token: str, secret: str, user: Member | None, permissions: Mapping[str, str]) -> None:
        super().__init__(token, user, permissions)
        self.secret = secret

    def _fields(self) -> tuple[Any, ...]:
        return (*super()._fields(), self.secret)


def member_of(raw: object) -> Member | None:
    """The Auth reply's ``user`` element, leniently: numbers and 0/1 flags as ipernity writes them."""
    if not isinstance(raw, Mapping):
        return None
    try:
        user_id = int(str(raw.get("user_id", "")).strip())
    except ValueError:
        return None
    pro = raw.get("is_pro", False)
    is_pro = pro if isinstance(pro, bool) else str(pro).strip().lower() not in ("", "0", "false")
    return Member(user_id, str(raw.get("username") or ""), str(raw.get("realname") or ""), is_pro)


def token_of(elements: Mapping[str, Any], method: str) -> Token:
    """A Token from the Auth reply; the permissions come as ``permissions`` (live) or ``perms`` (the docs)."""
    auth = elements.get("auth")
    if not isinstance(auth, Mapping) or not isinstance(auth.get("token"), str) or not auth["token"].strip():
        raise InvalidResponseError("the reply has no <auth><token>", method=method, status=None, snippet="")
    granted = auth.get("permissions", auth.get("perms"))
    permissions = {str(k): str(v) for k, v in granted.items()} if isinstance(granted, Mapping) else {}
    return Token(auth["token"].strip(), member_of(auth.get("user")), permissions)


def frob_of(elements: Mapping[str, Any]) -> str:
    auth = elements.get("auth")
    frob = auth.get("frob") if isinstance(auth, Mapping) else None
    if not isinstance(frob, str) or not frob.strip():
        raise InvalidResponseError("the reply has no <auth><frob>", method="auth.getFrob", status=None, snippet="")
    return frob.strip()


def default_authorize_url(service: ServiceFacts, endpoint: str | None) -> str:
    """The service's authorize page, or the same path on ``endpoint`` (a simulator answers it there)."""
    if endpoint is None:
        return service.authorize_url
    return endpoint.rstrip("/") + urlsplit(service.authorize_url).path


def request_line(codec: Any, operation: Operation, uploads: Mapping[str, Any]) -> tuple[str, str]:
    """(HTTP method, URL) a call goes to, which an OAuth signature covers; envelopes are always POSTed."""
    if isinstance(codec, RestCodec):
        return ("POST" if operation.post or uploads else "GET"), codec.url(operation.name)
    return "POST", str(codec.url)


class Signer(Protocol):
    """How a client signs its calls; a client has exactly one."""

    @property
    def token_secret(self) -> str | None:
        """The OAuth token's secret, when the signer holds one."""

    def sign(self, client: AuthFlows, method: str, wire: dict[str, str], target: tuple[str, str]) -> dict[str, str]:
        """``wire`` with the credentials and signature added; ``target`` is (HTTP method, URL)."""

    def recover(self, error: IpernityError, reply: HttpReply | None) -> bool:
        """Whether ``error`` was fixed on this side, so the call is worth signing and sending once more."""


class ApiSigSigner:
    """api_key, auth_token and api_sig (notes 3.1): signs whenever the client knows the secret."""

    token_secret: None = None

    def sign(self, client: AuthFlows, method: str, wire: dict[str, str], target: tuple[str, str]) -> dict[str, str]:
        wire["api_key"] = client.api_key
        if client.auth_token:
            wire["auth_token"] = client.auth_token
        if client.api_secret:
            wire["api_sig"] = signature(wire, method, client.api_secret)
        return wire

    def recover(self, error: IpernityError, reply: HttpReply | None) -> bool:
        return False


API_SIG = ApiSigSigner()


def _perms_problems(service: ServiceFacts, perms: object) -> list[str]:
    if not isinstance(perms, Mapping) or not perms:
        return [f"perms must be a non-empty mapping of scope to level, e.g. {{'doc': 'write'}}, not {perms!r}"]
    problems = [
        f"{scope}: {level!r} is not one of {', '.join(service.grant_levels)}"
        for scope, level in perms.items()
        if level not in service.grant_levels
    ]
    return problems + [
        f"unknown permission scope {scope!r} (one of {', '.join(service.permission_scopes)})"
        for scope in perms
        if scope not in service.permission_scopes
    ]


def _wait_problems(open_url: object, timeout: object, poll: object) -> list[str]:
    problems = [] if open_url is None or callable(open_url) else [f"open_url must be callable, not {open_url!r}"]
    for name, value in (("timeout", timeout), ("poll", poll)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            problems.append(f"{name} must be a number of seconds >= 0, not {value!r}")
    return problems


def store_of(store: CredentialStore | bool | None) -> CredentialStore | None:
    """None/False: no store; True: the default one; or the store given."""
    if store is None or store is False:
        return None
    from .credentials import CredentialStore

    if store is True:
        return CredentialStore()
    if not isinstance(store, CredentialStore):
        raise ValidationError("store", [f"store must be True, False, None or a CredentialStore, not {store!r}"])
    return store


class AuthFlows:
    """The authorization half of the client: login flows, the token's permissions, signing.

    ``permissions`` is what the current token may do, when the client knows it (after a login,
    ``check_token`` or a stored token); a call it cannot make is then refused before sending.
    """

    permissions: Mapping[str, str] | None = None
    _signer: Signer = API_SIG

    if TYPE_CHECKING:
        _api: ClassVar[Api]
        api_key: str
        api_secret: str | None
        auth_token: str | None
        endpoint: str
        authorize_url: str
        validate: bool
        timeout: Any
        _transport: Transport

        def __init__(
            self, api_key: str, api_secret: str | None = None, auth_token: str | None = None, **options: Any
        ) -> None: ...

        def _operation(self, method: str) -> Operation: ...

        def _invoke(
            self, operation: Operation, values: Mapping[str, Any], parse: Callable[[dict[str, Any]], T]
        ) -> T: ...

    def __reduce_ex__(self, protocol: SupportsIndex) -> NoReturn:
        raise TypeError("a client holds its secret and token and is not pickled; make one per process")

    @property
    def oauth_token_secret(self) -> str | None:
        """The OAuth token's secret of a client made with ``from_oauth`` (None otherwise)."""
        return self._signer.token_secret

    def authorization_url(self, perms: Mapping[str, str], frob: str | None = None) -> str:
        """The signed link where a member grants ``perms`` (e.g. ``{"doc": "write"}``) to this app.

        Desktop apps pass the frob from auth.getFrob (``login`` does it all); web apps leave it
        out and receive the frob on their callback. The signature covers api_key, frob and the
        perm_* values, with no method (notes 3.5, 3.6).
        """
        problems = _perms_problems(self._api.service, perms)
        if frob is not None and (not isinstance(frob, str) or not frob.strip()):
            problems.append(f"frob must be the non-empty str auth.getFrob gave, not {frob!r}")
        if not self.api_secret:
            problems.append("an authorization link must be signed but the client has no api_secret")
        if problems:
            raise ValidationError("authorization_url", problems)
        params = {"api_key": self.api_key, **{f"perm_{scope}": level for scope, level in perms.items()}}
        if frob:
            params["frob"] = frob
        params["api_sig"] = signature(params, "", self.api_secret or "")
        return f"{self.authorize_url}?{urlencode(params)}"

    def login(
        self,
        perms: Mapping[str, str],
        *,
        open_url: Callable[[str], object] | None = webbrowser.open,
        timeout: float = 300,
        poll: float = 2.0,
        store: CredentialStore | bool | None = None,
    ) -> Token:
        """The desktop flow: get a frob, have the member approve the link, trade the frob for a token.

        The link is printed (to stderr) and handed to ``open_url`` (``print`` on a machine without
        a browser; None means the default, ``webbrowser.open``). auth.getToken is then asked every ``poll``
        seconds until the member approved, for at most ``timeout`` seconds (LoginTimeoutError).
        The client uses the token from then on; ``store=True`` (or a CredentialStore) keeps it.
        """
        problems = _perms_problems(self._api.service, perms) + _wait_problems(open_url, timeout, poll)
        problems += self._frob_flow_problems()
        if problems:
            raise ValidationError("login", problems)
        target = store_of(store)
        frob = self._invoke(self._operation("auth.getFrob"), {}, frob_of)
        link = self.authorization_url(perms, frob=frob)
        print(f"Open this link to let the app act for you: {link}", file=sys.stderr)
        (open_url or webbrowser.open)(link)
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self._remember(self._get_token(frob), target)
            except MethodError as error:
                if error.code != PENDING_APPROVAL:
                    raise
                if time.monotonic() + poll > deadline:
                    raise LoginTimeoutError(f"login: the link was not approved within {timeout} s") from None
            log.debug("login: waiting %s s for the member to approve", poll)
            time.sleep(poll)

    def complete_login(self, frob: str, *, store: CredentialStore | bool | None = None) -> Token:
        """The web flow's callback: trade the ``frob`` it received for a token, used from then on."""
        problems = self._frob_flow_problems()
        if not isinstance(frob, str) or not frob.strip():
            problems.append(f"frob must be the non-empty str of the callback, not {frob!r}")
        if problems:
            raise ValidationError("complete_login", problems)
        return self._remember(self._get_token(frob.strip()), store_of(store))

    def check_token(self) -> Token:
        """auth.checkToken: the current token's member and permissions (which the client then checks calls against)."""
        token = self._invoke(self._operation("auth.checkToken"), {}, lambda e: token_of(e, "auth.checkToken"))
        self.permissions = dict(token.permissions)
        return token

    def logout(self, *, store: CredentialStore | bool | None = True) -> None:
        """Forget the token here and, unless ``store=False``, in the credential store (default location)."""
        self.auth_token = None
        self.permissions = None
        target = store_of(store)
        if target is not None:
            target.delete(self.api_key)

    def _frob_flow_problems(self) -> list[str]:
        if self._signer is not API_SIG:
            return ["this client signs with OAuth; its tokens come from oauth_login"]
        return [] if self.api_secret else ["the frob flow is signed but the client has no api_secret"]

    def _get_token(self, frob: str) -> Token:
        return self._invoke(self._operation("auth.getToken"), {"frob": frob}, lambda e: token_of(e, "auth.getToken"))

    def _remember(self, token: Token, store: CredentialStore | None) -> Token:
        self.auth_token = token.token
        self.permissions = dict(token.permissions)
        if store is not None:
            store.save(self.api_key, token)
        log.info("logged in as %s", token.user.username if token.user else "an unknown member")
        return token

    def _check_permissions(self, operation: Operation) -> None:
        """Refuse, before sending, a call the token's known permissions cannot make (instead of error 110)."""
        granted = self.permissions
        if granted is None or not operation.token or not self.validate:
            return
        levels = self._api.service.permission_levels
        rank = {level: index for index, level in enumerate(levels)}
        problems = [
            f"needs the {scope!r} permission at level {level!r}, the token grants {granted.get(scope, levels[0])!r};"
            f" log in again asking for {{{scope!r}: {level!r}}}"
            for scope, level in operation.permissions
            if rank.get(granted.get(scope, levels[0]), 0) < rank.get(level, 0)
        ]
        if problems:
            raise ValidationError(operation.name, problems)

    @classmethod
    def from_env(
        cls: type[C],
        *,
        environ: Mapping[str, str] | None = None,
        store: CredentialStore | bool | None = True,
        **options: Any,
    ) -> C:
        """A client from IPERNITY_API_KEY, IPERNITY_API_SECRET, IPERNITY_AUTH_TOKEN and IPERNITY_ENDPOINT.

        Without IPERNITY_AUTH_TOKEN, the token stored for the key (``store``, the default
        location unless given; ``store=False`` to skip) is used, OAuth or not. ``options`` go to
        the constructor.
        """
        env = os.environ if environ is None else environ
        key, secret, token, endpoint = (env.get(name, "").strip() for name in ENVIRONMENT)
        missing = [name for name, value in zip(ENVIRONMENT[:2], (key, secret), strict=True) if not value]
        problems = [f"the environment variable {name} is not set" for name in missing]
        problems += constructor_problems(cls._api.service, cls.__init__, {"api_key": key or "-", **options})
        if problems:
            raise ValidationError("Client.from_env", problems)
        if endpoint:
            options.setdefault("endpoint", endpoint)
        stored = None
        target = store_of(store)
        if not token and target is not None:
            stored = target.load(key)
        if isinstance(stored, OAuthToken):
            from .oauth import oauth_client

            return oauth_client(cls, key, secret, stored.token, stored.secret, stored.permissions, options)
        client = cls(key, secret, token or (stored.token if stored is not None else None), **options)
        if stored is not None:
            client.permissions = dict(stored.permissions)
        return client

    @classmethod
    def from_oauth(
        cls: type[C],
        consumer_key: str,
        consumer_secret: str,
        oauth_token: str | None = None,
        oauth_token_secret: str | None = None,
        *,
        signature_method: str = "HMAC-SHA1",
        **options: Any,
    ) -> C:
        """A client whose every call is OAuth 1.0a-signed (``oauth_consumer_key`` in place of api_key).

        Without a token it can still call what needs no member, and ``oauth_login``. Signature
        methods: "HMAC-SHA1", "MD5" (ipernity's own) and "PLAINTEXT" (HTTPS endpoints only).
        """
        from .oauth import oauth_client

        return oauth_client(
            cls, consumer_key, consumer_secret, oauth_token, oauth_token_secret, None, options, signature_method
        )

    def oauth_login(
        self,
        perms: Mapping[str, str],
        *,
        open_url: Callable[[str], object] | None = webbrowser.open,
        callback: str = "oob",
        timeout: float = 300,
        poll: float = 2.0,
        store: CredentialStore | bool | None = None,
    ) -> OAuthToken:
        """OAuth 1.0a: request token, the member approves the link (with the perm_* scopes), access token.

        Needs a client made with ``from_oauth``. Like ``login``: the link is printed and handed to
        ``open_url``, the access token asked for every ``poll`` seconds until ``timeout``; the
        client then signs with it, and ``store=True`` keeps it.
        """
        from .oauth import oauth_login

        problems = _perms_problems(self._api.service, perms) + _wait_problems(open_url, timeout, poll)
        if not isinstance(callback, str) or not callback:
            problems.append(f"callback must be 'oob' or a URL, not {callback!r}")
        if problems:
            raise ValidationError("oauth_login", problems)
        return oauth_login(self, perms, open_url, callback, timeout, poll, store_of(store))
