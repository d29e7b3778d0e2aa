"""The ONNX runtime of the packaged model: the same vectors and token counts as sentence-transformers, and the
setting that chooses between them."""

from __future__ import annotations

import numpy as np
import pytest

from core.config import DEFAULT_EMBEDDING_MODEL, TUNED_EMBEDDING_MODEL, Settings
from core.errors import PolicyQAError
from core.text import split_sentences
from ingest.embeddings import embedding_backend, load_embeddings
from ingest.onnx_embeddings import MAX_BATCH_TOKENS, OnnxEmbeddings, _batches
from tests.conftest import BUNDLED_POLICY, RIVERSIDE_POLICY


def _policy_sentences(count: int = 50) -> list[str]:
    """Real policy sentences of every length from both policies, the longest past the model's 256 tokens."""
    sentences = [
        s
        for path in (BUNDLED_POLICY, RIVERSIDE_POLICY)
        for s in split_sentences(path.read_text(encoding="utf-8"))
        if len(s) > 15
    ]
    picked = sentences[:: max(1, len(sentences) // (count - 2))][: count - 2]
    text = BUNDLED_POLICY.read_text(encoding="utf-8")
    return [*picked, text[:4000], "Can I give my password to IT?"]


@pytest.mark.parametrize(
    ("backend", "model", "installed", "expected"),
    [
        ("auto", DEFAULT_EMBEDDING_MODEL, True, "onnx"),
        ("auto", DEFAULT_EMBEDDING_MODEL, False, "torch"),
        ("auto", TUNED_EMBEDDING_MODEL, True, "torch"),
        ("auto", "/some/local/model", True, "torch"),
        ("onnx", DEFAULT_EMBEDDING_MODEL, True, "onnx"),
        ("torch", DEFAULT_EMBEDDING_MODEL, True, "torch"),
        (" ONNX ", DEFAULT_EMBEDDING_MODEL, True, "onnx"),
    ],
)
def test_the_backend_setting_picks_a_runtime_without_loading_one(
    monkeypatch: pytest.MonkeyPatch, backend: str, model: str, installed: bool, expected: str
) -> None:
    monkeypatch.setattr("ingest.embeddings.onnx_available", lambda: installed)
    assert embedding_backend(Settings(embedding_backend=backend, embedding_model=model)) == expected


def test_onnx_asked_for_a_model_it_cannot_serve_is_one_sentence() -> None:
    settings = Settings(embedding_backend="onnx", embedding_model=TUNED_EMBEDDING_MODEL)
    with pytest.raises(PolicyQAError, match=r"serves only 'all-MiniLM-L6-v2'.*POLICYQA_EMBEDDING_BACKEND=torch"):
        load_embeddings(settings)
    with pytest.raises(PolicyQAError, match="serves only"):
        OnnxEmbeddings(TUNED_EMBEDDING_MODEL)


def test_an_unknown_backend_is_one_sentence() -> None:
    with pytest.raises(PolicyQAError, match="auto, onnx or torch"):
        embedding_backend(Settings(embedding_backend="tensorflow"))


def test_batches_are_shortest_first_within_the_count_and_token_budget() -> None:
    lengths = [300, 5, 256, 40, 7, 256, 256, 12, 256, 256, 256, 256, 256, 256, 256, 256, 1]
    batches = _batches(lengths, batch_size=4, max_tokens=1024)
    assert sorted(p for batch in batches for p in batch) == list(range(len(lengths)))
    flat = [lengths[p] for batch in batches for p in batch]
    assert flat == sorted(lengths)
    for batch in batches:
        assert len(batch) <= 4
        assert len(batch) == 1 or len(batch) * max(lengths[p] for p in batch) <= 1024
    assert _batches([], 32, MAX_BATCH_TOKENS) == []


@pytest.fixture(scope="session")
def onnx_embeddings() -> OnnxEmbeddings:
    return OnnxEmbeddings(batch_size=8)


@pytest.mark.slow
def test_onnx_vectors_match_the_full_model(onnx_embeddings: OnnxEmbeddings, torch_embeddings) -> None:
    sentences = _policy_sentences()
    assert len(sentences) == 50
    onnx = np.asarray(onnx_embeddings.embed_documents(sentences))
    torch = np.asarray(torch_embeddings.embed_documents(sentences))
    assert onnx.shape == torch.shape == (50, onnx_embeddings.dimension) and onnx_embeddings.dimension == 384
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)
    cosines = (onnx * torch).sum(axis=1)
    # measured: mean 0.9995, lowest 0.9990 (int8 weights)
    assert cosines.mean() >= 0.99, f"mean cosine {cosines.mean():.4f}"
    assert cosines.min() >= 0.98, f"lowest cosine {cosines.min():.4f}: {sentences[int(cosines.argmin())]!r}"
    # and they rank passages alike: each sentence's nearest neighbour among the others is the same
    onnx_nearest = np.argsort(-(onnx @ onnx.T - 2 * np.eye(50)), axis=1)[:, 0]
    torch_nearest = np.argsort(-(torch @ torch.T - 2 * np.eye(50)), axis=1)[:, 0]
    assert (onnx_nearest == torch_nearest).mean() >= 0.9


@pytest.mark.slow
def test_onnx_counts_tokens_as_the_full_model_does(onnx_embeddings: OnnxEmbeddings, torch_embeddings) -> None:
    texts = [*_policy_sentences(), "", "naïve café — “quoted” emoji 🙂", "x" * 3000]
    assert [onnx_embeddings.count_tokens(t) for t in texts] == [torch_embeddings.count_tokens(t) for t in texts]
    assert max(onnx_embeddings.count_tokens(t) for t in texts) > onnx_embeddings.max_tokens, "none passes the limit"
    assert onnx_embeddings.max_tokens == torch_embeddings.max_tokens == 256


@pytest.mark.slow
def test_onnx_batching_equals_one_at_a_time(onnx_embeddings: OnnxEmbeddings) -> None:
    sentences = _policy_sentences(20)
    batched = np.asarray(onnx_embeddings.embed_documents(sentences))
    alone = np.asarray([onnx_embeddings.embed_query(s) for s in sentences])
    assert np.allclose(batched, alone, atol=1e-5)
    assert onnx_embeddings.embed_documents([]) == []


@pytest.mark.slow
def test_onnx_reads_only_the_first_256_tokens(onnx_embeddings: OnnxEmbeddings) -> None:
    long = BUNDLED_POLICY.read_text(encoding="utf-8")[:4000]
    assert onnx_embeddings.count_tokens(long) > 256
    assert np.allclose(
        onnx_embeddings.embed_query(long), onnx_embeddings.embed_query(long + " Something else entirely."), atol=1e-6
    )
    assert not np.allclose(onnx_embeddings.embed_query(long[:300]), onnx_embeddings.embed_query(long), atol=1e-3)
