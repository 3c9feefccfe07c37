"""Every method of the spec through its typed client method against the simulator, over every protocol and format.

Each case starts from a fresh simulator world (one running simulator per module, reset before
every case), calls one method with arguments derived from its parameter descriptors (the required
ones always, the optional ones too when the reply format is XML) on objects that exist in that
world, and checks three things: the request reached the simulator with exactly the values sent;
the reply became the class the method's parser declares, every field of its annotated type and
nothing left in ``extra`` (the reply has no field the model lacks); and, for the methods checked
one by one here, it carries what the simulator's state holds. What each write changes is checked
by ``test_effects.py``.
"""

from __future__ import annotations

import dataclasses
import importlib
import io
import keyword
import types
import typing
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pytest
from lxml import etree

import ipernity_client
from ipernity_client._api import API
from ipernity_client._runtime.operation import Operation, Param
from ipernity_client.operations import OPERATIONS
from ipernity_client.testing import ManualClock, Simulator

PERMS = {scope: "delete" for scope in API.service.permission_scopes}
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00 a tiny photo \xff\xd9"
TEXT = 'Fish & chips <b>"bold"</b> — été ✓'
# Metadata of the photo; doc.getExif cannot send the last name as an XML attribute.
EXIF = {"Make": "SAMSUNG", "ExposureTime": "1/129", "ISO": "32", "Date/TimeOriginal": "2011:11:14 11:56:49"}
WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
# Arguments the transport adds; every other parameter the simulator logged must be one the test sent.
TRANSPORT_PARAMS = {"api_key", "api_sig", "auth_token"}
EXAMPLE_PARSER = etree.XMLParser(remove_comments=True, resolve_entities=False, no_network=True)


class World:
    """A fresh simulator state with one of each object the methods take, and a client holding every permission."""

    def __init__(
        self, sim: Simulator, clock: ManualClock, client: ipernity_client.Client, token: str, method: str
    ) -> None:
        self.sim, self.clock, self.client, self.token, self.method = sim, clock, client, token, method
        state = sim.state
        self.member = state.member
        self.doc = state.add_doc(
            self.member,
            "harbour.jpg",
            PHOTO,
            title="Harbour",
            description="At dusk",
            keywords=["harbour", "dusk"],
            exif=EXIF,
        )
        self.album = next(iter(state.albums.values()))
        self.album.doc_ids.append(self.doc.doc_id)
        self.group = next(group for group in state.groups.values() if not group.moderated)
        self.friend = state.add_user("bob", realname="Bob")
        state.add_contact(self.member, self.friend, friend=True)
        self.folder = state.add_folder(self.member, "Travels", albums=[self.album])
        self.post = state.add_post(self.member, "Harbour walk", "A walk by the harbour.")
        self.comment = state.add_comment(self.member, self.doc, "Lovely light")
        self.post_comment = state.add_comment(self.member, self.post, "Nice walk")
        self.note = state.add_note(self.member, self.doc, "The lighthouse")
        self.doc.faves[self.friend.user_id] = state.now()

    def object_id(self, name: str, operation: Operation) -> int:
        """The id for a parameter: an object of the state, else the one the method's example names."""
        objects = {
            "doc": self.doc.doc_id,
            "cover": self.doc.doc_id,
            "album": self.album.album_id,
            "group": self.group.group_id,
            "user": self.member.user_id,
            "owner": self.member.user_id,
            "member": self.member.user_id,
            "folder": self.folder.folder_id,
            "post": self.post.post_id,
            "comment": (self.post_comment if operation.name.startswith("post.") else self.comment).comment_id,
            "note": self.note.note_id,
        }
        stem = name.removesuffix("s").removesuffix("_id")
        if stem in objects:
            return objects[stem]
        found = str(example_root(operation).xpath(f"string((//@{stem}_id)[1])")) if stem != "id" else ""
        return int(found) if found else 4242


