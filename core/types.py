"""Typed data passed between the stages: ingest -> store -> assistant -> (ui, eval, cli)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

Verdict = Literal["allowed", "conditional", "discouraged", "prohibited", "required", "not_covered"]
VERDICTS: tuple[Verdict, ...] = (
    "allowed",
    "conditional",
    "discouraged",
    "prohibited",
    "required",
    "not_covered",
)


SetAsideKind = Literal["title", "contents", "document control", "running header or footer", "page number", "blank page"]


@dataclass(frozen=True)
class SetAside:
    """Text a reader or the parser kept out of the citable paragraphs, and why (shown by `parse --show-dropped`)."""

    kind: SetAsideKind
    text: str


@dataclass(frozen=True)
class SourceDocument:
    """Text read from a policy file; `page_starts[i]` is the char offset where page i+1 begins.

    `text` is normalised: Markdown `#` headings, `- ` bullets, printed list numbers (rebuilt from Word's
    or HTML's automatic numbering), table cells separated by tabs, blocks separated by a blank line.
    `set_aside` holds page furniture the reader removed (running headers and footers, page numbers)."""

    path: str
    text: str
    page_starts: tuple[int, ...] = ()
    set_aside: tuple[SetAside, ...] = ()

    def page_at(self, offset: int) -> int | None:
        if not self.page_starts:
            return None
        page = 0
        for index, start in enumerate(self.page_starts):
            if start <= offset:
                page = index + 1
        return page or None


@dataclass(frozen=True)
class Paragraph:
    """One citable unit of a policy, with its id exactly as the policy prints it."""

    id: str
    heading_path: tuple[str, ...]
    text: str
    span: tuple[int, int]
    page: int | None = None

    @property
    def heading(self) -> str:
        return " > ".join(self.heading_path)


@dataclass(frozen=True)
class Contact:
    """A person, role or service the policy names as someone to ask or report to."""

    role: str
    detail: str = ""
    paragraph_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParseReport:
    """What the parser found and what HR should check before staff rely on it."""

    numbering: str  # "decimal, lettered items", "headings", "paragraphs", ...
    body_words: int  # words of the document's text, less what was set aside (contents, title, furniture)
    kept_words: int  # of those, words found in the paragraphs and their headings
    set_aside: tuple[SetAside, ...] = ()
    warnings: tuple[str, ...] = ()
    unnumbered_kept_with: tuple[tuple[str, int], ...] = ()  # (paragraph id, unnumbered blocks it holds)

    @property
    def coverage(self) -> float:
        return self.kept_words / self.body_words if self.body_words else 1.0


@dataclass(frozen=True)
class ParsedPolicy:
    policy_id: str
    title: str
    source_path: str
    content_hash: str
    paragraphs: tuple[Paragraph, ...]
    contacts: tuple[Contact, ...] = ()
    report: ParseReport | None = field(default=None, compare=False)

    def paragraph(self, paragraph_id: str) -> Paragraph | None:
        return self._by_id.get(normalise_paragraph_id(paragraph_id))

    @cached_property
    def _by_id(self) -> dict[str, Paragraph]:
        """Normalised id -> paragraph (the first of equal ids), built once: a 1,000-paragraph policy
        scanned per lookup cost 11 ms an answer."""
        found: dict[str, Paragraph] = {}
        for paragraph in self.paragraphs:
            found.setdefault(normalise_paragraph_id(paragraph.id), paragraph)
        return found


@dataclass(frozen=True)
class ExampleQuestion:
    """A staff question known to be answered by one paragraph (a policy's question bank, `data/questions`)."""

    paragraph_id: str
    question: str
    verdict: Verdict | None = None  # what the policy says to it, when the bank's author gave one


@dataclass(frozen=True)
class Chunk:
    """What is embedded: a paragraph (or a window of a long one) with its heading path as context."""

    id: str
    policy_id: str
    paragraph_id: str
    window: int
    text: str
    embed_text: str


@dataclass(frozen=True)
class RetrievedParagraph:
    paragraph_id: str
    score: float
    heading: str = ""
    signals: dict[str, float] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Citation:
    paragraph: str
    quote: str
    heading: str


@dataclass(frozen=True)
class AnswerSentence:
    text: str
    paragraph_ids: tuple[str, ...]


@dataclass(frozen=True)
class VerdictEvidence:
    """What the model sees: the rules' verdict, the top rules' readings (best first, with their scores), the
    question's kind, the labelled bank's votes (similarity-weighted; share per verdict) and the question-form
    classifier's probabilities (empty without one)."""

    rule_verdict: Verdict
    kind: str
    readings: tuple[tuple[Verdict, float], ...]
    top_paragraph_votes: Mapping[str, float]
    votes: Mapping[str, float]
    paragraph_prior: Mapping[str, float]
    # the rules read an explicit "not required to", or the question's own words settled the reading (a
    # condition it says is met or unmet, a duty it leaves undone): never moved
    settled: bool = False
    question_form: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    question: str
    policy: str
    verdict: Verdict
    answer: str
    sentences: tuple[AnswerSentence, ...]
    citations: tuple[Citation, ...]
    retrieved: tuple[RetrievedParagraph, ...]
    contacts: tuple[Contact, ...]
    confidence: float
    timings_ms: dict[str, float]
    deciding_sentence: str = ""
    note: str = ""
    # what the verdict model weighed (for training it; not part of the JSON answer)
    verdict_evidence: VerdictEvidence | None = field(default=None, compare=False, repr=False)

    @property
    def not_covered(self) -> bool:
        return self.verdict == "not_covered"


def normalise_paragraph_id(paragraph_id: str) -> str:
    """Compare ids ignoring case, spaces and hyphens: `Appendix 2` == `appendix-2`."""
    return "".join(ch for ch in paragraph_id.lower() if ch not in " -_\t").rstrip(".")
