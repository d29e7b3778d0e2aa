"""Safety invariants, counted on every answer of every eval; each must be 0.

They check an answer against itself and the policy, not against a gold label, so they hold on any policy:
- `yes_while_banning`: the answer's first line says yes ("Yes, the policy allows this") while the deciding
  sentence prohibits or advises against, or says no while the deciding sentence only permits;
- `required_without_duty` / `prohibited_without_ban`: a `required` verdict whose deciding sentence states
  no obligation, a `prohibited` one whose deciding sentence states neither a prohibition nor a strict duty
  (a question proposing to leave a "must" undone is answered `prohibited` from the duty);
- `citation_not_retrieved`: a cited paragraph that retrieval did not return;
- `quote_not_verbatim`: a quote that is not in its cited paragraph (markup removed, whitespace normalised).

The modal patterns here are deliberately plain and independent of `assistant/verdict.py`: a second reading
of the same sentence, so the product cannot pass by agreeing with itself.
"""

from __future__ import annotations

import re
from collections import Counter

from core.types import Answer, ParsedPolicy

_BAN = re.compile(
    r"\b(?:must|shall|may|will|can|should|do|does|are|is)\s+not\b|\bmustn't|\bshan't|\bcannot\b|\bcan't\b|"
    r"\bdon't\b|\bnever\b|\bprohibited\b|\bforbidden\b|\bnot\s+(?:permitted|allowed|acceptable|tolerated)\b|"
    r"\bunder no circumstances\b|\bno\s+\w+\s+(?:is|are|may|shall)\b|\bnot\s+recommended\b|\badvised not to\b|"
    r"\brefrain\b|\bavoid\b",
    re.IGNORECASE,
)
_EXCEPTION = re.compile(r"\bunless\b|\bonly\b|\bexcept\b|\bprovided\b|\bwithout\b|\bif\b|\bwhere\b", re.I)
_PERMISSION = re.compile(r"\bmay\b|\bcan\b|\bpermitted\b|\ballowed\b|\bentitled\b|\bfree to\b|\bwelcome to\b", re.I)
_DUTY = re.compile(
    r"\bmust\b|\bshall\b|\bwill\b|\brequired?\b|\brequires\b|\bhave to\b|\bhas to\b|\bneeds? to\b|\bshould\b|"
    r"\bought to\b|\bexpected to\b|\bresponsib|\bduty\b|\bobliged\b|\bobligation\b|\bmandatory\b|\bensure\b|"
    r"\bit is essential\b|\bare to\b|\bis to\b|\bencouraged\b|\brecommended\b",
    re.IGNORECASE,
)
# "Report any loss to IT." - an instruction: a capitalised first word that is not a grammar word and is not
# followed by a verb (which would make it the subject: "Passwords are personal")
_IMPERATIVE = re.compile(
    r"^(?!(?i:the|a|an|this|these|those|that|it|its|we|you|they|he|she|i|our|your|their|all|any|each|every|"
    r"some|no|if|when|where|while|as|for|in|on|at|by|with|to|of|from|there|here|such|other|most|many)\b)"
    r"[A-Z][a-z]+\s+(?!(?i:is|are|was|were|will|may|must|should|can|could|would|has|have|had|do|does)\b)\S"
)
_LABEL = re.compile(r"^(?:[-•*]\s+|\(?[0-9a-zA-Z]{1,4}[.)]\s+)+")
# a duty the question proposes to leave undone ("can I leave it unlocked?" against "must be locked") is
# answered `prohibited` from the duty itself
_STRICT_DUTY = re.compile(r"\bmust\b|\bshall\b|\brequired\b|\b(?:have|has|need|needs) to\b", re.IGNORECASE)
_MARKUP = re.compile(r"[*_`]+|\[(?P<text>[^\]]*)\]\([^)]*\)")
INVARIANTS = (
    "yes_while_banning",
    "required_without_duty",
    "prohibited_without_ban",
    "citation_not_retrieved",
    "quote_not_verbatim",
)


def _plain(text: str) -> str:
    text = _MARKUP.sub(lambda m: m.group("text") or "", text)
    return " ".join(text.replace("“", '"').replace("”", '"').replace("’", "'").split()).lower()


def violations(answer: Answer, policy: ParsedPolicy) -> list[str]:
    """The invariants this answer breaks (empty for a sound answer)."""
    out: list[str] = []
    deciding = answer.deciding_sentence or ""
    if deciding:
        banned = bool(_BAN.search(deciding))
        lead = answer.answer.split("“")[0].lower()
        says_yes = lead.startswith("yes") and "must" not in lead
        says_no = (lead.startswith("no,") and "have to" not in lead) or "advises against" in lead
        says_yes_to_a_ban = says_yes and banned and not _EXCEPTION.search(deciding)
        says_no_to_a_permission = says_no and not banned and bool(_PERMISSION.search(deciding))
        if says_yes_to_a_ban or says_no_to_a_permission:
            out.append("yes_while_banning")
        instruction = _IMPERATIVE.match(_LABEL.sub("", deciding.strip()))
        if answer.verdict == "required" and not (_DUTY.search(deciding) or instruction):
            out.append("required_without_duty")
        if answer.verdict == "prohibited" and not banned and not _STRICT_DUTY.search(deciding):
            out.append("prohibited_without_ban")
    retrieved = {item.paragraph_id for item in answer.retrieved}
    texts = {p.id: _plain(p.text) for p in policy.paragraphs}
    for citation in answer.citations:
        if citation.paragraph not in retrieved:
            out.append("citation_not_retrieved")
        pieces = [_plain(piece).strip(" .") for piece in citation.quote.split("…")]  # " … " joins sentences
        if any(piece and piece not in texts.get(citation.paragraph, "") for piece in pieces):
            out.append("quote_not_verbatim")
    return out


def count(answers: list[tuple[Answer, ParsedPolicy]]) -> dict[str, int]:
    """Every invariant with its number of breaking answers (zeros included)."""
    totals: Counter[str] = Counter()
    for answer, policy in answers:
        totals.update(set(violations(answer, policy)))
    return {name: totals.get(name, 0) for name in INVARIANTS}
