"""With the onnx backend `policyqa ingest` and `ask` run the packaged model on onnxruntime: a fresh process
never imports torch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT

TINY = (
    "Passwords Policy\n"
    "1. Passwords\n"
    "1.1 Staff must never share their password with anyone, including IT support.\n"
    "1.2 IT support will never ask for your password.\n"
    "2. Email\n"
    "2.1 Staff must use their school email account for school business.\n"
)
HEAVY = ("torch", "sentence_transformers", "transformers")
# run the CLI as `policyqa` does, then list which heavy modules the process imported
PROBE = (
    "import json, sys\n"
    "from cli.main import main\n"
    "sys.argv = ['policyqa', *json.loads(sys.argv[1])]\n"
    "try:\n"
    "    main()\n"
    "except SystemExit as exc:\n"
    "    if exc.code:\n"
    "        raise\n"
    f"print('HEAVY', json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})))\n"
)


def _policyqa(home: Path, *args: str) -> tuple[str, list[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYQA_")}
    env.update(
        POLICYQA_HOME=str(home),
        POLICYQA_QUESTIONS_DIR=str(home / "no-bank"),
        POLICYQA_EMBEDDING_BACKEND="onnx",
        PYTHONPATH=str(PROJECT_ROOT),
        HF_HUB_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
    )
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=PROJECT_ROOT,
        env=env,
    )
    assert completed.returncode == 0, completed.stderr
    out, _, heavy = completed.stdout.rpartition("HEAVY ")
    return out, json.loads(heavy)


@pytest.mark.slow
def test_ingest_and_ask_on_onnx_never_import_torch(tmp_path: Path) -> None:
    policy = tmp_path / "passwords.txt"
    policy.write_text(TINY, encoding="utf-8")
    home = tmp_path / "home"
    out, heavy = _policyqa(home, "ingest", str(policy))
    assert "indexed" in out and heavy == []
    manifest = json.loads((home / "index" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["signature"]["embedding_backend"] == "onnx"
    out, heavy = _policyqa(home, "ask", "Can I give my password to IT?", "--json")
    assert heavy == []
    answer = json.loads(out)
    assert (
        answer["verdict"] == "prohibited"
        and answer["citations"]
        and {c["paragraph"] for c in answer["citations"]} <= {"1.1", "1.2"}
    )
