"""The command end to end, as a user runs it: a subprocess talking to a simulator over HTTP."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ipernity_client.testing import Fault, Simulator

from .conftest import Background, Run, assert_no_secret, ipernity

# Bounds a wait for something that happens almost at once; reaching it fails the test.
PATIENCE = 60.0


def _wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.02)


def _free_port() -> int:
    """A port nobody listens on (once the probe is closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def ignoring_sigint() -> Iterator[None]:
    """This process ignores Ctrl-C meanwhile, as a shell's background job does (and its children inherit)."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


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
    port = _free_port()
    # A write: never retried, so the failure is immediate.
    run = ipernity(
        "--json", "call", "album.create", "title=x", "--endpoint", f"http://127.0.0.1:{port}", env=member_env
    )
    assert (run.code, run.out) == (3, "")
    error = json.loads(run.err)
    assert error["exit_code"] == 3 and error["type"] in ("ConnectionFailedError", "RequestTimeoutError")
    assert error["error"].startswith("album.create: ")
    assert_no_secret(run, member_env)


def test_ctrl_c_exits_130(sim: Simulator, member_env: dict[str, str], start: Callable[..., Background]) -> None:
    doc = sim.state.add_doc(sim.state.member, "car.jpg", b"jpeg")
    sim.faults.script(Fault.slow(PATIENCE), method="doc.get")  # a slow fault delays a successful reply
    with ignoring_sigint():  # as in a suite run as a background job: the command must still get Ctrl-C
        process = start("call", "doc.get", f"doc_id={doc.doc_id}", env=member_env)
    _wait_for(lambda: sim.log.count("doc.get") == 1 or not process.running())
    process.interrupt()
    assert process.finish() == Run(130, "", "ipernity: error: interrupted\n")


def test_the_simulator_command_prints_what_the_other_commands_need(start: Callable[..., Background]) -> None:
    port = _free_port()
    process = start("simulator", "--upload-seconds", "0", "--port", str(port))
    assert process.line().startswith(f"# ipernity simulator on http://127.0.0.1:{port}; the token acts as demo")
    env = dict(process.line().removeprefix("export ").strip().split("=", 1) for _ in range(4))
    assert set(env) == {"IPERNITY_ENDPOINT", "IPERNITY_API_KEY", "IPERNITY_API_SECRET", "IPERNITY_AUTH_TOKEN"}
    quota = ipernity("--json", "call", "account.getQuota", env=env)
    process.interrupt()
    stopped = process.finish()
    assert quota.code == 0, quota.err
    assert json.loads(quota.out)["is_pro"] is True
    assert stopped == Run(0, "", "Press Ctrl-C to stop.\nstopped\n")


def test_the_console_script_runs_help_and_completes_method_names(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "ipernity"
    done = subprocess.run([script, "help", "doc.get"], capture_output=True, text=True, timeout=PATIENCE)
    assert done.returncode == 0 and done.stdout.startswith("doc.get: Details of one document.")
    assert _complete("ipernity call doc.tags.r", tmp_path) == ["doc.tags.remove "]
    assert _complete("ipernity call doc.tags.add doc_id=1 k", tmp_path) == ["keywords="]


def _complete(line: str, tmp_path: Path) -> list[str]:
    """What the shell's completion (argcomplete, the ``cli`` extra) offers at the end of ``line``."""
    answer = tmp_path / "completions"
    completion = ipernity(
        env={
            "_ARGCOMPLETE": "1",
            "COMP_LINE": line,
            "COMP_POINT": str(len(line)),
            "_ARGCOMPLETE_STDOUT_FILENAME": str(answer),
        }
    )
    assert completion.code == 0, completion.err
    return answer.read_text().split("\v")


def test_options_stand_for_the_variables_and_methods_runs_as_a_command(sim: Simulator) -> None:
    token = sim.token({"doc": "read"}).token
    flags = ["--key", sim.api_key, "--secret", sim.api_secret, "--token", token, "--endpoint", sim.endpoint]
    who = ipernity("whoami", *flags)  # no IPERNITY_* variable at all
    assert who.code == 0, who.err
    assert who.out.startswith("demo (user_id 100001, PRO); permissions: blog=none, doc=read, network=none")
    assert sim.api_secret not in who.text() and token not in who.text()
    listed = ipernity("methods", "doc.tags.*")
    assert listed.code == 0 and [line.split()[0] for line in listed.out.splitlines()] == [
        "doc.tags.add",
        "doc.tags.edit",
        "doc.tags.getList",
        "doc.tags.remove",
    ]
