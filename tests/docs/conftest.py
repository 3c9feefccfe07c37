"""The built site, shared by the docs tests: one strict MkDocs build per test session.

Under pytest-xdist the workers share one build: the first to take the lock builds it, the others
wait and reuse it (or its failure).
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# A build takes seconds; only a hung one reaches this, and then the tests fail instead of waiting.
BUILD_TIMEOUT = 600


def build_site(target: Path) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` into ``target``: a broken link or anchor fails it."""
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(target)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=BUILD_TIMEOUT
    )


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built from this checkout; the test fails with MkDocs' output when the build does.

    ``IPERNITY_SITE`` names a site already built strict (``make docs-check`` passes ``site``).
    """
    if os.environ.get("IPERNITY_SITE"):
        return ROOT / os.environ["IPERNITY_SITE"]
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # one directory for every worker of this session
    target, failed = shared / "site", shared / "site-build-failed.txt"
    with open(shared / "site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / "index.html").exists() and not failed.exists():
            result = build_site(target)
            if result.returncode != 0:
                failed.write_text(result.stdout + result.stderr)
    if failed.exists():
        pytest.fail(f"mkdocs build --strict failed:\n{failed.read_text()}")
    return target
