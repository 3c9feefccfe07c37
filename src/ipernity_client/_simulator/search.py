"""Searching and exploring documents from the state: doc.search, explore.docs.getPopular, getRecent, homepage.

doc.search applies every filter it documents (user, media, share, safesurf, text, tags, album,
group, license, posted and created dates, a distance around lat/lng) and sorts as asked.
"""

from __future__ import annotations

import calendar
import math
import time
from collections.abc import Callable

from . import facts
from .context import Context, as_int
from .paging import paged, visible_docs
from .state import Doc, State

EARTH_METRES = 6_371_000.0


def _popularity(doc: Doc) -> int:
    return len(doc.faves) * 10 + sum(v.count for v in doc.visits.values())


def _distance(doc: Doc, lat: float, lng: float) -> float:
    if doc.lat is None or doc.lng is None:
        return math.inf
    p1, p2, dl = math.radians(lat), math.radians(doc.lat), math.radians(doc.lng - lng)
    cosine = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return EARTH_METRES * math.acos(max(-1.0, min(1.0, cosine)))


def _created(doc: Doc) -> int:
    return doc.created_at if doc.created_at is not None else doc.posted_at


def when(text: str) -> int | None:
    """A date parameter: a Unix time, or "YYYY-MM-DD HH:MM:SS" (UTC) as Photini sends created_min."""
    if as_int(text) is not None:
        return as_int(text)
    try:
        return calendar.timegm(time.strptime(text.strip(), "%Y-%m-%d %H:%M:%S"))
    except ValueError:
        return None


def _posted(doc: Doc) -> int:
    return doc.posted_at


def _bound(key: Callable[[Doc], int], limit: int, above: bool) -> Callable[[Doc], bool]:
    """A date filter: ``key(doc)`` at least (``above``) or at most ``limit``."""
    return lambda doc: key(doc) >= limit if above else key(doc) <= limit


def _filters(ctx: Context, state: State) -> list[Callable[[Doc], bool]]:
    tests: list[Callable[[Doc], bool]] = []
    params = ctx.param
    if params("user_id"):
        owner = facts.user_by(state, params("user_id"))
        owner_id = owner.user_id if owner else -1
        tests.append(lambda d: d.owner_id == owner_id)
    if words := params("text").lower().split():
        tests.append(lambda d: all(w in f"{d.title} {d.description} {' '.join(d.keywords)}".lower() for w in words))
    if tags := {t.strip().lower() for t in params("tags").split(",") if t.strip()}:
        tests.append(lambda d: tags <= {k.lower() for k in d.keywords})
    if album := state.albums.get(as_int(params("album_id")) or 0) if params("album_id") else None:
        tests.append(lambda d: d.doc_id in album.doc_ids)
    elif params("album_id"):
        tests.append(lambda d: False)
    if params("group_id"):
        group = state.groups.get(as_int(params("group_id")) or 0)
        tests.append(lambda d: group is not None and group.docs.get(d.doc_id) is False)
    if params("license"):
        tests.append(lambda d: d.license == params("license"))
    for name, key, above in (
        ("posted_min", _posted, True),
        ("posted_max", _posted, False),
        ("created_min", _created, True),
        ("created_max", _created, False),
    ):
        if (limit := when(params(name))) is not None:
            tests.append(_bound(key, limit, above))
    if params("lat") and params("lng"):
        lat, lng, dist = float(params("lat")), float(params("lng")), float(params("dist") or 5000)
        tests.append(lambda d: _distance(d, lat, lng) <= dist)
    return tests


SORTS: dict[str, tuple[Callable[[Doc], object], bool]] = {
    "posted-desc": (lambda d: (d.posted_at, d.doc_id), True),
    "posted-asc": (lambda d: (d.posted_at, d.doc_id), False),
    "created-desc": (lambda d: (_created(d), d.doc_id), True),
    "created-asc": (lambda d: (_created(d), d.doc_id), False),
    "popular": (lambda d: (_popularity(d), d.doc_id), True),
    "relevance": (lambda d: (_popularity(d), d.posted_at, d.doc_id), True),
}


def doc_search(ctx: Context) -> str:
    state = ctx.state
    tests = _filters(ctx, state)
    found = [d for d in visible_docs(ctx, state.docs.values()) if all(test(d) for test in tests)]
    key, descending = SORTS.get(ctx.param("sort") or "relevance", SORTS["relevance"])
    found.sort(key=key, reverse=descending)  # type: ignore[arg-type]
    return paged(ctx, found, lambda doc: facts.list_doc(ctx, doc))


def _public(ctx: Context) -> list[Doc]:
    return [d for d in visible_docs(ctx, ctx.state.docs.values()) if d.is_public]


def _explore_entry(ctx: Context, doc: Doc) -> facts.Facts:
    return facts.doc(ctx, doc, {"thumb", "owner"} | facts.extras(ctx), facts.thumbsize(ctx))


def explore_docs_get_popular(ctx: Context) -> str:
    found = sorted(_public(ctx), key=lambda d: (_popularity(d), d.posted_at), reverse=True)
    return paged(ctx, found, lambda doc: _explore_entry(ctx, doc))


def explore_docs_get_recent(ctx: Context) -> str:
    found = sorted(_public(ctx), key=lambda d: (d.posted_at, d.doc_id), reverse=True)
    return paged(ctx, found, lambda doc: _explore_entry(ctx, doc))


def explore_docs_homepage(ctx: Context) -> str:
    found = sorted(_public(ctx), key=lambda d: (_popularity(d), d.posted_at), reverse=True)
    return paged(ctx, found, lambda doc: _explore_entry(ctx, doc))
