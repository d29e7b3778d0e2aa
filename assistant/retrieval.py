"""Hybrid retrieval: dense + BM25 fused by reciprocal rank, then reranked with cheap offline signals.

Signals (each kept only because the dev-split eval says it helps; see README "Retrieval"):
best-sentence similarity inside the paragraph, share of query words the paragraph holds, a match on the
heading, a prior that keeps tables/appendices (e.g. a table of changes) down unless asked for, and, when
the policy has a question bank, how close the question is to the bank's questions for each paragraph.
"""

from __future__ import annotations

import re
import time
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.bank import QuestionBank
from assistant.dense import DenseSearch
from assistant.lexical import LexicalIndex, lexical_tokens
from assistant.stages import Evidence, Query, Ranked
from assistant.verdict import sentence_cue
from assistant.vocabulary import Vocabulary
from core.text import words
from core.types import ExampleQuestion, ParsedPolicy, RetrievedParagraph, normalise_paragraph_id

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


# The stages `retrieve` times (Ranked.timings_ms); the question's embedding ("embed") is timed by its analysis.
RETRIEVAL_STAGES = ("dense_search", "lexical_search", "fusion", "rerank", "sentences")
# How the sentences of the top paragraphs are ranked for the answer stage (set on the bundled dev split).
SENTENCE_RANK_BONUS = (0.3, 0.1, 0.0)  # by the rank of the paragraph a sentence is in
SENTENCE_OVERLAP_WEIGHT = 0.15
FIRST_RULE_BONUS = 0.1  # a paragraph's first ruling sentence: policies state the rule first
RAREST_WORD_BONUS = 0.2


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
        questions = QuestionBank(bank[0], bank[1], self._position) if bank is not None else None
        self.bank = questions if questions is not None and len(questions) else None

    def rarest_shared(self, question_words: AbstractSet[str]) -> str | None:
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
        return np.einsum("ij,j->i", self.sentence_vectors, query_vector)  # on this thread: see QuestionBank

    def embed_question(self, question: str) -> tuple[str, np.ndarray]:
        """The question in the policy's words (staff vocabulary expanded) and its embedding."""
        expanded = self.vocabulary.expand(question, self.policy_words)
        return expanded, np.asarray(self.embeddings.embed_query(expanded), dtype=np.float32)

    def retrieve(self, query: Query, limit: int = 10) -> Ranked:
        """The policy's paragraphs best first, with the sentences of the top ones and the closest bank
        questions; stage timings in `timings_ms`."""
        timings: dict[str, float] = {}
        started = time.perf_counter()
        count = len(self.policy.paragraphs)
        dense = self.dense.search(query.vector.tolist(), limit=max(30, limit * 3))
        dense_scores = np.full(count, -1.0, dtype=np.float32)
        for paragraph_id, similarity in dense.items():
            if paragraph_id in self._position:
                dense_scores[self._position[paragraph_id]] = similarity
        started = _lap(timings, "dense_search", started)
        bm25 = self.lexical.scores(query.expanded)
        started = _lap(timings, "lexical_search", started)
        sentence_similarities = self.sentence_similarities(query.vector)
        best_sentence = self._best_sentence_per_paragraph(sentence_similarities)
        rankings = [dense_scores, bm25, best_sentence] if self.weights.sentence_rank else [dense_scores, bm25]
        question_similarities = self.bank.similarities(query.vector) if self.bank is not None else None
        bank = None
        if self.bank is not None and question_similarities is not None:
            bank = self.bank.best_per_paragraph(question_similarities, count)
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
        started = _lap(timings, "fusion", started)
        if self.weights.rerank:
            overlap = self.lexical.overlap(query.expanded)
            heading = self._heading_match(query.expanded)
            if _asks_history(query.text):
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
            if _asks_whom(query.text):
                fused = fused + self.weights.contact * self._names_contact
            signals.update(overlap=overlap, heading=heading)
        for rank, paragraph_id in enumerate(reversed(query.named_ids)):
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
        started = _lap(timings, "rerank", started)
        sentences = self._rank_sentences(query, paragraphs, sentence_similarities)
        neighbours = (
            self.bank.neighbours(question_similarities)
            if self.bank is not None and question_similarities is not None
            else ()
        )
        _lap(timings, "sentences", started)
        return Ranked(paragraphs=paragraphs, sentences=sentences, bank=neighbours, timings_ms=timings)

    @property
    def has_bank(self) -> bool:
        return self.bank is not None

    @property
    def has_labelled_bank(self) -> bool:
        return self.bank is not None and self.bank.labelled

    def _rank_sentences(
        self, query: Query, paragraphs: tuple[RetrievedParagraph, ...], similarities: np.ndarray
    ) -> tuple[Evidence, ...]:
        """Sentences of the top three paragraphs (or of those the question names), best first: similarity +
        shared rare words + paragraph rank, with a small bonus for a paragraph's first ruling sentence."""
        top = list(query.named_ids) or [item.paragraph_id for item in paragraphs[:3]]
        rank_bonus = dict(zip(top, SENTENCE_RANK_BONUS, strict=False))
        if not len(similarities):
            similarities = np.zeros(len(self.sentence_ids), dtype=np.float32)
        question_words = query.words
        total_weight = max(1.0, self.lexical.shared_weight(" ".join(question_words), question_words))
        evidence: list[Evidence] = []
        seen_rule: set[str] = set()
        rarest = self.rarest_shared(question_words)
        for paragraph_id, sentence, similarity, tokens in zip(
            self.sentence_ids, self.sentence_texts, similarities, self.sentence_tokens, strict=True
        ):
            if paragraph_id not in rank_bonus:
                continue
            shared = self.lexical.shared_weight(sentence, question_words) / total_weight
            first_rule = paragraph_id not in seen_rule and sentence_cue(sentence) is not None
            if first_rule:
                seen_rule.add(paragraph_id)
            score = (
                float(similarity)
                + SENTENCE_OVERLAP_WEIGHT * shared
                + rank_bonus[paragraph_id]
                + (FIRST_RULE_BONUS if first_rule else 0.0)
                + (RAREST_WORD_BONUS if rarest in tokens else 0.0)
            )
            evidence.append(Evidence(paragraph_id, sentence, score))
        evidence.sort(key=lambda item: -item.score)
        return tuple(evidence)

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


def _lap(timings: dict[str, float], stage: str, since: float) -> float:
    now = time.perf_counter()
    timings[stage] = round((now - since) * 1000.0, 3)
    return now


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
