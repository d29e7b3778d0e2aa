"""Ingest: file -> SourceDocument -> ParsedPolicy -> chunks -> vectors -> index, with progress callbacks."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from core.config import Settings
from core.errors import IndexDamagedError, InputError
from core.text import split_sentences
from core.types import Chunk, ExampleQuestion, ParsedPolicy, SourceDocument
from ingest.chunker import CHUNKER_VERSION, approximate_tokens, chunk_paragraphs
from ingest.embeddings import embedding_backend
from ingest.parser import parse_policy
from ingest.question_bank import bank_hash, load_question_bank, question_bank_path
from ingest.readers import SUPPORTED_SUFFIXES, read_document
from ingest.store import IndexSignature, PolicyEntry, PolicyIndex

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
"""Called as progress(label, done, total) while a policy is embedded and written."""


@dataclass(frozen=True)
class IngestReport:
    policy_id: str
    path: str
    paragraphs: int
    chunks: int
    seconds: float
    unchanged: bool
    bank_questions: int = 0

    @property
    def paragraphs_per_second(self) -> float:
        return self.paragraphs / self.seconds if self.seconds > 0 else float("inf")


def policy_id_for(path: Path) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "policy"


def discover_policies(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise InputError(f"No policy folder at {folder}: give policy files or set POLICYQA_POLICIES_DIR.")
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
    if not files:
        raise InputError(f"No policy files in {folder}: add a .txt, .md, .docx, .pdf or .html policy.")
    return files


def parse_file(path: Path, settings: Settings, policy_id: str | None = None) -> ParsedPolicy:
    document = read_document(path, settings.max_file_bytes)
    return parse_document(document, policy_id or policy_id_for(path))


def parse_document(document: SourceDocument, policy_id: str) -> ParsedPolicy:
    policy = parse_policy(document, policy_id)
    # A policy of one-character lines has paragraphs but no sentence to quote (and crashed ingest).
    if not any(split_sentences(paragraph.text) for paragraph in policy.paragraphs):
        raise InputError(
            f"{Path(document.path).name} has no paragraphs or headings we can cite: check it is the policy text."
        )
    return policy


def signature_for(embeddings: Embeddings, settings: Settings) -> IndexSignature:
    known = getattr(embeddings, "dimension", None)  # a getattr default would embed the probe every time
    dimension = int(known) if known is not None else len(embeddings.embed_query("dimension probe"))
    return IndexSignature(
        embedding_model=settings.embedding_model,
        dimension=dimension,
        chunker_version=CHUNKER_VERSION,
        embedding_backend=getattr(embeddings, "backend", None) or embedding_backend(settings),
    )


def ingest_policy(
    policy: ParsedPolicy,
    index: PolicyIndex,
    embeddings: Embeddings,
    settings: Settings,
    progress: Progress | None = None,
    force: bool = False,
    bank: tuple[ExampleQuestion, ...] | None = None,
) -> IngestReport:
    """Embed and index one parsed policy and its question bank (by default the one in settings.questions_dir);
    a no-op when the same content is already indexed, whole. The previous version answers until the switch."""
    started = time.perf_counter()
    if bank is None:
        bank = policy_bank(policy, settings)
    bank_digest = bank_hash(bank)
    if not force and index.is_current(policy, bank_digest):
        return IngestReport(
            policy.policy_id,
            policy.source_path,
            len(policy.paragraphs),
            _indexed_chunks(index, policy.policy_id),
            time.perf_counter() - started,
            True,
            len(bank),
        )
    index.check_compatible()
    embedded = _embed_policy(policy, embeddings, settings, progress, bank, bank_digest)
    with index.writing():
        entry = embedded.write(index)
        index.commit([entry])
    return _written(entry, started)


def rebuild_index(
    policies: Sequence[ParsedPolicy],
    index: PolicyIndex,
    embeddings: Embeddings,
    settings: Settings,
    progress: Progress | None = None,
) -> list[IngestReport]:
    """Index `policies` afresh, beside the live index, then switch the manifest to them alone in one rename.

    Until the switch the previous index keeps answering; a failure or a kill leaves it as it was. A vector
    store that cannot be opened, or refuses a write, is set aside for a fresh one, so a rebuild recovers from
    any damage (the embedded policies are kept until the switch, to be written again without embedding)."""
    reports, entries, embedded_so_far = [], [], []
    with index.writing():
        index.prepare_rebuild()
        fresh = False
        for policy in policies:
            started = time.perf_counter()
            bank = policy_bank(policy, settings)
            embedded = _embed_policy(policy, embeddings, settings, progress, bank, bank_hash(bank))
            embedded_so_far.append(embedded)
            try:
                entries.append(embedded.write(index))
            except IndexDamagedError as exc:
                if fresh:
                    raise
                log.warning("the vector store refused a write (%s): starting a fresh one", exc)
                index.prepare_rebuild(fresh=True)
                fresh = True
                entries = [done.write(index) for done in embedded_so_far]
            reports.append(_written(entries[-1], started))
        index.commit(entries, replace_all=True)
    return reports


@dataclass(frozen=True)
class _Embedded:
    """A policy's chunks, sentences and bank questions with their vectors, ready to be written."""

    policy: ParsedPolicy
    chunks: Sequence[Chunk]
    vectors: Sequence[Sequence[float]]
    sentences: tuple[list[tuple[str, str]], np.ndarray]
    bank: tuple[Sequence[ExampleQuestion], np.ndarray, str] | None

    def write(self, index: PolicyIndex) -> PolicyEntry:
        return index.write_policy(self.policy, self.chunks, self.vectors, sentences=self.sentences, bank=self.bank)


