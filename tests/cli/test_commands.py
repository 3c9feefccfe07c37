"""The command end to end, as a user runs it: a subprocess talking to a simulator over HTTP."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ipernity_client.testing import Fault, Simulator

from .conftest import assert_no_secret, ipernity, start

# Bounds a wait for something that happens almost at once; reaching it fails the test.
PATIENCE = 60.0


def _wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.02)


def test_call_gives_one_model_over_every_protocol_and_format(sim: Simulator, member_env: dict[str, str]) -> None:
    doc = sim.state.add_doc(sim.state.member, "car.jpg", b"jpeg", title="My car")
    outputs = []
    for protocol, fmt in (("rest", "json"), ("soap", "xml"), ("xmlrpc", "json")):
        run = ipernity(
            "call", "doc.get", f"doc_id={doc.doc_id}", "extra=tags,geo", "--protocol", protocol, "--format", fmt,
            env=member_env,
        )  # fmt: skip
        assert (run.code, run.err) == (0, ""), run.err
        assert_no_secret(run, member_env)
        outputs.append(json.loads(run.out))
    assert outputs[0]["doc_id"] == doc.doc_id and outputs[0]["title"] == "My car"
    assert outputs[0]["owner"]["username"] == "demo"
    assert outputs[1] == outputs[0] and outputs[2] == outputs[0]
    assert [call.protocol for call in sim.log.calls("doc.get")] == ["rest", "soap", "xmlrpc"]


def test_raw_prints_the_reply_body_as_received(sim: Simulator, member_env: dict[str, str]) -> None:
    doc = sim.state.add_doc(sim.state.member, "car.jpg", b"jpeg", title="Raw & plain")
    run = ipernity("call", "--raw", "--format", "xml", "doc.get", f"doc_id={doc.doc_id}", env=member_env)
    assert (run.code, run.err) == (0, "")
    assert run.out.startswith("<?xml") and 'title="Raw &amp; plain"' in run.out


def test_all_walks_every_page_of_a_paginated_method(sim: Simulator, member_env: dict[str, str]) -> None:
    member = sim.state.member
    for index in range(25):
        sim.state.add_doc(member, f"p{index}.jpg", b"%d" % index)
    run = ipernity("call", "doc.getList", f"user_id={member.user_id}", "per_page=10", "--all", env=member_env)
    assert run.code == 0, run.err
    items = json.loads(run.out)
    assert len(items) == 25 and len({item["doc_id"] for item in items}) == 25
    assert sim.log.count("doc.getList") == 3


def test_an_api_error_exits_1_naming_method_code_and_text_on_one_line(
    sim: Simulator, member_env: dict[str, str]
) -> None:
    run = ipernity("call", "doc.get", "doc_id=424242", env=member_env)
    assert (run.code, run.out) == (1, "")
    assert run.err == "ipernity: error: doc.get: error 1 (Document not found)\n"


def test_verbose_adds_the_debug_log_and_the_traceback_never_a_secret(
    sim: Simulator, member_env: dict[str, str]
) -> None:
    sim.faults.script(Fault.error(105), method="doc.get")
    run = ipernity("--verbose", "call", "doc.get", "doc_id=1", env=member_env)
    assert run.code == 1
    assert "ipernity_client.cli DEBUG calling doc.get over rest (json)" in run.err
    assert "Traceback (most recent call last)" in run.err
    assert run.err.splitlines()[-1].startswith("ipernity: error: doc.get: error 105")
    assert_no_secret(run, member_env)


def test_validation_exits_2_listing_every_problem_and_sends_nothing(
    sim: Simulator, member_env: dict[str, str], tmp_path: Path
) -> None:
    run = ipernity(
        "call", "upload.file", f"file={tmp_path / 'photo.jpg'}", "is_public=maybe", "album_id=", "colour=red",
        env=member_env,
    )  # fmt: skip
    assert (run.code, run.out) == (2, "")
    assert run.err.count("\n") == 1
    assert "upload.file: 4 problems found before sending: file: give a file as file=@PATH;" in run.err
    assert "is_public: expected a bool, got 'maybe'" in run.err
    assert "unknown parameter 'colour'" in run.err
    assert "album_id: expected an id" in run.err
    assert len(sim.log) == 0


def test_no_reply_exits_3_and_json_errors_are_machine_readable(member_env: dict[str, str]) -> None:
    with socket.socket() as probe:  # a port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # A write: never retried, so the failure is immediate.
    run = ipernity(
        "--json", "call", "album.create", "title=x", "--endpoint", f"http://127.0.0.1:{port}", env=member_env
    )
    assert (run.code, run.out) == (3, "")
    error = json.loads(run.err)
    assert error["exit_code"] == 3 and error["type"] in ("ConnectionFailedError", "RequestTimeoutError")
    assert error["error"].startswith("album.create: ")
    assert_no_secret(run, member_env)


def test_ctrl_c_exits_130(sim: Simulator, member_env: dict[str, str]) -> None:
    doc = sim.state.add_doc(sim.state.member, "car.jpg", b"jpeg")
    sim.faults.script(Fault.slow(PATIENCE), method="doc.get")  # a slow fault delays a successful reply
    process = start("call", "doc.get", f"doc_id={doc.doc_id}", env=member_env)
    _wait_for(lambda: sim.log.count("doc.get") == 1)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=PATIENCE)
    assert (process.returncode, out, err) == (130, "", "ipernity: error: interrupted\n")


def test_the_simulator_command_prints_what_the_other_commands_need(tmp_path: Path) -> None:
    process = start("simulator", "--upload-seconds", "0")
    assert process.stdout is not None
    banner = process.stdout.readline()
    assert banner.startswith("# ipernity simulator on http://127.0.0.1:")
    env = dict(process.stdout.readline().removeprefix("export ").strip().split("=", 1) for _ in range(4))
    assert set(env) == {"IPERNITY_ENDPOINT", "IPERNITY_API_KEY", "IPERNITY_API_SECRET", "IPERNITY_AUTH_TOKEN"}
    quota = ipernity("--json", "call", "account.getQuota", env=env)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=PATIENCE)
    assert quota.code == 0, quota.err
    assert json.loads(quota.out)["is_pro"] is True
    assert process.returncode == 0 and err == "Press Ctrl-C to stop.\nstopped\n"


def test_the_console_script_runs_help_and_completes_method_names(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "ipernity"
    done = subprocess.run([script, "help", "doc.get"], capture_output=True, text=True, timeout=PATIENCE)
    assert done.returncode == 0 and done.stdout.startswith("doc.get: Details of one document.")
    answer = tmp_path / "completions"
    line = "ipernity call doc.tags.r"
    completion = ipernity(
        env={
            "_ARGCOMPLETE": "1",
            "COMP_LINE": line,
            "COMP_POINT": str(len(line)),
            "_ARGCOMPLETE_STDOUT_FILENAME": str(answer),
        }
    )
    assert completion.code == 0, completion.err
    assert answer.read_text().split("\v") == ["doc.tags.remove "]
