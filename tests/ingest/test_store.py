from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.runtime import open_index
from core.config import Settings
from core.errors import IndexMismatchError
from core.types import SourceDocument
from ingest.pipeline import ingest_policy, parse_document, parse_file
from tests.conftest import BUNDLED_POLICY

SMALL = "1. Scope\n1.1 This applies to all staff.\n2. Email\n2.1 Staff must use school email.\n"


def _index(settings: Settings, embeddings):
    return open_index(settings, embeddings)


def test_reingesting_an_unchanged_policy_is_a_no_op(settings: Settings, fake_embeddings) -> None:
    index, embeddings = _index(settings, fake_embeddings)
    policy = parse_file(BUNDLED_POLICY, settings)
    first = ingest_policy(policy, index, embeddings, settings)
    collection = index.entry(policy.policy_id).collection
    ids_before = sorted(index.collection(collection).get()["ids"])
    calls = fake_embeddings.calls
    second = ingest_policy(parse_file(BUNDLED_POLICY, settings), index, embeddings, settings)
    assert not first.unchanged and second.unchanged
    assert fake_embeddings.calls == calls, "an unchanged policy must not be embedded again"
    assert second.chunks == first.chunks == index.collection_count(collection)
    assert sorted(index.collection(collection).get()["ids"]) == ids_before


def test_changed_policy_replaces_its_chunks(settings: Settings, fake_embeddings) -> None:
    index, embeddings = _index(settings, fake_embeddings)
    old = parse_document(SourceDocument("p.txt", SMALL), "p")
    ingest_policy(old, index, embeddings, settings)
    old_collection = index.entry("p").collection
    new = parse_document(SourceDocument("p.txt", SMALL + "3. Phones\n3.1 Phones away in class.\n"), "p")
    ingest_policy(new, index, embeddings, settings)
    entry = index.entry("p")
    assert entry.collection != old_collection and entry.paragraphs == 3
    assert index.collection_count(old_collection) == -1, "the old version is dropped after the switch"
    assert [p.id for p in index.load_policy(entry).paragraphs] == ["1.1", "2.1", "3.1"]


def test_crash_mid_ingest_leaves_the_previous_index_serving(
    settings: Settings, fake_embeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    index, embeddings = _index(settings, fake_embeddings)
    ingest_policy(parse_document(SourceDocument("p.txt", SMALL), "p"), index, embeddings, settings)
    before = index.entry("p")
    changed = parse_document(SourceDocument("p.txt", SMALL + "3. Phones\n3.1 Phones away.\n"), "p")

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("ingest.store.atomic_write_text", explode)
    with pytest.raises(RuntimeError):
        ingest_policy(changed, index, embeddings, settings)
    monkeypatch.undo()
    after = index.entry("p")
    assert after == before
    assert index.collection_count(after.collection) == after.chunks
    assert [p.id for p in index.load_policy(after).paragraphs] == ["1.1", "2.1"]
    ingest_policy(changed, index, embeddings, settings)  # the next run succeeds and cleans up
    assert index.entry("p").paragraphs == 3


def test_index_built_with_another_model_is_refused_with_the_rebuild_command(
    settings: Settings, fake_embeddings
) -> None:
    index, embeddings = _index(settings, fake_embeddings)
    ingest_policy(parse_document(SourceDocument("p.txt", SMALL), "p"), index, embeddings, settings)
    manifest_path = settings.index_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["signature"]["embedding_model"] = "some-other-model"
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatchError, match="policyqa ingest --rebuild"):
        _index(settings, fake_embeddings)


def test_manifest_records_model_dimension_chunker_distance_backend_and_hash(
    settings: Settings, fake_embeddings
) -> None:
    settings = settings.model_copy(update={"embedding_backend": "onnx"})
    index, embeddings = _index(settings, fake_embeddings)
    policy = parse_document(SourceDocument("p.txt", SMALL), "p")
    ingest_policy(policy, index, embeddings, settings)
    manifest = json.loads((settings.index_dir / "manifest.json").read_text())
    assert manifest["signature"] == {
        "embedding_model": "all-MiniLM-L6-v2",
        "dimension": 64,
        "chunker_version": "paragraph-windows-1",
        "distance": "cosine",
        "embedding_backend": "onnx",
    }
    assert manifest["policies"]["p"]["content_hash"] == policy.content_hash


