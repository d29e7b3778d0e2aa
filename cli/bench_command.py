"""`policyqa bench`: latency, ingest throughput, cold start and memory on this machine (eval/bench)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console

from core.errors import PolicyQAError

SIZES_HELP = "Store sizes in chunks for the scale runs, comma-separated (e.g. 1000,10000,100000; 0 or '' skips)."


def bench(
    as_json: Annotated[bool, typer.Option("--json", help="Print {machine, figures, targets, notes} as JSON.")] = False,
    sizes: Annotated[str, typer.Option(help=SIZES_HELP)] = "1000,10000,100000",
) -> None:
    """Measure cold start, ingest throughput, warm ask latency (with the naive baseline) and how query latency
    and memory grow with the store, in a temporary POLICYQA_HOME: minutes on 2 cores, more when they are busy."""
    from rich.markup import escape

    from core.config import Settings
    from eval.bench.report import render
    from eval.bench.runner import BenchPlan, parse_sizes, run_bench

    console = Console()
    errors = Console(stderr=True, soft_wrap=True)
    try:
        plan = BenchPlan(sizes=parse_sizes(sizes) if sizes.strip() not in ("", "0") else ())
        if as_json:
            result = run_bench(Settings(), plan)
        else:
            with console.status("Starting…") as status:

                def progress(message: str) -> None:
                    console.print(f"[dim]{escape(message)}…[/]", highlight=False)
                    status.update(escape(message) + "…")

                result = run_bench(Settings(), plan, progress=progress)
    except PolicyQAError as exc:
        errors.print(f"[bold red]Error:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(2) from None
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
        return
    render(result, console)
