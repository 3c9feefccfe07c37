"""From a parsed call to the bytes of its reply: faults, checks, the method's answer, the log.

This is the simulated service itself, free of HTTP: the server reads requests into Calls and
writes Replies; everything ipernity decides happens here, in the order the notes give.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus

from .._runtime.api import Api
from .._runtime.validation import NOT_XML
from . import oauth, wire
from .call import ApiFailure, Call
from .context import Context
from .faults import Fault, FaultPlan
from .handlers import answer
from .log import LoggedCall, RequestLog, redact
from .rules import RateLimiter, authorize, check_key, check_params
from .state import State

# SOAP 1.2 over HTTP sends faults with status 500; the other formats carry errors in a 200 reply.
SOAP_FAULT_STATUS = 500


@dataclass
class Reply:
    """What to send back; ``fault`` is a slow, dropped or truncated delivery still to apply."""

    status: int
    content_type: str
    body: bytes
    fault: Fault | None = None


def html_page(status: int) -> Reply:
    """The kind of page a proxy in front of the service sends when the service is unreachable."""
    phrase = HTTPStatus(status).phrase
    page = (
        f"<html>\r\n<head><title>{status} {phrase}</title></head>\r\n<body>\r\n"
        f"<center><h1>{status} {phrase}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    )
    return Reply(status, "text/html", page.encode("ascii"))


class Dispatcher:
    """Runs calls against one State, with one fault plan, rate limiter and request log."""

    def __init__(self, api: Api, state: State, faults: FaultPlan, limiter: RateLimiter, log: RequestLog) -> None:
        self.api = api
        self.state = state
        self.faults = faults
        self.limiter = limiter
        self.log = log
        self.endpoint = ""

    def dispatch(self, call: Call, problem: ApiFailure | None = None) -> Reply:
        """The reply to ``call``; ``problem`` is an error found while reading it (102, 121, 122)."""
        entry = LoggedCall(
            call.method,
            call.protocol,
            call.format,
            call.http_method,
            redact(call.params),
            {name: f"{upload.filename} ({len(upload.content)} bytes)" for name, upload in call.files.items()},
        )
        try:
            if problem is not None:
                raise problem
            fault = self.faults.pick(call.method)
            entry.fault = fault.kind if fault is not None else None
            if fault is not None and fault.kind == "error":
                raise ApiFailure(fault.code, call.method)
            if fault is not None and fault.kind == "html":
                entry.code = fault.code
                return html_page(fault.code)
            reply = self.ok(call, self.run(call))
            reply.fault = fault
            return reply
        except ApiFailure as failure:
            entry.code = failure.code
            return self.error(call, failure)
        except Exception as exc:  # a simulator bug reaches the test as a 500 reply, not as a hung connection
            entry.code = 500
            return self.error(call, ApiFailure(500, message=f"simulator error: {type(exc).__name__}: {exc}"))
        finally:
            self.log.add(entry)

    def run(self, call: Call) -> str:
        """The checks in order, then the method's answer, all under the state lock."""
        self.limiter.check(call.client)
        with self.state.lock:
            signed_with_oauth = oauth.is_oauth(call.params)
            app = None if signed_with_oauth else check_key(self.state, call)
            operation = self.api.operations.get(call.method)
            if operation is None:
                raise ApiFailure(103)
            if app is None:
                caller = oauth.authorize_call(self.api, self.state, operation, call, self.endpoint + call.path)
            else:
                caller = authorize(self.api, self.state, app, operation, call)
            # Replies are XML or derived from it, which cannot carry NUL and most control
            # characters: they are dropped from the (signed, checked) text (inferred), not a 500.
            call.params = {name: NOT_XML.sub("", value) for name, value in call.params.items()}
            check_params(self.api.errors, operation, call)
            return answer(Context(self.api, self.state, operation, call, caller, self.endpoint))

    def ok(self, call: Call, body: str) -> Reply:
        if call.format == "soap":
            return Reply(200, wire.CONTENT_TYPES["soap"], wire.soap_ok(self.api.service.soap, body))
        if call.format == "xmlrpc":
            return Reply(200, wire.CONTENT_TYPES["xmlrpc"], wire.xmlrpc_ok(body))
        repeated = self.api.simulator_data.repeated.get(call.method, frozenset())
        return Reply(200, wire.CONTENT_TYPES[call.format], wire.rest_ok(repeated, body, call.format))

    def error(self, call: Call, failure: ApiFailure) -> Reply:
        message = failure.message
        if message is None:
            message = self.api.errors.message(failure.code, failure.method or call.method)
        if call.format == "soap":
            actor = f"{self.endpoint}{self.api.service.soap.path}/"
            body = wire.soap_fault(self.api.service, failure.code, message, actor)
            return Reply(SOAP_FAULT_STATUS, wire.CONTENT_TYPES["soap"], body)
        if call.format == "xmlrpc":
            return Reply(200, wire.CONTENT_TYPES["xmlrpc"], wire.xmlrpc_fault(failure.code, message))
        body = wire.rest_error(failure.code, message, call.format)
        return Reply(200, wire.CONTENT_TYPES[call.format], body)
