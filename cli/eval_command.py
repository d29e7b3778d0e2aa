"""`policyqa eval`: the gold-set evaluation, by policy on a corpus, the floor calibration and gold checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cli.output import console, errors, fail, labelled_progress, load_settings
from core.errors import PolicyQAError


def evaluate_command(
    gold: Annotated[Path | None, typer.Option(help="Gold JSONL (default: data/gold/<policy>.jsonl).")] = None,
    policy: Annotated[str | None, typer.Option(help="Policy id to evaluate.")] = None,
    split: Annotated[str | None, typer.Option(help="Only this split: dev or test.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print metrics as JSON.")] = False,
    report: Annotated[Path | None, typer.Option(help="Write report.html and report.md into this folder.")] = None,
    compare: Annotated[str | None, typer.Option(help="Also run a baseline: `naive`.")] = None,
    check_gold: Annotated[Path | None, typer.Option("--check-gold", help="Only validate this gold file.")] = None,
    calibrate: Annotated[bool, typer.Option(help="Print the not-covered floor table for the split.")] = False,
    corpus: Annotated[
        Path | None,
        typer.Option(help="Evaluate by policy: each corpus policy with a gold set, fresh index, no question bank."),
    ] = None,
) -> None:
    """Score the assistant on a gold question set (retrieval, citations, verdicts, abstention, latency)."""
    settings = load_settings()
    if compare not in (None, "naive"):
        fail(f"Unknown baseline {compare!r}: the one baseline is `naive`.")
    if split not in (None, "dev", "test"):
        fail(f"Unknown split {split!r}: use dev or test.")
    try:
        if check_gold is not None:
            _check_gold(settings, check_gold, policy)
            return
        if calibrate:
            _calibrate(settings, gold, policy, split or "dev")
            return
        if corpus is not None:
            _run_corpus_eval(settings, corpus, split, policy, as_json)
            return
        _run_eval(settings, gold, policy, split, as_json, report, compare == "naive")
    except PolicyQAError as exc:
        fail(str(exc))


def _run_corpus_eval(settings, corpus: Path, split: str | None, policy: str | None, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    from rich.table import Table

    from assistant.runtime import load_embeddings
    from eval import invariants
    from eval.corpus_eval import HEADLINE, macro, run_corpus_eval, to_json

    embeddings = load_embeddings(settings)
    with labelled_progress("answering") as progress:
        runs = run_corpus_eval(corpus, settings, embeddings, split, (policy,) if policy else (), progress)
    if as_json:
        print(json.dumps(to_json(runs), indent=2, default=str))
        return
    table = Table(title="Evaluation by policy: no question bank, fresh index (ours / naive)")
    for column in ("policy", "split", "n", *HEADLINE, "invariants"):
        table.add_column(column)
    for run in runs:
        cells = [f"{run.ours.get(key, 0):.3f} / {run.naive.get(key, 0):.3f}" for key in HEADLINE]
        table.add_row(run.policy, run.split, str(run.n), *cells, str(sum(run.invariants.values())))
    for chosen_split in sorted({run.split for run in runs}):
        chosen = [run for run in runs if run.split == chosen_split]
        cells = [f"{macro(chosen, key):.3f} / {macro(chosen, key, True):.3f}" for key in HEADLINE]
        table.add_row(f"macro mean ({chosen_split})", chosen_split, str(sum(r.n for r in chosen)), *cells, "")
    console.print(table)
    totals = {name: sum(run.invariants[name] for run in runs) for name in invariants.INVARIANTS}
    console.print("Safety invariants (must be 0): " + ", ".join(f"{k} {v}" for k, v in totals.items()), highlight=False)


def _check_gold(settings, path: Path, policy: str | None) -> None:
    from core.gold import check_gold

    parsed = None
    if policy is not None:
        from assistant.assistant import Assistant

        parsed = Assistant(settings).policy(policy)
    problems = check_gold(path, parsed)
    if problems:
        for problem in problems:
            errors.print(f"[red]{path}[/]: {problem}", highlight=False)
        raise typer.Exit(1)
    console.print(f"[green]{path} is valid[/]" + (f" against {policy}." if policy else "."))


def _calibrate(settings, gold: Path | None, policy: str | None, split: str) -> None:
    from rich.table import Table

    from assistant.assistant import Assistant
    from core.gold import load_gold
    from eval.api import default_gold_path
    from eval.calibrate import best_floor, relevances, score_floors

    assistant = Assistant(settings)
    entry = assistant.index.entry(policy)
    questions = load_gold(gold or default_gold_path(settings, entry.policy_id), split)
    scores = relevances(assistant, entry.policy_id, questions)
    results = score_floors(scores, [q.answerable for q in questions], [x / 100 for x in range(-12, 26, 2)])
    table = Table(title=f"not-covered floor on {entry.policy_id} · split {split} · n={len(questions)}")
    for column in ("floor", "precision", "recall", "F1", "answerable refused"):
        table.add_column(column, justify="right")
    for r in results:
        table.add_row(
            f"{r.floor:+.2f}", f"{r.precision:.2f}", f"{r.recall:.2f}", f"{r.f1:.2f}", str(r.answerable_refused)
        )
    console.print(table)
    best = best_floor(results)
    now = assistant.floor_for(assistant.load(entry.policy_id).retriever)
    console.print(
        f"Best floor: {best.floor:+.2f} (F1 {best.f1:.2f}); now {now:+.2f}. "
        "Set POLICYQA_NOT_COVERED_THRESHOLD to override.",
        soft_wrap=True,
    )


def _run_eval(settings, gold, policy, split, as_json, report, compare_naive) -> None:
    from rich.table import Table

    from assistant.assistant import Assistant
    from eval.api import run_evaluation, save_latest
    from eval.report import metric_rows, write_reports

    assistant = Assistant(settings)
    with labelled_progress("evaluating") as progress:
        comparison = run_evaluation(assistant, policy, gold, split, compare_naive, progress)
    save_latest(settings, comparison)
    if report is not None:
        page, markdown = write_reports(comparison, report)
        errors.print(f"Reports: {page} and {markdown}")
    if as_json:
        print(json.dumps(comparison.to_json(), indent=2, ensure_ascii=False))
        return
    table = Table(title=f"split {split or 'all'} · n={comparison.ours.n}", caption=comparison.ours.policy)
    table.add_column("metric")
    table.add_column("PolicyQA", justify="right")
    if comparison.naive is not None:
        table.add_column("naive RAG", justify="right")
    for name, ours, naive in metric_rows(comparison):
        table.add_row(name, ours, *([naive] if comparison.naive is not None else []))
    console.print(table)
    failed = sum(1 for q in comparison.ours.questions if q.failed)
    console.print(f"{failed} of {comparison.ours.n} questions failed; see --report for each one.")
