"""Server mode end to end: a real `chroma run` on loopback, ingest and two asking processes through the CLI."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.config import PROJECT_ROOT
from tests.chroma_server import chroma_server_fixture  # noqa: F401 - the chroma_server fixture
from tests.conftest import RIVERSIDE_GOLD, RIVERSIDE_POLICY
from tests.fakes import HashingEmbeddings

QUESTIONS = 8


def _policyqa(home: Path, *args: str, url: str | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "POLICYQA_HOME": str(home), "ANONYMIZED_TELEMETRY": "False"}
    env.pop("POLICYQA_CHROMA_URL", None)
    if url:
        env["POLICYQA_CHROMA_URL"] = url
    return subprocess.Popen(
        [sys.executable, "-m", "cli.main", *args],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen[str]) -> str:
    stdout, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr[-3000:]
    return stdout


def _answers(path: Path) -> list[tuple[str, str, list[str]]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(row["id"], row["verdict"], [c["paragraph"] for c in row["citations"]]) for row in rows]


@pytest.mark.slow  # a Chroma server and five processes loading the real model (about a minute)
def test_two_processes_ask_one_server_and_answer_as_the_embedded_index(chroma_server: str, tmp_path: Path) -> None:
    started = time.perf_counter()
    batch = tmp_path / "questions.jsonl"
    batch.write_text("\n".join(RIVERSIDE_GOLD.read_text(encoding="utf-8").splitlines()[:QUESTIONS]), encoding="utf-8")
    served, embedded = tmp_path / "served-home", tmp_path / "embedded-home"

    ingest_served = _policyqa(served, "ingest", str(RIVERSIDE_POLICY), url=chroma_server)
    ingest_embedded = _policyqa(embedded, "ingest", str(RIVERSIDE_POLICY))
    assert "indexed" in _finish(ingest_served)
    _finish(ingest_embedded)
    assert (served / "index" / "manifest.json").is_file(), "the manifest stays under POLICYQA_HOME"
    assert not (served / "index" / "chroma").exists(), "server mode writes no embedded store"
    assert (tmp_path / "chroma-server" / "chroma.sqlite3").is_file()

    askers = [
        _policyqa(served, "ask", "--batch", str(batch), "--out", str(tmp_path / f"served-{n}.jsonl"), url=chroma_server)
        for n in (1, 2)
    ]
    reference = _policyqa(embedded, "ask", "--batch", str(batch), "--out", str(tmp_path / "embedded.jsonl"))
    for process in (*askers, reference):
        _finish(process)
    expected = _answers(tmp_path / "embedded.jsonl")
    assert len(expected) == QUESTIONS and all(verdict for _, verdict, _ in expected)
    assert _answers(tmp_path / "served-1.jsonl") == expected
    assert _answers(tmp_path / "served-2.jsonl") == expected
    print(f"server mode: ingest and three asking processes in {time.perf_counter() - started:.1f} s")


def test_ingest_with_no_server_at_the_url_says_how_to_start_one(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr("assistant.runtime.load_embeddings", lambda settings: HashingEmbeddings())
    monkeypatch.setenv("POLICYQA_CHROMA_URL", f"http://127.0.0.1:{port}")
    result = CliRunner().invoke(app, ["ingest", str(RIVERSIDE_POLICY)])
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert f"No Chroma server answers at http://127.0.0.1:{port}: start it with `chroma run --path" in message
    assert "or unset POLICYQA_CHROMA_URL" in message and "Traceback" not in result.output
    assert not (Path(os.environ["POLICYQA_HOME"]) / "index" / "manifest.json").exists()
