"""Query latency and memory as the store grows: many generated policies in one PolicyQA index.

PolicyQA keeps one Chroma collection per policy, and every question names its policy. So a "policy filter"
is not a metadata filter inside one big collection: it is the choice of collection, and the per-policy
query never touches the other policies' vectors. What the store's size can still cost that query is the
shared parts: the manifest read on each ask, Chroma's client and caches, the process's memory. A search
across the whole store has no index of its own: it asks every collection for its nearest chunks and merges
them (`storewide_search`), so it grows with the number of policies.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.retrieval import RETRIEVAL_STAGES
from core.config import Settings
from core.errors import PolicyQAError
from eval.bench import synthetic
from eval.bench.measure import current_rss_mb, peak_rss_mb, stage_breakdown, summarise
from ingest.store import PolicyEntry, PolicyIndex

log = logging.getLogger(__name__)

CHUNKS_PER_POLICY = 1000
STOREWIDE_LIMIT = 30  # as many chunks as the per-policy dense search asks its collection for
WRITE_BATCH = 500


def policy_sizes(size: int, per_policy: int = CHUNKS_PER_POLICY) -> list[int]:
    """Chunks per policy for a store of `size` chunks: full policies of `per_policy`, then the rest."""
    if size < 1:
        raise ValueError("a store needs at least one chunk")
    full, rest = divmod(size, per_policy)
    return [per_policy] * full + ([rest] if rest else [])


def policy_id(number: int) -> str:
    return f"synthetic-{number:03d}"


class SyntheticStore:
    """A PolicyIndex grown to a given number of generated chunks; policies already right are kept."""

    def __init__(self, index: PolicyIndex, vectors: synthetic.PhraseVectors) -> None:
        self.index = index
        self.vectors = vectors
        self.written: dict[str, int] = {}

    def grow_to(self, size: int) -> float:
        """Write what is missing for `size` chunks (vectors composed, never embedded); seconds taken."""
        started = time.perf_counter()
        wanted = {policy_id(number): count for number, count in enumerate(policy_sizes(size))}
        for pid, count in wanted.items():
            if self.written.get(pid) != count:
                self._write(pid, count)
        for pid in set(self.written) - set(wanted):  # a smaller size after a larger one
            self._forget(pid)
        return time.perf_counter() - started

    def _write(self, pid: str, count: int) -> None:
        paragraphs = synthetic.synthetic_paragraphs(count, seed=pid)
        policy = synthetic.parsed_policy(pid, paragraphs)
        chunk_vectors, sentence_vectors = self.vectors.paragraphs(paragraphs, seed=pid)
        pairs = [(p.id, s.text) for p in paragraphs for s in p.sentences]
        self.index.replace_policy(
            policy,
            synthetic.chunks_for(policy),
            chunk_vectors.tolist(),
            sentences=(pairs, sentence_vectors),
            batch_size=WRITE_BATCH,
        )
        self.written[pid] = count

    def _forget(self, pid: str) -> None:
        manifest = json.loads(self.index.manifest_path.read_text(encoding="utf-8"))
        manifest["policies"].pop(pid, None)
        self.index.manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        self.index.collect_garbage()
        self.written.pop(pid)


@dataclass(frozen=True)
class ScaleProbe:
    """What to ask of a store: warm per-policy questions and store-wide searches."""

    questions: int = 50
    passes: int = 1
    storewide_questions: int = 10


def measure_store(settings: Settings, embeddings: Embeddings, probe: ScaleProbe) -> dict[str, Any]:
    """Latency of asking one policy of the store, of searching all of it, and this process's memory."""
    from assistant.assistant import Assistant

    assistant = Assistant(settings, embeddings=embeddings)
    entries = assistant.policies()
    if not entries:
        raise PolicyQAError(f"No synthetic store under {settings.index_dir}: build one first.")
    target = min(entries, key=lambda entry: entry.policy_id).policy_id
    questions = synthetic.synthetic_questions(probe.questions)
    started = time.perf_counter()
    assistant.ask(questions[0], policy=target)
    first_ms = (time.perf_counter() - started) * 1000.0
    latencies, timings = [], []
    for _ in range(probe.passes):
        for question in questions:
            started = time.perf_counter()
            answer = assistant.ask(question, policy=target)
            latencies.append((time.perf_counter() - started) * 1000.0)
            timings.append(answer.timings_ms)
    rss_policy, peak_policy = current_rss_mb(), peak_rss_mb(children=False)
    storewide = storewide_latencies(assistant.index, entries, embeddings, questions[: probe.storewide_questions])
    return {
        "policies": len(entries),
        "chunks": sum(entry.chunks for entry in entries),
        "queried_policy_chunks": next(entry.chunks for entry in entries if entry.policy_id == target),
        "first_ask_ms": round(first_ms, 2),
        "ask": summarise(latencies),
        "stages": stage_breakdown(timings, RETRIEVAL_STAGES),
        "storewide": summarise(storewide),
        "rss_mb_after_policy_asks": rss_policy,
        "peak_rss_mb_policy_asks": peak_policy,  # loading the model and asking one policy
        "rss_mb_after_storewide": current_rss_mb(),
        "peak_rss_mb": peak_rss_mb(children=False),  # ... and searching every collection
    }


def storewide_latencies(
    index: PolicyIndex, entries: Sequence[PolicyEntry], embeddings: Embeddings, questions: Sequence[str]
) -> list[float]:
    """Milliseconds per question to search every policy's collection and merge (after one warm-up that
    loads each collection); the question's embedding is not timed here (it is ask's `embed` stage)."""
    collections = [index.collection(entry.collection) for entry in entries]
    vectors = [embeddings.embed_query(question) for question in questions]
    if vectors:
        storewide_search(collections, vectors[0])
    latencies = []
    for vector in vectors:
        started = time.perf_counter()
        storewide_search(collections, vector)
        latencies.append((time.perf_counter() - started) * 1000.0)
    return latencies


def storewide_search(collections: Sequence[Any], query_vector: Sequence[float]) -> list[tuple[float, str, str]]:
    """The store's nearest chunks as (cosine distance, policy id, paragraph id): each collection's nearest,
    merged. Chroma cannot search across collections, so this is what "no policy filter" costs here."""
    vector = np.asarray(query_vector, dtype=np.float32).tolist()
    hits: list[tuple[float, str, str]] = []
    for collection in collections:
        count = int(collection.count())
        if count == 0:
            continue
        result = collection.query(
            query_embeddings=[vector], n_results=min(STOREWIDE_LIMIT, count), include=["metadatas", "distances"]
        )
        owner = str((collection.metadata or {}).get("policy_id", collection.name))
        for metadata, distance in zip(result["metadatas"][0], result["distances"][0], strict=True):
            hits.append((float(distance), owner, str(metadata["paragraph_id"])))
    return sorted(hits)[:STOREWIDE_LIMIT]


def measure_in_subprocess(home: Path, probe: ScaleProbe, env: dict[str, str], cwd: Path) -> dict[str, Any]:
    """measure_store in a fresh process, so its memory is the store's and the model's alone."""
    command = [
        sys.executable,
        "-m",
        "eval.bench.scale_worker",
        str(home),
        str(probe.questions),
        str(probe.passes),
        str(probe.storewide_questions),
    ]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=600, check=False)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise PolicyQAError(f"The scale measurement failed (exit {done.returncode}): {tail}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))