def _embed_policy(
    policy: ParsedPolicy,
    embeddings: Embeddings,
    settings: Settings,
    progress: Progress | None,
    bank: tuple[ExampleQuestion, ...],
    bank_digest: str,
) -> _Embedded:
    sentence_pairs = [(p.id, s) for p in policy.paragraphs for s in split_sentences(p.text)]
    _check_size(policy, len(policy.paragraphs) + len(sentence_pairs) + len(bank), settings.max_embed_texts)
    count_tokens = getattr(embeddings, "count_tokens", approximate_tokens)
    chunks = chunk_paragraphs(
        policy.policy_id,
        policy.paragraphs,
        count_tokens,
        settings.chunk_max_tokens,
        settings.chunk_overlap_tokens,
    )
    vectors, sentence_vectors, bank_vectors = _embed_groups(
        [[chunk.embed_text for chunk in chunks], [text for _, text in sentence_pairs], [e.question for e in bank]],
        embeddings,
        settings.embedding_batch_size,
        lambda done, total: _report(progress, policy.policy_id, done, total),
    )
    matrix = np.asarray(sentence_vectors, dtype=np.float32).reshape(len(sentence_pairs), -1)
    bank_matrix = np.asarray(bank_vectors, dtype=np.float32)
    return _Embedded(
        policy, chunks, vectors, (sentence_pairs, matrix), (bank, bank_matrix, bank_digest) if bank else None
    )


def _written(entry: PolicyEntry, started: float) -> IngestReport:
    return IngestReport(
        entry.policy_id,
        entry.source_path,
        entry.paragraphs,
        entry.chunks,
        time.perf_counter() - started,
        False,
        entry.bank_questions,
    )


EMBED_RATE_PER_S = 60.0
"""Texts embedded a second on 2 CPU cores with the packaged model (measured 62.7, the slow end of 60-120)."""


def _check_size(policy: ParsedPolicy, texts: int, limit: int) -> None:
    """Refuse, before chunking or writing anything, a policy whose embedding would run for too long."""
    if texts <= limit:
        return
    minutes = texts / EMBED_RATE_PER_S / 60
    raise InputError(
        f"{Path(policy.source_path).name} has {texts:,} passages to embed (about {minutes:.0f} minutes on this "
        f"machine), over the limit of {limit:,}: split it into smaller policies or raise POLICYQA_MAX_EMBED_TEXTS."
    )


def policy_bank(policy: ParsedPolicy, settings: Settings) -> tuple[ExampleQuestion, ...]:
    return load_question_bank(question_bank_path(settings.questions_dir, policy.policy_id), policy)


def _indexed_chunks(index: PolicyIndex, policy_id: str) -> int:
    return index.entry(policy_id).chunks


def _embed_groups(
    groups: Sequence[Sequence[str]], embeddings: Embeddings, batch_size: int, progress: Callable[[int, int], None]
) -> list[list[list[float]]]:
    """Each group's vectors, embedded batch by batch with one progress count across all groups."""
    total, done = sum(len(texts) for texts in groups), 0
    embedded: list[list[list[float]]] = []
    for texts in groups:
        vectors: list[list[float]] = []
        for batch in _batches(texts, batch_size):
            vectors.extend(embeddings.embed_documents(batch))
            done += len(batch)
            progress(done, total)
        embedded.append(vectors)
    return embedded


def _batches(items: Sequence[str], size: int) -> list[list[str]]:
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


def _report(progress: Progress | None, label: str, done: int, total: int) -> None:
    if progress is not None:
        progress(label, done, total)


def already_indexed(policies: Sequence[ParsedPolicy], settings: Settings) -> list[IngestReport] | None:
    """Reports for policies that are indexed as they are, with this model and chunker, read without loading
    the model (it takes seconds); None when anything needs embedding."""
    from ingest.store import read_manifest

    manifest = read_manifest(settings.index_dir)
    built = manifest.get("signature", {})
    if not built:
        return None
    signature = IndexSignature(**built)
    if (signature.embedding_model, signature.chunker_version, signature.embedding_backend) != (
        settings.embedding_model,
        CHUNKER_VERSION,
        embedding_backend(settings),
    ):
        return None
    index = PolicyIndex(settings.index_dir, signature, chroma_url=settings.chroma_url)
    reports = []
    for policy in policies:
        started = time.perf_counter()
        if not index.is_current(policy, bank_hash(policy_bank(policy, settings))):
            return None
        entry = index.entry(policy.policy_id)
        reports.append(
            IngestReport(
                policy.policy_id,
                policy.source_path,
                len(policy.paragraphs),
                entry.chunks,
                time.perf_counter() - started,
                True,
                entry.bank_questions,
            )
        )
    return reports
