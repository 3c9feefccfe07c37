"""The command run as a user runs it (a subprocess, ``python -m ipernity_client``) against a simulator.

Each subprocess costs the interpreter's start and the package's import, so the tests run few of
them; the parsing and formatting details are tested in-process.
"""

from __future__ import annotations

import functools
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

from ipernity_client.testing import Simulator

# Generous: only a hung command reaches it, and then the test fails instead of hanging the suite.
HANG = 120
ALL_PERMS = {"doc": "delete", "blog": "delete", "post": "delete", "network": "delete", "profile": "delete"}


@dataclass
class Run:
    """A finished command: exit code, stdout, stderr."""

    code: int
    out: str
    err: str

    def text(self) -> str:
        return self.out + self.err


def environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without any IPERNITY_* variable, plus ``extra``."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("IPERNITY_")}
    env.update(extra or {})
    return env


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "ipernity_client", *args]


def ipernity(*args: str, env: Mapping[str, str] | None = None) -> Run:
    """Run ``ipernity ARGS`` to the end."""
    done = subprocess.run(command(*args), capture_output=True, text=True, env=environment(env), timeout=HANG)
    return Run(done.returncode, done.stdout, done.stderr)


@contextmanager
def interruptible() -> Iterator[None]:
    """Children started here get Ctrl-C as a user's command does, even when this suite ignores SIGINT.

    A suite run as a background job of a shell ignores SIGINT, children inherit that, and a
    Python started so never raises KeyboardInterrupt: its Ctrl-C tests would wait in vain.
    A handler (unlike "ignore") is reset to the default when the child starts.
    """
    ignored = signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    if ignored:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        if ignored:
            signal.signal(signal.SIGINT, signal.SIG_IGN)


class Background:
    """``ipernity ARGS`` running in the background: its output line by line, every wait bounded by HANG.

    A reader thread per stream queues the lines, so waiting for one can time out (a pipe's
    ``readline`` cannot); a command still running when the test ends is killed.
    """

    def __init__(self, args: tuple[str, ...], env: Mapping[str, str] | None) -> None:
        with interruptible():
            self.process = subprocess.Popen(
                command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment(env)
            )
        self._lines: dict[str, queue.Queue[str | None]] = {"out": queue.Queue(), "err": queue.Queue()}
        self._readers = [
            threading.Thread(target=self._read, args=(stream, self._lines[name]), daemon=True)
            for name, stream in (("out", self.process.stdout), ("err", self.process.stderr))
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream: IO[str] | None, lines: queue.Queue[str | None]) -> None:
        assert stream is not None
        for line in stream:
            lines.put(line)
        lines.put(None)

    def line(self, stream: str = "out") -> str:
        """The next line the command writes on std``stream`` ("" at its end); fails after HANG seconds."""
        try:
            line = self._lines[stream].get(timeout=HANG)
        except queue.Empty:
            self.kill()
            pytest.fail(f"no line on std{stream} within {HANG} s")
        if line is None:
            self._lines[stream].put(None)
            return ""
        return line

    def running(self) -> bool:
        return self.process.poll() is None

    def interrupt(self) -> None:
        """Ctrl-C."""
        self.process.send_signal(signal.SIGINT)

    def finish(self) -> Run:
        """Wait for the end (at most HANG seconds, else kill and fail): exit code and the output not read yet."""
        try:
            code = self.process.wait(timeout=HANG)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"{self.process.args!r} still running after {HANG} s")
        for reader in self._readers:
            reader.join(timeout=HANG)
        return Run(code, self._rest("out"), self._rest("err"))

    def _rest(self, stream: str) -> str:
        return "".join(iter(functools.partial(self.line, stream), ""))

    def kill(self) -> None:
        """Kill the command if it still runs (a test that failed midway), and close its pipes."""
        if self.running():
            self.process.kill()
            self.process.wait(timeout=HANG)
        for reader in self._readers:
            reader.join(timeout=HANG)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def start() -> Iterator[Callable[..., Background]]:
    """Start ``ipernity ARGS`` in the background: ``start(*args, env=...)``; killed at the end if still running."""
    started: list[Background] = []

    def launch(*args: str, env: Mapping[str, str] | None = None) -> Background:
        started.append(Background(args, env))
        return started[-1]

    yield launch
    for process in started:
        process.kill()


@pytest.fixture
def sim() -> Iterator[Simulator]:
    with Simulator(upload_seconds=0) as simulator:
        yield simulator


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    return tmp_path / "config"


def env_for(sim: Simulator, config_dir: Path) -> dict[str, str]:
    """The variables that make the command act as the demo member on ``sim``, with every permission."""
    return {
        "IPERNITY_ENDPOINT": sim.endpoint,
        "IPERNITY_API_KEY": sim.api_key,
        "IPERNITY_API_SECRET": sim.api_secret,
        "IPERNITY_AUTH_TOKEN": sim.token(ALL_PERMS).token,
        "IPERNITY_CONFIG_DIR": str(config_dir),
    }


@pytest.fixture
def member_env(sim: Simulator, config_dir: Path) -> dict[str, str]:
    return env_for(sim, config_dir)


def assert_no_secret(run: Run, env: Mapping[str, str]) -> None:
    """Neither the secret nor the token appears anywhere in what the command printed."""
    for name in ("IPERNITY_API_SECRET", "IPERNITY_AUTH_TOKEN"):
        assert env[name] not in run.text(), name