def example_root(operation: Operation) -> etree._Element:
    return etree.fromstring(f"<api>{API.simulator_data.replies[operation.name]}</api>", EXAMPLE_PARSER)


def clamp(value: float, param: Param) -> float:
    low = param.minimum if param.minimum is not None else value
    high = param.maximum if param.maximum is not None else value
    return min(max(value, low), high)


STRINGS = {
    "method": "doc.get",
    "lang": "en",
    "lg": "en",
    "lg_id": "en",
    "created_at": "2024-05-01 12:00:00",
    "created_min": "2024-01-01 00:00:00",
    "created_max": "2024-12-31 23:59:59",
    "keywords": "harbour,dusk",
    "tags": "harbour",
    "extra": "tags",
    "share": "4",
    "license": "0",
    "com": "3",
    "tag": "3",
    "tagme": "3",
}


def scalar_value(operation: Operation, param: Param, kind: str, world: World) -> Any:
    """A valid value of ``kind`` for ``param``, within its limits."""
    if kind == "enum":
        return param.values[-1]
    if kind == "bool":
        return True
    if kind == "int":
        return int(clamp(10, param))
    if kind == "float":
        return clamp(45.5, param)
    if kind == "timestamp":
        return WHEN
    if kind == "id":
        return world.object_id(param.name, operation)
    if param.name.endswith("_id"):
        return str(world.object_id(param.name, operation))
    if param.name == "md5":
        return world.doc.md5
    if param.name == "members":
        return world.member.username
    return STRINGS.get(param.name, TEXT)


def value_for(operation: Operation, param: Param, world: World) -> Any:
    if param.type == "file":
        photo = io.BytesIO(PHOTO)
        photo.name = "harbour-2.jpg"
        return photo
    if param.type == "list" and param.items == "enum":
        return list(param.values[: param.max_items])
    if param.type == "list":
        return [scalar_value(operation, param, param.items or "string", world)]
    return scalar_value(operation, param, param.type, world)


def upload_ticket(world: World, args: dict[str, Any]) -> None:
    photo = io.BytesIO(PHOTO)
    photo.name = "quay.jpg"
    ticket = world.client.upload.file(file=photo, title="Quay")
    world.clock.advance(world.sim.state.upload_seconds)
    args["tickets"] = [ticket]


def approved_frob(world: World, args: dict[str, Any]) -> None:
    frob = world.sim.state.new_frob(world.sim.state.demo_app)
    world.sim.approve(frob.frob, PERMS)
    args["frob"] = frob.frob


def replaced_doc(world: World, args: dict[str, Any]) -> None:
    """doc_id is optional in the spec but the service needs it (notes 4.2)."""
    args["doc_id"] = world.doc.doc_id


def doc_in_group(world: World, args: dict[str, Any]) -> None:
    """The group lists something only once a document was added to it."""
    world.group.docs[world.doc.doc_id] = False


def friends_doc(world: World, args: dict[str, Any]) -> None:
    """Faves are of other members' documents and albums (doc_id and album_id are optional in the spec)."""
    state = world.sim.state
    doc = state.add_doc(world.friend, "boat.jpg", PHOTO, title="Boat")
    album = state.add_album(world.friend, "Boats")
    album.doc_ids.append(doc.doc_id)
    doc.faves[world.member.user_id] = album.faves[world.member.user_id] = state.now()
    args["album_id" if "album" in world.method else "doc_id"] = (
        album.album_id if "album" in world.method else doc.doc_id
    )


def something_to_change(world: World, args: dict[str, Any]) -> None:
    """These methods need one of their optional parameters (else their error 2, 3 or 4)."""
    name = {"doc.tags.add": "keywords", "doc.notes.add": "content", "group.search": "text", "post.set": "title"}
    args.setdefault(name.get(world.method, "title"), "Open" if world.method == "group.search" else "Harbour")


def unfiltered_context(world: World, args: dict[str, Any]) -> None:
    """The document's neighbours: filters that leave the document itself out would make it not found."""
    for name in ("media", "safesurf", "user_id"):
        args.pop(name, None)
    if world.method.startswith("group."):
        world.group.docs[world.doc.doc_id] = False


