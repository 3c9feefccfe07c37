"""Walking every page of a paginated method, one call per page, only as far as the caller reads."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .operation import Operation, Paging


def _container(result: Any, paging: Paging) -> Any:
    for name in paging.path:
        result = getattr(result, name, None)
    return result


def walk(operation: Operation, values: Mapping[str, Any], fetch: Callable[[dict[str, Any]], Any]) -> Iterator[Any]:
    """Yield the items of page 1, 2, … until the last page, an empty page, a page without the list or
    a reply for another page than the one asked for.

    ``per_page`` defaults to the API's maximum (fewest calls) and never exceeds it. Without a
    ``pages`` count in the reply, a page shorter than ``per_page`` is the last one.
    """
    paging = operation.paging
    if paging is None:
        raise TypeError(f"{operation.name} is not paginated")
    maximum = operation.by_name[paging.per_page].maximum
    wanted = dict(values)
    size = wanted.get(paging.per_page)
    if maximum is not None and (size is None or (isinstance(size, int) and size > maximum)):
        size = int(maximum)
    wanted[paging.per_page] = size
    page = 1
    while True:
        wanted[paging.page] = page
        container = _container(fetch(dict(wanted)), paging)
        if getattr(container, "page", page) not in (page, None):
            return  # the server answered another page (it clamps past the end): its items were seen
        items = (getattr(container, paging.items, None) or []) if container is not None else []
        yield from items
        pages = getattr(container, "pages", None)
        last = page >= pages if isinstance(pages, int) else isinstance(size, int) and len(items) < size
        if not items or last:
            return
        page += 1
