"""Train the verdict model (assistant/verdict_model.py) on the labelled question banks, never on a gold set.

Each bank is split five ways; for each fifth, the policy is indexed with the other four fifths as its bank
and the held-out questions are asked with the model off, so every example sees the bank as a new question
would. The model is then fitted on all examples and written to assistant/data/verdict_model.json, with
the cross-policy check (fit on one policy's bank, scored on the other's) in its provenance.

    python -m training.verdict_model            # the bundled policy and the riverside fixture (about 3 min)
"""

from __future__ import annotations

import logging
import os
import random
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assistant.verdict_model import ANSWER_VERDICTS, MODEL_PATH, VerdictModel, fit
from core.config import Settings
from core.errors import PolicyQAError
from core.types import ExampleQuestion, Verdict, VerdictEvidence

ROOT = Path(__file__).resolve().parent.parent
BANKED_POLICIES = (
    (ROOT / "data/policies/social-media-and-electronic-communications-policy.txt", ROOT / "data/questions"),
    (ROOT / "tests/fixtures/policies/riverside-acceptable-use-policy.md", ROOT / "tests/fixtures/questions"),
)
FOLDS = 5
MARGIN = 0.3  # chosen on the bundled dev split, dev2, the style set and the banks (README "Verdict model")
SEED = 7

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from assistant.assistant import Assistant

Example = tuple[VerdictEvidence, Verdict]


def held_out_examples(policy_file: Path, questions_dir: Path, embeddings: Embeddings, workdir: Path) -> list[Example]:
    """(evidence, label) for every labelled bank question, each asked against an index whose bank lacks it."""
    from assistant.assistant import Assistant
    from assistant.runtime import open_index
    from ingest.pipeline import ingest_policy, parse_file, policy_bank

    settings = Settings(home=workdir / "base", questions_dir=questions_dir, use_verdict_model=False)
    policy = parse_file(policy_file, settings)
    bank = list(policy_bank(policy, settings))
    order = list(range(len(bank)))
    random.Random(SEED).shuffle(order)
    fold_of = {index: rank % FOLDS for rank, index in enumerate(order)}
    examples: list[Example] = []
    for fold in range(FOLDS):
        fold_settings = settings.model_copy(update={"home": workdir / f"{policy.policy_id}-{fold}"})
        index, fold_embeddings = open_index(fold_settings, embeddings)
        kept = tuple(q for i, q in enumerate(bank) if fold_of[i] != fold)
        ingest_policy(policy, index, fold_embeddings, fold_settings, bank=kept)
        assistant = Assistant(fold_settings, embeddings=fold_embeddings, index=index)
        for question in (q for i, q in enumerate(bank) if fold_of[i] == fold):
            examples.extend(_example(assistant, policy.policy_id, question))
        logging.info("%s fold %d: %d examples so far", policy.policy_id, fold, len(examples))
    return examples


def _example(assistant: Assistant, policy_id: str, question: ExampleQuestion) -> list[Example]:
    if question.verdict not in ANSWER_VERDICTS:
        return []
    try:
        answer = assistant.ask(question.question, policy=policy_id)
    except PolicyQAError:  # a bank line the guard refuses (e.g. not English)
        return []
    evidence = answer.verdict_evidence
    return [(evidence, question.verdict)] if evidence is not None else []


def accuracy(model: VerdictModel, examples: Sequence[Example]) -> tuple[float, float]:
    """(model, rules alone) agreement with the bank labels."""
    model_right = sum(model.decide(evidence) == label for evidence, label in examples)
    rules_right = sum(evidence.rule_verdict == label for evidence, label in examples)
    return round(model_right / len(examples), 3), round(rules_right / len(examples), 3)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from assistant.runtime import load_embeddings

    embeddings = load_embeddings(Settings())
    per_policy: dict[str, list[Example]] = {}
    with tempfile.TemporaryDirectory(prefix="policyqa-verdict-") as tmp:
        for policy_file, questions_dir in BANKED_POLICIES:
            per_policy[policy_file.stem] = held_out_examples(policy_file, questions_dir, embeddings, Path(tmp))
    provenance: dict[str, object] = {"margin_chosen_on": "bundled dev, dev2, style set, banks", "folds": FOLDS}
    names = list(per_policy)
    for trained_on, scored_on in ((names[0], names[1]), (names[1], names[0])):
        model = VerdictModel(fit(per_policy[trained_on]), MARGIN)
        model_accuracy, rules_accuracy = accuracy(model, per_policy[scored_on])
        provenance[f"fit on {trained_on}, scored on {scored_on}"] = {
            "examples": len(per_policy[scored_on]),
            "model": model_accuracy,
            "rules": rules_accuracy,
        }
        logging.info(
            "fit on %s, scored on %s: model %.3f, rules %.3f", trained_on, scored_on, model_accuracy, rules_accuracy
        )
    everything = [example for examples in per_policy.values() for example in examples]
    provenance["examples"] = {name: len(examples) for name, examples in per_policy.items()}
    model = VerdictModel(fit(everything), MARGIN)
    MODEL_PATH.write_text(model.to_json(provenance) + "\n", encoding="utf-8")
    logging.info("wrote %s (%d examples)", MODEL_PATH, len(everything))


if __name__ == "__main__":
    main()