def keyword_tag(world: World, args: dict[str, Any]) -> None:
    args.update(type="keyword", id=str(world.sim.state.tag_id("harbour")))
    args.pop("user_id", None)


def method_name(world: World, args: dict[str, Any]) -> None:
    args["method"] = "doc.get"


# Arguments that must come from an earlier step of the workflow rather than from the descriptors.
ARRANGE: dict[str, Callable[[World, dict[str, Any]], None]] = {
    "auth.getToken": approved_frob,
    "upload.checkTickets": upload_ticket,
    "upload.replace": replaced_doc,
    "group.docs.getList": doc_in_group,
    "api.methods.get": method_name,
    "tags.docs.getList": keyword_tag,
    **dict.fromkeys(("faves.docs.add", "faves.docs.remove", "faves.albums.add", "faves.albums.remove"), friends_doc),
    **dict.fromkeys(
        ("doc.set", "album.edit", "post.set", "doc.tags.add", "doc.notes.add", "group.search"), something_to_change
    ),
    **dict.fromkeys(("doc.getContext", "album.docs.getContext", "group.docs.getContext"), unfiltered_context),
}


def arguments(operation: Operation, world: World, optional: bool) -> dict[str, Any]:
    """Spec name -> value: the required parameters, and with ``optional`` every other one too."""
    args = {param.name: value_for(operation, param, world) for param in operation.params if param.required or optional}
    arrange = ARRANGE.get(operation.name)
    if arrange is not None:
        arrange(world, args)
    return args


def literals(annotation: Any) -> list[Any]:
    """The values of every ``Literal`` inside an annotation (``Sequence[Literal[1, 2]] | str | None``)."""
    if typing.get_origin(annotation) is typing.Literal:
        return list(typing.get_args(annotation))
    return [value for arg in typing.get_args(annotation) for value in literals(arg)]


