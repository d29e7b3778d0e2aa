"""`policyqa ingest`, `bank` and `policies`: building the index and listing what is in it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cli.output import console, fail, load_settings
from core.errors import InputError, PolicyQAError


def ingest(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Policy files; default: every policy in data/policies/.")
    ] = None,
    rebuild: Annotated[
        bool,
        typer.Option(help="Build the whole index again (only these policies); the old one answers until it is done."),
    ] = False,
) -> None:
    """Parse, embed and index policies. Unchanged policies are skipped; changed ones replaced atomically."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    from assistant.runtime import open_index
    from ingest.pipeline import already_indexed, discover_policies, ingest_policy, parse_file, rebuild_index

    settings = load_settings()
    try:
        files = list(paths) if paths else discover_policies(settings.policies_dir)
        parsed = [parse_file(path, settings) for path in files]
        unchanged = None if rebuild else already_indexed(parsed, settings)
        if unchanged is not None:
            for report in unchanged:
                console.print(
                    f"[green]{report.policy_id}[/]: unchanged, kept — {report.paragraphs} paragraphs, "
                    f"{report.chunks} chunks{_bank_note(report.bank_questions)}",
                    soft_wrap=True,
                )
            return
        with console.status("Loading the embedding model…"):
            index, embeddings = open_index(settings, check=not rebuild)
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as bar:
            tasks: dict[str, TaskID] = {policy.policy_id: bar.add_task("embedding", total=None) for policy in parsed}

            def advance(label: str, done: int, total: int) -> None:
                bar.update(tasks[label], completed=done, total=total)

            if rebuild:
                reports = rebuild_index(parsed, index, embeddings, settings, progress=advance)
            else:
                reports = []
                for policy in parsed:
                    report = ingest_policy(policy, index, embeddings, settings, progress=advance)
                    bar.update(tasks[policy.policy_id], completed=1, total=1) if report.unchanged else None
                    reports.append(report)
    except PolicyQAError as exc:
        fail(str(exc))
    for report in reports:
        state = "unchanged, kept" if report.unchanged else "indexed"
        console.print(
            f"[green]{report.policy_id}[/]: {state} — {report.paragraphs} paragraphs, "
            f"{report.chunks} chunks{_bank_note(report.bank_questions)}, {report.seconds:.2f} s "
            f"({report.paragraphs_per_second:.1f} paragraphs/s)",
            soft_wrap=True,
        )
    console.print(f"Model load: {getattr(embeddings, 'load_seconds', 0.0):.2f} s · index: {settings.index_dir}")


def bank(
    llm: Annotated[
        str | None, typer.Option(help="The LLM that drafts, e.g. `ollama:llama3.2` (or POLICYQA_LLM).")
    ] = None,
    policy: Annotated[str | None, typer.Option(help="Policy id (see `policyqa policies`).")] = None,
    per_paragraph: Annotated[int, typer.Option(help="Questions to draft for each paragraph (1-50).")] = 20,
    out: Annotated[
        Path | None, typer.Option(help="Where to write the draft (default: <questions dir>/<policy>.draft.jsonl).")
    ] = None,
) -> None:
    """Draft a question bank for an indexed policy with an LLM, for you to review before it is used."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from assistant.bank_draft import draft_bank
    from assistant.llm import build_chat_model
    from ingest.question_bank import question_bank_path, write_question_bank
    from ingest.store import IndexSignature, PolicyIndex, read_manifest

    settings = load_settings()
    if llm:
        settings = settings.model_copy(update={"llm": llm})
    try:
        if not settings.llm:
            raise InputError("Drafting a bank needs an LLM: give --llm, e.g. ollama:llama3.2 (or set POLICYQA_LLM).")
        if not 1 <= per_paragraph <= 50:
            raise InputError("--per-paragraph must be between 1 and 50.")
        signature = read_manifest(settings.index_dir).get("signature", {})
        index = PolicyIndex(settings.index_dir, IndexSignature(**signature) if signature else IndexSignature("", 0, ""))
        parsed = index.load_policy(index.entry(policy))
        model = build_chat_model(settings)
        with Progress(
            TextColumn("[bold]drafting"), BarColumn(), MofNCompleteColumn(), console=console, transient=False
        ) as bar:
            task = bar.add_task("drafting", total=len(parsed.paragraphs))
            drafted, failed = draft_bank(
                model, parsed, per_paragraph, lambda done, total: bar.update(task, completed=done, total=total)
            )
        if not drafted:
            raise PolicyQAError(
                f"The LLM drafted no usable question for {parsed.policy_id}: check --llm and its server."
            )
        target = out or settings.questions_dir / f"{parsed.policy_id}.draft.jsonl"
        write_question_bank(target, drafted)
    except PolicyQAError as exc:
        fail(str(exc))
    live = question_bank_path(settings.questions_dir, parsed.policy_id)
    console.print(
        f"Drafted {len(drafted):,} questions for {len(parsed.paragraphs) - len(failed)} paragraphs into {target}."
        + (f" None for: {', '.join(failed)}." if failed else "")
        + f" Read and correct it, then save it as {live} and run `policyqa ingest`.",
        soft_wrap=True,
    )


def _bank_note(questions: int) -> str:
    return f", {questions:,} bank questions" if questions else ""


def policies(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """List indexed policies with their paragraph and chunk counts and the model that embedded them."""
    from rich.table import Table

    from ingest.store import read_manifest

    settings = load_settings()
    try:
        manifest = read_manifest(settings.index_dir)
    except PolicyQAError as exc:
        fail(str(exc))
    entries = list(manifest.get("policies", {}).values())
    if as_json:
        print(json.dumps({"signature": manifest.get("signature"), "policies": entries}, indent=2))
        return
    if not entries:
        console.print(f"No policy is indexed under {settings.index_dir}: run `policyqa ingest`.")
        return
    signature = manifest.get("signature", {})
    table = Table(title=f"Indexed policies ({settings.index_dir})")
    for column in ("policy", "title", "paragraphs", "chunks", "bank questions", "model", "distance"):
        table.add_column(column)
    for entry in entries:
        table.add_row(
            entry["policy_id"],
            entry["title"],
            str(entry["paragraphs"]),
            str(entry["chunks"]),
            str(entry.get("bank_questions", 0)),
            f"{signature.get('embedding_model')} ({signature.get('dimension')}-d, "
            f"{signature.get('embedding_backend', 'torch')})",
            str(signature.get("distance")),
        )
    console.print(table)
