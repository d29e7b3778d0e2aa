"""Thumbs and comments on answers, kept in SQLite under POLICYQA_HOME; older rows are purged on open.

What users typed (question, comment) is redacted before it is stored; the answer is policy text.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core.types import Answer

SECONDS_PER_DAY = 86_400
BUSY_TIMEOUT_S = 10.0  # how long a write waits for another writer before giving up
UP, DOWN = 1, 0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at REAL NOT NULL,
    policy_id TEXT NOT NULL,
    policy_hash TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    verdict TEXT NOT NULL,
    citations TEXT NOT NULL,
    thumbs INTEGER,
    comment TEXT NOT NULL DEFAULT ''
)
"""


@dataclass(frozen=True)
class FeedbackRow:
    """One rated answer; `citations` are the paragraph ids the answer cited; `thumbs` is 1, 0 or None."""

    created_at: float
    policy_id: str
    policy_hash: str
    question: str
    answer: str
    verdict: str
    citations: tuple[str, ...]
    thumbs: int | None
    comment: str = ""
    id: int | None = None

    @property
    def time(self) -> str:
        return datetime.fromtimestamp(self.created_at, UTC).strftime("%Y-%m-%d %H:%M UTC")


def row_for_answer(
    answer: Answer,
    policy_hash: str,
    thumbs: int | None,
    comment: str,
    redactor: Callable[[str], str],
    now: float,
) -> FeedbackRow:
    """The row to store for `answer`, with what the user typed passed through `redactor`."""
    return FeedbackRow(
        created_at=now,
        policy_id=answer.policy,
        policy_hash=policy_hash,
        question=redactor(answer.question),
        answer=answer.answer,
        verdict=answer.verdict,
        citations=tuple(citation.paragraph for citation in answer.citations),
        thumbs=thumbs,
        comment=redactor(comment.strip()),
    )


def retention_cutoff(now: float, retention_days: int) -> float:
    return now - retention_days * SECONDS_PER_DAY


CSV_COLUMNS = (
    "id",
    "time",
    "policy_id",
    "policy_hash",
    "verdict",
    "thumbs",
    "question",
    "answer",
    "citations",
    "comment",
)


def rows_to_csv(rows: Sequence[FeedbackRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        thumbs = {UP: "up", DOWN: "down"}.get(row.thumbs, "") if row.thumbs is not None else ""
        writer.writerow(
            [
                row.id,
                row.time,
                row.policy_id,
                row.policy_hash,
                row.verdict,
                thumbs,
                row.question,
                row.answer,
                " ".join(row.citations),
                row.comment,
            ]
        )
    return out.getvalue()


def filter_rows(
    rows: Sequence[FeedbackRow], verdicts: Sequence[str] = (), thumbs: int | None = None
) -> list[FeedbackRow]:
    """Rows whose verdict is one of `verdicts` (all when empty) and whose thumbs equal `thumbs` (any when None)."""
    return [
        row for row in rows if (not verdicts or row.verdict in verdicts) and (thumbs is None or row.thumbs == thumbs)
    ]


class FeedbackStore:
    """The SQLite file; each call opens its own connection (Streamlit runs scripts on several threads).

    The database keeps a write-ahead log and every call is one transaction, so a process killed mid-write
    loses at most that write and readers never wait for a writer.
    """

    def __init__(self, path: Path, retention_days: int, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.retention_days = retention_days
        self.clock = clock
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)) as db:
            db.execute("PRAGMA journal_mode=WAL")  # stored in the file: every later connection uses it
        with self._connect() as db:
            db.execute(_SCHEMA)
        self.purged = self.purge()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection whose block is one transaction: committed when it ends, rolled back on an error."""
        with closing(sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)) as db:
            db.execute("PRAGMA synchronous=NORMAL")  # with WAL: a crash never corrupts, at worst loses the last write
            with db:
                yield db

    def purge(self) -> int:
        """Delete rows older than the retention period; returns how many went."""
        with self._connect() as db:
            cursor = db.execute(
                "DELETE FROM feedback WHERE created_at < ?", (retention_cutoff(self.clock(), self.retention_days),)
            )
            return cursor.rowcount

    def add(self, row: FeedbackRow) -> int:
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO feedback (created_at, policy_id, policy_hash, question, answer, verdict, citations,"
                " thumbs, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    row.created_at,
                    row.policy_id,
                    row.policy_hash,
                    row.question,
                    row.answer,
                    row.verdict,
                    json.dumps(list(row.citations)),
                    row.thumbs,
                    row.comment,
                ),
            )
            return int(cursor.lastrowid or 0)

    def update(self, row_id: int, thumbs: int | None = None, comment: str | None = None) -> None:
        """Change the thumbs and/or the (already redacted) comment of a stored row."""
        with self._connect() as db:
            if thumbs is not None:
                db.execute("UPDATE feedback SET thumbs = ? WHERE id = ?", (thumbs, row_id))
            if comment is not None:
                db.execute("UPDATE feedback SET comment = ? WHERE id = ?", (comment, row_id))

    def rows(self, policy_id: str | None = None) -> list[FeedbackRow]:
        """Newest first."""
        query = "SELECT * FROM feedback"
        args: tuple[str, ...] = ()
        if policy_id is not None:
            query += " WHERE policy_id = ?"
            args = (policy_id,)
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            found = db.execute(query + " ORDER BY created_at DESC, id DESC", args).fetchall()
        return [
            FeedbackRow(
                id=item["id"],
                created_at=item["created_at"],
                policy_id=item["policy_id"],
                policy_hash=item["policy_hash"],
                question=item["question"],
                answer=item["answer"],
                verdict=item["verdict"],
                citations=tuple(json.loads(item["citations"])),
                thumbs=item["thumbs"],
                comment=item["comment"],
            )
            for item in found
        ]
