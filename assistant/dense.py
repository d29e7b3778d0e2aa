"""Dense search: chunk vectors in Chroma -> best similarity per paragraph."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from core.errors import IndexChangedError, IndexUnavailableError
from ingest.chroma_upkeep import first_line, is_chroma_error, is_not_found


class DenseSearch(Protocol):
    def search(self, query_vector: list[float], limit: int) -> dict[str, float]:
        """Paragraph id -> cosine similarity of its best chunk, for the `limit` nearest chunks."""
        ...


class ChromaDenseSearch:
    def __init__(self, collection: Any) -> None:
        self._collection = collection
        self._count = int(collection.count())

    def search(self, query_vector: list[float], limit: int) -> dict[str, float]:
        try:
            result = self._collection.query(
                query_embeddings=[query_vector],
                n_results=max(1, min(limit, self._count)),
                include=["metadatas", "distances"],
            )
        except Exception as exc:  # the store is a file or a server: its failure is one sentence, not a traceback
            if is_not_found(exc):  # dropped by a rebuild that switched to a new build mid-question
                raise IndexChangedError(
                    "The index changed while it was being read (an ingest has just finished): try again."
                ) from exc
            if not (is_chroma_error(exc) or isinstance(exc, (ConnectionError, OSError)) or _is_http_error(exc)):
                raise
            raise IndexUnavailableError(
                f"The policy index stopped answering ({first_line(exc)}): try again; if it goes on, check the "
                "Chroma server named by POLICYQA_CHROMA_URL, or run `policyqa ingest --rebuild`."
            ) from exc
        best: dict[str, float] = {}
        for metadata, distance in zip(result["metadatas"][0], result["distances"][0], strict=True):
            paragraph_id = str(metadata["paragraph_id"])
            similarity = 1.0 - float(distance)
            if similarity > best.get(paragraph_id, -1.0):
                best[paragraph_id] = similarity
        return best


class MatrixDenseSearch:
    """In-memory exact search over the same chunk vectors; used by tests and as a fallback."""

    def __init__(self, paragraph_ids: list[str], vectors: np.ndarray) -> None:
        self._ids = paragraph_ids
        self._vectors = vectors

    def search(self, query_vector: list[float], limit: int) -> dict[str, float]:
        similarities = self._vectors @ np.asarray(query_vector, dtype=np.float32)
        best: dict[str, float] = {}
        for position in np.argsort(-similarities)[:limit]:
            paragraph_id = self._ids[int(position)]
            best.setdefault(paragraph_id, float(similarities[position]))
        return best


def _is_http_error(exc: BaseException) -> bool:
    """A failed request to a Chroma server (httpx's errors, without importing httpx here)."""
    return any(cls.__module__.startswith(("httpx", "httpcore")) for cls in type(exc).__mro__)
