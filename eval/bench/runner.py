"""`policyqa bench`: every figure in one run, in its own temporary POLICYQA_HOME (the user's index is never
touched). The steps, in order: load the model, ingest the bundled policy without and with its question
bank and a generated policy, time cold starts of the CLI and the app, ask the gold questions warm (ours and
the naive baseline), then grow a synthetic store through each size and measure queries against it."""

from __future__ import annotations

import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from core.config import PROJECT_ROOT, Settings
from core.errors import InputError
from eval.bench import cold, scale, synthetic
from eval.bench.machine import load_average, machine_info
from eval.bench.measure import peak_rss_mb, stage_breakdown, summarise
from eval.bench.report import NOTES, figures_with_targets

log = logging.getLogger(__name__)

DEFAULT_SIZES = (1000, 10_000, 100_000)
MAX_SIZE = 1_000_000
Progress = Callable[[str], None]


@dataclass(frozen=True)
class BenchPlan:
    """How much of each measurement to run; the defaults are the full bench (under 10 minutes on 2 cores)."""

    sizes: tuple[int, ...] = DEFAULT_SIZES
    cold_runs: int = 3  # fresh `policyqa ask` processes; the median is reported
    app_runs: int = 1  # fresh app processes (AppTest); 0 skips them
    ask_passes: int = 1  # warm passes over the gold questions
    max_gold: int | None = None  # None: every gold question of the bundled policy
    synthetic_paragraphs: int = 100  # a generated policy ingested with the real model
    scale_probe: scale.ScaleProbe = field(default_factory=scale.ScaleProbe)
    isolate_scale: bool = True  # measure each store size in a fresh process (its own memory)
    cold_command: tuple[str, ...] | None = None  # tests: a stand-in for `policyqa ask`


def parse_sizes(text: str) -> tuple[int, ...]:
    """'1000,10k,100000' -> (1000, 10000, 100000); one plain sentence for anything else."""
    sizes = []
    for part in (piece.strip().lower().replace("_", "") for piece in text.split(",")):
        multiplier = 1
        if part.endswith("k"):
            part, multiplier = part[:-1], 1000
        if not part.isdigit() or not 1 <= int(part) * multiplier <= MAX_SIZE:
            raise InputError(
                f"--sizes takes chunk counts from 1 to {MAX_SIZE:,} separated by commas, e.g. 1000,10000,100000 "
                f"(got {text!r})."
            )
        sizes.append(int(part) * multiplier)
    return tuple(sorted(set(sizes)))


def run_bench(
    settings: Settings,
    plan: BenchPlan = BenchPlan(),
    embeddings: Embeddings | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """{"machine", "figures", "targets", "notes"}; `settings.home` is replaced by a temporary folder."""
    say = progress or (lambda message: None)
    started = time.perf_counter()
    machine = machine_info()
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="policyqa-bench-") as folder:
        root = Path(folder)
        home = root / "home"
        bench_settings = settings.model_copy(update={"home": home})
        if embeddings is None:
            say("Loading the embedding model")
            from assistant.runtime import load_embeddings

            t0 = time.perf_counter()
            embeddings = load_embeddings(bench_settings)
            figures["model_load_s"] = round(time.perf_counter() - t0, 2)
        policy_id, policy_path = _bundled_policy(bench_settings)
        figures.update(_ingest(bench_settings, embeddings, policy_path, root, plan, say))
        questions = _gold_questions(bench_settings, policy_id, plan.max_gold)
        figures.update(_cold_starts(home, policy_id, questions[0], plan, say))
        figures.update(_warm_asks(bench_settings, embeddings, policy_id, questions, plan.ask_passes, say))
        figures.update(_scale(settings, embeddings, root / "scale", plan, say))
    figures["peak_rss_mb"] = peak_rss_mb(children=True)
    figures["bench_wall_s"] = round(time.perf_counter() - started, 1)
    machine["load_average_1m_at_end"] = load_average()
    return {"machine": machine, "figures": figures, "targets": figures_with_targets(figures), "notes": NOTES}


def _bundled_policy(settings: Settings) -> tuple[str, Path]:
    """The first policy in data/policies (POLICYQA_POLICIES_DIR) that has gold questions."""
    from ingest.pipeline import discover_policies, policy_id_for

    for path in discover_policies(settings.policies_dir):
        if (settings.gold_dir / f"{policy_id_for(path)}.jsonl").is_file():
            return policy_id_for(path), path
    raise InputError(
        f"No policy in {settings.policies_dir} has gold questions in {settings.gold_dir}: the bench asks them."
    )


