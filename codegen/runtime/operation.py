"""The operation model: one descriptor per API method, read by every codec."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Param:
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


@dataclass(frozen=True, slots=True)
class Operation:
    """An API method: HTTP verb, authentication, parameters and how to build its reply."""

    name: str
    post: bool
    sign: bool
    token: bool
    permissions: tuple[tuple[str, str], ...]
    params: tuple[Param, ...]
    result: str
    example: str = ""
    by_name: dict[str, Param] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {param.name: param for param in self.params})

    @property
    def has_file(self) -> bool:
        return any(param.type == "file" for param in self.params)
