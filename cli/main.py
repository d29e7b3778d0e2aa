"""The `policyqa` command. Heavy imports (torch, chroma) happen inside commands, so `--help` stays fast."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cli.bench_command import bench
from core.errors import IndexMismatchError, IndexMissingError, InputError, PolicyQAError, UnknownPolicyError

app = typer.Typer(
    help="PolicyQA: answers to staff questions about a policy, citing its numbered paragraphs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True, soft_wrap=True)


def _settings():
    from core.config import Settings

    return Settings()


def _print_error(message: str) -> None:
    from rich.markup import escape

    errors.print(f"[bold red]Error:[/] {escape(message)}", highlight=False)


def _fail(message: str, code: int = 2) -> None:
    _print_error(message)
    raise typer.Exit(code)


@app.command()
def parse(
    files: Annotated[list[Path], typer.Argument(help="Policy files (txt, md, docx, pdf, html), or a corpus folder.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print paragraphs as JSON.")] = False,
    show_dropped: Annotated[
        bool, typer.Option("--show-dropped", help="Also list what was set aside (contents, title, page furniture).")
    ] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Score a corpus folder (documents/ + expected/) against its structures.")
    ] = False,
) -> None:
    """Show the numbered paragraphs PolicyQA finds in a policy, what it set aside and what to check."""
    from rich.markup import escape
    from rich.table import Table

    from ingest.pipeline import parse_file

    settings = _settings()
    if check:
        _check_corpus(files, settings, as_json)
        return
    try:
        policies = [parse_file(path, settings) for path in files]
    except PolicyQAError as exc:
        _fail(str(exc))
    if as_json:
        out = [_policy_json(policy) for policy in policies]
        print(json.dumps(out if len(out) > 1 else out[0], indent=2, ensure_ascii=False))
        return
    for policy in policies:
        table = Table(title=escape(f"{policy.title or policy.policy_id} — {len(policy.paragraphs)} paragraphs"))
        table.add_column("id", style="bold cyan", no_wrap=True)
        table.add_column("heading")
        table.add_column("starts with")
        for p in policy.paragraphs:
            table.add_row(escape(p.id), escape(p.heading), escape(" ".join(p.text.split()[:10]) + " …"))
        console.print(table)
        report = policy.report
        if report is None:
            continue
        console.print(
            f"Numbering: {escape(report.numbering or 'none')}. Kept {report.coverage:.1%} of the text "
            f"({report.kept_words:,} of {report.body_words:,} words); set aside: "
            + (", ".join(f"{kind} {count}" for kind, count in _set_aside_counts(report.set_aside)) or "nothing"),
            highlight=False,
        )
        if report.unnumbered_kept_with:
            kept = ", ".join(f"{pid} ({count})" for pid, count in report.unnumbered_kept_with[:12])
            console.print(f"Unnumbered blocks kept with the paragraph above: {escape(kept)}.", highlight=False)
        for warning in report.warnings:
            errors.print(f"[yellow]Check:[/] {escape(warning)}", highlight=False)
        if show_dropped:
            for item in report.set_aside:
                console.print(f"  [dim]{escape(item.kind)}:[/] {escape(item.text)}", highlight=False)


def _set_aside_counts(items: tuple) -> list[tuple[str, int]]:  # type: ignore[type-arg]
    counts: dict[str, int] = {}
    for item in items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    return sorted(counts.items())


def _policy_json(policy) -> dict:  # type: ignore[no-untyped-def, type-arg]
    report = policy.report
    return {
        "policy": policy.policy_id,
        "title": policy.title,
        "paragraphs": [
            {"id": p.id, "heading": p.heading, "text": p.text, "span": list(p.span), "page": p.page}
            for p in policy.paragraphs
        ],
        "contacts": [
            {"role": c.role, "detail": c.detail, "paragraphs": list(c.paragraph_ids)} for c in policy.contacts
        ],
        "numbering": report.numbering if report else "",
        "coverage": round(report.coverage, 4) if report else 1.0,
        "warnings": list(report.warnings) if report else [],
        "unnumbered_kept_with": dict(report.unnumbered_kept_with) if report else {},
        "set_aside": [{"kind": item.kind, "text": item.text} for item in report.set_aside] if report else [],
    }


def _check_corpus(folders: list[Path], settings, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    from rich.table import Table

    from eval.corpus import corpus_documents, load_expected, score_document, totals
    from ingest.pipeline import parse_file

    scores = []
    try:
        for folder in folders:
            for document, expected in corpus_documents(folder):
                policy = parse_file(document, settings, document.stem)
                scores.append(score_document(policy, load_expected(expected), document))
    except PolicyQAError as exc:
        _fail(str(exc))
    summary = totals(scores)
    if as_json:
        rows = [
            {**score.__dict__, "precision": round(score.precision, 4), "recall": round(score.recall, 4)}
            for score in scores
        ]
        print(json.dumps({"documents": rows, "overall": summary}, indent=2, default=list))
        return
    table = Table(title="Parse check: ids against the expected structures")
    for column in ("document", "format", "numbering", "expected", "found", "precision", "recall", "order", "coverage"):
        table.add_column(column)
    for score in scores:
        table.add_row(
            score.document,
            score.format,
            score.numbering,
            str(score.expected),
            str(score.found),
            f"{score.precision:.3f}",
            f"{score.recall:.3f}",
            "yes" if score.in_order else "no",
            f"{score.coverage:.3f}",
        )
    console.print(table)
    console.print(
        f"Overall: precision {summary['precision']:.3f}, recall {summary['recall']:.3f} over "
        f"{summary['documents']} documents; lowest precision {summary['min_precision']:.3f}, lowest recall "
        f"{summary['min_recall']:.3f}; paragraphs starting with the expected words {summary['starts_ok']:.3f}; "
        f"lowest text coverage {summary['min_coverage']:.3f}.",
        highlight=False,
    )


@app.command()
def ingest(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Policy files; default: every policy in data/policies/.")
    ] = None,
    rebuild: Annotated[bool, typer.Option(help="Drop the whole index and build it again.")] = False,
) -> None:
    """Parse, embed and index policies. Unchanged policies are skipped; changed ones replaced atomically."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    from assistant.runtime import open_index
    from ingest.pipeline import already_indexed, discover_policies, ingest_policy, parse_file

    settings = _settings()
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
                task = bar.add_task("embedding", total=None)

                def advance(label: str, done: int, total: int, task: TaskID = task) -> None:
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
            f"{report.chunks} chunks{_bank_note(report.bank_questions)}, {report.seconds:.2f} s "
            f"({report.paragraphs_per_second:.1f} paragraphs/s)",
            soft_wrap=True,
        )
    console.print(f"Model load: {getattr(embeddings, 'load_seconds', 0.0):.2f} s · index: {settings.index_dir}")


