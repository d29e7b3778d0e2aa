"""What a new employee sees first: one key rule per section, drawn from the policy's own modal wording,
and a short quiz made from the gold questions."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from assistant.retrieval import is_tabular
from assistant.verdict import Cue, read_verdict, sentence_cue
from core.text import split_sentences
from core.types import ParsedPolicy, Verdict
from eval.gold import GoldQuestion

# "Strongest" cue first: a ban outranks a duty, which outranks a condition, advice or a permission.
CUE_STRENGTH: dict[Cue, int] = {
    "prohibited": 7,
    "required": 6,
    "conditional": 5,
    "conditional_duty": 5,
    "discouraged": 4,
    "not_required": 3,
    "permissive": 2,
    "allowed": 1,
}
# A rule addressed to staff ("Employees must not...") beats a statement about consequences on a tie of cue.
_ADDRESSED = re.compile(
    r"\b(?:employees?|staff|you|teachers?|headteachers?|managers?|they)\b.*"
    r"\b(?:must|should|may|will|are advised|need to|are required|are expected)\b",
    re.IGNORECASE,
)
QUIZ_LENGTH = 5
QUIZ_SKIPPED_CATEGORIES = frozenset({"adversarial", "document_history"})


@dataclass(frozen=True)
class KeyRule:
    section: str
    paragraph_id: str
    sentence: str
    verdict: Verdict


def key_rules(policy: ParsedPolicy) -> list[KeyRule]:
    """For each top-level section, the sentence with the strongest modal cue, preferring rules addressed
    to staff (the first one on a tie). Sections without a rule-like sentence (tables, lists) get no card."""
    best: dict[str, tuple[tuple[bool, int], KeyRule]] = {}
    order: list[str] = []
    for paragraph in policy.paragraphs:
        if not paragraph.heading_path or is_tabular(paragraph.text, paragraph.id):
            continue
        section = paragraph.heading_path[0]
        if section not in order:
            order.append(section)
        for line in split_sentences(paragraph.text):
            sentence = line.lstrip("-• ").strip()
            cue = sentence_cue(sentence)
            if cue is None:
                continue
            strength = (bool(_ADDRESSED.search(sentence)), CUE_STRENGTH[cue])
            if section not in best or strength > best[section][0]:
                # Read as the assistant would (an "unless" turns a ban into a condition), for no question.
                verdict = read_verdict("", sentence, lambda _clause: 0.0).verdict
                rule = KeyRule(section, paragraph.id, sentence, verdict)
                best[section] = (strength, rule)
    return [best[section][1] for section in order if section in best]


def quiz_questions(gold: list[GoldQuestion], seed: int = 0, length: int = QUIZ_LENGTH) -> list[GoldQuestion]:
    """A short, varied quiz: scenarios from the gold set, as many different verdicts as possible."""
    candidates = [q for q in gold if q.category not in QUIZ_SKIPPED_CATEGORIES]
    random.Random(seed).shuffle(candidates)
    chosen: list[GoldQuestion] = []
    verdicts: set[str] = set()
    for question in candidates:
        if question.verdict not in verdicts:
            chosen.append(question)
            verdicts.add(question.verdict)
        if len(chosen) == length:
            break
    for question in candidates:
        if len(chosen) == length:
            break
        if question not in chosen:
            chosen.append(question)
    return chosen


def score(answers: dict[str, str], questions: list[GoldQuestion]) -> int:
    """How many of `questions` were answered with their gold verdict (`answers` maps id -> verdict)."""
    return sum(1 for question in questions if answers.get(question.id) == question.verdict)
