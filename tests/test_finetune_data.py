"""The tuned model's training data and batching: checked without training anything."""

from __future__ import annotations

import numpy as np

from core.config import Settings
from training.finetune_embeddings import TRAINING_DIR, Example, batches, load_examples, mine


class BagOfWords:
    """A stand-in encoder: word-count vectors over a fixed vocabulary, normalised."""

    vocabulary = ("email", "reply", "weekend", "friend", "pupil", "photo")

    def encode(self, texts: list[str], **_: object) -> np.ndarray:
        vectors = np.array([[t.lower().count(w) for w in self.vocabulary] for t in texts], dtype=float) + 1e-3
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_every_training_question_names_a_paragraph_of_its_policy() -> None:
    examples, windows = load_examples(TRAINING_DIR, Settings())
    assert len(examples) >= 1000
    assert {e.paragraph for e in examples} <= set(windows)
    assert len({e.question for e in examples}) == len(examples), "duplicate training questions"


def test_mining_picks_the_closest_window_and_a_negative_from_another_paragraph() -> None:
    windows = {
        "p:4.5": ["email rules", "reply to email at the weekend"],
        "p:7.4.2": ["friend pupil"],
        "q:1": ["email reply weekend"],  # another policy: never a negative
    }
    examples = [Example("must I reply to an email at the weekend", "p:4.5")]
    [(question, positive, negative)] = mine(BagOfWords(), examples, windows)
    assert positive == "reply to email at the weekend"
    assert negative == "friend pupil"


def test_a_batch_never_holds_the_same_paragraph_twice() -> None:
    triples = [(f"q{i}", f"para{i % 3}", None) for i in range(10)]
    out = batches(triples, size=4)
    assert sum(len(b) for b in out) == 10
    for batch in out:
        positives = [positive for _, positive, _ in batch]
        assert len(positives) == len(set(positives)) and len(batch) <= 4