@app.command()
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

    settings = _settings()
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
        _fail(str(exc))
    live = question_bank_path(settings.questions_dir, parsed.policy_id)
    console.print(
        f"Drafted {len(drafted):,} questions for {len(parsed.paragraphs) - len(failed)} paragraphs into {target}."
        + (f" None for: {', '.join(failed)}." if failed else "")
        + f" Read and correct it, then save it as {live} and run `policyqa ingest`.",
        soft_wrap=True,
    )


def _bank_note(questions: int) -> str:
    return f", {questions:,} bank questions" if questions else ""


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
    for column in ("policy", "title", "paragraphs", "chunks", "bank questions", "model", "distance"):
        table.add_column(column)
    for entry in entries:
        table.add_row(
            entry["policy_id"],
            entry["title"],
            str(entry["paragraphs"]),
            str(entry["chunks"]),
            str(entry.get("bank_questions", 0)),
            f"{signature.get('embedding_model')} ({signature.get('dimension')}-d)",
            str(signature.get("distance")),
        )
    console.print(table)


@app.command()
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

    settings = _settings()
    if llm:
        settings = settings.model_copy(update={"llm": llm})
    if batch is None and question is None:
        _fail('Give a question, or --batch FILE with one {"id", "question"} object a line.')
    try:
        assistant = Assistant(settings)
        if batch is not None:
            rows = _read_batch(batch)
            _answer_batch(assistant, rows, policy, out)
            return
        assert question is not None
        with console.status("Thinking…") if not as_json else _null():
            answer = assistant.ask(question, policy=policy)
    except PolicyQAError as exc:
        _fail(str(exc))
    if as_json:
        print(json.dumps(answer_to_json(answer), indent=2, ensure_ascii=False))
        return
    _print_answer(answer)


