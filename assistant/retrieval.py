"""Hybrid retrieval: dense + BM25 fused by reciprocal rank, then reranked with cheap offline signals.

Signals (each kept only because the dev-split eval says it helps; see README "Retrieval"):
best-sentence similarity inside the paragraph, share of query words the paragraph holds, a match on the
heading, a prior that keeps tables/appendices (e.g. a table of changes) down unless asked for, and, when
the policy has a question bank, how close the question is to the bank's questions for each paragraph.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.dense import DenseSearch
from assistant.lexical import LexicalIndex, lexical_tokens
from assistant.vocabulary import Vocabulary
from core.text import words
from core.types import ExampleQuestion, ParsedPolicy, RetrievedParagraph, Verdict, normalise_paragraph_id

_ID_MENTION = re.compile(
    r"\b(?:appendix|annex)\s+[a-z0-9]{1,3}\b|\b\d{1,2}(?:\.\d{1,2}){1,3}\b|\b\d{1,2}\([a-z]{1,4}\)"
    r"|\b(?:paragraph|para|section|clause)\s+\d{1,2}\b",
    re.IGNORECASE,
)
# Questions about the document's own history, the only ones a table of changes answers: "when was X
# added?", "when did they change...", "last updated", "what changed in the latest version", "used to be
# called". A scenario's own past tense ("a parent added me, what should I do?") is not one.
_HISTORY = re.compile(
    r"\bwhen (?:was|were|did|has|have)\b[^?]*\b(?:add|added|chang\w*|updat\w*|amend\w*|introduc\w*|insert\w*|"
    r"revis\w*)\b"
    r"|\b(?:last|latest|most recent|recent) (?:update|updated|change|changes|version|revision|review)\b"
    r"|\b(?:last|first) (?:updated|changed|amended|reviewed|added|introduced)\b"
    r"|\bwhat(?:'s| has| have)? changed\b|\bwhich (?:paragraphs|sections) (?:were|have been) "
    r"(?:changed|added|amended|updated)\b"
    r"|\bused to be (?:called|named|known)\b|\b(?:version|revision) history\b|\btable of changes\b|\bappendix\b",
    re.IGNORECASE,
)


RETRIEVAL_STAGES = ("embed", "dense_search", "lexical_search", "fusion", "rerank")
"""The stages `Retriever.retrieve` times (ms): the question's expansion and embedding; the chunk search in
the policy's Chroma collection with the in-memory sentence and bank-question products; BM25; the
per-paragraph maxima and reciprocal-rank fusion; the cheap signals, the order and the result records."""


@dataclass(frozen=True)
class RetrievalWeights:
    rrf_k: float = 10.0
    sentence: float = 0.06
    overlap: float = 0.08
    heading: float = 0.01
    history_table_boost: float = 0.05
    table_demotion: float = 1.0
    contact: float = 0.04
    bank: float = 0.45
    rerank: bool = True
    sentence_rank: bool = True


@dataclass(frozen=True)
class Retrieval:
    """Ranked distinct paragraphs and what the answer stage needs from retrieval."""

    paragraphs: tuple[RetrievedParagraph, ...]
    query_vector: np.ndarray
    expanded_query: str
    named_ids: tuple[str, ...]
    sentence_similarities: np.ndarray
    bank_question_similarities: np.ndarray | None = None  # per bank question
    timings_ms: dict[str, float] = field(default_factory=dict)  # per stage, see RETRIEVAL_STAGES


class Retriever:
    def __init__(
        self,
        policy: ParsedPolicy,
        dense: DenseSearch,
        embeddings: Embeddings,
        vocabulary: Vocabulary,
        sentences: tuple[list[tuple[str, str]], np.ndarray] | None,
        weights: RetrievalWeights = RetrievalWeights(),
        bank: tuple[list[ExampleQuestion], np.ndarray] | None = None,
    ) -> None:
        self.policy = policy
        self.dense = dense
        self.embeddings = embeddings
        self.vocabulary = vocabulary
        self.weights = weights
        self.lexical = LexicalIndex(policy.paragraphs)
        self._position = {p.id: i for i, p in enumerate(policy.paragraphs)}
        self._tabular = np.asarray([is_tabular(p.text, p.id) for p in policy.paragraphs], dtype=np.float32)
        self._heading_tokens = [set(lexical_tokens(p.heading)) for p in policy.paragraphs]
        named = {pid for contact in policy.contacts for pid in contact.paragraph_ids}
        self._names_contact = np.asarray([p.id in named for p in policy.paragraphs], dtype=np.float32)
        self.policy_words = set(words(" ".join(p.text for p in policy.paragraphs).replace("-", " ")))
        if sentences is not None:
            pairs, matrix = sentences
            self.sentence_ids = [pid for pid, _ in pairs]
            self.sentence_texts = [text for _, text in pairs]
            self.sentence_vectors = matrix.astype(np.float32)
        else:
            self.sentence_ids, self.sentence_texts = [], []
            self.sentence_vectors = np.zeros((0, 1), dtype=np.float32)
        self.sentence_tokens = [set(lexical_tokens(text)) for text in self.sentence_texts]
        frequency: dict[str, int] = {}
        for tokens in self.sentence_tokens:
            for token in tokens:
                frequency[token] = frequency.get(token, 0) + 1
        self.sentence_frequency = frequency
        self._bank_positions = np.zeros(0, dtype=np.int64)
        self._bank_vectors = np.zeros((0, 1), dtype=np.float32)
        self._bank_verdicts: list[Verdict | None] = []
        if bank is not None and len(bank[0]):
            examples, bank_matrix = bank
            positions = np.asarray([self._position.get(e.paragraph_id, -1) for e in examples])
            known = positions >= 0
            self._bank_positions = positions[known]
            self._bank_vectors = bank_matrix.astype(np.float32)[known]
            self._bank_verdicts = [e.verdict for e, keep in zip(examples, known, strict=True) if keep]
        self._bank_labels_by_position: dict[int, dict[str, float]] = {}
        for verdict, at in zip(self._bank_verdicts, self._bank_positions, strict=True):
            if verdict is not None:
                counts = self._bank_labels_by_position.setdefault(int(at), {})
                counts[verdict] = counts.get(verdict, 0.0) + 1.0

    def rarest_shared(self, question_words: set[str]) -> str | None:
        """The question word that the fewest policy sentences use (the most specific one), if any."""
        known = [word for word in question_words if word in self.sentence_frequency]
        return min(known, key=lambda word: (self.sentence_frequency[word], word)) if known else None

    def named_paragraphs(self, question: str) -> tuple[str, ...]:
        """Paragraph ids the question names outright ("what does 7.4.2 say?")."""
        found: list[str] = []
        for match in _ID_MENTION.finditer(question):
            text = re.sub(r"^(paragraph|para|section|clause)\s+", "", match.group(0), flags=re.I)
            paragraph = self.policy.paragraph(text)
            if paragraph is not None and paragraph.id not in found:
                found.append(paragraph.id)
        return tuple(found)

    def sentence_similarities(self, query_vector: np.ndarray) -> np.ndarray:
        if not self.sentence_ids:
            return np.zeros(0, dtype=np.float32)
        return self.sentence_vectors @ query_vector

    def embed_question(self, question: str) -> tuple[str, np.ndarray]:
        """The question in the policy's words (staff vocabulary expanded) and its embedding."""
        expanded = self.vocabulary.expand(question, self.policy_words)
        return expanded, np.asarray(self.embeddings.embed_query(expanded), dtype=np.float32)

    def retrieve(self, question: str, limit: int = 10) -> Retrieval:
        clock = _StageClock()
        expanded, query_vector = self.embed_question(question)
        clock.lap("embed")
        count = len(self.policy.paragraphs)
        dense = self.dense.search(query_vector.tolist(), limit=max(30, limit * 3))
        dense_scores = np.full(count, -1.0, dtype=np.float32)
        for paragraph_id, similarity in dense.items():
            if paragraph_id in self._position:
                dense_scores[self._position[paragraph_id]] = similarity
        sentence_similarities = self.sentence_similarities(query_vector)
        question_similarities = self.bank_question_similarities(query_vector)
        clock.lap("dense_search")
        bm25 = self.lexical.scores(expanded)
        clock.lap("lexical_search")
        best_sentence = self._best_sentence_per_paragraph(sentence_similarities)
        rankings = [dense_scores, bm25, best_sentence] if self.weights.sentence_rank else [dense_scores, bm25]
        bank = self._best_per_paragraph(question_similarities) if question_similarities is not None else None
        if bank is not None:
            rankings.append(bank)
        fused = _rrf(rankings, self.weights.rrf_k)
        signals: dict[str, np.ndarray] = {
            "dense": dense_scores,
            "bm25": bm25,
            "rrf": fused.copy(),
            "sentence": best_sentence,
        }
        if bank is not None:
            fused = fused + self.weights.bank * bank
            signals["bank"] = bank
        clock.lap("fusion")
        if self.weights.rerank:
            overlap = self.lexical.overlap(expanded)
            heading = self._heading_match(expanded)
            if _asks_history(question):
                penalty = -self.weights.history_table_boost * self._tabular
            else:
                penalty = self.weights.table_demotion * self._tabular
            fused = (
                fused
                + self.weights.sentence * best_sentence
                + self.weights.overlap * overlap
                + self.weights.heading * heading
                - penalty
            )
            if _asks_whom(question):
                fused = fused + self.weights.contact * self._names_contact
            signals.update(overlap=overlap, heading=heading)
        named = self.named_paragraphs(question)
        for rank, paragraph_id in enumerate(reversed(named)):
            fused[self._position[paragraph_id]] = float(fused.max()) + 1.0 + rank
        order = np.argsort(-fused, kind="stable")[:limit]
        paragraphs = tuple(
            RetrievedParagraph(
                paragraph_id=self.policy.paragraphs[i].id,
                score=round(float(fused[i]), 6),
                heading=self.policy.paragraphs[i].heading,
                signals={name: round(float(values[i]), 4) for name, values in signals.items()},
            )
            for i in order
        )
        clock.lap("rerank")
        return Retrieval(
            paragraphs=paragraphs,
            query_vector=query_vector,
            expanded_query=expanded,
            named_ids=named,
            sentence_similarities=sentence_similarities,
            bank_question_similarities=question_similarities,
            timings_ms=clock.laps,
        )

    @property
    def has_bank(self) -> bool:
        return bool(len(self._bank_positions))

    @property
    def has_labelled_bank(self) -> bool:
        """Some bank questions carry a verdict (the verdict is optional in a bank line)."""
        return bool(self._bank_labels_by_position)

    def bank_question_similarities(self, query_vector: np.ndarray) -> np.ndarray | None:
        """The question's similarity to every bank question; None when the policy has no question bank."""
        if not len(self._bank_positions):
            return None
        # einsum, not `@`: a bank this size wakes OpenBLAS's thread pool, which then fights the embedding
        # model's threads for the two cores (warm ask p50 14 ms -> 100 ms); einsum stays on this thread.
        return np.einsum("ij,j->i", self._bank_vectors, query_vector)

    def _best_per_paragraph(self, question_similarities: np.ndarray) -> np.ndarray:
        """Per paragraph, the similarity of the closest bank question that it answers (0 for none)."""
        best = np.zeros(len(self.policy.paragraphs), dtype=np.float32)
        np.maximum.at(best, self._bank_positions, question_similarities)
        return best

    def bank_verdict(
        self, retrieval: Retrieval, paragraph_ids: set[str], neighbours: int, min_similarity: float
    ) -> tuple[Verdict, float] | None:
        """The verdict the bank's closest labelled questions about these paragraphs carry, with its share of
        their similarity-weighted vote; None without a labelled bank or a close enough question."""
        similarities = retrieval.bank_question_similarities
        if similarities is None or not self.has_labelled_bank:
            return None
        positions = {self._position[pid] for pid in paragraph_ids if pid in self._position}
        votes: dict[Verdict, float] = {}
        taken = 0
        for index in np.argsort(-similarities):
            if similarities[index] < min_similarity or taken == neighbours:
                break
            verdict = self._bank_verdicts[index]
            if verdict is None or int(self._bank_positions[index]) not in positions:
                continue
            votes[verdict] = votes.get(verdict, 0.0) + float(similarities[index])
            taken += 1
        if not votes:
            return None
        best = max(votes, key=lambda verdict: votes[verdict])
        return best, votes[best] / sum(votes.values())

    def bank_votes(
        self, retrieval: Retrieval, paragraph_id: str, neighbours: int
    ) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
        """The labelled bank's say on a verdict: the similarity-weighted verdicts of the closest bank
        questions (those about `paragraph_id`, and all of them) and how the paragraph's own bank questions
        are labelled. Empty without a labelled bank."""
        similarities = retrieval.bank_question_similarities
        top: dict[str, float] = {}
        votes: dict[str, float] = {}
        if similarities is None or not self.has_labelled_bank:
            return top, votes, {}
        position = self._position.get(paragraph_id, -2)
        for index in np.argsort(-similarities)[:neighbours]:
            verdict = self._bank_verdicts[index]
            if verdict is None:
                continue
            weight = max(0.0, float(similarities[index]))
            votes[verdict] = votes.get(verdict, 0.0) + weight
            if int(self._bank_positions[index]) == position:
                top[verdict] = top.get(verdict, 0.0) + weight
        return top, votes, dict(self._bank_labels_by_position.get(position, {}))

    def _best_sentence_per_paragraph(self, similarities: np.ndarray) -> np.ndarray:
        best = np.zeros(len(self.policy.paragraphs), dtype=np.float32)
        for paragraph_id, similarity in zip(self.sentence_ids, similarities, strict=True):
            position = self._position.get(paragraph_id)
            if position is not None and similarity > best[position]:
                best[position] = similarity
        return best

    def _heading_match(self, query: str) -> np.ndarray:
        tokens = set(lexical_tokens(query))
        if not tokens:
            return np.zeros(len(self._heading_tokens), dtype=np.float32)
        return np.asarray([len(tokens & heading) / len(tokens) for heading in self._heading_tokens], dtype=np.float32)


