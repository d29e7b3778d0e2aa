"""What a labelled question bank may change in a decision: which of the top rules decides. Optional: a
policy without a labelled bank is decided by the modal grammar alone (`assistant/verdict.py`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from assistant.stages import BankNeighbour, Evidence, Query, Ranked
from assistant.verdict import VerdictReading
from assistant.verdict_model import RULE_DEPTH, VerdictModel
from core.types import Verdict, VerdictEvidence

# Set on the bundled policy's dev split (see docs/answers.md).
BANK_VERDICT_DEPTH = 1
BANK_VERDICT_NEIGHBOURS = 5
BANK_VERDICT_MIN_SIMILARITY = 0.5
BANK_VERDICT_MIN_SHARE = 0.6
BANK_VERDICT_MARGIN = 0.3
VERDICT_MODEL_NEIGHBOURS = 8  # closest bank questions whose labels the verdict model sees

Read = Callable[[str], VerdictReading]


def bank_verdict(
    neighbours: Sequence[BankNeighbour], paragraph_ids: set[str], count: int, min_similarity: float
) -> tuple[Verdict, float] | None:
    """The verdict the closest labelled bank questions about these paragraphs carry, with its share of their
    similarity-weighted vote; None without a close enough labelled question."""
    votes: dict[Verdict, float] = {}
    taken = 0
    for neighbour in neighbours:
        if neighbour.similarity < min_similarity or taken == count:
            break
        if neighbour.verdict is None or neighbour.paragraph_id not in paragraph_ids:
            continue
        votes[neighbour.verdict] = votes.get(neighbour.verdict, 0.0) + neighbour.similarity
        taken += 1
    if not votes:
        return None
    best = max(votes, key=lambda verdict: votes[verdict])
    return best, votes[best] / sum(votes.values())


def bank_votes(
    neighbours: Sequence[BankNeighbour], paragraph_id: str, count: int
) -> tuple[dict[str, float], dict[str, float]]:
    """The similarity-weighted verdicts of the `count` closest bank questions: those about `paragraph_id`,
    and all of them."""
    top: dict[str, float] = {}
    votes: dict[str, float] = {}
    for neighbour in neighbours[:count]:
        if neighbour.verdict is None:
            continue
        weight = max(0.0, neighbour.similarity)
        votes[neighbour.verdict] = votes.get(neighbour.verdict, 0.0) + weight
        if neighbour.paragraph_id == paragraph_id:
            top[neighbour.verdict] = top.get(neighbour.verdict, 0.0) + weight
    return top, votes


def bank_guided(
    ranked: Ranked, rules: Sequence[Evidence], deciding: Evidence, reading: VerdictReading, read: Read
) -> tuple[Evidence, VerdictReading]:
    """A sentence that reads as plain "allowed" (no restriction in it, and not an explicit "you are not
    required to") is the weakest reading. When the labelled bank questions closest to this one agree on
    another verdict that another rule of the top paragraph reads as, that rule decides: the bank says
    which rule questions like this are about. The verdict is still read from the policy's sentence;
    explicit readings (a ban, a condition, a duty, "not required") are never overridden (on dev,
    overriding them lost as many answers as it won)."""
    if reading.verdict != "allowed" or reading.cue == "not_required":
        return deciding, reading
    top = {item.paragraph_id for item in ranked.paragraphs[:BANK_VERDICT_DEPTH]}
    hint = bank_verdict(ranked.bank, top, BANK_VERDICT_NEIGHBOURS, BANK_VERDICT_MIN_SIMILARITY)
    if hint is None or hint[0] == reading.verdict or hint[1] < BANK_VERDICT_MIN_SHARE:
        return deciding, reading
    for item in rules:
        if item.score < deciding.score - BANK_VERDICT_MARGIN:
            break
        candidate = read(item.sentence)
        if candidate.verdict == hint[0]:
            return item, candidate
    return deciding, reading


def model_checked(
    query: Query,
    ranked: Ranked,
    labels_by_paragraph: Mapping[str, Mapping[str, float]],
    model: VerdictModel | None,
    embedding_model: str,
    rules: Sequence[Evidence],
    deciding: Evidence,
    reading: VerdictReading,
    read: Read,
) -> tuple[Evidence, VerdictReading, VerdictEvidence]:
    """The verdict model (assistant/verdict_model.py) may move the verdict to how another of the top
    rules reads; that rule then decides and is quoted. Without a trained model the rules stand."""
    top_id = ranked.paragraphs[0].paragraph_id
    top, votes = bank_votes(ranked.bank, top_id, VERDICT_MODEL_NEIGHBOURS)
    readings = [(item, read(item.sentence)) for item in rules[:RULE_DEPTH]]
    evidence = VerdictEvidence(
        rule_verdict=reading.verdict,
        kind=query.kind,
        readings=tuple((candidate.verdict, item.score) for item, candidate in readings),
        top_paragraph_votes=top,
        votes=votes,
        paragraph_prior=dict(labels_by_paragraph.get(top_id, {})),
        settled=reading.settled,
        question_form=model.question_form(query.vector, embedding_model) if model is not None else {},
    )
    chosen = model.decide(evidence) if model is not None else reading.verdict
    if chosen != reading.verdict:
        for item, candidate in readings:
            if candidate.verdict == chosen:
                return item, candidate, evidence
    return deciding, reading, evidence
