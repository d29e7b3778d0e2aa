"""Turn a thumbs-down answer into a draft gold question in `<POLICYQA_HOME>/gold-review/<policy>.jsonl`.

Rows are written in exactly the gold format (`core.gold.FIELDS` plus `split`), so HR can review them
and move them into `data/gold/<policy>.jsonl`; `core.gold.check_gold` validates the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from core.errors import InputError
from core.types import VERDICTS

DRAFT_CATEGORY = "feedback"
DRAFT_SPLIT = "dev"


def review_path(home: Path, policy_id: str) -> Path:
    return home / "gold-review" / f"{policy_id}.jsonl"


def draft_id(feedback_id: int, taken: Iterable[str]) -> str:
    """`fb-<feedback id>`, with a suffix when that id is already used."""
    used = set(taken)
    base = f"fb-{feedback_id}"
    candidate, number = base, 1
    while candidate in used:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def draft_row(
    row_id: str,
    question: str,
    paragraphs: Sequence[str],
    verdict: str,
    category: str = DRAFT_CATEGORY,
    key_facts: Sequence[str] = (),
) -> dict[str, Any]:
    """A gold row; raises InputError (one sentence) when HR's picks cannot make a valid question."""
    if not question.strip():
        raise InputError("The question is empty: type the question the gold row should ask.")
    if verdict not in VERDICTS:
        raise InputError(f"Choose a verdict: one of {', '.join(VERDICTS)}.")
    answerable = verdict != "not_covered"
    if answerable and not paragraphs:
        raise InputError("Pick at least one paragraph that answers the question, or choose the verdict Not covered.")
    return {
        "id": row_id,
        "question": question.strip(),
        "expected_paragraphs": list(paragraphs) if answerable else [],
        "acceptable_paragraphs": [],
        "verdict": verdict,
        "answerable": answerable,
        "key_facts": [fact for fact in key_facts if fact.strip()] if answerable else [],
        "category": category.strip() or DRAFT_CATEGORY,
        "split": DRAFT_SPLIT,
    }


def existing_ids(path: Path) -> list[str]:
    if not path.exists():
        return []
    ids = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            try:
                ids.append(str(json.loads(line).get("id", "")))
            except (ValueError, AttributeError):
                continue
    return ids


def append_draft(path: Path, row: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    prefix = ""
    if path.exists() and path.stat().st_size and not path.read_bytes().endswith(b"\n"):
        prefix = "\n"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(prefix + json.dumps(row, ensure_ascii=False) + "\n")
