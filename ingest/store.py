"""The persistent index: one Chroma collection per policy, a manifest, and a snapshot of the parsed policy.

A changed policy (or, for a rebuild, every policy) is written to new collections and files first; only then
does the manifest (replaced atomically with os.replace) point at them, and the old ones are dropped. A crash,
a kill or a full disk mid-ingest therefore leaves the previous index serving; leftovers are collected on the
next write. The manifest records each file's sha256, so a damaged file is noticed when it is opened.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from langchain_core.embeddings import Embeddings

from core.errors import (
    IndexChangedError,
    IndexDamagedError,
    IndexMismatchError,
    IndexMissingError,
    PolicyQAError,
    UnknownPolicyError,
)
from core.types import Chunk, ExampleQuestion, ParsedPolicy
from ingest.chroma_upkeep import first_line, forget_chroma_system, is_chroma_error, is_not_found, orphan_segment_folders
from ingest.durable import atomic_write_text, exclusive_lock, write_error
from ingest.parser import PARSER_VERSION
from ingest.snapshot import (
    READ_ERRORS,
    file_problem,
    read_bank_vectors,
    read_sentence_vectors,
    read_snapshot,
    write_bank_vectors,
    write_sentence_vectors,
    write_snapshot,
)

log = logging.getLogger(__name__)

DISTANCE = "cosine"
MANIFEST_FORMAT = 2  # 2: entries record their files' sha256; every build writes freshly named collections
COLLECTION_PREFIX = "pq-"
REBUILD_HINT = "run `policyqa ingest --rebuild` to rebuild it"
WRITER = "Another ingest (`policyqa ingest` or an upload in the app)"
DAMAGED_CHROMA_PREFIX = "chroma.damaged-"
_DISK_FULL_SIGNS = ("disk is full", "no space left", "os error 28")  # SQLite's and Rust's words for ENOSPC
_T = TypeVar("_T")


@dataclass(frozen=True)
class IndexSignature:
    """What an index was built with; two indexes are compatible only if these match."""

    embedding_model: str
    dimension: int
    chunker_version: str
    distance: str = DISTANCE
    # what ran the model: its vectors differ slightly between runtimes; an index from before this was
    # recorded was built by torch
    embedding_backend: str = "torch"


_SIGNATURE_DEFAULTS = {f.name: f.default for f in fields(IndexSignature) if f.default is not MISSING}


@dataclass(frozen=True)
class PolicyEntry:
    policy_id: str
    title: str
    source_path: str
    content_hash: str
    collection: str
    snapshot: str
    paragraphs: int
    chunks: int
    ingested_at: float
    parser_version: str = ""
    bank_hash: str = ""
    bank_questions: int = 0
    numbering: str = ""  # what the parser found, and the share of the document's text it kept
    text_coverage: float = 1.0
    checksums: dict[str, str] = field(default_factory=dict)  # each file (relative to the index) -> its sha256

    @property
    def sentences_file(self) -> str:
        return self.snapshot.replace(".json", ".sentences.npz")

    @property
    def bank_file(self) -> str:
        return _bank_file(self.snapshot)


class _ChromaEmbeddingAdapter:
    """Chroma's embedding-function protocol over our langchain Embeddings, so Chroma never loads its own."""

    def __init__(self, embeddings: Embeddings | None) -> None:
        self._embeddings = embeddings

    def __call__(self, input: Sequence[str]) -> list[list[float]]:
        if self._embeddings is None:
            raise RuntimeError("this index handle was opened without an embedding model")
        return self._embeddings.embed_documents(list(input))

    def embed_query(self, input: Sequence[str]) -> list[list[float]]:
        return self(input)

    @staticmethod
    def name() -> str:
        return "policyqa"

    def get_config(self) -> dict[str, Any]:
        return {}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> _ChromaEmbeddingAdapter:
        return _ChromaEmbeddingAdapter(None)

    def default_space(self) -> str:
        return DISTANCE

    def supported_spaces(self) -> list[str]:
        return [DISTANCE]

    def is_legacy(self) -> bool:
        return False


