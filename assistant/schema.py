"""The stable JSON form of an Answer (`policyqa ask --json`, `--batch`, and external scorers)."""

from __future__ import annotations

from typing import Any

from core.types import Answer

MIN_RETRIEVED = 10
ANSWER_KEYS = (
    "question",
    "policy",
    "verdict",
    "answer",
    "citations",
    "retrieved",
    "contacts",
    "confidence",
    "timings_ms",
)
"""The documented, stable fields; others may be added after them, never removed or renamed."""


def answer_to_json(answer: Answer) -> dict[str, Any]:
    return {
        "question": answer.question,
        "policy": answer.policy,
        "verdict": answer.verdict,
        "answer": answer.answer,
        "citations": [{"paragraph": c.paragraph, "quote": c.quote, "heading": c.heading} for c in answer.citations],
        "retrieved": [{"paragraph": r.paragraph_id, "score": r.score} for r in answer.retrieved],
        "contacts": [{"role": c.role, "detail": c.detail} for c in answer.contacts],
        "confidence": answer.confidence,
        "timings_ms": answer.timings_ms,
        "sentences": [{"text": s.text, "paragraphs": list(s.paragraph_ids)} for s in answer.sentences],
        "deciding_sentence": answer.deciding_sentence,
        "note": answer.note,
    }
