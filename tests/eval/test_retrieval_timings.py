"""Retrieval times its stages (embed, dense and lexical search, fusion, rerank) for `policyqa bench`."""

from __future__ import annotations

from assistant.retrieval import RETRIEVAL_STAGES
from core.config import Settings
from tests.conftest import RIVERSIDE_POLICY
from tests.fakes import HashingEmbeddings


def test_retrieval_times_each_stage(settings: Settings) -> None:
    from assistant.assistant import Assistant
    from assistant.runtime import open_index
    from ingest.pipeline import ingest_policy, parse_file

    embeddings = HashingEmbeddings()
    index, _ = open_index(settings, embeddings)
    ingest_policy(parse_file(RIVERSIDE_POLICY, settings), index, embeddings, settings)
    retriever = Assistant(settings, embeddings=embeddings).load(None).retriever
    retrieval = retriever.retrieve("Can I check my phone in the staff room at lunch?")
    assert tuple(retrieval.timings_ms) == RETRIEVAL_STAGES
    assert all(isinstance(ms, float) and ms >= 0.0 for ms in retrieval.timings_ms.values())
    assert sum(retrieval.timings_ms.values()) > 0.0
