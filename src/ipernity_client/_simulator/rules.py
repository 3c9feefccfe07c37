"""The checks ipernity makes before running a method, each ending in its documented error code.

All of them read the method's operation descriptor, so a spec change changes them:
100/101 api_key, 120 POST, 104/105 api_sig (recomputed with the app's secret, files left out),
106/107 auth_token, 110 the token's level per scope, then the required parameters and list
sizes. Those last two have no common code: the method's own error is used, picked from its
documented texts (see ``param_error``). 113 comes from a per-client rate limit.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from .._runtime.api import Api
from .._runtime.errors import ErrorTable
from .._runtime.operation import Operation, Param
from .._runtime.signing import signature
from .call import ApiFailure, Call, Caller
from .state import App, Clock, State, Token

SAYS_MISSING = re.compile(r"missing|empty|not sent|required|no .* (?:was|were) sent", re.IGNORECASE)
SAYS_INVALID = re.compile(r"invalid arguments?|invalid value|required arguments", re.IGNORECASE)
# The code used when a method documents no error at all (ipernity's methods number theirs from 1).
FALLBACK_CODE = 1


@cache
def _error_texts(errors: ErrorTable, method: str) -> tuple[tuple[int, str, str], ...]:
    """(code, label, label and message) of each documented error of ``method``."""
    found = []
    for (name, code), error in errors.method_errors.items():
        if name == method:
            label = error.label if error.label != "label unknown" else ""
            found.append((code, label, f"{label} {error.default_message}"))
    return tuple(sorted(found))


def _names(param: Param) -> re.Pattern[str]:
    """How an error text names the parameter: doc_id → "Document…", tickets → "tickets", x → "x"."""
    stem = re.sub(r"_ids?$", "", param.name).replace("_", " ").rstrip("s")
    end = "" if len(stem) >= 3 else r"\b"
    return re.compile(rf"\b{re.escape(stem)}{end}", re.IGNORECASE)


@cache
def param_error(errors: ErrorTable, method: str, param: Param, too_many: bool = False) -> int | None:
    """The method's own code for a missing (or, with ``too_many``, oversized) parameter.

    The first documented error that fits, trying in turn: its label names the parameter and says
    it is missing or empty ("Title is missing"); its label names it ("Document not found" for
    doc_id); its text names it and says it is missing ("…the echo parameter was empty"); for a
    long list, it is about invalid arguments; its text names the parameter; it is about missing
    or invalid arguments; else the method's first error. None when it documents no error at all.
    """
    texts = _error_texts(errors, method)
    names = _names(param)
    tests: list[Callable[[str, str], bool]] = [
        lambda label, text: names.match(label) is not None and SAYS_MISSING.search(label) is not None,
        lambda label, text: names.match(label) is not None,
        lambda label, text: names.search(text) is not None and SAYS_MISSING.search(text) is not None,
    ]
    if too_many:
        tests.append(lambda label, text: SAYS_INVALID.search(text) is not None)
    tests += [
        lambda label, text: names.search(text) is not None,
        lambda label, text: SAYS_MISSING.search(text) is not None or SAYS_INVALID.search(text) is not None,
    ]
    for test in tests:
        for code, label, text in texts:
            if test(label, text):
                return code
    return texts[0][0] if texts else None


@dataclass(frozen=True)
class RateLimit:
    """At most ``requests`` calls per ``seconds`` from one client address; more get error 113."""

    requests: int
    seconds: float = 1.0


class RateLimiter:
    """A sliding window per client address, on the simulator's clock."""

    def __init__(self, limit: RateLimit | None, clock: Clock) -> None:
        self.limit = limit
        self._clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, client: str) -> None:
        if self.limit is None:
            return
        with self._lock:
            now = self._clock()
            window = self._seen.setdefault(client, deque())
            while window and window[0] <= now - self.limit.seconds:
                window.popleft()
            if len(window) >= self.limit.requests:
                raise ApiFailure(113)
            window.append(now)

    def clear(self) -> None:
        """Forget the calls counted so far (the limit stays)."""
        with self._lock:
            self._seen.clear()


def signed_params(api: Api, operation: Operation, call: Call) -> dict[str, str]:
    """What api_sig covers: every parameter sent but those the spec leaves out (api_sig, the file)."""
    unsigned = set(api.service.signing_excluded) | {param.name for param in operation.params if not param.signed}
    return {name: value for name, value in call.params.items() if name not in unsigned}


def check_key(state: State, call: Call) -> App:
    """100 without api_key, 101 for a key no app has."""
    key = call.params.get("api_key", "")
    if not key:
        raise ApiFailure(100)
    app = state.apps.get(key)
    if app is None:
        raise ApiFailure(101)
    return app


def authorize(api: Api, state: State, app: App, operation: Operation, call: Call) -> Caller:
    """Verb, signature, token and permission checks, in that order; a token sent unasked is checked too."""
    if operation.post and call.http_method != "POST":
        raise ApiFailure(120)
    sent = call.params.get("api_sig")
    if sent is None and operation.sign:
        raise ApiFailure(104)
    if sent is not None and sent.lower() != signature(signed_params(api, operation, call), call.method, app.secret):
        raise ApiFailure(105)
    caller = Caller(app)
    text = call.params.get("auth_token")
    if text is None:
        if operation.token:
            raise ApiFailure(106)
        return caller
    token = state.tokens.get(text)
    if token is None:
        raise ApiFailure(107)
    return token_caller(api, state, app, operation, token)


def token_caller(api: Api, state: State, app: App, operation: Operation, token: Token) -> Caller:
    """The caller holding ``token``: 107 if another app was given it, 110 if it lacks a permission the method needs."""
    if token.app_key != app.key:
        raise ApiFailure(107)
    caller = Caller(app, token, state.users[token.user_id])
    levels = api.service.permission_levels
    if operation.token and not all(token.allows(scope, level, levels) for scope, level in operation.permissions):
        raise ApiFailure(110)
    return caller


def _param_failure(errors: ErrorTable, operation: Operation, param: Param, too_many: bool) -> ApiFailure:
    code = param_error(errors, operation.name, param, too_many)
    if code is None:
        code = FALLBACK_CODE
    problem = f"more than {param.max_items} items" if too_many else "missing or empty"
    text = errors.message(code, operation.name) or f"The {param.name} parameter is {problem}."
    return ApiFailure(code, operation.name, text)


def check_params(errors: ErrorTable, operation: Operation, call: Call) -> None:
    """Required parameters present and lists within their maximum, else the method's own error."""
    for param in operation.params:
        upload = call.files.get(param.name)
        present = upload.content if upload is not None else call.params.get(param.name, "").strip()
        if param.required and not present:
            raise _param_failure(errors, operation, param, too_many=False)
        if param.max_items is not None and param.type == "list" and param.name in call.params:
            items = [item for item in call.params[param.name].split(",") if item.strip()]
            if len(items) > param.max_items:
                raise _param_failure(errors, operation, param, too_many=True)
