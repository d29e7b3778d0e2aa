"""The persistent index: one Chroma collection per policy, a manifest, and a snapshot of the parsed policy.

A changed policy is written to a new collection and snapshot first; only then does the manifest (replaced
atomically with os.replace) point at them, and the old ones are dropped. A crash mid-ingest therefore
leaves the previous index serving; leftovers are collected on the next write.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import MISSING, asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from core.errors import IndexMismatchError, IndexMissingError, UnknownPolicyError
from core.types import Chunk, Contact, ExampleQuestion, Paragraph, ParsedPolicy
from ingest.parser import PARSER_VERSION

log = logging.getLogger(__name__)

DISTANCE = "cosine"
MANIFEST_FORMAT = 1
COLLECTION_PREFIX = "pq-"
REBUILD_HINT = "run `policyqa ingest --rebuild` to rebuild it"


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


def atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


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

    def __init__(self, root: Path, signature: IndexSignature, embeddings: Embeddings | None = None) -> None:
        self.root = root
        self.signature = signature
        self._embeddings = embeddings
        self._client: Any = None

    # --- manifest -------------------------------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    def _read_manifest(self) -> dict[str, Any]:
        if not self.manifest_path.exists():
            return {}
        try:
            return dict(json.loads(self.manifest_path.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError) as exc:
            raise IndexMismatchError(
                f"The index manifest at {self.manifest_path} is unreadable: {REBUILD_HINT}."
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
        if self._client is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            self.root.mkdir(parents=True, exist_ok=True)
            self._client = chromadb.PersistentClient(
                path=str(self.root / "chroma"),
                settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False),
            )
        return self._client

    def collection(self, name: str) -> Any:
        return self._chroma().get_collection(name, embedding_function=_ChromaEmbeddingAdapter(self._embeddings))

    def collection_count(self, name: str) -> int:
        try:
            return int(self.collection(name).count())
        except Exception:
            return -1

    # --- snapshots ------------------------------------------------------------------------------------
    def load_policy(self, entry: PolicyEntry) -> ParsedPolicy:
        path = self.root / entry.snapshot
        if not path.exists():
            raise IndexMissingError(f"The index for {entry.policy_id!r} is incomplete: {REBUILD_HINT}.")
        return policy_from_json(json.loads(path.read_text(encoding="utf-8")))

    def load_sentence_vectors(self, entry: PolicyEntry) -> tuple[list[tuple[str, str]], np.ndarray] | None:
        path = self.root / entry.snapshot.replace(".json", ".sentences.npz")
        if not path.exists():
            return None
        data = np.load(path, allow_pickle=False)
        pairs = list(zip(data["paragraph_ids"].tolist(), data["sentences"].tolist(), strict=True))
        return pairs, data["vectors"]

    def load_bank_vectors(self, entry: PolicyEntry) -> tuple[list[ExampleQuestion], np.ndarray] | None:
        """The policy's question bank and its vectors; None when it was indexed without one."""
        path = self.root / _bank_file(entry.snapshot)
        if not entry.bank_hash or not path.exists():
            return None
        data = np.load(path, allow_pickle=False)
        ids, questions = data["paragraph_ids"].tolist(), data["questions"].tolist()
        verdicts = data["verdicts"].tolist() if "verdicts" in data else [""] * len(ids)
        examples = [
            ExampleQuestion(paragraph_id=pid, question=question, verdict=verdict or None)
            for pid, question, verdict in zip(ids, questions, verdicts, strict=True)
        ]
        return examples, data["vectors"]

    # --- writing --------------------------------------------------------------------------------------
    def is_current(self, policy: ParsedPolicy, bank_hash: str = "") -> bool:
        manifest = self._read_manifest()
        self.check_compatible(manifest)
        entry = manifest.get("policies", {}).get(policy.policy_id)
        if not entry or entry["content_hash"] != policy.content_hash:
            return False
        if entry.get("bank_hash", "") != bank_hash:
            return False
        if entry.get("parser_version") != PARSER_VERSION:
            return False
        return (self.root / entry["snapshot"]).exists() and self.collection_count(entry["collection"]) == entry[
            "chunks"
        ]

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
        manifest = self._read_manifest()
        self.check_compatible(manifest)
        built_with = f"{self.signature.embedding_model}|{self.signature.chunker_version}|{PARSER_VERSION}"
        bank_hash = bank[2] if bank is not None else ""
        key = hashlib.sha256(f"{policy.content_hash}|{built_with}|{bank_hash}".encode()).hexdigest()[:12]
        name = collection_name(policy.policy_id, key)
        client = self._chroma()
        with contextlib.suppress(Exception):
            client.delete_collection(name)
        collection = client.create_collection(
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
        atomic_write_text(self.root / snapshot, json.dumps(policy_to_json(policy), ensure_ascii=False))
        if sentences is not None:
            pairs, matrix = sentences
            np.savez(
                self.root / snapshot.replace(".json", ".sentences.npz"),
                paragraph_ids=np.array([pid for pid, _ in pairs], dtype=str),
                sentences=np.array([text for _, text in pairs], dtype=str),
                vectors=matrix.astype(np.float32),
            )
        if bank is not None:
            examples, bank_matrix, _ = bank
            np.savez(
                self.root / _bank_file(snapshot),
                paragraph_ids=np.array([example.paragraph_id for example in examples], dtype=str),
                questions=np.array([example.question for example in examples], dtype=str),
                verdicts=np.array([example.verdict or "" for example in examples], dtype=str),
                vectors=bank_matrix.astype(np.float32),
            )
        entry = PolicyEntry(
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
            bank_hash=bank_hash,
            bank_questions=len(bank[0]) if bank is not None else 0,
            numbering=policy.report.numbering if policy.report else "",
            text_coverage=round(policy.report.coverage, 4) if policy.report else 1.0,
        )
        manifest = self._read_manifest()
        manifest["format"] = MANIFEST_FORMAT
        manifest["signature"] = asdict(self.signature)
        manifest.setdefault("policies", {})[policy.policy_id] = asdict(entry)
        atomic_write_text(self.manifest_path, json.dumps(manifest, indent=2, ensure_ascii=False))
        self.collect_garbage()
        return entry

    def remove_all(self) -> None:
        """Forget every policy (used by --rebuild); collections are dropped after the manifest is cleared."""
        if self.manifest_path.exists():
            self.manifest_path.unlink()
        self.collect_garbage()

    def collect_garbage(self) -> None:
        """Drop collections and snapshots the manifest no longer points at (old versions, crashed builds)."""
        manifest = self._read_manifest()
        live = {entry["collection"] for entry in manifest.get("policies", {}).values()}
        live_files = set()
        for entry in manifest.get("policies", {}).values():
            live_files.add(entry["snapshot"])
            live_files.add(entry["snapshot"].replace(".json", ".sentences.npz"))
            live_files.add(_bank_file(entry["snapshot"]))
        client = self._chroma()
        for collection in client.list_collections():
            name = collection if isinstance(collection, str) else collection.name
            if name.startswith(COLLECTION_PREFIX) and name not in live:
                with contextlib.suppress(Exception):
                    client.delete_collection(name)
        policies_dir = self.root / "policies"
        if policies_dir.exists():
            for path in policies_dir.iterdir():
                if f"policies/{path.name}" not in live_files:
                    with contextlib.suppress(OSError):
                        path.unlink()


def _bank_file(snapshot: str) -> str:
    return snapshot.replace(".json", ".bank.npz")


def collection_name(policy_id: str, key: str) -> str:
    """Chroma wants 3-63 chars of [a-zA-Z0-9._-], starting and ending alphanumeric."""
    slug = re.sub(r"[^a-zA-Z0-9._-]+", "-", policy_id).strip("-._")[:40] or "policy"
    return f"{COLLECTION_PREFIX}{slug}-{key}"


def policy_to_json(policy: ParsedPolicy) -> dict[str, Any]:
    return asdict(policy)


def policy_from_json(data: dict[str, Any]) -> ParsedPolicy:
    paragraphs = tuple(
        Paragraph(
            id=item["id"],
            heading_path=tuple(item["heading_path"]),
            text=item["text"],
            span=(int(item["span"][0]), int(item["span"][1])),
            page=item.get("page"),
        )
        for item in data["paragraphs"]
    )
    contacts = tuple(
        Contact(
            role=item["role"],
            detail=item.get("detail", ""),
            paragraph_ids=tuple(item.get("paragraph_ids", ())),
        )
        for item in data.get("contacts", ())
    )
    return ParsedPolicy(
        policy_id=data["policy_id"],
        title=data["title"],
        source_path=data["source_path"],
        content_hash=data["content_hash"],
        paragraphs=paragraphs,
        contacts=contacts,
    )


def read_manifest(root: Path) -> dict[str, Any]:
    """The manifest without loading a model (for listings); {} when nothing is indexed."""
    return PolicyIndex(root, IndexSignature("", 0, ""))._read_manifest()
