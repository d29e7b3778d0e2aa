"""Retrieval, citation, verdict and abstention metrics. Pure functions over ids and labels.

Ids compare after normalisation (case, spaces, hyphens). key_fact_recall: a key fact counts as present
when at least 70% of its content words (stop words dropped, light stemming) occur in the answer text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from assistant.lexical import lexical_tokens
from core.types import VERDICTS, normalise_paragraph_id

KEY_FACT_THRESHOLD = 0.7


def _norm(ids: Sequence[str]) -> list[str]:
    return [normalise_paragraph_id(pid) for pid in ids]


def distinct(ids: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(_norm(ids)))


def hit_at(ranked: Sequence[str], relevant: Sequence[str], k: int) -> float:
    wanted = set(_norm(relevant))
    return 1.0 if wanted & set(distinct(ranked)[:k]) else 0.0


def recall_at(ranked: Sequence[str], expected: Sequence[str], k: int) -> float:
    wanted = set(_norm(expected))
    return len(wanted & set(distinct(ranked)[:k])) / len(wanted) if wanted else 0.0


def mrr_at(ranked: Sequence[str], relevant: Sequence[str], k: int) -> float:
    wanted = set(_norm(relevant))
    for rank, pid in enumerate(distinct(ranked)[:k], 1):
        if pid in wanted:
            return 1.0 / rank
    return 0.0


def ndcg_at(ranked: Sequence[str], expected: Sequence[str], acceptable: Sequence[str], k: int) -> float:
    """Graded: expected ids gain 1, acceptable ids 0.5."""
    gains = {pid: 0.5 for pid in _norm(acceptable)}
    gains.update({pid: 1.0 for pid in _norm(expected)})
    dcg = sum(gains.get(pid, 0.0) / math.log2(rank + 1) for rank, pid in enumerate(distinct(ranked)[:k], 1))
    ideal = sorted(gains.values(), reverse=True)[:k]
    idcg = sum(gain / math.log2(rank + 1) for rank, gain in enumerate(ideal, 1))
    return dcg / idcg if idcg else 0.0


def citation_precision(cited: Sequence[str], expected: Sequence[str], acceptable: Sequence[str]) -> float:
    cited_ids = distinct(cited)
    if not cited_ids:
        return 0.0
    good = set(_norm(expected)) | set(_norm(acceptable))
    return sum(1 for pid in cited_ids if pid in good) / len(cited_ids)


def citation_recall(cited: Sequence[str], expected: Sequence[str]) -> float:
    wanted = set(_norm(expected))
    return len(wanted & set(distinct(cited))) / len(wanted) if wanted else 0.0


def key_fact_recall(answer: str, key_facts: Sequence[str]) -> float:
    if not key_facts:
        return 1.0
    answer_tokens = set(lexical_tokens(answer))
    present = 0
    for fact in key_facts:
        tokens = set(lexical_tokens(fact))
        if tokens and len(tokens & answer_tokens) / len(tokens) >= KEY_FACT_THRESHOLD:
            present += 1
    return present / len(key_facts)


def confusion(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, dict[str, int]]:
    matrix: dict[str, dict[str, int]] = {str(g): {str(p): 0 for p in VERDICTS} for g in VERDICTS}
    for g, p in zip(gold, predicted, strict=True):
        matrix[g][p] += 1
    return matrix


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    scores = []
    for label in VERDICTS:
        if label not in gold and label not in predicted:
            continue
        scores.append(_f1(gold, predicted, label)[2])
    return sum(scores) / len(scores) if scores else 0.0


def _f1(gold: Sequence[str], predicted: Sequence[str], label: str) -> tuple[float, float, float]:
    tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
    fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != label and p == label)
    fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p != label)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def abstention_scores(gold: Sequence[str], predicted: Sequence[str]) -> tuple[float, float, float]:
    """Precision, recall and F1 with not_covered as the positive class."""
    return _f1(gold, predicted, "not_covered")


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
