"""Wiring for production: the packaged embedding model and the on-disk index, loaded once per process."""

from __future__ import annotations

from langchain_core.embeddings import Embeddings

from core.config import Settings
from ingest.store import PolicyIndex


def load_embeddings(settings: Settings) -> Embeddings:
    """The model on the runtime settings.embedding_backend picks (onnx imports no torch)."""
    from ingest.embeddings import load_embeddings as load

    return load(settings)


def open_index(
    settings: Settings, embeddings: Embeddings | None = None, check: bool = True
) -> tuple[PolicyIndex, Embeddings]:
    """The index under settings.home, refusing one built with another model/chunker when `check`."""
    from ingest.pipeline import signature_for

    embeddings = embeddings or load_embeddings(settings)
    index = PolicyIndex(
        settings.index_dir, signature_for(embeddings, settings), embeddings, chroma_url=settings.chroma_url
    )
    if check:
        index.check_compatible()
    return index, embeddings
