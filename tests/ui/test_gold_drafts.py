from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import InputError
from core.gold import FIELDS, check_gold, load_gold
from core.types import Paragraph, ParsedPolicy
from ui import gold_drafts

POLICY = ParsedPolicy(
    "staff-code",
    "Staff code",
    "staff-code.md",
    "h",
    (
        Paragraph("4.1", ("4 Email",), "Staff must use school email.", (0, 0)),
        Paragraph("4.3", ("4 Email",), "Only via school.", (0, 0)),
    ),
)


def test_drafts_are_valid_gold_rows_in_the_review_file(tmp_path: Path) -> None:
    path = gold_drafts.review_path(tmp_path, "staff-code")
    assert path == tmp_path / "gold-review" / "staff-code.jsonl"
    first = gold_drafts.draft_row("fb-1", "Can I use Gmail for parents?", ["4.1", "4.3"], "prohibited")
    gold_drafts.append_draft(path, first)
    second_id = gold_drafts.draft_id(1, gold_drafts.existing_ids(path))
    assert second_id == "fb-1-2"
    gold_drafts.append_draft(path, gold_drafts.draft_row(second_id, "Can I wear AirPods?", ["4.1"], "not_covered"))
    assert check_gold(path, POLICY) == []
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert set(rows[0]) == {*FIELDS, "split"}
    assert rows[0] == {
        "id": "fb-1",
        "question": "Can I use Gmail for parents?",
        "expected_paragraphs": ["4.1", "4.3"],
        "acceptable_paragraphs": [],
        "verdict": "prohibited",
        "answerable": True,
        "key_facts": [],
        "category": "feedback",
        "split": "dev",
    }
    assert rows[1]["answerable"] is False and rows[1]["expected_paragraphs"] == []
    assert [q.id for q in load_gold(path, "dev")] == ["fb-1", "fb-1-2"]


def test_an_answerable_draft_needs_paragraphs() -> None:
    with pytest.raises(InputError, match="Pick at least one paragraph"):
        gold_drafts.draft_row("fb-2", "Can I?", [], "allowed")
    with pytest.raises(InputError):
        gold_drafts.draft_row("fb-2", "Can I?", ["4.1"], "maybe")
    with pytest.raises(InputError):
        gold_drafts.draft_row("fb-2", "  ", ["4.1"], "allowed")


def test_a_file_without_final_newline_still_gets_one_row_per_line(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(gold_drafts.draft_row("a", "Q?", ["4.1"], "allowed")), encoding="utf-8")
    gold_drafts.append_draft(path, gold_drafts.draft_row("b", "Q2?", ["4.1"], "required"))
    assert check_gold(path, POLICY) == []
    assert gold_drafts.existing_ids(path) == ["a", "b"]
