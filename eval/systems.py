"""The systems the eval compares, behind one small interface: ours and the naive LangChain-tutorial RAG."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.assistant import Assistant
from core.types import Answer, ParsedPolicy


@dataclass(frozen=True)
class SystemAnswer:
    verdict: str
    answer: str
    cited: tuple[str, ...]
    retrieved: tuple[str, ...]
    scanned_chars: int
    latency_ms: float


class System(Protocol):
    name: str

    def answer(self, question: str) -> SystemAnswer: ...


class PolicyQASystem:
    name = "policyqa"

    def __init__(self, assistant: Assistant, policy_id: str | None) -> None:
        self.assistant = assistant
        self.policy_id = policy_id
        self._policy = assistant.policy(policy_id)
        self._lengths = {p.id: len(p.text) for p in self._policy.paragraphs}
        self.last: Answer | None = None  # the full answer to the latest question (the invariants read it)

    def answer(self, question: str) -> SystemAnswer:
        started = time.perf_counter()
        result = self.assistant.ask(question, policy=self.policy_id)
        self.last = result
        latency = (time.perf_counter() - started) * 1000.0
        retrieved = tuple(item.paragraph_id for item in result.retrieved)
        return SystemAnswer(
            verdict=result.verdict,
            answer=result.answer,
            cited=tuple(c.paragraph for c in result.citations),
            retrieved=retrieved,
            scanned_chars=sum(self._lengths.get(pid, 0) for pid in retrieved[:5]),
            latency_ms=latency,
        )


class NaiveRagSystem:
    """What a typical tutorial builds: RecursiveCharacterTextSplitter(1000, 200) over the raw text, the same
    embedding model, dense top-4, no structure. It has no verdict logic and never abstains, so its verdict
    is the majority verdict; its "citations" are the paragraphs its 4 chunks cover."""

    name = "naive"

    def __init__(
        self,
        policy: ParsedPolicy,
        source_text: str,
        embeddings: Embeddings,
        majority_verdict: str = "required",
        top_k: int = 4,
    ) -> None:
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200, add_start_index=True)
        documents = splitter.create_documents([source_text])
        self.chunks = [(d.page_content, int(d.metadata["start_index"])) for d in documents]
        self.embeddings = embeddings
        self.vectors = np.asarray(embeddings.embed_documents([text for text, _ in self.chunks]), dtype=np.float32)
        self.top_k = top_k
        self.majority_verdict = majority_verdict
        self.covered = [covered_paragraphs(policy, start, start + len(text)) for text, start in self.chunks]

    def answer(self, question: str) -> SystemAnswer:
        started = time.perf_counter()
        query = np.asarray(self.embeddings.embed_query(question), dtype=np.float32)
        order = np.argsort(-(self.vectors @ query))[: self.top_k]
        retrieved: list[str] = []
        for position in order:
            for pid in self.covered[int(position)]:
                if pid not in retrieved:
                    retrieved.append(pid)
        text = "\n\n".join(self.chunks[int(position)][0] for position in order)
        return SystemAnswer(
            verdict=self.majority_verdict,
            answer=text,
            cited=tuple(retrieved),
            retrieved=tuple(retrieved),
            scanned_chars=len(text),
            latency_ms=(time.perf_counter() - started) * 1000.0,
        )


def covered_paragraphs(policy: ParsedPolicy, start: int, end: int) -> list[str]:
    """Paragraphs a chunk covers: it holds half of the paragraph or 200 of its characters; largest first."""
    hits: list[tuple[int, str]] = []
    for paragraph in policy.paragraphs:
        p_start, p_end = paragraph.span
        overlap = max(0, min(end, p_end) - max(start, p_start))
        length = max(1, p_end - p_start)
        if overlap >= min(length / 2, 200) and overlap > 0:
            hits.append((overlap, paragraph.id))
    return [pid for _, pid in sorted(hits, key=lambda item: -item[0])]
