"""The `policyqa` CLI with the fake model, stopping for good at a chosen point so a test can SIGKILL it there.

Usage: python -m tests.ingest.killable_cli POINT MARKER -- ingest ARGS...; POINT is where it stops: `embed` (the
second batch embedded), `chroma` (after the first batch is added to Chroma), `files` (after a vector file is
written) or `switch` (just before the manifest is replaced); `slow` never stops but takes 0.2 s a batch, and
`none` runs as is. MARKER is a file written when it gets there.
With POLICYQA_TEST_REAL_MODEL=1 the packaged model embeds (only `embed` is then supported).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _stop(marker: str) -> None:
    Path(marker).write_text("stopped", encoding="utf-8")
    while True:
        time.sleep(60)


def _after(function: Callable[..., Any], marker: str, when: Callable[..., bool] = lambda *a, **k: True) -> Any:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = function(*args, **kwargs)
        if when(*args, **kwargs):
            _stop(marker)
        return result

    return wrapped


def install(point: str, marker: str) -> None:
    import assistant.runtime
    from tests.fakes import HashingEmbeddings

    if os.environ.get("POLICYQA_TEST_REAL_MODEL") == "1":
        from ingest.embeddings import SentenceTransformerEmbeddings
        from ingest.onnx_embeddings import OnnxEmbeddings

        assert point == "embed"
        calls = [0]

        def second_batch(*args: Any, **kwargs: Any) -> bool:
            calls[0] += 1
            return calls[0] == 2

        for backend in (SentenceTransformerEmbeddings, OnnxEmbeddings):  # whichever the settings load
            backend.embed_documents = _after(backend.embed_documents, marker, second_batch)  # type: ignore[method-assign]
        return
    embeddings = HashingEmbeddings()
    assistant.runtime.load_embeddings = lambda settings: embeddings  # type: ignore[assignment]
    if point == "embed":
        embeddings.embed_documents = _after(  # type: ignore[method-assign]
            embeddings.embed_documents, marker, lambda *a, **k: embeddings.calls == 2
        )
    elif point == "slow":
        embed = embeddings.embed_documents

        def slowly(texts: list[str]) -> list[list[float]]:
            time.sleep(0.2)
            return embed(texts)

        embeddings.embed_documents = slowly  # type: ignore[method-assign]
    elif point == "chroma":
        from chromadb.api.models.Collection import Collection

        Collection.add = _after(Collection.add, marker)  # type: ignore[method-assign]
    elif point == "files":
        import numpy

        numpy.savez = _after(numpy.savez, marker)
    elif point == "switch":
        replace = os.replace

        def stop_before_manifest(source: Any, target: Any, *args: Any, **kwargs: Any) -> None:
            if str(target).endswith("manifest.json"):
                _stop(marker)
            replace(source, target, *args, **kwargs)

        os.replace = stop_before_manifest
    elif point != "none":
        raise SystemExit(f"unknown point {point!r}")


if __name__ == "__main__":
    point, marker, separator, *args = sys.argv[1:]
    assert separator == "--"
    install(point, marker)
    from cli.main import main

    sys.argv = ["policyqa", *args]
    main()
