"""Evaluation by policy, the way a school meets PolicyQA: each corpus policy ingested into a fresh home with
no question bank and nothing policy-specific, its gold set answered, the naive baseline beside it, and the
safety invariants counted on every answer.

Splits are by policy (`data/corpus/gold/splits.json`): tune on `dev` policies, report `test` ones.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from statistics import mean

from langchain_core.embeddings import Embeddings

from core.config import Settings
from core.errors import InputError
from core.types import Answer
from eval import invariants
from eval.corpus import corpus_documents

HEADLINE = ("hit@1", "hit@5", "citation_precision", "verdict_accuracy", "abstention_f1")
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class PolicyRun:
    policy: str
    split: str
    n: int
    ours: dict[str, float]
    naive: dict[str, float]
    invariants: dict[str, int]
    failures: list[dict[str, object]] = field(default_factory=list)


def load_splits(corpus: Path) -> dict[str, str]:
    path = corpus / "gold" / "splits.json"
    if not path.exists():
        raise InputError(f"No {path}: it names the dev and test policies of the corpus.")
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {policy: split for split, policies in raw.items() for policy in policies}


def run_corpus_eval(
    corpus: Path,
    settings: Settings,
    embeddings: Embeddings,
    split: str | None = None,
    policies: tuple[str, ...] = (),
    progress: Progress | None = None,
) -> list[PolicyRun]:
    splits = load_splits(corpus)
    runs = []
    for document, _ in corpus_documents(corpus):
        policy_id = document.stem
        gold = corpus / "gold" / f"{policy_id}.jsonl"
        if not gold.exists() or policy_id not in splits:
            continue
        if (split and splits[policy_id] != split) or (policies and policy_id not in policies):
            continue
        runs.append(_run_one(document, gold, splits[policy_id], settings, embeddings, progress))
    if not runs:
        raise InputError(f"No corpus policy with a gold set{f' in split {split!r}' if split else ''} under {corpus}.")
    return runs


def _run_one(
    document: Path, gold: Path, split: str, settings: Settings, embeddings: Embeddings, progress: Progress | None
) -> PolicyRun:
    from assistant.assistant import Assistant
    from assistant.runtime import open_index
    from core.gold import load_gold
    from eval.api import build_naive
    from eval.runner import evaluate
    from ingest.pipeline import ingest_policy, parse_file

    policy_id = document.stem
    with tempfile.TemporaryDirectory(prefix="policyqa-corpus-") as home:
        # a fresh embedded index, even when the user's settings point at a Chroma server
        fresh = settings.model_copy(
            update={"home": Path(home), "questions_dir": Path(home) / "no-bank", "chroma_url": None}
        )
        index, _ = open_index(fresh, embeddings)
        ingest_policy(parse_file(document, fresh, policy_id), index, embeddings, fresh)
        assistant = Assistant(fresh, embeddings=embeddings)
        questions = load_gold(gold)
        system = _Recording(assistant, policy_id)
        step = (lambda done, total: progress(policy_id, done, total)) if progress else None
        ours = evaluate(system, questions, policy_id, None, progress=step)
        naive = evaluate(build_naive(assistant, policy_id, questions), questions, policy_id, None)
        parsed = assistant.policy(policy_id)
        counts = invariants.count([(answer, parsed) for answer in system.answers])
    failures = [result.to_json() for result in ours.questions if result.failed]
    return PolicyRun(policy_id, split, ours.n, ours.metrics, naive.metrics, counts, failures)


class _Recording:
    """Our system, keeping each full Answer so the invariants can be checked."""

    name = "policyqa"

    def __init__(self, assistant: object, policy_id: str) -> None:
        from eval.systems import PolicyQASystem

        self.inner = PolicyQASystem(assistant, policy_id)  # type: ignore[arg-type]
        self.answers: list[Answer] = []

    def answer(self, question: str):  # type: ignore[no-untyped-def]
        from eval.systems import SystemAnswer

        result: SystemAnswer = self.inner.answer(question)
        if self.inner.last is not None:
            self.answers.append(self.inner.last)
        return result


def macro(runs: list[PolicyRun], key: str, naive: bool = False) -> float:
    values = [(run.naive if naive else run.ours).get(key, 0.0) for run in runs]
    return mean(values) if values else 0.0


def to_json(runs: list[PolicyRun]) -> dict[str, object]:
    out: dict[str, object] = {"policies": [run.__dict__ for run in runs]}
    for split in sorted({run.split for run in runs}):
        chosen = [run for run in runs if run.split == split]
        out[f"macro_{split}"] = {key: round(macro(chosen, key), 4) for key in HEADLINE}
        out[f"macro_{split}_naive"] = {key: round(macro(chosen, key, naive=True), 4) for key in HEADLINE}
    out["invariants"] = {name: sum(run.invariants[name] for run in runs) for name in invariants.INVARIANTS}
    return out
