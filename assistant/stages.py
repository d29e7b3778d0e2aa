"""The typed hand-offs of the answer path, one per stage, each with one owner:

question analysis (`assistant/query.py`) -> `Query`
retrieval (`assistant/retrieval.py`)      -> `Ranked`
decision (`assistant/decide.py`)          -> `Decision`
composition (`assistant/compose.py`)      -> `core.types.Answer`

No raw score array leaves the retriever: `Ranked` carries paragraphs with their per-signal features, the
candidate sentences of the top paragraphs and the closest bank questions, each as a small record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from assistant.verdict import Cue, QuestionKind
from core.types import RetrievedParagraph, Verdict, VerdictEvidence


@dataclass(frozen=True)
class Query:
    """A question analysed once: what was asked, what is searched, and how the rules read it."""

    question: str  # as the member of staff asked it
    text: str  # what is searched: instructions to the assistant stripped, a follow-up made whole
    kind: QuestionKind
    asked: str  # the text with staff words also named in policy words; the verdict grammar reads this
    expanded: str  # the text in the policy's own words; the dense and lexical searches read this
    words: frozenset[str]  # lexical tokens of `expanded`
    vector: np.ndarray = field(compare=False, repr=False)  # embedding of `expanded`, unit length
    named_ids: tuple[str, ...] = ()  # paragraph ids the question names outright ("what does 7.4.2 say?")
    injected: bool = False  # it held instructions to the assistant, which were ignored


@dataclass(frozen=True)
class Evidence:
    """A policy sentence that may decide or support an answer, with its score for this question."""

    paragraph_id: str
    sentence: str
    score: float


@dataclass(frozen=True)
class BankNeighbour:
    """One of the question bank's questions close to this one: the paragraph it is about, its verdict
    label (None when the bank line has none) and its similarity to the question."""

    paragraph_id: str
    verdict: Verdict | None
    similarity: float


@dataclass(frozen=True)
class Ranked:
    """Retrieval's answer: paragraphs best first (with per-signal features), the sentences of the top
    paragraphs best first, and the closest bank questions best first (empty for a policy without a bank)."""

    paragraphs: tuple[RetrievedParagraph, ...]
    sentences: tuple[Evidence, ...] = ()
    bank: tuple[BankNeighbour, ...] = ()
    timings_ms: Mapping[str, float] = field(default_factory=dict, compare=False)

    @property
    def top_bank_similarity(self) -> float | None:
        return self.bank[0].similarity if self.bank else None


@dataclass(frozen=True)
class Decision:
    """The verdict, the sentence that decides it, the sentences quoted in support, and (for a policy with a
    labelled bank) what the verdict model saw."""

    verdict: Verdict
    cue: Cue | None
    deciding: Evidence
    support: tuple[Evidence, ...]
    evidence: VerdictEvidence | None = None