class PolicyIndex:
    """Read and write access to the index folder. Pass the same signature you embed with."""

    def __init__(
        self,
        root: Path,
        signature: IndexSignature,
        embeddings: Embeddings | None = None,
        chroma_url: str | None = None,
    ) -> None:
        self.root = root
        self.signature = signature
        self._embeddings = embeddings
        self.chroma_url = chroma_url  # a Chroma server's; the manifest and snapshots stay under `root`
        self._client: Any = None
        self._writing = False

    # --- manifest -------------------------------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    def _read_manifest(self) -> dict[str, Any]:
        if not self.manifest_path.exists():
            return {}
        try:
            return dict(json.loads(self.manifest_path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError) as exc:
            raise IndexDamagedError(
                f"The index manifest at {self.manifest_path} is damaged or unreadable: {REBUILD_HINT}."
            ) from exc

    def check_compatible(self, manifest: dict[str, Any] | None = None) -> None:
        manifest = self._read_manifest() if manifest is None else manifest
        if not manifest:
            return
        built = {**_SIGNATURE_DEFAULTS, **manifest.get("signature", {})}
        wanted = asdict(self.signature)
        differences = [
            f"{key} {built.get(key)!r} (now {value!r})" for key, value in wanted.items() if built.get(key) != value
        ]
        if manifest.get("format") != MANIFEST_FORMAT or differences:
            detail = ", ".join(differences) or "an older index format"
            raise IndexMismatchError(f"The index at {self.root} was built with {detail}: {REBUILD_HINT}.")

    def policies(self) -> list[PolicyEntry]:
        manifest = self._read_manifest()
        self.check_compatible(manifest)
        return [PolicyEntry(**entry) for entry in manifest.get("policies", {}).values()]

    def entry(self, policy_id: str | None) -> PolicyEntry:
        entries = self.policies()
        if not entries:
            raise IndexMissingError(f"No policy is indexed under {self.root}: run `policyqa ingest` first.")
        if policy_id is None:
            if len(entries) > 1:
                names = ", ".join(sorted(entry.policy_id for entry in entries))
                raise UnknownPolicyError(f"Several policies are indexed ({names}): choose one with --policy.")
            return entries[0]
        for entry in entries:
            if entry.policy_id == policy_id:
                return entry
        names = ", ".join(sorted(entry.policy_id for entry in entries))
        raise UnknownPolicyError(f"No policy {policy_id!r} is indexed; indexed: {names}.")

    # --- chroma ---------------------------------------------------------------------------------------
    def _chroma(self) -> Any:
        """The process's one client for this index: a Chroma server's when `chroma_url` is set."""
        if self._client is None:
            from ingest.chroma_client import chroma_client

            self.root.mkdir(parents=True, exist_ok=True)
            self._client = chroma_client(self.root / "chroma", self.chroma_url)
        return self._client

    def _store(self) -> Any:
        """Chroma's client; IndexDamagedError when its store cannot be opened (a damaged chroma.sqlite3)."""
        try:
            return self._chroma()
        except PolicyQAError:  # already one sentence (no Chroma server at POLICYQA_CHROMA_URL, a bad URL)
            self._forget_client()
            raise
        except Exception as exc:
            self._forget_client()
            raise IndexDamagedError(
                f"The vector store at {self.root / 'chroma'} is damaged or unreadable ({first_line(exc)}): "
                f"{REBUILD_HINT}."
            ) from exc

    def _forget_client(self) -> None:
        from ingest.chroma_client import forget_client

        self._client = None
        forget_client(self.root / "chroma", self.chroma_url)
        if not self.chroma_url:
            forget_chroma_system(self.root / "chroma")

    def collection(self, name: str) -> Any:
        store = self._store()
        try:
            return store.get_collection(name, embedding_function=_ChromaEmbeddingAdapter(self._embeddings))
        except Exception as exc:
            if not (is_not_found(exc) or is_chroma_error(exc)):
                raise
            live = {entry["collection"]: key for key, entry in self._read_manifest().get("policies", {}).items()}
            if name not in live:
                raise IndexChangedError(
                    "The index changed while it was being read (an ingest has just finished): try again."
                ) from exc
            raise IndexDamagedError(
                f"The vectors of {live[name]!r} are missing or damaged in the vector store at "
                f"{self.root / 'chroma'} ({first_line(exc)}): {REBUILD_HINT}."
            ) from exc

    def collection_count(self, name: str) -> int:
        """How many chunks `name` holds; -1 when it is missing or unreadable (IndexDamagedError when the whole
        store is)."""
        store = self._store()
        try:
            adapter = _ChromaEmbeddingAdapter(self._embeddings)
            return int(store.get_collection(name, embedding_function=adapter).count())
        except Exception:
            return -1

    # --- snapshots ------------------------------------------------------------------------------------
    def _verified(self, entry: PolicyEntry, relative: str) -> Path:
        """The file's path once its sha256 matches the one the manifest recorded; IndexDamagedError if not."""
        path = self.root / relative
        problem = file_problem(path, entry.checksums.get(relative))
        if problem:
            raise IndexDamagedError(f"The index file {path} of {entry.policy_id!r} {problem}: {REBUILD_HINT}.")
        return path

    def damage(self, entry: PolicyEntry) -> str:
        """What is wrong with the entry's files ('' when each is there with its recorded checksum)."""
        for relative in (entry.snapshot, *entry.checksums):
            problem = file_problem(self.root / relative, entry.checksums.get(relative))
            if problem:
                return f"{relative} {problem}"
        return ""

    def load_policy(self, entry: PolicyEntry) -> ParsedPolicy:
        return self._read(entry, entry.snapshot, read_snapshot)

    def load_sentence_vectors(self, entry: PolicyEntry) -> tuple[list[tuple[str, str]], np.ndarray] | None:
        if entry.sentences_file not in entry.checksums:
            return None
        return self._read(entry, entry.sentences_file, read_sentence_vectors)

    def load_bank_vectors(self, entry: PolicyEntry) -> tuple[list[ExampleQuestion], np.ndarray] | None:
        """The policy's question bank and its vectors; None when it was indexed without one."""
        if not entry.bank_hash or entry.bank_file not in entry.checksums:
            return None
        return self._read(entry, entry.bank_file, read_bank_vectors)

    def _read(self, entry: PolicyEntry, relative: str, reader: Callable[[Path], _T]) -> _T:
        path = self._verified(entry, relative)
        try:
            return reader(path)
        except READ_ERRORS as exc:
            raise IndexDamagedError(
                f"The index file {path} of {entry.policy_id!r} is unreadable: {REBUILD_HINT}."
            ) from exc

    # --- writing --------------------------------------------------------------------------------------
    def is_current(self, policy: ParsedPolicy, bank_hash: str = "") -> bool:
        """Whether `policy` is indexed as it is, with this parser and bank, and its files and vectors are whole."""
        manifest = self._read_manifest()
        self.check_compatible(manifest)
        data = manifest.get("policies", {}).get(policy.policy_id)
        if not data:
            return False
        entry = PolicyEntry(**data)
        if (entry.content_hash, entry.bank_hash, entry.parser_version) != (
            policy.content_hash,
            bank_hash,
            PARSER_VERSION,
        ):
            return False
        damage = self.damage(entry)
        if damage:
            log.warning("%s is damaged (%s): indexing it again", entry.policy_id, damage)
            return False
        return self.collection_count(entry.collection) == entry.chunks

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the index's write lock for a whole ingest (one process writes at a time, so collecting garbage
        never takes another's unfinished build); on a failure, drop what was written but never switched to."""
        if self._writing:
            yield
            return
        with exclusive_lock(self.root / ".write.lock", WRITER):
            self._writing = True
            try:
                yield
            except BaseException:
                try:
                    self.collect_garbage()
                except Exception as exc:  # the index in use is intact; leftovers go on the next write
                    log.warning("could not clear the failed write's leftovers: %s", exc)
                raise
            finally:
                self._writing = False

    @contextlib.contextmanager
    def _write_errors(self) -> Iterator[None]:
        """A failed write as one sentence: a full disk, a folder we cannot write, a vector store that refuses."""
        try:
            yield
        except PolicyQAError:
            raise
        except OSError as exc:
            raise write_error(exc, self.root) from exc
        except Exception as exc:
            if not is_chroma_error(exc):
                raise
            if any(sign in str(exc).lower() for sign in _DISK_FULL_SIGNS):
                raise write_error(OSError(errno.ENOSPC, "No space left on device"), self.root) from exc
            raise IndexDamagedError(
                f"The vector store at {self.root / 'chroma'} could not be written ({first_line(exc)}): {REBUILD_HINT}."
            ) from exc

    def prepare_rebuild(self, fresh: bool = False) -> None:
        """Make sure a rebuild can write: a vector store that cannot be opened (or, with `fresh`, one that
        refused a write) is set aside for a new one, deleted once the rebuild has switched over."""
        with self.writing():
            if not fresh:
                try:
                    self._store().list_collections()
                    return
                except Exception as exc:
                    if not isinstance(exc, IndexDamagedError) and not is_chroma_error(exc):
                        raise
                    log.warning("the vector store at %s is unreadable (%s): starting a fresh one", self.root, exc)
            self._forget_client()
            aside = self.root / f"{DAMAGED_CHROMA_PREFIX}{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}"
            with self._write_errors():
                if (self.root / "chroma").exists():
                    os.replace(self.root / "chroma", aside)
            self._store()

    def write_policy(
        self,
        policy: ParsedPolicy,
        chunks: Sequence[Chunk],
        vectors: Sequence[Sequence[float]],
        sentences: tuple[list[tuple[str, str]], np.ndarray] | None = None,
        bank: tuple[Sequence[ExampleQuestion], np.ndarray, str] | None = None,
        on_batch: Callable[[int], None] | None = None,
        batch_size: int = 64,
    ) -> PolicyEntry:
        """Write `policy` beside the live index (a freshly named collection and files); the manifest does not
        name them until commit()."""
        with self.writing(), self._write_errors():
            key = secrets.token_hex(6)  # fresh per build: a rebuild never touches the collection in use
            name = collection_name(policy.policy_id, key)
            collection = self._store().create_collection(
                name,
                embedding_function=_ChromaEmbeddingAdapter(self._embeddings),
                configuration={"hnsw": {"space": DISTANCE}},
                metadata={"policy_id": policy.policy_id, "content_hash": policy.content_hash},
            )
            for start in range(0, len(chunks), batch_size):
                batch = chunks[start : start + batch_size]
                collection.add(
                    ids=[chunk.id for chunk in batch],
                    embeddings=[list(vector) for vector in vectors[start : start + batch_size]],
                    documents=[chunk.embed_text for chunk in batch],
                    metadatas=[{"paragraph_id": chunk.paragraph_id, "window": chunk.window} for chunk in batch],
                )
                if on_batch is not None:
                    on_batch(len(batch))
            snapshot = f"policies/{policy.policy_id}-{key}.json"
            checksums = {snapshot: write_snapshot(self.root / snapshot, policy)}
            if sentences is not None:
                path = snapshot.replace(".json", ".sentences.npz")
                checksums[path] = write_sentence_vectors(self.root / path, *sentences)
            if bank is not None:
                path = _bank_file(snapshot)
                checksums[path] = write_bank_vectors(self.root / path, bank[0], bank[1])
        return PolicyEntry(
            policy_id=policy.policy_id,
            title=policy.title,
            source_path=policy.source_path,
            content_hash=policy.content_hash,
            collection=name,
            snapshot=snapshot,
            paragraphs=len(policy.paragraphs),
            chunks=len(chunks),
            ingested_at=time.time(),
            parser_version=PARSER_VERSION,
            bank_hash=bank[2] if bank is not None else "",
            bank_questions=len(bank[0]) if bank is not None else 0,
            numbering=policy.report.numbering if policy.report else "",
            text_coverage=round(policy.report.coverage, 4) if policy.report else 1.0,
            checksums=checksums,
        )

    def commit(self, entries: Sequence[PolicyEntry], replace_all: bool = False) -> None:
        """Switch the manifest to `entries` in one rename (with `replace_all`, to them alone: a rebuild), then
        drop the collections and files it no longer names."""
        with self.writing():
            with self._write_errors():
                manifest = {} if replace_all else self._read_manifest()
                self.check_compatible(manifest)
                policies = dict(manifest.get("policies", {}))
                policies.update({entry.policy_id: asdict(entry) for entry in entries})
                new = {"format": MANIFEST_FORMAT, "signature": asdict(self.signature), "policies": policies}
                atomic_write_text(self.manifest_path, json.dumps(new, indent=2, ensure_ascii=False))
            try:
                self.collect_garbage()
            except Exception as exc:  # switched already: what is left over goes on the next write
                log.warning("could not drop the old index files: %s", exc)

    def replace_policy(
        self,
        policy: ParsedPolicy,
        chunks: Sequence[Chunk],
        vectors: Sequence[Sequence[float]],
        sentences: tuple[list[tuple[str, str]], np.ndarray] | None = None,
        bank: tuple[Sequence[ExampleQuestion], np.ndarray, str] | None = None,
        on_batch: Callable[[int], None] | None = None,
        batch_size: int = 64,
    ) -> PolicyEntry:
        """Write `policy` beside the current version, then switch the manifest to it in one rename."""
        with self.writing():
            self.check_compatible()
            entry = self.write_policy(policy, chunks, vectors, sentences, bank, on_batch, batch_size)
            self.commit([entry])
        return entry

    def collect_garbage(self) -> None:
        """Drop what the manifest no longer names: old collections, their orphaned segment folders, old and
        half-written files, a vector store set aside by a rebuild. Only a writer (holding the lock) calls it."""
        manifest = self._read_manifest()
        entries = [PolicyEntry(**entry) for entry in manifest.get("policies", {}).values()]
        live = {entry.collection for entry in entries}
        live_files = {path for entry in entries for path in (entry.snapshot, *entry.checksums)}
        with self._write_errors():
            store = self._store()
            for collection in store.list_collections():
                name = collection if isinstance(collection, str) else collection.name
                if name.startswith(COLLECTION_PREFIX) and name not in live:
                    with contextlib.suppress(Exception):
                        store.delete_collection(name)
        for folder in orphan_segment_folders(self.root / "chroma"):
            shutil.rmtree(folder, ignore_errors=True)
        policies_dir = self.root / "policies"
        if policies_dir.exists():
            for path in policies_dir.iterdir():
                if f"policies/{path.name}" not in live_files:
                    with contextlib.suppress(OSError):
                        path.unlink()
        for path in self.root.glob(f".{self.manifest_path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                path.unlink()
        for path in self.root.glob(f"{DAMAGED_CHROMA_PREFIX}*"):
            shutil.rmtree(path, ignore_errors=True)


def _bank_file(snapshot: str) -> str:
    return snapshot.replace(".json", ".bank.npz")


def collection_name(policy_id: str, key: str) -> str:
    """Chroma wants 3-63 chars of [a-zA-Z0-9._-], starting and ending alphanumeric."""
    slug = re.sub(r"[^a-zA-Z0-9._-]+", "-", policy_id).strip("-._")[:40] or "policy"
    return f"{COLLECTION_PREFIX}{slug}-{key}"


def read_manifest(root: Path) -> dict[str, Any]:
    """The manifest without loading a model (for listings); {} when nothing is indexed."""
    return PolicyIndex(root, IndexSignature("", 0, ""))._read_manifest()
