"""What importing costs: each heavy dependency loads on first use, and the pytest plugin on its fixture.

Each check runs in a fresh interpreter, since this one has loaded everything already.
"""

from __future__ import annotations

import json
import subprocess
import sys

from ipernity_client.testing import Simulator


def run(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def loaded_of(statement: str, *names: str) -> list[str]:
    """Which modules of the packages or modules ``names`` a fresh interpreter holds after ``statement``."""
    everything: list[str] = json.loads(run(f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"))
    return [module for module in everything if any(module == name or module.startswith(f"{name}.") for name in names)]


def test_import_loads_only_what_a_rest_json_call_needs() -> None:
    """zeep, the SOAP/XML-RPC codecs, lxml and the method error classes load on first use only."""
    lazy = (
        "zeep",
        "lxml",
        "ipernity_client._runtime.soap",
        "ipernity_client._runtime.xmlrpc",
        "ipernity_client._method_errors",
    )
    assert loaded_of("import ipernity_client, ipernity_client.errors", *lazy) == []


def test_import_ipernity_loads_no_zeep_but_a_soap_client_does() -> None:
    code = (
        "import sys, ipernity_client\n"
        "assert 'zeep' not in sys.modules\n"
        "ipernity_client.Client('k', protocol='rest'); ipernity_client.Client('k', protocol='xmlrpc')\n"
        "assert 'zeep' not in sys.modules\n"
        "ipernity_client.Client('k', protocol='soap')\n"
        "print('zeep' in sys.modules)"
    )
    assert run(code) == "True"


def test_the_pytest_plugin_loads_neither_the_simulator_nor_requests_nor_lxml() -> None:
    """pytest loads the plugin in every run of a project that has the package installed."""
    heavy = ("ipernity_client._simulator", "requests", "lxml")
    loaded = loaded_of("import ipernity_client.pytest_plugin", "ipernity_client.pytest_plugin", *heavy)
    assert loaded == ["ipernity_client.pytest_plugin"]


def test_the_plugin_fixture_starts_a_working_simulator(ipernity_simulator: Simulator) -> None:
    with ipernity_simulator.client() as client:
        assert client.test.echo(echo="x") == "x"
    assert ipernity_simulator.log.count("test.echo") == 1
