from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.verdict_model import ANSWER_VERDICTS
from tests.conftest import FIXTURE_QUESTIONS, RIVERSIDE_POLICY
from training.verdict_model import FOLDS, fit_form, held_out_examples, with_question_form

pytestmark = pytest.mark.slow


def test_every_labelled_bank_question_becomes_a_held_out_example(tmp_path: Path, real_embeddings) -> None:
    """Five folds over a small bank: each labelled question is asked once, against a bank without it."""
    lines = (FIXTURE_QUESTIONS / f"{RIVERSIDE_POLICY.stem}.jsonl").read_text(encoding="utf-8").splitlines()[:60]
    questions = tmp_path / "questions"
    questions.mkdir()
    (questions / f"{RIVERSIDE_POLICY.stem}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    labelled = sum(1 for line in lines if json.loads(line).get("verdict"))

    examples = held_out_examples(RIVERSIDE_POLICY, questions, real_embeddings, tmp_path / "work")

    # with a bank this small more questions fall under the "not covered" floor; those are skipped
    assert labelled * 0.6 <= len(examples) <= labelled
    for evidence, label, vector in examples:
        assert label in {"allowed", "conditional", "discouraged", "prohibited", "required"}
        assert evidence.readings and sum(evidence.votes.values()) > 0
        assert vector.shape == (real_embeddings.dimension,)
    assert FOLDS == 5

    # each example's question-form probabilities come from a classifier fitted on the other folds
    cross_fitted = with_question_form(examples)
    assert [label for _, label in cross_fitted] == [label for _, label, _ in examples]
    for evidence, _ in cross_fitted:
        assert set(evidence.question_form) == set(ANSWER_VERDICTS)
        assert sum(evidence.question_form.values()) == pytest.approx(1.0)
    in_sample = with_question_form(examples, fit_form(examples))
    assert [e.question_form for e, _ in in_sample] != [e.question_form for e, _ in cross_fitted]


def test_an_unlabelled_bank_leaves_the_verdict_to_the_rules(tmp_path: Path, real_embeddings) -> None:
    """The model was trained with the bank's verdict votes: a bank without verdicts does not consult it."""
    from assistant.assistant import Assistant
    from assistant.runtime import open_index
    from core.config import Settings
    from ingest.pipeline import ingest_policy, parse_file

    lines = (FIXTURE_QUESTIONS / f"{RIVERSIDE_POLICY.stem}.jsonl").read_text(encoding="utf-8").splitlines()[:200]
    unlabelled = [
        json.dumps({key: value for key, value in json.loads(line).items() if key != "verdict"}) for line in lines
    ]
    questions = tmp_path / "questions"
    questions.mkdir()
    (questions / f"{RIVERSIDE_POLICY.stem}.jsonl").write_text("\n".join(unlabelled) + "\n", encoding="utf-8")
    settings = Settings(home=tmp_path / "home", questions_dir=questions)
    index, embeddings = open_index(settings, real_embeddings)
    ingest_policy(parse_file(RIVERSIDE_POLICY, settings), index, embeddings, settings)
    assistant = Assistant(settings, embeddings=embeddings, index=index)
    assert assistant.verdict_model is not None
    for line in lines[:20]:
        answer = assistant.ask(json.loads(line)["question"], policy=RIVERSIDE_POLICY.stem)
        assert answer.verdict_evidence is None
