from __future__ import annotations

import math

from core.gold import GoldQuestion
from ui.feedback import FeedbackRow
from ui.quality_view import (
    category_rows,
    confusion_rows,
    failed_rows,
    feedback_citing,
    format_metric,
    gold_citing,
    metric_rows,
)

LATEST = {
    "metrics": {"hit@1": 0.72, "verdict_accuracy": 0.6, "latency_ms_p50": 21.4},
    "baseline": {"metrics": {"hit@1": 0.4, "verdict_accuracy": math.nan, "latency_ms_p50": 10.0}},
    "per_category": {"email": {"n": 19.0, "verdict_accuracy": 0.5, "hit@1": math.nan}},
    "confusion": {"allowed": {"allowed": 3, "prohibited": 1}, "prohibited": {"allowed": 2, "prohibited": 5}},
    "per_question": [
        {
            "id": "q1",
            "failed": True,
            "question": "Q?",
            "category": "email",
            "expected_verdict": "prohibited",
            "verdict": "allowed",
            "expected_paragraphs": ["4.1"],
            "cited": ["4.3"],
            "retrieved": ["4.3", "4.1"],
        },
        {"id": "q2", "failed": False},
    ],
}


def test_metric_rows_compare_with_the_baseline() -> None:
    rows = {row["metric"]: row for row in metric_rows(LATEST)}
    assert rows["Right paragraph first (hit@1)"] == {
        "metric": "Right paragraph first (hit@1)",
        "PolicyQA": "72.0 %",
        "naive RAG": "40.0 %",
        "difference": "+32.0 pts",
    }
    assert rows["Verdict accuracy"]["naive RAG"] == "—"
    assert rows["Latency, median"]["difference"] == "+11.4 ms"
    assert format_metric("hit@1", None) == "—"


def test_category_confusion_and_failed_rows() -> None:
    assert category_rows(LATEST) == [
        {"category": "email", "questions": 19, "verdict accuracy %": 50.0, "hit@1 %": None}
    ]
    confusion = confusion_rows(LATEST["confusion"])  # type: ignore[arg-type]
    assert confusion[0] == {"gold ↓ / answered →": "Allowed", "Allowed": 3, "Not allowed": 1}
    assert confusion[1]["Not allowed"] == 5
    (failed,) = failed_rows(LATEST)
    assert failed["expected paragraphs"] == "4.1" and failed["given paragraphs"] == "4.3"
    assert failed["expected verdict"] == "Not allowed" and failed["given verdict"] == "Allowed"


def test_gold_and_feedback_citing_changed_paragraphs() -> None:
    gold = [
        GoldQuestion("a", "Q?", ("4.1",), (), "prohibited", True, (), "email"),
        GoldQuestion("b", "Q?", ("5.1",), ("Appendix 1",), "allowed", True, (), "email"),
        GoldQuestion("c", "Q?", (), (), "not_covered", False, (), "not_covered"),
    ]
    assert [q.id for q in gold_citing(gold, ["4.1"])] == ["a"]
    assert [q.id for q in gold_citing(gold, ["appendix-1"])] == ["b"]
    rows = [
        FeedbackRow(1.0, "p", "h", "Q", "A", "allowed", ("4.1", "5.1"), 1, id=1),
        FeedbackRow(1.0, "p", "h", "Q", "A", "allowed", (), 0, id=2),
    ]
    assert [r.id for r in feedback_citing(rows, ["5.1"])] == [1]
