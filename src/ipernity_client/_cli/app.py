"""Run the command: parse, set up logging, carry out the sub-command, turn errors into exit codes."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence

from .binding import Binding
from .context import Context
from .exits import OK, USAGE, UsageError, describe, exit_code, scrub
from .logs import verbose
from .parser import build
from .settings import Settings, settings

Handler = Callable[[Context, argparse.Namespace], int]


def run(binding: Binding, argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Carry out one command line (``sys.argv[1:]`` by default) and return its exit code."""
    environ = os.environ if environ is None else environ
    parser = build(binding)
    if "_ARGCOMPLETE" in environ:
        _complete(parser)
    words = sys.argv[1:] if argv is None else list(argv)
    try:
        args = _parse(parser, words)
    except SystemExit as stop:  # --help or --version, printed
        return stop.code if isinstance(stop.code, int) else USAGE
    except UsageError as error:  # not parsed: the output options are taken from the words as given
        return _fail(binding.prog, error, Settings(None, None, None, None, json="--json" in words))
    if args.handler is None:
        parser.print_help(sys.stderr)
        return USAGE
    run_settings = settings(args, environ)
    if run_settings.verbose:
        verbose(run_settings.secrets)
    try:
        return _handler(args.handler)(Context(binding, run_settings), args)
    except BrokenPipeError:
        return _reader_gone()
    except (Exception, KeyboardInterrupt) as error:
        return _fail(binding.prog, error, run_settings)


def _reader_gone() -> int:
    """stdout's reader stopped reading (``ipernity methods | head``): it has what it wanted, so no error.

    stdout now goes nowhere, so that the interpreter's final flush finds no broken pipe either.
    """
    with contextlib.suppress(OSError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return OK


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str]) -> argparse.Namespace:
    """Parse, letting a command's list of words (``call``'s parameters, ``upload``'s paths) follow its options too."""
    args, extra = parser.parse_known_args(argv)
    words = getattr(args, "words", None)
    if extra and words is not None and not any(word.startswith("-") for word in extra):
        setattr(args, words, [*getattr(args, words), *extra])
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def _handler(path: str) -> Handler:
    module, _, name = path.partition(":")
    handler: Handler = getattr(importlib.import_module(f"{__package__}.{module}"), name)
    return handler


def _fail(prog: str, error: BaseException, run_settings: Settings) -> int:
    """Report ``error`` on stderr as one masked line (a masked traceback first with --verbose)."""
    code = exit_code(error)
    secrets = run_settings.secrets
    if run_settings.verbose and not isinstance(error, KeyboardInterrupt):
        sys.stderr.write(scrub("".join(traceback.format_exception(error)), secrets))
    message = scrub(describe(error), secrets)
    if run_settings.json:
        report = {"error": message, "type": type(error).__name__, "exit_code": code}
        api_code = getattr(error, "code", None)
        if isinstance(api_code, int):
            report["code"] = api_code
        sys.stderr.write(json.dumps(report) + "\n")
    else:
        sys.stderr.write(f"{prog}: error: {message}\n")
    sys.stderr.flush()
    return code


def _complete(parser: argparse.ArgumentParser) -> None:
    """Answer the shell's completion request and exit, when argcomplete (the ``cli`` extra) is installed."""
    try:
        import argcomplete
    except ImportError:
        return
    argcomplete.autocomplete(parser)
