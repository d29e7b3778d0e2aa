"""The eval's public API, used by the CLI and the UI's quality page."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.assistant import Assistant
from core.config import Settings
from core.errors import GoldFileError
from core.gold import GoldQuestion, load_gold
from eval.runner import EvalResult, evaluate
from eval.systems import NaiveRagSystem, PolicyQASystem

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Comparison:
    """Our system and, when asked, the naive baseline on the same questions."""

    ours: EvalResult
    naive: EvalResult | None
    gold_path: str
    created_at: float

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "gold": self.gold_path,
            "created_at": self.created_at,
            **self.ours.to_json(),
        }
        if self.naive is not None:
            out["baseline"] = {
                "system": "naive",
                "metrics": self.naive.metrics,
                "n": self.naive.n,
                "scanned_chars_top5": self.naive.scanned_chars_top5,
                "confusion": self.naive.confusion,
            }
        return out


def default_gold_path(settings: Settings, policy_id: str) -> Path:
    path = settings.gold_dir / f"{policy_id}.jsonl"
    if not path.exists():
        raise GoldFileError(f"No gold file for {policy_id!r} at {path}: pass one with --gold.")
    return path


def run_evaluation(
    assistant: Assistant,
    policy_id: str | None = None,
    gold_path: Path | None = None,
    split: str | None = None,
    compare_naive: bool = False,
    progress: Progress | None = None,
) -> Comparison:
    entry = assistant.index.entry(policy_id)
    path = gold_path or default_gold_path(assistant.settings, entry.policy_id)
    questions = load_gold(path, split)
    ours = evaluate(
        PolicyQASystem(assistant, entry.policy_id),
        questions,
        entry.policy_id,
        split,
        progress=_labelled(progress, "policyqa"),
    )
    naive = None
    if compare_naive:
        system = build_naive(assistant, entry.policy_id, questions)
        naive = evaluate(system, questions, entry.policy_id, split, progress=_labelled(progress, "naive"))
    return Comparison(ours=ours, naive=naive, gold_path=str(path), created_at=time.time())


def build_naive(assistant: Assistant, policy_id: str, questions: list[GoldQuestion]) -> NaiveRagSystem:
    from ingest.readers import read_document

    policy = assistant.policy(policy_id)
    document = read_document(Path(policy.source_path), assistant.settings.max_file_bytes)
    verdicts = [q.verdict for q in questions if q.verdict != "not_covered"]
    majority = max(set(verdicts), key=verdicts.count) if verdicts else "required"
    return NaiveRagSystem(policy, document.text, assistant.embeddings, majority_verdict=majority)


def save_latest(settings: Settings, comparison: Comparison) -> Path:
    """Keep the latest run per policy under POLICYQA_HOME for the UI's quality page."""
    path = settings.latest_eval_path(comparison.ours.policy)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(comparison.to_json(), indent=2), encoding="utf-8")
    return path


def _labelled(progress: Progress | None, label: str) -> Callable[[int, int], None] | None:
    if progress is None:
        return None
    return lambda done, total: progress(label, done, total)
