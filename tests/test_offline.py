"""The offline guarantee: ingest, ask, eval and the app open no connection to anything but this machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT

OFFLINE = Path(__file__).parent / "offline"
TINY = """Tiny School Phones Policy

1. Phones
1.1 Staff must not use personal phones in lessons while pupils are present.
1.2 Staff may use personal phones in the staff room at break and lunchtime.
2. Photographs
2.1 Staff must not photograph pupils on a personal device; use a school camera.
3. Contacts
3.1 Questions about this policy go to the Headteacher.
"""
GOLD = [
    {
        "id": "t1",
        "question": "Can I text my partner from the staff room at lunch?",
        "expected_paragraphs": ["1.2"],
        "acceptable_paragraphs": [],
        "verdict": "allowed",
        "answerable": True,
        "key_facts": ["staff room"],
        "category": "phones",
    },
    {
        "id": "t2",
        "question": "Can I take a photo of my class on my own phone?",
        "expected_paragraphs": ["2.1"],
        "acceptable_paragraphs": [],
        "verdict": "prohibited",
        "answerable": True,
        "key_facts": ["school camera"],
        "category": "photos",
    },
]


@pytest.mark.slow  # a fresh process loading the real model, and the app
def test_ingest_ask_eval_and_the_app_run_with_every_outside_connection_blocked(tmp_path: Path) -> None:
    policy, gold, log = tmp_path / "tiny.txt", tmp_path / "tiny.jsonl", tmp_path / "connections.log"
    policy.write_text(TINY, encoding="utf-8")
    gold.write_text("\n".join(json.dumps(row) for row in GOLD), encoding="utf-8")
    env = {
        name: value
        for name, value in os.environ.items()
        # the code itself must keep the hub and telemetry off, not the caller's environment
        if not name.startswith(("POLICYQA_", "HF_", "TRANSFORMERS_")) and name != "ANONYMIZED_TELEMETRY"
    }
    env.update(
        PYTHONPATH=os.pathsep.join([str(OFFLINE), str(PROJECT_ROOT)]),
        POLICYQA_HOME=str(tmp_path / "home"),
        POLICYQA_NET_LOG=str(log),
        HOME=str(tmp_path / "user"),  # no user-wide Streamlit or Hugging Face settings
    )
    done = subprocess.run(
        [sys.executable, str(OFFLINE / "run_offline.py"), str(policy), str(gold)],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,  # where Streamlit finds .streamlit/config.toml, as `make run` does
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert "offline run complete" in done.stderr
    attempts = log.read_text(encoding="utf-8").splitlines()
    assert attempts[0] == "guard installed", "the socket guard was not loaded"
    assert attempts[1:] == [], f"connections to outside addresses were attempted: {attempts[1:]}"
