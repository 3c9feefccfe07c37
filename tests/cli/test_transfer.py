"""``upload`` and ``backup`` end to end: skip what is there, survive an interruption, resume."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ipernity_client.testing import Fault, ManualClock, Simulator

from .conftest import HANG, Background, env_for, ipernity


@pytest.fixture
def slow_sim(clock: ManualClock) -> Iterator[Simulator]:
    """Uploads take 5 s of the simulator's clock, which only the test moves."""
    with Simulator(clock=clock, upload_seconds=5) as simulator:
        yield simulator


def _tickets_recorded(config_dir: Path) -> int:
    journals = list((config_dir / "uploads").glob("*.jsonl"))
    if not journals:
        return 0
    return sum('"ticket":"' in line for line in journals[0].read_text().splitlines())


def test_a_folder_upload_interrupted_while_waiting_resumes_without_sending_again(
    slow_sim: Simulator, clock: ManualClock, config_dir: Path, tmp_path: Path, start: Callable[..., Background]
) -> None:
    sim = slow_sim
    folder = tmp_path / "photos"
    (folder / "trip").mkdir(parents=True)
    for index in range(4):
        (folder / "trip" / f"day{index}.jpg").write_bytes(b"jpeg %d" % index)
    (folder / "already.jpg").write_bytes(b"on the account")
    (folder / "notes.txt").write_text("not a photo")
    sim.state.add_doc(sim.state.member, "already.jpg", b"on the account")
    env = env_for(sim, config_dir)

    process = start("upload", str(folder), "--workers", "2", "--public", env=env)
    deadline = time.monotonic() + HANG
    while _tickets_recorded(config_dir) < 4:  # every file sent; the tickets wait on the frozen clock
        assert time.monotonic() < deadline and process.running(), "the upload did not get going"
        time.sleep(0.02)
    process.interrupt()
    stopped = process.finish()
    err = stopped.err
    assert stopped.code == 130, err
    assert "upload interrupted: run the same command again to resume" in err
    assert "[1/5] skipped" in err and err.count(" sent ") == 4
    assert sim.log.count("upload.file") == 4

    clock.advance(10)
    resumed = ipernity("upload", str(folder), "--workers", "2", "--public", env=env)
    assert resumed.code == 0, resumed.err
    assert resumed.out == "4 uploaded, 1 skipped, 0 failed\n"
    assert sim.log.count("upload.file") == 4
    uploaded = [doc for doc in sim.state.docs.values() if doc.filename.startswith("day")]
    assert sorted(doc.filename for doc in uploaded) == [f"day{index}.jpg" for index in range(4)]
    assert all(doc.is_public and doc.owner_id == sim.state.member.user_id for doc in uploaded)

    again = ipernity("--json", "upload", str(folder), env=env)
    assert again.code == 0
    assert len(json.loads(again.out)["skipped"]) == 5 and sim.log.count("upload.file") == 4


def test_single_files_take_a_title_and_no_wait_leaves_them_pending(
    slow_sim: Simulator, clock: ManualClock, config_dir: Path, tmp_path: Path
) -> None:
    photo = tmp_path / "car.jpg"
    photo.write_bytes(b"a car")
    env = env_for(slow_sim, config_dir)
    run = ipernity("upload", str(photo), "--title", "My car", "--no-wait", env=env)
    assert run.code == 0, run.err
    summary, pending = run.out.splitlines()
    assert summary == "0 uploaded, 0 skipped, 0 failed, 1 pending"
    assert pending.startswith(f"pending {photo}: still processing; ipernity call upload.checkTickets tickets=")
    assert f"sent {photo}" in run.err

    clock.advance(10)
    check = ipernity("call", *pending.split("ipernity call ")[1].split(), env=env)
    assert check.code == 0, check.err
    (ticket,) = json.loads(check.out)["ticket"]
    assert slow_sim.state.docs[ticket["doc_id"]].title == "My car"


def test_upload_lists_every_problem_of_its_command_line(member_env: dict[str, str], tmp_path: Path) -> None:
    run = ipernity(
        "upload", str(tmp_path / "nope.jpg"), "--title", "x", str(tmp_path), "--workers", "0", env=member_env
    )
    assert (run.code, run.out) == (2, "")
    assert "no such file or folder" in run.err
    assert "--title names one file" in run.err and "--workers must be at least 1" in run.err


def test_a_backup_that_failed_on_one_document_resumes_with_it(
    sim: Simulator, member_env: dict[str, str], tmp_path: Path
) -> None:
    contents = {
        sim.state.add_doc(sim.state.member, f"p{i}.jpg", b"photo %d" % i).doc_id: b"photo %d" % i for i in range(3)
    }
    sim.faults.script(Fault.error(1), method="doc.getContainers")  # not retried: the document fails
    dest = tmp_path / "backup"
    first = ipernity("backup", str(dest), "--workers", "2", env=member_env)
    assert first.code == 1
    assert first.out.splitlines()[0] == "2 downloaded, 0 skipped, 1 failed"
    assert "doc.getContainers: error 1" in first.out

    second = ipernity("--json", "backup", str(dest), env=member_env)
    assert second.code == 0, second.err
    report = json.loads(second.out)
    assert (len(report["downloaded"]), len(report["skipped"]), report["failed"]) == (1, 2, [])
    for doc_id, content in contents.items():
        assert (dest / f"{doc_id}.jpg").read_bytes() == content
        assert json.loads((dest / f"{doc_id}.json").read_text())["doc_id"] == doc_id


def test_a_backup_stopped_by_a_second_ctrl_c_resumes(
    sim: Simulator, member_env: dict[str, str], tmp_path: Path, start: Callable[..., Background]
) -> None:
    for index in range(4):
        sim.state.add_doc(sim.state.member, f"p{index}.jpg", b"photo %d" % index)
    sim.faults.script(Fault.slow(HANG), method="doc.getContainers", times=2)  # two documents in flight, stuck
    dest = tmp_path / "backup"
    process = start("backup", str(dest), "--workers", "2", env=member_env)
    deadline = time.monotonic() + HANG
    while sim.log.count("doc.getContainers") < 2:
        assert time.monotonic() < deadline and process.running(), "the backup did not get going"
        time.sleep(0.02)
    process.interrupt()
    assert (
        process.line("err")
        == "stopping the backup: letting the transfers in flight finish (Ctrl-C again to stop at once)\n"
    )
    process.interrupt()  # without waiting for the stuck documents
    stopped = process.finish()
    assert (stopped.code, stopped.out) == (130, "")
    assert stopped.err == "backup stopped at once; run the same command again to resume\n"

    resumed = ipernity("--json", "backup", str(dest), env=member_env)
    assert resumed.code == 0, resumed.err
    report = json.loads(resumed.out)
    assert len(report["downloaded"]) + len(report["skipped"]) == 4 and report["failed"] == []
    assert sorted(path.name for path in dest.iterdir()) == sorted(
        f"{doc_id}.{ext}" for doc_id in sim.state.docs for ext in ("jpg", "json")
    )
