"""Quality gate by policy: each corpus policy with a gold set is ingested into a fresh home with no question
bank (as a school meets PolicyQA), answered, and held to floors on the macro mean of its split; the safety
invariants must be 0 on every answer. Dev and test policies are gated separately. Floors sit a little below
what was measured (docs/evaluation.md); raise them as answers improve, never lower one to pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import Settings
from eval.corpus_eval import macro, run_corpus_eval

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"
FLOORS = {
    "dev": {"hit@1": 0.57, "hit@5": 0.89, "citation_precision": 0.55, "verdict_accuracy": 0.54, "abstention_f1": 0.28},
    # test abstention 0.45 -> 0.40: the floor was first set from a run whose off-topic catalogue still repeated
    # gold not-covered questions; making it general (as the unseen-policy issue asks) measured 0.413
    "test": {"hit@1": 0.68, "hit@5": 0.91, "citation_precision": 0.64, "verdict_accuracy": 0.47, "abstention_f1": 0.40},
}


@pytest.mark.parametrize("split", ["dev", "test"])
def test_unseen_policies_without_a_bank_meet_their_floors(split: str, real_embeddings, tmp_path: Path) -> None:
    runs = run_corpus_eval(CORPUS, Settings(home=tmp_path), real_embeddings, split)
    assert len(runs) >= (5 if split == "dev" else 3)
    for metric, floor in FLOORS[split].items():
        assert macro(runs, metric) >= floor, (split, metric, round(macro(runs, metric), 3))
    # the naive baseline's verdict is the gold set's majority verdict: beaten on the macro mean; per policy
    # one test policy is not yet (0.500 against 0.523), see docs/experiments.md
    assert macro(runs, "verdict_accuracy") >= macro(runs, "verdict_accuracy", naive=True)
    for run in runs:
        assert sum(run.invariants.values()) == 0, (run.policy, run.invariants)
        for metric in ("hit@1", "hit@5", "citation_precision", "abstention_f1"):
            assert run.ours[metric] >= run.naive[metric], (run.policy, metric)
