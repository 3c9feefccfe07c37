"""The simulated world: apps, members, tokens, frobs, documents, albums, groups and upload tickets.

One State holds everything behind one lock, so the threaded server and the test code that
arranges or inspects it always see a consistent world. Time comes from an injectable clock, so a
ticket's countdown moves only when the test says so.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import mimetypes
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .world import World

Clock = Callable[[], float]

GB = 1024**3
MB = 1024**2
# The reference's documented example key and secret (notes 3.3), so its signature vector works here.
DEMO_API_KEY = "6fa87ba500002712bd4eed6020f3bd72"
DEMO_API_SECRET = "e9a599f0cf6ce193"
MEDIA_TYPES = ("photo", "audio", "video", "other")
FROB_LIFETIME = 600.0


class ManualClock:
    """A clock that moves only when told to (``advance``), for deterministic ticket countdowns."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def level_rank(level: str, levels: tuple[str, ...]) -> int:
    """The rank of ``level`` in ``levels`` (none < read < write < delete); an unknown level ranks lowest."""
    return levels.index(level) if level in levels else 0


def assign(item: Doc | Post, values: Mapping[str, object]) -> None:
    """Sets ``values`` on a new document or post, refusing a name it lacks: a typo would else pass unseen.

    Codes the API sends as text (``safety=3``, ``license=4``) may be given as numbers.
    """
    declared = {spec.name: spec.type for spec in dataclasses.fields(item)}
    for name, value in values.items():
        if name not in declared:
            kind = type(item).__name__
            raise TypeError(f"{kind} has no field {name!r}; it has {', '.join(sorted(declared))}")
        text_code = declared[name] == "str" and isinstance(value, int) and not isinstance(value, bool)
        setattr(item, name, str(value) if text_code else value)


def media_of(filename: str) -> str:
    """photo, audio, video or other, from the file name as ipernity sorts uploads."""
    kind = (mimetypes.guess_type(filename)[0] or "").partition("/")[0]
    return {"image": "photo", "audio": "audio", "video": "video"}.get(kind, "other")


@dataclass
class App:
    """A registered application: its key and the secret it signs with."""

    key: str
    secret: str
    title: str = "Simulated app"
    # Where the authorize page sends the member back with ?frob=… after a web link (notes 3.5).
    callback: str = ""


@dataclass
class User:
    """A member. The quota fields feed account.getQuota and the upload size checks."""

    user_id: int
    username: str
    realname: str = ""
    is_pro: bool = False
    lg: str = "en-US"
    upload_quota: int = 10 * GB
    max_file_size: int = 100 * MB
    max_albums: int = 2048
    uploaded: int = 0
    contacts: dict[int, set[str]] = field(default_factory=dict)
    joined_at: int = 0

    def relation(self, other: User | None) -> set[str]:
        """What this member made ``other``: a subset of contact, friend and family (empty for strangers)."""
        return self.contacts.get(other.user_id, set()) if other is not None else set()


@dataclass
class Token:
    """A member's grant to an app: a level per scope (doc, blog, post, network, profile)."""

    token: str
    app_key: str
    user_id: int
    perms: dict[str, str]

    def allows(self, scope: str, level: str, levels: tuple[str, ...]) -> bool:
        """Whether the token grants ``level`` on ``scope``; ``levels`` lists the levels, lowest first."""
        return level_rank(self.perms.get(scope, levels[0]), levels) >= level_rank(level, levels)


@dataclass
class Frob:
    """A pending authorization: approved by a member on the authorize page, then traded for a token once."""

    frob: str
    app_key: str
    expires_at: float
    user_id: int | None = None
    perms: dict[str, str] = field(default_factory=dict)
    used: bool = False


@dataclass
class Visit:
    """A member's visits to a document, album or post."""

    first_at: int
    last_at: int
    count: int = 1


