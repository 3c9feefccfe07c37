"""The built wheel installs beside PyIpernity, and neither overwrites the other.

PyIpernity (`pip install pyipernity`) installs a top-level `ipernity/` package; ours installs only
`ipernity_client/`. These tests build the wheel, install it and pyipernity==0.3.1 from the package
index into a scratch venv, and look at what each installed and what still works once pyipernity
is uninstalled.

The wheel is built from a copy of the package sources (pyproject.toml, MANIFEST.in, README.md,
LICENSE, src/): setuptools builds in the source tree, writing build/ and src/*.egg-info, and a
stale build/lib would carry deleted modules into later wheels.

The package index is the only network this module uses. Where it cannot be reached (a
`pip download` of pyipernity fails with a connection error), the co-install tests skip and say
so; any other failure fails. The work is done once per run: under pytest-xdist the first worker
to need it does it, and the others wait for its record.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

pytestmark = pytest.mark.packaging

REPO = Path(__file__).resolve().parents[2]
DIST_NAME = "ipernity-client"
PYIPERNITY = "pyipernity==0.3.1"
PIP_OPTIONS = ["--disable-pip-version-check", "--no-input", "--progress-bar", "off", "--timeout", "20"]

# What pip prints when it cannot reach the index (connection refused, no route, DNS, TLS, proxy).
NETWORK_ERRORS = (
    "NewConnectionError",
    "ConnectTimeoutError",
    "ReadTimeoutError",
    "connection broken by",
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Name or service not known",
    "Network is unreachable",
    "Max retries exceeded",
    "Could not fetch URL",
    "ProxyError",
    "SSLError",
)

# Run with `python -I` in the scratch venv, from a scratch directory: nothing of the checkout can
# shadow what was installed.
WITH_BOTH = """
import importlib.metadata as md, importlib.resources as res, json
import ipernity
import ipernity_client
client = ipernity_client.Client("k")
print(json.dumps({
    "ipernity": ipernity.__file__,
    "ipernity_client": ipernity_client.__file__,
    "client": type(client).__module__ + "." + type(client).__qualname__,
    "ours": [str(f) for f in md.files("ipernity-client") or []],
    "theirs": [str(f) for f in md.files("pyipernity") or []],
    "wsdl": res.files("ipernity_client").joinpath("ipernity.wsdl").is_file(),
}))
"""

AFTER_UNINSTALL = """
import importlib.metadata as md, importlib.util, json, pathlib
import ipernity_client
client = ipernity_client.Client("k")
service = client.doc
print(json.dumps({
    "ipernity_found": importlib.util.find_spec("ipernity") is not None,
    "ipernity_client": ipernity_client.__file__,
    "client": type(client).__module__ + "." + type(client).__qualname__,
    "service": type(service).__qualname__,
    "missing": [str(f) for f in md.files("ipernity-client") or [] if not pathlib.Path(f.locate()).exists()],
}))
"""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV")}
    env["PYTHONNOUSERSITE"] = "1"
    return env


def _run(args: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout, check=False)


def _ok(args: list[str], cwd: Path, timeout: float = 600) -> str:
    done = _run(args, cwd, timeout)
    assert done.returncode == 0, f"{' '.join(args)} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _network_error(output: str) -> str | None:
    """The first line of pip's output that says the index could not be reached, shortened."""
    for line in output.splitlines():
        if any(marker in line for marker in NETWORK_ERRORS):
            line = line.strip()
            return line if len(line) <= 240 else line[:237] + "..."
    return None


def _once(
    tmp_path_factory: pytest.TempPathFactory, name: str, compute: Callable[[Path], dict[str, Any]]
) -> dict[str, Any]:
    """compute(scratch dir) once per test run, even across pytest-xdist workers.

    Its record (JSON) is kept beside the workers' temp dirs, which belong to this run only; a
    skip is kept as a record too, so every worker skips with the same reason.
    """
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return compute(tmp_path_factory.mktemp(name))
    shared = tmp_path_factory.getbasetemp().parent
    record = shared / f"{name}.json"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            try:
                result = compute(tmp_path_factory.mktemp(name))
            except pytest.skip.Exception as skip:
                result = {"skip": str(skip.msg)}
            record.write_text(json.dumps(result))
        result = json.loads(record.read_text())
    if "skip" in result:
        pytest.skip(result["skip"])
    assert isinstance(result, dict)
    return result


def _copy_sources(dest: Path) -> None:
    for name in ("pyproject.toml", "MANIFEST.in", "README.md", "LICENSE"):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, dest / name)
    shutil.copytree(REPO / "src", dest / "src", ignore=shutil.ignore_patterns("__pycache__", "*.py[cod]", "*.egg-info"))


def _build_wheel(tmp: Path) -> dict[str, Any]:
    import build  # the `test` extra's; a missing one is a broken install, not a reason to skip

    source, out = tmp / "source", tmp / "dist"
    source.mkdir()
    _copy_sources(source)
    requires = build.ProjectBuilder(source).build_system_requires
    unmet = [chain for req in sorted(requires) for chain in build.check_dependency(req)]
    # Without the backend [build-system] names, build in isolation (which fetches it from the index).
    isolation = ["--no-isolation"] if not unmet else []
    started = time.monotonic()
    _ok([sys.executable, "-m", "build", "--wheel", *isolation, "--outdir", str(out), str(source)], tmp)
    (wheel,) = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        top_level = next((archive.read(n).decode() for n in names if n.endswith(".dist-info/top_level.txt")), "")
    return {
        "wheel": str(wheel),
        "names": names,
        "top_level": top_level.split(),
        "isolated": bool(unmet),
        "seconds": round(time.monotonic() - started, 1),
    }


