"""The decision: which policy sentence decides the question, what verdict it gives, and which sentences are
quoted in support. The verdict comes from the modal grammar (`assistant/verdict.py`); a labelled question
bank may choose among the top rules (`assistant/bank_guidance.py`); the never-yes-to-a-ban guard has the
last word."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from assistant import bank_guidance
from assistant.retrieval import is_tabular
from assistant.stages import Decision, Evidence, Query, Ranked
from assistant.verdict import VerdictReading, guard_reading, read_verdict, sentence_cue
from assistant.verdict_model import VerdictModel
from core.types import ParsedPolicy

SUPPORT_MARGIN = 0.12  # a supporting sentence scores within this of the deciding one, or is a rule of its paragraph
SECOND_PARAGRAPH_GAP = 0.05  # fused-score gap to the top paragraph within which the runner-up is quoted too
SECOND_SENTENCE_MARGIN = 0.2  # ...if its best sentence scores within this of the deciding sentence
MAX_SUPPORT = 3  # at most three supporting sentences after the first line


@dataclass(frozen=True)
class BankContext:
    """What a policy's labelled question bank brings to a decision (absent for a policy without one)."""

    labels_by_paragraph: Mapping[str, Mapping[str, float]]
    model: VerdictModel | None
    embedding_model: str


def decide(
    query: Query,
    ranked: Ranked,
    policy: ParsedPolicy,
    weight: Callable[[str], float],
    bank: BankContext | None = None,
) -> Decision:
    """`weight(text)` scores how much a clause shares with the question (the retriever's rare-word weight)."""
    candidates = list(ranked.sentences)
    with_cue = [item for item in candidates if is_rule(item.sentence)]
    # a question after a fact (a number, a definition) is answered by the best sentence, rule or not
    deciding = candidates[0] if query.kind == "fact" and candidates else (with_cue or candidates)[0]
    deciding_paragraph = policy.paragraph(deciding.paragraph_id)
    factual = deciding_paragraph is not None and is_tabular(deciding_paragraph.text, deciding_paragraph.id)

    def read(text: str) -> VerdictReading:  # the question's kind is computed once, not per sentence
        return read_verdict(query.asked, text, weight, kind=query.kind)

    reading = read_verdict(query.asked, deciding.sentence, weight, factual, query.kind)
    evidence = None
    if not factual and query.kind != "fact" and ranked.bank:  # a fact's verdict is not read from modal wording
        deciding, reading = bank_guidance.bank_guided(ranked, with_cue, deciding, reading, read)
        if bank is not None and bank.labels_by_paragraph:  # the model was trained with the labels' votes
            deciding, reading, evidence = bank_guidance.model_checked(
                query,
                ranked,
                bank.labels_by_paragraph,
                bank.model,
                bank.embedding_model,
                with_cue,
                deciding,
                reading,
                read,
            )
    reading = guard_reading(reading, deciding.sentence, query.kind)
    return Decision(
        verdict=reading.verdict,
        cue=reading.cue,
        deciding=deciding,
        support=tuple(supporting_sentences(ranked, candidates, deciding)),
        evidence=evidence,
    )


def supporting_sentences(ranked: Ranked, candidates: Sequence[Evidence], deciding: Evidence) -> list[Evidence]:
    """Sentences quoted after the deciding one: close runners-up and rules of its paragraph, the best sentence
    of a near-tied second paragraph, and the top-ranked paragraph's best sentence when another decided."""
    top_id = ranked.paragraphs[0].paragraph_id
    support = [
        item
        for item in candidates
        if item is not deciding
        and not is_prompt(item.sentence)
        and item.paragraph_id in {deciding.paragraph_id, top_id}
        and (
            item.score >= deciding.score - SUPPORT_MARGIN
            or (item.paragraph_id == deciding.paragraph_id and is_rule(item.sentence))
        )
    ][:MAX_SUPPORT]
    second = second_paragraph_support(ranked, candidates, deciding, support)
    if second is not None:
        support = [*support[: MAX_SUPPORT - 1], second]
    top = top_paragraph_support(ranked, candidates, deciding, support)
    if top is not None:
        support = [top, *support[: MAX_SUPPORT - 1]]
    return support


def second_paragraph_support(
    ranked: Ranked, candidates: Sequence[Evidence], deciding: Evidence, support: Sequence[Evidence]
) -> Evidence | None:
    """When the top two paragraphs score almost the same, the best sentence of whichever of them is not
    cited yet: scenarios often rest on two neighbouring rules (4.4 and 4.5; 1.3 and 1.4)."""
    paragraphs = ranked.paragraphs
    if len(paragraphs) < 2 or paragraphs[0].score - paragraphs[1].score > SECOND_PARAGRAPH_GAP:
        return None
    cited = {deciding.paragraph_id, *(item.paragraph_id for item in support)}
    for paragraph in paragraphs[:2]:
        if paragraph.paragraph_id in cited:
            continue
        best = next((item for item in candidates if item.paragraph_id == paragraph.paragraph_id), None)
        if best is not None and best.score >= deciding.score - SECOND_SENTENCE_MARGIN:
            return best
    return None


def top_paragraph_support(
    ranked: Ranked, candidates: Sequence[Evidence], deciding: Evidence, support: Sequence[Evidence]
) -> Evidence | None:
    """The best sentence of the top-ranked paragraph when nothing quoted comes from it: a rule from another
    paragraph decided (its wording answers the question best), but the paragraph retrieval ranked first is
    usually the one the question is about (on the banks, held out, 280 of 335 such answers in the bundled
    policy: the deciding paragraph only 22), so the answer quotes it too."""
    top = ranked.paragraphs[0].paragraph_id if ranked.paragraphs else None
    if top is None or top in {deciding.paragraph_id, *(item.paragraph_id for item in support)}:
        return None
    return next((item for item in candidates if item.paragraph_id == top and not is_prompt(item.sentence)), None)


def is_prompt(sentence: str) -> bool:
    """A checklist prompt ("Is a reply required?") or a lead-in to a list ("... should be considered:")."""
    return sentence.rstrip(" .").endswith(("?", ":", ":-"))


def is_rule(sentence: str) -> bool:
    """A sentence that can decide a verdict: modal wording, and not a prompt or a lead-in."""
    return sentence_cue(sentence) is not None and not is_prompt(sentence)
