"""Pure text helpers for rendering: escaping, marking quoted sentences, paragraph anchors and [id] markers."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable

from core.types import normalise_paragraph_id

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$])")
# a paragraph id as the parser writes it: 7.4.2, 2(e), 164.308(a)(1), appendix-1/3(a), OSPS-AC-01.01, 4.2 (2)
_MARKER = re.compile(r"\[([A-Za-z0-9§][\w.\-/() ]{0,60})\]")


def escape_markdown(text: str) -> str:
    """Text that Streamlit's Markdown shows literally (no emphasis, links, HTML or LaTeX)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def anchor_id(paragraph_id: str) -> str:
    """A stable HTML id for a paragraph: `7.4.2` -> `p-7-4-2`, `Appendix 1` -> `p-appendix1`."""
    return "p-" + re.sub(r"[^a-z0-9]+", "-", normalise_paragraph_id(paragraph_id)).strip("-")


def find_spans(text: str, phrases: Iterable[str]) -> list[tuple[int, int]]:
    """Where each phrase occurs in `text` (case and whitespace ignored), merged and sorted."""
    spans: list[tuple[int, int]] = []
    for phrase in phrases:
        words = phrase.split()
        if not words:
            continue
        pattern = re.compile(r"\s+".join(re.escape(word) for word in words), re.IGNORECASE)
        spans.extend(match.span() for match in pattern.finditer(text))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def split_quote(quote: str) -> list[str]:
    """A citation's quote holds one or more sentences joined with an ellipsis."""
    return [part.strip() for part in quote.split(" … ") if part.strip()]


def highlight_html(text: str, phrases: Iterable[str]) -> str:
    """`text` as safe HTML with every phrase wrapped in <mark> and line breaks kept."""
    out: list[str] = []
    position = 0
    for start, end in find_spans(text, phrases):
        out.append(_html_text(text[position:start]))
        out.append(f"<mark>{_html_text(text[start:end])}</mark>")
        position = end
    out.append(_html_text(text[position:]))
    return "".join(out)


def link_markers(text: str, link: Callable[[str], str | None]) -> str:
    """Markdown for an answer: text escaped, each `[7.4.2]` marker turned into `link(id)` when it gives a URL."""
    out: list[str] = []
    position = 0
    for match in _MARKER.finditer(text):
        url = link(match.group(1))
        if url is None:
            continue
        out.append(escape_markdown(text[position : match.start()]))
        out.append(f"[\\[{escape_markdown(match.group(1))}\\]]({url})")
        position = match.end()
    out.append(escape_markdown(text[position:]))
    return "".join(out).replace("\n", "  \n")


def _html_text(text: str) -> str:
    # `$` is escaped too: Streamlit's Markdown would read a pair of them as LaTeX.
    return html.escape(text).replace("$", "&#36;").replace("\n", "<br>")
