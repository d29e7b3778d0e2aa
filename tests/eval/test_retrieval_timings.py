"""Each stage of an answer is timed (analysis, retrieval, coverage, decision, composition) for `policyqa bench`."""

from __future__ import annotations

from assistant.query import analyse_question
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
    assistant = Assistant(settings, embeddings=embeddings)
    retriever = assistant.load(None).retriever
    query = analyse_question("Can I check my phone in the staff room at lunch?", retriever, assistant.vocabulary)
    ranked = retriever.retrieve(query)
    assert tuple(ranked.timings_ms) == RETRIEVAL_STAGES
    assert all(isinstance(ms, float) and ms >= 0.0 for ms in ranked.timings_ms.values())
    assert sum(ranked.timings_ms.values()) > 0.0
    answer = assistant.ask("Can I check my phone in the staff room at lunch?")
    stages = {"embed", *RETRIEVAL_STAGES, "coverage", "total"}
    assert stages <= set(answer.timings_ms)
    assert answer.verdict == "not_covered" or {"decide", "compose"} <= set(answer.timings_ms)
