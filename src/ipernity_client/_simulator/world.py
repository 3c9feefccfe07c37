"""A small realistic world to start from: ``State.seed_world()`` and the ``ipernity_world`` fixture.

The demo member has a few dozen photos (some private, some for friends, tagged, placed, faved
and commented on) in three albums and a folder, a blog post, and a contact who is a friend, with
photos of their own (the last one private); one open and one moderated group. Tests and the demo pick the objects by
name from the returned ``World`` rather than by id.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from .state import Album, Comment, Doc, Folder, Group, Post, State, User

PLACES = (("Harbour", 48.38, -4.49), ("Market", 48.85, 2.35), ("Old town", 50.85, 4.35), ("Beach", 43.30, 5.37))


@dataclass
class World:
    """What ``State.seed_world`` made, by role."""

    member: User
    contact: User
    docs: list[Doc]
    albums: list[Album]
    folder: Folder
    group: Group
    moderated_group: Group
    post: Post
    comment: Comment
    contact_docs: list[Doc] = field(default_factory=list)


def photo_bytes(name: str) -> bytes:
    """A few bytes shaped like a JPEG, different for every name (so each has its own md5)."""
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + hashlib.sha256(name.encode()).digest() * 4 + b"\xff\xd9"


def seed(state: State, docs: int = 36) -> World:
    """Fill ``state`` around its demo member; ``docs`` photos in all, a dozen per album."""
    with state.lock:
        member = state.member
        contact = state.add_user("bob", realname="Bob Martin")
        state.add_contact(member, contact, friend=True)
        state.add_contact(contact, member, friend=True)
        made: list[Doc] = []
        start = state.now() - docs * 3600
        for n in range(docs):
            place, lat, lng = PLACES[n % len(PLACES)]
            doc = state.add_doc(
                member,
                f"{place.lower().replace(' ', '-')}-{n:02d}.jpg",
                photo_bytes(f"{member.username}-{n}"),
                title=f"{place} {n + 1}",
                description=f"{place}, photo {n + 1} of {docs}",
                keywords=[place.lower(), "travel"] + (["sunset"] if n % 5 == 0 else []),
                posted_at=start + n * 3600,
                is_public=n % 9 != 8,
                is_friend=n % 9 == 8 and n % 2 == 0,
                lat=lat,
                lng=lng,
                exif={"Make": "FUJIFILM", "Model": "X100V"},
            )
            made.append(doc)
        albums = []
        for index, title in enumerate(("Harbours", "Markets", "Old towns")):
            album = state.add_album(member, title, description=f"{title} seen on the way")
            album.doc_ids = [doc.doc_id for doc in made[index::3][:12]]
            albums.append(album)
        folder = state.add_folder(member, "Travels", albums=albums[:2])
        group = state.add_group("Travel photography", members={member.user_id, contact.user_id})
        group.description = "Photos from the road"
        moderated = state.add_group("Harbours of the world", members={member.user_id}, moderated=True, media={"photo"})
        for doc in made[:5]:
            group.docs[doc.doc_id] = False
        contact_docs = [
            state.add_doc(
                contact, f"bob-{n}.jpg", photo_bytes(f"bob-{n}"), title=f"Bob's photo {n + 1}", keywords=["travel"]
            )
            for n in range(3)
        ]
        private = state.add_doc(contact, "bob-own.jpg", photo_bytes("bob-own"), title="Bob's own", is_public=False)
        contact_docs.append(private)
        comments = []
        for doc in made[:3]:
            doc.faves[contact.user_id] = state.now()
            comments.append(state.add_comment(contact, doc, f"Lovely light on {doc.title}"))
        contact_docs[0].faves[member.user_id] = state.now()
        post = state.add_post(member, "Three harbours in a week", "From Brest to Marseille.", keywords=["travel"])
        return World(member, contact, made, albums, folder, group, moderated, post, comments[0], contact_docs)
