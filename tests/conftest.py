"""Shared fixtures: every test gets its own POLICYQA_HOME under tmp_path; nothing writes into the repo."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT, Settings
from tests.fakes import FakeOpenAI, HashingEmbeddings

BUNDLED_POLICY = PROJECT_ROOT / "data" / "policies" / "social-media-and-electronic-communications-policy.txt"
BUNDLED_GOLD = PROJECT_ROOT / "data" / "gold" / "social-media-and-electronic-communications-policy.jsonl"
FIXTURES = Path(__file__).parent / "fixtures"
RIVERSIDE_POLICY = FIXTURES / "policies" / "riverside-acceptable-use-policy.md"
RIVERSIDE_GOLD = FIXTURES / "gold" / "riverside-acceptable-use-policy.jsonl"
FIXTURE_QUESTIONS = FIXTURES / "questions"  # a question bank for the riverside fixture


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test ever reads or writes the user's real PolicyQA data."""
    home = tmp_path / "policyqa-home"
    monkeypatch.setenv("POLICYQA_HOME", str(home))
    for name in list(os.environ):
        if name.startswith("POLICYQA_") and name != "POLICYQA_HOME":
            monkeypatch.delenv(name)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return home


@pytest.fixture
def settings(isolated_home: Path) -> Settings:
    return Settings(home=isolated_home)


@pytest.fixture
def fake_embeddings() -> HashingEmbeddings:
    return HashingEmbeddings()


@pytest.fixture(scope="session")
def real_embeddings():
    """The packaged model on the runtime `policyqa` uses by default, so the index it builds opens under the
    default settings (the UI's, the CLI's)."""
    from core.config import DEFAULT_EMBEDDING_MODEL
    from ingest.embeddings import load_embeddings

    default = Settings.model_fields["embedding_backend"].default  # not the developer's environment
    return load_embeddings(Settings(embedding_model=DEFAULT_EMBEDDING_MODEL, embedding_backend=default))


@pytest.fixture(scope="session")
def torch_embeddings():
    """The packaged model on sentence-transformers (torch), the reference the ONNX runtime is held to."""
    from ingest.embeddings import SentenceTransformerEmbeddings

    return SentenceTransformerEmbeddings()


@pytest.fixture(scope="session")
def real_home(tmp_path_factory: pytest.TempPathFactory, real_embeddings) -> Path:
    """An index of the bundled policy and the Riverside fixture built once with the real model."""
    from assistant.runtime import open_index
    from ingest.pipeline import ingest_policy, parse_file

    home = tmp_path_factory.mktemp("real-home")
    settings = Settings(home=home)
    index, embeddings = open_index(settings, real_embeddings)
    for path in (BUNDLED_POLICY, RIVERSIDE_POLICY):
        ingest_policy(parse_file(path, settings), index, embeddings, settings)
    return home


@pytest.fixture
def real_assistant(real_home: Path, real_embeddings, monkeypatch: pytest.MonkeyPatch):
    from assistant.assistant import Assistant

    monkeypatch.setenv("POLICYQA_HOME", str(real_home))
    return Assistant(Settings(home=real_home), embeddings=real_embeddings)


@pytest.fixture(scope="session")
def riverside_banked_assistant(tmp_path_factory: pytest.TempPathFactory, real_embeddings):
    """The riverside fixture indexed with its own question bank (tests/fixtures/questions)."""
    from assistant.assistant import Assistant
    from assistant.runtime import open_index
    from ingest.pipeline import ingest_policy, parse_file

    home = tmp_path_factory.mktemp("riverside-banked-home")
    settings = Settings(home=home, questions_dir=FIXTURE_QUESTIONS)
    index, embeddings = open_index(settings, real_embeddings)
    ingest_policy(parse_file(RIVERSIDE_POLICY, settings), index, embeddings, settings)
    return Assistant(settings, embeddings=real_embeddings)


@pytest.fixture(scope="session")
def tuned_assistant(tmp_path_factory: pytest.TempPathFactory):
    """The opt-in tuned model, with its own index of both policies."""
    from assistant.assistant import Assistant
    from assistant.runtime import open_index
    from core.config import TUNED_EMBEDDING_MODEL
    from ingest.embeddings import SentenceTransformerEmbeddings
    from ingest.pipeline import ingest_policy, parse_file

    home = tmp_path_factory.mktemp("tuned-home")
    settings = Settings(home=home, embedding_model=TUNED_EMBEDDING_MODEL)
    embeddings = SentenceTransformerEmbeddings(TUNED_EMBEDDING_MODEL)
    index, _ = open_index(settings, embeddings)
    for path in (BUNDLED_POLICY, RIVERSIDE_POLICY):
        ingest_policy(parse_file(path, settings), index, embeddings, settings)
    return Assistant(settings, embeddings=embeddings)


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A small OpenAI-compatible server on 127.0.0.1 with a scripted reply (no real network)."""
    fake = FakeOpenAI()
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()
