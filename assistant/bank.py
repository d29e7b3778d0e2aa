"""A policy's optional question bank at answer time: example staff questions, each about one paragraph and
optionally labelled with a verdict. Retrieval uses it as a ranking signal; a labelled bank may also guide
which rule decides (`assistant/bank_guidance.py`). A policy without a bank never reaches this module."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from assistant.stages import BankNeighbour
from core.types import ExampleQuestion, Verdict

NEIGHBOURS_KEPT = 8  # the closest bank questions always handed on (the verdict model reads this many)
SIMILARITY_KEPT = 0.5  # ...and every other one at least this close (the bank's verdict vote reads those)


class QuestionBank:
    def __init__(self, examples: Sequence[ExampleQuestion], vectors: np.ndarray, positions: Mapping[str, int]) -> None:
        """`positions` maps a paragraph id to its place in the policy; questions about unknown ids are dropped."""
        at = np.asarray([positions.get(e.paragraph_id, -1) for e in examples])
        known = at >= 0
        self.positions = at[known]
        self.vectors = vectors.astype(np.float32)[known]
        kept = [e for e, keep in zip(examples, known, strict=True) if keep]
        self.paragraph_ids = [e.paragraph_id for e in kept]
        self.verdicts: list[Verdict | None] = [e.verdict for e in kept]
        self.labels_by_paragraph: dict[str, dict[str, float]] = {}
        for example in kept:
            if example.verdict is not None:
                counts = self.labels_by_paragraph.setdefault(example.paragraph_id, {})
                counts[example.verdict] = counts.get(example.verdict, 0.0) + 1.0

    def __len__(self) -> int:
        return len(self.positions)

    @property
    def labelled(self) -> bool:
        """Some bank questions carry a verdict (the verdict is optional in a bank line)."""
        return bool(self.labels_by_paragraph)

    def similarities(self, query_vector: np.ndarray) -> np.ndarray:
        # einsum, not `@`: a bank this size wakes OpenBLAS's thread pool, which then fights the embedding
        # model's threads for the two cores (warm ask p50 14 ms -> 100 ms); einsum stays on this thread.
        return np.einsum("ij,j->i", self.vectors, query_vector)

    def best_per_paragraph(self, similarities: np.ndarray, paragraphs: int) -> np.ndarray:
        """Per paragraph, the similarity of the closest bank question that it answers (0 for none)."""
        best = np.zeros(paragraphs, dtype=np.float32)
        np.maximum.at(best, self.positions, similarities)
        return best

    def neighbours(self, similarities: np.ndarray) -> tuple[BankNeighbour, ...]:
        """The closest questions, best first: the NEIGHBOURS_KEPT closest and any other at least
        SIMILARITY_KEPT close, which is every question a later stage reads."""
        kept = []
        for rank, index in enumerate(np.argsort(-similarities)):
            similarity = float(similarities[index])
            if rank >= NEIGHBOURS_KEPT and similarity < SIMILARITY_KEPT:
                break
            kept.append(BankNeighbour(self.paragraph_ids[index], self.verdicts[index], similarity))
        return tuple(kept)
