"""The `policyqa` command. Heavy imports (torch, chroma) happen inside commands, so `--help` stays fast."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from core.errors import PolicyQAError

app = typer.Typer(
    help="PolicyQA: answers to staff questions about a policy, citing its numbered paragraphs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True)


def _settings():
    from core.config import Settings

    return Settings()


def _fail(message: str, code: int = 2) -> None:
    errors.print(f"[bold red]Error:[/] {message}", highlight=False)
    raise typer.Exit(code)


@app.command()
def parse(
    files: Annotated[list[Path], typer.Argument(help="Policy files (txt, md, docx, pdf, html).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print paragraphs as JSON.")] = False,
) -> None:
    """Show the numbered paragraphs PolicyQA finds in a policy (ids, headings, first words)."""
    from rich.table import Table

    from ingest.pipeline import parse_file

    settings = _settings()
    try:
        policies = [parse_file(path, settings) for path in files]
    except PolicyQAError as exc:
        _fail(str(exc))
    if as_json:
        out = [
            {
                "policy": policy.policy_id,
                "title": policy.title,
                "paragraphs": [
                    {"id": p.id, "heading": p.heading, "text": p.text, "span": list(p.span), "page": p.page}
                    for p in policy.paragraphs
                ],
                "contacts": [
                    {"role": c.role, "detail": c.detail, "paragraphs": list(c.paragraph_ids)}
                    for c in policy.contacts
                ],
            }
            for policy in policies
        ]
        print(json.dumps(out if len(out) > 1 else out[0], indent=2, ensure_ascii=False))
        return
    for policy in policies:
        table = Table(title=f"{policy.title or policy.policy_id} — {len(policy.paragraphs)} paragraphs")
        table.add_column("id", style="bold cyan", no_wrap=True)
        table.add_column("heading")
        table.add_column("starts with")
        for p in policy.paragraphs:
            table.add_row(p.id, p.heading, " ".join(p.text.split()[:10]) + " …")
        console.print(table)


@app.command()
def ingest(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Policy files; default: every policy in data/policies/.")
    ] = None,
    rebuild: Annotated[bool, typer.Option(help="Drop the whole index and build it again.")] = False,
) -> None:
    """Parse, embed and index policies. Unchanged policies are skipped; changed ones replaced atomically."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from assistant.runtime import open_index
    from ingest.pipeline import discover_policies, ingest_policy, parse_file

    settings = _settings()
    try:
        files = list(paths) if paths else discover_policies(settings.policies_dir)
        parsed = [parse_file(path, settings) for path in files]
        with console.status("Loading the embedding model…"):
            index, embeddings = open_index(settings, check=not rebuild)
        if rebuild:
            index.remove_all()
        reports = []
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as bar:
            for policy in parsed:
                task = bar.add_task(f"embedding {policy.policy_id}", total=None)

                def advance(label: str, done: int, total: int, task: int = task) -> None:
                    bar.update(task, completed=done, total=total)

                report = ingest_policy(policy, index, embeddings, settings, progress=advance)
                bar.update(task, completed=1, total=1) if report.unchanged else None
                reports.append(report)
    except PolicyQAError as exc:
        _fail(str(exc))
    for report in reports:
        state = "unchanged, kept" if report.unchanged else "indexed"
        console.print(
            f"[green]{report.policy_id}[/]: {state} — {report.paragraphs} paragraphs, "
            f"{report.chunks} chunks, {report.seconds:.2f} s ({report.paragraphs_per_second:.1f} paragraphs/s)"
        )
    console.print(
        f"Model load: {getattr(embeddings, 'load_seconds', 0.0):.2f} s · index: {settings.index_dir}"
    )


@app.command()
def policies(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """List indexed policies with their paragraph and chunk counts and the model that embedded them."""
    from rich.table import Table

    from ingest.store import read_manifest

    settings = _settings()
    try:
        manifest = read_manifest(settings.index_dir)
    except PolicyQAError as exc:
        _fail(str(exc))
    entries = list(manifest.get("policies", {}).values())
    if as_json:
        print(json.dumps({"signature": manifest.get("signature"), "policies": entries}, indent=2))
        return
    if not entries:
        console.print(f"No policy is indexed under {settings.index_dir}: run `policyqa ingest`.")
        return
    signature = manifest.get("signature", {})
    table = Table(title=f"Indexed policies ({settings.index_dir})")
    for column in ("policy", "title", "paragraphs", "chunks", "model", "distance"):
        table.add_column(column)
    for entry in entries:
        table.add_row(
            entry["policy_id"],
            entry["title"],
            str(entry["paragraphs"]),
            str(entry["chunks"]),
            f"{signature.get('embedding_model')} ({signature.get('dimension')}-d)",
            str(signature.get("distance")),
        )
    console.print(table)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        app()
    except PolicyQAError as exc:  # last line of defence: a user error never becomes a traceback
        errors.print(f"[bold red]Error:[/] {exc}", highlight=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
