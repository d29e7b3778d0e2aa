"""Read a verdict from the policy's own modal language, sentence by sentence, with the question in mind.

Rules (documented in the README, unit-tested in tests/assistant/test_verdict.py):
1. Each clause of a policy sentence gets a *cue* from its modal wording, strongest first:
   not_required ("not be required to", "do not have to") > prohibited ("must not", "not permitted",
   "not acceptable", "will not be tolerated", imperative "do not") > discouraged ("advised not to",
   "should not", "refrain", "not recommended") > conditional ("only ... via/with/for", "unless",
   "with permission", "sanctioned by") > required ("must", "should", "will consider", "ensure") >
   allowed ("may", "can", "feel able to").
2. The question's kind decides how a cue reads: asking *may I* when the text says staff *must* use a
   school channel ("must only") is conditional; asking *must I* when the text says *not required* means
   allowed (you may choose); a not_required cue is always reported as allowed.
3. The deciding sentence is the best-matching sentence (of the top paragraphs) that carries a cue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from core.types import Verdict

Cue = Literal["not_required", "prohibited", "discouraged", "conditional", "required", "allowed"]
QuestionKind = Literal["permission", "obligation", "information"]

_CUES: tuple[tuple[Cue, re.Pattern[str]], ...] = (
    (
        "not_required",
        re.compile(
            r"\bnot (?:be )?required to\b|\bdo(?:es)? not (?:have|need) to\b|\bneed not\b|\bnot (?:be )?expected to\b"
            r"|\bnot obliged to\b",
            re.I,
        ),
    ),
    (
        "prohibited",
        re.compile(
            r"\bmust not\b|\bmustn'?t\b|\bmust never\b|\bnot (?:be )?permitted\b|\bnot (?:be )?allowed\b|\bprohibited\b"
            r"|\bforbidden\b|\bwill not be tolerated\b|\bnot (?:be )?acceptable\b|\bunacceptable\b|\bmay not\b"
            r"|\bcannot\b|\bcan ?not\b|(?:^|[,;:]\s*)do not\b|\bis a (?:disciplinary|criminal) offence\b"
            r"|\bconstitutes? a (?:data )?breach\b|\bnever\b",
            re.I,
        ),
    ),
    (
        "discouraged",
        re.compile(
            r"\badvised not to\b|\bshould not\b|\bshouldn'?t\b|\bnot recommended\b|\brefrain\b|\bavoid\b"
            r"|\bdiscouraged\b|\bnot advisable\b|\bought not\b|\bsparingly\b",
            re.I,
        ),
    ),
    (
        "conditional",
        re.compile(
            r"\b(?:must|should|may|can) only\b|\bonly (?:be )?(?:made |used |take place )?(?:with|via|through|for|if|when|"
            r"where|after|once)\b|\bunless\b|\bwith (?:the )?(?:express |prior )?(?:permission|approval|consent)\b"
            r"|\bpermission should be sought\b|\bprovided (?:that )?\b|\bas long as\b|\bsanctioned by\b"
            r"|\bin accordance with\b|\bwithout due reason\b|\bconsider carefully\b",
            re.I,
        ),
    ),
    (
        "required",
        re.compile(
            r"\bmust\b|\bshould\b|\brequired to\b|\bneeds? to\b|\bhave to\b|\bexpected to\b|\bensure\b"
            r"|\bis the responsibility of\b|\bshall\b|\bwill consider\b|\bis required\b|\bare required\b"
            r"|\bencouraged to\b",
            re.I,
        ),
    ),
    (
        "allowed",
        re.compile(
            r"\bmay\b|\bcan\b|\bare able to\b|\bfeel able to\b|\bis permitted\b|\bare permitted\b|\bfree to\b"
            r"|\bwelcome to\b|\ballowed to\b",
            re.I,
        ),
    ),
)
_CLAUSE_SPLIT = re.compile(r";|,\s*(?:however|but|although|whereas|unless)\b|\bhowever,|\bbut\b", re.I)

_PERMISSION = re.compile(
    r"^\W*(?:so[,:]?\s+)?(?:can|may|could|might)\s+(?:i|we|staff|teachers|you|a teacher)\b|\b(?:am i|are we|are staff|is it|"
    r"would it be|it's|it is)\s+(?:\w+\s+)?(?:allowed|ok|okay|alright|all right|fine|acceptable|permitted|a problem|"
    r"against the rules)\b|\bcan i\b|\bcan we\b|\bmay i\b|\bam i ok to\b|\bis that (?:ok|okay|allowed|fine|a problem)\b"
    r"|\bshould i\b(?!.*\breport\b)|\bam i even allowed\b|\bam i allowed\b|\bwould i be allowed\b",
    re.I,
)
_OBLIGATION = re.compile(
    r"\bdo i (?:have|need) to\b|\bdo we (?:have|need) to\b|\bmust i\b|\bam i (?:required|expected|supposed|meant)\b|"
    r"\bhave i got to\b|\bwhat (?:should|must|do) i do\b|\bwho (?:do|should) i (?:tell|report|contact|speak|ask)\b|"
    r"\bwhat am i (?:supposed|meant|expected)\b|\bhow (?:quickly|soon|fast)\b|\bwithin how\b|\bwhat (?:has|needs) to\b|"
    r"\bi need to\b|\bshould i report\b|\bam i obliged\b|\bis there anything .* expects?\b|\bwhat .* supposed to\b",
    re.I,
)


@dataclass(frozen=True)
class VerdictReading:
    verdict: Verdict
    cue: Cue | None
    clause: str


def question_kind(question: str) -> QuestionKind:
    if _OBLIGATION.search(question):
        return "obligation"
    if _PERMISSION.search(question):
        return "permission"
    return "information"


def sentence_cue(sentence: str) -> Cue | None:
    """The strongest cue in the sentence (rule 1), or None when it carries no modal wording."""
    for cue, pattern in _CUES:
        if pattern.search(sentence):
            return cue
    return None


def clauses(sentence: str) -> list[str]:
    parts = [part.strip(" ,") for part in _CLAUSE_SPLIT.split(sentence)]
    return [part for part in parts if len(part.split()) >= 3] or [sentence]


def cue_to_verdict(cue: Cue | None, kind: QuestionKind) -> Verdict:
    """Rule 2: how a cue answers this kind of question."""
    if cue is None:
        return "allowed"
    if cue == "not_required":
        return "allowed"
    if cue == "required" and kind == "permission":
        return "required"
    return cue


def read_verdict(question: str, sentence: str, question_words: set[str]) -> VerdictReading:
    """Verdict from the clause of `sentence` that shares most words with the question."""
    kind = question_kind(question)
    candidates = clauses(sentence)
    best = max(candidates, key=lambda clause: _overlap(clause, question_words))
    cue = sentence_cue(best)
    if cue is None:
        cue = sentence_cue(sentence)
    return VerdictReading(verdict=cue_to_verdict(cue, kind), cue=cue, clause=best)


def _overlap(clause: str, question_words: set[str]) -> float:
    from assistant.lexical import lexical_tokens

    tokens = set(lexical_tokens(clause))
    return len(tokens & question_words) + (0.1 if sentence_cue(clause) else 0.0)
