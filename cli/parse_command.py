"""`policyqa parse`: what the parser makes of a file, and a corpus scored against its expected structures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cli.output import console, errors, fail, load_settings
from core.errors import PolicyQAError


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

    settings = load_settings()
    if check:
        _check_corpus(files, settings, as_json)
        return
    try:
        policies = [parse_file(path, settings) for path in files]
    except PolicyQAError as exc:
        fail(str(exc))
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
        fail(str(exc))
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
