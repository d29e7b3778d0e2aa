"""What a parse kept, set aside and should be checked: the text-coverage figure and the warnings.

Coverage counts words (tokens with a letter, so labels and page numbers do not count): the document's
words, less those set aside as contents, title lines or page furniture, against the words found in the
paragraphs and their headings. It is computed from the text itself, not from the parser's bookkeeping,
so a line the parser lost shows up.
"""

from __future__ import annotations

import re
from collections import Counter

from core.types import Paragraph, ParseReport, SetAside, SourceDocument
from ingest.furniture import entry_key

_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
COVERAGE_WARNING = 0.97
_ONE_ID_SHARE = 0.5


def words(text: str) -> Counter[str]:
    return Counter(match.group(0).lower() for match in _WORD.finditer(text))


def build_report(
    document: SourceDocument,
    paragraphs: tuple[Paragraph, ...],
    numbering: str,
    set_aside: tuple[SetAside, ...],
    absorbed: tuple[tuple[str, int], ...] = (),
) -> ParseReport:
    """`set_aside` holds the reader's furniture (already out of `document.text`) and the parser's own."""
    parser_set_aside = [item for item in set_aside if item not in document.set_aside]
    body = words(document.text) - words(" ".join(item.text for item in parser_set_aside))
    headings = {heading for p in paragraphs for heading in p.heading_path}
    ids = " ".join(p.id for p in paragraphs)  # a rule code ("OSPS-AC-01.01") lives on as the paragraph's id
    kept = words(" ".join(p.text for p in paragraphs) + " " + " ".join(headings) + " " + ids)
    body_count = sum(body.values())
    kept_count = sum((kept & body).values())
    coverage = kept_count / body_count if body_count else 1.0
    return ParseReport(
        numbering=numbering,
        body_words=body_count,
        kept_words=kept_count,
        set_aside=set_aside,
        warnings=tuple(_warnings(paragraphs, numbering, set_aside, coverage)),
        unnumbered_kept_with=absorbed,
    )


def _warnings(
    paragraphs: tuple[Paragraph, ...], numbering: str, set_aside: tuple[SetAside, ...], coverage: float
) -> list[str]:
    out: list[str] = []
    if numbering in ("headings", "paragraphs"):
        out.append(
            "No numbering found: paragraphs are cited by their "
            + ("headings" if numbering == "headings" else "position (p1, p2, ...)")
            + "; check the document really has no numbered sections."
        )
    duplicates = sorted({p.id.split(" (")[0] for p in paragraphs if re.search(r" \(\d+\)$", p.id)})
    if duplicates:
        out.append(f"The same number appears twice for {', '.join(duplicates[:5])}: check the ids in the parse.")
    gaps = _gaps([p.id for p in paragraphs])
    if gaps:
        out.append(f"Numbering skips after {', '.join(gaps[:5])}: a numbered paragraph may have been missed.")
    total = sum(len(p.text.split()) for p in paragraphs)
    if len(paragraphs) >= 3 and total:
        largest = max(paragraphs, key=lambda p: len(p.text.split()))
        if len(largest.text.split()) / total > _ONE_ID_SHARE:
            out.append(f"Most of the text sits under one id ({largest.id}): its numbering may not have been read.")
    unmatched = _unmatched_contents(paragraphs, set_aside)
    if unmatched:
        out.append(f"Contents entries not found as sections: {'; '.join(unmatched[:3])}.")
    if coverage < COVERAGE_WARNING:
        out.append(
            f"Only {coverage:.0%} of the document's text is in a paragraph: see `policyqa parse --show-dropped`."
        )
    return out


def _gaps(ids: list[str]) -> list[str]:
    previous: tuple[str, int] | None = None
    gaps: list[str] = []
    for paragraph_id in ids:
        match = re.fullmatch(r"((?:[\w-]+/)?(?:\d+\.)*)(\d+)", paragraph_id)
        if not match:
            continue
        prefix, number = match.group(1), int(match.group(2))
        if previous is not None and previous[0] == prefix and number > previous[1] + 1:
            gaps.append(f"{prefix}{previous[1]}")
        previous = (prefix, number)
    return gaps


def _unmatched_contents(paragraphs: tuple[Paragraph, ...], set_aside: tuple[SetAside, ...]) -> list[str]:
    entries = [item.text for item in set_aside if item.kind == "contents"]
    if not entries:
        return []
    seen = " ".join(entry_key(heading) for p in paragraphs for heading in p.heading_path)
    seen += " " + " ".join(entry_key(p.text[:200]) for p in paragraphs)
    unmatched = []
    for entry in entries:
        key = re.sub(r"^[a-z]{0,10} ?[\divx.]+ ", "", entry_key(entry))
        if len(key) > 3 and key not in seen:
            unmatched.append(entry.strip())
    return unmatched if len(unmatched) > len(entries) / 2 else []
