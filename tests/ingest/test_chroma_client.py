from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from core.config import Settings
from core.errors import PolicyQAError
from ingest.chroma_client import chroma_client
from ingest.store import IndexSignature, PolicyIndex
from tests.chroma_server import chroma_server_fixture  # noqa: F401 - the chroma_server fixture


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_threads_opening_one_folder_at_once_share_one_client(tmp_path: Path) -> None:
    clients: list[object] = []
    barrier = threading.Barrier(8)

    def open_it() -> None:
        barrier.wait()
        clients.append(chroma_client(tmp_path / "chroma"))

    threads = [threading.Thread(target=open_it) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(clients) == 8 and len({id(client) for client in clients}) == 1
    assert chroma_client(tmp_path / "other") is not clients[0]


def test_no_server_at_the_url_is_one_sentence_saying_what_to_do(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    index = PolicyIndex(tmp_path / "index", IndexSignature("m", 3, "c"), chroma_url=url)
    with pytest.raises(PolicyQAError) as caught:
        index.collection("anything")
    message = str(caught.value)
    assert message.startswith(f"No Chroma server answers at {url}: start it with `chroma run --path ")
    assert "unset POLICYQA_CHROMA_URL" in message and "\n" not in message
    assert not (tmp_path / "index" / "chroma").exists(), "server mode never falls back to the embedded store"


@pytest.mark.parametrize(
    "url", ["127.0.0.1:8000", "ftp://host:8000", "http://:8000", "http://host:99999", "http://h/x"]
)
def test_a_malformed_url_is_refused_with_an_example(tmp_path: Path, url: str) -> None:
    with pytest.raises(PolicyQAError, match="POLICYQA_CHROMA_URL"):
        chroma_client(tmp_path, url)


def test_the_setting_reaches_the_index(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake_embeddings) -> None:
    from assistant.runtime import open_index

    monkeypatch.setenv("POLICYQA_CHROMA_URL", "http://127.0.0.1:8123")
    index, _ = open_index(Settings(), fake_embeddings, check=False)
    assert index.chroma_url == "http://127.0.0.1:8123"


@pytest.mark.slow  # starts a Chroma server
def test_two_indexes_on_one_server_keep_their_own_collections(
    chroma_server: str, tmp_path: Path, fake_embeddings
) -> None:
    """Each index drops the collections its manifest does not name: on a shared server it must see only its own."""
    from assistant.runtime import open_index
    from core.types import SourceDocument
    from ingest.pipeline import ingest_policy, parse_document

    homes = {"a": "1. Phones\n1.1 Staff must not use phones.\n", "b": "1. Email\n1.1 Staff must use school email.\n"}
    for name, text in homes.items():
        settings = Settings(home=tmp_path / name, chroma_url=chroma_server, questions_dir=tmp_path / "no-banks")
        index, embeddings = open_index(settings, fake_embeddings)
        ingest_policy(parse_document(SourceDocument("p.txt", text), "p"), index, embeddings, settings)
    for name in homes:
        index, _ = open_index(Settings(home=tmp_path / name, chroma_url=chroma_server), fake_embeddings)
        entry = index.entry("p")
        assert index.collection_count(entry.collection) == entry.chunks == 1, f"index {name} lost its collection"
    assert not (tmp_path / "a" / "index" / "chroma").exists()
