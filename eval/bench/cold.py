"""Cold start: seconds from starting a fresh process to its first printed answer."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from core.config import PROJECT_ROOT
from core.errors import PolicyQAError

TIMEOUT_S = 300.0


@dataclass(frozen=True)
class ColdStart:
    first_output_s: float  # the process printed its first line (the answer)
    exit_s: float  # ... and exited


def cli_command(question: str, policy_id: str) -> list[str]:
    """`policyqa ask` as the console script runs it (cli.main:main), from this checkout."""
    return [sys.executable, "-m", "cli.main", "ask", question, "--policy", policy_id]


def app_command(question: str, policy_id: str) -> list[str]:
    return [sys.executable, "-m", "eval.bench.app_probe", policy_id, question]


def bench_env(home: Path) -> dict[str, str]:
    """This environment with the bench's own POLICYQA_HOME and this checkout first on the import path."""
    env = dict(os.environ)
    env["POLICYQA_HOME"] = str(home)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH", "")]))
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("ANONYMIZED_TELEMETRY", "False")
    return env


def time_cold_start(command: Sequence[str], env: dict[str, str], cwd: Path = PROJECT_ROOT) -> ColdStart:
    """Start `command`, wait for its first non-empty line on stdout and for its exit; refuse a failed run."""
    with tempfile.TemporaryFile("w+") as stderr:  # a file, not a pipe: a chatty stderr cannot block the child
        started = time.perf_counter()
        process = subprocess.Popen(list(command), stdout=subprocess.PIPE, stderr=stderr, text=True, env=env, cwd=cwd)
        assert process.stdout is not None
        watchdog = threading.Timer(TIMEOUT_S, process.kill)  # a child that never prints must not hang the bench
        watchdog.start()
        first = None
        try:
            for line in process.stdout:
                if line.strip():
                    first = time.perf_counter() - started
                    break
            process.stdout.read()
            process.wait()
        finally:
            watchdog.cancel()
        ended = time.perf_counter() - started
        if ended >= TIMEOUT_S:
            raise PolicyQAError(f"{' '.join(command[:4])} ran for over {TIMEOUT_S:.0f} s and was stopped.")
        stderr.seek(0)
        errors = stderr.read()
    if process.returncode != 0 or first is None:
        tail = "\n".join(errors.strip().splitlines()[-5:])
        raise PolicyQAError(f"Cold-start run {' '.join(command[:4])} failed (exit {process.returncode}): {tail}")
    return ColdStart(first_output_s=round(first, 3), exit_s=round(ended, 3))