def _gold_questions(settings: Settings, policy_id: str, limit: int | None) -> list[str]:
    from core.gold import load_gold

    questions = [q.question for q in load_gold(settings.gold_dir / f"{policy_id}.jsonl")]
    return questions[:limit] if limit else questions


def _ingest(
    settings: Settings, embeddings: Embeddings, policy_path: Path, root: Path, plan: BenchPlan, say: Progress
) -> dict[str, Any]:
    """Paragraphs a second from file to index (parse, chunk, embed, write): the bundled policy without its
    question bank, then with it (the bank re-indexes it), then a generated policy of plain rules."""
    from assistant.runtime import open_index
    from ingest.pipeline import ingest_policy, parse_file

    index, _ = open_index(settings, embeddings)
    out: dict[str, Any] = {}
    for label, bank in (("", ()), ("_with_bank", None)):
        say(f"Ingesting {policy_path.name} {'with its question bank' if bank is None else 'without a bank'}")
        t0 = time.perf_counter()
        report = ingest_policy(parse_file(policy_path, settings), index, embeddings, settings, bank=bank)
        seconds = time.perf_counter() - t0
        out[f"ingest_s{label}"] = round(seconds, 2)
        out[f"ingest_paragraphs_per_s{label}"] = round(report.paragraphs / seconds, 1)
        out["ingest_paragraphs"] = report.paragraphs
        if bank is None:
            out["ingest_bank_questions"] = report.bank_questions
    if plan.synthetic_paragraphs:
        say(f"Ingesting a generated policy of {plan.synthetic_paragraphs} paragraphs")
        path = root / "synthetic-staff-conduct-policy.txt"
        paragraphs = synthetic.synthetic_paragraphs(plan.synthetic_paragraphs)
        path.write_text(synthetic.policy_text("Synthetic Staff Conduct Policy", paragraphs), encoding="utf-8")
        other = settings.model_copy(update={"home": root / "synthetic-home"})
        synthetic_index, _ = open_index(other, embeddings)
        t0 = time.perf_counter()
        report = ingest_policy(parse_file(path, other), synthetic_index, embeddings, other, bank=())
        seconds = time.perf_counter() - t0
        out["ingest_paragraphs_per_s_synthetic"] = round(report.paragraphs / seconds, 1)
        out["ingest_synthetic_paragraphs"] = report.paragraphs
    return out


def _cold_starts(home: Path, policy_id: str, question: str, plan: BenchPlan, say: Progress) -> dict[str, Any]:
    env = cold.bench_env(home)
    out: dict[str, Any] = {}
    runs = []
    for number in range(plan.cold_runs):
        say(f"Cold start {number + 1}/{plan.cold_runs}: policyqa ask in a new process")
        runs.append(cold.time_cold_start(plan.cold_command or cold.cli_command(question, policy_id), env))
    if runs:
        out["cold_start_s"] = round(statistics.median(run.first_output_s for run in runs), 2)
        out["cold_start_runs_s"] = [run.first_output_s for run in runs]
        out["cold_start_exit_s"] = round(statistics.median(run.exit_s for run in runs), 2)
    apps = []
    for number in range(plan.app_runs):
        say(f"Cold start {number + 1}/{plan.app_runs}: the app's first answer in a new process (AppTest)")
        apps.append(cold.time_cold_start(cold.app_command(question, policy_id), env))
    if apps:
        out["cold_start_app_s"] = round(statistics.median(run.first_output_s for run in apps), 2)
        out["cold_start_app_runs_s"] = [run.first_output_s for run in apps]
    return out


