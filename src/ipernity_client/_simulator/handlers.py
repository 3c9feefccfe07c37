"""What each method answers once the common checks passed: the table from method name to handler.

Every method of the spec has a handler that reads and changes the state, by area: ``auth`` (the
frob flow), ``uploads``, ``docs``, ``tags``, ``talk`` (comments and notes), ``albums`` (and
folders), ``groups``, ``people`` (members, network, faves, visitors), ``posts``, ``search`` and
``reflection``. Replies are built through each method's response model (``reply``). A method
the spec gains before the simulator does answers its documented example (``stateless``), and
``tests/simulator`` fails until it has a handler.
"""

from __future__ import annotations

from functools import partial

from . import albums, docs, groups, people, posts, reflection, search, tags, talk
from .auth import auth_check_token, auth_get_frob, auth_get_token
from .context import Context, Handler
from .stateless import echo, example_reply
from .uploads import upload_check_tickets, upload_file, upload_replace

HANDLERS: dict[str, Handler] = {
    "test.echo": echo,
    "test.hello": example_reply,
    "api.methods.getList": reflection.api_methods_get_list,
    "api.methods.get": reflection.api_methods_get,
    "auth.getFrob": auth_get_frob,
    "auth.getToken": auth_get_token,
    "auth.checkToken": auth_check_token,
    "upload.file": upload_file,
    "upload.replace": upload_replace,
    "upload.checkTickets": upload_check_tickets,
    "account.getQuota": people.account_get_quota,
    "user.get": people.user_get,
    "doc.get": docs.doc_get,
    "doc.getExif": docs.doc_get_exif,
    "doc.getMedias": docs.doc_get_medias,
    "doc.getPerms": docs.doc_get_perms,
    "doc.getContainers": docs.doc_get_containers,
    "doc.getContext": docs.doc_get_context,
    "doc.getList": docs.doc_get_list,
    "doc.checkMD5": docs.doc_check_md5,
    "doc.set": docs.doc_set,
    "doc.setGeo": docs.doc_set_geo,
    "doc.setLicense": docs.doc_set_license,
    "doc.setPerms": docs.doc_set_perms,
    "doc.setSafety": docs.doc_set_safety,
    "doc.delete": docs.doc_delete,
    "doc.getFaves": people.doc_get_faves,
    "doc.getVisitors": people.doc_get_visitors,
    "doc.search": search.doc_search,
    "doc.tags.add": tags.doc_tags_add,
    "doc.tags.edit": tags.doc_tags_edit,
    "doc.tags.remove": tags.doc_tags_remove,
    "doc.tags.getList": tags.doc_tags_get_list,
    "tags.user.getList": tags.tags_user_get_list,
    "tags.user.getPopular": tags.tags_user_get_popular,
    "tags.docs.getList": tags.tags_docs_get_list,
    "doc.notes.add": talk.doc_notes_add,
    "doc.notes.edit": talk.doc_notes_edit,
    "doc.notes.delete": talk.doc_notes_delete,
    "doc.albums.add": albums.doc_albums_add,
    "album.create": albums.album_create,
    "album.edit": albums.album_edit,
    "album.delete": albums.album_delete,
    "album.get": albums.album_get,
    "album.getList": albums.album_get_list,
    "album.setPerms": albums.album_set_perms,
    "album.orderList": albums.album_order_list,
    "album.getFaves": albums.album_get_faves,
    "album.getVisitors": albums.album_get_visitors,
    "album.docs.add": albums.album_docs_add,
    "album.docs.remove": albums.album_docs_remove,
    "album.docs.setList": albums.album_docs_set_list,
    "album.docs.getList": albums.album_docs_get_list,
    "album.docs.getContext": albums.album_docs_get_context,
    "folder.create": albums.folder_create,
    "folder.edit": albums.folder_edit,
    "folder.delete": albums.folder_delete,
    "folder.get": albums.folder_get,
    "folder.getList": albums.folder_get_list,
    "folder.orderList": albums.folder_order_list,
    "folder.albums.add": albums.folder_albums_add,
    "folder.albums.remove": albums.folder_albums_remove,
    "folder.albums.getList": albums.folder_albums_get_list,
    "group.get": groups.group_get,
    "group.getList": groups.group_get_list,
    "group.search": groups.group_search,
    "group.docs.add": groups.group_docs_add,
    "group.docs.remove": groups.group_docs_remove,
    "group.docs.getList": groups.group_docs_get_list,
    "group.docs.getContext": groups.group_docs_get_context,
    "explore.groups.getRandom": groups.explore_groups_get_random,
    "explore.docs.getPopular": search.explore_docs_get_popular,
    "explore.docs.getRecent": search.explore_docs_get_recent,
    "explore.docs.homepage": search.explore_docs_homepage,
    "faves.docs.add": people.faves_docs_add,
    "faves.docs.remove": people.faves_docs_remove,
    "faves.docs.getList": people.faves_docs_get_list,
    "faves.albums.add": people.faves_albums_add,
    "faves.albums.remove": people.faves_albums_remove,
    "faves.albums.getList": people.faves_albums_get_list,
    "network.getList": people.network_get_list,
    "network.autocomplete": people.network_autocomplete,
    "network.docs.getRecent": people.network_docs_get_recent,
    "post.set": posts.post_set,
    "post.get": posts.post_get,
    "post.getList": posts.post_get_list,
    "post.search": posts.post_search,
    "post.getContext": posts.post_get_context,
    "post.getFaves": people.post_get_faves,
    "post.getVisitors": people.post_get_visitors,
}
for _on in ("doc", "post"):
    HANDLERS |= {
        f"{_on}.comments.add": partial(talk.add_comment, on=_on),
        f"{_on}.comments.reply": partial(talk.reply_comment, on=_on),
        f"{_on}.comments.edit": partial(talk.edit_comment, on=_on),
        f"{_on}.comments.delete": partial(talk.delete_comment, on=_on),
        f"{_on}.comments.get": partial(talk.get_comment, on=_on),
        f"{_on}.comments.getList": partial(talk.comment_list, on=_on),
    }


def answer(ctx: Context) -> str:
    """The reply body of a call that passed the checks."""
    return HANDLERS.get(ctx.operation.name, example_reply)(ctx)
