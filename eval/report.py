"""HTML and Markdown eval reports: metric table (both systems), per-category chart, confusion matrix
picture, and every failed question with expected and given paragraphs and verdicts."""

from __future__ import annotations

import html
from pathlib import Path

from core.types import VERDICTS
from eval.api import Comparison
from eval.runner import METRIC_KEYS, EvalResult


def write_reports(comparison: Comparison, out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    category_png = out_dir / "categories.png"
    confusion_png = out_dir / "confusion.png"
    plot_categories(comparison.ours, category_png)
    plot_confusion(comparison.ours, confusion_png)
    markdown = out_dir / "report.md"
    page = out_dir / "report.html"
    markdown.write_text(render_markdown(comparison, category_png.name, confusion_png.name), encoding="utf-8")
    page.write_text(render_html(comparison, category_png.name, confusion_png.name), encoding="utf-8")
    return page, markdown


def metric_rows(comparison: Comparison) -> list[tuple[str, str, str]]:
    rows = []
    for key in METRIC_KEYS:
        ours = comparison.ours.metrics[key]
        naive = comparison.naive.metrics[key] if comparison.naive else None
        rows.append((key, f"{ours:.3f}", f"{naive:.3f}" if naive is not None else "—"))
    rows.append(
        (
            "chars to scan (top 5)",
            f"{comparison.ours.scanned_chars_top5:.0f}",
            f"{comparison.naive.scanned_chars_top5:.0f}" if comparison.naive else "—",
        )
    )
    return rows


def plot_categories(result: EvalResult, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(result.per_category)
    values = [result.per_category[name]["verdict_accuracy"] for name in names]
    figure, axis = plt.subplots(figsize=(8, 0.35 * len(names) + 1.2))
    axis.barh(names, values, color="#3b7dd8")
    axis.set_xlim(0, 1)
    axis.set_xlabel("verdict accuracy")
    axis.set_title(f"Verdict accuracy by category (n={result.n})")
    axis.invert_yaxis()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def plot_confusion(result: EvalResult, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = list(VERDICTS)
    matrix = [[result.confusion[g][p] for p in labels] for g in labels]
    figure, axis = plt.subplots(figsize=(6.5, 5.5))
    axis.imshow(matrix, cmap="Blues")
    axis.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    axis.set_yticks(range(len(labels)), labels)
    axis.set_xlabel("given verdict")
    axis.set_ylabel("expected verdict")
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            axis.text(j, i, str(value), ha="center", va="center", color="black" if value < 8 else "white")
    axis.set_title("Verdict confusion matrix")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def render_markdown(comparison: Comparison, category_png: str, confusion_png: str) -> str:
    ours = comparison.ours
    lines = [
        f"# PolicyQA evaluation — {ours.policy}",
        "",
        f"Gold: `{comparison.gold_path}` · split: {ours.split or 'all'} · questions: {ours.n}",
        "",
        "| metric | PolicyQA | naive RAG |",
        "|---|---|---|",
        *[f"| {name} | {a} | {b} |" for name, a, b in metric_rows(comparison)],
        "",
        f"![verdict accuracy by category]({category_png})",
        "",
        f"![confusion matrix]({confusion_png})",
        "",
        "## Failed questions",
        "",
        "| id | question | expected | given | expected verdict | given verdict |",
        "|---|---|---|---|---|---|",
    ]
    for result in ours.questions:
        if result.failed:
            g, a = result.gold, result.answer
            question = g.question.replace("|", "\\|")
            lines.append(
                f"| {g.id} | {question} | {', '.join(g.expected_paragraphs) or '—'} | "
                f"{', '.join(a.cited) or '—'} (top: {', '.join(a.retrieved[:3])}) | {g.verdict} | {a.verdict} |"
            )
    return "\n".join(lines) + "\n"


def render_html(comparison: Comparison, category_png: str, confusion_png: str) -> str:
    ours = comparison.ours
    esc = html.escape
    metric_table = "".join(f"<tr><td>{esc(n)}</td><td>{a}</td><td>{b}</td></tr>" for n, a, b in metric_rows(comparison))
    failures = []
    for result in ours.questions:
        if not result.failed:
            continue
        g, a = result.gold, result.answer
        failures.append(
            "<tr>"
            f"<td>{esc(g.id)}</td><td>{esc(g.question)}</td>"
            f"<td>{esc(', '.join(g.expected_paragraphs) or '—')}</td>"
            f"<td>{esc(', '.join(a.cited) or '—')}<br><small>top: {esc(', '.join(a.retrieved[:3]))}</small></td>"
            f"<td>{esc(g.verdict)}</td><td class='{'bad' if a.verdict != g.verdict else ''}'>{esc(a.verdict)}</td>"
            f"<td><details><summary>answer</summary>{esc(a.answer)}</details></td>"
            "</tr>"
        )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PolicyQA evaluation — {esc(ours.policy)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; max-width: 1200px; color: #1d2733; }}
table {{ border-collapse: collapse; margin: 1rem 0; }}
td, th {{ border: 1px solid #ccd; padding: .35rem .6rem; vertical-align: top; text-align: left; }}
th {{ background: #eef2f8; }} .bad {{ color: #b00020; font-weight: 600; }}
img {{ max-width: 100%; border: 1px solid #dde; margin: .5rem 0; }}
</style></head><body>
<h1>PolicyQA evaluation — {esc(ours.policy)}</h1>
<p>Gold: <code>{esc(comparison.gold_path)}</code> · split: {esc(ours.split or "all")} · questions: {ours.n}</p>
<h2>Metrics</h2>
<table><tr><th>metric</th><th>PolicyQA</th><th>naive RAG</th></tr>{metric_table}</table>
<h2>By category</h2><img src="{esc(category_png)}" alt="verdict accuracy by category">
<h2>Confusion matrix</h2><img src="{esc(confusion_png)}" alt="verdict confusion matrix">
<h2>Failed questions ({len(failures)})</h2>
<table><tr><th>id</th><th>question</th><th>expected</th><th>cited</th><th>expected verdict</th>
<th>given verdict</th><th></th></tr>{"".join(failures)}</table>
</body></html>
"""