def _warm_asks(
    settings: Settings,
    embeddings: Embeddings,
    policy_id: str,
    questions: Sequence[str],
    passes: int,
    say: Progress,
) -> dict[str, Any]:
    """Warm latency of Assistant.ask over the gold questions (after one first ask), its stages, and the
    naive LangChain-tutorial baseline on the same questions in the same process."""
    from assistant.assistant import Assistant
    from core.gold import load_gold
    from eval.api import build_naive

    say(f"Asking {len(questions)} gold questions x {passes} (warm)")
    assistant = Assistant(settings, embeddings=embeddings)
    t0 = time.perf_counter()
    assistant.ask(questions[0], policy=policy_id)
    out: dict[str, Any] = {"ask_first_ms": round((time.perf_counter() - t0) * 1000.0, 1)}
    latencies, timings = [], []
    for _ in range(passes):
        for question in questions:
            t0 = time.perf_counter()
            answer = assistant.ask(question, policy=policy_id)
            latencies.append((time.perf_counter() - t0) * 1000.0)
            timings.append(answer.timings_ms)
    out.update(_flat("ask", summarise(latencies)))
    stages = sorted({stage for timing in timings for stage in timing if stage != "total"})
    for stage, summary in stage_breakdown(timings, stages).items():
        out[f"ask_{stage}_p50_ms"] = summary["p50"]
        out[f"ask_{stage}_p95_ms"] = summary["p95"]
    out.update(_embed_threads(embeddings, questions[:30]))
    say("Asking the same questions of the naive baseline")
    gold = load_gold(settings.gold_dir / f"{policy_id}.jsonl")
    naive = build_naive(assistant, policy_id, gold)
    naive_latencies = [naive.answer(question).latency_ms for _ in range(passes) for question in questions]
    out.update(_flat("naive_ask", summarise(naive_latencies)))
    for quantile in ("p50", "p95"):
        ours, theirs = out[f"ask_{quantile}_ms"], out[f"naive_ask_{quantile}_ms"]
        out[f"ask_vs_naive_{quantile}_ratio"] = round(ours / theirs, 2) if theirs else None
    return out


def _embed_threads(embeddings: Embeddings, questions: Sequence[str]) -> dict[str, Any]:
    """One question's embedding with torch's default threads and with one: on a busy machine the default
    threads wait for each other (on 2 cores shared with other work, 10x slower). {} without torch."""
    if "torch" not in sys.modules or not questions:
        return {}
    import torch

    default = torch.get_num_threads()
    out: dict[str, Any] = {"torch_threads": default}
    try:
        for threads, key in ((default, "embed_query_p50_ms"), (1, "embed_query_p50_ms_1_thread")):
            torch.set_num_threads(threads)
            embeddings.embed_query(questions[0])
            latencies = []
            for question in questions:
                t0 = time.perf_counter()
                embeddings.embed_query(question)
                latencies.append((time.perf_counter() - t0) * 1000.0)
            out[key] = summarise(latencies)["p50"]
    finally:
        torch.set_num_threads(default)
    return out


def _scale(settings: Settings, embeddings: Embeddings, root: Path, plan: BenchPlan, say: Progress) -> dict[str, Any]:
    """Grow one synthetic store through the sizes (vectors composed from phrase embeddings) and measure
    each size: a per-policy ask, a store-wide search, memory."""
    if not plan.sizes:
        return {}
    from assistant.runtime import open_index

    store_settings = settings.model_copy(update={"home": root})
    index, _ = open_index(store_settings, embeddings)
    store = scale.SyntheticStore(index, synthetic.PhraseVectors(embeddings))
    out: dict[str, Any] = {}
    for size in sorted(plan.sizes):
        say(f"Store of {size:,} chunks: writing generated policies")
        out[f"scale_build_s_at_{size}"] = round(store.grow_to(size), 1)
        say(f"Store of {size:,} chunks: asking one policy and searching all of them")
        if plan.isolate_scale:
            result = scale.measure_in_subprocess(root, plan.scale_probe, cold.bench_env(root), PROJECT_ROOT)
        else:
            result = scale.measure_store(store_settings, embeddings, plan.scale_probe)
        out[f"policies_at_{size}"] = result["policies"]
        out.update(_flat("ask", result["ask"], f"_at_{size}"))
        out[f"ask_first_ms_at_{size}"] = result["first_ask_ms"]
        dense = result["stages"].get("dense_search")
        if dense:
            out[f"ask_dense_search_p95_ms_at_{size}"] = dense["p95"]
        out.update(_flat("storewide_search", result["storewide"], f"_at_{size}"))
        out[f"rss_mb_at_{size}"] = result["rss_mb_after_policy_asks"]
        out[f"peak_rss_mb_policy_at_{size}"] = result["peak_rss_mb_policy_asks"]
        out[f"rss_mb_after_storewide_at_{size}"] = result["rss_mb_after_storewide"]
        out[f"peak_rss_mb_at_{size}"] = result["peak_rss_mb"]
    return out


def _flat(prefix: str, summary: dict[str, float], suffix: str = "") -> dict[str, float]:
    """{"p50": 12.0, "n": 4} -> {"<prefix>_p50_ms<suffix>": 12.0, "<prefix>_n<suffix>": 4}."""
    return {
        f"{prefix}_{name}{'' if name == 'n' else '_ms'}{suffix}": value
        for name, value in summary.items()
        if name != "mean"
    }
