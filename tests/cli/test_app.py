"""The command's frame in-process: global options anywhere, usage errors, settings and the masked log."""

from __future__ import annotations

import argparse
import io
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from ipernity_client._cli import run
from ipernity_client._cli.logs import MaskingFormatter
from ipernity_client._cli.settings import settings
from ipernity_client.cli import BINDING

from .conftest import HANG


def test_global_options_go_before_or_after_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(BINDING, ["methods", "account.*", "--json"], environ={}) == 0
    after = capsys.readouterr().out
    assert run(BINDING, ["--json", "methods", "account.*"], environ={}) == 0
    assert capsys.readouterr().out == after
    assert [m["name"] for m in json.loads(after)] == ["account.getQuota"]


def test_usage_errors_exit_2_on_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(BINDING, [], environ={}) == 2
    assert "usage: ipernity" in capsys.readouterr().err
    assert run(BINDING, ["frobnicate"], environ={}) == 2
    assert capsys.readouterr().err.startswith("ipernity: error: argument COMMAND: invalid choice: 'frobnicate'")
    assert run(BINDING, ["call", "doc.get", "doc_id=1"], environ={}) == 2
    assert capsys.readouterr().err == "ipernity: error: no API key: pass --key or set IPERNITY_API_KEY\n"
    assert run(BINDING, ["whoami", "--bogus"], environ={}) == 2
    assert capsys.readouterr().err == "ipernity: error: unrecognized arguments: --bogus (see 'ipernity --help')\n"
    assert run(BINDING, ["call"], environ={}) == 2
    assert capsys.readouterr().err == (
        "ipernity: error: the following arguments are required: METHOD (see 'ipernity call --help')\n"
    )


def test_usage_errors_are_json_with_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(BINDING, ["upload", "photos", "--workers", "many", "--json"], environ={}) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert json.loads(captured.err) == {
        "error": "argument --workers: invalid int value: 'many' (see 'ipernity upload --help')",
        "type": "UsageError",
        "exit_code": 2,
    }


class ClosedPipe(io.StringIO):
    """stdout whose reader has gone (``ipernity methods | head -1``), on a real file descriptor."""

    def __init__(self, descriptor: int) -> None:
        super().__init__()
        self.descriptor = descriptor

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:
        return self.descriptor


def test_a_reader_that_stops_reading_is_no_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with (tmp_path / "stdout").open("w") as target:
        monkeypatch.setattr(sys, "stdout", ClosedPipe(target.fileno()))
        assert run(BINDING, ["methods"], environ={}) == 0
    assert capsys.readouterr().err == ""


def test_version_and_help_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(BINDING, ["--version"], environ={}) == 0
    assert capsys.readouterr().out.startswith("ipernity ")
    assert run(BINDING, ["call", "--help"], environ={}) == 0
    assert "file=@PATH" in capsys.readouterr().out


def test_options_win_over_the_environment_and_settings_never_show_secrets() -> None:
    args = argparse.Namespace(key="from-option", secret=None, token=None, endpoint=None)
    environ = {"IPERNITY_API_KEY": "from-env", "IPERNITY_API_SECRET": "s3cr3t", "IPERNITY_AUTH_TOKEN": ""}
    found = settings(args, environ)
    assert (found.key, found.secret, found.token) == ("from-option", "s3cr3t", None)
    assert "s3cr3t" not in repr(found)


def test_the_verbose_log_masks_secrets_and_named_credentials() -> None:
    record = logging.LogRecord(
        "ipernity_client.http", logging.DEBUG, __file__, 1, "GET %s", ("/api?auth_token=t0k3n&x=1 s3cr3t",), None
    )
    line = MaskingFormatter(("s3cr3t",)).format(record)
    assert "t0k3n" not in line and "s3cr3t" not in line and "auth_token=***" in line


def test_all_is_only_for_paginated_methods_and_not_with_raw(capsys: pytest.CaptureFixture[str]) -> None:
    environ = {"IPERNITY_API_KEY": "key", "IPERNITY_ENDPOINT": "http://127.0.0.1:9"}
    assert run(BINDING, ["call", "doc.get", "doc_id=1", "--all"], environ=environ) == 2
    assert "'doc.get' is not a paginated method" in capsys.readouterr().err
    assert run(BINDING, ["call", "doc.getList", "user_id=1", "--all", "--raw"], environ=environ) == 2
    assert "--all and --raw do not go together" in capsys.readouterr().err


def test_methods_and_help_import_neither_requests_nor_the_simulator() -> None:
    script = (
        "import sys\n"
        "from ipernity_client.cli import main\n"
        "main(['methods', 'doc.*']) or main(['help', 'doc.get'])\n"
        "print(sorted(m for m in ('requests', 'zeep', 'ipernity_client._simulator') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=HANG)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"
