"""Train the verdict model (assistant/verdict_model.py) on the labelled question banks, never on a gold set.

Each bank is split five ways; for each fifth, the policy is indexed with the other four fifths as its bank
and the held-out questions are asked with the model off, so every example sees the bank as a new question
would. The question-form classifier is cross-fitted the same way (each example's form probabilities come
from a classifier fitted without it). The model is then fitted on all examples and written to
assistant/data/verdict_model.json, with the cross-policy check (fit on one policy's bank, scored on the
other's) in its provenance.

    python -m training.verdict_model            # the bundled policy and the riverside fixture (about 3 min)
"""

from __future__ import annotations

import logging
import os
import random
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import numpy as np

from assistant.verdict_model import (
    ANSWER_VERDICTS,
    MODEL_PATH,
    VerdictModel,
    fit,
    fit_question_form,
    question_form_probabilities,
)
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
Asked = tuple[VerdictEvidence, Verdict, np.ndarray]  # ... and the question's embedding


def held_out_examples(policy_file: Path, questions_dir: Path, embeddings: Embeddings, workdir: Path) -> list[Asked]:
    """(evidence, label, question embedding) for every labelled bank question, each asked against an index
    whose bank lacks it."""
    from assistant.assistant import Assistant
    from assistant.runtime import open_index
    from ingest.pipeline import ingest_policy, parse_file, policy_bank

    settings = Settings(home=workdir / "base", questions_dir=questions_dir, use_verdict_model=False)
    policy = parse_file(policy_file, settings)
    bank = list(policy_bank(policy, settings))
    order = list(range(len(bank)))
    random.Random(SEED).shuffle(order)
    fold_of = {index: rank % FOLDS for rank, index in enumerate(order)}
    examples: list[Asked] = []
    for fold in range(FOLDS):
        fold_settings = settings.model_copy(update={"home": workdir / f"{policy.policy_id}-{fold}", "chroma_url": None})
        index, fold_embeddings = open_index(fold_settings, embeddings)
        kept = tuple(q for i, q in enumerate(bank) if fold_of[i] != fold)
        ingest_policy(policy, index, fold_embeddings, fold_settings, bank=kept)
        assistant = Assistant(fold_settings, embeddings=fold_embeddings, index=index)
        for question in (q for i, q in enumerate(bank) if fold_of[i] == fold):
            examples.extend(_example(assistant, policy.policy_id, question))
        logging.info("%s fold %d: %d examples so far", policy.policy_id, fold, len(examples))
    return examples


def _example(assistant: Assistant, policy_id: str, question: ExampleQuestion) -> list[Asked]:
    if question.verdict not in ANSWER_VERDICTS:
        return []
    try:
        answer = assistant.ask(question.question, policy=policy_id)
    except PolicyQAError:  # a bank line the guard refuses (e.g. not English)
        return []
    evidence = answer.verdict_evidence
    if evidence is None:
        return []
    _, vector = assistant.load(policy_id).retriever.embed_question(question.question)
    return [(evidence, question.verdict, vector)]


def with_question_form(asked: Sequence[Asked], weights: np.ndarray | None = None) -> list[Example]:
    """Examples whose evidence carries the question-form probabilities: from `weights` when given (a
    classifier fitted elsewhere), else cross-fitted five-fold so no example is scored by a classifier that
    saw it."""
    vectors = np.stack([vector for _, _, vector in asked]).astype(np.float64)
    if weights is not None:
        probabilities = question_form_probabilities(weights, vectors)
    else:
        order = list(range(len(asked)))
        random.Random(SEED).shuffle(order)
        fold = np.empty(len(asked), dtype=np.int64)
        fold[order] = np.arange(len(asked)) % FOLDS
        labels = [label for _, label, _ in asked]
        probabilities = np.zeros((len(asked), len(ANSWER_VERDICTS)))
        for held_out in range(FOLDS):
            train = fold != held_out
            form = fit_question_form(vectors[train], [label for label, keep in zip(labels, train, strict=True) if keep])
            probabilities[~train] = question_form_probabilities(form, vectors[~train])
    return [
        (replace(evidence, question_form=dict(zip(ANSWER_VERDICTS, map(float, row), strict=True))), label)
        for (evidence, label, _), row in zip(asked, probabilities, strict=True)
    ]


def fit_form(asked: Sequence[Asked]) -> np.ndarray:
    return fit_question_form(
        np.stack([vector for _, _, vector in asked]).astype(np.float64), [label for _, label, _ in asked]
    )


def accuracy(model: VerdictModel, examples: Sequence[Example]) -> tuple[float, float]:
    """(model, rules alone) agreement with the bank labels."""
    model_right = sum(model.decide(evidence) == label for evidence, label in examples)
    rules_right = sum(evidence.rule_verdict == label for evidence, label in examples)
    return round(model_right / len(examples), 3), round(rules_right / len(examples), 3)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from assistant.runtime import load_embeddings

    settings = Settings()
    embeddings = load_embeddings(settings)
    per_policy: dict[str, list[Asked]] = {}
    with tempfile.TemporaryDirectory(prefix="policyqa-verdict-") as tmp:
        for policy_file, questions_dir in BANKED_POLICIES:
            per_policy[policy_file.stem] = held_out_examples(policy_file, questions_dir, embeddings, Path(tmp))
    provenance: dict[str, object] = {"margin_chosen_on": "bundled dev, dev2, style set, banks", "folds": FOLDS}
    names = list(per_policy)
    for trained_on, scored_on in ((names[0], names[1]), (names[1], names[0])):
        model = VerdictModel(fit(with_question_form(per_policy[trained_on])), MARGIN)
        scored = with_question_form(per_policy[scored_on], fit_form(per_policy[trained_on]))
        model_accuracy, rules_accuracy = accuracy(model, scored)
        provenance[f"fit on {trained_on}, scored on {scored_on}"] = {
            "examples": len(scored),
            "model": model_accuracy,
            "rules": rules_accuracy,
        }
        logging.info(
            "fit on %s, scored on %s: model %.3f, rules %.3f", trained_on, scored_on, model_accuracy, rules_accuracy
        )
    everything = [example for examples in per_policy.values() for example in examples]
    examples = with_question_form(everything)
    model = VerdictModel(
        fit(examples), MARGIN, form_weights=fit_form(everything), form_embedding_model=settings.embedding_model
    )
    start = 0
    for name, asked in per_policy.items():  # agreement with each bank (form classifier cross-fitted)
        model_accuracy, rules_accuracy = accuracy(model, examples[start : start + len(asked)])
        provenance[f"fit on both, {name} (cross-fitted)"] = {"model": model_accuracy, "rules": rules_accuracy}
        logging.info("fit on both, %s: model %.3f, rules %.3f", name, model_accuracy, rules_accuracy)
        start += len(asked)
    provenance["examples"] = {name: len(asked) for name, asked in per_policy.items()}
    MODEL_PATH.write_text(model.to_json(provenance) + "\n", encoding="utf-8")
    logging.info("wrote %s (%d examples)", MODEL_PATH, len(everything))


if __name__ == "__main__":
    main()
