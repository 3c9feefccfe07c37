"""What each method answers once the common checks passed.

Most methods answer their documented example (the spec's ``example``), so every method of the
spec is served and follows its changes. The methods a client's workflow depends on keep state:
the frob flow, uploads and their tickets, doc.get and doc.getExif of uploaded documents,
album.create and album.get, group.get and group.docs.add, user.get and account.getQuota, and the
lists of those documents (doc.getList, album.docs.getList, group.docs.getList), paged as ipernity
pages. They too start from their example and fill it in, so the reply keeps the documented shape.

The handlers live by area (auth, uploads, docs, lists, objects; stateless for the defaults);
this module holds only the table from method name to handler and ``answer``.
"""

from __future__ import annotations

from .auth import auth_check_token, auth_get_frob, auth_get_token
from .context import Context, Handler
from .docs import doc_get, doc_get_exif
from .lists import album_docs_get_list, doc_get_list, group_docs_get_list
from .objects import account_get_quota, album_create, album_get, group_docs_add, group_get, user_get
from .stateless import echo, example_reply
from .uploads import upload_check_tickets, upload_file, upload_replace

HANDLERS: dict[str, Handler] = {
    "test.echo": echo,
    "auth.getFrob": auth_get_frob,
    "auth.getToken": auth_get_token,
    "auth.checkToken": auth_check_token,
    "upload.file": upload_file,
    "upload.replace": upload_replace,
    "upload.checkTickets": upload_check_tickets,
    "doc.get": doc_get,
    "doc.getExif": doc_get_exif,
    "album.get": album_get,
    "album.create": album_create,
    "group.get": group_get,
    "user.get": user_get,
    "group.docs.add": group_docs_add,
    "doc.getList": doc_get_list,
    "album.docs.getList": album_docs_get_list,
    "group.docs.getList": group_docs_get_list,
    "account.getQuota": account_get_quota,
}


def answer(ctx: Context) -> str:
    """The reply body of a call that passed the checks."""
    return HANDLERS.get(ctx.operation.name, example_reply)(ctx)
