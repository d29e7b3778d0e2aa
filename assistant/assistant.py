"""The public API: `Assistant(settings).ask(question, policy=None, history=()) -> Answer`.

retrieve -> decide (covered? which sentence? which verdict?) -> compose. Models and the index are
loaded once per Assistant and can be passed in (tests pass fakes).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from langchain_core.embeddings import Embeddings

from assistant.answer_type import missing_answer_type
from assistant.compose import compose, compose_not_covered
from assistant.decide import BankContext, decide
from assistant.dense import ChromaDenseSearch, DenseSearch
from assistant.guard import check_question
from assistant.lexical import lexical_tokens
from assistant.offtopic import OffTopicDetector
from assistant.query import analyse_checked, has_content
from assistant.retrieval import RetrievalWeights, Retriever
from assistant.stages import Decision, Query, Ranked
from assistant.verdict_model import VerdictModel, load_verdict_model
from assistant.vocabulary import Vocabulary, load_vocabulary
from core.config import TUNED_EMBEDDING_MODEL, Settings
from core.errors import IndexChangedError, PolicyQAError
from core.text import split_sentences
from core.types import Answer, AnswerSentence, Citation, Contact, ParsedPolicy
from ingest.contacts import contacts_for
from ingest.store import PolicyEntry, PolicyIndex

# Calibrated on the dev split of the bundled policy (see `policyqa eval --calibrate` and README).
DEFAULT_RELEVANCE_FLOOR = -0.02  # `policyqa eval --calibrate` on the dev split
CALIBRATED_FLOORS = {TUNED_EMBEDDING_MODEL: -0.04}  # the same calibration, per model that has its own
# A policy with a question bank is judged by its closest bank question instead (same calibration).
DEFAULT_BANK_RELEVANCE_FLOOR = 0.15
CALIBRATED_BANK_FLOORS = {TUNED_EMBEDDING_MODEL: 0.17}
ANSWER_TYPE_DEPTH = 2
SWITCH_RETRIES = 2  # a question that meets an index switch is asked again on the new build
INJECTION_NOTE = "Instructions to the assistant in the question were ignored."
_SAFEGUARDING_WORDS = {
    "safeguard",
    "risk",
    "groom",
    "abuse",
    "harm",
    "danger",
    "inappropriate",
    "interaction",
    "concern",
    "worried",
}


@dataclass
class _Loaded:
    entry: PolicyEntry
    policy: ParsedPolicy
    retriever: Retriever
    off_topic: OffTopicDetector


class Assistant:
    def __init__(
        self,
        settings: Settings,
        embeddings: Embeddings | None = None,
        index: PolicyIndex | None = None,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        self.settings = settings
        self._embeddings = embeddings
        self._index = index
        self.vocabulary = vocabulary or load_vocabulary()
        self._loaded: dict[str, _Loaded] = {}
        # sessions share one Assistant: the index, the model and each policy's retriever load once, under it
        self._load_lock = threading.RLock()
        self._chat_model: object | None = None
        override = settings.not_covered_threshold
        model = settings.embedding_model
        self.relevance_floor = (
            override if override is not None else CALIBRATED_FLOORS.get(model, DEFAULT_RELEVANCE_FLOOR)
        )
        self.bank_relevance_floor = (
            override if override is not None else CALIBRATED_BANK_FLOORS.get(model, DEFAULT_BANK_RELEVANCE_FLOOR)
        )
        self.weights = RetrievalWeights(rerank=settings.use_reranker)
        self.verdict_model: VerdictModel | None = load_verdict_model() if settings.use_verdict_model else None

    # --- loading ---------------------------------------------------------------------------------------
    @property
    def index(self) -> PolicyIndex:
        """Opened once, by whichever thread asks first; the others wait for it."""
        if self._index is None:
            with self._load_lock:
                if self._index is None:
                    from assistant.runtime import open_index

                    index, self._embeddings = open_index(self.settings, self._embeddings)
                    self._index = index
        return self._index

    @property
    def embeddings(self) -> Embeddings:
        if self._embeddings is None:
            self.index  # noqa: B018 - loads both
        assert self._embeddings is not None
        return self._embeddings

    def policies(self) -> list[PolicyEntry]:
        return self.index.policies()

    def load(self, policy_id: str | None = None) -> _Loaded:
        """A policy's retriever, built once per indexed version however many threads ask for it at once."""
        entry = self.index.entry(policy_id)
        cached = self._loaded.get(entry.policy_id)
        if cached is not None and cached.entry == entry:
            return cached
        with self._load_lock:
            cached = self._loaded.get(entry.policy_id)
            if cached is not None and cached.entry == entry:
                return cached
            policy = self.index.load_policy(entry)
            dense: DenseSearch = ChromaDenseSearch(self.index.collection(entry.collection))
            retriever = Retriever(
                policy,
                dense,
                self.embeddings,
                self.vocabulary,
                self.index.load_sentence_vectors(entry),
                self.weights,
                self.index.load_bank_vectors(entry),
            )
            off_topic = OffTopicDetector.for_policy(self.embeddings, retriever.sentence_vectors)
            loaded = _Loaded(entry=entry, policy=policy, retriever=retriever, off_topic=off_topic)
            self._loaded[entry.policy_id] = loaded
            return loaded

    def policy(self, policy_id: str | None = None) -> ParsedPolicy:
        return self.load(policy_id).policy

    # --- answering -------------------------------------------------------------------------------------
    def ask(self, question: str, policy: str | None = None, history: Sequence[str] = ()) -> Answer:
        """analyse -> retrieve -> covered? -> decide -> compose (-> an optional LLM's wording). A question that
        meets a rebuild switching to its new build is asked again on the new one."""
        for _ in range(SWITCH_RETRIES):
            try:
                return self._ask(question, policy, history)
            except IndexChangedError:
                continue
        return self._ask(question, policy, history)

    def _ask(self, question: str, policy: str | None, history: Sequence[str]) -> Answer:
        started = time.perf_counter()
        checked = check_question(question)  # a bad question is refused before an index is opened
        loaded = self.load(policy)
        t0 = time.perf_counter()
        query = analyse_checked(question, checked, loaded.retriever, self.vocabulary, history)
        timings: dict[str, float] = {"embed": _ms(t0)}
        notes = [INJECTION_NOTE] if query.injected else []
        if not has_content(query):
            return self._not_covered(query, loaded, None, timings, started, note=" ".join(notes))
        ranked = loaded.retriever.retrieve(query, limit=max(10, self.settings.top_k))
        timings.update(ranked.timings_ms)
        t0 = time.perf_counter()
        margin = self.relevance(query, ranked, loaded.off_topic) - self.floor_for(loaded.retriever)
        covered = bool(query.named_ids) or (margin >= 0 and not self._lacks_answer_type(query, loaded.policy, ranked))
        timings["coverage"] = _ms(t0)
        if not covered:
            return self._not_covered(query, loaded, ranked, timings, started, margin, " ".join(notes))
        t0 = time.perf_counter()
        decision = decide(query, ranked, loaded.policy, self._clause_weight(loaded, query), self._bank_context(loaded))
        timings["decide"] = _ms(t0)
        t0 = time.perf_counter()
        answer = self._compose(query, loaded.policy, ranked, decision, margin)
        timings["compose"] = _ms(t0)
        if self.settings.llm:
            t0 = time.perf_counter()
            answer, llm_note = self._with_llm(answer, query.text, loaded.policy, ranked)
            timings["llm"] = _ms(t0)
            notes += [llm_note] if llm_note else []
        timings["total"] = _ms(started)
        return replace(answer, timings_ms=timings, note=" ".join(notes))

    def _clause_weight(self, loaded: _Loaded, query: Query) -> Callable[[str], float]:
        lexical = loaded.retriever.lexical
        return lambda text: lexical.shared_weight(text, query.words)

    def _bank_context(self, loaded: _Loaded) -> BankContext | None:
        bank = loaded.retriever.bank
        if bank is None or not bank.labelled:
            return None
        return BankContext(bank.labels_by_paragraph, self.verdict_model, self.settings.embedding_model)

    def _compose(self, query: Query, policy: ParsedPolicy, ranked: Ranked, decision: Decision, margin: float) -> Answer:
        text, sentences, citations = compose(
            decision.verdict, decision.cue, query.kind, decision.deciding, decision.support, policy
        )
        cited = [citation.paragraph for citation in citations]
        return Answer(
            question=query.question,
            policy=policy.policy_id,
            verdict=decision.verdict,
            answer=text,
            sentences=sentences,
            citations=citations,
            retrieved=ranked.paragraphs,
            contacts=self._contacts(policy, cited, query.text),
            confidence=_confidence(margin),
            timings_ms={},
            deciding_sentence=decision.deciding.sentence,
            verdict_evidence=decision.evidence,
        )

    def _with_llm(self, answer: Answer, query: str, policy: ParsedPolicy, ranked: Ranked) -> tuple[Answer, str]:
        """The LLM's wording when its reply passes every check; else the extractive answer and a note."""
        from assistant.llm import LLMReplyError, ask_llm, build_chat_model

        paragraphs = [p for item in ranked.paragraphs[:5] if (p := policy.paragraph(item.paragraph_id))]
        try:
            if self._chat_model is None:
                self._chat_model = build_chat_model(self.settings)
            reply = ask_llm(self._chat_model, query, paragraphs)
        except (LLMReplyError, PolicyQAError) as exc:
            return answer, f"The language model's reply was not used ({exc}); this is the extractive answer."
        if reply.verdict == "not_covered" or not reply.sentences:
            return answer, "The language model found no answer in the paragraphs; this is the extractive answer."
        sentences = tuple(AnswerSentence(text=text, paragraph_ids=ids) for text, ids in reply.sentences)
        cited = list(dict.fromkeys(pid for _, ids in reply.sentences for pid in ids))
        citations = tuple(
            Citation(paragraph=pid, quote=_best_quote(policy, pid, answer), heading=p.heading)
            for pid in cited
            if (p := policy.paragraph(pid))
        )
        return replace(
            answer,
            verdict=reply.verdict,  # type: ignore[arg-type]
            answer=" ".join(text for text, _ in reply.sentences),
            sentences=sentences,
            citations=citations,
            contacts=self._contacts(policy, cited, query),
        ), f"Worded by {self.settings.llm}; citations checked against the policy."

    def _lacks_answer_type(self, query: Query, policy: ParsedPolicy, ranked: Ranked) -> bool:
        """The question asks how often / how long / who pays, and the top paragraphs never say."""
        top = [policy.paragraph(item.paragraph_id) for item in ranked.paragraphs[:ANSWER_TYPE_DEPTH]]
        return missing_answer_type(query.text, " ".join(p.text for p in top if p is not None))

    def floor_for(self, retriever: Retriever) -> float:
        """The calibrated relevance floor for this policy: banked policies are scored on another scale."""
        return self.bank_relevance_floor if retriever.has_bank else self.relevance_floor

    def relevance(self, query: Query, ranked: Ranked, off_topic: OffTopicDetector | None = None) -> float:
        """How much better the question matches this policy than the nearest topic of another policy: through
        its closest bank question when the policy has a question bank (on dev that separates covered from
        not covered better than any paragraph does), else through the best paragraph."""
        if not ranked.paragraphs:
            return -1.0
        if ranked.top_bank_similarity is not None:
            best = max(0.0, ranked.top_bank_similarity)  # as the per-paragraph scores
        else:
            top = ranked.paragraphs[0].signals
            best = max(top.get("sentence", 0.0), top.get("dense", 0.0))
        other = off_topic.closest(query.vector)[0] if off_topic is not None else 0.0
        return float(best - other)

    def _contacts(self, policy: ParsedPolicy, cited: Sequence[str], query: str) -> tuple[Contact, ...]:
        """Whom the cited paragraphs name; the safeguarding route for a pupil at risk; and when the cited
        paragraphs name nobody, the role the policy names most often, so every answer says whom to ask."""
        contacts = list(contacts_for(policy.contacts, cited))
        if any(token.startswith(stem) for token in lexical_tokens(query) for stem in _SAFEGUARDING_WORDS):
            for contact in safeguarding_contacts(policy):
                if contact not in contacts:
                    contacts.append(contact)
        return tuple(contacts) or default_contacts(policy)

    def _not_covered(
        self,
        query: Query,
        loaded: _Loaded,
        ranked: Ranked | None,
        timings: dict[str, float],
        started: float,
        margin: float = 0.0,
        note: str = "",
    ) -> Answer:
        checked = [item.paragraph_id for item in ranked.paragraphs[:3]] if ranked else []
        contacts = default_contacts(loaded.policy)
        text, sentences = compose_not_covered(checked, contacts)
        timings["total"] = _ms(started)
        return Answer(
            question=query.question,
            policy=loaded.policy.policy_id,
            verdict="not_covered",
            answer=text,
            sentences=sentences,
            citations=(),
            retrieved=ranked.paragraphs if ranked else (),
            contacts=contacts,
            confidence=round(1.0 - _confidence(margin), 3),
            timings_ms=timings,
            note=note,
        )


def default_contacts(policy: ParsedPolicy) -> tuple[Contact, ...]:
    """Whom to ask when the policy is silent: the role the policy names most often."""
    ranked = sorted(policy.contacts, key=lambda contact: -len(contact.paragraph_ids))
    return tuple(ranked[:1])


def safeguarding_contacts(policy: ParsedPolicy) -> tuple[Contact, ...]:
    """The safeguarding route the policy names: its designated / safeguarding roles."""
    return tuple(c for c in policy.contacts if any(word in c.role.lower() for word in ("safeguard", "designated")))


def _best_quote(policy: ParsedPolicy, paragraph_id: str, extractive: Answer) -> str:
    """The extractive quote for this paragraph if we have one, else its first sentence."""
    for citation in extractive.citations:
        if citation.paragraph == paragraph_id:
            return citation.quote
    paragraph = policy.paragraph(paragraph_id)
    sentences = split_sentences(paragraph.text) if paragraph else []
    return sentences[0] if sentences else ""


def _confidence(margin: float) -> float:
    """From the relevance margin over the floor: 0.5 at the floor, towards 1 well above it."""
    return round(1.0 / (1.0 + math.exp(-12.0 * margin)), 3)


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000.0, 2)
