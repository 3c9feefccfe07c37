"""The two jobs people write scripts for: upload a folder, and back up an account.

Both share one client across a bounded pool of worker threads, go on after a failure (each is
listed in the ``Report`` with its typed error), call ``progress(event)`` from the calling thread
as each item ends, and can be interrupted (Ctrl-C, or an exception raised by ``progress``) and
run again: ``upload_tree`` keeps a journal in its ``state`` file and re-sends nothing already
sent; ``backup`` skips the files already saved with the right size.
"""

from .backup import DownloadError, backup
from .jobs import Entry, Event, Failure, Report
from .upload_tree import upload_tree

__all__ = ["DownloadError", "Entry", "Event", "Failure", "Report", "backup", "upload_tree"]
