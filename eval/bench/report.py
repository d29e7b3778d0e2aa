"""The bench's targets, its method notes and its readable table. Targets are reported, never asserted."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table


@dataclass(frozen=True)
class Target:
    figure: str
    bound: float
    at_most: bool  # False: at least
    unit: str

    @property
    def text(self) -> str:
        return f"{'<=' if self.at_most else '>='} {self.bound:g} {self.unit}"

    def met(self, value: float) -> bool:
        compare: Callable[[float, float], bool] = operator.le if self.at_most else operator.ge
        return compare(value, self.bound)


TARGETS = (
    Target("cold_start_s", 4.0, True, "s"),
    Target("ask_p95_ms", 50.0, True, "ms"),
    Target("ask_p95_ms_at_100000", 150.0, True, "ms"),
    Target("ingest_paragraphs_per_s", 150.0, False, "paragraphs/s"),
    Target("peak_rss_mb_at_100000", 1200.0, True, "MB"),
)

NOTES = (
    "Cold start: wall time from starting a new process to its first line on stdout, median of the runs; "
    "the CLI is `python -m cli.main ask` (what the `policyqa` script runs) on the bundled policy, indexed "
    "with its question bank; the app is ui/app.py under Streamlit's AppTest (same script and caches, no "
    "server or browser), timed to the first rendered answer.",
    "Ingest: parse + chunk + embed + write, paragraphs a second; without a bank the policy still embeds "
    "its chunks and every sentence; with the bank it also embeds the bank's questions.",
    "Warm ask: Assistant.ask over every gold question of the bundled policy, after one first ask; stage "
    "figures are the answer's timings_ms (embed, dense_search, lexical_search, fusion, rerank come from "
    "retrieval). naive_ask_* is the LangChain-tutorial baseline (eval/systems.py) on the same questions.",
    "Scale (*_at_<size>): generated policies of up to 1,000 one-paragraph chunks each in one index. Their "
    "vectors are NOT embedded: each vocabulary phrase is embedded once with the real model and a sentence's "
    "vector is the unit weighted sum of its phrases plus seeded noise; questions are embedded for real. "
    "Only query-side latency and memory are measured, each size in a fresh process.",
    "Filter: PolicyQA keeps one Chroma collection per policy, so asking one policy (ask_*_at_<size>) "
    "searches that policy's collection only; there is no metadata filter. The store-wide search "
    "(storewide_search_*_at_<size>) asks every collection for its 30 nearest chunks and merges them (the "
    "question's embedding not included): what searching without a policy costs in this design.",
    "embed_query_p50_ms(_1_thread): one question embedded with torch's default threads and with one; a "
    "large gap means the cores are contended (other processes), and every latency above is inflated.",
    "peak_rss_mb: the peak resident memory (VmHWM) of the bench process, or ru_maxrss of its largest child "
    "if higher (it includes building the 100k store); peak_rss_mb_at_<size> is the "
    "measuring process of that size alone (model, answers, then every collection loaded by the store-wide "
    "search); peak_rss_mb_policy_at_<size> the same before the store-wide search; rss_mb_* are resident now.",
)


def figures_with_targets(figures: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each target whose figure was measured: the value, the target and whether it is met."""
    out = {}
    for target in TARGETS:
        value = figures.get(target.figure)
        if isinstance(value, int | float):
            out[target.figure] = {"value": value, "target": target.text, "met": target.met(float(value))}
    return out


def render(result: dict[str, Any], console: Console) -> None:
    """The machine, then every figure with its target where it has one."""
    machine = result["machine"]
    console.print(
        f"[bold]Machine:[/] {machine['cores']} cores ({machine['usable_cores']} usable), "
        f"{machine['memory_gb']} GB, {escape(str(machine['cpu_model']))}, Python {machine['python']}, "
        f"{escape(str(machine['os']))}; load {machine['load_average_1m']} at start, "
        f"{machine.get('load_average_1m_at_end')} at end",
        highlight=False,
    )
    targets = result["targets"]
    table = Table(title="PolicyQA bench")
    table.add_column("figure", style="bold")
    table.add_column("value", justify="right")
    table.add_column("target")
    for name, value in result["figures"].items():
        target = targets.get(name)
        verdict = ""
        if target is not None:
            verdict = f"[green]{target['target']} met[/]" if target["met"] else f"[red]{target['target']} missed[/]"
        table.add_row(escape(name), escape(_format(value)), verdict)
    console.print(table)
    for note in result["notes"]:
        console.print(f"[dim]- {escape(note)}[/]", highlight=False)


def _format(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list):
        return ", ".join(_format(item) for item in value)
    return str(value)
