"""Heavy objects, loaded once per process: the embedding model and one Assistant per settings.

Settings are cheap and read from the environment on each run (the entry point builds them), so a
changed POLICYQA_HOME gets its own Assistant while the model is shared.
"""

from __future__ import annotations

import threading
from pathlib import Path

import streamlit as st
from langchain_core.embeddings import Embeddings

from assistant.assistant import Assistant
from core.config import Settings
from core.gold import GoldQuestion, load_gold
from ui.feedback import FeedbackStore


def load_settings() -> Settings:
    return Settings()


@st.cache_resource(show_spinner="Loading the embedding model…")
def _embeddings(model: str, backend: str, batch_size: int) -> Embeddings:
    from assistant.runtime import load_embeddings

    return load_embeddings(Settings(embedding_model=model, embedding_backend=backend, embedding_batch_size=batch_size))


@st.cache_resource(show_spinner="Opening the policy index…")
def _assistant(settings_key: str, _settings: Settings) -> Assistant:
    embeddings = _embeddings(_settings.embedding_model, _settings.embedding_backend, _settings.embedding_batch_size)
    assistant = Assistant(_settings, embeddings=embeddings)
    assistant.index  # noqa: B018 - open (and check) the index now, not on the first question
    return assistant


def get_assistant(settings: Settings) -> Assistant:
    """The Assistant for these settings; raises PolicyQAError (e.g. an index built with another model)."""
    return _assistant(_settings_key(settings), settings)


@st.cache_resource(show_spinner=False)
def index_lock(settings_key: str) -> threading.Lock:
    """One lock per index: sessions run on their own threads, and answering must not interleave with
    an upload re-writing the index."""
    return threading.Lock()


def lock_for(settings: Settings) -> threading.Lock:
    return index_lock(_settings_key(settings))


def feedback_store(settings: Settings) -> FeedbackStore:
    """Opened per run (cheap): opening purges rows older than POLICYQA_FEEDBACK_RETENTION_DAYS."""
    return FeedbackStore(settings.feedback_db, settings.feedback_retention_days)


def gold_questions(settings: Settings, policy_id: str) -> list[GoldQuestion]:
    """The policy's gold questions (`<gold_dir>/<policy>.jsonl`), [] when it has none; a broken file
    raises GoldFileError."""
    path = settings.gold_dir / f"{policy_id}.jsonl"
    if not path.is_file():
        return []
    return _gold(str(path), path.stat().st_mtime)


@st.cache_data(show_spinner=False, max_entries=16)
def _gold(path: str, mtime: float) -> list[GoldQuestion]:
    return load_gold(Path(path))


def _settings_key(settings: Settings) -> str:
    # The admin password does not change what the Assistant loads; keep it out of the cache key.
    return settings.model_dump_json(exclude={"admin_password"})
