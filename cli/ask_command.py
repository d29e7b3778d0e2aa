"""`policyqa ask`: one question, or a batch file, answered with a verdict and cited paragraphs."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from cli.output import console, errors, fail, load_settings, null_status, print_answer
from core.errors import (
    IndexDamagedError,
    IndexMismatchError,
    IndexMissingError,
    InputError,
    PolicyQAError,
    UnknownPolicyError,
)


def ask(
    question: Annotated[str | None, typer.Argument(help="Your question, in your own words.")] = None,
    policy: Annotated[str | None, typer.Option(help="Policy id (see `policyqa policies`).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
    batch: Annotated[Path | None, typer.Option(help="JSONL file of {id, question} lines to answer.")] = None,
    out: Annotated[Path | None, typer.Option(help="With --batch: write answers here (default stdout).")] = None,
    llm: Annotated[str | None, typer.Option(help="Optional LLM, e.g. `ollama:llama3.2`; default: none.")] = None,
) -> None:
    """Answer a question (or a --batch file) with a verdict and cited paragraphs."""
    from assistant.assistant import Assistant
    from assistant.schema import answer_to_json

    settings = load_settings()
    if llm:
        settings = settings.model_copy(update={"llm": llm})
    if batch is None and question is None:
        fail('Give a question, or --batch FILE with one {"id", "question"} object a line.')
    try:
        assistant = Assistant(settings)
        if batch is not None:
            rows = _read_batch(batch)
            _answer_batch(assistant, rows, policy, out)
            return
        assert question is not None
        with console.status("Thinking…") if not as_json else null_status():
            answer = assistant.ask(question, policy=policy)
    except PolicyQAError as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps(answer_to_json(answer), indent=2, ensure_ascii=False))
        return
    print_answer(answer)


def _read_batch(path: Path) -> list[dict[str, str]]:
    from core.jsonl import read_jsonl

    if not path.is_file():
        raise InputError(f'No batch file at {path}: give a .jsonl file of {{"id", "question"}} lines.')
    rows = []
    for number, row, problem in read_jsonl(path):
        if problem is not None:
            raise InputError(f"{path} line {number} is not valid JSON: fix it and run again.")
        if not isinstance(row, dict) or "id" not in row or "question" not in row:
            raise InputError(f'{path} line {number} needs "id" and "question" fields.')
        rows.append(row)
    return rows


def _answer_batch(assistant, rows: list[dict[str, str]], policy: str | None, out: Path | None) -> None:
    from rich.progress import Progress

    from assistant.schema import answer_to_json

    lines = []
    with Progress(console=errors, transient=True) as bar:
        task = bar.add_task("answering", total=len(rows))
        for row in rows:
            try:
                record = answer_to_json(assistant.ask(str(row["question"]), policy=policy))
            except (IndexMissingError, IndexMismatchError, IndexDamagedError, UnknownPolicyError):
                raise  # the index or the policy is wrong for every question: stop with its sentence
            except PolicyQAError as exc:  # this question alone (empty, too long): record it and go on
                record = {"question": row["question"], "error": str(exc)}
            lines.append(json.dumps({"id": row["id"], **record}, ensure_ascii=False))
            bar.advance(task)
    text = "\n".join(lines) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        errors.print(f"Wrote {len(lines)} answers to {out}")