class _StageClock:
    """Milliseconds since the previous lap, per stage name (perf_counter: monotonic, sub-microsecond)."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps[stage] = round((now - self._last) * 1000.0, 3)
        self._last = now


def _rrf(rankings: list[np.ndarray], k: float) -> np.ndarray:
    fused = np.zeros(len(rankings[0]), dtype=np.float32)
    for scores in rankings:
        order = np.argsort(-scores, kind="stable")
        ranks = np.empty(len(scores), dtype=np.float32)
        ranks[order] = np.arange(1, len(scores) + 1, dtype=np.float32)
        fused += 1.0 / (k + ranks)
    return fused


def is_tabular(text: str, paragraph_id: str) -> bool:
    """Tables (e.g. a table of changes) and appendices match everything a little and answer nothing."""
    rows = text.split("\n")
    table_rows = sum(1 for row in rows if row.count(" | ") >= 2)
    return table_rows >= 2 or normalise_paragraph_id(paragraph_id).startswith("appendix")


def _asks_history(question: str) -> bool:
    """A question about the document's own history (see _HISTORY)."""
    return bool(_HISTORY.search(question))


_WHOM = re.compile(
    r"\bwho(?:m)?\b|\bwhere (?:can|do|should) (?:i|we) (?:get|find|go|turn)\b|\bget (?:advice|help|support)\b"
    r"|\b(?:helpline|website|contact details)\b|\btell someone\b|\breport (?:it|this|them|him|her)\b",
    re.IGNORECASE,
)


def _asks_whom(question: str) -> bool:
    """Questions whose answer is a person or service: paragraphs that name one are likelier answers."""
    return bool(_WHOM.search(question))
