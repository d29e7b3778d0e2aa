"""Property-based: whatever a user types, `ask` returns a typed Answer or one PolicyQAError, never a crash."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, configuration, given, settings
from hypothesis import strategies as st

from assistant.assistant import Assistant
from assistant.runtime import open_index
from core.config import Settings
from core.errors import PolicyQAError
from core.types import Answer, SourceDocument
from ingest.pipeline import ingest_policy, parse_document
from tests.fakes import HashingEmbeddings

# Hypothesis keeps caches in ./.hypothesis by default: tests never write into the repo.
configuration.set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "policyqa-hypothesis")
TINY = (
    "1. Phones\n1.1 Staff must not use personal phones in lessons.\n1.2 Staff may use phones in the staff room.\n"
    "2. Email\n2.1 Staff must use their school email for work; contact the Headteacher about exceptions.\n"
)
VERDICTS = {"allowed", "prohibited", "required", "conditional", "discouraged", "not_covered"}
CONTROL = st.characters(min_codepoint=0, max_codepoint=31) | st.sampled_from("\x7f\u200b\u200e\u202e\ufeff\u2028")
WORDS = st.sampled_from(
    ["can", "I", "use", "my", "phone", "in", "lessons", "email", "staff", "room", "?", "Headteacher"]
)
QUESTIONS = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=CONTROL, max_size=50),
    st.lists(WORDS | CONTROL | st.characters(), max_size=40).map(" ".join),
    st.builds(lambda text, times: text * times, st.text(min_size=1, max_size=20), st.integers(100, 5_000)),
    st.sampled_from(["", " ", "\x00", "\ud800", "can I use my phone \udfff?", "1.1", "[1.1]", "?" * 3000]),
)


@pytest.fixture(scope="module")
def tiny_assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    home: Path = tmp_path_factory.mktemp("fuzz-home")
    config = Settings(home=home, questions_dir=home / "no-banks", use_verdict_model=False)
    embeddings = HashingEmbeddings()
    index, _ = open_index(config, embeddings)
    ingest_policy(parse_document(SourceDocument("tiny.txt", TINY), "tiny"), index, embeddings, config)
    return Assistant(config, embeddings=embeddings)


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(question=QUESTIONS, history=st.lists(QUESTIONS, max_size=2))
def test_any_question_is_answered_or_refused_in_one_sentence(
    tiny_assistant: Assistant, question: str, history: list[str]
) -> None:
    try:
        answer = tiny_assistant.ask(question, history=history)
    except PolicyQAError as exc:
        message = str(exc)
        assert message and "\n" not in message and "Traceback" not in message
        return
    assert isinstance(answer, Answer) and answer.verdict in VERDICTS
    policy = tiny_assistant.policy("tiny")
    assert all(policy.paragraph(citation.paragraph) is not None for citation in answer.citations)