@dataclass
class Doc:
    """A document; uploads create them when their ticket is done."""

    doc_id: int
    owner_id: int
    filename: str
    size: int
    md5: str
    posted_at: int
    title: str = ""
    description: str = ""
    media: str = "other"
    is_public: bool = True
    is_friend: bool = False
    is_family: bool = False
    license: str = "0"
    safety: str = "1"
    keywords: list[str] = field(default_factory=list)
    replaced_at: int = 0
    exif: dict[str, str] = field(default_factory=dict)
    members: list[int] = field(default_factory=list)
    perm_comment: str = "3"
    perm_tag: str = "3"
    perm_tagme: str = "3"
    lat: float | None = None
    lng: float | None = None
    created_at: int | None = None
    modified_at: int = 0
    content: bytes = b""
    # Part of the file URLs, as on ipernity: a private document's files are not found by guessing.
    secret: str = field(default_factory=lambda: secrets.token_hex(5))
    faves: dict[int, int] = field(default_factory=dict)
    visits: dict[int, Visit] = field(default_factory=dict)

    @property
    def share(self) -> int:
        """The doc.get share code: 0 private, 1 family, 2 friends, 3 both, 5 public."""
        if self.is_public:
            return 5
        return (1 if self.is_family else 0) + (2 if self.is_friend else 0)


@dataclass
class Album:
    """An album; without a ``cover_id`` its first document is the cover."""

    album_id: int
    owner_id: int
    title: str
    doc_ids: list[int] = field(default_factory=list)
    description: str = ""
    created_at: int = 0
    cover_id: int | None = None
    perm_comment: str = "3"
    updated_at: int = 0
    faves: dict[int, int] = field(default_factory=dict)
    visits: dict[int, Visit] = field(default_factory=dict)


@dataclass
class Folder:
    """A folder of albums."""

    folder_id: int
    owner_id: int
    title: str
    description: str = ""
    album_ids: list[int] = field(default_factory=list)
    created_at: int = 0
    updated_at: int = 0
    cover_id: int | None = None


@dataclass
class Comment:
    """A comment on a document or a blog post (``on`` is "doc" or "post"); ``parent_id`` for replies."""

    comment_id: int
    on: str
    target_id: int
    user_id: int
    content: str
    posted_at: int
    modified_at: int = 0
    parent_id: int | None = None


@dataclass
class Note:
    """A note on an area of a photo, possibly naming a member."""

    note_id: int
    doc_id: int
    user_id: int
    content: str
    x: int
    y: int
    w: int
    h: int
    posted_at: int
    member_id: int | None = None


@dataclass
class Post:
    """A blog post; ``share`` uses the doc.get share code (5 public)."""

    post_id: int
    owner_id: int
    title: str
    content: str = ""
    intro: str = ""
    share: int = 5
    license: str = "0"
    perm_comment: str = "3"
    perm_tag: str = "3"
    perm_tagme: str = "3"
    posted_at: int = 0
    updated_at: int = 0
    keywords: list[str] = field(default_factory=list)
    faves: dict[int, int] = field(default_factory=dict)
    visits: dict[int, Visit] = field(default_factory=dict)

    @property
    def is_public(self) -> bool:
        return self.share == 5


@dataclass
class Group:
    """A group; ``media`` limits the media types it takes, ``moderated`` makes new docs pending."""

    group_id: int
    title: str
    members: set[int] = field(default_factory=set)
    moderated: bool = False
    media: frozenset[str] = frozenset(MEDIA_TYPES)
    closed: bool = False
    member_quota: int | None = None
    docs: dict[int, bool] = field(default_factory=dict)
    description: str = ""
    created_at: int = 0

    def count_by(self, docs: Mapping[int, Doc], user_id: int) -> int:
        return sum(1 for doc_id in self.docs if doc_id in docs and docs[doc_id].owner_id == user_id)


@dataclass
class Upload:
    """An upload.file or upload.replace ticket: the document appears (or changes) when it is ready."""

    ticket: str
    user_id: int
    ready_at: float
    doc: Doc
    replaces: bool = False
    album_id: int | None = None
    done: bool = False


