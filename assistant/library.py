"""The policy library as the app sees it: read an upload for checking, add it to the index, list what is
indexed. The one door from the UI into ingest, so that the UI depends on the assistant and core only and
an ingest change never reaches into a page."""

from __future__ import annotations

from pathlib import Path

from assistant.assistant import Assistant
from core.types import ParsedPolicy, SourceDocument
from ingest.pipeline import IngestReport, Progress, ingest_policy, parse_document, policy_id_for
from ingest.readers import SUPPORTED_SUFFIXES, read_bytes
from ingest.store import PolicyEntry

__all__ = [
    "SUPPORTED_SUFFIXES",
    "IngestReport",
    "PolicyEntry",
    "add_policy",
    "parse_document",
    "policy_id_for",
    "read_upload_bytes",
    "suggested_policy_id",
]


def suggested_policy_id(file_name: str) -> str:
    """The id a file would be indexed under (its name, lower-cased and hyphenated)."""
    return policy_id_for(Path(file_name))


def add_policy(assistant: Assistant, policy: ParsedPolicy, progress: Progress | None = None) -> IngestReport:
    """Index `policy` beside the live version and switch to it (unchanged policies are kept as they are)."""
    return ingest_policy(policy, assistant.index, assistant.embeddings, assistant.settings, progress=progress)


def read_upload_bytes(data: bytes, name: str) -> SourceDocument:
    """Bytes as a document, by the file name's suffix."""
    return read_bytes(data, Path(name).suffix, name)
