"""A policy's question bank: example staff questions, each with the paragraph that answers it.

Staff ask in their own words ("can I put my beach pics on Insta?"), policies speak in rules. A bank of
questions written against the policy bridges the two: a new question close to a bank question points to
that question's paragraph (the doc2query idea, kept as data). The file is `<questions_dir>/<policy id>.jsonl`
with one `{"paragraph": "7.4.2", "question": "..."}` per line; a policy without one simply has no bank.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path

from core.errors import InputError
from core.types import VERDICTS, ExampleQuestion, ParsedPolicy

ANSWER_VERDICTS = tuple(verdict for verdict in VERDICTS if verdict != "not_covered")  # a bank question is answered

log = logging.getLogger(__name__)


def question_bank_path(questions_dir: Path, policy_id: str) -> Path:
    return questions_dir / f"{policy_id}.jsonl"


def load_question_bank(path: Path, policy: ParsedPolicy) -> tuple[ExampleQuestion, ...]:
    """The bank's questions whose paragraph exists in this version of the policy; () without a file.

    A question citing a paragraph the policy no longer has is skipped with a warning, not an error: banks
    outlive policy revisions."""
    if not path.is_file():
        return ()
    examples: list[ExampleQuestion] = []
    seen: set[tuple[str, str]] = set()
    unknown: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            paragraph_id, question = str(row["paragraph"]), str(row["question"]).strip()
            verdict = row.get("verdict")
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise InputError(
                f"{path.name} line {number} is not a question-bank line "
                '({"paragraph": "7.4.2", "question": "...", "verdict": optional}): fix or delete it.'
            ) from exc
        if verdict is not None and verdict not in ANSWER_VERDICTS:
            raise InputError(
                f"{path.name} line {number}: verdict {verdict!r} is not one of {', '.join(ANSWER_VERDICTS)}."
            )
        paragraph = policy.paragraph(paragraph_id)
        if paragraph is None:
            unknown.add(paragraph_id)
            continue
        key = (paragraph.id, question.casefold())
        if question and key not in seen:
            seen.add(key)
            examples.append(ExampleQuestion(paragraph_id=paragraph.id, question=question, verdict=verdict))
    if unknown:
        log.warning(
            "%s: skipped questions for paragraphs %s, which %s does not have",
            path.name,
            ", ".join(sorted(unknown)),
            policy.policy_id,
        )
    return tuple(examples)


def bank_hash(examples: tuple[ExampleQuestion, ...]) -> str:
    """Identifies a bank's content, so a changed bank re-indexes the policy; "" for no bank."""
    if not examples:
        return ""
    text = "\n".join(f"{e.paragraph_id}\t{e.question}\t{e.verdict or ''}" for e in examples)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def write_question_bank(path: Path, examples: Sequence[ExampleQuestion]) -> None:
    """The bank file format `load_question_bank` reads, written atomically."""
    from ingest.store import atomic_write_text

    lines = []
    for example in examples:
        row = {"paragraph": example.paragraph_id, "question": example.question}
        if example.verdict is not None:
            row["verdict"] = example.verdict
        lines.append(json.dumps(row, ensure_ascii=False) + "\n")
    atomic_write_text(path, "".join(lines))
