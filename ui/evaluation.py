"""The Quality page's evaluation: run `policyqa eval` in its own process and read the result it saves.

The app never imports the evaluation code: the eval is a separate program (it loads the gold set and the
naive baseline), so the page starts it as a child process with the app's own settings in its environment
and reads `<POLICYQA_HOME>/eval/<policy>.json`, the same file `policyqa eval` writes from a terminal.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from core.config import Settings
from core.errors import PolicyQAError

EVAL_TIMEOUT_S = 30 * 60


def latest_evaluation(settings: Settings, policy_id: str) -> dict[str, Any] | None:
    """The saved evaluation of `policy_id`, None when there is none; ValueError when it is unreadable."""
    path = settings.latest_eval_path(policy_id)
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path} does not hold an evaluation")
    return data


def run_evaluation(settings: Settings, policy_id: str) -> None:
    """`policyqa eval --policy <id> --compare naive` on this app's home and gold folder; raises
    PolicyQAError with the program's own last error line when it fails."""
    env = {
        **os.environ,
        "POLICYQA_HOME": str(settings.home),
        "POLICYQA_GOLD_DIR": str(settings.gold_dir),
        "POLICYQA_EMBEDDING_MODEL": settings.embedding_model,
    }
    command = [sys.executable, "-m", "cli.main", "eval", "--policy", policy_id, "--compare", "naive"]
    try:
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=EVAL_TIMEOUT_S, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired as exc:
        raise PolicyQAError(
            f"The evaluation took over {EVAL_TIMEOUT_S // 60} minutes and was stopped: run `policyqa eval "
            f"--policy {policy_id} --compare naive` in a terminal."
        ) from exc
    if done.returncode != 0:
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        raise PolicyQAError(lines[-1] if lines else f"The evaluation stopped with exit code {done.returncode}.")
