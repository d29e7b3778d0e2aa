"""An ingest killed with SIGKILL at any point leaves the previous index answering, and a rerun completes.

The CLI runs in a subprocess (tests/ingest/killable_cli.py) with the fake model and stops at a chosen point;
the test kills it there, then asks and ingests again in-process.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT
from tests.conftest import BUNDLED_POLICY, RIVERSIDE_POLICY
from tests.fakes import HashingEmbeddings
from tests.ingest.test_store_faults import (
    QUESTION,
    ask_ok,
    chroma_segment_folders,
    index_dir,
    listing,
    new_process,
    run,
)

POINTS = ["embed", "chroma", "files", "switch"]


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("assistant.runtime.load_embeddings", lambda settings: HashingEmbeddings())


def cli(point: str, tmp_path: Path, *args: str, real_model: bool = False) -> subprocess.Popen[bytes]:
    """The CLI in a subprocess, with the fake model unless `real_model`, stopping at `point`."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "ANONYMIZED_TELEMETRY": "False"}
    env["POLICYQA_TEST_REAL_MODEL"] = "1" if real_model else "0"
    marker = tmp_path / f"stopped-{point}"
    command = [sys.executable, "-m", "tests.ingest.killable_cli", point, str(marker), "--", *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)


def kill_ingest_at(point: str, tmp_path: Path, *args: str, real_model: bool = False) -> None:
    marker = tmp_path / f"stopped-{point}"
    process = cli(point, tmp_path, "ingest", *args, real_model=real_model)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            if process.poll() is not None:
                out, err = process.communicate()
                pytest.fail(f"the ingest ended before reaching {point!r}: {out.decode()} {err.decode()}")
            assert time.monotonic() < deadline, f"the ingest never reached {point!r}"
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL


@pytest.mark.slow
@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("rebuild", [False, True], ids=["changed", "rebuild"])
def test_a_killed_ingest_leaves_the_previous_index_answering(
    fake_model: None, tmp_path: Path, point: str, rebuild: bool
) -> None:
    assert run("ingest", str(BUNDLED_POLICY), str(RIVERSIDE_POLICY))[0] == 0
    before, answer = listing(), ask_ok()
    changed = tmp_path / BUNDLED_POLICY.name
    changed.write_text(BUNDLED_POLICY.read_text(encoding="utf-8") + "\n12. Added\n12.1 Staff must log out.\n")
    policies = [str(changed), str(RIVERSIDE_POLICY)]
    kill_ingest_at(point, tmp_path, *(["--rebuild"] if rebuild else []), *policies)
    new_process()
    assert listing() == before
    assert ask_ok()["citations"] == answer["citations"]
    code, _, err = run("ingest", *(["--rebuild"] if rebuild else []), *policies)
    assert code == 0, err
    assert {e["policy_id"]: e["paragraphs"] for e in listing()}[changed.stem] == 47
    ask_ok()
    assert len(chroma_segment_folders()) == 2, "the killed run's leftovers are collected"
    leftovers = [p.name for p in index_dir().rglob("*.tmp")]
    assert not leftovers
    entries = json.loads((index_dir() / "manifest.json").read_text())["policies"].values()
    on_disk = {f"policies/{p.name}" for p in (index_dir() / "policies").iterdir()}
    assert on_disk == {path for entry in entries for path in entry["checksums"]}, "only the live files are kept"


@pytest.mark.slow
def test_a_rebuild_killed_while_the_real_model_embeds_leaves_the_index_answering(
    tmp_path: Path, real_embeddings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real `policyqa ingest --rebuild`, packaged model and all, killed mid-way (the reported probe)."""
    monkeypatch.setattr("assistant.runtime.load_embeddings", lambda settings: real_embeddings)
    policies = [str(BUNDLED_POLICY), str(RIVERSIDE_POLICY)]
    monkeypatch.setenv("POLICYQA_QUESTIONS_DIR", str(tmp_path / "no-banks"))  # keeps the real embedding short
    assert run("ingest", *policies)[0] == 0
    before, answer = listing(), ask_ok()
    kill_ingest_at("embed", tmp_path, "--rebuild", *policies, real_model=True)
    new_process()
    assert listing() == before
    assert ask_ok()["citations"] == answer["citations"]
    assert run("ingest", "--rebuild", *policies)[0] == 0
    assert ask_ok()["citations"] == answer["citations"]


@pytest.mark.slow
def test_other_processes_asking_throughout_a_rebuild_are_answered(fake_model: None, tmp_path: Path) -> None:
    """The reported probe: staff ask (each a process of its own) while `ingest --rebuild` runs in another."""
    policies = [str(BUNDLED_POLICY), str(RIVERSIDE_POLICY)]
    assert run("ingest", *policies)[0] == 0
    answer = ask_ok()
    rebuild = cli("slow", tmp_path, "ingest", "--rebuild", *policies)
    question = ["ask", QUESTION, "--policy", "social-media-and-electronic-communications-policy", "--json"]
    answered = 0
    while rebuild.poll() is None:
        asker = cli("none", tmp_path, *question)
        out, err = asker.communicate(timeout=120)
        assert asker.returncode == 0, err.decode()
        assert json.loads(out)["citations"] == answer["citations"]
        answered += 1
    assert rebuild.returncode == 0, rebuild.communicate()[1].decode()
    assert answered >= 2, "the rebuild ended before questions could be asked during it"
    new_process()
    assert ask_ok()["citations"] == answer["citations"]
