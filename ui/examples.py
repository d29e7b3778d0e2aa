"""Example scenarios for an empty chat: real questions from the gold set, else questions about headings."""

from __future__ import annotations

from core.types import ParsedPolicy
from eval.gold import GoldQuestion

SKIPPED_CATEGORIES = frozenset({"adversarial", "document_history", "not_covered"})
MAX_CHARS = 90


def example_questions(gold: list[GoldQuestion], policy: ParsedPolicy, count: int = 4) -> list[str]:
    """Short answerable scenarios from different categories; without gold, one question per section."""
    chosen: list[str] = []
    categories: set[str] = set()
    for question in gold:
        if (
            question.answerable
            and question.category not in SKIPPED_CATEGORIES
            and question.category not in categories
            and len(question.question) <= MAX_CHARS
        ):
            chosen.append(question.question)
            categories.add(question.category)
        if len(chosen) == count:
            return chosen
    sections = list(dict.fromkeys(p.heading_path[0] for p in policy.paragraphs if p.heading_path))
    for section in sections[1:]:
        if len(chosen) == count:
            break
        name = section.lstrip("0123456789. ").strip()
        if name:
            chosen.append(f"What does the policy say about {name[:1].lower()}{name[1:]}?")
    return chosen
