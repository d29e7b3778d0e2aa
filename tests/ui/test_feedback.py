from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

from core.types import Answer, Citation
from ui.feedback import DOWN, SECONDS_PER_DAY, UP, FeedbackRow, FeedbackStore, filter_rows, row_for_answer, rows_to_csv
from ui.redact import redact

NOW = 1_750_000_000.0


def make_answer(question: str = "Can Sarah Jones email me at s@x.org?", verdict: str = "prohibited") -> Answer:
    return Answer(
        question=question,
        policy="staff-code",
        verdict=verdict,  # type: ignore[arg-type]
        answer="No, the policy does not allow this. “Staff must not.” [4.1]",
        sentences=(),
        citations=(Citation("4.1", "Staff must not.", "4 Email"), Citation("4.3", "Only via school.", "4 Email")),
        retrieved=(),
        contacts=(),
        confidence=0.9,
        timings_ms={},
    )


def row(created_at: float = NOW, thumbs: int | None = UP, verdict: str = "prohibited") -> FeedbackRow:
    return row_for_answer(make_answer(verdict=verdict), "hash1", thumbs, "", lambda text: text, created_at)


def test_row_for_answer_redacts_what_the_user_typed_only() -> None:
    stored = row_for_answer(make_answer(), "abc", DOWN, " Ask Mr Patel on 07700 900123 ", redact, NOW)
    assert stored.question == "Can [name] email me at [email]?"
    assert stored.comment == "Ask [name] on [phone]"
    assert stored.answer.startswith("No, the policy does not allow this.")
    assert stored.citations == ("4.1", "4.3")
    assert (stored.policy_id, stored.policy_hash, stored.verdict, stored.thumbs) == (
        "staff-code",
        "abc",
        "prohibited",
        0,
    )


def test_store_round_trip_and_update(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3", retention_days=30, clock=lambda: NOW)
    row_id = store.add(row(thumbs=None))
    store.update(row_id, thumbs=DOWN, comment="wrong paragraph")
    (saved,) = store.rows("staff-code")
    assert saved.id == row_id
    assert (saved.thumbs, saved.comment, saved.citations) == (DOWN, "wrong paragraph", ("4.1", "4.3"))
    assert store.rows("another-policy") == []


def test_rows_older_than_retention_are_purged_on_open(tmp_path: Path) -> None:
    path = tmp_path / "fb.sqlite3"
    store = FeedbackStore(path, retention_days=30, clock=lambda: NOW)
    store.add(row(created_at=NOW - 31 * SECONDS_PER_DAY))
    store.add(row(created_at=NOW - 29 * SECONDS_PER_DAY))
    assert len(store.rows()) == 2
    reopened = FeedbackStore(path, retention_days=30, clock=lambda: NOW)
    assert reopened.purged == 1
    assert [r.created_at for r in reopened.rows()] == [NOW - 29 * SECONDS_PER_DAY]
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM feedback").fetchone() == (1,)


def test_filter_rows_by_verdict_and_thumbs() -> None:
    rows = [row(thumbs=UP), row(thumbs=DOWN, verdict="allowed"), row(thumbs=None, verdict="allowed")]
    assert filter_rows(rows) == rows
    assert filter_rows(rows, verdicts=["allowed"]) == rows[1:]
    assert filter_rows(rows, thumbs=DOWN) == [rows[1]]
    assert filter_rows(rows, verdicts=["prohibited"], thumbs=DOWN) == []


def test_csv_export_has_one_line_per_row() -> None:
    text = rows_to_csv([row(thumbs=DOWN), row(thumbs=None)])
    records = list(csv.DictReader(io.StringIO(text)))
    assert [r["thumbs"] for r in records] == ["down", ""]
    assert records[0]["citations"] == "4.1 4.3"
    assert records[0]["question"] == "Can Sarah Jones email me at s@x.org?"
