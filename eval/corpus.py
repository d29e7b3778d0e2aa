"""Score the parser on the corpus: each document against its expected structure, written by reading.

`data/corpus/documents/<doc>.<ext>` is parsed and compared with `data/corpus/expected/<doc>.jsonl`: id
precision and recall, whether the ids come in the expected order, and whether each matched paragraph
starts with the expected words (its own text, or its heading when the unit is a heading line alone).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from core.errors import InputError
from core.types import ParsedPolicy

_RUN_IN_TITLE = re.compile(
    r"^[A-Z][\w’'&/-]*(?:\s+(?:[A-Z][\w’'&/-]*|of|and|or|the|for|to|in|on|a|an|with|without|by)){0,8}[.:]\s+"
)
_LEADING_LABEL = re.compile(r"^(?:\([0-9a-z]{1,5}\)\s*|(?:\d{1,3}|[a-z]|[ivx]{1,4})[.)]\s+|[-–—]\s*)+", re.I)


@dataclass(frozen=True)
class ExpectedParagraph:
    id: str
    heading: str
    starts: str


@dataclass(frozen=True)
class DocumentScore:
    document: str
    format: str
    numbering: str
    expected: int
    found: int
    matched: int
    in_order: bool
    starts_ok: int
    coverage: float
    missing: tuple[str, ...]
    extra: tuple[str, ...]

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 0.0


def corpus_documents(folder: Path) -> list[tuple[Path, Path]]:
    """(document, expected structure) pairs of a corpus folder holding `documents/` and `expected/`."""
    expected_dir, documents_dir = folder / "expected", folder / "documents"
    if not expected_dir.is_dir() or not documents_dir.is_dir():
        raise InputError(f"{folder} is not a corpus: it needs documents/ and expected/ folders.")
    pairs = []
    for expected in sorted(expected_dir.glob("*.jsonl")):
        documents = sorted(documents_dir.glob(f"{expected.stem}.*"))
        if len(documents) != 1:
            raise InputError(f"{expected.name} needs exactly one document named {expected.stem}.* in {documents_dir}.")
        pairs.append((documents[0], expected))
    return pairs


def load_expected(path: Path) -> list[ExpectedParagraph]:
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            out.append(ExpectedParagraph(str(row["id"]), str(row.get("heading", "")), str(row["starts"])))
        except (ValueError, KeyError) as exc:
            raise InputError(f"{path.name} line {number} is not an expected paragraph: {exc}.") from exc
    return out


def score_document(policy: ParsedPolicy, expected: list[ExpectedParagraph], document: Path) -> DocumentScore:
    found = {p.id: p for p in policy.paragraphs}
    wanted = [row.id for row in expected]
    matched = [pid for pid in wanted if pid in found]
    order = [pid for pid in (p.id for p in policy.paragraphs) if pid in set(wanted)]
    starts_ok = sum(1 for row in expected if row.id in found and _starts_with(found[row.id], row))
    return DocumentScore(
        document=document.stem,
        format=document.suffix.lstrip("."),
        numbering=policy.report.numbering if policy.report else "",
        expected=len(wanted),
        found=len(found),
        matched=len(matched),
        in_order=order == matched,
        starts_ok=starts_ok,
        coverage=policy.report.coverage if policy.report else 1.0,
        missing=tuple(pid for pid in wanted if pid not in found),
        extra=tuple(pid for pid in found if pid not in set(wanted)),
    )


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower().replace("’", "'")).split())


def _starts_with(paragraph: object, row: ExpectedParagraph) -> bool:
    """The paragraph's text starts with the expected words, after any title it opens with: a title line of its
    own ("Repositories" then the text) or a run-in title ("Members. The Foundation shall ...")."""
    want = _normal(row.starts)
    raw = _LEADING_LABEL.sub("", getattr(paragraph, "text", ""))
    heading_path = getattr(paragraph, "heading_path", ())
    candidates = [raw, *(_normal(h) for h in heading_path[-1:])]
    lines = raw.split("\n")
    if len(lines) > 1 and len(lines[0].split()) <= 10:
        candidates.append(_LEADING_LABEL.sub("", "\n".join(lines[1:])))
    run_in = _RUN_IN_TITLE.match(raw)
    if run_in:
        candidates.append(raw[run_in.end() :])
    return any(_normal(candidate).startswith(want) for candidate in candidates)


def totals(scores: list[DocumentScore]) -> dict[str, float]:
    matched = sum(s.matched for s in scores)
    found = sum(s.found for s in scores)
    expected = sum(s.expected for s in scores)
    return {
        "documents": len(scores),
        "precision": matched / found if found else 0.0,
        "recall": matched / expected if expected else 0.0,
        "min_precision": min((s.precision for s in scores), default=0.0),
        "min_recall": min((s.recall for s in scores), default=0.0),
        "starts_ok": sum(s.starts_ok for s in scores) / matched if matched else 0.0,
        "min_coverage": min((s.coverage for s in scores), default=0.0),
    }
