"""The command line's grammar: global options, one sub-command per job, completers for the shell.

Global options are accepted before or after the sub-command (``ipernity --json methods`` and
``ipernity methods --json``). Each sub-command names the module and function that carries it
out, imported only when it runs.
"""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

from .._runtime import __version__
from .binding import Binding
from .completion import method_names, parameter_words
from .exits import UsageError
from .settings import ENV_ENDPOINT, ENV_KEY, ENV_SECRET, ENV_TOKEN

DESCRIPTION = "Call the ipernity API from the command line: log in, call any method, upload, back up, simulate."
DEFAULT_PERMS = "doc=write"
EPILOG = (
    "Exit codes: 0 success, 1 API error, 2 usage or validation error, 3 transport error, 130 interrupted. "
    "Results go to stdout, messages and progress to stderr."
)


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is raised as one line naming where help is, not printed with the usage."""

    def error(self, message: str) -> NoReturn:
        raise UsageError([f"{message} (see '{self.prog} --help')"])


def _global_options(parser: argparse.ArgumentParser, default: Any) -> None:
    """The options every command takes; ``default`` is SUPPRESS on sub-commands so they never reset them."""
    group = parser.add_argument_group("global options")
    group.add_argument("--endpoint", metavar="URL", default=default, help=f"API endpoint (${ENV_ENDPOINT})")
    group.add_argument("--key", metavar="KEY", default=default, help=f"API key (${ENV_KEY})")
    group.add_argument("--secret", metavar="SECRET", default=default, help=f"API secret (${ENV_SECRET})")
    group.add_argument(
        "--token", metavar="TOKEN", default=default, help=f"auth token (${ENV_TOKEN}, or the stored one)"
    )
    group.add_argument(
        "-v", "--verbose", action="store_true", default=default, help="debug log and tracebacks on stderr"
    )
    group.add_argument("--json", action="store_true", default=default, help="machine-readable output")


def _command(
    commands: Any, name: str, handler: str, summary: str, description: str | None = None
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(name, help=summary, description=description or summary)
    _global_options(parser, argparse.SUPPRESS)
    parser.set_defaults(handler=handler)
    return parser


def build(binding: Binding) -> argparse.ArgumentParser:
    """The whole parser of ``binding``'s command."""
    service = binding.api.service
    parser = Parser(prog=binding.prog, description=DESCRIPTION, epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _global_options(parser, None)
    parser.set_defaults(handler=None)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    call = _command(
        commands,
        "call",
        "call:run",
        "call any API method",
        "Call METHOD with name=value parameters, typed by the method's spec: lists comma separated "
        "(or the name repeated), booleans as true/false, files as file=@PATH. Prints the reply as JSON.",
    )
    method = call.add_argument("method", metavar="METHOD", help="API method, e.g. doc.get")
    method.completer = method_names(binding)  # type: ignore[attr-defined]
    words = call.add_argument("params", metavar="NAME=VALUE", nargs="*", default=[], help="method parameters")
    words.completer = parameter_words(binding)  # type: ignore[attr-defined]
    call.add_argument("--protocol", choices=service.protocols, default="rest", help="default: rest")
    call.add_argument("--format", choices=service.client_formats, default="json", help="default: json")
    call.add_argument("--raw", action="store_true", help="print the reply body as received")
    call.add_argument("--all", action="store_true", help="every page of a paginated method: a JSON array of the items")
    call.set_defaults(words="params")

    methods = _command(commands, "methods", "catalog:methods", "list the API methods and what they do")
    methods.add_argument("pattern", metavar="PATTERN", nargs="?", help="a glob (doc.*) or words to look for")

    about = _command(commands, "help", "catalog:describe", "a method's parameters, errors and an example")
    topic = about.add_argument("method", metavar="METHOD", help="API method, e.g. doc.get")
    topic.completer = method_names(binding)  # type: ignore[attr-defined]

    login = _command(
        commands,
        "login",
        "session:login",
        "get a token for the member and store it",
        "Print the authorization link (and open it in a browser), wait until the member approves "
        "it, then store the token for the API key. Later commands use it when no token is given.",
    )
    login.add_argument(
        "--perms", default=DEFAULT_PERMS, metavar="SCOPE=LEVEL,...", help=f"what to ask for (default: {DEFAULT_PERMS})"
    )
    login.add_argument("--no-browser", action="store_true", help="only print the link (headless machines)")
    login.add_argument("--oauth", action="store_true", help="use OAuth 1.0a instead of the frob flow")
    login.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for approval (default: 300)")
    login.add_argument("--poll", type=float, default=2.0, help="seconds between checks for approval (default: 2)")
    _command(commands, "logout", "session:logout", "forget the token stored for the API key")
    _command(commands, "whoami", "session:whoami", "the member, permissions and validity of the token")

    upload = _command(
        commands,
        "upload",
        "transfer:upload",
        "upload files and folders",
        "Upload files, and every photo, video and audio file under folders. Files already on the "
        "account are skipped; an interrupted upload resumes when the same command runs again.",
    )
    upload.add_argument("paths", metavar="PATH", nargs="+", help="a file or a folder")
    upload.add_argument("--album", metavar="ID", help="add the documents to this album")
    upload.add_argument("--public", action="store_true", help="make the documents public (default: private)")
    upload.add_argument("--title", help="the title of the one file given (default: its name)")
    upload.add_argument("--no-wait", action="store_true", help="do not wait for the uploads to be processed")
    upload.add_argument("--workers", type=int, default=4, help="files sent at once (default: 4)")
    upload.add_argument("--state", metavar="FILE", help="the resume journal of the one folder given")
    upload.set_defaults(words="paths")

    backup = _command(
        commands,
        "backup",
        "transfer:backup",
        "save every document of a member into a folder",
        "Save each document's original file and a JSON sidecar of its metadata into DIR. Files "
        "already saved with the right size are skipped, so the same command run again resumes.",
    )
    backup.add_argument("dir", metavar="DIR", help="where to save the files")
    backup.add_argument("--user", metavar="ID", type=int, help="whose documents (default: the token's member)")
    backup.add_argument("--workers", type=int, default=4, help="documents saved at once (default: 4)")

    simulator = _command(
        commands,
        "simulator",
        "simulate:run",
        "run a local ipernity simulator",
        "Run a local ipernity on 127.0.0.1 and print its endpoint, demo key and secret and a ready "
        "token of the demo member, until Ctrl-C.",
    )
    simulator.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    simulator.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    simulator.add_argument(
        "--upload-seconds", type=float, default=5.0, help="how long an upload takes to process (default: 5)"
    )
    return parser
