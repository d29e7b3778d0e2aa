"""Compose the extractive answer: a direct first line with the verdict, then cited policy sentences.

Every sentence of the answer is a policy sentence (quoted) ending with its paragraph id, so nothing
in the answer goes beyond what a cited paragraph says.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.stages import Evidence
from assistant.verdict import Cue, QuestionKind
from core.types import AnswerSentence, Citation, Contact, ParsedPolicy, Verdict

VERDICT_LABELS: dict[str, str] = {
    "allowed": "Allowed",
    "conditional": "Allowed with conditions",
    "discouraged": "Discouraged",
    "prohibited": "Not allowed",
    "required": "Required",
    "not_covered": "Not covered",
}


def lead_for(verdict: Verdict, cue: Cue | None, kind: QuestionKind) -> str:
    if cue == "not_required" or (kind == "obligation" and verdict == "allowed"):
        return "No, you don't have to."
    if kind == "fact":
        return "The policy says:"
    return {
        "allowed": "Yes, the policy allows this.",
        "conditional": "Only with conditions.",
        "discouraged": "The policy advises against this.",
        "prohibited": "No, the policy does not allow this.",
        "required": "Yes, you must." if kind == "obligation" else "The policy requires this.",
        "not_covered": "The policy does not cover this.",
    }[verdict]


def compose(
    verdict: Verdict,
    cue: Cue | None,
    kind: QuestionKind,
    deciding: Evidence,
    support: Sequence[Evidence],
    policy: ParsedPolicy,
) -> tuple[str, tuple[AnswerSentence, ...], tuple[Citation, ...]]:
    evidence = [deciding, *support]
    sentences = [AnswerSentence(text=lead_for(verdict, cue, kind), paragraph_ids=(deciding.paragraph_id,))]
    for item in evidence:
        sentences.append(AnswerSentence(text=_as_quote(item.sentence), paragraph_ids=(item.paragraph_id,)))
    lines = [f"{sentences[0].text} {sentences[1].text} [{deciding.paragraph_id}]"]
    lines += [f"{s.text} [{s.paragraph_ids[0]}]" for s in sentences[2:]]
    citations: list[Citation] = []
    for paragraph_id in dict.fromkeys(item.paragraph_id for item in evidence):
        quotes = " … ".join(item.sentence for item in evidence if item.paragraph_id == paragraph_id)
        paragraph = policy.paragraph(paragraph_id)
        citations.append(Citation(paragraph=paragraph_id, quote=quotes, heading=paragraph.heading if paragraph else ""))
    return "\n".join(lines), tuple(sentences), tuple(citations)


def compose_not_covered(checked: Sequence[str], contacts: Sequence[Contact]) -> tuple[str, tuple[AnswerSentence, ...]]:
    whom = _whom(contacts)
    closest = ", ".join(checked[:3])
    first = "The policy does not address this, so there is no policy rule to give you."
    second = f"The closest paragraphs I checked ({closest}) do not answer it." if closest else ""
    third = f"Ask {whom}." if whom else "Ask your line manager or the person who owns this policy."
    parts = [part for part in (first, second, third) if part]
    return " ".join(parts), tuple(AnswerSentence(text=part, paragraph_ids=()) for part in parts)


def _whom(contacts: Sequence[Contact]) -> str:
    if not contacts:
        return ""
    names = [_with_article(c.role) + (f" ({c.detail})" if c.detail else "") for c in contacts[:2]]
    return " or ".join(names)


def _as_quote(sentence: str) -> str:
    text = sentence.strip().lstrip("-• ").strip()
    if text and text[-1] not in ".!?:":
        text += "."
    return f"“{text}”"


def _with_article(role: str) -> str:
    """ "Headteacher" -> "the Headteacher"; names that already read as a phrase keep their form."""
    return role if role.lower().startswith(("the ", "your ", "a ", "an ")) else f"the {role}"
