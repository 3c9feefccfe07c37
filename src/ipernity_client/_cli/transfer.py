"""``ipernity upload PATH...`` and ``ipernity backup DIR``: the bulk jobs with progress and a summary.

Folders go through ``bulk.upload_tree`` with a state file per folder, account and endpoint (in
the config directory unless ``--state`` names one), so the same command run again after an
interruption re-sends nothing; files given one by one are checked against the account
(doc.checkMD5). Every file being sent, given or in a folder, has a byte progress bar under the
overall one (moved from the worker threads; ``Progress`` locks). ``--no-wait`` looks at the
tickets once: those still processing are listed as pending (a folder's are collected by the
next run; a file's ticket is printed for upload.checkTickets).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._runtime import bulk, jobs
from .._runtime.batching import chunks
from .._runtime.errors import IpernityError
from .._runtime.upload_tree import MD5_PER_CALL
from .._runtime.uploads import UploadTicketError, UploadTimeoutError
from .context import Context
from .exits import API_ERROR, INTERRUPTED, OK, UsageError
from .output import print_json
from .progress import Progress, want_bars

if TYPE_CHECKING:
    from .._runtime.core import BaseClient

WAIT_SECONDS = 600.0
# requests keeps 10 connections per host unless told otherwise; more workers need more.
DEFAULT_POOL = 10


class Outcome:
    """A job's report, plus the uploads sent but still processing (``--no-wait``)."""

    def __init__(self) -> None:
        self.report = bulk.Report()
        self.pending: list[tuple[Path, str | None]] = []

    def add(self, report: bulk.Report) -> None:
        """Merge a folder's report; a ticket still processing is pending, not failed."""
        self.report.uploaded += report.uploaded
        self.report.downloaded += report.downloaded
        self.report.skipped += report.skipped
        for failure in report.failed:
            if isinstance(failure.error, UploadTimeoutError) and failure.path is not None:
                self.pending.append((failure.path, None))
            else:
                self.report.failed.append(failure)


def state_file(directory: Path, endpoint: str, api_key: str, folder: Path) -> Path:
    """Where an upload of ``folder`` to this account keeps its journal."""
    digest = hashlib.sha256(f"{endpoint}\n{api_key}\n{folder.resolve()}".encode()).hexdigest()[:16]
    return directory / "uploads" / f"{folder.resolve().name or 'root'}-{digest}.jsonl"


def _check_paths(args: argparse.Namespace) -> tuple[list[Path], list[Path]]:
    """(files, folders) of the command line, or a UsageError listing every problem."""
    paths = [Path(path) for path in args.paths]
    files = [path for path in paths if path.is_file()]
    folders = [path for path in paths if path.is_dir()]
    problems = [f"no such file or folder: {str(path)!r}" for path in paths if not path.exists()]
    if args.title is not None and (len(files) != 1 or folders):
        problems.append("--title names one file: give exactly one file (in a folder, files keep their names)")
    if args.state is not None and len(folders) != 1:
        problems.append("--state goes with exactly one folder")
    if args.workers < 1:
        problems.append(f"--workers must be at least 1, got {args.workers}")
    if problems:
        raise UsageError(problems)
    return files, folders


def _md5(path: Path) -> str:
    digest = hashlib.md5()
    with path.open("rb") as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def _on_account(client: BaseClient, files: Sequence[Path]) -> dict[Path, int]:
    """The files already on the account (doc.checkMD5, 20 a call) and their documents."""
    by_md5 = {_md5(path): path for path in files}
    found: dict[Path, int] = {}
    for batch in chunks(list(by_md5), MD5_PER_CALL):
        try:
            reply = client.call("doc.checkMD5", md5=batch)
        except IpernityError:
            continue  # unknown: the files are sent (a duplicate beats a missing file), as upload_tree does
        for match in getattr(reply, "doc", None) or []:
            path = by_md5.get(str(getattr(match, "md5", "")).lower())
            if path is not None and getattr(match, "found", False) and getattr(match, "doc_id", None) is not None:
                found[path] = match.doc_id
    return found


def _upload_files(
    client: BaseClient, files: list[Path], args: argparse.Namespace, progress: Progress, outcome: Outcome
) -> None:
    """Send the files given one by one, then wait for their tickets (once only with --no-wait)."""
    report = outcome.report
    total = len(files)

    def ended() -> int:
        return len(report.skipped) + len(report.failed) + len(report.uploaded)

    known = _on_account(client, files)
    for path, doc_id in known.items():
        report.skipped.append(bulk.Entry(path, doc_id))
        progress.item(bulk.Event("skipped", path, doc_id, ended(), total))
    params: dict[str, Any] = {"is_public": args.public, "album_id": args.album}
    tickets: dict[str, Path] = {}

    def send(path: Path) -> str:
        title = args.title if args.title is not None else path.stem
        ticket: str = client.upload.send_file(path, {**params, "title": title}, progress=progress.file(path))  # type: ignore[attr-defined]
        return ticket

    def sent(path: Path, future: Future[str]) -> None:
        try:
            tickets[future.result()] = path
        except (IpernityError, OSError) as error:
            report.failed.append(bulk.Failure(path, None, error))
            progress.item(bulk.Event("failed", path, None, ended(), total, error))
        else:
            progress.item(bulk.Event("sent", path, None, ended(), total))

    jobs.run_bounded(args.workers, send, [path for path in files if path not in known], sent)
    if not tickets:
        return
    timeout = 0.0 if args.no_wait else WAIT_SECONDS
    try:
        results = dict(zip(tickets, client.upload.wait(list(tickets), timeout=timeout), strict=True))  # type: ignore[attr-defined]
        invalid: list[str] = []
        late: list[str] = []
    except UploadTicketError as failure:
        results, invalid = failure.done, list(failure.invalid)
        late = list(failure.pending) if isinstance(failure, UploadTimeoutError) else []
    for ticket, result in results.items():
        made = getattr(result, "doc_id", None)
        report.uploaded.append(bulk.Entry(tickets[ticket], made))
        progress.item(bulk.Event("uploaded", tickets[ticket], made, ended(), total))
    for ticket in invalid:
        refused = UploadTicketError(f"ticket {ticket} is invalid", invalid=[ticket], done={})
        report.failed.append(bulk.Failure(tickets[ticket], None, refused))
        progress.item(bulk.Event("failed", tickets[ticket], None, ended(), total, refused))
    outcome.pending += [(tickets[ticket], ticket) for ticket in late]


