"""The operation model: one descriptor per API method, read by every codec."""

from __future__ import annotations

from typing import NamedTuple


class Param(NamedTuple):
    """A method parameter as the validator and the signer see it."""

    name: str
    type: str
    required: bool = False
    items: str | None = None
    values: tuple[str, ...] = ()
    max_items: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    signed: bool = True


class Paging(NamedTuple):
    """Where a paginated reply keeps its pages, as attribute names of the parsed model.

    ``path`` leads from what the method returns to the container (empty when it is the
    container), ``items`` is the container's list; ``page`` and ``per_page`` name the parameters.
    """

    path: tuple[str, ...]
    items: str
    page: str = "page"
    per_page: str = "per_page"


class Operation:
    """An API method: HTTP verb, authentication, parameters and how to build its reply.

    What is not given is the plain case: GET allowed, unsigned, no token, no parameters.

    A plain slotted class rather than a dataclass: a hundred of them are built on first use and
    the dataclasses machinery would add to the import time of the package.
    """

    __slots__ = (
        "name",
        "post",
        "sign",
        "token",
        "permissions",
        "params",
        "result",
        "paging",
        "by_name",
        "has_file",
    )

    def __init__(
        self,
        *,
        name: str,
        result: str,
        params: tuple[Param, ...] = (),
        post: bool = False,
        sign: bool = False,
        token: bool = False,
        permissions: tuple[tuple[str, str], ...] = (),
        paging: Paging | None = None,
    ) -> None:
        self.name = name
        self.post = post
        self.sign = sign
        self.token = token
        self.permissions = permissions
        self.params = params
        self.result = result
        self.paging = paging
        self.by_name = {param.name: param for param in params}
        self.has_file = any(param.type == "file" for param in params)

    def __repr__(self) -> str:
        return f"Operation({self.name!r})"
