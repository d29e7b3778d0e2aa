"""The question bank: loading and validation, indexing beside the policy, and what retrieval makes of it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from assistant.dense import MatrixDenseSearch
from assistant.query import analyse_question
from assistant.retrieval import Retriever
from assistant.runtime import open_index
from assistant.vocabulary import Vocabulary
from core.config import Settings
from core.errors import InputError
from core.types import ExampleQuestion, SourceDocument
from ingest.pipeline import ingest_policy, parse_document
from ingest.question_bank import bank_hash, load_question_bank
from tests.conftest import BUNDLED_GOLD, FIXTURE_QUESTIONS, RIVERSIDE_GOLD
from tests.fakes import HashingEmbeddings

SMALL = (
    "1. Scope\n1.1 This applies to all staff.\n"
    "2. Email\n2.1 Staff must use school email for work.\n"
    "3. Phones\n3.1 Phones are kept away during lessons.\n"
)
BANK_DIR = Path(__file__).resolve().parents[2] / "data" / "questions"


def _policy():
    return parse_document(SourceDocument("p.txt", SMALL), "p")


def _write(path: Path, rows: list[dict[str, str] | str]) -> Path:
    lines = [row if isinstance(row, str) else json.dumps(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_bank_keeps_known_paragraphs_once_and_skips_the_rest(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "p.jsonl",
        [
            {"paragraph": "2.1", "question": "Can I use Gmail for marking?"},
            {"paragraph": "2.1", "question": "can I use gmail for marking?"},
            {"paragraph": "9.9", "question": "A paragraph this version no longer has"},
            "",
            {"paragraph": "3.1", "question": "Can I check my mobile in class?"},
        ],
    )
    bank = load_question_bank(path, _policy())
    assert bank == (
        ExampleQuestion("2.1", "Can I use Gmail for marking?"),
        ExampleQuestion("3.1", "Can I check my mobile in class?"),
    )


def test_bank_verdicts_are_optional_and_checked(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "p.jsonl",
        [
            {"paragraph": "2.1", "question": "Can I use Gmail for marking?", "verdict": "prohibited"},
            {"paragraph": "3.1", "question": "Can I check my mobile in class?"},
        ],
    )
    assert [e.verdict for e in load_question_bank(path, _policy())] == ["prohibited", None]
    _write(path, [{"paragraph": "2.1", "question": "Gmail?", "verdict": "not_covered"}])
    with pytest.raises(InputError, match="line 1: verdict 'not_covered'"):
        load_question_bank(path, _policy())


def test_a_missing_bank_is_empty_and_a_broken_line_names_itself(tmp_path: Path) -> None:
    assert load_question_bank(tmp_path / "none.jsonl", _policy()) == ()
    path = _write(tmp_path / "p.jsonl", [{"paragraph": "2.1", "question": "ok?"}, '{"question": "no paragraph"}'])
    with pytest.raises(InputError, match="line 2"):
        load_question_bank(path, _policy())


def test_bank_is_indexed_with_the_policy_and_a_changed_bank_reindexes(settings: Settings, tmp_path: Path) -> None:
    fake = HashingEmbeddings()
    index, embeddings = open_index(settings, fake)
    first = (ExampleQuestion("3.1", "Can I check my mobile in class?", "prohibited"),)
    ingest_policy(_policy(), index, embeddings, settings, bank=first)
    entry = index.entry("p")
    loaded = index.load_bank_vectors(entry)
    assert loaded is not None and loaded[0] == list(first) and loaded[1].shape == (1, fake.dimension)
    assert entry.bank_hash == bank_hash(first)
    assert ingest_policy(_policy(), index, embeddings, settings, bank=first).unchanged
    second = (*first, ExampleQuestion("2.1", "Can I use Gmail for marking?"))
    assert not ingest_policy(_policy(), index, embeddings, settings, bank=second).unchanged
    reloaded = index.load_bank_vectors(index.entry("p"))
    assert reloaded is not None and len(reloaded[0]) == 2
    ingest_policy(_policy(), index, embeddings, settings, bank=())
    assert index.load_bank_vectors(index.entry("p")) is None, "removing the bank removes its vectors"


def test_a_bank_question_leads_retrieval_to_its_paragraph() -> None:
    """'mobile' and 'class' are nowhere in 3.1's text; only the bank links them to it."""
    fake = HashingEmbeddings()
    policy = _policy()
    ids = [p.id for p in policy.paragraphs]
    vectors = np.asarray(fake.embed_documents([p.text for p in policy.paragraphs]), dtype=np.float32)

    def top(bank: tuple[list[ExampleQuestion], np.ndarray] | None) -> str:
        retriever = Retriever(policy, MatrixDenseSearch(ids, vectors), fake, Vocabulary(()), None, bank=bank)
        query = analyse_question("is checking my mobile in class ok", retriever, Vocabulary(()))
        return retriever.retrieve(query).paragraphs[0].paragraph_id

    examples = [ExampleQuestion("3.1", "Can I check my mobile in class?")]
    bank_vectors = np.asarray(fake.embed_documents([e.question for e in examples]), dtype=np.float32)
    assert top(None) != "3.1"
    assert top((examples, bank_vectors)) == "3.1"


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9]+", text.lower()))


@pytest.mark.parametrize(
    ("bank_path", "gold_path"),
    [
        (BANK_DIR / BUNDLED_GOLD.name, BUNDLED_GOLD),
        (FIXTURE_QUESTIONS / RIVERSIDE_GOLD.name, RIVERSIDE_GOLD),
    ],
)
def test_no_gold_question_is_in_a_question_bank(bank_path: Path, gold_path: Path) -> None:
    """Banks are written from the policy text alone; a gold question in one, or a close rewording (half its
    words shared), would turn the eval into a lookup."""
    gold = [_words(json.loads(line)["question"]) for line in gold_path.read_text().splitlines() if line]
    bank = [json.loads(line)["question"] for line in bank_path.read_text().splitlines() if line]
    assert len(bank) > 1000
    close = [q for q in bank if any(len(_words(q) & g) / len(_words(q) | g) >= 0.5 for g in gold)]
    assert not close, f"{len(close)} bank questions in {bank_path.name} reword gold ones, e.g. {close[:3]}"
