"""One Chroma client per index location per process, embedded (a folder) or a server (a URL).

Chroma keeps one engine per folder in a process-wide table that is not safe to fill from several threads:
eight Streamlit sessions opening the index at once raised `Could not connect to tenant default_tenant`,
`'RustBindingsAPI' object has no attribute 'bindings'` or a `KeyError` in most of their first asks. Every
client is therefore built here, once, under a lock, and shared. Telemetry is off for both kinds.

On a server, each index folder gets its own Chroma database (named from the folder's path): an index drops
the collections its manifest no longer names, so two indexes sharing one database (a second school, a
corpus eval's scratch index) would delete each other's.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from core.errors import PolicyQAError

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"http": 8000, "https": 443}

_lock = threading.Lock()
_clients: dict[tuple[str, str], Any] = {}


def chroma_client(path: Path, url: str | None = None) -> Any:
    """The shared client for a Chroma server at `url` when given, else for the embedded store in `path`."""
    key = (url.rstrip("/"), database_name(path)) if url else ("", str(path.resolve()))
    client = _clients.get(key)
    if client is not None:
        return client
    with _lock:
        client = _clients.get(key)
        if client is None:
            client = _http_client(url, path) if url else _persistent_client(path)
            _clients[key] = client
    return client


def forget_client(path: Path, url: str | None = None) -> None:
    """Drop this process's client for `path` (or the server at `url`), so the next use opens it afresh: after
    a damaged store is set aside, the cached client still points at the old one."""
    key = (url.rstrip("/"), database_name(path)) if url else ("", str(path.resolve()))
    with _lock:
        _clients.pop(key, None)


def _settings(**server: Any) -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False, **server)


def _persistent_client(path: Path) -> Any:
    import chromadb

    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=_settings())


def _http_client(url: str, path: Path) -> Any:
    import chromadb

    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.path.strip("/"):
        raise PolicyQAError(
            f"POLICYQA_CHROMA_URL {url!r} is not a Chroma server address: give one like http://127.0.0.1:8000, "
            "or unset it to use the embedded index."
        )
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError as exc:
        raise PolicyQAError(f"POLICYQA_CHROMA_URL {url!r} has no valid port: give one like :8000.") from exc
    host, ssl, database = parts.hostname, parts.scheme == "https", database_name(path)
    try:
        chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=_settings()).heartbeat()
    except Exception as exc:  # chromadb raises ValueError or httpx errors; all mean nobody answers
        folder = path.with_name("chroma-server")
        raise PolicyQAError(
            f"No Chroma server answers at {url}: start it with `chroma run --path {folder} --port {port}` "
            "or unset POLICYQA_CHROMA_URL."
        ) from exc
    admin = chromadb.AdminClient(
        _settings(
            chroma_api_impl="chromadb.api.fastapi.FastAPI",
            chroma_server_host=host,
            chroma_server_http_port=port,
            chroma_server_ssl_enabled=ssl,
        )
    )
    try:
        admin.get_database(database)
    except Exception:  # not there yet (another process may be creating it at this moment)
        with contextlib.suppress(Exception):
            admin.create_database(database)
        admin.get_database(database)
    log.info("using database %s of the Chroma server at %s", database, url)
    return chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=_settings(), database=database)


def database_name(path: Path) -> str:
    """The server database for the index in `path`: every process using that folder uses the same one."""
    return "policyqa-" + hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
