"""The command's frame in-process: global options anywhere, usage errors, settings and the masked log."""

from __future__ import annotations

import argparse
import json
import logging

import pytest

from ipernity_client._cli import run
from ipernity_client._cli.logs import MaskingFormatter
from ipernity_client._cli.settings import settings
from ipernity_client.cli import BINDING


def test_global_options_go_before_or_after_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(BINDING, ["methods", "account.*", "--json"], environ={}) == 0
    after = capsys.readouterr().out
    assert run(BINDING, ["--json", "methods", "account.*"], environ={}) == 0
    assert capsys.readouterr().out == after
    assert [m["name"] for m in json.loads(after)] == ["account.getQuota"]


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(BINDING, [], environ={}) == 2
    assert "usage: ipernity" in capsys.readouterr().err
    assert run(BINDING, ["frobnicate"], environ={}) == 2
    assert "invalid choice: 'frobnicate'" in capsys.readouterr().err
    assert run(BINDING, ["call", "doc.get", "doc_id=1"], environ={}) == 2
    assert capsys.readouterr().err == "ipernity: error: no API key: pass --key or set IPERNITY_API_KEY\n"
    assert run(BINDING, ["whoami", "--bogus"], environ={}) == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err


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
