"""Small measuring tools: latency summaries, stage breakdowns, resident memory."""

from __future__ import annotations

import resource
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from eval.metrics import percentile

QUANTILES = {"p50": 0.50, "p95": 0.95, "p99": 0.99}


def summarise(latencies_ms: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99 (linear interpolation between ranks), mean and count of a list of latencies."""
    if not latencies_ms:
        return {"n": 0}
    out = {name: round(percentile(latencies_ms, q), 2) for name, q in QUANTILES.items()}
    out["mean"] = round(sum(latencies_ms) / len(latencies_ms), 2)
    out["n"] = len(latencies_ms)
    return out


def stage_breakdown(timings: Iterable[Mapping[str, float]], stages: Sequence[str]) -> dict[str, dict[str, float]]:
    """Per stage, the summary over the answers that ran it (a question refused before retrieval runs none)."""
    collected: dict[str, list[float]] = {stage: [] for stage in stages}
    for timing in timings:
        for stage in stages:
            if stage in timing:
                collected[stage].append(float(timing[stage]))
    return {stage: summarise(values) for stage, values in collected.items() if values}


def peak_rss_mb(children: bool = True) -> float:
    """The highest resident memory of this process and (if `children`) of the largest waited-for child.

    This process's own peak is /proc's VmHWM where there is one: Linux carries ru_maxrss over exec, so a
    child started by a 1.3 GB parent would report 1.3 GB from its first instruction."""
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # ru_maxrss is bytes on macOS, KiB on Linux
    own = _proc_status_mb("VmHWM:")
    if own is None:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale
    if not children:
        return round(own, 1)
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / scale
    return round(max(own, child), 1)


def current_rss_mb() -> float | None:
    """Resident memory now (Linux /proc), or None where that is not available."""
    return _proc_status_mb("VmRSS:")


def _proc_status_mb(field: str) -> float | None:
    status = Path("/proc/self/status")
    if not status.exists():
        return None
    for line in status.read_text(encoding="utf-8").splitlines():
        if line.startswith(field):
            return round(int(line.split()[1]) / 1024, 1)
    return None
