"""The embedding tuner's training pairs: bundled questions by default, corpus questions only when asked."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from core.config import Settings
from eval.corpus_eval import load_splits
from ingest.pipeline import parse_file
from tests.conftest import RIVERSIDE_POLICY
from training.finetune_embeddings import CORPUS_DOCUMENTS, CORPUS_TRAINING_DIR, TRAINING_DIR, load_pairs, training_pairs

CORPUS = CORPUS_DOCUMENTS.parent


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_pairs_join_each_question_to_its_paragraph_heading_and_text(tmp_path: Path, settings: Settings) -> None:
    paragraphs = parse_file(RIVERSIDE_POLICY, settings).paragraphs
    documents = tmp_path / "documents"
    documents.mkdir()
    shutil.copy(RIVERSIDE_POLICY, documents / RIVERSIDE_POLICY.name)
    rows = [{"paragraph": paragraphs[1].id, "question": "can I lend my login to a supply teacher?"}]
    training = tmp_path / f"{RIVERSIDE_POLICY.stem}.synthetic.jsonl"
    training.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")

    pairs = load_pairs([training], documents, settings)

    assert pairs == [(rows[0]["question"], f"{paragraphs[1].heading}. {paragraphs[1].text}")]


def test_a_question_for_a_paragraph_the_parser_does_not_give_is_refused(tmp_path: Path, settings: Settings) -> None:
    documents = tmp_path / "documents"
    documents.mkdir()
    shutil.copy(RIVERSIDE_POLICY, documents / RIVERSIDE_POLICY.name)
    training = tmp_path / f"{RIVERSIDE_POLICY.stem}.synthetic.jsonl"
    training.write_text(json.dumps({"paragraph": "99.9", "question": "what about 99.9?"}) + "\n", encoding="utf-8")

    with pytest.raises(SystemExit, match=r"line 1: .* has no paragraph '99\.9'"):
        load_pairs([training], documents, settings)


def test_corpus_questions_are_written_only_for_policies_outside_the_test_split() -> None:
    """The held-out test policies must stay unseen, or their scores say nothing about new policies."""
    splits = load_splits(CORPUS)
    files = sorted(CORPUS_TRAINING_DIR.glob("*.synthetic.jsonl"))
    assert files
    for path in files:
        policy_id = path.name.removesuffix(".synthetic.jsonl")
        assert splits.get(policy_id) != "test", f"{path.name} is written for a held-out test policy"


@pytest.mark.slow
def test_the_default_build_leaves_the_corpus_questions_out(settings: Settings) -> None:
    bundled = sum(_lines(p) for p in TRAINING_DIR.glob("*.synthetic.jsonl"))
    corpus = sum(_lines(p) for p in CORPUS_TRAINING_DIR.glob("*.synthetic.jsonl"))

    assert len(training_pairs(settings)) == bundled
    assert len(training_pairs(settings, ["*.synthetic.jsonl"])) == bundled + corpus  # every corpus id resolves
    one = CORPUS_TRAINING_DIR / "gsa-tts-code-of-conduct.synthetic.jsonl"
    assert len(training_pairs(settings, [one.name, "gsa-*"])) == bundled + _lines(one)  # globs may overlap
