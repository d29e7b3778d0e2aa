"""One Assistant shared by many users (Streamlit sessions are threads): no errors, one load, the same answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from assistant.runtime import open_index
from core.config import PROJECT_ROOT, Settings
from ingest.pipeline import ingest_policy, parse_file
from tests.conftest import BUNDLED_GOLD, BUNDLED_POLICY

RUNS = 3
THREADS = 8
BUNDLED_POLICY_ID = "social-media-and-electronic-communications-policy"


def _gold_questions() -> list[str]:
    lines = BUNDLED_GOLD.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def _probe(home: Path, questions: Path, *flags: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "ANONYMIZED_TELEMETRY": "False"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.concurrency_probe", str(home), str(questions), *flags],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow  # a few fresh Python processes, ~5 s each
def test_first_questions_at_once_from_eight_threads_load_once_and_answer_as_serial(
    settings: Settings, fake_embeddings, tmp_path: Path
) -> None:
    index, embeddings = open_index(settings, fake_embeddings)
    ingest_policy(parse_file(BUNDLED_POLICY, settings), index, embeddings, settings)
    questions = tmp_path / "questions.json"
    questions.write_text(json.dumps(_gold_questions()[:THREADS]), encoding="utf-8")

    serial = _probe(settings.home, questions, "--fake", "--serial")
    assert not serial["errors"]
    failures = []
    for _ in range(RUNS):
        started = _probe(settings.home, questions, "--fake", "--threads", str(THREADS))
        failures += started["errors"]
        assert started["model_loads"] == 1, f"the model was loaded {started['model_loads']} times"
        assert started["policy_loads"] == 1, f"the policy index was loaded {started['policy_loads']} times"
        assert started["answers"] == serial["answers"]
    assert not failures, f"{len(failures)} of {RUNS * THREADS} first questions failed: {sorted(set(failures))}"


@pytest.mark.slow  # the real model, 8 x 50 gold questions
def test_eight_threads_of_fifty_questions_answer_exactly_as_one(real_assistant) -> None:
    questions = _gold_questions()[:50]

    def key(question: str) -> tuple[str, tuple[str, ...]]:
        answer = real_assistant.ask(question, policy=BUNDLED_POLICY_ID)
        return answer.verdict, tuple(c.paragraph for c in answer.citations)

    serial = [key(question) for question in questions]
    started = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        # each thread asks all fifty, starting at a different question
        runs = [
            pool.submit(lambda shift: [(i, key(questions[i])) for i in _rotated(len(questions), shift)], shift)
            for shift in range(0, len(questions), len(questions) // THREADS)[:THREADS]
        ]
        results = [run.result() for run in runs]
    print(f"{THREADS}x{len(questions)} concurrent asks in {time.perf_counter() - started:.1f} s")
    for result in results:
        assert len(result) == len(questions)
        for position, answer in result:
            assert answer == serial[position], questions[position]


def _rotated(count: int, shift: int) -> list[int]:
    return [(position + shift) % count for position in range(count)]