def as_declared(function: Callable[..., Any], operation: Operation, args: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments in the types the signature declares: ``perm_comment=5`` where the spec says "5"."""
    hints = typing.get_type_hints(function)
    typed = {}
    for name, value in args.items():
        keyword_name = python_name(name)
        typed[keyword_name] = value
        if operation.by_name[name].values:
            declared = {str(choice): choice for choice in literals(hints[keyword_name])}
            typed[keyword_name] = [declared[item] for item in value] if isinstance(value, list) else declared[value]
    return typed


def wire(value: Any) -> str:
    """How a value travels, written out independently of the client's encoder."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return str(int(value.timestamp()))
    if isinstance(value, list):
        return ",".join(wire(item) for item in value)
    return str(value)


def bound_method(client: ipernity_client.Client, name: str) -> Callable[..., Any]:
    """``doc.checkMD5`` -> ``client.doc.check_md5``, found by walking the client's namespaces."""
    target: Any = client
    for part in name.split("."):
        (attribute,) = [a for a in dir(target) if not a.startswith("_") and a.replace("_", "") == part.lower()]
        target = getattr(target, attribute)
    return typing.cast(Callable[..., Any], target)


def python_name(name: str) -> str:
    return f"{name}_" if keyword.iskeyword(name) else name


def unwrap(annotation: Any) -> Any:
    """``X | None`` -> ``X``; None for ``None`` itself."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        (annotation,) = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
    return None if annotation is type(None) else annotation


def declared_type(operation: Operation) -> Any:
    """The class the method's parser declares it returns (Optional unwrapped), or None."""
    module, name = operation.result.split(":")
    return unwrap(typing.get_type_hints(getattr(importlib.import_module(module), name))["return"])


def check_types(value: Any, annotation: Any, path: str) -> None:
    """``value`` is of ``annotation``: ints are ints (not bools), lists hold their item type, models recurse."""
    if annotation is Any:
        return
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if value is None and len(options) < len(typing.get_args(annotation)):
            return
        assert len(options) == 1, f"{path}: unexpected union {annotation}"
        check_types(value, options[0], path)
    elif origin is list:
        assert isinstance(value, list), f"{path}: {value!r} is not a list"
        for index, item in enumerate(value):
            check_types(item, typing.get_args(annotation)[0], f"{path}[{index}]")
    elif origin is dict:
        assert isinstance(value, dict), f"{path}: {value!r} is not a dict"
    elif dataclasses.is_dataclass(annotation):
        assert type(value) is annotation, f"{path}: {type(value).__name__} is not {annotation}"
        hints = typing.get_type_hints(annotation)
        declares = [field.name for field in dataclasses.fields(annotation) if field.name != "extra"]
        for field in dataclasses.fields(annotation):
            found = getattr(value, field.name)
            check_types(found, hints[field.name], f"{path}.{field.name}")
            assert not (field.name == "extra" and declares and found), f"{path}: the model could not carry {found!r}"
    else:
        assert type(value) is annotation, f"{path}: {value!r} is a {type(value).__name__}, not {annotation.__name__}"


# What some replies must hold, read from the state the case ran on.


def expect_echo(result: Any, world: World, args: dict[str, Any]) -> None:
    assert result == args["echo"]


def expect_frob(result: Any, world: World, args: dict[str, Any]) -> None:
    frob = world.sim.state.frobs[result.frob]
    assert frob.app_key == world.sim.api_key and not frob.used


def expect_new_token(result: Any, world: World, args: dict[str, Any]) -> None:
    token = world.sim.state.tokens[result.token]
    assert token.perms == PERMS and token.user_id == world.member.user_id
    assert (result.user.user_id, result.user.username, result.user.is_pro) == (world.member.user_id, "demo", True)
    assert world.sim.state.frobs[args["frob"]].used


def expect_own_token(result: Any, world: World, args: dict[str, Any]) -> None:
    assert result.token == world.token
    assert result.user.user_id == world.member.user_id and result.user.realname == world.member.realname
    levels = result.permissions or result.perms
    assert {scope: getattr(levels, scope) for scope in PERMS} == PERMS


def expect_upload(result: Any, world: World, args: dict[str, Any]) -> None:
    upload = world.sim.state.uploads[result]
    assert upload.user_id == world.member.user_id and not upload.replaces
    assert (upload.doc.filename, upload.doc.size) == ("harbour-2.jpg", len(PHOTO))
    assert upload.doc.title == args.get("title", "harbour-2")
    assert upload.doc.keywords == (["harbour", "dusk"] if "keywords" in args else [])


def expect_replace(result: Any, world: World, args: dict[str, Any]) -> None:
    assert result.endswith(f"-{world.doc.doc_id}")
    upload = world.sim.state.uploads[result]
    assert upload.replaces and upload.doc.doc_id == world.doc.doc_id and upload.doc.filename == "harbour-2.jpg"


def expect_tickets(result: Any, world: World, args: dict[str, Any]) -> None:
    (ticket,) = args["tickets"]
    made = world.sim.state.uploads[ticket].doc
    assert (result.count, result.done, result.invalid, result.left, result.eta) == (1, 1, 0, 0, 0)
    assert [(t.id, t.done, t.invalid, t.doc_id) for t in result.ticket] == [(ticket, True, False, made.doc_id)]
    assert world.sim.state.docs[made.doc_id].title == "Quay"


def expect_doc(result: Any, world: World, args: dict[str, Any]) -> None:
    doc, member = world.doc, world.member
    assert (result.doc_id, result.title, result.description, result.media) == (
        doc.doc_id,
        "Harbour",
        "At dusk",
        "photo",
    )
    assert (result.owner.user_id, result.owner.username) == (member.user_id, member.username)
    assert (result.original.filename, result.original.bytes, result.original.ext) == ("harbour.jpg", len(PHOTO), "jpg")
    assert result.dates.posted_at == doc.posted_at and result.visibility.ispublic is True
    assert (result.count.albums, result.count.groups, result.count.tags) == (1, 0, 2)
    if "tags" in args.get("extra", ()):
        assert [tag.keyword for tag in result.tags.tag] == ["harbour", "dusk"]
    else:
        assert result.tags is None


def expect_group_add(result: Any, world: World, args: dict[str, Any]) -> None:
    assert (result.group_id, result.total, result.added, result.skipped, result.pending) == (
        world.group.group_id,
        1,
        1,
        0,
        0,
    )
    assert [(d.doc_id, d.added, d.error) for d in result.doc] == [(world.doc.doc_id, True, 0)]
    assert world.group.docs == {world.doc.doc_id: False}


def expect_quota(result: Any, world: World, args: dict[str, Any]) -> None:
    member = world.member
    assert (result.user_id, result.is_pro) == (member.user_id, True)
    assert (result.upload.used.bytes, result.upload.max.bytes) == (0, member.upload_quota)
    assert result.maxfilesize.photo.bytes == member.max_file_size
    assert (result.albums.max, result.albums.created) == (member.max_albums, 1)


def expect_exif(result: Any, world: World, args: dict[str, Any]) -> None:
    assert (result.tags, result.extra) == ({"Make": "SAMSUNG", "ExposureTime": "1/129", "ISO": "32"}, {})


def expect_album(result: Any, world: World, args: dict[str, Any]) -> None:
    album = world.album
    assert (result.album_id, result.title, result.description) == (album.album_id, "Simulated album", "")
    assert result.link == f"http://www.ipernity.com/doc/demo/album/{album.album_id}"
    assert (result.count.docs, result.count.public, result.cover.doc_id) == (1, 1, world.doc.doc_id)
    assert result.dates.created_at == album.created_at
    size = args.get("thumbsize", "75x")
    assert (result.thumbsize, result.cover.url) == (
        size,
        f"{world.sim.endpoint}/media/{world.doc.doc_id}/{world.doc.secret}/{size}",
    )


def expect_new_album(result: Any, world: World, args: dict[str, Any]) -> None:
    album = world.sim.state.albums[result.album_id]
    assert (album.owner_id, album.title, result.title) == (world.member.user_id, args["title"], args["title"])
    assert result.description == album.description == args.get("description", "")
    docs = [world.doc.doc_id] if "cover_id" in args else []
    assert album.doc_ids == docs and result.count.docs == len(docs)
    assert (result.cover.doc_id if result.cover else None) == (docs[0] if docs else None)
    assert result.permissions.comment == int(args.get("perm_comment", "3"))


def expect_group(result: Any, world: World, args: dict[str, Any]) -> None:
    group = world.group
    assert (result.id, result.title, result.description) == (group.group_id, "Open group", "")
    assert (result.quota.moderated, result.quota.max, result.quota.left) == (False, 0, None)
    assert (result.count.members, result.count.docs, result.count.topics) == (1, 0, 0)
    assert (result.you.ismember, result.you.docs, result.can.add_doc, result.can.accept_video) == (True, 0, True, True)


def expect_user(result: Any, world: World, args: dict[str, Any]) -> None:
    member = world.member
    assert (result.user_id, result.username, result.realname, result.is_pro) == (
        member.user_id,
        "demo",
        "Demo Member",
        True,
    )
    assert (result.count.docs, result.location) == (1, None)


def _expect_page(docs: Any, world: World, args: dict[str, Any]) -> None:
    """The world's one photo on page 1 at the default 20 a page; the xml cases ask for page 10 of media "other"
    and safesurf 3, which the photo is not, so they get an empty page of an empty list."""
    total = 0 if "media" in args else 1
    page, per_page = args.get("page", 1), args.get("per_page", 20)
    assert (docs.total, docs.page, docs.per_page, docs.pages) == (total, page, per_page, total)
    listed = [(doc.doc_id, doc.title, doc.media, doc.safety, doc.thumb.url) for doc in docs.doc]
    photo = (
        world.doc.doc_id,
        "Harbour",
        "photo",
        1,
        f"{world.sim.endpoint}/media/{world.doc.doc_id}/{world.doc.secret}/75x",
    )
    assert listed == ([photo] if total and page == 1 else [])


def expect_doc_list(result: Any, world: World, args: dict[str, Any]) -> None:
    _expect_page(result, world, args)


def expect_album_docs(result: Any, world: World, args: dict[str, Any]) -> None:
    assert result.album_id == world.album.album_id
    size = args.get("thumbsize", "75x")
    assert (result.cover.doc_id, result.cover.url) == (
        world.doc.doc_id,
        f"{world.sim.endpoint}/media/{world.doc.doc_id}/{world.doc.secret}/{size}",
    )
    _expect_page(result.docs, world, args)


def expect_group_docs(result: Any, world: World, args: dict[str, Any]) -> None:
    assert result.group_id == world.group.group_id
    _expect_page(result.docs, world, args)


EXPECT: dict[str, Callable[[Any, World, dict[str, Any]], None]] = {
    "test.echo": expect_echo,
    "auth.getFrob": expect_frob,
    "auth.getToken": expect_new_token,
    "auth.checkToken": expect_own_token,
    "upload.file": expect_upload,
    "upload.replace": expect_replace,
    "upload.checkTickets": expect_tickets,
    "doc.get": expect_doc,
    "doc.getExif": expect_exif,
    "album.get": expect_album,
    "album.create": expect_new_album,
    "group.get": expect_group,
    "user.get": expect_user,
    "group.docs.add": expect_group_add,
    "account.getQuota": expect_quota,
    "doc.getList": expect_doc_list,
    "album.docs.getList": expect_album_docs,
    "group.docs.getList": expect_group_docs,
}


CASES = [
    pytest.param(name, protocol, fmt, id=f"{name}-{protocol}-{fmt}")
    for name in sorted(OPERATIONS)
    for protocol in API.service.protocols
    for fmt in API.service.client_formats
]


@pytest.mark.parametrize(("method", "protocol", "fmt"), CASES)
def test_method(running: Simulator, module_clock: ManualClock, method: str, protocol: str, fmt: str) -> None:
    running.reset()
    token = running.token(PERMS).token
    operation = OPERATIONS[method]
    with running.client(auth_token=token, protocol=protocol, format=fmt, retry=None) as client:
        world = World(running, module_clock, client, token, method)
        args = arguments(operation, world, optional=fmt == "xml")
        function = bound_method(client, method)
        result = function(**as_declared(function, operation, args))

    call = running.log.calls(method)[-1]
    used = "rest" if operation.has_file else protocol  # uploads always go over REST multipart
    assert (call.method, call.protocol, call.format, call.code) == (
        method,
        used,
        fmt if used == "rest" or fmt == "json" else used,
        0,
    )
    sent = {name: value for name, value in call.params.items() if name not in TRANSPORT_PARAMS}
    assert sent == {name: wire(value) for name, value in args.items() if not isinstance(value, io.IOBase)}
    assert call.files == ({"file": f"harbour-2.jpg ({len(PHOTO)} bytes)"} if operation.has_file else {})

    kind = declared_type(operation)
    if kind is None:
        assert result is None and not API.simulator_data.replies[operation.name].strip()
        return
    check_types(result, kind, method)
    check = EXPECT.get(method)
    if check is not None:
        check(result, world, args)


@pytest.mark.parametrize("method", sorted(OPERATIONS))
def test_every_signature_resolves(method: str) -> None:
    """Tools that read the typed signatures at run time (get_type_hints) must be able to resolve them."""
    with ipernity_client.Client("key") as client:
        hints = typing.get_type_hints(bound_method(client, method))
    uploads = {"progress", "check_quota"} if OPERATIONS[method].has_file else set()
    assert set(hints) == {python_name(param.name) for param in OPERATIONS[method].params} | {"return"} | uploads
