"""Housekeeping Chroma leaves to its users: its error types, segment folders it forgets, a store to start over."""

from __future__ import annotations

import contextlib
import logging
import re
import sqlite3
from pathlib import Path

log = logging.getLogger(__name__)

_SEGMENT_FOLDER = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def is_chroma_error(exc: BaseException) -> bool:
    from chromadb.errors import ChromaError

    return isinstance(exc, ChromaError)


def is_not_found(exc: BaseException) -> bool:
    from chromadb.errors import NotFoundError

    return isinstance(exc, NotFoundError)


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def orphan_segment_folders(chroma_dir: Path) -> list[Path]:
    """Vector segment folders (named by segment UUID) that no segment in Chroma's catalogue owns any more.

    Chroma 1.x drops a deleted collection's catalogue rows but leaves its HNSW folder on disk; [] when the
    catalogue cannot be read (then nothing is known to be an orphan)."""
    database = chroma_dir / "chroma.sqlite3"
    if not database.is_file():
        return []
    try:
        with contextlib.closing(sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)) as db:
            owned = {str(row[0]) for row in db.execute("SELECT id FROM segments")}
    except sqlite3.Error as exc:
        log.warning("could not read Chroma's segment catalogue at %s: %s", database, exc)
        return []
    return sorted(
        path
        for path in chroma_dir.iterdir()
        if path.is_dir() and _SEGMENT_FOLDER.match(path.name) and path.name not in owned
    )


def forget_chroma_system(chroma_dir: Path) -> None:
    """Stop and forget the Chroma system this process keeps for `chroma_dir`, so the next client opens the
    folder afresh (Chroma caches one per path, even one that failed to start)."""
    from chromadb.api.shared_system_client import SharedSystemClient

    identifier = str(chroma_dir)
    systems = getattr(SharedSystemClient, "_identifier_to_system", {})
    counts = getattr(SharedSystemClient, "_identifier_to_refcount", {})
    system = systems.pop(identifier, None)
    counts.pop(identifier, None)
    if system is not None:
        with contextlib.suppress(Exception):
            system.stop()