def _coinstall(wheel: Path, tmp: Path) -> dict[str, Any]:
    seconds: dict[str, float] = {}
    started = time.monotonic()
    venv = tmp / "venv"
    _ok([sys.executable, "-m", "venv", str(venv)], tmp)
    python = str(venv / "bin" / "python")
    seconds["venv"] = round(time.monotonic() - started, 1)

    # Is the index reachable? A small download first, with few retries, before the real install.
    started = time.monotonic()
    probe = _run(
        [
            python,
            "-m",
            "pip",
            "download",
            *PIP_OPTIONS,
            "--retries",
            "1",
            "--no-deps",
            PYIPERNITY,
            "-d",
            str(tmp / "probe"),
        ],
        tmp,
        timeout=120,
    )
    if probe.returncode != 0:
        unreachable = _network_error(probe.stdout + probe.stderr)
        if unreachable:
            pytest.skip(f"the package index cannot be reached to fetch {PYIPERNITY}: {unreachable}")
        pytest.fail(f"pip download {PYIPERNITY} failed, and not for the network:\n{probe.stdout}\n{probe.stderr}")
    seconds["probe"] = round(time.monotonic() - started, 1)

    started = time.monotonic()
    install = _run([python, "-m", "pip", "install", *PIP_OPTIONS, "--retries", "3", str(wheel), PYIPERNITY], tmp)
    if install.returncode != 0:
        unreachable = _network_error(install.stdout + install.stderr)
        if unreachable:
            pytest.skip(f"the package index could not be reached during the install: {unreachable}")
        pytest.fail(f"pip install of the wheel and {PYIPERNITY} failed:\n{install.stdout}\n{install.stderr}")
    seconds["install"] = round(time.monotonic() - started, 1)

    started = time.monotonic()
    with_both = json.loads(_ok([python, "-I", "-c", WITH_BOTH], tmp))
    _ok([python, "-m", "pip", "uninstall", "--yes", "--disable-pip-version-check", "pyipernity"], tmp)
    after = json.loads(_ok([python, "-I", "-c", AFTER_UNINSTALL], tmp))
    seconds["checks"] = round(time.monotonic() - started, 1)
    return {"venv": str(venv), "with_both": with_both, "after_uninstall": after, "seconds": seconds}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _once(tmp_path_factory, "packaging-wheel", _build_wheel)


@pytest.fixture(scope="module")
def coinstall(tmp_path_factory: pytest.TempPathFactory, wheel: dict[str, Any]) -> dict[str, Any]:
    return _once(tmp_path_factory, "packaging-coinstall", lambda tmp: _coinstall(Path(wheel["wheel"]), tmp))


def _top(path: str) -> str:
    return PurePosixPath(path).parts[0]


def test_wheel_holds_only_ipernity_client(wheel: dict[str, Any]) -> None:
    names: list[str] = wheel["names"]
    dist_info = {_top(n) for n in names if _top(n).endswith(".dist-info")}
    assert len(dist_info) == 1 and dist_info.pop().startswith("ipernity_client-")
    assert {_top(n) for n in names if not _top(n).endswith(".dist-info")} == {"ipernity_client"}
    assert wheel["top_level"] in ([], ["ipernity_client"])
    assert not [n for n in names if _top(n) in ("ipernity", "codegen", "tests", "spec", "bench", "generated")]
    assert "ipernity_client/ipernity.wsdl" in names
    assert "ipernity_client/py.typed" in names


def test_both_packages_import_from_their_own_directories(coinstall: dict[str, Any]) -> None:
    facts = coinstall["with_both"]
    ours, theirs = Path(facts["ipernity_client"]).resolve(), Path(facts["ipernity"]).resolve()
    venv = Path(coinstall["venv"]).resolve()
    assert ours.is_relative_to(venv) and theirs.is_relative_to(venv), facts
    assert ours.parent != theirs.parent
    assert (ours.parent.name, theirs.parent.name) == ("ipernity_client", "ipernity")
    assert facts["client"] == "ipernity_client.client.Client"
    assert facts["wsdl"] is True


def test_our_installed_files_hold_nothing_under_ipernity(coinstall: dict[str, Any]) -> None:
    facts = coinstall["with_both"]
    ours: list[str] = facts["ours"]
    assert ours, "importlib.metadata lists no files for ipernity-client"
    assert not [f for f in ours if _top(f) == "ipernity"]
    others = {_top(f) for f in ours if _top(f) != ".."} - {"ipernity_client"}
    assert len(others) == 1 and others.pop().startswith("ipernity_client-"), sorted({_top(f) for f in ours})
    # Outside site-packages, only the `ipernity` command (pyipernity installs no command).
    assert [PurePosixPath(f).name for f in ours if _top(f) == ".."] == ["ipernity"]
    # The check means something: pyipernity's files are the ones under ipernity/.
    assert [f for f in facts["theirs"] if _top(f) == "ipernity"]


def test_uninstalling_pyipernity_leaves_ipernity_client_working(coinstall: dict[str, Any]) -> None:
    after = coinstall["after_uninstall"]
    assert after["ipernity_found"] is False, "pyipernity's ipernity package is still importable after its uninstall"
    assert after["missing"] == [], f"uninstalling pyipernity removed files of {DIST_NAME}"
    assert after["ipernity_client"] == coinstall["with_both"]["ipernity_client"]
    assert after["client"] == "ipernity_client.client.Client"
    assert after["service"] == "DocService"
