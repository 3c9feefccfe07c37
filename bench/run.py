"""`make bench`: speed figures as ratios against baselines measured side by side in this run.

Prints generation time (the real spec, and synthetic specs of 500 and 2,000 methods to show
the cost grows linearly), `from ipernity_client import Client` against `import requests` in fresh
interpreters, and the client's per-call time against a raw requests.Session doing the same work.
"""

from __future__ import annotations

import compileall
import hashlib
import importlib.util
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from codegen.loader import load_spec  # noqa: E402
from codegen.outputs import outputs  # noqa: E402
from tests.loopback import Reply, serve  # noqa: E402


def generation_seconds(spec_dir: Path, repeat: int = 3) -> float:
    """Best of ``repeat`` full loads and renders (no disk writes)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        outputs(load_spec(spec_dir))
        best = min(best, time.perf_counter() - start)
    return best


def synthetic_spec(target: Path, count: int) -> Path:
    """The real spec's service, errors, shapes and schema, with ``count`` copies of doc.get."""
    spec = target / f"spec{count}"
    shutil.copytree(ROOT / "spec" / "schema", spec / "schema")
    for name in ("service.yaml", "errors.yaml", "shapes.yaml"):
        shutil.copy(ROOT / "spec" / name, spec / name)
    (spec / "methods").mkdir()
    template = (ROOT / "spec" / "methods" / "doc.get.yaml").read_text()
    for index in range(count):
        name = f"svc{chr(97 + index % 26)}.item{index}.get"
        (spec / "methods" / f"{name}.yaml").write_text(template.replace("name: doc.get", f"name: {name}"))
    return spec


def import_seconds(statement: str) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def import_pair(rounds: int = 15) -> tuple[float, float]:
    """Median seconds of (``from ipernity_client import Client``, ``import requests``), interleaved so
    that load drift hits both. The package itself loads its names lazily: the client is what costs.

    Both are timed from their bytecode: pip compiled requests when it installed it, and the
    package is compiled here, since an editable install under PYTHONDONTWRITEBYTECODE has none.
    """
    spec = importlib.util.find_spec("ipernity_client")
    assert spec is not None and spec.origin is not None
    compileall.compile_dir(Path(spec.origin).parent, quiet=1)
    pairs = [
        (import_seconds("from ipernity_client import Client"), import_seconds("import requests")) for _ in range(rounds)
    ]
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def doc_get_reply() -> Reply:
    """doc.get's documented example as a REST JSON reply."""
    from ipernity_client._api import API
    from ipernity_client._runtime import xmltree

    raw = xmltree.to_raw(xmltree.parse(f"<api>{API.simulator_data.replies['doc.get']}</api>"))
    return Reply(200, json.dumps({"api": {"status": "ok"}, **raw}).encode(), "application/json")


def per_call(url: str, calls: int = 300, rounds: int = 7) -> tuple[float, float]:
    """Median seconds per call: (ipernity client, raw requests baseline), interleaved rounds."""
    import requests

    import ipernity_client

    client = ipernity_client.Client("key", "secret", "token", endpoint=url, retry=None)
    session = requests.Session()

    def raw_call() -> Any:
        params = {"doc_id": "12345", "extra": "tags,notes", "api_key": "key", "auth_token": "token"}
        text = "".join(k + params[k] for k in sorted(params)) + "doc.get" + "secret"
        params["api_sig"] = hashlib.md5(text.encode()).hexdigest()
        return json.loads(session.get(f"{url}/api/doc.get/json", params=params, timeout=(10, 60)).content)

    def ours() -> Any:
        return client.doc.get(doc_id=12345, extra=["tags", "notes"])

    mine: list[float] = []
    base: list[float] = []
    for func in (ours, raw_call):
        func()
    for _ in range(rounds):
        for func, sink in ((ours, mine), (raw_call, base)):
            start = time.perf_counter()
            for _ in range(calls):
                func()
            sink.append((time.perf_counter() - start) / calls)
    return statistics.median(mine), statistics.median(base)


def main() -> None:
    print("== generation")
    real = generation_seconds(ROOT / "spec")
    print(f"spec/ ({len(load_spec(ROOT / 'spec').methods)} methods): {real * 1000:.0f} ms (target < 1000 ms)")
    with tempfile.TemporaryDirectory() as tmp:
        small = generation_seconds(synthetic_spec(Path(tmp), 500), repeat=1)
        large = generation_seconds(synthetic_spec(Path(tmp), 2000), repeat=1)
    print(f"synthetic 500 methods: {small * 1000:.0f} ms; 2,000 methods: {large * 1000:.0f} ms")
    print(
        f"per method: {small / 500 * 1e3:.2f} ms vs {large / 2000 * 1e3:.2f} ms (ratio {large / 4 / small:.2f}; 1.00 = linear)"
    )

    print("== import (fresh interpreters, median of 15)")
    ours, theirs = import_pair()
    print(
        f"from ipernity_client import Client {ours * 1000:.1f} ms, import requests {theirs * 1000:.1f} ms: "
        f"{ours / theirs:.2f}x (target <= 1.2x)"
    )

    print("== per call, client.doc.get over loopback")
    reply = doc_get_reply()
    with serve(lambda request: reply) as url:
        mine, base = per_call(url)
    print(
        f"ipernity {mine * 1e6:.0f} us, raw requests + md5 + json.loads {base * 1e6:.0f} us: {mine / base:.2f}x (target <= 1.25x)"
    )

    protocols = Path(__file__).parent / "bench_protocols.py"
    if protocols.exists():
        print("== protocols")
        subprocess.run([sys.executable, str(protocols)], check=True)

    subprocess.run([sys.executable, str(Path(__file__).parent / "uploads.py")], check=True)


if __name__ == "__main__":
    main()
