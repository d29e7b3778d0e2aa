from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from core.errors import GoldFileError
from core.gold import check_gold, load_gold
from core.types import VERDICTS
from ingest.parser import parse_policy
from ingest.readers import read_document
from tests.conftest import BUNDLED_GOLD, BUNDLED_POLICY, RIVERSIDE_GOLD, RIVERSIDE_POLICY


def test_bundled_gold_set_meets_the_coverage_rules() -> None:
    questions = load_gold(BUNDLED_GOLD)
    policy = parse_policy(read_document(BUNDLED_POLICY, 10**7), "bundled")
    assert len(questions) >= 120
    assert check_gold(BUNDLED_GOLD, policy) == []
    verdicts = Counter(q.verdict for q in questions)
    assert all(verdicts[v] >= 12 for v in VERDICTS), verdicts
    assert verdicts["not_covered"] >= 20
    assert sum(q.category == "adversarial" for q in questions) >= 10
    expected = {pid for q in questions for pid in q.expected_paragraphs}
    assert expected >= {p.id for p in policy.paragraphs}, "every citable paragraph is expected somewhere"
    assert {q.split for q in questions} == {"dev", "test"}


def test_fixture_gold_set_is_valid() -> None:
    policy = parse_policy(read_document(RIVERSIDE_POLICY, 10**7), "riverside")
    assert len(load_gold(RIVERSIDE_GOLD)) >= 25
    assert check_gold(RIVERSIDE_GOLD, policy) == []


def test_split_filter_and_files_without_split(tmp_path: Path) -> None:
    row = json.loads(BUNDLED_GOLD.read_text().splitlines()[0])
    row.pop("split")
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps(row) + "\n")
    assert len(load_gold(path, split="test")) == 1, "rows without a split are kept"
    assert all(q.split == "dev" for q in load_gold(BUNDLED_GOLD, split="dev"))


def test_invalid_rows_are_reported_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "g.jsonl"
    path.write_text('{"id": "a"}\nnot json\n')
    problems = check_gold(path, None)
    assert problems[0].startswith("line 1: missing field") and problems[1].startswith("line 2: not valid JSON")
    with pytest.raises(GoldFileError, match="check-gold"):
        load_gold(path)
