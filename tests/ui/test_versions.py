from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from core.types import Paragraph, ParsedPolicy
from ui import versions
from ui.versions import ParagraphChange


def policy(content_hash: str, **texts: str) -> ParsedPolicy:
    paragraphs = tuple(Paragraph(pid.replace("_", "."), ("1 Rules",), text, (0, 0)) for pid, text in texts.items())
    return ParsedPolicy("staff-code", "Staff code", "staff-code.md", content_hash, paragraphs)


def test_diff_lists_changed_added_and_removed_paragraphs() -> None:
    old = versions.paragraph_hashes(policy("a", p1_1="Staff must lock devices.", p1_2="Staff may use Teams."))
    new = versions.paragraph_hashes(
        policy("b", p1_1="Staff must lock devices.", p1_2="Staff must not use Teams.", p1_3="New.")
    )
    assert versions.diff(old, new) == [ParagraphChange("p1.2", "changed"), ParagraphChange("p1.3", "added")]
    assert versions.diff(new, old) == [ParagraphChange("p1.2", "changed"), ParagraphChange("p1.3", "removed")]


def test_whitespace_only_edits_are_not_changes() -> None:
    a = versions.paragraph_hashes(policy("a", p1="Staff must  lock\ndevices."))
    b = versions.paragraph_hashes(policy("b", p1="Staff must lock devices."))
    assert a == b
    assert versions.diff(a, b) == []


def test_record_once_per_version_and_compare_with_the_previous_one(tmp_path: Path) -> None:
    first = policy("v1", p1="Staff may use Teams.", p2="Staff must lock devices.")
    second = replace(
        first,
        content_hash="v2",
        paragraphs=(replace(first.paragraphs[0], text="Staff must not use Teams."), first.paragraphs[1]),
    )
    assert versions.changes_since_previous(tmp_path, first) == (None, [])
    assert versions.record(tmp_path, first, now=1.0) is True
    assert versions.record(tmp_path, first, now=2.0) is False
    assert versions.changes_since_previous(tmp_path, first) == (None, [])
    versions.record(tmp_path, second, now=3.0)
    previous, changes = versions.changes_since_previous(tmp_path, second)
    assert previous is not None and previous.content_hash == "v1"
    assert changes == [ParagraphChange("p1", "changed")]
    assert [v.content_hash for v in versions.seen(tmp_path, "staff-code")] == ["v1", "v2"]
