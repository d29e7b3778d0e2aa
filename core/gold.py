"""The gold question format (`data/gold/<policy>.jsonl`) and its validator."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import GoldFileError
from core.jsonl import read_jsonl
from core.types import VERDICTS, ParsedPolicy, normalise_paragraph_id

FIELDS = (
    "id",
    "question",
    "expected_paragraphs",
    "acceptable_paragraphs",
    "verdict",
    "answerable",
    "key_facts",
    "category",
)


@dataclass(frozen=True)
class GoldQuestion:
    id: str
    question: str
    expected_paragraphs: tuple[str, ...]
    acceptable_paragraphs: tuple[str, ...]
    verdict: str
    answerable: bool
    key_facts: tuple[str, ...]
    category: str
    split: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


def load_gold(path: Path, split: str | None = None) -> list[GoldQuestion]:
    """Load (and validate the shape of) a gold file; `split` keeps only that split when rows have one."""
    questions, errors = _read(path)
    if errors:
        raise GoldFileError(f"{path}: {errors[0]} ({len(errors)} problem(s); run `policyqa eval --check-gold`).")
    if split:
        questions = [q for q in questions if q.split in (None, split)]
    if not questions:
        raise GoldFileError(f"{path} has no questions{f' in split {split!r}' if split else ''}.")
    return questions


def check_gold(path: Path, policy: ParsedPolicy | None) -> list[str]:
    """Every problem in the file, each naming its line; [] when the file is valid."""
    questions, errors = _read(path)
    if policy is not None:
        known = {normalise_paragraph_id(p.id) for p in policy.paragraphs}
        for line_number, question in questions_with_lines(path, questions):
            for pid in (*question.expected_paragraphs, *question.acceptable_paragraphs):
                if normalise_paragraph_id(pid) not in known:
                    errors.append(f"line {line_number} ({question.id}): paragraph {pid!r} is not in {policy.policy_id}")
    return errors


def questions_with_lines(path: Path, questions: list[GoldQuestion]) -> list[tuple[int, GoldQuestion]]:
    lines = [n for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if raw.strip()]
    return list(zip(lines, questions, strict=False))


def _read(path: Path) -> tuple[list[GoldQuestion], list[str]]:
    if not path.is_file():
        raise GoldFileError(f"No gold file at {path}: give a .jsonl file of questions.")
    questions: list[GoldQuestion] = []
    errors: list[str] = []
    seen: set[str] = set()
    for number, row, parse_error in read_jsonl(path):
        if parse_error is not None:
            errors.append(f"line {number}: not valid JSON ({parse_error})")
            continue
        problem = _row_problem(row)
        if problem:
            errors.append(f"line {number}: {problem}")
            continue
        if row["id"] in seen:
            errors.append(f"line {number}: duplicate id {row['id']!r}")
            continue
        seen.add(row["id"])
        questions.append(
            GoldQuestion(
                id=str(row["id"]),
                question=row["question"],
                expected_paragraphs=tuple(row["expected_paragraphs"]),
                acceptable_paragraphs=tuple(row["acceptable_paragraphs"]),
                verdict=row["verdict"],
                answerable=bool(row["answerable"]),
                key_facts=tuple(row["key_facts"]),
                category=row["category"],
                split=row.get("split"),
                extra={k: v for k, v in row.items() if k not in FIELDS and k != "split"},
            )
        )
    return questions, errors


def _row_problem(row: Any) -> str | None:
    if not isinstance(row, dict):
        return "each line must be a JSON object"
    missing = [name for name in FIELDS if name not in row]
    if missing:
        return f"missing field(s) {', '.join(missing)}"
    if not isinstance(row["question"], str) or not row["question"].strip():
        return "question must be a non-empty string"
    for name in ("expected_paragraphs", "acceptable_paragraphs", "key_facts"):
        if not isinstance(row[name], list) or not all(isinstance(v, str) for v in row[name]):
            return f"{name} must be a list of strings"
    if row["verdict"] not in VERDICTS:
        return f"verdict {row['verdict']!r} is not one of {', '.join(VERDICTS)}"
    if not isinstance(row["answerable"], bool):
        return "answerable must be true or false"
    if row["answerable"] == (row["verdict"] == "not_covered"):
        return "answerable must be false exactly when verdict is not_covered"
    if not row["answerable"] and row["expected_paragraphs"]:
        return "a not_covered question must have no expected_paragraphs"
    if row["answerable"] and not row["expected_paragraphs"]:
        return "an answerable question needs expected_paragraphs"
    if "split" in row and row["split"] not in ("dev", "test"):
        return f"split {row['split']!r} must be dev or test"
    return None