@contextmanager
def _resumable(ctx: Context, progress: Progress, what: str) -> Iterator[None]:
    """Closes the bars however the work ends; on Ctrl-C first tells that the same command resumes it."""
    try:
        with _second_ctrl_c_stops_at_once(what):
            yield
    except KeyboardInterrupt:
        progress.close()
        ctx.say(f"{what} interrupted: run the same command again to resume")
        raise
    finally:
        progress.close()


@contextmanager
def _second_ctrl_c_stops_at_once(what: str) -> Iterator[None]:
    """Ctrl-C lets the files in flight finish (a 1 GiB upload may take minutes); Ctrl-C again ends at once.

    Either way the state stays resumable: the upload journal only ever appends whole lines it
    can skip when torn, and a backup writes each file under a temporary name first. The messages
    go straight to the descriptor: the handler may run while the main thread is writing to stderr.
    """
    ignored = signal.getsignal(signal.SIGINT) in (signal.SIG_IGN, None)  # a background job's, say
    if ignored or threading.current_thread() is not threading.main_thread():
        yield
        return
    interrupted = False

    def on_ctrl_c(signum: int, frame: object) -> None:
        nonlocal interrupted
        if interrupted:
            os.write(2, f"{what} stopped at once; run the same command again to resume\n".encode())
            os._exit(INTERRUPTED)
        interrupted = True
        os.write(
            2, f"stopping the {what}: letting the transfers in flight finish (Ctrl-C again to stop at once)\n".encode()
        )
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, on_ctrl_c)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def upload(ctx: Context, args: argparse.Namespace) -> int:
    files, folders = _check_paths(args)
    progress = Progress("upload", bars=want_bars(sys.stderr), secrets=ctx.settings.secrets)
    outcome = Outcome()
    with ctx.client(pool_size=max(DEFAULT_POOL, args.workers)) as client, _resumable(ctx, progress, "upload"):
        if files:
            progress.begin("files")
            _upload_files(client, files, args, progress, outcome)
        for folder in folders:
            progress.begin(folder.name or str(folder))
            state = Path(args.state) if args.state is not None else _default_state(client, folder)
            report = bulk.upload_tree(
                client,
                folder,
                workers=args.workers,
                album_id=args.album,
                is_public=args.public,
                state=state,
                progress=progress.item,
                file_progress=progress.sending,
                timeout=0.0 if args.no_wait else WAIT_SECONDS,
            )
            outcome.add(report)
    return _summary(ctx, outcome, "uploaded")


def _default_state(client: BaseClient, folder: Path) -> Path:
    from .._runtime.credentials import default_directory

    path = state_file(default_directory(), client.endpoint, client.api_key, folder)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def backup(ctx: Context, args: argparse.Namespace) -> int:
    if args.workers < 1:
        raise UsageError([f"--workers must be at least 1, got {args.workers}"])
    progress = Progress("backup", bars=want_bars(sys.stderr), secrets=ctx.settings.secrets)
    outcome = Outcome()
    with ctx.client(pool_size=max(DEFAULT_POOL, args.workers)) as client, _resumable(ctx, progress, "backup"):
        outcome.add(bulk.backup(client, args.dir, user_id=args.user, workers=args.workers, progress=progress.item))
    return _summary(ctx, outcome, "downloaded")


def _collect(ticket: str | None) -> str:
    """How to get the document of an upload still processing."""
    if ticket is None:
        return "still processing; run the same command again to collect it"
    return f"still processing; ipernity call upload.checkTickets tickets={ticket}"


def _entries(entries: Sequence[bulk.Entry]) -> list[dict[str, Any]]:
    return [{"path": str(entry.path), "doc_id": entry.doc_id} for entry in entries]


def _summary(ctx: Context, outcome: Outcome, job: str) -> int:
    """The summary on stdout; exit 1 when an item failed (the others were done all the same)."""
    report = outcome.report
    if ctx.settings.json:
        print_json(
            {
                "uploaded": _entries(report.uploaded),
                "downloaded": _entries(report.downloaded),
                "skipped": _entries(report.skipped),
                "failed": [
                    {"path": str(f.path) if f.path else None, "doc_id": f.doc_id, "error": ctx.masked(str(f.error))}
                    for f in report.failed
                ],
                "pending": [{"path": str(path), "ticket": ticket} for path, ticket in outcome.pending],
            }
        )
    else:
        done = report.downloaded if job == "downloaded" else report.uploaded
        counts = [f"{len(done)} {job}", f"{len(report.skipped)} skipped", f"{len(report.failed)} failed"]
        if outcome.pending:
            counts.append(f"{len(outcome.pending)} pending")
        lines = [", ".join(counts)]
        lines += [f"pending {path}: {_collect(ticket)}" for path, ticket in outcome.pending]
        lines += [
            f"failed {failure.path or failure.doc_id}: {ctx.masked(str(failure.error))}" for failure in report.failed
        ]
        sys.stdout.write("\n".join(lines) + "\n")
        sys.stdout.flush()
    return OK if report.ok else API_ERROR
