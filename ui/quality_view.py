"""Tables for the HR quality page, built from the saved eval (`ui.evaluation.latest_evaluation`) and stored feedback."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from assistant.compose import VERDICT_LABELS
from core.gold import GoldQuestion
from core.types import VERDICTS, normalise_paragraph_id
from ui.feedback import FeedbackRow

HEADLINE = ("verdict_accuracy", "hit@1", "abstention_f1")
METRIC_NAMES = {
    "hit@1": "Right paragraph first (hit@1)",
    "hit@3": "Right paragraph in top 3 (hit@3)",
    "hit@5": "Right paragraph in top 5 (hit@5)",
    "recall@5": "Expected paragraphs in top 5 (recall@5)",
    "mrr@10": "Mean reciprocal rank (MRR@10)",
    "ndcg@5": "nDCG@5",
    "citation_precision": "Citation precision",
    "citation_recall": "Citation recall",
    "key_fact_recall": "Key facts quoted",
    "verdict_accuracy": "Verdict accuracy",
    "verdict_macro_f1": "Verdict macro F1",
    "abstention_precision": "Says “not covered” rightly (precision)",
    "abstention_recall": "Catches not-covered questions (recall)",
    "abstention_f1": "Abstention F1",
    "latency_ms_p50": "Latency, median",
    "latency_ms_p95": "Latency, 95th percentile",
}


def number(value: Any) -> float | None:
    """A metric value as a float, or None when missing or NaN (e.g. hit@1 of a not-covered category)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return None if math.isnan(value) else float(value)


def format_metric(name: str, value: Any) -> str:
    found = number(value)
    if found is None:
        return "—"
    return f"{found:.0f} ms" if name.startswith("latency") else f"{found * 100:.1f} %"


def metric_rows(latest: Mapping[str, Any]) -> list[dict[str, str]]:
    """One row per metric: ours, the naive baseline (when it was run) and the difference in points."""
    ours: Mapping[str, Any] = latest.get("metrics") or {}
    naive: Mapping[str, Any] = (latest.get("baseline") or {}).get("metrics") or {}
    rows = []
    for name in [*METRIC_NAMES, *(key for key in ours if key not in METRIC_NAMES)]:
        if name not in ours:
            continue
        row = {"metric": METRIC_NAMES.get(name, name), "PolicyQA": format_metric(name, ours[name])}
        if naive:
            row["naive RAG"] = format_metric(name, naive.get(name))
            a, b = number(ours[name]), number(naive.get(name))
            unit = " ms" if name.startswith("latency") else " pts"
            scale = 1.0 if name.startswith("latency") else 100.0
            row["difference"] = "—" if a is None or b is None else f"{(a - b) * scale:+.1f}{unit}"
        rows.append(row)
    return rows


def category_rows(latest: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per category: question count, verdict accuracy and hit@1 (as percentages, None when not defined)."""
    rows = []
    for category, values in sorted((latest.get("per_category") or {}).items()):
        accuracy, hit = number(values.get("verdict_accuracy")), number(values.get("hit@1"))
        rows.append(
            {
                "category": category,
                "questions": int(number(values.get("n")) or 0),
                "verdict accuracy %": None if accuracy is None else round(accuracy * 100, 1),
                "hit@1 %": None if hit is None else round(hit * 100, 1),
            }
        )
    return rows


def confusion_rows(confusion: Mapping[str, Mapping[str, int]]) -> list[dict[str, Any]]:
    """Rows are the gold verdict, columns what the system said."""
    labels = [v for v in VERDICTS if v in confusion or any(v in row for row in confusion.values())]
    return [
        {"gold ↓ / answered →": VERDICT_LABELS[gold], **{VERDICT_LABELS[v]: confusion[gold].get(v, 0) for v in labels}}
        for gold in labels
        if gold in confusion
    ]


def failed_rows(latest: Mapping[str, Any]) -> list[dict[str, str]]:
    return [
        {
            "id": str(item.get("id", "")),
            "category": str(item.get("category", "")),
            "question": str(item.get("question", "")),
            "expected verdict": VERDICT_LABELS.get(item.get("expected_verdict", ""), ""),
            "given verdict": VERDICT_LABELS.get(item.get("verdict", ""), ""),
            "expected paragraphs": ", ".join(item.get("expected_paragraphs", [])) or "—",
            "given paragraphs": ", ".join(item.get("cited", [])) or "—",
            "retrieved first": ", ".join(item.get("retrieved", [])[:3]),
        }
        for item in latest.get("per_question") or []
        if item.get("failed")
    ]


def _ids(paragraph_ids: Iterable[str]) -> set[str]:
    return {normalise_paragraph_id(pid) for pid in paragraph_ids}


def gold_citing(gold: Sequence[GoldQuestion], paragraph_ids: Iterable[str]) -> list[GoldQuestion]:
    """Gold questions whose expected or acceptable paragraphs include one of `paragraph_ids`."""
    wanted = _ids(paragraph_ids)
    return [q for q in gold if wanted & _ids([*q.expected_paragraphs, *q.acceptable_paragraphs])]


def feedback_citing(rows: Sequence[FeedbackRow], paragraph_ids: Iterable[str]) -> list[FeedbackRow]:
    wanted = _ids(paragraph_ids)
    return [row for row in rows if wanted & _ids(row.citations)]


def feedback_table(rows: Sequence[FeedbackRow]) -> list[dict[str, Any]]:
    return [
        {
            "id": row.id,
            "time": row.time,
            "rating": {1: "helpful", 0: "not helpful"}.get(row.thumbs if row.thumbs is not None else -1, ""),
            "verdict": VERDICT_LABELS.get(row.verdict, row.verdict),
            "question": row.question,
            "cited": ", ".join(row.citations),
            "comment": row.comment,
            "version": row.policy_hash[:10],
        }
        for row in rows
    ]
