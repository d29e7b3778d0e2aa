from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant.verdict_model import (
    ANSWER_VERDICTS,
    FEATURES,
    MODEL_PATH,
    VerdictModel,
    features,
    fit,
    fit_question_form,
    load_verdict_model,
    question_form_probabilities,
)
from core.config import DEFAULT_EMBEDDING_MODEL
from core.types import VerdictEvidence


def evidence(rule: str, readings: list[tuple[str, float]], votes: dict[str, float] | None = None) -> VerdictEvidence:
    return VerdictEvidence(
        rule_verdict=rule,  # type: ignore[arg-type]
        kind="permission",
        readings=tuple(readings),  # type: ignore[arg-type]
        top_paragraph_votes={},
        votes=votes or {},
        paragraph_prior={},
    )


def test_features_describe_each_candidate_verdict() -> None:
    rows = features(evidence("allowed", [("allowed", 1.0), ("prohibited", 0.9)], {"prohibited": 2.0, "allowed": 2.0}))
    assert rows.shape == (len(ANSWER_VERDICTS), len(FEATURES))
    column = {name: i for i, name in enumerate(FEATURES)}
    allowed, prohibited = ANSWER_VERDICTS.index("allowed"), ANSWER_VERDICTS.index("prohibited")
    assert rows[allowed, column["rule_verdict"]] == 1.0 and rows[prohibited, column["rule_verdict"]] == 0.0
    assert rows[allowed, column["first_rule"]] == 1.0 and rows[prohibited, column["second_rule"]] == 1.0
    assert rows[prohibited, column["score_gap"]] == pytest.approx(0.1)
    assert rows[prohibited, column["neighbours"]] == pytest.approx(0.5)
    assert rows[ANSWER_VERDICTS.index("required"), column["no_rule"]] == 1.0


def test_fit_learns_to_follow_the_signal_that_predicts_the_label() -> None:
    rng = np.random.default_rng(0)
    examples = []
    for _ in range(300):
        label, other = rng.choice(ANSWER_VERDICTS, size=2, replace=False)
        # the rules read `other` first and `label` second; the neighbours vote for `label`
        item = evidence(str(other), [(str(other), 1.0), (str(label), 0.95)], {str(label): 3.0, str(other): 1.0})
        examples.append((item, str(label)))
    model = VerdictModel(fit(examples), margin=0.1)  # type: ignore[arg-type]
    assert sum(model.decide(item) == label for item, label in examples) / len(examples) > 0.9


def test_decide_only_moves_to_a_verdict_a_rule_reads_and_only_past_the_margin() -> None:
    weights = np.zeros(len(FEATURES))
    weights[FEATURES.index("neighbours")] = 10.0
    confident = VerdictModel(weights, margin=0.1)
    unread = evidence("allowed", [("allowed", 1.0)], {"prohibited": 5.0})
    assert confident.decide(unread) == "allowed"  # no quoted sentence reads "prohibited"
    read = evidence("allowed", [("allowed", 1.0), ("prohibited", 0.8)], {"prohibited": 5.0})
    assert confident.decide(read) == "prohibited"
    assert VerdictModel(weights, margin=1.0).decide(read) == "allowed"
    settled = replace(read, settled=True)  # "you are not required to" always stands
    assert confident.decide(settled) == "allowed"


def test_the_question_form_classifier_learns_phrasings_and_feeds_the_model() -> None:
    rng = np.random.default_rng(1)
    centres = rng.normal(size=(len(ANSWER_VERDICTS), 8))
    labels = [ANSWER_VERDICTS[i % len(ANSWER_VERDICTS)] for i in range(200)]
    vectors = np.stack([centres[ANSWER_VERDICTS.index(label)] + 0.3 * rng.normal(size=8) for label in labels])
    form = fit_question_form(vectors, labels)
    assert form.shape == (9, len(ANSWER_VERDICTS))
    predicted = question_form_probabilities(form, vectors).argmax(axis=1)
    assert np.mean([ANSWER_VERDICTS[i] == label for i, label in zip(predicted, labels, strict=True)]) > 0.95

    model = VerdictModel(np.zeros(len(FEATURES)), margin=0.3, form_weights=form, form_embedding_model="m")
    probabilities = model.question_form(vectors[1], "m")
    assert max(probabilities, key=lambda verdict: probabilities[verdict]) == labels[1]
    assert model.question_form(vectors[1], "another-model") == {}  # its space means nothing to the classifier
    assert model.question_form(np.zeros(5), "m") == {}
    assert VerdictModel(np.zeros(len(FEATURES)), margin=0.3).question_form(vectors[1], "m") == {}

    column = FEATURES.index("question_form")
    rows = features(replace(evidence("allowed", [("allowed", 1.0)]), question_form=probabilities))
    assert rows[ANSWER_VERDICTS.index(labels[1]), column] == pytest.approx(max(probabilities.values()))


def test_the_shipped_model_matches_the_features_and_a_stale_one_is_ignored(tmp_path: Path) -> None:
    shipped = load_verdict_model()
    assert shipped is not None and shipped.weights.shape == (len(FEATURES),)
    assert shipped.form_weights is not None and shipped.form_weights.shape == (384 + 1, len(ANSWER_VERDICTS))
    assert shipped.form_embedding_model == DEFAULT_EMBEDDING_MODEL
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert data["provenance"]["examples"]  # trained on the banks, and says so
    stale = tmp_path / "model.json"
    stale.write_text(json.dumps({**data, "features": data["features"][:-1]}), encoding="utf-8")
    assert load_verdict_model(stale) is None
    assert load_verdict_model(tmp_path / "missing.json") is None
