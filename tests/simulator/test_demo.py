"""The demo's longer workflow passes on every protocol and format, each step read back."""

from __future__ import annotations

import pytest

from ipernity_client._simulator.demo import main
from ipernity_client.testing import Simulator

STEPS = "auth.checkToken upload.file doc.get doc.tags.add album.create group.docs.add doc.comments.add faves.docs.add"
STEPS += " doc.search"


def test_the_demo_passes_everywhere_and_reads_every_step_back(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(Simulator) == 0
    out = capsys.readouterr().out
    passes = out.split("\n== ")[1:]
    assert len(passes) == len(Simulator.api.service.protocols) * len(Simulator.api.service.client_formats)
    for text in passes:
        assert "FAILED" not in text
        assert [step for step in STEPS.split() if f"  {step} " not in text] == []
    assert out.rstrip().endswith("0 scenario(s) failed.")