def test_index_lives_under_policyqa_home(settings: Settings, fake_embeddings, isolated_home: Path) -> None:
    index, embeddings = _index(settings, fake_embeddings)
    ingest_policy(parse_document(SourceDocument("p.txt", SMALL), "p"), index, embeddings, settings)
    assert (isolated_home / "index" / "manifest.json").exists()
    assert (isolated_home / "index" / "chroma").is_dir()


def test_a_new_parser_version_reparses_an_unchanged_policy(
    settings: Settings, fake_embeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    index, embeddings = _index(settings, fake_embeddings)
    policy = parse_document(SourceDocument("p.txt", SMALL), "p")
    ingest_policy(policy, index, embeddings, settings)
    monkeypatch.setattr("ingest.store.PARSER_VERSION", "next")
    report = ingest_policy(policy, index, embeddings, settings)
    assert not report.unchanged and index.entry("p").parser_version == "next"


def test_signature_uses_the_known_dimension_without_embedding(settings: Settings, fake_embeddings) -> None:
    from ingest.pipeline import signature_for

    def refuse(text: str) -> list[float]:
        raise AssertionError("the model was called for a dimension it already reports")

    fake_embeddings.embed_query = refuse  # type: ignore[method-assign]
    assert signature_for(fake_embeddings, settings).dimension == 64


def test_an_index_built_on_another_backend_is_refused_with_the_rebuild_command(
    settings: Settings, fake_embeddings
) -> None:
    """torch and onnx vectors differ slightly, so mixing them in one index is refused rather than blended."""
    torch_settings = settings.model_copy(update={"embedding_backend": "torch"})
    index, embeddings = _index(torch_settings, fake_embeddings)
    ingest_policy(parse_document(SourceDocument("p.txt", SMALL), "p"), index, embeddings, torch_settings)
    onnx_settings = settings.model_copy(update={"embedding_backend": "onnx"})
    refusal = r"embedding_backend 'torch' \(now 'onnx'\).*policyqa ingest --rebuild"
    with pytest.raises(IndexMismatchError, match=refusal):
        _index(onnx_settings, fake_embeddings)
    _index(torch_settings, fake_embeddings)  # the backend that built it still opens it


def test_an_index_from_before_the_backend_was_recorded_counts_as_torch(settings: Settings, fake_embeddings) -> None:
    torch_settings = settings.model_copy(update={"embedding_backend": "torch"})
    index, embeddings = _index(torch_settings, fake_embeddings)
    ingest_policy(parse_document(SourceDocument("p.txt", SMALL), "p"), index, embeddings, torch_settings)
    manifest_path = settings.index_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    del manifest["signature"]["embedding_backend"]
    manifest_path.write_text(json.dumps(manifest))
    assert _index(torch_settings, fake_embeddings)[0].entry("p").paragraphs == 2
    with pytest.raises(IndexMismatchError, match="embedding_backend 'torch'"):
        _index(settings.model_copy(update={"embedding_backend": "onnx"}), fake_embeddings)


def test_a_changed_backend_is_not_reported_as_already_indexed(settings: Settings, fake_embeddings) -> None:
    from ingest.pipeline import already_indexed

    torch_settings = settings.model_copy(update={"embedding_backend": "torch"})
    index, embeddings = _index(torch_settings, fake_embeddings)
    policy = parse_document(SourceDocument("p.txt", SMALL), "p")
    ingest_policy(policy, index, embeddings, torch_settings)
    assert already_indexed([policy], torch_settings) is not None
    assert already_indexed([policy], settings.model_copy(update={"embedding_backend": "onnx"})) is None