def _read_batch(path: Path) -> list[dict[str, str]]:
    from core.errors import InputError
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
            except (IndexMissingError, IndexMismatchError, UnknownPolicyError):
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


class _null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None


_VERDICT_STYLE = {
    "allowed": "bold green",
    "conditional": "bold yellow",
    "discouraged": "bold dark_orange",
    "prohibited": "bold red",
    "required": "bold blue",
    "not_covered": "bold magenta",
}


def _print_answer(answer) -> None:
    from rich.markup import escape
    from rich.panel import Panel

    from assistant.compose import VERDICT_LABELS

    # everything that comes from a policy is text, never Rich markup ("[/b]" or "[link=...]" in a sentence)
    style = _VERDICT_STYLE.get(answer.verdict, "bold")
    body = escape(answer.answer)
    if answer.note:
        body += f"\n\n[dim]{escape(answer.note)}[/]"
    console.print(Panel(body, title=f"[{style}]{VERDICT_LABELS[answer.verdict]}[/]", title_align="left"))
    for citation in answer.citations:
        console.print(f"  [bold cyan]{escape('[' + citation.paragraph + ']')}[/] {escape(citation.heading)}")
    if answer.contacts:
        who = "; ".join(c.role + (f" ({c.detail})" if c.detail else "") for c in answer.contacts)
        console.print(f"  [bold]Who to contact:[/] {escape(who)}")
    console.print(f"  [dim]confidence {answer.confidence:.2f} · {answer.timings_ms.get('total', 0):.0f} ms[/]")


@app.command("eval")
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
    settings = _settings()
    if compare not in (None, "naive"):
        _fail(f"Unknown baseline {compare!r}: the one baseline is `naive`.")
    if split not in (None, "dev", "test"):
        _fail(f"Unknown split {split!r}: use dev or test.")
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
        _fail(str(exc))


@contextmanager
def _labelled_progress(verb: str) -> Iterator[Callable[[str, int, int], None]]:
    """One bar per label (a system, a policy), shown on stderr while the work runs."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=errors, transient=True
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(label: str, done: int, total: int) -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(f"{verb} {label}", total=total)
            bar.update(tasks[label], completed=done)

        yield progress


def _run_corpus_eval(settings, corpus: Path, split: str | None, policy: str | None, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    from rich.table import Table

    from assistant.runtime import load_embeddings
    from eval import invariants
    from eval.corpus_eval import HEADLINE, macro, run_corpus_eval, to_json

    embeddings = load_embeddings(settings)
    with _labelled_progress("answering") as progress:
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
    from eval.gold import check_gold

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
    from eval.api import default_gold_path
    from eval.calibrate import best_floor, relevances, score_floors
    from eval.gold import load_gold

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
    with _labelled_progress("evaluating") as progress:
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


app.command("bench")(bench)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    try:
        app()
    except PolicyQAError as exc:  # last line of defence: a user error never becomes a traceback
        _print_error(str(exc))
        sys.exit(2)


if __name__ == "__main__":
    main()
