"""The opt-in tuned embedding model (built by `make model`) resolves to its folder and brings its own floor."""

from core.config import DEFAULT_EMBEDDING_MODEL, TUNED_EMBEDDING_MODEL, Settings
from ingest.embeddings import resolve_model_path


def test_tuned_model_resolves_to_its_built_folder() -> None:
    path = resolve_model_path(TUNED_EMBEDDING_MODEL)
    assert path.name == TUNED_EMBEDDING_MODEL and (path / "model.safetensors").is_file()
    assert (path / "modules.json").is_file() and (path / "tokenizer.json").is_file()


def test_each_model_uses_its_own_calibrated_floor(isolated_home) -> None:
    from assistant.assistant import (
        CALIBRATED_BANK_FLOORS,
        CALIBRATED_FLOORS,
        DEFAULT_BANK_RELEVANCE_FLOOR,
        DEFAULT_RELEVANCE_FLOOR,
        Assistant,
    )

    assert Assistant(Settings(embedding_model=DEFAULT_EMBEDDING_MODEL)).relevance_floor == DEFAULT_RELEVANCE_FLOOR
    tuned = Assistant(Settings(embedding_model=TUNED_EMBEDDING_MODEL)).relevance_floor
    assert tuned == CALIBRATED_FLOORS[TUNED_EMBEDDING_MODEL] != DEFAULT_RELEVANCE_FLOOR
    packaged = Assistant(Settings(embedding_model=DEFAULT_EMBEDDING_MODEL))
    assert packaged.bank_relevance_floor == DEFAULT_BANK_RELEVANCE_FLOOR
    assert (
        Assistant(Settings(embedding_model=TUNED_EMBEDDING_MODEL)).bank_relevance_floor
        == (CALIBRATED_BANK_FLOORS[TUNED_EMBEDDING_MODEL])
    )
    overridden = Assistant(Settings(embedding_model=TUNED_EMBEDDING_MODEL, not_covered_threshold=0.1))
    assert overridden.relevance_floor == overridden.bank_relevance_floor == 0.1


def test_the_tuned_model_is_built_outside_the_source_tree() -> None:
    from core.config import PROJECT_ROOT

    path = resolve_model_path(TUNED_EMBEDDING_MODEL)
    assert PROJECT_ROOT not in path.resolve().parents
