"""Run a system over gold questions and compute every metric the eval reports."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

from core.gold import GoldQuestion
from eval import metrics as m
from eval.systems import System, SystemAnswer

ANSWERABLE_KEYS = ("hit@1", "hit@3", "hit@5", "recall@5", "mrr@10", "ndcg@5", "citation_recall", "key_fact_recall")
OVERALL_KEYS = (
    "verdict_accuracy",
    "verdict_macro_f1",
    "abstention_precision",
    "abstention_recall",
    "abstention_f1",
    "latency_ms_p50",
    "latency_ms_p95",
)
METRIC_KEYS = (*ANSWERABLE_KEYS[:6], "citation_precision", *ANSWERABLE_KEYS[6:], *OVERALL_KEYS)


@dataclass(frozen=True)
class QuestionResult:
    gold: GoldQuestion
    answer: SystemAnswer
    scores: dict[str, float]

    @property
    def failed(self) -> bool:
        verdict_ok = self.answer.verdict == self.gold.verdict
        if not self.gold.answerable:
            return not verdict_ok
        return not verdict_ok or self.scores.get("hit@1", 0.0) < 1.0 or self.scores.get("citation_recall", 0.0) == 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.gold.id,
            "question": self.gold.question,
            "category": self.gold.category,
            "expected_paragraphs": list(self.gold.expected_paragraphs),
            "acceptable_paragraphs": list(self.gold.acceptable_paragraphs),
            "expected_verdict": self.gold.verdict,
            "verdict": self.answer.verdict,
            "cited": list(self.answer.cited),
            "retrieved": list(self.answer.retrieved[:10]),
            "answer": self.answer.answer,
            "latency_ms": round(self.answer.latency_ms, 2),
            "scores": self.scores,
            "failed": self.failed,
        }


@dataclass(frozen=True)
class EvalResult:
    system: str
    policy: str
    split: str | None
    metrics: dict[str, float]
    confusion: dict[str, dict[str, int]]
    questions: tuple[QuestionResult, ...]
    scanned_chars_top5: float
    per_category: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.questions)

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "system": self.system,
            "policy": self.policy,
            "split": self.split,
            "metrics": self.metrics,
            "confusion": self.confusion,
            "per_category": self.per_category,
            "scanned_chars_top5": self.scanned_chars_top5,
            "per_question": [q.to_json() for q in self.questions],
        }


def score_question(gold: GoldQuestion, answer: SystemAnswer) -> dict[str, float]:
    scores: dict[str, float] = {"verdict_correct": float(answer.verdict == gold.verdict)}
    if gold.answerable:
        relevant = [*gold.expected_paragraphs, *gold.acceptable_paragraphs]
        ranked = answer.retrieved
        scores.update(
            {
                "hit@1": m.hit_at(ranked, relevant, 1),
                "hit@3": m.hit_at(ranked, relevant, 3),
                "hit@5": m.hit_at(ranked, relevant, 5),
                "recall@5": m.recall_at(ranked, gold.expected_paragraphs, 5),
                "mrr@10": m.mrr_at(ranked, relevant, 10),
                "ndcg@5": m.ndcg_at(ranked, gold.expected_paragraphs, gold.acceptable_paragraphs, 5),
                "citation_recall": m.citation_recall(answer.cited, gold.expected_paragraphs),
                "key_fact_recall": m.key_fact_recall(answer.answer, gold.key_facts),
            }
        )
        if answer.cited:
            scores["citation_precision"] = m.citation_precision(
                answer.cited, gold.expected_paragraphs, gold.acceptable_paragraphs
            )
    return scores


def evaluate(
    system: System,
    questions: Sequence[GoldQuestion],
    policy: str,
    split: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> EvalResult:
    results: list[QuestionResult] = []
    for number, gold in enumerate(questions, 1):
        answer = system.answer(gold.question)
        results.append(QuestionResult(gold=gold, answer=answer, scores=score_question(gold, answer)))
        if progress is not None:
            progress(number, len(questions))
    return EvalResult(
        system=system.name,
        policy=policy,
        split=split,
        metrics=aggregate(results),
        confusion=m.confusion([r.gold.verdict for r in results], [r.answer.verdict for r in results]),
        questions=tuple(results),
        scanned_chars_top5=round(mean(r.answer.scanned_chars for r in results), 1) if results else 0.0,
        per_category=per_category(results),
    )


def aggregate(results: Sequence[QuestionResult]) -> dict[str, float]:
    """Averages over answerable questions (retrieval, citations, key facts) or all (verdicts, latency).
    citation_precision averages over the answerable questions where something was cited."""
    answerable = [r for r in results if r.gold.answerable]
    out: dict[str, float] = {}
    for key in ANSWERABLE_KEYS:
        out[key] = _avg([r.scores[key] for r in answerable])
    out["citation_precision"] = _avg(
        [r.scores["citation_precision"] for r in answerable if "citation_precision" in r.scores]
    )
    gold = [r.gold.verdict for r in results]
    predicted = [r.answer.verdict for r in results]
    out["verdict_accuracy"] = _avg([float(g == p) for g, p in zip(gold, predicted, strict=True)])
    out["verdict_macro_f1"] = round(m.macro_f1(gold, predicted), 4)
    precision, recall, f1 = m.abstention_scores(gold, predicted)
    out.update(
        abstention_precision=round(precision, 4),
        abstention_recall=round(recall, 4),
        abstention_f1=round(f1, 4),
    )
    latencies = [r.answer.latency_ms for r in results]
    out["latency_ms_p50"] = round(m.percentile(latencies, 0.5), 2)
    out["latency_ms_p95"] = round(m.percentile(latencies, 0.95), 2)
    return {key: out[key] for key in METRIC_KEYS}


def per_category(results: Sequence[QuestionResult]) -> dict[str, dict[str, float]]:
    categories: dict[str, list[QuestionResult]] = {}
    for result in results:
        categories.setdefault(result.gold.category, []).append(result)
    out: dict[str, dict[str, float]] = {}
    for name, items in sorted(categories.items()):
        answerable = [r for r in items if r.gold.answerable]
        out[name] = {
            "n": float(len(items)),
            "verdict_accuracy": _avg([r.scores["verdict_correct"] for r in items]),
            "hit@1": _avg([r.scores["hit@1"] for r in answerable]) if answerable else float("nan"),
        }
    return out


def _avg(values: Sequence[float]) -> float:
    return round(mean(values), 4) if values else 0.0
