"""The feedback database survives a writer killed mid-write: WAL journal, every write one transaction."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from core.config import PROJECT_ROOT
from ui.feedback import FeedbackStore

WRITER = """
import sys, time
from pathlib import Path
from ui.feedback import FeedbackRow, FeedbackStore

store = FeedbackStore(Path(sys.argv[1]), retention_days=365)
for number in range(1_000_000):
    row = FeedbackRow(time.time(), "p", "h", f"question {number}", "answer " * 200, "allowed", ("1.1",), 1)
    row_id = store.add(row)
    store.update(row_id, thumbs=0, comment=f"comment {number}")
    print(number, flush=True)
"""


def test_feedback_uses_a_write_ahead_log(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite3", retention_days=365)
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_writer_killed_mid_write_leaves_a_readable_database(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None
    written = -1
    deadline = time.monotonic() + 60
    while written < 200 and time.monotonic() < deadline:  # kill it in the middle of a run of writes
        line = writer.stdout.readline()
        assert line, writer.stderr.read() if writer.stderr else ""
        written = int(line)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=30)
    store = FeedbackStore(path, retention_days=365)
    rows = store.rows()
    assert len(rows) >= written + 1, "every write it reported is kept"
    assert all(row.comment.startswith("comment") for row in rows if row.question != f"question {len(rows) - 1}")
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.add(rows[0])  # and it takes new writes
    assert len(store.rows()) == len(rows) + 1