class State:
    """Everything the simulator knows; hold ``lock`` while reading or changing it from several threads."""

    def __init__(self, clock: Clock | None = None, *, upload_seconds: float = 5.0) -> None:
        self.clock: Clock = clock or time.time
        self.lock = threading.RLock()
        self.upload_seconds = upload_seconds
        self.max_groups_per_doc = 50
        self.apps: dict[str, App] = {}
        self.users: dict[int, User] = {}
        self.tokens: dict[str, Token] = {}
        self.frobs: dict[str, Frob] = {}
        self.docs: dict[int, Doc] = {}
        self.albums: dict[int, Album] = {}
        self.groups: dict[int, Group] = {}
        self.uploads: dict[str, Upload] = {}
        self.folders: dict[int, Folder] = {}
        self.comments: dict[int, Comment] = {}
        self.notes: dict[int, Note] = {}
        self.posts: dict[int, Post] = {}
        self.tag_ids: dict[str, int] = {}
        self.album_order: dict[int, list[int]] = {}
        self.folder_order: dict[int, list[int]] = {}
        self.max_tags_per_doc = 75
        self.max_notes_per_doc = 100
        self.max_docs_per_album = 5000
        self.max_albums_per_folder = 500  # folder.albums.add error 3; the real limit is not documented
        self.world: World | None = None
        self._ids = itertools.count(100001)
        self._tickets = itertools.count(712000)
        self.demo_app = self.add_app(DEMO_API_KEY, DEMO_API_SECRET, title="ipernity simulator demo")
        self.member = self.add_user("demo", realname="Demo Member", is_pro=True)
        self.add_album(self.member, "Simulated album")
        self.add_group("Open group", members={self.member.user_id})
        self.add_group("Moderated group", members={self.member.user_id}, moderated=True)
        self.add_group("Photos only", members={self.member.user_id}, media={"photo"})

    def next_id(self) -> int:
        return next(self._ids)

    def now(self) -> int:
        return int(self.clock())

    def add_app(self, key: str | None = None, secret: str | None = None, *, title: str = "Simulated app") -> App:
        with self.lock:
            app = App(key or secrets.token_hex(16), secret or secrets.token_hex(8), title)
            self.apps[app.key] = app
            return app

    def add_user(
        self,
        username: str,
        *,
        realname: str = "",
        is_pro: bool = False,
        upload_quota: int = 10 * GB,
        max_file_size: int = 100 * MB,
        max_albums: int = 2048,
    ) -> User:
        """A new member; the sizes are bytes (the defaults are those of the account.getQuota sample)."""
        with self.lock:
            user = User(
                self.next_id(),
                username,
                realname,
                is_pro,
                upload_quota=upload_quota,
                max_file_size=max_file_size,
                max_albums=max_albums,
            )
            self.users[user.user_id] = user
            return user

    def add_album(self, owner: User, title: str, *, description: str = "") -> Album:
        with self.lock:
            album = Album(self.next_id(), owner.user_id, title, description=description, created_at=self.now())
            self.albums[album.album_id] = album
            return album

    def add_group(
        self,
        title: str,
        *,
        members: set[int] | None = None,
        moderated: bool = False,
        media: set[str] | None = None,
        closed: bool = False,
        member_quota: int | None = None,
    ) -> Group:
        with self.lock:
            group = Group(
                self.next_id(),
                title,
                set(members or ()),
                moderated,
                frozenset(media or MEDIA_TYPES),
                closed,
                member_quota,
                created_at=self.now(),
            )
            self.groups[group.group_id] = group
            return group

    def add_doc(self, owner: User, filename: str, content: bytes, **fields: object) -> Doc:
        """A document as if its upload had finished; ``fields`` sets title, is_public, media, exif (tag → value)…"""
        with self.lock:
            doc = Doc(
                self.next_id(),
                owner.user_id,
                filename,
                len(content),
                hashlib.md5(content).hexdigest(),
                self.now(),
                media=media_of(filename),
                content=content,
            )
            assign(doc, fields)
            self.docs[doc.doc_id] = doc
            return doc

    def add_folder(
        self, owner: User, title: str, *, description: str = "", albums: list[Album] | None = None
    ) -> Folder:
        with self.lock:
            now = self.now()
            folder = Folder(self.next_id(), owner.user_id, title, description, created_at=now, updated_at=now)
            folder.album_ids = [album.album_id for album in albums or ()]
            self.folders[folder.folder_id] = folder
            return folder

    def add_post(self, owner: User, title: str, content: str = "", **fields: object) -> Post:
        """A blog post; ``fields`` sets share (5 public, 0 private), intro, keywords…"""
        with self.lock:
            now = self.now()
            post = Post(self.next_id(), owner.user_id, title, content, posted_at=now, updated_at=now)
            assign(post, fields)
            self.posts[post.post_id] = post
            return post

    def add_comment(self, author: User, on: Doc | Post, content: str, *, parent: Comment | None = None) -> Comment:
        with self.lock:
            kind, target = ("doc", on.doc_id) if isinstance(on, Doc) else ("post", on.post_id)
            comment = Comment(self.next_id(), kind, target, author.user_id, content, self.now())
            comment.parent_id = parent.comment_id if parent is not None else None
            self.comments[comment.comment_id] = comment
            return comment

    def add_note(self, author: User, doc: Doc, content: str, box: tuple[int, int, int, int] = (10, 10, 50, 50)) -> Note:
        with self.lock:
            note = Note(self.next_id(), doc.doc_id, author.user_id, content, *box, posted_at=self.now())
            self.notes[note.note_id] = note
            return note

    def add_contact(self, user: User, contact: User, *, friend: bool = False, family: bool = False) -> None:
        """``user`` adds ``contact`` to their network, as a friend and/or family member."""
        with self.lock:
            user.contacts[contact.user_id] = (
                {"contact"} | ({"friend"} if friend else set()) | ({"family"} if family else set())
            )

    def tag_id(self, keyword: str) -> int:
        """A keyword's tag id, the same for every document (ipernity numbers tags, not taggings)."""
        with self.lock:
            return self.tag_ids.setdefault(keyword.lower(), self.next_id())

    def keyword_of(self, tag_id: int) -> str | None:
        return next((keyword for keyword, found in self.tag_ids.items() if found == tag_id), None)

    def can_see(self, owner_id: int, public: bool, friend: bool, family: bool, user: User | None) -> bool:
        """Who sees an item: everybody when public, its owner, and the owner's friends or family it is shared with."""
        if public or (user is not None and user.user_id == owner_id):
            return True
        relation = self.users[owner_id].relation(user) if owner_id in self.users else set()
        return (friend and "friend" in relation) or (family and "family" in relation)

    def seed_world(self, docs: int = 36) -> World:
        """A small realistic world around the demo member (see ``world``): photos in albums, a folder,
        a contact with photos, two groups, comments, faves and a blog post."""
        from .world import seed

        self.world = seed(self, docs)
        return self.world

    def issue_token(self, user: User, perms: Mapping[str, str], app: App | None = None) -> Token:
        """A token as auth.getToken would give after the member granted ``perms`` (scope → level)."""
        with self.lock:
            token = Token(
                f"{user.user_id}-{secrets.token_hex(8)}", (app or self.demo_app).key, user.user_id, dict(perms)
            )
            self.tokens[token.token] = token
            return token

    def new_frob(self, app: App) -> Frob:
        with self.lock:
            frob = Frob(f"{self.next_id()}-{secrets.token_hex(4)}", app.key, self.clock() + FROB_LIFETIME)
            self.frobs[frob.frob] = frob
            return frob

    def approve(self, frob: str, perms: Mapping[str, str], user: User | None = None) -> Frob:
        """What the authorize page does when the member accepts: bind the frob to them and ``perms``."""
        with self.lock:
            found = self.frobs.get(frob)
            if found is None or found.used or found.expires_at < self.clock():
                raise KeyError(f"no pending frob {frob!r}")
            found.user_id = (user or self.member).user_id
            found.perms = dict(perms)
            return found

    def new_upload(self, user: User, doc: Doc, *, wait: bool, replaces: bool, album_id: int | None) -> Upload:
        with self.lock:
            number = next(self._tickets)
            ticket = f"{number}-{doc.doc_id}" if replaces else str(number)
            ready_at = self.clock() + (0.0 if wait else self.upload_seconds)
            upload = Upload(ticket, user.user_id, ready_at, doc, replaces, album_id)
            self.uploads[ticket] = upload
            user.uploaded += doc.size
            return upload

    def settle(self, upload: Upload) -> None:
        """Finish an upload whose time has come: store (or replace) its document once."""
        with self.lock:
            if upload.done or upload.ready_at > self.clock():
                return
            upload.done = True
            self.docs[upload.doc.doc_id] = upload.doc
            album = self.albums.get(upload.album_id or 0)
            if album is not None and album.owner_id == upload.user_id and upload.doc.doc_id not in album.doc_ids:
                album.doc_ids.append(upload.doc.doc_id)
