"""Calibrate the not-covered floor on a gold split: abstention precision/recall/F1 for each candidate floor.

The relevance of a question is `Assistant.relevance` (best paragraph match minus the nearest other-policy
topic); a question is refused below the floor. The answer-type check is applied on top and is not tuned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.assistant import Assistant
from assistant.lexical import lexical_tokens
from assistant.query import analyse_question
from core.gold import GoldQuestion


@dataclass(frozen=True)
class FloorScore:
    floor: float
    precision: float
    recall: float
    f1: float
    answerable_refused: int


def relevances(assistant: Assistant, policy_id: str | None, questions: Sequence[GoldQuestion]) -> list[float]:
    loaded = assistant.load(policy_id)
    scores = []
    for question in questions:
        query = analyse_question(question.question, loaded.retriever, assistant.vocabulary)
        if not lexical_tokens(query.text):
            scores.append(-1.0)
            continue
        scores.append(assistant.relevance(query, loaded.retriever.retrieve(query), loaded.off_topic))
    return scores


def score_floors(scores: Sequence[float], answerable: Sequence[bool], floors: Sequence[float]) -> list[FloorScore]:
    results = []
    for floor in floors:
        refused = [score < floor for score in scores]
        tp = sum(1 for r, a in zip(refused, answerable, strict=True) if r and not a)
        fp = sum(1 for r, a in zip(refused, answerable, strict=True) if r and a)
        fn = sum(1 for r, a in zip(refused, answerable, strict=True) if not r and not a)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        results.append(FloorScore(round(floor, 3), round(precision, 3), round(recall, 3), round(f1, 3), fp))
    return results


def best_floor(results: Sequence[FloorScore]) -> FloorScore:
    """Highest F1; among ties the floor that refuses the fewest answerable questions, then the middle one."""
    top = max(result.f1 for result in results)
    tied = [r for r in results if r.f1 == top]
    fewest = min(r.answerable_refused for r in tied)
    tied = [r for r in tied if r.answerable_refused == fewest]
    return tied[len(tied) // 2]
